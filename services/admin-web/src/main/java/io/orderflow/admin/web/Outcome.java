package io.orderflow.admin.web;

import io.orderflow.admin.orders.CommandGateway;

/**
 * What the page shows after a click: the engine's answer, or that it is still coming ({@code result} null), or that
 * it did not come in time ({@code timedOut}). {@code loadedAt} is when the order shown was last updated, so the panel
 * refresh can wait until the read model has moved past it.
 */
public record Outcome(String orderId, String commandId, long issuedAt, String loadedAt, CommandGateway.Result result,
                      boolean timedOut) {
    public boolean pending() {
        return result == null && !timedOut;
    }

    /** The CSS class and heading of the answer. */
    public String kind() {
        if (result == null) {
            return timedOut ? "warning" : "pending";
        }
        return switch (result.status()) {
            case "APPLIED" -> "success";
            case "IN_FLIGHT" -> "info";
            case "DUPLICATE" -> "info";
            default -> "error";
        };
    }

    public String heading() {
        if (result == null) {
            return timedOut ? "Still processing" : "Sent; waiting for the engine";
        }
        if (result.staleVersion()) {
            return "Refused: order changed since you loaded it";
        }
        return switch (result.status()) {
            case "APPLIED" -> "Applied";
            case "IN_FLIGHT" -> "In flight";
            case "DUPLICATE" -> "Already handled";
            default -> "Refused";
        };
    }
}
