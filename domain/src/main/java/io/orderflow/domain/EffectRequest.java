package io.orderflow.domain;

import io.orderflow.schema.Effect;
import io.orderflow.schema.Transition;
import java.time.Instant;

/**
 * An outside effect the engine asks a worker for. A compensation undoes an earlier effect: {@code targetRequestId}
 * names the request to undo, or is null for "whatever of this kind the order holds".
 */
public record EffectRequest(
        String requestId,
        Transition transition,
        Effect effect,
        boolean compensation,
        String targetRequestId,
        Instant deadline) {}
