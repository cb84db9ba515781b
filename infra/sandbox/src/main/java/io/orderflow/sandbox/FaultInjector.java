package io.orderflow.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds one server's fault rules and applies them around matched routes: before the handler for latency, status,
 * drop and timeout; after it for afterEffect. The /sandbox/ control routes are never faulted, so a test can
 * always clear what it broke.
 */
final class FaultInjector {
    static final String FAULT_HEADER = "X-Sandbox-Fault";
    private static final String AFTER_EFFECT_ATTRIBUTE = "sandbox.afterEffect";
    private static final Logger log = LoggerFactory.getLogger(FaultInjector.class);

    private final String serverName;
    private final List<FaultRule> rules = new CopyOnWriteArrayList<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final Random random = new Random();
    /** Held requests wait on this; clear() opens it so no request outlives the rule that holds it. */
    private volatile CountDownLatch release = new CountDownLatch(1);

    FaultInjector(String serverName) {
        this.serverName = serverName;
    }

    void install(RoutesConfig routes) {
        routes.beforeMatched(this::before);
        routes.afterMatched(this::after);
    }

    /** Accepts one rule object, an array of rules, or {"rules": [...]}; rules are appended to the active ones. */
    List<Map<String, Object>> add(JsonNode body) {
        JsonNode list = body.isObject() && body.has("rules") ? body.get("rules") : body;
        List<JsonNode> specs = new ArrayList<>();
        if (list.isArray()) {
            list.forEach(specs::add);
        } else {
            specs.add(list);
        }
        List<FaultRule> parsed = new ArrayList<>();
        for (JsonNode spec : specs) {
            parsed.add(FaultRule.fromJson("flt_" + nextId.getAndIncrement(), spec));
        }
        rules.addAll(parsed);
        parsed.forEach(r -> log.info("{}: fault rule added {}", serverName, r.toJson()));
        return parsed.stream().map(FaultRule::toJson).toList();
    }

    List<Map<String, Object>> list() {
        return rules.stream().map(FaultRule::toJson).toList();
    }

    void clear() {
        rules.clear();
        CountDownLatch held = release;
        release = new CountDownLatch(1);
        held.countDown();
    }

    private void before(Context ctx) {
        if (ctx.path().startsWith("/sandbox/")) {
            return;
        }
        FaultRule rule = pick(ctx);
        if (rule == null) {
            return;
        }
        log.info("{}: injecting {} ({}) into {} {}", serverName, rule.kind, rule.id, ctx.method(), ctx.path());
        ctx.header(FAULT_HEADER, rule.id);
        switch (rule.kind) {
            case LATENCY -> hold(rule.ms);
            case STATUS -> {
                respondWithStatus(ctx, rule);
                ctx.skipRemainingHandlers();
            }
            case DROP -> {
                dropConnection(ctx);
                ctx.skipRemainingHandlers();
            }
            case TIMEOUT -> {
                hold(rule.ms);
                dropConnection(ctx);
                ctx.skipRemainingHandlers();
            }
            case AFTER_EFFECT -> ctx.attribute(AFTER_EFFECT_ATTRIBUTE, rule);
        }
    }

    /** The operation has run and committed (ledger and idempotency record); now the response gets lost. */
    private void after(Context ctx) {
        FaultRule rule = ctx.attribute(AFTER_EFFECT_ATTRIBUTE);
        if (rule == null) {
            return;
        }
        log.info("{}: {} performed {} {} (status {}), now losing the response: {}",
                serverName, rule.id, ctx.method(), ctx.path(), ctx.statusCode(), rule.respond);
        switch (rule.respond) {
            case STATUS -> respondWithStatus(ctx, rule);
            case DROP -> dropConnection(ctx);
            case TIMEOUT -> {
                hold(rule.ms);
                dropConnection(ctx);
            }
        }
    }

    private FaultRule pick(Context ctx) {
        if (rules.isEmpty()) {
            return null;
        }
        Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
        String route = endpoint == null ? null : endpoint.path;
        String method = ctx.method().name();
        for (FaultRule rule : rules) {
            if (rule.matches(method, ctx.path(), route) && rule.tryFire(random)) {
                return rule;
            }
        }
        return null;
    }

    private static void respondWithStatus(Context ctx, FaultRule rule) {
        if (rule.status == 429 || rule.status == 503) {
            ctx.header("Retry-After", "1");
        }
        ctx.res().setHeader(IdempotencyStore.REPLAYED_HEADER, null);
        ctx.status(rule.status).json(ApiException.errorBody("sandbox_fault",
                "injected fault " + rule.id + ": HTTP " + rule.status));
    }

    /** Closes the TCP connection under the request, so the client sees an I/O error and no response at all. */
    private static void dropConnection(Context ctx) {
        ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
        request.getConnectionMetaData().getConnection().getEndPoint().close();
        ctx.result("");
    }

    private void hold(long ms) {
        try {
            release.await(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
