package io.orderflow.sandbox;

import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds one sandbox HTTP server: JSON errors, health, fault control and reset around a provider's own routes. */
final class SandboxServer {
    private static final Logger log = LoggerFactory.getLogger(SandboxServer.class);

    private SandboxServer() {
    }

    static Javalin create(String name, FaultInjector faults, Runnable reset, Consumer<RoutesConfig> providerRoutes) {
        return Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            cfg.requestLogger.http((ctx, ms) -> log.debug("{} {} {} -> {} in {} ms",
                    name, ctx.method(), ctx.path(), ctx.statusCode(), Math.round(ms)));

            cfg.routes.exception(ApiException.class, (e, ctx) -> ctx.status(e.status()).json(e.body()));
            // Javalin's own errors (unknown route, ...) get the same JSON envelope instead of plain text.
            cfg.routes.exception(HttpResponseException.class, (e, ctx) -> ctx.status(e.getStatus())
                    .json(ApiException.errorBody(e.getStatus() == 404 ? "not_found" : "http_" + e.getStatus(),
                            e.getMessage())));
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                log.error("{}: {} {} failed", name, ctx.method(), ctx.path(), e);
                ctx.status(500).json(ApiException.errorBody("internal_error", "sandbox error: " + e));
            });

            faults.install(cfg.routes);

            cfg.routes.get("/health", ctx -> ctx.json(Map.of("status", "ok", "server", name)));
            cfg.routes.get("/sandbox/faults", ctx -> ctx.json(Map.of("rules", faults.list())));
            cfg.routes.post("/sandbox/faults", ctx -> ctx.status(201)
                    .json(Map.of("rules", faults.add(Json.parse(ctx.body())))));
            cfg.routes.delete("/sandbox/faults", ctx -> {
                faults.clear();
                ctx.status(204);
            });
            cfg.routes.post("/sandbox/reset", ctx -> {
                reset.run();
                log.info("{}: reset", name);
                ctx.status(204);
            });

            providerRoutes.accept(cfg.routes);
        });
    }
}
