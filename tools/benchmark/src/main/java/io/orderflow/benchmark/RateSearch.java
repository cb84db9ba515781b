package io.orderflow.benchmark;

import java.util.OptionalDouble;

/**
 * Finds the highest offered rate the system sustains: multiply the rate by {@code factor} while each step is
 * sustained, step down by the same factor while none has been, then bisect between the highest sustained and the
 * lowest unsustained rate a few times. Pure: the caller runs each step and says whether it was sustained.
 */
public final class RateSearch {
    private final double start;
    private final double factor;
    private final double min;
    private final double max;
    private int refinementsLeft;
    private double highestSustained;
    private double lowestUnsustained = Double.POSITIVE_INFINITY;

    public RateSearch(double start, double factor, int refinements, double min, double max) {
        if (start <= 0 || factor <= 1 || min <= 0 || max < start) {
            throw new IllegalArgumentException("need 0 < min, 0 < start <= max and factor > 1");
        }
        this.start = start;
        this.factor = factor;
        this.refinementsLeft = refinements;
        this.min = min;
        this.max = max;
    }

    /**
     * A step is sustained when, over its judged window, the system kept pace with what was offered (state changes per
     * second at least 90 % of five per offered order), its backlog did not grow (orders in flight grew by less than
     * 10 % of the orders offered in the window: a system above capacity piles up what it cannot do, one below it
     * holds a steady number in flight however long each order takes), and it refused or rolled back nothing.
     *
     * @param offeredOrdersPerS the step's rate
     * @param inFlightGrowth    orders in flight (placed, not yet delivered) at the window's end minus at its start
     */
    public static boolean sustained(double offeredOrdersPerS, double achievedTransitionsPerS, double windowSeconds,
                                    long inFlightGrowth, long refused, long rolledBack) {
        double offeredTransitionsPerS = offeredOrdersPerS * Choreography.TRANSITIONS_PER_ORDER;
        return refused == 0 && rolledBack == 0 && achievedTransitionsPerS >= 0.9 * offeredTransitionsPerS
                && inFlightGrowth <= 0.1 * offeredOrdersPerS * windowSeconds;
    }

    /** The next rate to try, or empty when the search is over. */
    public OptionalDouble next() {
        if (lowestUnsustained == Double.POSITIVE_INFINITY) {
            if (highestSustained == 0) {
                return OptionalDouble.of(start);
            }
            return highestSustained >= max ? OptionalDouble.empty()
                    : OptionalDouble.of(Math.min(max, round(highestSustained * factor)));
        }
        if (highestSustained == 0) {
            double lower = round(lowestUnsustained / factor);
            return lower < min ? OptionalDouble.empty() : OptionalDouble.of(lower);
        }
        double middle = round((highestSustained + lowestUnsustained) / 2);
        if (refinementsLeft <= 0 || lowestUnsustained / highestSustained < 1.1 || middle <= highestSustained) {
            return OptionalDouble.empty();
        }
        refinementsLeft--;
        return OptionalDouble.of(middle);
    }

    public void record(double rate, boolean sustained) {
        if (sustained) {
            highestSustained = Math.max(highestSustained, rate);
        } else {
            lowestUnsustained = Math.min(lowestUnsustained, rate);
        }
    }

    /** The highest sustained rate so far; 0 when none was. */
    public double best() {
        return highestSustained;
    }

    private static double round(double rate) {
        return rate >= 10 ? Math.round(rate) : Math.round(rate * 10) / 10.0;
    }
}
