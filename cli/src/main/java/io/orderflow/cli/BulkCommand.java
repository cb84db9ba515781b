package io.orderflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.common.config.Config;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code orderflow bulk TRANSITION --file ids.txt | --state S [--condition C] [--search Q]}: one transition on many
 * orders through the admin's API (a bulk action there, so the same per-order results show on its page). The API
 * token ({@code ORDERFLOW_ADMIN_TOKEN}, issued on the admin's Users page) says who acts, with that user's role.
 */
@Command(name = "bulk", mixinStandardHelpOptions = true,
        description = "Take one transition on many orders (a file of ids, or all that match a filter) and print each "
                + "order's result. Needs the admin web app and an API token (ORDERFLOW_ADMIN_TOKEN).")
final class BulkCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(index = "0", paramLabel = "TRANSITION", description = "confirm, pay, ship, deliver, cancel, refund, ...")
    String transition;

    static final class Selection {
        @Option(names = "--file", paramLabel = "FILE", description = "Order ids, one a line ('-' for standard input)")
        String file;

        @Option(names = "--state", description = "All orders in this state")
        String state;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Selection selection;

    @Option(names = "--condition", description = "With --state: only in-flight, held or flagged orders")
    String condition;

    @Option(names = "--search", description = "With --state: an order id or the start of a customer e-mail")
    String search;

    @Option(names = "--reason", description = "Why; kept with each order's transition")
    String reason;

    @Option(names = "--admin-url", description = "The admin web app (default: ORDERFLOW_ADMIN_URL or http://127.0.0.1:8080)")
    String adminUrl;

    @Option(names = "--timeout", defaultValue = "10m", converter = DurationOption.class,
            description = "How long to wait for every order's result (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        Config config = Config.fromEnvironment();
        String token = config.find("ORDERFLOW_ADMIN_TOKEN").orElse(null);
        if (token == null) {
            System.err.println("set ORDERFLOW_ADMIN_TOKEN to an API token (an admin issues one on the Users page)");
            return 64;
        }
        String base = adminUrl != null ? adminUrl
                : config.get("ORDERFLOW_ADMIN_URL", "http://127.0.0.1:" + config.get("ORDERFLOW_ADMIN_PORT", "8080"));
        ObjectNode request = JSON.createObjectNode().put("transition", transition).put("reason", reason);
        if (selection.file != null) {
            List<String> lines = selection.file.equals("-")
                    ? new String(System.in.readAllBytes()).lines().toList() : Files.readAllLines(Path.of(selection.file));
            List<String> ids = new ArrayList<>();
            lines.stream().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(ids::add);
            request.set("orderIds", JSON.valueToTree(ids));
        } else {
            request.set("filter", JSON.createObjectNode().put("state", selection.state).put("condition", condition)
                    .put("q", search));
        }
        HttpClient http = HttpClient.newHttpClient();
        JsonNode started = call(http, HttpRequest.newBuilder(URI.create(base + "/api/bulk"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request.toString())), token);
        if (!started.has("id")) {
            System.err.println("refused: " + started.path("error").path("message").asText(started.toString()));
            return 2;
        }
        long job = started.get("id").asLong();
        System.err.printf("bulk %s of %d orders started (admin page: %s/bulk/%d)%n", transition,
                started.path("orders").asLong(), base, job);
        Instant deadline = Instant.now().plus(timeout);
        JsonNode progress;
        long shown = -1;
        do {
            Thread.sleep(500);
            progress = call(http, HttpRequest.newBuilder(URI.create(base + "/api/bulk/" + job)).GET(), token);
            long answered = progress.path("answered").asLong();
            if (answered != shown) {
                System.err.printf("  %d of %d answered%n", answered, progress.path("total").asLong());
                shown = answered;
            }
        } while (!progress.path("done").asBoolean() && Instant.now().isBefore(deadline));
        int refused = 0;
        for (JsonNode item : progress.path("items")) {
            String status = item.path("status").asText("WAITING");
            refused += status.equals("REJECTED") ? 1 : 0;
            System.out.printf("%s\t%s\t%s%s%n", item.path("orderId").asText(), status,
                    item.path("message").asText(""),
                    item.hasNonNull("rejectionCode") ? " [" + item.get("rejectionCode").asText() + "]" : "");
        }
        if (!progress.path("done").asBoolean()) {
            System.err.println("still processing after " + timeout + "; the rest will be answered on the admin page");
            return 3;
        }
        return refused == 0 ? 0 : 2;
    }

    private static JsonNode call(HttpClient http, HttpRequest.Builder request, String token) throws Exception {
        HttpResponse<String> response = http.send(request.header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 401) {
            throw new IllegalStateException("the admin refused the API token: " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
