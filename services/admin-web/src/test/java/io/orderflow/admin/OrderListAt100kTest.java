package io.orderflow.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.admin.orders.OrderFilter;
import io.orderflow.admin.orders.OrderQueries;
import io.orderflow.common.db.Database;
import io.orderflow.common.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The orders list over 100,000 projected orders: correct pages for each kind of filter, with their timings printed
 * (a benchmark-style check, not a timed assertion: this machine's figures mean little; the indexes are what count).
 */
class OrderListAt100kTest {
    @RegisterExtension
    static final TestDatabase DB = TestDatabase.create();
    private static final int ORDERS = 100_000;

    @Test
    void everyListQueryAnswersFromAnIndexAt100kOrders() {
        Database database = DB.open(ReadModel.MIGRATIONS);
        database.jdbi().useHandle(h -> {
            h.execute("""
                    insert into orders (order_id, state, version, customer_id, customer_email, total_minor, currency,
                        placed_at, updated_at, state_since, in_flight, held_reason, flagged_reason, last_event_at,
                        last_event_version)
                    select 'o-' || i,
                        (array['PENDING','CONFIRMED','PAID','SHIPPED','DELIVERED','CANCELLED','REFUNDED'])[1 + i % 7],
                        1 + i % 5, 'c-' || (i % 5000), 'customer' || (i % 5000) || '@example.com', 1000 + i, 'EUR',
                        now() - (i || ' seconds')::interval, now() - ((i * 7919) % 100000 || ' seconds')::interval,
                        now(), case when i % 50 = 0 then 'PAY' end, case when i % 500 = 0 then 'gateway down' end,
                        case when i % 997 = 0 then 'lost parcel' end, now(), 1
                    from generate_series(1, :orders) as i""".replace(":orders", Integer.toString(ORDERS)));
            h.execute("analyze orders");
        });
        OrderQueries queries = new OrderQueries(database.jdbi());

        OrderQueries.Page first = timed("first page, newest change first", () -> queries.list(OrderFilter.all()));
        assertThat(first.rows()).hasSize(OrderFilter.DEFAULT_LIMIT);
        OrderQueries.Page second = timed("next page by cursor", () -> queries.list(OrderFilter.all()
                .after(first.next().orElseThrow())));
        assertThat(second.rows()).hasSize(OrderFilter.DEFAULT_LIMIT).doesNotContainAnyElementsOf(first.rows());
        assertThat(second.rows().get(0).updatedAt()).isBeforeOrEqualTo(first.rows().get(49).updatedAt());

        OrderQueries.Page paid = timed("state = paid", () -> queries.list(filter("paid", null, null, null)));
        assertThat(paid.rows()).hasSize(50).allMatch(o -> o.state().equals("PAID"));
        OrderQueries.Page placed = timed("state = shipped, sorted by placed", () -> queries.list(
                filter("shipped", null, null, "placed")));
        assertThat(placed.rows()).allMatch(o -> o.state().equals("SHIPPED"));
        assertThat(timed("in flight", () -> queries.list(filter(null, "in-flight", null, null))).rows())
                .hasSize(50).allMatch(o -> o.inFlight() != null);
        assertThat(timed("held", () -> queries.list(filter(null, "held", null, null))).rows())
                .hasSize(50).allMatch(o -> o.heldReason() != null);
        assertThat(timed("flagged", () -> queries.list(filter(null, "flagged", null, null))).rows())
                .hasSize(50).allMatch(o -> o.flaggedReason() != null);
        assertThat(timed("search by order id", () -> queries.list(filter(null, null, "o-77777", null))).rows())
                .extracting(o -> o.orderId()).containsExactly("o-77777");
        assertThat(timed("search by e-mail prefix", () -> queries.list(filter(null, null, "customer4242@", null))).rows())
                .hasSize(20).allMatch(o -> o.customerEmail().equals("customer4242@example.com"));
        timed("counts per state", queries::countsByState);
        OrderQueries.Page deep = first;
        for (int i = 0; i < 200; i++) {
            deep = queries.list(OrderFilter.all().after(deep.next().orElseThrow()));
        }
        OrderQueries.Page deepest = deep;
        assertThat(timed("page 202 by cursor", () -> queries.list(OrderFilter.all()
                .after(deepest.next().orElseThrow()))).rows()).hasSize(50);
    }

    private static OrderFilter filter(String state, String condition, String q, String sort) {
        return OrderFilter.parse(state, condition, q, sort, null, null);
    }

    /** Runs the query a few times and prints the best and the median time. */
    private static <T> T timed(String what, Supplier<T> query) {
        List<Long> micros = new ArrayList<>();
        T result = null;
        for (int i = 0; i < 7; i++) {
            long start = System.nanoTime();
            result = query.get();
            micros.add((System.nanoTime() - start) / 1000);
        }
        micros.sort(null);
        System.out.printf("order list at %,d orders: %-36s best %6.1f ms, median %6.1f ms%n", ORDERS, what,
                micros.get(0) / 1000.0, micros.get(micros.size() / 2) / 1000.0);
        return result;
    }
}
