package io.orderflow.payment;

import io.orderflow.common.app.Readiness;
import io.orderflow.common.config.Config;
import io.orderflow.common.worker.EffectWorker;
import io.orderflow.payment.gateway.PaymentGateway;
import io.orderflow.schema.Effect;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/**
 * The payment worker: takes CAPTURE_PAYMENT, VOID_PAYMENT and REFUND_PAYMENT requests from payment.requests into its
 * payments table ({@link PaymentRequests}), performs them against the gateway ({@link PaymentScheduler}), and publishes
 * the outcomes on payment.events through its outbox.
 */
public final class PaymentWorker implements AutoCloseable, Readiness {
    public static final String NAME = "payment";
    static final Set<Effect> EFFECTS = Set.of(Effect.CAPTURE_PAYMENT, Effect.VOID_PAYMENT, Effect.REFUND_PAYMENT);

    private final EffectWorker worker;
    private final PaymentScheduler scheduler;
    private final PaymentGateway gateway;

    private PaymentWorker(EffectWorker worker, PaymentScheduler scheduler, PaymentGateway gateway) {
        this.worker = worker;
        this.scheduler = scheduler;
        this.gateway = gateway;
    }

    public static PaymentWorker start(Config config) {
        return start(config, Clock.systemUTC());
    }

    public static PaymentWorker start(Config config, Clock clock) {
        PaymentSettings settings = PaymentSettings.from(config);
        PaymentGateway gateway = settings.gateway();
        PaymentOutcomes outcomes = new PaymentOutcomes();
        // The consumer may commit requests before the scheduler exists; those are found by its first look.
        Wakeup wakeup = new Wakeup();
        EffectWorker worker = EffectWorker.start(config, NAME, EFFECTS,
                new PaymentRequests(outcomes, wakeup::wake, clock), "classpath:db/payment");
        PaymentScheduler scheduler;
        try {
            scheduler = new PaymentScheduler(worker, new PaymentOperations(gateway), gateway, outcomes, settings,
                    clock);
            wakeup.target = scheduler;
            scheduler.start();
        } catch (RuntimeException e) {
            worker.close();
            throw e;
        }
        return new PaymentWorker(worker, scheduler, gateway);
    }

    public boolean isRunning() {
        return worker.isRunning() && scheduler.isRunning();
    }

    @Override
    public Optional<String> unready() {
        return Readiness.running(isRunning());
    }

    /** The gateway client with its breaker, e.g. for health: {@code gateway().isCircuitOpen()}. */
    public PaymentGateway gateway() {
        return gateway;
    }

    /** Stops performing (requests in hand are finished), then stops consuming and publishing. */
    @Override
    public void close() {
        scheduler.close();
        worker.close();
    }

    private static final class Wakeup {
        volatile PaymentScheduler target;

        void wake() {
            PaymentScheduler scheduler = target;
            if (scheduler != null) {
                scheduler.wake();
            }
        }
    }
}
