package io.orderflow.admin.orders;

import io.orderflow.schema.OrderState;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * What the orders list shows: a state, a condition (in flight, held, flagged), a search (an order id, or the start of a
 * customer e-mail), a sort, and a keyset cursor ({@code after}: the sort value and order id of the last row shown).
 * Every value is parsed and bound as a parameter, never spliced into SQL.
 */
public record OrderFilter(Optional<OrderState> state, Condition condition, String search, Sort sort,
                          Optional<Cursor> after, int limit) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 1000;

    public enum Condition { ANY, IN_FLIGHT, HELD, FLAGGED }

    public enum Sort {
        UPDATED("updated_at"), PLACED("placed_at");

        final String column;

        Sort(String column) {
            this.column = column;
        }
    }

    public record Cursor(Instant at, String orderId) {
        public String encode() {
            return at.toEpochMilli() + "_" + orderId;
        }

        static Optional<Cursor> decode(String text) {
            if (text == null || text.isBlank()) {
                return Optional.empty();
            }
            int split = text.indexOf('_');
            if (split < 1) {
                throw new IllegalArgumentException("cursor '" + text + "' is not <millis>_<order id>");
            }
            return Optional.of(new Cursor(Instant.ofEpochMilli(Long.parseLong(text.substring(0, split))),
                    text.substring(split + 1)));
        }
    }

    public OrderFilter {
        search = search == null ? "" : search.trim();
        limit = Math.max(1, Math.min(limit, MAX_LIMIT));
    }

    public static OrderFilter all() {
        return new OrderFilter(Optional.empty(), Condition.ANY, "", Sort.UPDATED, Optional.empty(), DEFAULT_LIMIT);
    }

    /** From query parameters (all optional); a value that names nothing gives a clear error. */
    public static OrderFilter parse(String state, String condition, String search, String sort, String after,
                                    String limit) {
        return new OrderFilter(
                blank(state) ? Optional.empty() : Optional.of(parseEnum(OrderState.class, "state", state)),
                blank(condition) ? Condition.ANY : parseEnum(Condition.class, "condition", condition.replace('-', '_')),
                search,
                blank(sort) ? Sort.UPDATED : parseEnum(Sort.class, "sort", sort),
                Cursor.decode(after),
                blank(limit) ? DEFAULT_LIMIT : Integer.parseInt(limit.trim()));
    }

    public OrderFilter after(Cursor cursor) {
        return new OrderFilter(state, condition, search, sort, Optional.of(cursor), limit);
    }

    public OrderFilter withLimit(int rows) {
        return new OrderFilter(state, condition, search, sort, after, rows);
    }

    /** The query string of this filter (without cursor), for links. */
    public String query() {
        StringBuilder q = new StringBuilder();
        state.ifPresent(s -> q.append("&state=").append(s.name().toLowerCase(Locale.ROOT)));
        if (condition != Condition.ANY) {
            q.append("&condition=").append(condition.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        if (!search.isEmpty()) {
            q.append("&q=").append(java.net.URLEncoder.encode(search, java.nio.charset.StandardCharsets.UTF_8));
        }
        if (sort != Sort.UPDATED) {
            q.append("&sort=").append(sort.name().toLowerCase(Locale.ROOT));
        }
        return q.length() == 0 ? "" : q.substring(1);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String what, String value) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " '" + value + "' is not one of "
                    + java.util.Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList());
        }
    }
}
