package io.orderflow.payment;

import io.orderflow.schema.Money;
import io.orderflow.schema.OrderDetails;
import io.orderflow.schema.OrderLine;
import io.orderflow.schema.OrderSnapshot;
import java.math.BigDecimal;
import java.util.Currency;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks a capture before any money moves: the amount is the order total, the total is the exact sum of the lines,
 * every amount is in one well-formed ISO 4217 currency, and there is a payment method. Pure; no I/O.
 */
final class PaymentValidation {
    private static final Pattern ISO_CODE = Pattern.compile("[A-Z]{3}");

    private PaymentValidation() {}

    /** What to charge, or why not. */
    sealed interface Result permits Valid, Invalid {}

    record Valid(long amountMinor, String currency, String paymentMethod) implements Result {}

    record Invalid(String reason) implements Result {}

    static Result check(OrderSnapshot order) {
        String id = order.getOrderId();
        OrderDetails details = order.getDetails();
        Money total = order.getTotal();
        String method = details == null ? null : details.getPaymentMethod();
        if (method == null || method.isBlank()) {
            return new Invalid("order " + id + " has no payment method");
        }
        if (total == null) {
            return new Invalid("order " + id + " has no total");
        }
        String currency = total.getCurrency();
        if (currency == null || currency.isBlank()) {
            return new Invalid("order " + id + " has no currency on its total");
        }
        if (!isCurrency(currency)) {
            return new Invalid("order " + id + ": '" + currency + "' is not an ISO 4217 currency code");
        }
        List<OrderLine> lines = details.getLines();
        if (lines == null || lines.isEmpty()) {
            return new Invalid("order " + id + " has no lines to charge for");
        }
        long sum = 0;
        for (OrderLine line : lines) {
            Money price = line.getUnitPrice();
            String lineCurrency = price == null ? null : price.getCurrency();
            if (lineCurrency == null || lineCurrency.isBlank()) {
                return new Invalid("order " + id + ": line " + line.getSku() + " has no currency");
            }
            if (!lineCurrency.equals(currency)) {
                return new Invalid("order " + id + ": line " + line.getSku() + " is priced in " + lineCurrency
                        + " but the order total is in " + currency);
            }
            if (line.getQuantity() <= 0) {
                return new Invalid("order " + id + ": line " + line.getSku() + " has quantity " + line.getQuantity());
            }
            if (price.getAmountMinor() < 0) {
                return new Invalid("order " + id + ": line " + line.getSku() + " has a negative price "
                        + format(price.getAmountMinor(), currency));
            }
            try {
                sum = Math.addExact(sum, Math.multiplyExact(price.getAmountMinor(), (long) line.getQuantity()));
            } catch (ArithmeticException e) {
                return new Invalid("order " + id + ": the line amounts overflow");
            }
        }
        if (total.getAmountMinor() != sum) {
            return new Invalid("order " + id + ": amount mismatch: the total is "
                    + format(total.getAmountMinor(), currency) + " but the lines add up to " + format(sum, currency));
        }
        if (sum <= 0) {
            return new Invalid("order " + id + ": nothing to charge (total " + format(sum, currency) + ")");
        }
        return new Valid(sum, currency, method);
    }

    private static boolean isCurrency(String code) {
        if (!ISO_CODE.matcher(code).matches()) {
            return false;
        }
        try {
            Currency.getInstance(code);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Minor units as the currency writes them ({@code 4999 EUR} as {@code 49.99 EUR}), exactly. */
    static String format(long amountMinor, String currency) {
        int digits;
        try {
            digits = Math.max(Currency.getInstance(currency).getDefaultFractionDigits(), 0);
        } catch (IllegalArgumentException | NullPointerException e) {
            return amountMinor + " minor units of " + currency;
        }
        return BigDecimal.valueOf(amountMinor).movePointLeft(digits).toPlainString() + " " + currency;
    }
}
