package io.orderflow.admin.orders;

import java.math.BigDecimal;
import java.util.Currency;

/** Money for people: minor units shown in the currency's own decimals ({@code 1250 EUR} → {@code 12.50 EUR}). */
public final class Amounts {
    private Amounts() {}

    public static String format(long minor, String currency) {
        int digits;
        try {
            digits = Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
        } catch (IllegalArgumentException unknown) {
            digits = 2;
        }
        return BigDecimal.valueOf(minor, digits).toPlainString() + " " + currency;
    }
}
