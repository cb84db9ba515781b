package io.orderflow.audit;

import io.orderflow.audit.finance.RefundSla;
import io.orderflow.audit.log.ChainVerifier;
import io.orderflow.common.config.Config;
import io.orderflow.common.db.Database;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code audit-admin} ({@code scripts/audit-admin}): checks the audit log's hash chains and the refund deadline.
 * Exit codes: 0 all good, 1 a broken chain or an overdue refund, 2 bad usage, 3 nothing to check.
 */
@Command(name = "audit-admin", mixinStandardHelpOptions = true, version = "audit-admin 0.1.0",
        description = "Check Orderflow's audit log and finance ledger (schema $ORDERFLOW_DB_SCHEMA, default audit).")
public final class AuditAdmin {
    public static final int BROKEN = 1;
    public static final int NOTHING_TO_CHECK = 3;

    public static void main(String[] args) {
        Config config = Config.fromEnvironment();
        System.exit(commandLine(config, connect(config), Clock.systemUTC()).execute(args));
    }

    /** The command line over {@code jdbi} (whose connections work in the audit schema); tests pass their own. */
    public static CommandLine commandLine(Config config, Jdbi jdbi, Clock clock) {
        CommandLine cli = new CommandLine(new AuditAdmin());
        cli.addSubcommand("verify", new Verify(jdbi));
        cli.addSubcommand("sla", new Sla(jdbi, clock, config.getDuration(AuditWorker.REFUND_SLA_SETTING,
                AuditWorker.DEFAULT_REFUND_SLA)));
        cli.addSubcommand(new CommandLine.HelpCommand());
        return cli;
    }

    /** Plain connections (no pool, no migrations: an admin tool must not create or change the schema). */
    static Jdbi connect(Config config) {
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setURL(config.dbUrl());
        source.setUser(config.dbUser());
        source.setPassword(config.dbPassword());
        source.setCurrentSchema(Database.schemaName(config, AuditWorker.SCHEMA));
        source.setApplicationName("orderflow-audit-admin");
        return Jdbi.create(source);
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Recompute every order's hash chain (or one order's) and name the first broken row of each.")
    static final class Verify implements Callable<Integer> {
        private final Jdbi jdbi;

        @Spec
        CommandSpec spec;

        @Option(names = "--order", paramLabel = "ORDER_ID", description = "Verify only this order's chain.")
        String orderOption;

        // Every command names an order either way: `verify o-1` or `verify --order o-1`, as orderflow does.
        @Parameters(arity = "0..1", paramLabel = "ORDER_ID", description = "The same as --order ORDER_ID.")
        String orderArgument;

        Verify(Jdbi jdbi) {
            this.jdbi = jdbi;
        }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            if (orderArgument != null && orderOption != null && !orderArgument.equals(orderOption)) {
                throw new ParameterException(spec.commandLine(), "two orders named: '" + orderArgument
                        + "' and --order '" + orderOption + "'; name one");
            }
            String orderId = orderArgument != null ? orderArgument : orderOption;
            if (!auditSchemaExists(jdbi, spec)) {
                return NOTHING_TO_CHECK;
            }
            ChainVerifier.Report report = ChainVerifier.verify(jdbi, Optional.ofNullable(orderId));
            if (orderId != null && report.rows() == 0) {
                spec.commandLine().getErr().println("no audit rows for order " + orderId);
                return NOTHING_TO_CHECK;
            }
            report.breaks().forEach(b -> out.println("BROKEN " + b));
            out.printf("verified %d order%s, %d audit row%s: %s%n", report.orders(), plural(report.orders()),
                    report.rows(), plural(report.rows()), report.intact() ? "every chain is intact"
                            : report.breaks().size() + " broken chain" + plural(report.breaks().size()));
            out.flush();
            return report.intact() ? 0 : BROKEN;
        }
    }

    @Command(name = "sla", mixinStandardHelpOptions = true,
            description = "List refunds requested longer ago than the deadline and not yet posted to the ledger.")
    static final class Sla implements Callable<Integer> {
        private final Jdbi jdbi;
        private final Clock clock;

        @Spec
        CommandSpec spec;

        @Option(names = "--deadline", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "How long a refund may take to be posted: 30s, 15m, 24h (default: "
                        + "$ORDERFLOW_FINANCE_REFUND_SLA, else 24h).")
        Duration deadline;

        Sla(Jdbi jdbi, Clock clock, Duration defaultDeadline) {
            this.jdbi = jdbi;
            this.clock = clock;
            this.deadline = defaultDeadline;
        }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            if (!auditSchemaExists(jdbi, spec)) {
                return NOTHING_TO_CHECK;
            }
            Instant now = clock.instant();
            List<RefundSla.OverdueRefund> overdue = jdbi.withHandle(h -> RefundSla.overdue(h, now, deadline));
            overdue.forEach(r -> out.println("OVERDUE " + r.describe(now)));
            out.printf("%d refund%s not posted within %s%n", overdue.size(), plural(overdue.size()),
                    RefundSla.format(deadline));
            out.flush();
            return overdue.isEmpty() ? 0 : BROKEN;
        }
    }

    /** Durations as 500ms, 30s, 15m, 24h (the services' settings syntax). */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return Config.of(Map.of("value", value)).getDuration("value", Duration.ZERO);
        }
    }

    private static boolean auditSchemaExists(Jdbi jdbi, CommandSpec spec) {
        boolean exists = jdbi.withHandle(h -> h.createQuery("""
                select exists (select 1 from information_schema.tables
                               where table_schema = current_schema() and table_name = 'audit_log')""")
                .mapTo(Boolean.class).one());
        if (!exists) {
            spec.commandLine().getErr().println("no audit log in this database's audit schema: has the audit worker "
                    + "run against it? (schema from ORDERFLOW_DB_SCHEMA, default " + AuditWorker.SCHEMA + ")");
        }
        return exists;
    }

    private static String plural(long count) {
        return count == 1 ? "" : "s";
    }
}
