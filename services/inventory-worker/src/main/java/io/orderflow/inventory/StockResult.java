package io.orderflow.inventory;

import java.util.List;

/**
 * What a stock operation did: done (with a reason saying what, or that there was nothing to do) or refused (with
 * the reason and, for a reservation, the lines that were short). A refusal changed nothing.
 */
public record StockResult(boolean done, String reason, List<Shortfall> shortfalls) {
    public StockResult {
        shortfalls = List.copyOf(shortfalls);
    }

    static StockResult done(String reason) {
        return new StockResult(true, reason, List.of());
    }

    static StockResult refused(String reason) {
        return new StockResult(false, reason, List.of());
    }

    static StockResult refused(String reason, List<Shortfall> shortfalls) {
        return new StockResult(false, reason, shortfalls);
    }
}
