package io.orderflow.sandbox;

import io.javalin.Javalin;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the sandbox payment gateway and carrier: local stand-ins for the outside world that speak HTTP like real
 * providers (idempotency keys, webhooks) and misbehave on request (fault injection).
 */
public final class SandboxMain {
    private static final Logger log = LoggerFactory.getLogger(SandboxMain.class);

    private SandboxMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Sandbox sandbox = start(SandboxConfig.fromEnv(System.getenv()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("sandbox stopping");
            sandbox.close();
            stopped.countDown();
        }, "sandbox-shutdown"));
        stopped.await();
    }

    /** Starts both servers on the configured ports (0 = any free port); read the real ones from the result. */
    public static Sandbox start(SandboxConfig config) {
        FaultInjector gatewayFaults = new FaultInjector("gateway");
        IdempotencyStore gatewayKeys = new IdempotencyStore();
        PaymentLedger ledger = new PaymentLedger();
        Runnable resetGateway = () -> {
            gatewayFaults.clear();
            gatewayKeys.clear();
            ledger.clear();
        };

        FaultInjector carrierFaults = new FaultInjector("carrier");
        IdempotencyStore carrierKeys = new IdempotencyStore();
        WebhookDispatcher webhooks = new WebhookDispatcher(config.webhookRetryInitialMs(),
                config.webhookRetryMaxMs(), config.webhookMaxAttempts(), config.webhookTimeoutMs(), config.webhookSecret());
        config.webhookUrls().forEach(url -> webhooks.register(url, true));
        CarrierLabels labels = new CarrierLabels(webhooks, config.inTransitAfterMs(), config.deliveredAfterMs());
        Runnable resetCarrier = () -> {
            carrierFaults.clear();
            carrierKeys.clear();
            labels.clear();
            webhooks.reset();
        };

        GatewayRoutes gatewayRoutes = new GatewayRoutes(ledger, gatewayKeys);
        CarrierRoutes carrierRoutes = new CarrierRoutes(labels, webhooks, carrierKeys);
        Javalin gateway = SandboxServer.create("gateway", gatewayFaults, resetGateway, gatewayRoutes::register);
        Javalin carrier = SandboxServer.create("carrier", carrierFaults, resetCarrier, carrierRoutes::register);

        gateway.start(config.host(), config.gatewayPort());
        try {
            carrier.start(config.host(), config.carrierPort());
        } catch (RuntimeException e) {
            gateway.stop();
            labels.close();
            webhooks.close();
            throw e;
        }
        Sandbox sandbox = new Sandbox(config.host(), gateway, carrier, () -> {
            resetGateway.run();
            resetCarrier.run();
        }, labels, webhooks);
        log.info("sandbox payment gateway on {}, carrier on {} (in transit after {} ms, delivered after {} ms,"
                        + " webhooks {})", sandbox.gatewayUri(), sandbox.carrierUri(), config.inTransitAfterMs(),
                config.deliveredAfterMs(), config.webhookUrls());
        return sandbox;
    }
}
