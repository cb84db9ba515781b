package io.orderflow.shipping;

import io.orderflow.common.config.Config;
import io.orderflow.domain.BusinessHours;
import java.net.URI;
import java.time.Duration;

/**
 * The shipping worker's settings, read once from {@link Config} (environment variables with local defaults).
 *
 * @param carrierUrl          the carrier's base URL ({@code ORDERFLOW_CARRIER_URL})
 * @param carrierTimeout      how long one carrier call may take before it counts as failed
 * @param carrierAttempts     tries per carrier call on network errors and 5xx, backing off from {@code carrierBackoff}
 * @param circuitMinimumCalls carrier operations (each with its retries) the circuit breaker needs to see before it may
 *                            open; half of the last ten failing opens it
 * @param circuitOpenFor      how long an open circuit refuses calls before it lets one through to test the carrier
 * @param retryInterval       first delay before a request held by carrier trouble is tried again; doubles per try
 * @param maxRetryInterval    cap of that delay
 * @param schedulerInterval   how often the scheduler looks for held requests that are due (new ones wake it at once)
 * @param schedulerThreads    scheduler threads calling the carrier at once ({@code ORDERFLOW_SHIPPING_THREADS})
 * @param schedulerBatchSize  requests one scheduler thread claims at once ({@code ORDERFLOW_SHIPPING_BATCH_SIZE})
 * @param claimLease          how long a claimed request is a scheduler thread's; after that (it died) another takes it
 *                            over, so it must exceed one carrier operation with all its retries
 * @param webhookHost         interface the tracking webhook endpoint binds to
 * @param webhookPort         its port ({@code ORDERFLOW_SHIPPING_WEBHOOK_PORT}, 0 = any free port)
 * @param webhookUrl          the URL registered with the carrier; null = {@code http://<host>:<port>/carrier/webhooks}
 * @param unknownShipmentGrace how long a tracking event for a label this worker has not recorded yet is refused (so
 *                            the carrier redelivers it after the label's transaction commits) before it is accepted
 * @param defaultCountry      country of a shipping address that names none (ISO 3166 alpha-2)
 */
public record ShippingSettings(BusinessHours businessHours, URI carrierUrl, Duration carrierTimeout, int carrierAttempts,
                               Duration carrierBackoff, int circuitMinimumCalls, Duration circuitOpenFor,
                               Duration retryInterval, Duration maxRetryInterval, Duration schedulerInterval,
                               int schedulerThreads, int schedulerBatchSize, Duration claimLease,
                               String webhookHost, int webhookPort, String webhookUrl, Duration unknownShipmentGrace,
                               String defaultCountry) {

    public static ShippingSettings from(Config config) {
        return new ShippingSettings(
                BusinessHours.fromSettings(config.get("ORDERFLOW_BUSINESS_HOURS", "always"),
                        config.get("ORDERFLOW_TIMEZONE", "UTC"), config.get("ORDERFLOW_HOLIDAYS", "")),
                URI.create(stripTrailingSlash(config.get("ORDERFLOW_CARRIER_URL", "http://127.0.0.1:8092"))),
                config.getDuration("ORDERFLOW_SHIPPING_CARRIER_TIMEOUT", Duration.ofSeconds(5)),
                config.getInt("ORDERFLOW_SHIPPING_CARRIER_ATTEMPTS", 3),
                config.getDuration("ORDERFLOW_SHIPPING_CARRIER_BACKOFF", Duration.ofMillis(200)),
                config.getInt("ORDERFLOW_SHIPPING_CIRCUIT_MINIMUM_CALLS", 5),
                config.getDuration("ORDERFLOW_SHIPPING_CIRCUIT_OPEN_FOR", Duration.ofSeconds(30)),
                config.getDuration("ORDERFLOW_SHIPPING_RETRY_INTERVAL", Duration.ofSeconds(5)),
                config.getDuration("ORDERFLOW_SHIPPING_RETRY_MAX_INTERVAL", Duration.ofMinutes(1)),
                config.getDuration("ORDERFLOW_SHIPPING_SCHEDULER_INTERVAL", Duration.ofSeconds(1)),
                config.getInt("ORDERFLOW_SHIPPING_THREADS", 4),
                config.getInt("ORDERFLOW_SHIPPING_BATCH_SIZE", 10),
                config.getDuration("ORDERFLOW_SHIPPING_CLAIM_LEASE", Duration.ofMinutes(2)),
                config.get("ORDERFLOW_SHIPPING_WEBHOOK_HOST", "127.0.0.1"),
                config.getInt("ORDERFLOW_SHIPPING_WEBHOOK_PORT", 8093),
                config.find("ORDERFLOW_SHIPPING_WEBHOOK_URL").orElse(null),
                config.getDuration("ORDERFLOW_SHIPPING_UNKNOWN_SHIPMENT_GRACE", Duration.ofSeconds(60)),
                config.get("ORDERFLOW_SHIPPING_DEFAULT_COUNTRY", "DE"));
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
