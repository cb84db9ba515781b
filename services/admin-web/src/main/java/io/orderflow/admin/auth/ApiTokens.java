package io.orderflow.admin.auth;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * API tokens for upstream systems. An admin issues one for a user (often a service account with the role the system
 * needs); the token acts as that user. Only its hash is stored, so it is shown once, at issue. Revoked tokens are
 * refused at once.
 */
public final class ApiTokens {
    public static final String PREFIX = "oft_";

    private final Jdbi jdbi;
    private final Users users;
    private final Clock clock;

    public ApiTokens(Jdbi jdbi, Users users, Clock clock) {
        this.jdbi = jdbi;
        this.users = users;
        this.clock = clock;
    }

    public record Issued(long id, String token) {}

    public record Token(long id, String name, String username, Instant createdAt, Instant revokedAt) {}

    public Issued issue(String name, String username) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a token needs a name saying who uses it");
        }
        if (!users.exists(username)) {
            throw new IllegalArgumentException("no user '" + username + "'");
        }
        String token = PREFIX + Secrets.random();
        long id = jdbi.withHandle(h -> h.createUpdate("""
                insert into api_tokens (name, token_hash, username, created_at) values (:name, :hash, :u, :now)""")
                .bind("name", name.trim()).bind("hash", Secrets.hash(token)).bind("u", username)
                .bind("now", clock.instant().atOffset(ZoneOffset.UTC))
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
        return new Issued(id, token);
    }

    public void revoke(long id) {
        jdbi.useHandle(h -> h.createUpdate("update api_tokens set revoked_at = :now where id = :id and revoked_at is null")
                .bind("now", clock.instant().atOffset(ZoneOffset.UTC)).bind("id", id).execute());
    }

    /** The user a bearer token acts as, if the token exists, is not revoked and its user is active. */
    public Optional<StaffUser> authenticate(String token) {
        if (token == null || !token.startsWith(PREFIX)) {
            return Optional.empty();
        }
        return jdbi.withHandle(h -> h.createQuery(
                        "select username from api_tokens where token_hash = :hash and revoked_at is null")
                .bind("hash", Secrets.hash(token)).mapTo(String.class).findOne())
                .flatMap(users::active);
    }

    public List<Token> list() {
        return jdbi.withHandle(h -> h.createQuery(
                        "select id, name, username, created_at, revoked_at from api_tokens order by id desc")
                .map((rs, ctx) -> new Token(rs.getLong(1), rs.getString(2), rs.getString(3),
                        rs.getObject(4, OffsetDateTime.class).toInstant(),
                        Optional.ofNullable(rs.getObject(5, OffsetDateTime.class)).map(OffsetDateTime::toInstant)
                                .orElse(null)))
                .list());
    }
}
