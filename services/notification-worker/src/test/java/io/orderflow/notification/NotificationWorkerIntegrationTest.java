package io.orderflow.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orderflow.common.app.Backoff;
import io.orderflow.common.config.Config;
import io.orderflow.common.kafka.Topic;
import io.orderflow.common.kafka.Topics;
import io.orderflow.common.testing.EffectRequests;
import io.orderflow.common.testing.TestDatabase;
import io.orderflow.common.testing.TestKafka;
import io.orderflow.notification.queue.MailQueue;
import io.orderflow.notification.queue.MailStatus;
import io.orderflow.notification.queue.QueuedMail;
import io.orderflow.schema.Effect;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.Transition;
import io.orderflow.schema.TransitionUpdate;
import io.orderflow.schema.UpdateStatus;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * The worker against the real Kafka and PostgreSQL ({@code infra/}) and a real SMTP server (GreenMail in this JVM, so
 * a test can take it down): events in on a topic of the test's own, mail read back from the server.
 */
class NotificationWorkerIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final TestKafka kafka = TestKafka.create();

    private final List<NotificationWorker> workers = new ArrayList<>();
    private TestDatabase db;
    private TestSmtp smtp;
    private Topic<String, OrderEvent> events;
    private MailQueue queue;
    private String group;

    @BeforeEach
    void setUp() {
        db = TestDatabase.create();
        smtp = new TestSmtp();
        events = kafka.createTopic(Topics.ORDER_EVENTS);
        queue = new MailQueue(db.open(NotificationSettings.MIGRATIONS).jdbi());
        group = TestKafka.uniqueGroup("notification");
    }

    @AfterEach
    void tearDown() {
        workers.forEach(NotificationWorker::close);
        smtp.close();
        db.close();
    }

    @Test
    void aFullLifecycleDeliversOneMailPerTransitionToTheCustomer() throws Exception {
        smtp.start();
        // The global registry counts nothing until a registry is added to it.
        SimpleMeterRegistry counting = new SimpleMeterRegistry();
        Metrics.addRegistry(counting);
        double connectionsBefore = connectionsOpened();
        startWorker(config());
        String orderId = "o-" + shortId();
        String customer = "ann." + shortId() + "@example.com";
        Events order = Events.order(orderId, customer);

        publish(order.next(Transition.PLACE, OrderState.PENDING));
        // A request as an engine from before the request topics wrote it on orders.events, with the oldest released
        // OrderEvent schema: still read, and no mail, as it is not a transition.
        kafka.send(events.name(), orderId.getBytes(StandardCharsets.UTF_8),
                EffectRequests.encodedWithReleasedSchema(order.request(Effect.RESERVE_STOCK, Transition.CONFIRM), 1));
        publish(order.next(Transition.CONFIRM, OrderState.CONFIRMED));
        publish(order.next(Transition.PAY, OrderState.PAID));
        publish(order.tracking("TRK-1001").next(Transition.SHIP, OrderState.SHIPPED));
        publish(order.next(Transition.DELIVER, OrderState.DELIVERED));

        await().atMost(WAIT).until(() -> smtp.inbox(customer).size() >= 5);
        Map<String, MimeMessage> byMessageId = byMessageId(smtp.inbox(customer));
        assertThat(byMessageId).hasSize(5);

        assertMail(byMessageId.get("<" + orderId + "-v1@orderflow>"), customer,
                "We have received your order " + orderId);
        assertMail(byMessageId.get("<" + orderId + "-v2@orderflow>"), customer, "Your order " + orderId + " is confirmed");
        MimeMessage paid = byMessageId.get("<" + orderId + "-v3@orderflow>");
        assertMail(paid, customer, "Payment received for order " + orderId);
        assertThat(text(paid)).contains("We have received your payment of 29.99 EUR");
        MimeMessage shipped = byMessageId.get("<" + orderId + "-v4@orderflow>");
        assertMail(shipped, customer, "Your order " + orderId + " has shipped");
        assertThat(text(shipped)).contains("Tracking number: TRK-1001", "http://track.test/t/TRK-1001");
        assertThat(html(shipped)).contains("<a href=\"http://track.test/t/TRK-1001\">");
        assertMail(byMessageId.get("<" + orderId + "-v5@orderflow>"), customer,
                "Your order " + orderId + " has been delivered");
        for (MimeMessage m : byMessageId.values()) {
            if (m != shipped) {
                assertThat(text(m)).doesNotContain("Tracking");
            }
        }

        // Invariant: one queued mail per applied transition, all sent, none twice.
        await().atMost(WAIT).until(() -> queue.counts().get(MailStatus.SENT) == 5);
        assertThat(queue.counts()).containsEntry(MailStatus.QUEUED, 0L).containsEntry(MailStatus.DEAD, 0L);
        assertThat(smtp.received()).hasSize(5);
        // One sender: the five mails went over the one SMTP connection it kept open.
        assertThat(connectionsOpened() - connectionsBefore).isEqualTo(1);
        Metrics.removeRegistry(counting);
    }

    @Test
    void failuresTellTheCustomerAndAFlagTellsStaffOneMailPerEventEvenWhenRedelivered() throws Exception {
        smtp.start();
        String staff = "staff." + shortId() + "@shop.example";
        startWorker(config().with("ORDERFLOW_STAFF_EMAIL", staff));
        String orderId = "o-" + shortId();
        String customer = "ann." + shortId() + "@example.com";
        Events order = Events.order(orderId, customer);
        order.next(Transition.PLACE, OrderState.PENDING);

        OrderEvent outOfStock = failure(order, orderId + "-r1-rolled_back", Transition.CONFIRM,
                UpdateStatus.ROLLED_BACK, "out of stock: SKU-1");
        OrderEvent declined = failure(order, orderId + "-r2-rolled_back", Transition.PAY, UpdateStatus.ROLLED_BACK,
                "card declined");
        OrderEvent flagged = failure(order, orderId + "-r3-flagged", Transition.SHIP, UpdateStatus.FLAGGED,
                "no shipping label after 6 attempts; needs attention");
        OrderEvent held = failure(order, orderId + "-r4-held", Transition.SHIP, UpdateStatus.HELD, "carrier down");
        // The stall policy's next reservation fails too: a new event, the same step and version, no second mail.
        OrderEvent outOfStockAgain = failure(order, orderId + "-r5-rolled_back", Transition.CONFIRM,
                UpdateStatus.ROLLED_BACK, "out of stock: SKU-1");
        for (OrderEvent e : List.of(outOfStock, declined, flagged, held, outOfStockAgain, declined, flagged)) {
            publish(e);
        }

        await().atMost(WAIT).until(() -> smtp.inbox(customer).size() >= 3 && smtp.inbox(staff).size() >= 1);
        Map<String, MimeMessage> toCustomer = byMessageId(smtp.inbox(customer));
        String stockId = "<" + orderId + "-v1-confirm-rolled_back@orderflow>";
        String payId = "<" + orderId + "-v1-pay-rolled_back@orderflow>";
        assertThat(toCustomer).containsOnlyKeys(stockId, payId, "<" + orderId + "-r3-flagged@orderflow>");
        MimeMessage stock = toCustomer.get(stockId);
        assertMail(stock, customer, "A step of your order " + orderId + " did not go through");
        assertThat(text(stock)).contains("Reason: out of stock: SKU-1");
        assertThat(text(toCustomer.get(payId))).contains("(pay)",
                "Reason: card declined");
        assertMail(toCustomer.get("<" + orderId + "-r3-flagged@orderflow>"), customer,
                "Your order " + orderId + " needs a closer look");
        MimeMessage toStaff = smtp.inbox(staff).get(0);
        assertMail(toStaff, staff, "Flagged: order " + orderId + " needs attention (ship)");
        assertThat(text(toStaff)).contains("Why: no shipping label after 6 attempts");

        await().atMost(WAIT).until(() -> queue.counts().get(MailStatus.SENT) == 4);
        assertThat(smtp.received()).as("one mail per event and recipient; the hold, the retry and the redeliveries sent none")
                .hasSize(4);
    }

    private static OrderEvent failure(Events order, String eventId, Transition transition, UpdateStatus status,
                                      String reason) {
        return OrderEvent.newBuilder(order.request(Effect.RESERVE_STOCK, transition)).setEventId(eventId)
                .setBody(new TransitionUpdate(transition, status, reason)).build();
    }

    private static double connectionsOpened() {
        Counter opened = Metrics.globalRegistry.find("orderflow.mail.connections").counter();
        return opened == null ? 0 : opened.count();
    }

    @Test
    void whileSmtpIsDownEventsAreStillQueuedAndEachMailGoesOutOnceItIsBack() throws Exception {
        smtp.start();
        startWorker(config());
        Events a = Events.order("a-" + shortId(), "a." + shortId() + "@example.com");
        OrderEvent beforeOutage = a.next(Transition.PLACE, OrderState.PENDING);
        publish(beforeOutage);
        await().atMost(WAIT).until(() -> smtp.received().size() == 1);

        smtp.stop();
        List<OrderEvent> whileDown = new ArrayList<>(List.of(
                a.next(Transition.CONFIRM, OrderState.CONFIRMED),
                a.next(Transition.PAY, OrderState.PAID),
                a.tracking("TRK-7").next(Transition.SHIP, OrderState.SHIPPED)));
        for (int i = 0; i < 3; i++) {
            whileDown.add(Events.order("b" + i + "-" + shortId(), "b" + i + "@example.com")
                    .next(Transition.PLACE, OrderState.PENDING));
        }
        whileDown.forEach(this::publish);

        // Consumption goes on: every event is queued, and the senders keep trying (and failing) meanwhile.
        await().atMost(WAIT).until(() -> queue.list(MailStatus.QUEUED, null, 100).size() == whileDown.size());
        await().atMost(WAIT).until(() -> queue.list(MailStatus.QUEUED, null, 100).stream()
                .allMatch(m -> m.attempts() >= 2 && m.lastError() != null));
        assertThat(queue.list(MailStatus.QUEUED, null, 100).get(0).lastError()).contains("ConnectException");
        assertThat(smtp.received()).hasSize(1);
        assertThat(queue.counts()).containsEntry(MailStatus.DEAD, 0L);

        smtp.start();
        await().atMost(WAIT).until(() -> queue.counts().get(MailStatus.SENT) == 1 + whileDown.size());
        Thread.sleep(1000);  // anything sent twice would have shown up by now
        List<MimeMessage> received = smtp.received();
        assertThat(received).hasSize(1 + whileDown.size());
        Set<String> expected = new HashSet<>();
        expected.add("<" + beforeOutage.getEventId() + "@orderflow>");
        whileDown.forEach(e -> expected.add("<" + e.getEventId() + "@orderflow>"));
        assertThat(byMessageId(received).keySet()).isEqualTo(expected);
    }

    @Test
    void redeliveredEventsAndARestartedWorkerQueueAndSendNoMailTwice() throws Exception {
        smtp.start();
        Events order = Events.order("o-" + shortId(), "c." + shortId() + "@example.com");
        OrderEvent placed = order.next(Transition.PLACE, OrderState.PENDING);
        OrderEvent confirmed = order.next(Transition.CONFIRM, OrderState.CONFIRMED);
        OrderEvent paid = order.next(Transition.PAY, OrderState.PAID);
        OrderEvent shipped = order.tracking("TRK-9").next(Transition.SHIP, OrderState.SHIPPED);
        OrderEvent delivered = order.next(Transition.DELIVER, OrderState.DELIVERED);

        NotificationWorker first = startWorker(config());
        publish(placed);
        publish(confirmed);
        publish(confirmed);  // the same event twice, as after a producer retry
        publish(paid);
        await().atMost(WAIT).until(() -> smtp.received().size() >= 3);
        first.close();
        workers.remove(first);

        // As if the worker had crashed before committing any offset: everything comes again, plus a repeat and news.
        kafka.resetGroupToBeginning(group, events.name());
        publish(confirmed);
        publish(shipped);
        startWorker(config());
        await().atMost(WAIT).until(() -> smtp.received().size() >= 4);

        // Even a worker under a new consumer group, whose processed-message marks are not those of the old group,
        // reads everything again and queues nothing twice: the queue's unique event id holds.
        workers.forEach(NotificationWorker::close);
        workers.clear();
        startWorker(config().with("ORDERFLOW_NOTIFICATION_GROUP", TestKafka.uniqueGroup("notification-renamed")));
        publish(delivered);
        await().atMost(WAIT).until(() -> smtp.received().size() >= 5);
        Thread.sleep(1000);

        assertThat(smtp.received()).hasSize(5);
        assertThat(byMessageId(smtp.received())).hasSize(5);
        assertThat(queue.list(null, null, 100)).hasSize(5).allMatch(m -> m.status() == MailStatus.SENT)
                .allMatch(m -> m.attempts() == 1);
    }

    @Test
    void afterMaxAttemptsAMailIsDeadUntilAnOperatorRetriesIt() throws Exception {
        // SMTP is down from the start.
        Config config = config().with("ORDERFLOW_MAIL_MAX_ATTEMPTS", "3")
                .with("ORDERFLOW_MAIL_RETRY_MIN", "100ms").with("ORDERFLOW_MAIL_RETRY_MAX", "200ms");
        startWorker(config);
        Events order = Events.order("o-" + shortId(), "d." + shortId() + "@example.com");
        OrderEvent placed = order.next(Transition.PLACE, OrderState.PENDING);
        publish(placed);

        await().atMost(WAIT).until(() -> queue.findByEvent(placed.getEventId())
                .filter(m -> m.status() == MailStatus.DEAD).isPresent());
        QueuedMail dead = queue.findByEvent(placed.getEventId()).orElseThrow();
        assertThat(dead.attempts()).isEqualTo(3);
        assertThat(dead.lastError()).contains("ConnectException");

        Admin admin = new Admin(config);
        assertThat(admin.run("dead")).isZero();
        assertThat(admin.out()).contains(Long.toString(dead.id()), "dead", "3/3", order.orderId(),
                "last error: ", "ConnectException");
        assertThat(admin.run("list")).isZero();
        assertThat(admin.out()).contains("no mail");

        smtp.start();
        Thread.sleep(1000);
        assertThat(smtp.received()).as("a dead mail is not sent by itself").isEmpty();

        assertThat(admin.run("retry", Long.toString(dead.id()))).isZero();
        assertThat(admin.out()).contains("mail " + dead.id() + " queued again");
        await().atMost(WAIT).until(() -> smtp.received().size() == 1);
        assertThat(smtp.received().get(0).getMessageID()).isEqualTo("<" + placed.getEventId() + "@orderflow>");
        await().atMost(WAIT).until(() -> queue.find(dead.id()).orElseThrow().status() == MailStatus.SENT);

        assertThat(admin.run("retry", Long.toString(dead.id()))).isEqualTo(1);
        assertThat(admin.err()).contains("mail " + dead.id() + " is sent, not dead");
        assertThat(admin.run("retry", "987654321")).isEqualTo(1);
        assertThat(admin.err()).contains("no mail 987654321");
        assertThat(admin.run("counts")).isZero();
        assertThat(admin.out()).contains("queued 0, sent 1, dead 0");
        assertThat(admin.run("show", Long.toString(dead.id()))).isZero();
        assertThat(admin.out()).contains("message-id:   <" + placed.getEventId() + "@orderflow>", "29.99 EUR");
    }

    @Test
    void aMalformedRecipientIsDeadAtOnceWithoutHoldingUpOtherMail() throws Exception {
        smtp.start();
        startWorker(config());
        OrderEvent bad = Events.order("bad-" + shortId(), "not an address").next(Transition.PLACE, OrderState.PENDING);
        OrderEvent good = Events.order("good-" + shortId(), "e." + shortId() + "@example.com")
                .next(Transition.PLACE, OrderState.PENDING);
        publish(bad);
        publish(good);

        await().atMost(WAIT).until(() -> smtp.received().size() == 1
                && queue.findByEvent(bad.getEventId()).filter(m -> m.status() == MailStatus.DEAD).isPresent());
        assertThat(smtp.received().get(0).getMessageID()).isEqualTo("<" + good.getEventId() + "@orderflow>");
        QueuedMail dead = queue.findByEvent(bad.getEventId()).orElseThrow();
        assertThat(dead.attempts()).as("a permanent failure is not retried").isEqualTo(1);
        assertThat(dead.lastError()).contains("AddressException");

        Admin admin = new Admin(config());
        assertThat(admin.run("retry-all-dead")).isZero();
        assertThat(admin.out()).contains("1 dead mail queued again");
        await().atMost(WAIT).until(() -> queue.find(dead.id()).orElseThrow().status() == MailStatus.DEAD);
        assertThat(smtp.received()).hasSize(1);
    }

    @Test
    void severalWorkersClaimingAtOnceSendEachMailExactlyOnce() throws Exception {
        smtp.start();
        int orders = 60;
        // Queue everything first, so the senders below all start on a full queue and contend for every row.
        NotificationWorker queueOnly = startWorker(config().with("ORDERFLOW_MAIL_SENDERS", "0"));
        for (int i = 0; i < orders; i++) {
            publish(Events.order("m" + i + "-" + shortId(), "m" + i + "@example.com")
                    .next(Transition.PLACE, OrderState.PENDING));
        }
        await().atMost(WAIT).until(() -> queue.counts().get(MailStatus.QUEUED) == orders);
        queueOnly.close();
        workers.remove(queueOnly);

        Config senders = config().with("ORDERFLOW_MAIL_SENDERS", "3").with("ORDERFLOW_MAIL_BATCH_SIZE", "4");
        startWorker(senders);
        startWorker(senders);
        await().atMost(WAIT).until(() -> queue.counts().get(MailStatus.SENT) == orders);
        Thread.sleep(1000);

        assertThat(smtp.received()).hasSize(orders);
        assertThat(byMessageId(smtp.received())).hasSize(orders);
        assertThat(queue.list(MailStatus.SENT, null, 1000)).allMatch(m -> m.attempts() == 1);
    }

    @Test
    void mailClaimedByASenderThatDiedGoesOutOnceItsLeaseRunsOutWithTheSameMessageId() throws Exception {
        smtp.start();
        NotificationWorker queueOnly = startWorker(config().with("ORDERFLOW_MAIL_SENDERS", "0"));
        OrderEvent placed = Events.order("o-" + shortId(), "f." + shortId() + "@example.com")
                .next(Transition.PLACE, OrderState.PENDING);
        publish(placed);
        await().atMost(WAIT).until(() -> queue.findByEvent(placed.getEventId()).isPresent());
        queueOnly.close();
        workers.remove(queueOnly);

        // A sender claims the mail and dies before recording anything.
        List<QueuedMail> claimedByTheDead = queue.claim(10, Duration.ofMinutes(5));
        assertThat(claimedByTheDead).hasSize(1);
        startWorker(config());
        Thread.sleep(1000);
        assertThat(smtp.received()).as("nobody else sends a mail under a live claim").isEmpty();

        // The lease runs out (moved forward here rather than waited for).
        try (var c = db.connect(); var s = c.createStatement()) {
            s.executeUpdate("update mail_queue set next_attempt_at = now() - interval '1 second'");
        }
        await().atMost(WAIT).until(() -> smtp.received().size() == 1);
        assertThat(smtp.received().get(0).getMessageID()).isEqualTo("<" + placed.getEventId() + "@orderflow>");
        await().atMost(WAIT).until(() -> queue.findByEvent(placed.getEventId()).orElseThrow().status()
                == MailStatus.SENT);
        assertThat(queue.findByEvent(placed.getEventId()).orElseThrow().attempts()).isEqualTo(2);

        // Were the dead sender to come back and report a failure, its stale claim changes nothing.
        assertThat(queue.markFailed(claimedByTheDead.get(0), "late news", false, 10,
                new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1)))).isEmpty();
        assertThat(queue.findByEvent(placed.getEventId()).orElseThrow().status()).isEqualTo(MailStatus.SENT);
        Thread.sleep(500);
        assertThat(smtp.received()).hasSize(1);
    }

    @Test
    void theSmtpCredentialsFromConfigAreUsedAndAWrongPasswordIsRetriedNotLost() throws Exception {
        smtp.close();
        smtp = TestSmtp.withUser("mailer", "s3cret").start();
        Config wrong = config().with("ORDERFLOW_SMTP_USER", "mailer").with("ORDERFLOW_SMTP_PASSWORD", "wrong");
        NotificationWorker misconfigured = startWorker(wrong);
        OrderEvent placed = Events.order("o-" + shortId(), "g." + shortId() + "@example.com")
                .next(Transition.PLACE, OrderState.PENDING);
        publish(placed);

        await().atMost(WAIT).until(() -> queue.findByEvent(placed.getEventId())
                .filter(m -> m.lastError() != null).isPresent());
        assertThat(queue.findByEvent(placed.getEventId()).orElseThrow().lastError())
                .contains("AuthenticationFailedException");
        assertThat(queue.findByEvent(placed.getEventId()).orElseThrow().status()).isEqualTo(MailStatus.QUEUED);
        assertThat(smtp.received()).isEmpty();

        // Ops fix the password and restart the worker: the queued mail goes out.
        misconfigured.close();
        workers.remove(misconfigured);
        startWorker(wrong.with("ORDERFLOW_SMTP_PASSWORD", "s3cret"));
        await().atMost(WAIT).until(() -> smtp.received().size() == 1);
        assertThat(smtp.received().get(0).getMessageID()).isEqualTo("<" + placed.getEventId() + "@orderflow>");
    }

    // ---------------------------------------------------------------- helpers

    private Config config() {
        return smtp.configure(db.config())
                .with("ORDERFLOW_NOTIFICATION_GROUP", group)
                .with("ORDERFLOW_TRACKING_BASE_URL", "http://track.test/t/")
                .with("ORDERFLOW_MAIL_POLL_INTERVAL", "100ms")
                .with("ORDERFLOW_MAIL_RETRY_MIN", "200ms")
                .with("ORDERFLOW_MAIL_RETRY_MAX", "1s")
                .with("ORDERFLOW_MAIL_MAX_ATTEMPTS", "1000")
                .with("ORDERFLOW_SMTP_TIMEOUT", "5s")
                .with("ORDERFLOW_DB_POOL_SIZE", "4");
    }

    private NotificationWorker startWorker(Config config) {
        NotificationWorker worker = NotificationWorker.start(config, events);
        workers.add(worker);
        return worker;
    }

    private void publish(OrderEvent event) {
        kafka.send(events, event.getOrderId(), event);
    }

    private static void assertMail(MimeMessage mail, String to, String subject) throws Exception {
        assertThat(mail).as("mail '%s'", subject).isNotNull();
        assertThat(mail.getSubject()).isEqualTo(subject);
        assertThat(mail.getRecipients(Message.RecipientType.TO)).extracting(a -> ((InternetAddress) a).getAddress())
                .containsExactly(to);
        assertThat(((InternetAddress) mail.getFrom()[0]).getAddress()).isEqualTo("orders@orderflow.local");
        assertThat(mail.getHeader("Auto-Submitted", null)).isEqualTo("auto-generated");
        assertThat(mail.getContentType()).startsWith("multipart/alternative");
        // Items and the exact total, in both parts.
        for (String body : List.of(text(mail), html(mail))) {
            assertThat(body).contains("SKU-1", "25.00 EUR", "SKU-2", "4.99 EUR", "29.99 EUR");
        }
    }

    private static String text(MimeMessage mail) throws MessagingException, IOException {
        return part(mail, "text/plain");
    }

    private static String html(MimeMessage mail) throws MessagingException, IOException {
        return part(mail, "text/html");
    }

    private static String part(MimeMessage mail, String type) throws MessagingException, IOException {
        Multipart parts = (Multipart) mail.getContent();
        for (int i = 0; i < parts.getCount(); i++) {
            if (parts.getBodyPart(i).isMimeType(type)) {
                return (String) parts.getBodyPart(i).getContent();
            }
        }
        throw new AssertionError("no " + type + " part in " + mail.getSubject());
    }

    private static Map<String, MimeMessage> byMessageId(List<MimeMessage> mails) {
        return mails.stream().collect(Collectors.toMap(NotificationWorkerIntegrationTest::messageId,
                Function.identity(), (x, y) -> {
                    throw new AssertionError("two mails with Message-ID " + messageId(x));
                }));
    }

    private static String messageId(MimeMessage mail) {
        try {
            return mail.getMessageID();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** Runs mail-admin commands against the test's schema, capturing what they print. */
    private final class Admin {
        private final NotificationSettings settings;
        private StringWriter out;
        private StringWriter err;

        Admin(Config config) {
            this.settings = NotificationSettings.from(config);
        }

        int run(String... args) {
            out = new StringWriter();
            err = new StringWriter();
            CommandLine cli = MailAdmin.commandLine(queue, settings);
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            return cli.execute(args);
        }

        String out() {
            return out.toString();
        }

        String err() {
            return err.toString();
        }
    }
}
