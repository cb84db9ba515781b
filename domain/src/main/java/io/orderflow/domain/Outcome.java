package io.orderflow.domain;

import io.orderflow.schema.Effect;
import io.orderflow.schema.OutcomeStatus;

/** A worker's fact about an effect: the answer to a request, or unsolicited news such as tracking. */
public record Outcome(
        String outcomeId,
        String requestId,
        Effect effect,
        OutcomeStatus status,
        String reason,
        String reference,
        String trackingNumber,
        String trackingStatus) {

    public static final String DELIVERED = "DELIVERED";
}
