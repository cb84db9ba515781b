package io.orderflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderflow.common.config.Config;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
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

    private final Config config;

    BulkCommand(OrderClient client) {
        this.config = client.config();
    }

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

    /** A failure that ends the command with one line and an exit code. */
    private static final class Stop extends Exception {
        final int exitCode;

        Stop(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }
    }

    @Override
    public Integer call() throws Exception {
        String base = adminUrl != null ? adminUrl
                : config.get("ORDERFLOW_ADMIN_URL", "http://127.0.0.1:" + config.get("ORDERFLOW_ADMIN_PORT", "8080"));
        try {
            String token = config.find("ORDERFLOW_ADMIN_TOKEN").filter(t -> !t.isBlank()).orElseThrow(() -> new Stop(
                    ExitCodes.REFUSED, "set ORDERFLOW_ADMIN_TOKEN to an API token (an admin issues one on the admin's "
                    + "Users page)"));
            return run(new Admin(HttpClient.newHttpClient(), stripSlash(base), token));
        } catch (Stop stop) {
            System.err.println(stop.getMessage());
            return stop.exitCode;
        }
    }

    private int run(Admin admin) throws Exception {
        ObjectNode request = JSON.createObjectNode().put("transition", transition).put("reason", reason);
        if (selection.file != null) {
            request.set("orderIds", JSON.valueToTree(orderIds()));
        } else {
            request.set("filter", JSON.createObjectNode().put("state", selection.state).put("condition", condition)
                    .put("q", search));
        }
        JsonNode started = admin.call(HttpRequest.newBuilder(admin.uri("/api/bulk"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request.toString())));
        long job = started.get("id").asLong();
        System.err.printf("bulk %s of %d orders started (admin page: %s/bulk/%d)%n", transition,
                started.path("orders").asLong(), admin.base(), job);
        Instant deadline = Instant.now().plus(timeout);
        JsonNode progress;
        long shown = -1;
        do {
            Thread.sleep(500);
            progress = admin.call(HttpRequest.newBuilder(admin.uri("/api/bulk/" + job)).GET());
            long answered = progress.path("answered").asLong();
            if (answered != shown) {
                System.err.printf("  %d of %d answered%n", answered, progress.path("total").asLong());
                shown = answered;
            }
        } while (!progress.path("done").asBoolean() && Instant.now().isBefore(deadline));
        Map<String, Integer> tally = printTable(progress.path("items"));
        System.out.println(tally.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", ")));
        if (!progress.path("done").asBoolean()) {
            System.err.println("still processing after " + timeout + "; the rest will be answered on the admin page "
                    + admin.base() + "/bulk/" + job);
            return ExitCodes.NO_ANSWER;
        }
        return tally.getOrDefault("refused", 0) == 0 ? ExitCodes.OK : ExitCodes.REFUSED;
    }

    private List<String> orderIds() throws Stop {
        try {
            List<String> lines = selection.file.equals("-")
                    ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()
                    : Files.readAllLines(Path.of(selection.file));
            List<String> ids = lines.stream().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .toList();
            if (ids.isEmpty()) {
                throw new Stop(ExitCodes.REFUSED, "no order ids in " + selection.file + " (one a line)");
            }
            return ids;
        } catch (IOException e) {
            throw new Stop(ExitCodes.REFUSED, "cannot read " + selection.file + ": " + e.getMessage());
        }
    }

    /** One line per order: id, result (with the engine's code when refused), and why; then the tally. */
    private static Map<String, Integer> printTable(JsonNode items) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ORDER", "RESULT", "WHY / WHAT HAPPENED"});
        Map<String, Integer> tally = new LinkedHashMap<>();
        for (JsonNode item : items) {
            String result = switch (item.path("status").asText("")) {
                case "APPLIED" -> "applied";
                case "IN_FLIGHT" -> "in flight";
                case "REJECTED" -> "refused";
                case "DUPLICATE" -> "already handled";
                default -> "not answered";
            };
            tally.merge(result, 1, Integer::sum);
            rows.add(new String[] {item.path("orderId").asText(),
                    result + (item.hasNonNull("rejectionCode") ? " [" + item.get("rejectionCode").asText() + "]" : ""),
                    item.path("message").asText("")});
        }
        int idWidth = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
        int resultWidth = rows.stream().mapToInt(r -> r[1].length()).max().orElse(0);
        for (String[] row : rows) {
            System.out.println(String.format("%-" + idWidth + "s  %-" + resultWidth + "s  %s", row[0], row[1], row[2])
                    .stripTrailing());
        }
        return tally;
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /** The admin's API: a bearer token, JSON answers, and every failure as one clear line. */
    private record Admin(HttpClient http, String base, String token) {
        URI uri(String path) throws Stop {
            try {
                return URI.create(base + path);
            } catch (IllegalArgumentException e) {
                throw new Stop(ExitCodes.REFUSED, "--admin-url '" + base + "' is not a URL: " + e.getMessage());
            }
        }

        JsonNode call(HttpRequest.Builder request) throws Stop, InterruptedException {
            HttpResponse<String> response;
            try {
                response = http.send(request.header("Authorization", "Bearer " + token)
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new Stop(ExitCodes.NO_ANSWER, "cannot reach the admin web app at " + base + " ("
                        + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                        + "); is it running? (--admin-url or ORDERFLOW_ADMIN_URL)");
            }
            JsonNode body;
            try {
                body = JSON.readTree(response.body());
            } catch (IOException e) {
                throw new Stop(ExitCodes.NO_ANSWER, base + " answered HTTP " + response.statusCode()
                        + " without JSON; is that the admin web app?");
            }
            if (response.statusCode() >= 400) {
                String message = body.path("error").path("message").asText("HTTP " + response.statusCode());
                throw new Stop(ExitCodes.REFUSED, (response.statusCode() == 401
                        ? "the admin refused the API token in ORDERFLOW_ADMIN_TOKEN: " : "refused: ") + message
                        + " [" + body.path("error").path("code").asText(String.valueOf(response.statusCode())) + "]");
            }
            return body;
        }
    }
}
