package io.orderflow.shipping;

import io.orderflow.schema.Effect;
import java.time.Instant;

/** A row of {@code label_requests}: one CREATE_LABEL or VOID_LABEL request and what became of it. */
public record LabelRequestRow(String requestId, String orderId, Effect effect, String targetRequestId, byte[] event,
                              RequestState state, String reason, String reference, int attempts,
                              Instant nextAttemptAt) {
}
