package io.orderflow.domain;

import io.orderflow.schema.Transition;
import java.time.Instant;

/**
 * A stalled automatic step to take again: {@code transition} failed {@code attempts} times in a row from the order's
 * current state, and is tried again at {@code at} (or, once the stall policy's attempts are used up, given up then).
 */
public record Retry(Transition transition, int attempts, Instant at) {}
