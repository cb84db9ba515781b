package io.orderflow.notification;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.orderflow.common.app.Readiness;
import io.orderflow.common.config.Config;
import io.orderflow.common.consumer.IdempotentConsumer;
import io.orderflow.common.db.Database;
import io.orderflow.common.db.Retention;
import io.orderflow.common.kafka.Topic;
import io.orderflow.common.kafka.Topics;
import io.orderflow.common.metrics.ScrapeSample;
import io.orderflow.notification.queue.MailQueue;
import io.orderflow.notification.queue.MailStatus;
import io.orderflow.notification.render.MailRenderer;
import io.orderflow.notification.send.MailSender;
import io.orderflow.notification.send.SmtpMailer;
import io.orderflow.schema.OrderEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The notification worker: an idempotent consumer of orders.events that queues the rendered e-mails of each applied
 * transition, rolled-back step and flag (see {@link MailRenderer}) in the worker's PostgreSQL schema (a polled batch at once), and sender threads that deliver the queue
 * over kept-open SMTP connections. The two only
 * meet in the queue table, so a slow or absent mail server never holds up consumption, let alone a transition.
 */
public final class NotificationWorker implements AutoCloseable, Readiness {
    private final Database database;
    private final IdempotentConsumer<OrderEvent> consumer;
    private final MailSender sender;
    private final List<Meter> meters;

    private NotificationWorker(Database database, IdempotentConsumer<OrderEvent> consumer, MailSender sender,
                               List<Meter> meters) {
        this.database = database;
        this.consumer = consumer;
        this.sender = sender;
        this.meters = meters;
    }

    public static NotificationWorker start(Config config) {
        return start(config, Topics.ORDER_EVENTS);
    }

    /** Consumes {@code events} (tests pass a topic of their own). */
    public static NotificationWorker start(Config config, Topic<String, OrderEvent> events) {
        NotificationSettings settings = NotificationSettings.from(config);
        // Built before anything starts: a broken template or sender address stops start-up, not the first event.
        MailRenderer renderer = new MailRenderer(settings.trackingBaseUrl(), settings.messageIdDomain(),
                settings.staffEmail());
        SmtpMailer mailer = new SmtpMailer(settings);
        Database database = Database.open(config, Database.schemaName(config, NotificationSettings.SCHEMA),
                NotificationSettings.MIGRATIONS);
        try {
            IdempotentConsumer<OrderEvent> consumer = IdempotentConsumer.builder(events, OrderEvent::getEventId)
                    .groupId(settings.consumerGroup())
                    // A sent mail's unique event id is a second dedupe guard: kept as long as the event can come again.
                    .prune(new Retention.Rule("mail_queue", "sent_at", "status = 'sent'"))
                    .batchHandler((handle, records) -> MailQueue.enqueueAll(handle, records.stream()
                            .flatMap(record -> renderer.render(record.value()).stream())
                            .toList()))
                    .start(config, database.jdbi());
            MailQueue queue = new MailQueue(database.jdbi());
            List<Meter> meters = meterQueue(queue, Metrics.globalRegistry);
            MailSender sender = MailSender.start(queue, mailer, settings, database, Metrics.globalRegistry);
            return new NotificationWorker(database, consumer, sender, meters);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /** {@code orderflow.mail.queue{status}}: mails queued (depth), sent and dead, read on scrape. */
    private static List<Meter> meterQueue(MailQueue queue, MeterRegistry registry) {
        ScrapeSample<Map<MailStatus, Long>> counts = new ScrapeSample<>("mail queue", Duration.ofSeconds(5),
                queue::counts);
        List<Meter> meters = new ArrayList<>();
        for (MailStatus status : MailStatus.values()) {
            meters.add(Gauge.builder("orderflow.mail.queue", counts, c -> c.latest() == null ? Double.NaN
                            : c.latest().getOrDefault(status, 0L)).strongReference(true)
                    .tag("status", status.name().toLowerCase(Locale.ROOT))
                    .description("mails in the queue by status: queued (waiting to be sent), sent, dead")
                    .register(registry));
        }
        return meters;
    }

    public Database database() {
        return database;
    }

    public boolean isRunning() {
        return consumer.isRunning() && sender.isRunning();
    }

    @Override
    public Optional<String> unready() {
        return Readiness.running(isRunning());
    }

    /** Stops consuming (committing what it queued), lets senders finish the mail in hand, then closes the pool. */
    @Override
    public void close() {
        consumer.close();
        sender.close();
        meters.forEach(Metrics.globalRegistry::remove);
        database.close();
    }
}
