package io.orderflow.admin.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.NotFoundResponse;
import io.orderflow.admin.AdminWeb;
import io.orderflow.admin.auth.Secrets;
import io.orderflow.admin.auth.Sessions;
import io.orderflow.admin.auth.StaffUser;
import io.orderflow.admin.auth.Users;
import io.orderflow.admin.bulk.BulkJobs;
import io.orderflow.admin.orders.Availability;
import io.orderflow.admin.orders.CommandGateway;
import io.orderflow.admin.orders.OrderDetail;
import io.orderflow.admin.orders.OrderFilter;
import io.orderflow.admin.orders.OrderQueries;
import io.orderflow.admin.reports.StateDiagram;
import io.orderflow.admin.reports.Svg;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.Role;
import io.orderflow.schema.Transition;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The staff pages. Every page but the login needs a session; every POST needs the session's CSRF token (a hidden
 * {@code _csrf} field, or the {@code X-CSRF-Token} header htmx sends); the users page needs the admin role. A click
 * on a transition sends the command with the version the page showed and the signed-in user as actor, then shows
 * the engine's answer as soon as the projector has it.
 */
final class Pages {
    static final String SESSION_COOKIE = "orderflow_session";
    static final String LOGIN_COOKIE = "orderflow_login";
    private static final String SESSION_KEY = "session";
    /** How long a click's own request waits for the answer before handing over to polling. */
    private static final Duration FIRST_WAIT = Duration.ofSeconds(2);
    private static final Set<String> PUBLIC_PREFIXES = Set.of("/login", "/webjars/", "/static/", "/api/", "/health",
            "/favicon.ico");

    private final AdminWeb.Parts parts;
    private final Templates templates;

    Pages(AdminWeb.Parts parts, Templates templates) {
        this.parts = parts;
        this.templates = templates;
    }

    void install(RoutesConfig routes) {
        routes.before(this::requireSession);
        routes.exception(ForbiddenResponse.class, (e, ctx) -> error(ctx, 403, e.getMessage()));
        routes.exception(NotFoundResponse.class, (e, ctx) -> error(ctx, 404, e.getMessage()));
        routes.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
        routes.get("/health", ctx -> ctx.result("ok"));
        routes.get("/favicon.ico", ctx -> ctx.status(204));
        routes.get("/", ctx -> ctx.redirect("/orders"));
        routes.get("/login", this::loginForm);
        routes.post("/login", this::login);
        routes.post("/logout", this::logout);
        routes.get("/orders", this::orders);
        routes.get("/orders/counts", this::stateCounts);
        routes.get("/orders/{id}", this::order);
        routes.get("/orders/{id}/panel", this::panel);
        routes.post("/orders/{id}/transitions/{transition}", this::transition);
        routes.get("/commands/{id}", this::commandResult);
        routes.post("/bulk", this::startBulk);
        routes.get("/bulk/{id}", this::bulk);
        routes.get("/bulk/{id}/progress", this::bulkProgress);
        routes.get("/reports", this::reports);
        routes.get("/users", this::users);
        routes.post("/users", this::createUser);
        routes.post("/users/{name}", this::updateUser);
        routes.post("/tokens", this::issueToken);
        routes.post("/tokens/{id}/revoke", this::revokeToken);
    }

    // ---------------------------------------------------------------- sessions, CSRF, roles

    private void requireSession(Context ctx) {
        String path = ctx.path();
        if (PUBLIC_PREFIXES.stream().anyMatch(path::startsWith)) {
            return;
        }
        Optional<Sessions.Session> session = parts.sessions().find(ctx.cookie(SESSION_COOKIE));
        if (session.isEmpty()) {
            if (ctx.header("HX-Request") != null) {
                ctx.header("HX-Redirect", "/login");
                ctx.status(401);
            } else if (ctx.method().name().equals("GET")) {
                ctx.redirect("/login");
            } else {
                ctx.status(401).result("sign in first");
            }
            ctx.skipRemainingHandlers();
            return;
        }
        if (!ctx.method().name().equals("GET") && !Secrets.same(csrfOf(ctx), session.get().csrfToken())) {
            ctx.status(403).result("this form has expired or did not come from this site (missing or wrong CSRF "
                    + "token); reload the page and try again");
            ctx.skipRemainingHandlers();
            return;
        }
        ctx.attribute(SESSION_KEY, session.get());
    }

    private static String csrfOf(Context ctx) {
        String header = ctx.header("X-CSRF-Token");
        return header != null ? header : ctx.formParam("_csrf");
    }

    private static Sessions.Session session(Context ctx) {
        return ctx.attribute(SESSION_KEY);
    }

    private static StaffUser user(Context ctx) {
        return session(ctx).user();
    }

    private static PageContext page(Context ctx, String title) {
        return new PageContext(title, user(ctx), session(ctx).csrfToken());
    }

    private static void requireAdmin(Context ctx) {
        if (!user(ctx).isAdmin()) {
            throw new ForbiddenResponse("only an admin may manage users and tokens");
        }
    }

    private void error(Context ctx, int status, String message) {
        ctx.status(status);
        if (ctx.header("HX-Request") != null) {
            templates.fragment(ctx, "message.jte", "kind", "error", "text", message);
            return;
        }
        Sessions.Session session = ctx.attribute(SESSION_KEY);
        templates.page(ctx, "error.jte", new PageContext("Error " + status, session == null ? null : session.user(),
                session == null ? "" : session.csrfToken()), "status", status, "message", message);
    }

    // ---------------------------------------------------------------- login

    private void loginForm(Context ctx) {
        showLogin(ctx, null, 200);
    }

    private void showLogin(Context ctx, String error, int status) {
        // Before there is a session, the form is tied to the browser by a cookie it must echo (double submit). The
        // browser's token is kept if it has one, so a second tab (or a stray request) does not void the first form.
        String existing = ctx.cookie(LOGIN_COOKIE);
        String token = existing != null && existing.length() >= 40 ? existing : Secrets.random();
        cookie(ctx, LOGIN_COOKIE, token, Duration.ofMinutes(30));
        ctx.status(status);
        templates.page(ctx, "login.jte", new PageContext("Sign in", null, token), "error", error);
    }

    private void login(Context ctx) {
        if (!Secrets.same(ctx.formParam("_csrf"), ctx.cookie(LOGIN_COOKIE))) {
            showLogin(ctx, "The sign-in form expired; please try again.", 403);
            return;
        }
        Users.Login result = parts.users().authenticate(ctx.formParam("username"), ctx.formParam("password"));
        if (result instanceof Users.Login.Refused refused) {
            showLogin(ctx, refused.message(), 401);
            return;
        }
        Sessions.Session session = parts.sessions().open(((Users.Login.Success) result).user());
        cookie(ctx, SESSION_COOKIE, session.id(), Sessions.LIFETIME);
        cookie(ctx, LOGIN_COOKIE, "", Duration.ZERO);
        ctx.redirect("/orders");
    }

    private void logout(Context ctx) {
        parts.sessions().close(session(ctx).id());
        cookie(ctx, SESSION_COOKIE, "", Duration.ZERO);
        ctx.redirect("/login");
    }

    /** HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it), Secure behind HTTPS. */
    private void cookie(Context ctx, String name, String value, Duration maxAge) {
        ctx.res().addHeader("Set-Cookie", name + "=" + value + "; Path=/; Max-Age=" + maxAge.toSeconds()
                + "; HttpOnly; SameSite=Strict" + (parts.secureCookies() ? "; Secure" : ""));
    }

    // ---------------------------------------------------------------- orders

    private void orders(Context ctx) {
        OrderFilter filter = OrderFilter.parse(ctx.queryParam("state"), ctx.queryParam("condition"),
                ctx.queryParam("q"), ctx.queryParam("sort"), ctx.queryParam("after"), ctx.queryParam("limit"));
        OrderQueries.Page result = parts.orders().list(filter);
        templates.page(ctx, "orders.jte", page(ctx, "Orders"), "filter", filter, "result", result,
                "states", names(OrderState.values()), "transitions", bulkTransitions());
    }

    /** The per-state counts above the list: fetched after the list itself, so the list never waits for them. */
    private void stateCounts(Context ctx) {
        OrderFilter filter = OrderFilter.parse(ctx.queryParam("state"), null, null, null, null, null);
        templates.fragment(ctx, "state-chips.jte", "filter", filter, "counts", parts.orders().countsByState());
    }

    private void order(Context ctx) {
        OrderDetail order = find(ctx.pathParam("id"));
        templates.page(ctx, "order.jte", page(ctx, "Order " + order.orderId()), "view", view(ctx, order));
    }

    /** The part of the order page that changes: re-rendered after a click, once the read model has moved on. */
    private void panel(Context ctx) throws InterruptedException {
        String id = ctx.pathParam("id");
        String changedSince = ctx.queryParam("changedSince");
        OrderDetail order = find(id);
        if (changedSince != null) {
            Instant seen = Instant.ofEpochMilli(Long.parseLong(changedSince));
            Instant deadline = Instant.now().plus(FIRST_WAIT);
            while (!order.updatedAt().isAfter(seen) && Instant.now().isBefore(deadline)) {
                Thread.sleep(100);
                order = find(id);
            }
        }
        templates.fragment(ctx, "order-panel.jte", "view", view(ctx, order));
    }

    private OrderView view(Context ctx, OrderDetail order) {
        List<Availability.Option> options = parts.availability().options(order, user(ctx).actor());
        Set<Transition> open = options.stream().filter(Availability.Option::allowed)
                .map(Availability.Option::transition).collect(Collectors.toSet());
        return new OrderView(order, options, StateDiagram.svg(OrderState.valueOf(order.state()), open),
                session(ctx).csrfToken());
    }

    private OrderDetail find(String id) {
        return parts.orders().find(id).orElseThrow(() -> new NotFoundResponse("no order '" + id + "' in the read model"));
    }

    private void transition(Context ctx) throws Exception {
        String orderId = ctx.pathParam("id");
        Transition transition = transitionParam(ctx.pathParam("transition"));
        Long version = ctx.formParam("version") == null ? null : Long.parseLong(ctx.formParam("version"));
        String loadedAt = ctx.formParam("updatedAt");
        String commandId = parts.gateway().send(new CommandGateway.Request(null, orderId, transition,
                user(ctx).actor(), version, ctx.formParam("reason"), null)).get();
        Optional<CommandGateway.Result> result = parts.gateway().await(commandId, FIRST_WAIT);
        outcome(ctx, orderId, commandId, Instant.now(), loadedAt, result);
    }

    /** Polled by a pending outcome until the engine answers, or until the wait is over ("still processing"). */
    private void commandResult(Context ctx) {
        String commandId = ctx.pathParam("id");
        Instant issued = Instant.ofEpochMilli(Long.parseLong(ctx.queryParam("issued")));
        outcome(ctx, ctx.queryParam("order"), commandId, issued, ctx.queryParam("loadedAt"),
                parts.gateway().result(commandId));
    }

    private void outcome(Context ctx, String orderId, String commandId, Instant issued, String loadedAt,
                         Optional<CommandGateway.Result> result) {
        boolean timedOut = result.isEmpty() && Instant.now().isAfter(issued.plus(parts.resultWait()));
        templates.fragment(ctx, "outcome.jte", "outcome", new Outcome(orderId, commandId, issued.toEpochMilli(),
                loadedAt == null ? "0" : loadedAt, result.orElse(null), timedOut));
    }

    // ---------------------------------------------------------------- bulk

    private void startBulk(Context ctx) {
        Transition transition = transitionParam(ctx.formParam("transition"));
        List<String> ids;
        if ("all".equals(ctx.formParam("scope"))) {
            OrderFilter filter = OrderFilter.parse(ctx.formParam("state"), ctx.formParam("condition"),
                    ctx.formParam("q"), ctx.formParam("sort"), null, null);
            ids = parts.orders().ids(filter, BulkJobs.MAX_ORDERS + 1);
        } else {
            ids = ctx.formParams("order");
        }
        long job = parts.bulk().start(user(ctx), transition, ctx.formParam("reason"), ids);
        ctx.redirect("/bulk/" + job);
    }

    private void bulk(Context ctx) {
        BulkJobs.Progress progress = job(ctx);
        templates.page(ctx, "bulk.jte", page(ctx, "Bulk " + progress.transition().toLowerCase(Locale.ROOT)),
                "progress", progress);
    }

    private void bulkProgress(Context ctx) {
        templates.fragment(ctx, "bulk-progress.jte", "progress", job(ctx));
    }

    private BulkJobs.Progress job(Context ctx) {
        long id = Long.parseLong(ctx.pathParam("id"));
        BulkJobs.Progress progress = parts.bulk().progress(id)
                .orElseThrow(() -> new NotFoundResponse("no bulk action " + id));
        if (!progress.username().equals(user(ctx).username()) && !user(ctx).isAdmin()) {
            throw new ForbiddenResponse("bulk action " + id + " belongs to " + progress.username());
        }
        return progress;
    }

    // ---------------------------------------------------------------- reports

    private void reports(Context ctx) {
        Map<String, Long> counts = new LinkedHashMap<>();
        parts.orders().countsByState().forEach((state, n) -> counts.put(state.toLowerCase(Locale.ROOT), n));
        var perHour = parts.reports().statesPerHour();
        var perDay = parts.reports().statesPerDay();
        var transitions = parts.reports().transitionsPerHour();
        templates.page(ctx, "reports.jte", page(ctx, "Reports"),
                "counts", counts,
                "countsChart", Svg.bars("Orders per state now", counts),
                "perHourChart", Svg.stackedColumns("Orders entering each state, per hour (UTC)", perHour.buckets(),
                        perHour.values()),
                "perDayChart", Svg.stackedColumns("Orders entering each state, per day (UTC)", perDay.buckets(),
                        perDay.values()),
                "transitionsChart", Svg.stackedColumns("Transitions per hour (UTC)", transitions.buckets(),
                        transitions.values()),
                "stuck", parts.reports().stuck(100),
                "refunds", parts.reports().refunds(100),
                "diagram", StateDiagram.svg(null, Set.of()));
    }

    // ---------------------------------------------------------------- users and tokens

    private void users(Context ctx) {
        requireAdmin(ctx);
        showUsers(ctx, null, null);
    }

    private void showUsers(Context ctx, String notice, String newToken) {
        templates.page(ctx, "users.jte", page(ctx, "Users"), "users", parts.users().list(),
                "tokens", parts.tokens().list(), "roles", names(Users.STAFF_ROLES.stream().sorted().toArray(Role[]::new)),
                "notice", notice, "newToken", newToken);
    }

    private void createUser(Context ctx) {
        requireAdmin(ctx);
        String name = ctx.formParam("username");
        parts.users().create(name, ctx.formParam("password"), role(ctx.formParam("role")));
        showUsers(ctx, "created user " + name, null);
    }

    private void updateUser(Context ctx) {
        requireAdmin(ctx);
        String name = ctx.pathParam("name");
        String action = String.valueOf(ctx.formParam("action"));
        switch (action) {
            case "role" -> parts.users().setRole(name, role(ctx.formParam("role")));
            case "disable" -> {
                if (name.equals(user(ctx).username())) {
                    throw new IllegalArgumentException("you cannot disable yourself");
                }
                parts.users().setActive(name, false);
            }
            case "enable" -> parts.users().setActive(name, true);
            case "password" -> parts.users().setPassword(name, ctx.formParam("password"));
            default -> throw new IllegalArgumentException("unknown action '" + action + "'");
        }
        showUsers(ctx, "user " + name + ": " + action + " done", null);
    }

    private void issueToken(Context ctx) {
        requireAdmin(ctx);
        var issued = parts.tokens().issue(ctx.formParam("name"), ctx.formParam("username"));
        showUsers(ctx, "issued token " + issued.id() + "; copy it now, it is not shown again", issued.token());
    }

    private void revokeToken(Context ctx) {
        requireAdmin(ctx);
        long id = Long.parseLong(ctx.pathParam("id"));
        parts.tokens().revoke(id);
        showUsers(ctx, "revoked token " + id, null);
    }

    // ---------------------------------------------------------------- helpers

    static Transition transitionParam(String value) {
        try {
            Transition t = Transition.valueOf(String.valueOf(value).trim().toUpperCase(Locale.ROOT));
            if (t == Transition.PLACE) {
                throw new IllegalArgumentException("place is not a transition of an existing order");
            }
            return t;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + value + "' is not a transition; transitions: "
                    + String.join(", ", bulkTransitions()));
        }
    }

    private static Role role(String value) {
        try {
            return Role.valueOf(String.valueOf(value).trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + value + "' is not a role");
        }
    }

    static List<String> bulkTransitions() {
        return Arrays.stream(Transition.values()).filter(t -> t != Transition.PLACE)
                .map(t -> t.name().toLowerCase(Locale.ROOT)).toList();
    }

    private static List<String> names(Enum<?>[] values) {
        return Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT)).toList();
    }
}
