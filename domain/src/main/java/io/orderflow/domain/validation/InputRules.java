package io.orderflow.domain.validation;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The documented limits of every input (README, "Input rules"), and the checks of one value each. Ids travel into
 * HTTP headers, URLs and file names at the payment gateway and the carrier, so they are plain ASCII and short.
 */
public final class InputRules {
    /** Order, customer, SKU and payment-method ids: ASCII letters, digits, {@code . _ -}, starting with a letter or digit. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    public static final String ID_ALPHABET = "ASCII letters, digits and . _ - (starting with a letter or digit)";
    public static final int MAX_ID_LENGTH = 64;
    public static final int MAX_COMMAND_ID_LENGTH = 128;
    public static final int MAX_EMAIL_LENGTH = 254;
    public static final int MAX_LINES = 100;
    public static final int MAX_QUANTITY = 10_000;
    /** 1,000,000.00 in minor units (hundredths). */
    public static final long MAX_UNIT_PRICE_MINOR = 100_000_000L;
    /** 10,000,000.00 in minor units (hundredths). */
    public static final long MAX_TOTAL_MINOR = 1_000_000_000L;
    /** Amounts are kept in hundredths, so a currency must have two decimals (EUR, USD, GBP; not JPY). */
    public static final int CURRENCY_DECIMALS = 2;
    public static final int MAX_TEXT_LENGTH = 500;

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");
    // Compiled once: every command is checked against them, on the engine's hot path.
    private static final Pattern CURRENCY_CODE = Pattern.compile("[A-Z]{3}");
    private static final Pattern WHOLE_NUMBER = Pattern.compile("[+-]?\\d+");
    private static final int SHOWN = 40;

    private InputRules() {}

    /** An id (what names it, e.g. "order id") within {@code maxLength} characters of {@link #ID_ALPHABET}. */
    public static Optional<Problem> id(String field, String what, String value, int maxLength) {
        if (value == null || value.isBlank()) {
            return problem(field, what + " is missing");
        }
        if (value.length() > maxLength) {
            return problem(field, what + " is " + value.length() + " characters long; the limit is " + maxLength);
        }
        if (!ID.matcher(value).matches()) {
            return problem(field, what + " " + shown(value) + " may use only " + ID_ALPHABET);
        }
        return Optional.empty();
    }

    public static Optional<Problem> id(String field, String what, String value) {
        return id(field, what, value, MAX_ID_LENGTH);
    }

    public static Optional<Problem> email(String field, String value) {
        if (value == null || value.isBlank()) {
            return problem(field, "customer e-mail is missing");
        }
        if (value.length() > MAX_EMAIL_LENGTH) {
            return problem(field, "customer e-mail is " + value.length() + " characters long; the limit is "
                    + MAX_EMAIL_LENGTH);
        }
        if (!EMAIL.matcher(value).matches()) {
            return problem(field, "customer e-mail " + shown(value) + " is not an address like ann@example.com");
        }
        return Optional.empty();
    }

    /** An ISO 4217 code that {@link Currency} knows, with {@link #CURRENCY_DECIMALS} decimals. */
    public static Optional<Problem> currency(String field, String code) {
        if (code == null || code.isBlank()) {
            return problem(field, "currency is missing");
        }
        Currency currency;
        try {
            currency = CURRENCY_CODE.matcher(code).matches() ? Currency.getInstance(code) : null;
        } catch (IllegalArgumentException unknown) {
            currency = null;
        }
        if (currency == null) {
            return problem(field, "currency " + shown(code) + " is not an ISO 4217 code like EUR or USD");
        }
        if (currency.getDefaultFractionDigits() != CURRENCY_DECIMALS) {
            return problem(field, "currency " + code + " is not supported: amounts are kept in hundredths, so the "
                    + "currency must have " + CURRENCY_DECIMALS + " decimals (like EUR, USD, GBP)");
        }
        return Optional.empty();
    }

    public static Optional<Problem> quantity(String field, String what, long quantity) {
        if (quantity < 1 || quantity > MAX_QUANTITY) {
            return problem(field, what + " must be from 1 to " + MAX_QUANTITY + ", got " + quantity);
        }
        return Optional.empty();
    }

    public static Optional<Problem> unitPrice(String field, String what, long minor) {
        if (minor < 0 || minor > MAX_UNIT_PRICE_MINOR) {
            return problem(field, what + " must be from 0.00 to " + decimal(MAX_UNIT_PRICE_MINOR) + ", got "
                    + decimal(minor));
        }
        return Optional.empty();
    }

    /** Free text (a reason, an address) within {@link #MAX_TEXT_LENGTH} characters. */
    public static Optional<Problem> text(String field, String what, String value) {
        if (value != null && value.length() > MAX_TEXT_LENGTH) {
            return problem(field, what + " is " + value.length() + " characters long; the limit is " + MAX_TEXT_LENGTH);
        }
        return Optional.empty();
    }

    /** Reads a typed quantity, e.g. {@code 2}, refusing what is not a whole number within the limit. */
    public static int parseQuantity(String field, String text) {
        String t = text == null ? "" : text.trim();
        if (!WHOLE_NUMBER.matcher(t).matches()) {
            throw invalid(field, "quantity " + shown(t) + " must be a whole number from 1 to " + MAX_QUANTITY);
        }
        BigDecimal value = new BigDecimal(t);
        if (value.compareTo(BigDecimal.ONE) < 0 || value.compareTo(BigDecimal.valueOf(MAX_QUANTITY)) > 0) {
            throw invalid(field, "quantity must be from 1 to " + MAX_QUANTITY + ", got " + t);
        }
        return value.intValueExact();
    }

    /** Reads a typed unit price, e.g. {@code 12.50}, into minor units, refusing more than two decimals or the limit. */
    public static long parseUnitPrice(String field, String text) {
        String t = text == null ? "" : text.trim();
        BigDecimal price;
        try {
            price = new BigDecimal(t);
        } catch (NumberFormatException e) {
            throw invalid(field, "unit price " + shown(t) + " must be a decimal like 12.50");
        }
        if (price.signum() < 0 || price.compareTo(BigDecimal.valueOf(MAX_UNIT_PRICE_MINOR, 2)) > 0) {
            throw invalid(field, "unit price must be from 0.00 to " + decimal(MAX_UNIT_PRICE_MINOR) + ", got "
                    + shown(t));
        }
        if (price.stripTrailingZeros().scale() > CURRENCY_DECIMALS) {
            throw invalid(field, "unit price " + t + " has more than " + CURRENCY_DECIMALS + " decimals");
        }
        return price.movePointRight(CURRENCY_DECIMALS).longValueExact();
    }

    /** Minor units as a decimal with two places: 1250 as 12.50. */
    public static String decimal(long minor) {
        return BigDecimal.valueOf(minor, CURRENCY_DECIMALS).toPlainString();
    }

    /** A value quoted for a message, cut short so that a 10,000-character input never fills a log or a screen. */
    public static String shown(String value) {
        boolean longer = value.codePointCount(0, value.length()) > SHOWN;
        return "'" + (longer ? value.substring(0, value.offsetByCodePoints(0, SHOWN)) + "..." : value) + "'";
    }

    private static Optional<Problem> problem(String field, String message) {
        return Optional.of(new Problem(field, message));
    }

    private static InvalidInputException invalid(String field, String message) {
        return new InvalidInputException(new Problem(field, message));
    }
}
