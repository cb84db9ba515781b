package io.orderflow.notification;

import io.orderflow.common.config.Config;
import io.orderflow.common.db.Database;
import io.orderflow.notification.queue.MailQueue;
import io.orderflow.notification.queue.MailStatus;
import io.orderflow.notification.queue.QueuedMail;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mail-admin}: what operators need of the mail queue: see what waits, what is dead and why, and send dead
 * mail again. Works on the notification worker's schema ({@code ORDERFLOW_DB_*}, {@code ORDERFLOW_DB_SCHEMA}).
 * Exit codes: 0 done, 1 some mail could not be retried, 2 bad usage.
 */
@Command(name = "mail-admin", mixinStandardHelpOptions = true, version = "mail-admin 0.1.0",
        description = "Look at the notification worker's mail queue and retry dead mail.",
        subcommands = {MailAdmin.ListCommand.class, MailAdmin.DeadCommand.class, MailAdmin.ShowCommand.class,
                MailAdmin.RetryCommand.class, MailAdmin.RetryAllDeadCommand.class, MailAdmin.CountsCommand.class,
                CommandLine.HelpCommand.class})
public final class MailAdmin {
    private final MailQueue queue;
    private final int maxAttempts;

    private MailAdmin(MailQueue queue, int maxAttempts) {
        this.queue = queue;
        this.maxAttempts = maxAttempts;
    }

    public static void main(String[] args) {
        // A one-shot command needs a connection or two, not a service's pool.
        Config config = Config.fromEnvironment().with("ORDERFLOW_DB_POOL_SIZE", "2");
        int exitCode;
        try (Database database = Database.open(config, Database.schemaName(config, NotificationSettings.SCHEMA),
                NotificationSettings.MIGRATIONS)) {
            exitCode = commandLine(new MailQueue(database.jdbi()), NotificationSettings.from(config)).execute(args);
        }
        System.exit(exitCode);
    }

    /** The command line over {@code queue}; {@code settings} tells how many attempts a mail gets. */
    public static CommandLine commandLine(MailQueue queue, NotificationSettings settings) {
        MailAdmin admin = new MailAdmin(queue, settings.maxAttempts());
        return new CommandLine(admin, new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                try {
                    return type.getDeclaredConstructor(MailAdmin.class).newInstance(admin);
                } catch (NoSuchMethodException e) {
                    return CommandLine.defaultFactory().create(type);
                }
            }
        });
    }

    /** Shared by the subcommands: where to print. */
    abstract static class Base implements Callable<Integer> {
        final MailAdmin admin;
        @Spec
        CommandLine.Model.CommandSpec spec;

        Base(MailAdmin admin) {
            this.admin = admin;
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }

        void table(List<QueuedMail> mails, boolean withErrors) {
            if (mails.isEmpty()) {
                out().println("no mail");
                return;
            }
            String format = "%-6s %-6s %-8s %-20s %-16s %-10s %-28s %s%n";
            out().printf(format, "ID", "STATUS", "ATTEMPTS", "NEXT ATTEMPT/SENT", "ORDER", "TRANSITION", "TO",
                    "SUBJECT");
            for (QueuedMail m : mails) {
                Instant when = m.status() == MailStatus.SENT ? m.sentAt()
                        : m.status() == MailStatus.DEAD ? null : m.nextAttemptAt();
                out().printf(format, m.id(), m.status().dbName(), m.attempts() + "/" + admin.maxAttempts,
                        when == null ? "-" : when.truncatedTo(ChronoUnit.SECONDS).toString(), m.orderId(),
                        m.transition().toLowerCase(Locale.ROOT), m.recipient(), m.subject());
                if (withErrors && m.lastError() != null) {
                    out().println("       last error: " + m.lastError());
                }
            }
        }
    }

    @Command(name = "list", description = "Mail in one status (default: queued, i.e. not yet sent), oldest first.")
    static final class ListCommand extends Base {
        @Option(names = "--status", description = "queued, sent, dead or all (default: ${DEFAULT-VALUE})",
                defaultValue = "queued")
        String status;
        @Option(names = "--order", paramLabel = "ORDER_ID", description = "only this order's mail")
        String orderOption;
        // Every command names an order either way: `list o-1` or `list --order o-1`, as orderflow does.
        @Parameters(arity = "0..1", paramLabel = "ORDER_ID", description = "the same as --order ORDER_ID")
        String orderArgument;
        @Option(names = "--limit", defaultValue = "100", description = "at most this many (default: ${DEFAULT-VALUE})")
        int limit;

        ListCommand(MailAdmin admin) {
            super(admin);
        }

        @Override
        public Integer call() {
            MailStatus wanted;
            if (status.equalsIgnoreCase("all")) {
                wanted = null;
            } else {
                try {
                    wanted = MailStatus.fromDb(status);
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(),
                            "--status must be queued, sent, dead or all, not '" + status + "'");
                }
            }
            if (orderArgument != null && orderOption != null && !orderArgument.equals(orderOption)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "two orders named: '" + orderArgument
                        + "' and --order '" + orderOption + "'; name one");
            }
            table(admin.queue.list(wanted, orderArgument != null ? orderArgument : orderOption, limit), true);
            return 0;
        }
    }

    @Command(name = "dead", description = "Dead mail (out of attempts or refused for good), with the last error.")
    static final class DeadCommand extends Base {
        @Option(names = "--limit", defaultValue = "100", description = "at most this many (default: ${DEFAULT-VALUE})")
        int limit;

        DeadCommand(MailAdmin admin) {
            super(admin);
        }

        @Override
        public Integer call() {
            table(admin.queue.list(MailStatus.DEAD, null, limit), true);
            return 0;
        }
    }

    @Command(name = "show", description = "One mail in full: headers, state, and both bodies.")
    static final class ShowCommand extends Base {
        @Parameters(paramLabel = "ID", description = "the mail's id (see list)")
        long id;

        ShowCommand(MailAdmin admin) {
            super(admin);
        }

        @Override
        public Integer call() {
            var found = admin.queue.find(id);
            if (found.isEmpty()) {
                err().println("no mail " + id);
                return 1;
            }
            QueuedMail m = found.get();
            out().println("id:           " + m.id());
            out().println("status:       " + m.status().dbName() + " after " + m.attempts() + " attempt(s) of "
                    + admin.maxAttempts);
            out().println("event:        " + m.eventId() + " (" + m.transition().toLowerCase(Locale.ROOT)
                    + " of order " + m.orderId() + ")");
            out().println("message-id:   " + m.messageId());
            out().println("to:           " + m.recipient());
            out().println("subject:      " + m.subject());
            out().println("queued at:    " + m.createdAt());
            out().println(m.status() == MailStatus.SENT ? "sent at:      " + m.sentAt()
                    : "next attempt: " + (m.status() == MailStatus.DEAD ? "none (dead)" : m.nextAttemptAt()));
            if (m.lastError() != null) {
                out().println("last error:   " + m.lastError());
            }
            out().println();
            out().println(m.textBody());
            return 0;
        }
    }

    @Command(name = "retry", description = "Queue dead mail again, with a fresh set of attempts.")
    static final class RetryCommand extends Base {
        @Parameters(paramLabel = "ID", arity = "1..*", description = "ids of dead mails (see dead)")
        List<Long> ids;

        RetryCommand(MailAdmin admin) {
            super(admin);
        }

        @Override
        public Integer call() {
            int refused = 0;
            for (long id : ids) {
                if (admin.queue.retry(id)) {
                    out().println("mail " + id + " queued again");
                } else {
                    refused++;
                    err().println(admin.queue.find(id)
                            .map(m -> "mail " + id + " is " + m.status().dbName() + ", not dead; left as it is")
                            .orElse("no mail " + id));
                }
            }
            return refused == 0 ? 0 : 1;
        }
    }

    @Command(name = "retry-all-dead", description = "Queue every dead mail again, with a fresh set of attempts.")
    static final class RetryAllDeadCommand extends Base {
        RetryAllDeadCommand(MailAdmin admin) {
            super(admin);
        }

        @Override
        public Integer call() {
            int n = admin.queue.retryAllDead();
            out().println(n + " dead mail" + (n == 1 ? "" : "s") + " queued again");
            return 0;
        }
    }

    @Command(name = "counts", description = "How many mails are queued, sent and dead.")
    static final class CountsCommand extends Base {
        CountsCommand(MailAdmin admin) {
            super(admin);
        }

        @Override
        public Integer call() {
            Map<MailStatus, Long> counts = admin.queue.counts();
            out().println(counts.entrySet().stream().map(e -> e.getKey().dbName() + " " + e.getValue())
                    .collect(Collectors.joining(", ")));
            return 0;
        }
    }
}
