package io.orderflow.payment;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.Metrics;
import io.orderflow.common.config.Config;
import io.orderflow.common.http.RemoteCallException;
import io.orderflow.payment.gateway.GatewayHttpClient;
import io.orderflow.payment.gateway.PaymentGateway;
import java.net.URI;
import java.time.Duration;

/**
 * The payment worker's settings, from {@code ORDERFLOW_GATEWAY_*} and {@code ORDERFLOW_PAYMENT_*} (see the module
 * README); defaults suit a local run against the sandbox gateway.
 *
 * @param retryAttempts     tries per gateway call (the first included) before the request is put back for later
 * @param retryBackoff      wait before the second try; doubles for each further one
 * @param breakerWindow     the breaker judges the failure rate over this many recent calls ...
 * @param breakerMinCalls   ... once at least this many were made
 * @param breakerOpenFor    how long an open breaker refuses calls before letting a few through to probe
 * @param resumeInterval    how long a request that could not get through waits before it is tried again
 * @param pollInterval      how often the scheduler looks for due requests when nothing woke it
 * @param claimLease        how long a worker thread owns a request it is working on; a crashed worker's requests
 *                          are taken over after that, so it must exceed the longest series of gateway calls
 * @param threads           worker threads performing requests (one order's requests are still done one at a time)
 * @param batchSize         requests one thread claims at once
 */
public record PaymentSettings(URI gatewayUrl, Duration connectTimeout, Duration requestTimeout,
                              int retryAttempts, Duration retryBackoff,
                              int breakerWindow, int breakerMinCalls, float breakerFailureRate, Duration breakerOpenFor,
                              Duration resumeInterval, Duration pollInterval, Duration claimLease, int threads,
                              int batchSize) {

    public PaymentSettings {
        if (retryAttempts < 1 || threads < 1 || breakerWindow < 1 || breakerMinCalls < 1 || batchSize < 1) {
            throw new IllegalArgumentException("ORDERFLOW_PAYMENT_RETRY_ATTEMPTS, _THREADS, _BREAKER_WINDOW, "
                    + "_BREAKER_MIN_CALLS and _BATCH_SIZE must be at least 1");
        }
        if (breakerFailureRate <= 0 || breakerFailureRate > 100) {
            throw new IllegalArgumentException("ORDERFLOW_PAYMENT_BREAKER_FAILURE_RATE must be a percentage in (0, 100]");
        }
    }

    public static PaymentSettings from(Config config) {
        return new PaymentSettings(
                URI.create(config.get("ORDERFLOW_GATEWAY_URL", "http://127.0.0.1:8091")),
                config.getDuration("ORDERFLOW_GATEWAY_CONNECT_TIMEOUT", Duration.ofSeconds(2)),
                config.getDuration("ORDERFLOW_GATEWAY_REQUEST_TIMEOUT", Duration.ofSeconds(5)),
                config.getInt("ORDERFLOW_PAYMENT_RETRY_ATTEMPTS", 3),
                config.getDuration("ORDERFLOW_PAYMENT_RETRY_BACKOFF", Duration.ofMillis(200)),
                config.getInt("ORDERFLOW_PAYMENT_BREAKER_WINDOW", 10),
                config.getInt("ORDERFLOW_PAYMENT_BREAKER_MIN_CALLS", 5),
                config.getInt("ORDERFLOW_PAYMENT_BREAKER_FAILURE_RATE", 50),
                config.getDuration("ORDERFLOW_PAYMENT_BREAKER_OPEN_FOR", Duration.ofSeconds(30)),
                config.getDuration("ORDERFLOW_PAYMENT_RESUME_INTERVAL", Duration.ofSeconds(5)),
                config.getDuration("ORDERFLOW_PAYMENT_POLL_INTERVAL", Duration.ofSeconds(1)),
                config.getDuration("ORDERFLOW_PAYMENT_CLAIM_LEASE", Duration.ofMinutes(2)),
                config.getInt("ORDERFLOW_PAYMENT_THREADS", 4),
                config.getInt("ORDERFLOW_PAYMENT_BATCH_SIZE", 10));
    }

    public PaymentGateway gateway() {
        GatewayHttpClient http = new GatewayHttpClient(gatewayUrl, connectTimeout, requestTimeout);
        Retry retry = Retry.of("payment-gateway", RetryConfig.custom()
                .maxAttempts(retryAttempts)
                .intervalFunction(IntervalFunction.ofExponentialBackoff(retryBackoff, 2.0))
                // Only "could not get an answer": a refusal is an answer, and an open circuit must not be hammered.
                .retryOnException(e -> e instanceof RemoteCallException.Unavailable)
                .failAfterMaxAttempts(false)
                .build());
        // In a registry of its own so that resilience4j's Micrometer binding shows its state on /metrics.
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
        CircuitBreaker breaker = breakers.circuitBreaker("payment-gateway", CircuitBreakerConfig.custom()
                .slidingWindow(breakerWindow, breakerMinCalls, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .failureRateThreshold(breakerFailureRate)
                .waitDurationInOpenState(breakerOpenFor)
                .permittedNumberOfCallsInHalfOpenState(1)
                // Requests held while the circuit is open wait for HALF_OPEN before they call again.
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                // Refusals (4xx, declines) prove the gateway is up: they count as successes.
                .recordException(e -> e instanceof RemoteCallException.Unavailable)
                .build());
        // A worker started again in one JVM (tests) has a new breaker: its gauges replace the former one's, which would
        // otherwise keep reporting a breaker nobody uses, and NaN once it has been collected.
        Metrics.globalRegistry.getMeters().stream()
                .filter(m -> m.getId().getName().startsWith("resilience4j.circuitbreaker")
                        && breaker.getName().equals(m.getId().getTag("name")))
                .toList().forEach(Metrics.globalRegistry::remove);
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(Metrics.globalRegistry);
        return new PaymentGateway(http, retry, breaker);
    }
}
