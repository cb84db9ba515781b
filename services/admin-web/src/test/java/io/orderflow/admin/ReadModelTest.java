package io.orderflow.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orderflow.admin.projection.Projection;
import io.orderflow.admin.projection.Rebuild;
import io.orderflow.admin.testing.AdminSystem;
import io.orderflow.admin.testing.ApiClient;
import io.orderflow.common.config.Config;
import io.orderflow.common.kafka.Topics;
import io.orderflow.schema.OrderEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The projected tables: redelivered (and late) events change nothing, and a rebuild from the topic gives the same. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReadModelTest {
    @RegisterExtension
    static final AdminSystem SYSTEM = AdminSystem.start();
    private static final String RUN = "rm-" + UUID.randomUUID().toString().substring(0, 6) + "-";
    private static ApiClient api;

    @BeforeAll
    static void ordersWithHistories() throws Exception {
        api = new ApiClient(SYSTEM, SYSTEM.userWithToken("rm-api-" + RUN, io.orderflow.schema.Role.ADMIN));
        api.place(RUN + "a", "a@example.com");
        api.place(RUN + "b", "b@example.com");
        api.place(RUN + "c", "c@example.com");
        for (String t : List.of("confirm", "pay", "ship")) {
            api.transition(RUN + "a", t, null);
        }
        api.transition(RUN + "b", "cancel", "changed mind");
        api.transition(RUN + "b", "reopen", null);
        api.transition(RUN + "c", "pay", null); // refused: pending
        await().atMost(Duration.ofSeconds(30)).until(() -> snapshot().get("history").size() == 8
                && snapshot().get("results").size() == 9);
    }

    /** Every projected row of this run's orders, as text, in a stable order. */
    private static Map<String, List<String>> snapshot() {
        return SYSTEM.jdbi().withHandle(h -> Map.of(
                "orders", rows(h, "select * from orders where order_id like :p order by order_id"),
                "lines", rows(h, "select * from order_lines where order_id like :p order by order_id, line_no"),
                "history", rows(h, "select * from order_history where order_id like :p order by event_id"),
                "results", rows(h, "select * from command_results where order_id like :p order by command_id")));
    }

    private static List<String> rows(org.jdbi.v3.core.Handle h, String sql) {
        return h.createQuery(sql).bind("p", RUN + "%").mapToMap().map(Object::toString).list();
    }

    private static List<OrderEvent> eventsOfThisRun() {
        return SYSTEM.records(List.of(Topics.ORDER_EVENTS), RUN);
    }

    @Test
    @Order(1)
    void theProjectionShowsStateVersionAndHistory() {
        Map<String, List<String>> tables = snapshot();
        assertThat(tables.get("orders")).hasSize(3);
        assertThat(tables.get("orders").get(0)).contains("state=SHIPPED").contains("version=4");
        assertThat(tables.get("orders").get(1)).contains("state=PENDING").contains("version=3");
        assertThat(tables.get("lines")).hasSize(6);
        assertThat(tables.get("results")).anyMatch(r -> r.contains("rejection_code=INVALID_TRANSITION"));
    }

    @Test
    @Order(2)
    void redeliveredAndLateEventsChangeNothing() {
        Map<String, List<String>> before = snapshot();
        List<OrderEvent> events = eventsOfThisRun();
        assertThat(events).hasSize(8);
        List<OrderEvent> newestFirst = new ArrayList<>(events);
        java.util.Collections.reverse(newestFirst);
        SYSTEM.jdbi().useTransaction(h -> {
            events.forEach(e -> Projection.apply(h, e));       // redelivered in order
            newestFirst.forEach(e -> Projection.apply(h, e));  // and late, older after newer
            Projection.applyAll(h, events);                     // and as the projector's batches
            Projection.applyAll(h, newestFirst);
        });
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    @Order(3)
    void aRebuildFromTheTopicsGivesTheSameTables() {
        Map<String, List<String>> before = snapshot();
        Rebuild.Counts counts = Rebuild.run(Config.fromEnvironment(), SYSTEM.jdbi());
        assertThat(counts.events()).isGreaterThanOrEqualTo(8);
        assertThat(snapshot()).isEqualTo(before);
    }
}
