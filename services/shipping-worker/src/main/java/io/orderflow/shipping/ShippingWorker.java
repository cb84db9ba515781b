package io.orderflow.shipping;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.orderflow.common.app.Backoff;
import io.orderflow.common.app.Pause;
import io.orderflow.common.app.Readiness;
import io.orderflow.common.config.Config;
import io.orderflow.common.http.RemoteCallException;
import io.orderflow.common.work.DueWorkRunner;
import io.orderflow.common.worker.EffectWorker;
import io.orderflow.schema.Effect;
import io.orderflow.shipping.carrier.CarrierClient;
import io.orderflow.shipping.tracking.TrackingUpdates;
import io.orderflow.shipping.tracking.TrackingWebhookServer;
import io.orderflow.shipping.tracking.WebhookSignature;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shipping worker, wired: the {@link EffectWorker} frame (schema {@code shipping}, outbox to
 * {@code shipping.events}, consumer of CREATE_LABEL / VOID_LABEL requests) around {@link LabelService}; scheduler
 * threads (a {@link DueWorkRunner}) that perform recorded requests when they are due; a thread that keeps the worker
 * subscribed to the carrier's webhooks; and the tracking webhook endpoint.
 */
public final class ShippingWorker implements AutoCloseable, Readiness {
    public static final String NAME = "shipping";
    public static final Set<Effect> EFFECTS = Set.of(Effect.CREATE_LABEL, Effect.VOID_LABEL);
    static final String MIGRATIONS = "classpath:db/shipping";

    private static final Logger log = LoggerFactory.getLogger(ShippingWorker.class);
    /** Subscriptions are idempotent at the carrier; renewing them now and then survives a carrier that forgot us. */
    private static final Duration SUBSCRIPTION_RENEWAL = Duration.ofMinutes(5);
    private static final Duration MAX_SUBSCRIBE_BACKOFF = Duration.ofMinutes(1);
    /** How often the scheduler's sleep looks whether the worker is closing. */
    private static final Duration SLEEP_SLICE = Duration.ofMillis(100);

    private final ShippingSettings settings;
    private final EffectWorker frame;
    private final CarrierClient carrier;
    private final LabelService labels;
    private final TrackingWebhookServer webhooks;
    private final String webhookUrl;
    private final DueWorkRunner<LabelRequestRow> scheduler;
    private final Thread subscriber;
    private volatile boolean closing;
    private volatile boolean subscribed;

    private ShippingWorker(ShippingSettings settings, EffectWorker frame, CarrierClient carrier, LabelService labels,
                           TrackingWebhookServer webhooks, DueWorkRunner<LabelRequestRow> scheduler) {
        this.settings = settings;
        this.frame = frame;
        this.carrier = carrier;
        this.labels = labels;
        this.webhooks = webhooks;
        this.webhookUrl = settings.webhookUrl() != null ? settings.webhookUrl()
                : "http://" + reachableHost(settings.webhookHost()) + ":" + webhooks.port() + TrackingWebhookServer.PATH;
        this.scheduler = scheduler;
        this.subscriber = new Thread(this::keepSubscribed, "shipping-webhook-subscriber");
        this.subscriber.setDaemon(true);
    }

    public static ShippingWorker start(Config config) {
        return start(config, Clock.systemUTC());
    }

    /** @param clock all business time (hours, retry times, circuit breaker): tests move it instead of sleeping */
    public static ShippingWorker start(Config config, Clock clock) {
        ShippingSettings settings = ShippingSettings.from(config);
        // The carrier signs by its wall clock, not our business time; without a secret the worker does not start.
        WebhookSignature signatures = WebhookSignature.from(config, Clock.systemUTC());
        CarrierClient carrier = new CarrierClient(settings, clock);
        // The frame needs the handler before it exists; outcomes published outside a request wait for it.
        CompletableFuture<EffectWorker> frameRef = new CompletableFuture<>();
        LabelService.Publisher publisher = (handle, outcome) -> frameRef.join().publish(handle, outcome);
        AtomicReference<DueWorkRunner<LabelRequestRow>> schedulerRef = new AtomicReference<>();
        LabelService labels = new LabelService(carrier, settings, clock, publisher, () -> {
            DueWorkRunner<LabelRequestRow> scheduler = schedulerRef.get();
            if (scheduler != null) {
                scheduler.wake();  // requests recorded before it started are found by its first look
            }
        });
        EffectWorker frame = EffectWorker.start(config, NAME, EFFECTS, labels::onRequest, MIGRATIONS);
        frameRef.complete(frame);
        ShippingWorker worker;
        DueWorkRunner<LabelRequestRow> scheduler = null;
        try {
            Jdbi jdbi = frame.database().jdbi();
            scheduler = DueWorkRunner.builder("shipping-scheduler", new DueWorkRunner.Queue<LabelRequestRow>() {
                        @Override
                        public List<LabelRequestRow> claim(int limit) {
                            return jdbi.inTransaction(h -> labels.claimDue(h, limit, settings.claimLease()));
                        }

                        @Override
                        public String orderId(LabelRequestRow request) {
                            return request.orderId();
                        }

                        @Override
                        public void perform(LabelRequestRow request) {
                            jdbi.useTransaction(h -> labels.attemptClaimed(h, request));
                        }

                        @Override
                        public void release(LabelRequestRow request) {
                            jdbi.useHandle(h -> labels.release(h, request));
                        }
                    })
                    .threads(settings.schedulerThreads())
                    .batchSize(settings.schedulerBatchSize())
                    .pollInterval(settings.schedulerInterval())
                    .wakeOnNotify(frame.database(), "label_requests")
                    .start();
            schedulerRef.set(scheduler);
            TrackingUpdates tracking = new TrackingUpdates(publisher, settings.unknownShipmentGrace());
            CompletableFuture<ShippingWorker> self = new CompletableFuture<>();
            TrackingWebhookServer webhooks = TrackingWebhookServer.start(settings.webhookHost(), settings.webhookPort(),
                    frame.database().jdbi(), tracking, signatures, () -> self.join().health());
            worker = new ShippingWorker(settings, frame, carrier, labels, webhooks, scheduler);
            self.complete(worker);
        } catch (RuntimeException e) {
            if (scheduler != null) {
                scheduler.close();
            }
            frame.close();
            throw e;
        }
        worker.subscriber.start();
        log.info("shipping worker: carrier {}, tracking webhooks at {}", settings.carrierUrl(), worker.webhookUrl);
        return worker;
    }

    /** The URL the carrier pushes tracking events to. */
    public String webhookUrl() {
        return webhookUrl;
    }

    public int webhookPort() {
        return webhooks.port();
    }

    public CircuitBreaker.State carrierCircuit() {
        return carrier.circuitState();
    }

    public boolean isRunning() {
        return frame.isRunning() && scheduler.isRunning() && subscriber.isAlive() && !closing;
    }

    @Override
    public Optional<String> unready() {
        return Readiness.running(isRunning());
    }

    Map<String, Object> health() {
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("status", isRunning() ? "ok" : "down");
        health.put("carrierCircuit", carrier.circuitState().name());
        health.put("webhookUrl", webhookUrl);
        health.put("subscribedToCarrier", subscribed);
        return health;
    }

    @Override
    public void close() {
        closing = true;
        Pause.awaitExit(subscriber, Duration.ofSeconds(60));
        scheduler.close();
        webhooks.close();
        frame.close();
    }

    /** Subscribes to the carrier's tracking webhooks, and renews the subscription now and then. */
    private void keepSubscribed() {
        Backoff subscribeBackoff = new Backoff(settings.schedulerInterval(), MAX_SUBSCRIBE_BACKOFF);
        int subscribeFailures = 0;  // in a row
        while (!closing) {
            Duration wait;
            try {
                carrier.subscribe(webhookUrl);
                if (!subscribed) {
                    log.info("subscribed {} to the carrier's tracking webhooks", webhookUrl);
                }
                subscribed = true;
                subscribeFailures = 0;
                wait = SUBSCRIPTION_RENEWAL;
            } catch (RemoteCallException e) {
                wait = subscribeBackoff.after(++subscribeFailures);
                log.warn("cannot subscribe {} to the carrier's tracking webhooks ({}); trying again in {} ms",
                        webhookUrl, e.getMessage(), wait.toMillis());
            }
            Pause.sleep(wait, SLEEP_SLICE, () -> closing);
        }
    }

    private static String reachableHost(String bindHost) {
        return "0.0.0.0".equals(bindHost) || "::".equals(bindHost) ? "127.0.0.1" : bindHost;
    }
}
