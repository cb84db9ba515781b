package io.orderflow.admin.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.orderflow.schema.Role;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * Staff accounts: bcrypt password hashes, the roles people hold (support, warehouse, finance, admin), and the lockout
 * that follows repeated wrong passwords: after {@link #FREE_ATTEMPTS} misses an account is locked for a period that
 * doubles with each further miss, up to {@link #MAX_LOCK}.
 */
public final class Users {
    public static final Set<Role> STAFF_ROLES = Set.of(Role.SUPPORT, Role.WAREHOUSE, Role.FINANCE, Role.ADMIN);
    public static final int FREE_ATTEMPTS = 5;
    static final Duration FIRST_LOCK = Duration.ofSeconds(30);
    static final Duration MAX_LOCK = Duration.ofMinutes(15);
    private static final int COST = 11;
    public static final int MIN_PASSWORD_LENGTH = 10;
    // Checked when the user does not exist, so an unknown name costs the same time as a wrong password.
    private static final String DUMMY_HASH = BCrypt.withDefaults().hashToString(COST, "not-a-password".toCharArray());

    private final Jdbi jdbi;
    private final Clock clock;

    public Users(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    public record Account(String username, Role role, boolean active, int failedLogins, Instant lockedUntil,
                          Instant createdAt) {
        public String roleName() {
            return role.name().toLowerCase(Locale.ROOT);
        }
    }

    /** The outcome of a sign-in: the user, or why not (never which of name or password was wrong). */
    public sealed interface Login {
        record Success(StaffUser user) implements Login {}

        record Refused(String message) implements Login {}
    }

    public Login authenticate(String username, String password) {
        Optional<Row> found = row(username == null ? "" : username.trim());
        Instant now = clock.instant();
        if (found.isEmpty()) {
            verify(password, DUMMY_HASH);
            return new Login.Refused("wrong user name or password");
        }
        Row row = found.get();
        if (row.lockedUntil() != null && row.lockedUntil().isAfter(now)) {
            return new Login.Refused("too many wrong passwords; try again after " + row.lockedUntil());
        }
        if (!verify(password, row.passwordHash()) || !row.active()) {
            int failed = row.failedLogins() + 1;
            Instant lock = failed >= FREE_ATTEMPTS ? now.plus(lockFor(failed)) : null;
            jdbi.useHandle(h -> h.createUpdate(
                    "update users set failed_logins = :failed, locked_until = :lock where username = :u")
                    .bind("failed", failed).bind("lock", lock == null ? null : lock.atOffset(ZoneOffset.UTC))
                    .bind("u", row.username()).execute());
            return new Login.Refused(row.active() ? "wrong user name or password" : "this account is disabled");
        }
        jdbi.useHandle(h -> h.createUpdate("update users set failed_logins = 0, locked_until = null where username = :u")
                .bind("u", row.username()).execute());
        return new Login.Success(new StaffUser(row.username(), row.role()));
    }

    static Duration lockFor(int failed) {
        int doublings = Math.min(failed - FREE_ATTEMPTS, 10);
        Duration lock = FIRST_LOCK.multipliedBy(1L << doublings);
        return lock.compareTo(MAX_LOCK) > 0 ? MAX_LOCK : lock;
    }

    public void create(String username, String password, Role role) {
        validate(username, password, role);
        jdbi.useHandle(h -> h.createUpdate("""
                insert into users (username, password_hash, role, created_at) values (:u, :hash, :role, :now)""")
                .bind("u", username.trim()).bind("hash", hash(password)).bind("role", role.name())
                .bind("now", clock.instant().atOffset(ZoneOffset.UTC)).execute());
    }

    public boolean exists(String username) {
        return row(username).isPresent();
    }

    public boolean any() {
        return jdbi.withHandle(h -> h.createQuery("select exists (select 1 from users)").mapTo(Boolean.class).one());
    }

    public void setRole(String username, Role role) {
        requireStaff(role);
        update("update users set role = :v where username = :u", username, role.name());
    }

    public void setActive(String username, boolean active) {
        jdbi.useHandle(h -> {
            h.createUpdate("update users set active = :v where username = :u").bind("v", active).bind("u", username)
                    .execute();
            if (!active) {
                h.createUpdate("delete from sessions where username = :u").bind("u", username).execute();
            }
        });
    }

    public void setPassword(String username, String password) {
        checkPassword(password);
        update("update users set password_hash = :v, failed_logins = 0, locked_until = null where username = :u",
                username, hash(password));
    }

    public List<Account> list() {
        return jdbi.withHandle(h -> h.createQuery("""
                select username, role, active, failed_logins, locked_until, created_at from users order by username""")
                .map((rs, ctx) -> new Account(rs.getString(1), Role.valueOf(rs.getString(2)), rs.getBoolean(3),
                        rs.getInt(4), instant(rs.getObject(5, OffsetDateTime.class)),
                        instant(rs.getObject(6, OffsetDateTime.class))))
                .list());
    }

    /** The current role and state of a user, for sessions and tokens (a disabled user acts no more). */
    public Optional<StaffUser> active(String username) {
        return row(username).filter(Row::active).map(r -> new StaffUser(r.username(), r.role()));
    }

    private void update(String sql, String username, Object value) {
        int rows = jdbi.withHandle(h -> h.createUpdate(sql).bind("v", value).bind("u", username).execute());
        if (rows == 0) {
            throw new IllegalArgumentException("no user '" + username + "'");
        }
    }

    private static void validate(String username, String password, Role role) {
        if (username == null || !username.trim().matches("[A-Za-z0-9._@-]{2,64}")) {
            throw new IllegalArgumentException("a user name is 2 to 64 letters, digits or . _ @ -");
        }
        checkPassword(password);
        requireStaff(role);
    }

    private static void checkPassword(String password) {
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            throw new IllegalArgumentException("a password needs at least " + MIN_PASSWORD_LENGTH + " characters");
        }
    }

    private static void requireStaff(Role role) {
        if (!STAFF_ROLES.contains(role)) {
            throw new IllegalArgumentException("role " + role + " is not a staff role; staff roles: "
                    + STAFF_ROLES.stream().map(r -> r.name().toLowerCase(Locale.ROOT)).sorted().toList());
        }
    }

    private static String hash(String password) {
        return BCrypt.withDefaults().hashToString(COST, password.toCharArray());
    }

    private static boolean verify(String password, String hash) {
        return BCrypt.verifyer().verify((password == null ? "" : password).toCharArray(), hash).verified;
    }

    private record Row(String username, String passwordHash, Role role, boolean active, int failedLogins,
                       Instant lockedUntil) {}

    private Optional<Row> row(String username) {
        return jdbi.withHandle(h -> h.createQuery("""
                select username, password_hash, role, active, failed_logins, locked_until from users where username = :u""")
                .bind("u", username)
                .map((rs, ctx) -> new Row(rs.getString(1), rs.getString(2), Role.valueOf(rs.getString(3)),
                        rs.getBoolean(4), rs.getInt(5), instant(rs.getObject(6, OffsetDateTime.class))))
                .findOne());
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
