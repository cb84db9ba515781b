package io.orderflow.domain;

import java.util.Objects;

/**
 * An exact amount in minor units (cents) of an ISO 4217 currency. Whether the code is one is an input rule
 * ({@link io.orderflow.domain.validation.InputRules#currency}), checked where commands come in, so that a command with
 * a wrong code is answered with the reason instead of failing to be read.
 */
public record Money(long minor, String currency) {
    public Money {
        Objects.requireNonNull(currency, "currency");
    }

    public static Money zero(String currency) {
        return new Money(0, currency);
    }

    public Money plus(Money other) {
        requireSameCurrency(other);
        return new Money(Math.addExact(minor, other.minor), currency);
    }

    public Money times(int factor) {
        return new Money(Math.multiplyExact(minor, factor), currency);
    }

    private void requireSameCurrency(Money other) {
        if (!currency.equals(other.currency)) {
            throw new IllegalArgumentException("cannot add " + other.currency + " to " + currency);
        }
    }

    @Override
    public String toString() {
        return String.format("%s %s%d.%02d", currency, minor < 0 ? "-" : "", Math.abs(minor / 100), Math.abs(minor % 100));
    }
}
