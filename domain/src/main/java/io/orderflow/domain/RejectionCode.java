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
    TRANSITION_IN_FLIGHT,
    /** Too many orders in flight on the order's partition: a new order is refused; retry later. */
    BUSY
}
