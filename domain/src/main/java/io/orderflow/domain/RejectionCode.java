package io.orderflow.domain;

/** Why a command was refused, as a stable code for machines; the message says it for people. */
public enum RejectionCode {
    INVALID_COMMAND,
    UNKNOWN_ORDER,
    ORDER_EXISTS,
    INVALID_TRANSITION,
    FORBIDDEN,
    OUTSIDE_BUSINESS_HOURS,
    VERSION_CONFLICT,
    TRANSITION_IN_FLIGHT
}
