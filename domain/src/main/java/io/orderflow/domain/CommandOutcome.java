package io.orderflow.domain;

import io.orderflow.schema.CommandStatus;

/** The answer once given to a command id; a repeat of the id gets it again instead of a second decision. */
public record CommandOutcome(String commandId, CommandStatus status, RejectionCode code, String message) {}
