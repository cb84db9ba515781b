package io.orderflow.payment;

import io.orderflow.common.app.Backoff;
import io.orderflow.common.app.Pause;
import io.orderflow.common.db.TransientErrors;
import io.orderflow.common.work.DueWorkRunner;
import io.orderflow.common.worker.EffectWorker;
import io.orderflow.payment.gateway.PaymentGateway;
import io.orderflow.payment.store.Payment;
import io.orderflow.payment.store.PaymentDao;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Performs the pending payment requests on the shared {@link DueWorkRunner}: new ones as soon as the consumer commits
 * them, held ones again every {@code resumeInterval} until the gateway answers, and those of a crashed worker once
 * their claim expires.
 *
 * <p>Why no double charge, and why the gateway is called outside any database transaction: a worker thread claims a
 * row in a short transaction (a lease, so other threads and workers leave it alone), calls the gateway with no
 * transaction open, then stores the result and its outcome (outbox) in a second short transaction, conditional on
 * the row still being pending. If it dies in between, the row's claim expires and the request is performed again;
 * its Idempotency-Keys are derived from the request id, so the gateway replays what it already did instead of
 * charging again. The gateway's idempotency, not the lease, is what makes a repeat safe; the lease only keeps repeats
 * rare. One order's requests are performed one at a time in arrival order, so a void always sees the settled capture.
 */
final class PaymentScheduler implements DueWorkRunner.Queue<PaymentScheduler.Claim>, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PaymentScheduler.class);
    /** Between attempts to store a result the gateway already gave. */
    private static final Backoff STORE_BACKOFF = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5));

    private final Jdbi jdbi;
    private final EffectWorker worker;
    private final PaymentOperations operations;
    private final PaymentGateway gateway;
    private final PaymentOutcomes outcomes;
    private final PaymentSettings settings;
    private final Clock clock;
    private DueWorkRunner<Claim> runner;
    private volatile boolean closing;

    PaymentScheduler(EffectWorker worker, PaymentOperations operations, PaymentGateway gateway,
                     PaymentOutcomes outcomes, PaymentSettings settings, Clock clock) {
        this.jdbi = worker.database().jdbi();
        this.worker = worker;
        this.operations = operations;
        this.gateway = gateway;
        this.outcomes = outcomes;
        this.settings = settings;
        this.clock = clock;
    }

    void start() {
        runner = DueWorkRunner.builder("payment-scheduler", this)
                .threads(settings.threads())
                .batchSize(settings.batchSize())
                .pollInterval(settings.pollInterval())
                .backoff(Duration.ofMillis(200), Duration.ofSeconds(5))
                .wakeOnNotify(worker.database(), "payments")
                .start();
    }

    /** New work may be due: look now rather than at the next poll. */
    void wake() {
        if (runner != null) {
            runner.wake();
        }
    }

    boolean isRunning() {
        return !closing && runner != null && runner.isRunning();
    }

    /** Lets each thread finish the request in hand (its gateway calls are bounded by the timeouts), then stops. */
    @Override
    public void close() {
        closing = true;
        if (runner != null) {
            runner.close();
        }
    }

    /**
     * Claims due requests with a lease. Counted as an attempt (committed before any call) unless no call will be
     * made: "0 attempts" must stay proof that the gateway never heard of a capture, so that a void may simply cancel
     * it.
     */
    @Override
    public List<Claim> claim(int limit) {
        boolean mayCall = !gateway.isCircuitOpen();
        return jdbi.withExtension(PaymentDao.class, payments -> payments.claimDue(limit, seconds(settings.claimLease()),
                        mayCall ? 1 : 0)).stream()
                .sorted(Comparator.comparingLong(Payment::seq))
                .map(payment -> new Claim(payment, mayCall))
                .toList();
    }

    @Override
    public void release(Claim claim) {
        jdbi.useExtension(PaymentDao.class, payments -> payments.unclaim(claim.payment().requestId(),
                claim.mayCall() ? 1 : 0));
    }

    /** A claimed request, and whether this claim may call the gateway. */
    record Claim(Payment payment, boolean mayCall) {
        @Override
        public String toString() {
            return payment.kind() + " " + payment.requestId() + " of order " + payment.orderId();
        }
    }

    @Override
    public String orderId(Claim claim) {
        return claim.payment().orderId();
    }

    @Override
    public void perform(Claim claim) {
        Payment payment = claim.payment();
        PaymentOperations.Result result;
        try {
            result = switch (payment.kind()) {
                case CAPTURE -> operations.capture(payment, claim.mayCall(), () -> cancelledBy(payment.requestId()));
                // Every earlier request of the order is final (the claim saw to it): read them now.
                case VOID, REFUND -> operations.undo(payment, claim.mayCall(),
                        jdbi.withExtension(PaymentDao.class, payments -> payments.forOrder(payment.orderId())));
            };
        } catch (RuntimeException e) {
            // A bug or bad data, not the gateway: no HELD (nothing outside is down), just try again later.
            log.error("request {} for order {} failed unexpectedly; it stays pending", payment.requestId(),
                    payment.orderId(), e);
            storeWithRetries(payment, () -> jdbi.useExtension(PaymentDao.class, payments -> payments.postpone(
                    payment.requestId(), seconds(settings.resumeInterval()), "unexpected error: " + e)));
            return;
        }
        PaymentOperations.Result finished = result;
        storeWithRetries(payment, () -> {
            if (finished instanceof PaymentOperations.Done done) {
                complete(payment, done);
            } else {
                postpone(payment, (PaymentOperations.NotNow) finished);
            }
        });
        wake();  // the order's next request, if any, is due now
    }

    /**
     * Stores a result, retrying while the database is briefly away: the gateway's answer is in hand and need not be
     * fetched again. Past the claim (or on a lasting error) it gives up; the row is then performed again later, which
     * the Idempotency-Keys make harmless.
     */
    private void storeWithRetries(Payment payment, Runnable store) {
        long giveUpAt = System.nanoTime() + settings.claimLease().toNanos();
        int failures = 0;
        while (true) {
            try {
                store.run();
                return;
            } catch (RuntimeException e) {
                Duration backoff = STORE_BACKOFF.after(++failures);
                if (!TransientErrors.isTransient(e) || closing || System.nanoTime() + backoff.toNanos() > giveUpAt) {
                    throw e;
                }
                log.warn("storing the result of {} failed ({}); retrying in {} ms", payment.requestId(), e.toString(),
                        backoff.toMillis());
                pause(backoff);
            }
        }
    }

    private Optional<String> cancelledBy(String requestId) {
        return jdbi.withExtension(PaymentDao.class, payments -> payments.cancelledBy(requestId));
    }

    private void complete(Payment payment, PaymentOperations.Done done) {
        jdbi.useTransaction(handle -> {
            PaymentDao payments = handle.attach(PaymentDao.class);
            if (!payments.complete(payment.requestId(), done.status(), done.reason(), done.authorizationId(),
                    done.chargeId(), done.refundId(), done.amountMinor(), done.currency())) {
                log.info("request {} was completed by another worker meanwhile", payment.requestId());
                return;
            }
            done.undone().forEach(capture -> payments.markUndone(capture, payment.requestId()));
            Payment completed = payments.find(payment.requestId()).orElseThrow();
            worker.publish(handle, outcomes.finalOutcome(completed, clock.instant()));
        });
        log.info("{} {} for order {}: {}{}", payment.kind(), payment.requestId(), payment.orderId(), done.status(),
                done.reason() == null ? "" : " (" + done.reason() + ")");
    }

    private void postpone(Payment payment, PaymentOperations.NotNow notNow) {
        String reason = notNow.circuitOpen() ? PaymentOperations.CIRCUIT_OPEN
                : "payment gateway unavailable (" + notNow.reason() + ")";
        boolean held = jdbi.inTransaction(handle -> {
            PaymentDao payments = handle.attach(PaymentDao.class);
            payments.postpone(payment.requestId(), seconds(settings.resumeInterval()), notNow.reason());
            // HELD once per request: the engine keeps the transition in flight and waits for the final answer.
            boolean first = payments.markHeld(payment.requestId());
            if (first) {
                worker.publish(handle, outcomes.held(payment, reason + "; will retry", clock.instant()));
            }
            // The order's later requests wait behind this one, so they are held for the same reason.
            for (Payment waiting : payments.waitingBehind(payment.orderId(), payment.seq())) {
                if (payments.markHeld(waiting.requestId())) {
                    worker.publish(handle, outcomes.held(waiting, reason + "; will retry after "
                            + payment.requestId(), clock.instant()));
                }
            }
            return first;
        });
        if (held) {
            log.info("{} {} for order {} held: {}", payment.kind(), payment.requestId(), payment.orderId(),
                    notNow.reason());
        } else {
            log.debug("{} {} for order {} postponed again: {}", payment.kind(), payment.requestId(),
                    payment.orderId(), notNow.reason());
        }
    }

    private void pause(Duration duration) {
        if (!Pause.sleep(duration, Duration.ofMillis(100), () -> closing)) {
            closing = true;  // interrupted: stop as if closed
        }
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }
}
