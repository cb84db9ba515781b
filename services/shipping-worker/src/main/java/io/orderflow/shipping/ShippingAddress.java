package io.orderflow.shipping;

import io.orderflow.shipping.carrier.LabelOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reads the order's one-string shipping address into the carrier's fields. The expected shape, parts separated by
 * commas or new lines, is {@code name, street[, more street...], postal-code city[, country]}, e.g.
 * {@code "Ada Lovelace, 1 Analytical St, N1 9GU London, GB"}. Without a name the customer id is printed; without a
 * two-letter country the configured default is used. What cannot be read is refused with a reason staff can act on.
 */
public final class ShippingAddress {
    static final String EXAMPLE = "'Ada Lovelace, 1 Analytical St, N1 9GU London, GB'";

    private ShippingAddress() {}

    /** Thrown for an address no label can be printed for; the message says what is missing. */
    public static final class Unusable extends Exception {
        Unusable(String message) {
            super(message);
        }
    }

    public static LabelOrder.Address parse(String address, String fallbackName, String defaultCountry) throws Unusable {
        if (address == null || address.isBlank()) {
            throw new Unusable("the order has no shipping address");
        }
        List<String> parts = new ArrayList<>(Arrays.stream(address.split("[,;\\n]"))
                .map(String::trim).filter(p -> !p.isEmpty()).toList());
        String country = defaultCountry;
        if (parts.size() > 1 && parts.get(parts.size() - 1).matches("[A-Za-z]{2}")) {
            country = parts.remove(parts.size() - 1).toUpperCase(Locale.ROOT);
        }
        if (parts.size() < 2) {
            throw new Unusable("shipping address '" + address.trim() + "' needs a street and a postal code with city, "
                    + "like " + EXAMPLE);
        }
        String cityLine = parts.remove(parts.size() - 1);
        String[] postalCodeAndCity = postalCodeAndCity(cityLine);
        if (postalCodeAndCity == null) {
            throw new Unusable("shipping address '" + address.trim() + "' has no postal code and city in '" + cityLine
                    + "'; write it like " + EXAMPLE);
        }
        String name = parts.size() == 1 ? fallbackName : parts.get(0);
        String line1 = parts.size() == 1 ? parts.get(0) : parts.get(1);
        String line2 = parts.size() > 2 ? String.join(", ", parts.subList(2, parts.size())) : null;
        return new LabelOrder.Address(name, line1, line2, postalCodeAndCity[1], postalCodeAndCity[0], country);
    }

    /** "10115 Berlin", "N1 9GU London", "London N1 9GU": the words with digits are the postal code. */
    private static String[] postalCodeAndCity(String line) {
        String[] words = line.split("\\s+");
        int leading = 0;
        while (leading < words.length && hasDigit(words[leading])) {
            leading++;
        }
        if (leading > 0 && leading < words.length) {
            return new String[] {join(words, 0, leading), join(words, leading, words.length)};
        }
        int trailing = 0;
        while (trailing < words.length && hasDigit(words[words.length - 1 - trailing])) {
            trailing++;
        }
        if (trailing > 0 && trailing < words.length) {
            return new String[] {join(words, words.length - trailing, words.length), join(words, 0, words.length - trailing)};
        }
        return null;
    }

    private static boolean hasDigit(String word) {
        return word.chars().anyMatch(Character::isDigit);
    }

    private static String join(String[] words, int from, int to) {
        return String.join(" ", Arrays.asList(words).subList(from, to));
    }
}
