package io.orderflow.admin.bulk;

import io.orderflow.admin.auth.StaffUser;
import io.orderflow.admin.orders.CommandGateway;
import io.orderflow.schema.Transition;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bulk transitions: one command per order, each decided by the engine on its own, so one refusal never stops the
 * others. A job is stored first (its orders and their command ids, {@code bulk-<job>-<order>}), then sent in the
 * background; the page polls the progress, which joins each order with its command's result as it arrives. The
 * command ids are fixed per job and order, so sending a job again never applies anything twice.
 */
public final class BulkJobs implements AutoCloseable {
    public static final int MAX_ORDERS = 10_000;
    private static final Logger log = LoggerFactory.getLogger(BulkJobs.class);

    private final Jdbi jdbi;
    private final CommandGateway gateway;
    private final Clock clock;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "bulk-sender");
        t.setDaemon(true);
        return t;
    });

    public BulkJobs(Jdbi jdbi, CommandGateway gateway, Clock clock) {
        this.jdbi = jdbi;
        this.gateway = gateway;
        this.clock = clock;
    }

    public record Item(String orderId, String commandId, boolean sent, String status, String rejectionCode,
                       String message) {
        public String outcome() {
            return status == null ? (sent ? "WAITING" : "QUEUED") : status;
        }
    }

    public record Progress(long id, String username, String transition, String reason, Instant createdAt,
                           List<Item> items) {
        public long total() {
            return items.size();
        }

        public long answered() {
            return items.stream().filter(i -> i.status() != null).count();
        }

        public long count(String status) {
            return items.stream().filter(i -> status.equals(i.status())).count();
        }

        public boolean done() {
            return answered() == total();
        }

        public int percent() {
            return total() == 0 ? 100 : (int) (answered() * 100 / total());
        }
    }

    /** Stores the job and starts sending its commands; returns its id at once. */
    public long start(StaffUser user, Transition transition, String reason, List<String> orderIds) {
        List<String> ids = new ArrayList<>(new LinkedHashSet<>(orderIds.stream().map(String::trim)
                .filter(s -> !s.isEmpty()).toList()));
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("choose at least one order");
        }
        if (ids.size() > MAX_ORDERS) {
            throw new IllegalArgumentException("a bulk action takes at most " + MAX_ORDERS
                    + " orders; this selection has more: narrow it");
        }
        if (transition == Transition.PLACE) {
            throw new IllegalArgumentException("place is not a bulk transition");
        }
        long id = jdbi.inTransaction(h -> {
            long job = h.createUpdate("""
                    insert into bulk_jobs (username, transition, reason, created_at) values (:u, :t, :reason, :now)""")
                    .bind("u", user.username()).bind("t", transition.name())
                    .bind("reason", reason == null || reason.isBlank() ? null : reason.trim())
                    .bind("now", clock.instant().atOffset(ZoneOffset.UTC))
                    .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            var batch = h.prepareBatch("insert into bulk_items (job_id, order_id, command_id) values (:job, :order, :cmd)");
            for (String order : ids) {
                batch.bind("job", job).bind("order", order).bind("cmd", "bulk-" + job + "-" + order).add();
            }
            batch.execute();
            return job;
        });
        sender.submit(() -> send(id, user, transition, reason, ids));
        return id;
    }

    private void send(long job, StaffUser user, Transition transition, String reason, List<String> ids) {
        try {
            List<CompletableFuture<String>> sends = new ArrayList<>();
            for (String order : ids) {
                sends.add(gateway.send(new CommandGateway.Request("bulk-" + job + "-" + order, order, transition,
                        user.actor(), null, reason, null)));
            }
            gateway.flush();
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                try {
                    sends.get(i).join();
                    sent.add(ids.get(i));
                } catch (RuntimeException e) {
                    log.warn("bulk job {}: command for order {} not sent: {}", job, ids.get(i), e.getMessage());
                }
            }
            jdbi.useHandle(h -> h.createUpdate("update bulk_items set sent = true where job_id = :job and order_id in (<ids>)")
                    .bind("job", job).bindList("ids", sent).execute());
            log.info("bulk job {}: {} of {} commands sent ({} by {})", job, sent.size(), ids.size(), transition,
                    user.username());
        } catch (RuntimeException e) {
            log.error("bulk job {} failed while sending", job, e);
        }
    }

    public Optional<Progress> progress(long job) {
        return jdbi.withHandle(h -> h.createQuery(
                        "select id, username, transition, reason, created_at from bulk_jobs where id = :id")
                .bind("id", job)
                .map((rs, ctx) -> new Progress(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getObject(5, OffsetDateTime.class).toInstant(), List.of()))
                .findOne()
                .map(p -> new Progress(p.id(), p.username(), p.transition(), p.reason(), p.createdAt(),
                        h.createQuery("""
                                select i.order_id, i.command_id, i.sent, r.status, r.rejection_code, r.message
                                from bulk_items i left join command_results r on r.command_id = i.command_id
                                where i.job_id = :id order by i.order_id""")
                                .bind("id", job)
                                .map((rs, ctx) -> new Item(rs.getString(1), rs.getString(2), rs.getBoolean(3),
                                        rs.getString(4), rs.getString(5), rs.getString(6)))
                                .list())));
    }

    @Override
    public void close() {
        sender.shutdown();
        try {
            sender.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
