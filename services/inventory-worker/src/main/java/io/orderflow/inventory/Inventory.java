package io.orderflow.inventory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;

/**
 * Stock and reservations: every change to stock goes through here, in the caller's transaction.
 *
 * <p>Locking. Every operation locks the stock rows it changes, in SKU order. The consumer runs a whole polled batch
 * of requests in one transaction, so it first locks the stock rows of every request in the batch at once, in SKU
 * order ({@link #lockStock}); the operations then only find rows their transaction already holds. Transactions that
 * take their rows in one global order never wait for each other in a cycle, so worker instances do not deadlock on
 * hot SKUs, and batches that share no SKU run side by side (no schema-wide lock). Should a batch still need a row it
 * did not lock first, PostgreSQL breaks a resulting deadlock by aborting the batch, which then runs again. The CHECK
 * constraints keep stock non-negative whatever happens.
 */
public final class Inventory {
    static final String ACTIVE = "active";
    static final String RELEASED = "released";
    static final String CONSUMED = "consumed";

    /**
     * Reserves every line of {@code requested} for {@code requestId}, or nothing: a short or unknown SKU refuses
     * the whole request, naming every line that cannot be had.
     */
    public StockResult reserve(Handle handle, String orderId, String requestId, List<Line> requested) {
        return reserve(dao(handle), orderId, requestId, requested);
    }

    StockResult reserve(InventoryDao dao, String orderId, String requestId, List<Line> requested) {
        List<Line> lines;
        try {
            lines = Line.merge(requested);
        } catch (IllegalArgumentException e) {
            return StockResult.refused(e.getMessage());
        }
        if (lines.isEmpty()) {
            return StockResult.done("nothing to reserve: order " + orderId + " has no lines");
        }
        Map<String, StockLevel> levels = dao.lockLevels(lines.stream().map(Line::sku).toArray(String[]::new)).stream()
                .collect(Collectors.toMap(StockLevel::sku, Function.identity()));
        List<String> unknown = new ArrayList<>();
        List<Shortfall> shortfalls = new ArrayList<>();
        List<Shortfall> outOfStock = new ArrayList<>();
        for (Line line : lines) {
            StockLevel level = levels.get(line.sku());
            if (level == null) {
                unknown.add(line.sku());
                shortfalls.add(new Shortfall(line.sku(), line.quantity(), 0));
            } else if (level.available() < line.quantity()) {
                Shortfall shortfall = new Shortfall(line.sku(), line.quantity(), level.available());
                outOfStock.add(shortfall);
                shortfalls.add(shortfall);
            }
        }
        if (!shortfalls.isEmpty()) {
            return StockResult.refused(refusal(unknown, outOfStock), shortfalls);
        }
        dao.addReserved(lines);
        dao.insertReservations(requestId, orderId, lines);
        return StockResult.done("reserved " + Line.describe(lines));
    }

    /** Releases the order's active reservations ({@code target}'s only, if given): the stock is free again. */
    public StockResult release(Handle handle, String orderId, String target) {
        return release(dao(handle), orderId, target);
    }

    StockResult release(InventoryDao dao, String orderId, String target) {
        return move(dao, orderId, target, ACTIVE, RELEASED, "release", "released",
                (stock, lines) -> stock.addReserved(negated(lines)));
    }

    /** Ship: the order's active reservations leave the warehouse (on-hand and reserved both go down). */
    public StockResult deduct(Handle handle, String orderId, String target) {
        return deduct(dao(handle), orderId, target);
    }

    StockResult deduct(InventoryDao dao, String orderId, String target) {
        return move(dao, orderId, target, ACTIVE, CONSUMED, "deduct", "deducted",
                (stock, lines) -> stock.addOnHandAndReserved(negated(lines)));
    }

    /** Unship: stock deducted for the order is back on hand and reserved for it again. */
    public StockResult restore(Handle handle, String orderId, String target) {
        return restore(dao(handle), orderId, target);
    }

    StockResult restore(InventoryDao dao, String orderId, String target) {
        return move(dao, orderId, target, CONSUMED, ACTIVE, "restore", "restored",
                InventoryDao::addOnHandAndReserved);
    }

    /**
     * Sets a SKU's on-hand stock, adding the SKU if it is new (an admin's stock count or goods received).
     *
     * @throws IllegalArgumentException if {@code onHand} is negative or below what is reserved
     */
    public StockLevel setOnHand(Handle handle, String sku, int onHand) {
        if (sku == null || sku.isBlank()) {
            throw new IllegalArgumentException("a SKU is needed");
        }
        InventoryDao dao = dao(handle);
        int reserved = dao.lockLevels(new String[] {sku}).stream().mapToInt(StockLevel::reserved).sum();
        if (onHand < reserved) {
            throw new IllegalArgumentException("cannot set " + sku + " to " + onHand + " on hand: " + reserved
                    + " are reserved; release reservations first");
        }
        dao.setOnHand(sku, onHand);
        return dao.level(sku).orElseThrow();
    }

    /**
     * Fills the stock table with {@code levels} if it is empty; returns the number of SKUs added (0 if it already had
     * stock). Instances starting together seed it once: the check runs under the seeding lock.
     */
    public int seedIfEmpty(Handle handle, List<Line> levels) {
        InventoryDao dao = dao(handle);
        dao.lockSeeding();
        if (levels.isEmpty() || dao.hasStock()) {
            return 0;
        }
        dao.insertStock(levels);
        return levels.size();
    }

    /** SKUs where reserved stock differs from the sum of active reservations; empty when the invariant holds. */
    public List<Discrepancy> discrepancies(Handle handle) {
        return handle.attach(InventoryDao.class).discrepancies();
    }

    private interface StockChange {
        void apply(InventoryDao dao, List<Line> lines);
    }

    /**
     * Locks the stock rows a batch of requests may change, in SKU order, before any of them changes one: the
     * reserved SKUs, and every SKU the orders of the other requests hold reservations of.
     */
    void lockStock(InventoryDao dao, Collection<String> reservedSkus, Collection<String> ordersMoved) {
        Set<String> skus = new TreeSet<>(reservedSkus);
        if (!ordersMoved.isEmpty()) {
            skus.addAll(dao.reservedSkus(ordersMoved.toArray(String[]::new)));
        }
        if (!skus.isEmpty()) {
            dao.lockLevels(skus.toArray(String[]::new));
        }
    }

    private StockResult move(InventoryDao dao, String orderId, String target, String from, String to, String verb,
                             String done, StockChange change) {
        List<Reservation> held = dao.lockReservations(orderId, from, target);
        if (held.isEmpty()) {
            return StockResult.done("nothing to " + verb + ": " + nothingHeld(dao, orderId, target, from));
        }
        Map<String, Integer> bySku = new TreeMap<>();
        held.forEach(r -> bySku.merge(r.sku(), r.quantity(), Integer::sum));
        List<Line> lines = bySku.entrySet().stream().map(e -> new Line(e.getKey(), e.getValue())).toList();
        change.apply(dao, lines);  // in SKU order, so the stock rows are locked in SKU order too
        dao.moveReservations(orderId, target, from, to);
        String requests = String.join(", ", held.stream().map(Reservation::requestId).distinct().toList());
        return StockResult.done(done + " " + Line.describe(lines) + " (reservation " + requests + ")");
    }

    private static String nothingHeld(InventoryDao dao, String orderId, String target, String status) {
        String what = ACTIVE.equals(status) ? "active" : "shipped (consumed)";
        if (target == null) {
            return "order " + orderId + " holds no " + what + " reservation";
        }
        return dao.reservationStatus(orderId, target)
                .map(actual -> "reservation " + target + " is " + actual + ", not " + status)
                .orElse("order " + orderId + " holds no reservation from request " + target);
    }

    private static String refusal(List<String> unknown, List<Shortfall> outOfStock) {
        List<String> parts = new ArrayList<>();
        if (!unknown.isEmpty()) {
            parts.add("unknown SKU: " + String.join(", ", unknown));
        }
        if (!outOfStock.isEmpty()) {
            parts.add("out of stock: " + String.join(", ", outOfStock.stream()
                    .map(s -> s.sku() + " (requested " + s.requested() + ", available " + s.available() + ")")
                    .toList()));
        }
        return String.join("; ", parts);
    }

    private static List<Line> negated(List<Line> lines) {
        return lines.stream().map(l -> new Line(l.sku(), -l.quantity())).toList();
    }

    private static InventoryDao dao(Handle handle) {
        if (!handle.isInTransaction()) {
            throw new IllegalStateException("stock changes must run inside a transaction");
        }
        return handle.attach(InventoryDao.class);
    }
}
