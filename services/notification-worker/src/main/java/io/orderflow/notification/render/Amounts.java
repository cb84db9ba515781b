package io.orderflow.notification.render;

import io.orderflow.schema.Money;
import java.math.BigDecimal;
import java.util.Currency;

/** Exact money for people: minor units shifted by the currency's own decimals, never through a double. */
public final class Amounts {
    private Amounts() {}

    /** {@code 2999 EUR} as {@code "29.99 EUR"}, {@code 500 JPY} as {@code "500 JPY"}. */
    public static String format(Money money) {
        return format(money.getAmountMinor(), money.getCurrency());
    }

    public static String format(long amountMinor, String currency) {
        return BigDecimal.valueOf(amountMinor, fractionDigits(currency)).toPlainString() + " " + currency;
    }

    /** {@code quantity} times {@code unitPrice}; fails rather than overflow. */
    public static String times(Money unitPrice, int quantity) {
        return format(Math.multiplyExact(unitPrice.getAmountMinor(), (long) quantity), unitPrice.getCurrency());
    }

    private static int fractionDigits(String currency) {
        try {
            int digits = Currency.getInstance(currency).getDefaultFractionDigits();
            return digits < 0 ? 2 : digits;  // -1: pseudo-currencies such as XXX
        } catch (IllegalArgumentException e) {
            return 2;  // not an ISO 4217 code this JDK knows; cents are the common case
        }
    }
}
