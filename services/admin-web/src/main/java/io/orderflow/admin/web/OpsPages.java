package io.orderflow.admin.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.orderflow.admin.AdminWeb;
import io.orderflow.admin.auth.Sessions;
import io.orderflow.common.config.Config;
import io.orderflow.common.consumer.Parking;
import io.orderflow.common.dlt.DeadLetter;
import io.orderflow.common.dlt.DeadLetterTopics;
import io.orderflow.common.dlt.Replayer;
import io.orderflow.common.dlt.Selection;
import io.orderflow.common.dlt.ValueDecoder;
import io.orderflow.common.kafka.DeadLetters;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The operations page (admins only): every dead-letter topic with its counts, the orders parked behind a dead
 * letter, one topic's dead letters decoded, and a replay button per dead letter or per order. The same library as
 * {@code orderflow dlt} ({@code io.orderflow.common.dlt}), so a replay here is logged and never sent twice either.
 */
public final class OpsPages {
    /** The request attribute {@code Pages} puts the signed-in session under. */
    private static final String SESSION_KEY = "session";
    private static final Duration KAFKA_WAIT = Duration.ofSeconds(10);

    /** One topic in the list. */
    public record TopicRow(String topic, int records, long waiting, Instant oldest, Instant newest) {}

    /** One dead letter, as shown. */
    public record LetterRow(String id, String orderId, String error, String source, String failedBy, int attempts,
                            Instant firstFailed, String value, String replayed) {}

    private final Config config;
    private final Templates templates;

    OpsPages(AdminWeb.Parts parts, Templates templates) {
        this.config = parts.config();
        this.templates = templates;
    }

    void install(RoutesConfig routes) {
        routes.get("/ops", this::overview);
        routes.post("/ops/replay", this::replay);
    }

    private void overview(Context ctx) throws SQLException {
        show(ctx, ctx.queryParam("topic"), null);
    }

    /** Replays one dead letter ({@code id}) or one order's ({@code topic} + {@code order}), then shows the topic. */
    private void replay(Context ctx) throws SQLException {
        page(ctx);
        String topic = required(ctx, "topic");
        String id = ctx.formParam("id");
        String order = ctx.formParam("order");
        Selection selection;
        if (id != null && !id.isBlank()) {
            String[] parts = id.split("/");
            if (parts.length != 3 || !parts[0].equals(topic)) {
                throw new IllegalArgumentException("'" + id + "' is not a dead letter of " + topic);
            }
            selection = Selection.record(Integer.parseInt(parts[1]), Long.parseLong(parts[2]));
        } else if (order != null && !order.isBlank()) {
            selection = new Selection(null, null, null, order, null, null);
        } else {
            throw new IllegalArgumentException("replay what? a dead letter or an order");
        }
        StringBuilder notice = new StringBuilder();
        try (DeadLetterTopics topics = new DeadLetterTopics(config, KAFKA_WAIT);
             Replayer replayer = new Replayer(config, KAFKA_WAIT)) {
            List<DeadLetter> letters = topics.read(topic).stream().filter(selection).toList();
            if (letters.isEmpty()) {
                notice.append("Nothing in ").append(topic).append(" matches.");
            }
            for (Replayer.Result result : replayer.replay(letters, false, "admin-web:" + session(ctx).user().username())) {
                notice.append(result.letter().id()).append(": ").append(result.status() == Replayer.Status.REPLAYED
                        ? "replayed" : "already replayed (" + result.note() + ")").append(". ");
            }
        }
        show(ctx, topic, notice.toString().trim());
    }

    private void show(Context ctx, String topic, String notice) throws SQLException {
        PageContext page = page(ctx);
        List<TopicRow> rows = new ArrayList<>();
        List<LetterRow> letters = new ArrayList<>();
        try (DeadLetterTopics topics = new DeadLetterTopics(config, KAFKA_WAIT);
             Replayer replayer = new Replayer(config, KAFKA_WAIT)) {
            Map<String, String> replayed = replayer.replayed();
            for (String name : topics.names()) {
                List<DeadLetter> all = topics.read(name);
                rows.add(new TopicRow(name, all.size(), all.stream().filter(l -> !replayed.containsKey(l.id())).count(),
                        all.stream().map(DeadLetter::timestamp).min(Instant::compareTo).orElse(null),
                        all.stream().map(DeadLetter::timestamp).max(Instant::compareTo).orElse(null)));
                if (name.equals(topic)) {
                    for (DeadLetter l : all) {
                        letters.add(new LetterRow(l.id(), l.orderId(), l.error(), DeadLetters.coordinates(
                                l.sourceTopic(), l.sourcePartition() == null ? -1 : l.sourcePartition(),
                                l.sourceOffset() == null ? -1 : l.sourceOffset()), l.failedBy(), l.attempts(),
                                l.firstFailed(), ValueDecoder.show(l.value()).toString(), replayed.get(l.id())));
                    }
                }
            }
        }
        List<Parking.ParkedOrder> parked;
        try (Connection c = DriverManager.getConnection(config.dbUrl(), config.dbUser(), config.dbPassword())) {
            parked = Parking.all(c);
        }
        templates.page(ctx, "ops.jte", page, "topics", rows, "topic", topic, "letters", letters, "parked", parked,
                "notice", notice);
    }

    private static Sessions.Session session(Context ctx) {
        return ctx.attribute(SESSION_KEY);
    }

    private static PageContext page(Context ctx) {
        Sessions.Session session = session(ctx);
        if (!session.user().isAdmin()) {
            throw new ForbiddenResponse("only an admin may see and replay dead letters");
        }
        return new PageContext("Operations", session.user(), session.csrfToken());
    }

    private static String required(Context ctx, String name) {
        String value = ctx.formParam(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing " + name);
        }
        return value;
    }
}
