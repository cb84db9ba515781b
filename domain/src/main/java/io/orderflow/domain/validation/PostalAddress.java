package io.orderflow.domain.validation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A one-string shipping address read into its parts. The shape, parts separated by commas, semicolons or new lines,
 * is {@code [name,] street[, more street...], postal-code city[, country]}, e.g. {@link #EXAMPLE}. Street, postal code
 * and city are required (checked at place); the name and the two-letter country are optional (the shipping worker
 * prints the customer id and its default country instead).
 */
public record PostalAddress(String name, String line1, String line2, String postalCode, String city, String country) {
    public static final String EXAMPLE = "'Ada Lovelace, 1 Analytical St, N1 9GU London, GB'";
    // Compiled once: every placed order's address is read, on the engine's hot path.
    private static final Pattern SEPARATOR = Pattern.compile("[,;\\n]");
    private static final Pattern COUNTRY = Pattern.compile("[A-Za-z]{2}");
    private static final Pattern SPACES = Pattern.compile("\\s+");

    /** The address's parts, or the required parts it lacks ("street", "postal code", "city"). */
    public record Reading(Optional<PostalAddress> address, List<String> missing) {
        /** What a person reads about an incomplete address: "the street and postal code". */
        public String lacking() {
            String parts = missing.size() == 1 ? missing.get(0)
                    : String.join(", ", missing.subList(0, missing.size() - 1)) + " and " + missing.get(missing.size() - 1);
            return "the " + parts;
        }
    }

    public static Reading read(String text) {
        List<String> parts = text == null ? new ArrayList<>() : new ArrayList<>(Arrays.stream(SEPARATOR.split(text))
                .map(String::trim).filter(p -> !p.isEmpty()).toList());
        String country = null;
        if (parts.size() > 1 && COUNTRY.matcher(parts.get(parts.size() - 1)).matches()) {
            country = parts.remove(parts.size() - 1).toUpperCase(Locale.ROOT);
        }
        if (parts.isEmpty()) {
            return new Reading(Optional.empty(), List.of("street", "postal code", "city"));
        }
        String cityLine = parts.remove(parts.size() - 1);
        String[] postalCodeAndCity = postalCodeAndCity(cityLine);
        List<String> missing = new ArrayList<>();
        if (parts.isEmpty()) {
            missing.add("street");
        }
        if (postalCodeAndCity == null) {
            // "London" lacks the postal code; "10115" lacks the city.
            missing.add(hasDigit(cityLine) ? "city" : "postal code");
        }
        if (!missing.isEmpty()) {
            return new Reading(Optional.empty(), List.copyOf(missing));
        }
        String name = parts.size() == 1 ? null : parts.get(0);
        String line1 = parts.size() == 1 ? parts.get(0) : parts.get(1);
        String line2 = parts.size() > 2 ? String.join(", ", parts.subList(2, parts.size())) : null;
        return new Reading(Optional.of(new PostalAddress(name, line1, line2, postalCodeAndCity[0],
                postalCodeAndCity[1], country)), List.of());
    }

    /** "10115 Berlin", "N1 9GU London", "London N1 9GU": the words with digits are the postal code. */
    private static String[] postalCodeAndCity(String line) {
        String[] words = SPACES.split(line);
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
