package io.orderflow.common.dlt;

import java.util.Locale;
import java.util.function.Predicate;

/**
 * Which dead letters of one topic to show or replay: all of them, or those matching every criterion given (null
 * means any). An offset range needs a partition; one record is the range {@code [o, o]}.
 */
public record Selection(Integer partition, Long fromOffset, Long toOffset, String orderId, String errorContains,
                        String failedBy) implements Predicate<DeadLetter> {

    public static final Selection ALL = new Selection(null, null, null, null, null, null);

    public Selection {
        if ((fromOffset != null || toOffset != null) && partition == null) {
            throw new IllegalArgumentException("an offset needs a partition (dead-letter offsets count per partition)");
        }
        if (fromOffset != null && toOffset != null && fromOffset > toOffset) {
            throw new IllegalArgumentException("offset range " + fromOffset + ".." + toOffset + " is empty");
        }
    }

    public static Selection record(int partition, long offset) {
        return new Selection(partition, offset, offset, null, null, null);
    }

    public boolean isAll() {
        return equals(ALL);
    }

    @Override
    public boolean test(DeadLetter letter) {
        return (partition == null || letter.partition() == partition)
                && (fromOffset == null || letter.offset() >= fromOffset)
                && (toOffset == null || letter.offset() <= toOffset)
                && (orderId == null || orderId.equals(letter.orderId()))
                && (errorContains == null || (letter.error() != null && letter.error().toLowerCase(Locale.ROOT)
                        .contains(errorContains.toLowerCase(Locale.ROOT))))
                && (failedBy == null || failedBy.equals(letter.failedBy()));
    }
}
