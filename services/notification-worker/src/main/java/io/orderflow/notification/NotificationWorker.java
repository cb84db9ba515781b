package io.orderflow.notification;

import io.micrometer.core.instrument.Metrics;
import io.orderflow.common.config.Config;
import io.orderflow.common.consumer.IdempotentConsumer;
import io.orderflow.common.db.Database;
import io.orderflow.common.kafka.Topic;
import io.orderflow.common.kafka.Topics;
import io.orderflow.notification.queue.MailQueue;
import io.orderflow.notification.render.MailRenderer;
import io.orderflow.notification.send.MailSender;
import io.orderflow.notification.send.SmtpMailer;
import io.orderflow.schema.OrderEvent;

/**
 * The notification worker: an idempotent consumer of orders.events that queues one rendered e-mail per applied
 * transition in the worker's PostgreSQL schema (a polled batch at once), and sender threads that deliver the queue
 * over kept-open SMTP connections. The two only
 * meet in the queue table, so a slow or absent mail server never holds up consumption, let alone a transition.
 */
public final class NotificationWorker implements AutoCloseable {
    private final Database database;
    private final IdempotentConsumer<OrderEvent> consumer;
    private final MailSender sender;

    private NotificationWorker(Database database, IdempotentConsumer<OrderEvent> consumer, MailSender sender) {
        this.database = database;
        this.consumer = consumer;
        this.sender = sender;
    }

    public static NotificationWorker start(Config config) {
        return start(config, Topics.ORDER_EVENTS);
    }

    /** Consumes {@code events} (tests pass a topic of their own). */
    public static NotificationWorker start(Config config, Topic<String, OrderEvent> events) {
        NotificationSettings settings = NotificationSettings.from(config);
        // Built before anything starts: a broken template or sender address stops start-up, not the first event.
        MailRenderer renderer = new MailRenderer(settings.trackingBaseUrl(), settings.messageIdDomain());
        SmtpMailer mailer = new SmtpMailer(settings);
        Database database = Database.open(config, Database.schemaName(config, NotificationSettings.SCHEMA),
                NotificationSettings.MIGRATIONS);
        try {
            IdempotentConsumer<OrderEvent> consumer = IdempotentConsumer.builder(events, OrderEvent::getEventId)
                    .groupId(settings.consumerGroup())
                    .batchHandler((handle, records) -> MailQueue.enqueueAll(handle, records.stream()
                            .flatMap(record -> renderer.render(record.value()).stream())
                            .toList()))
                    .start(config, database.jdbi());
            MailSender sender = MailSender.start(new MailQueue(database.jdbi()), mailer, settings, database,
                    Metrics.globalRegistry);
            return new NotificationWorker(database, consumer, sender);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    public Database database() {
        return database;
    }

    public boolean isRunning() {
        return consumer.isRunning() && sender.isRunning();
    }

    /** Stops consuming (committing what it queued), lets senders finish the mail in hand, then closes the pool. */
    @Override
    public void close() {
        consumer.close();
        sender.close();
        database.close();
    }
}
