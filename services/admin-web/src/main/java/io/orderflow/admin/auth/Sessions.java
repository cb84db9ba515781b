package io.orderflow.admin.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Server-side sessions: the browser holds only a random id (in an HttpOnly, SameSite=Strict cookie); the table holds
 * its hash, the user, the session's CSRF token and when it ends. Every request looks up the user afresh, so a role
 * change or a disabled account takes effect at once.
 */
public final class Sessions {
    public static final Duration LIFETIME = Duration.ofHours(12);

    private final Jdbi jdbi;
    private final Users users;
    private final Clock clock;

    public Sessions(Jdbi jdbi, Users users, Clock clock) {
        this.jdbi = jdbi;
        this.users = users;
        this.clock = clock;
    }

    /** A session as a request sees it. */
    public record Session(String id, StaffUser user, String csrfToken) {}

    /** Starts a session and returns it with its id: the cookie value, known to nobody else. */
    public Session open(StaffUser user) {
        String id = Secrets.random();
        String csrf = Secrets.random();
        Instant now = clock.instant();
        jdbi.useHandle(h -> {
            h.createUpdate("delete from sessions where expires_at < :now").bind("now", now.atOffset(ZoneOffset.UTC))
                    .execute();
            h.createUpdate("""
                    insert into sessions (token_hash, username, csrf_token, created_at, expires_at)
                    values (:hash, :u, :csrf, :now, :until)""")
                    .bind("hash", Secrets.hash(id)).bind("u", user.username()).bind("csrf", csrf)
                    .bind("now", now.atOffset(ZoneOffset.UTC)).bind("until", now.plus(LIFETIME).atOffset(ZoneOffset.UTC))
                    .execute();
        });
        return new Session(id, user, csrf);
    }

    public Optional<Session> find(String id) {
        if (id == null || id.isBlank()) {
            return Optional.empty();
        }
        record Row(String username, String csrf) {}
        Optional<Row> row = jdbi.withHandle(h -> h.createQuery("""
                select username, csrf_token from sessions where token_hash = :hash and expires_at > :now""")
                .bind("hash", Secrets.hash(id)).bind("now", clock.instant().atOffset(ZoneOffset.UTC))
                .map((rs, ctx) -> new Row(rs.getString(1), rs.getString(2))).findOne());
        return row.flatMap(r -> users.active(r.username()).map(u -> new Session(id, u, r.csrf())));
    }

    public void close(String id) {
        jdbi.useHandle(h -> h.createUpdate("delete from sessions where token_hash = :hash")
                .bind("hash", Secrets.hash(id)).execute());
    }
}
