package io.orderflow.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.admin.testing.AdminSystem;
import io.orderflow.admin.testing.WebClient;
import io.orderflow.common.kafka.DeadLetters;
import io.orderflow.common.testing.TestKafka;
import io.orderflow.schema.Role;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The operations page: admins see dead-letter topics and replay a dead letter once; other staff are refused. */
class OpsPageTest {
    @RegisterExtension
    static final AdminSystem SYSTEM = AdminSystem.start();
    @RegisterExtension
    static final TestKafka kafka = TestKafka.create();
    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);

    @Test
    void anAdminSeesTheDeadLettersAndReplaysOneOnce() throws Exception {
        String source = kafka.createTopic("ops-page");
        String dlt = DeadLetters.topicFor(source);
        kafka.send(DeadLetters.record(source, 2, 17, bytes("o-ops-" + RUN), bytes("not avro"), new RecordHeaders(),
                new IllegalArgumentException("no such <warehouse>"), "inventory-worker"));
        String id = dlt + "/";
        WebClient web = new WebClient(SYSTEM);
        assertThat(web.login("admin", AdminSystem.ADMIN_PASSWORD).statusCode()).isEqualTo(302);

        HttpResponse<String> overview = web.get("/ops");
        assertThat(overview.statusCode()).isEqualTo(200);
        assertThat(overview.body()).contains(dlt).contains("href=\"/ops\">Operations</a>");

        HttpResponse<String> topic = web.get("/ops?topic=" + dlt);
        assertThat(topic.body()).contains("o-ops-" + RUN).contains("no such &lt;warehouse&gt;")
                .contains(source + "/2/17").contains("not Avro single-object encoding").contains(">Replay</button>");
        String letterId = topic.body().replaceAll("(?s).*name=\"id\" value=\"(" + java.util.regex.Pattern.quote(id)
                + "[0-9]+/[0-9]+)\".*", "$1");

        HttpResponse<String> replayed = web.post("/ops/replay", Map.of("topic", dlt, "id", letterId));
        assertThat(replayed.statusCode()).isEqualTo(200);
        assertThat(replayed.body()).contains(letterId + ": replayed");
        assertThat(kafka.readAll(source)).hasSize(1);

        HttpResponse<String> again = web.post("/ops/replay", Map.of("topic", dlt, "id", letterId));
        assertThat(again.body()).contains(letterId + ": already replayed");
        assertThat(kafka.readAll(source)).hasSize(1);
    }

    @Test
    void otherStaffMayNotSeeOrReplayDeadLetters() throws Exception {
        String clerk = "ops-clerk-" + RUN;
        SYSTEM.users().create(clerk, AdminSystem.ADMIN_PASSWORD, Role.SUPPORT);
        WebClient web = new WebClient(SYSTEM);
        assertThat(web.login(clerk, AdminSystem.ADMIN_PASSWORD).statusCode()).isEqualTo(302);

        HttpResponse<String> page = web.get("/ops");
        assertThat(page.statusCode()).isEqualTo(403);
        assertThat(web.get("/orders").body()).doesNotContain("href=\"/ops\"");
        assertThat(web.post("/ops/replay", Map.of("topic", "x.dlt", "order", "o-1")).statusCode()).isEqualTo(403);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
