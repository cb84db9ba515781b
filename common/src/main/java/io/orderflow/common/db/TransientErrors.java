package io.orderflow.common.db;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * Tells database failures that go away when the transaction is simply run again (lost connection, serialization
 * failure, deadlock, server restarting) from those that would fail the same way every time.
 */
public final class TransientErrors {
    public static final String SERIALIZATION_FAILURE = "40001";
    public static final String DEADLOCK_DETECTED = "40P01";
    /** SQLSTATE class 08: connection exceptions (refused, lost, broken mid-transaction). */
    public static final String CONNECTION_EXCEPTION_CLASS = "08";
    public static final String ADMIN_SHUTDOWN = "57P01";
    public static final String CRASH_SHUTDOWN = "57P02";
    public static final String CANNOT_CONNECT_NOW = "57P03";
    public static final String TOO_MANY_CONNECTIONS = "53300";

    private static final Set<String> STATES = Set.of(SERIALIZATION_FAILURE, DEADLOCK_DETECTED, ADMIN_SHUTDOWN,
            CRASH_SHUTDOWN, CANNOT_CONNECT_NOW, TOO_MANY_CONNECTIONS);

    private TransientErrors() {}

    /** True if {@code error} or any of its causes is a transient database failure. */
    public static boolean isTransient(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
                return true;  // includes HikariCP's "connection is not available" timeout
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (STATES.contains(state) || state.startsWith(CONNECTION_EXCEPTION_CLASS)) {
                    return true;
                }
            }
        }
        return false;
    }
}
