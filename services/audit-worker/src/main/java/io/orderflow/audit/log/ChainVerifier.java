package io.orderflow.audit.log;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * Re-reads the audit log and checks every order's hash chain: rows numbered 1, 2, 3 ... without a gap, each
 * {@code prev_hash} equal to the previous row's hash, and each hash equal to the one recomputed from the row's
 * content. Names the first broken row of each broken order.
 *
 * <p>What a chain proves: no row was changed, removed from the middle, or slipped in, unless whoever did it also
 * recomputed every later hash of that order. It cannot show rows cut off the end of a chain; for that the chain
 * heads would have to be kept somewhere else too (published, or signed).
 */
public final class ChainVerifier {
    private static final int FETCH_SIZE = 1_000;

    private ChainVerifier() {}

    /** The first row of an order whose chain does not hold, and why. */
    public record Break(String orderId, long chainIndex, long seq, String messageId, String problem) {
        @Override
        public String toString() {
            return "order " + orderId + ", row " + chainIndex + " (seq " + seq + ", message " + messageId + "): "
                    + problem;
        }
    }

    /** What a verification run saw. */
    public record Report(long orders, long rows, List<Break> breaks) {
        public boolean intact() {
            return breaks.isEmpty();
        }
    }

    /** Verifies one order's chain, or every order's when {@code orderId} is empty. */
    public static Report verify(Jdbi jdbi, Optional<String> orderId) {
        String sql = "select " + AuditLog.COLUMNS + " from audit_log"
                + (orderId.isPresent() ? " where order_id = :orderId" : "") + " order by order_id, chain_index";
        // Repeatable read: one snapshot for the whole walk, however long it takes. A cursor needs a transaction.
        return jdbi.inTransaction(TransactionIsolationLevel.REPEATABLE_READ, handle -> {
            var query = handle.createQuery(sql).setFetchSize(FETCH_SIZE);
            orderId.ifPresent(id -> query.bind("orderId", id));
            return query.map(AuditLog::row).withStream(rows -> walk(rows.iterator()));
        });
    }

    private static Report walk(Iterator<AuditRow> rows) {
        List<Break> breaks = new ArrayList<>();
        long orders = 0;
        long count = 0;
        String currentOrder = null;
        AuditRow previous = null;
        boolean broken = false;
        while (rows.hasNext()) {
            AuditRow row = rows.next();
            count++;
            if (!row.entry().orderId().equals(currentOrder)) {
                currentOrder = row.entry().orderId();
                orders++;
                previous = null;
                broken = false;
            }
            if (broken) {
                continue;  // the first break of an order is the one to name; later rows hang off it
            }
            String problem = problem(previous, row);
            if (problem != null) {
                breaks.add(new Break(currentOrder, row.chainIndex(), row.seq(), row.entry().messageId(), problem));
                broken = true;
            }
            previous = row;
        }
        return new Report(orders, count, List.copyOf(breaks));
    }

    private static String problem(AuditRow previous, AuditRow row) {
        long expectedIndex = previous == null ? 1 : previous.chainIndex() + 1;
        if (row.chainIndex() != expectedIndex) {
            if (row.chainIndex() < expectedIndex) {
                return "chain index " + row.chainIndex() + " where " + expectedIndex + " was expected";
            }
            long lastMissing = row.chainIndex() - 1;
            return lastMissing == expectedIndex
                    ? "row " + expectedIndex + " of the chain is missing (deleted)"
                    : "rows " + expectedIndex + ".." + lastMissing + " of the chain are missing (deleted)";
        }
        String expectedPrev = previous == null ? null : previous.hash();
        if (!Objects.equals(row.prevHash(), expectedPrev)) {
            return previous == null
                    ? "the first row of the chain links to a previous hash"
                    : "prev_hash does not match the hash of row " + previous.chainIndex() + " (seq " + previous.seq()
                            + "): that row was rewritten with a new hash, or this link was altered";
        }
        if (!row.hash().equals(row.expectedHash())) {
            return "content does not match its hash: the row was changed after it was written, or forged";
        }
        return null;
    }
}
