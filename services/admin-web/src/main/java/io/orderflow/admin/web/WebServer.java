package io.orderflow.admin.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.orderflow.admin.AdminWeb;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP server: security headers on every answer, the JSON API under {@code /api}, the pages everywhere else. */
public final class WebServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebServer.class);
    /** Scripts and styles only from the app itself; no frames, no form posts elsewhere. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; "
            + "style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; "
            + "base-uri 'none'";

    private final Javalin app;

    private WebServer(Javalin app) {
        this.app = app;
    }

    public static WebServer start(AdminWeb.Parts parts, String host, int port) {
        Templates templates = new Templates();
        Pages pages = new Pages(parts, templates);
        Api api = new Api(parts);
        Javalin app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            cfg.staticFiles.enableWebjars();
            cfg.staticFiles.add(files -> {
                files.hostedPath = "/static";
                files.directory = "/static";
                files.location = Location.CLASSPATH;
            });
            cfg.requestLogger.http((ctx, ms) -> log.debug("{} {} -> {} in {} ms", ctx.method(), ctx.path(),
                    ctx.statusCode(), Math.round(ms)));
            cfg.routes.before(WebServer::securityHeaders);
            api.install(cfg.routes);
            pages.install(cfg.routes);
            new OpsPages(parts, templates).install(cfg.routes);
        });
        app.start(host, port);
        return new WebServer(app);
    }

    private static void securityHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("Cache-Control", "no-store");
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
