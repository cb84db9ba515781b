package io.orderflow.sandbox;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Settings of a sandbox run. {@link #fromEnv} reads the ORDERFLOW_* variables; port 0 picks a free port.
 *
 * @param inTransitAfterMs delay after label creation before IN_TRANSIT is pushed; -1 disables it
 * @param deliveredAfterMs delay after label creation before DELIVERED is pushed; -1 disables it
 * @param webhookUrls      subscribers registered at start; they survive /sandbox/reset
 * @param webhookSecret    the secret shared with subscribers that signs every webhook ({@code
 *                         ORDERFLOW_CARRIER_WEBHOOK_SECRET}); null sends them unsigned, as a misconfigured account would
 */
public record SandboxConfig(String host, int gatewayPort, int carrierPort,
                            long inTransitAfterMs, long deliveredAfterMs, List<String> webhookUrls,
                            long webhookRetryInitialMs, long webhookRetryMaxMs, int webhookMaxAttempts,
                            long webhookTimeoutMs, String webhookSecret) {

    public SandboxConfig {
        webhookUrls = List.copyOf(webhookUrls);
    }

    public static SandboxConfig defaults() {
        return new SandboxConfig("127.0.0.1", 8091, 8092, 1_000, 3_000, List.of(), 500, 30_000, 25, 5_000,
                null);
    }

    public static SandboxConfig fromEnv(Map<String, String> env) {
        SandboxConfig d = defaults();
        String urls = env.getOrDefault("ORDERFLOW_CARRIER_WEBHOOK_URL", "");
        return new SandboxConfig(
                d.host(),
                intVar(env, "ORDERFLOW_GATEWAY_PORT", d.gatewayPort()),
                intVar(env, "ORDERFLOW_CARRIER_PORT", d.carrierPort()),
                longVar(env, "ORDERFLOW_CARRIER_IN_TRANSIT_AFTER_MS", d.inTransitAfterMs()),
                longVar(env, "ORDERFLOW_CARRIER_DELIVERED_AFTER_MS", d.deliveredAfterMs()),
                Arrays.stream(urls.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList(),
                longVar(env, "ORDERFLOW_CARRIER_WEBHOOK_RETRY_INITIAL_MS", d.webhookRetryInitialMs()),
                longVar(env, "ORDERFLOW_CARRIER_WEBHOOK_RETRY_MAX_MS", d.webhookRetryMaxMs()),
                intVar(env, "ORDERFLOW_CARRIER_WEBHOOK_MAX_ATTEMPTS", d.webhookMaxAttempts()),
                longVar(env, "ORDERFLOW_CARRIER_WEBHOOK_TIMEOUT_MS", d.webhookTimeoutMs()),
                env.get("ORDERFLOW_CARRIER_WEBHOOK_SECRET"));
    }

    public SandboxConfig withPorts(int gateway, int carrier) {
        return new SandboxConfig(host, gateway, carrier, inTransitAfterMs, deliveredAfterMs, webhookUrls,
                webhookRetryInitialMs, webhookRetryMaxMs, webhookMaxAttempts, webhookTimeoutMs, webhookSecret);
    }

    public SandboxConfig withProgression(long inTransitAfter, long deliveredAfter) {
        return new SandboxConfig(host, gatewayPort, carrierPort, inTransitAfter, deliveredAfter, webhookUrls,
                webhookRetryInitialMs, webhookRetryMaxMs, webhookMaxAttempts, webhookTimeoutMs, webhookSecret);
    }

    public SandboxConfig withWebhookUrls(List<String> urls) {
        return new SandboxConfig(host, gatewayPort, carrierPort, inTransitAfterMs, deliveredAfterMs, urls,
                webhookRetryInitialMs, webhookRetryMaxMs, webhookMaxAttempts, webhookTimeoutMs, webhookSecret);
    }

    public SandboxConfig withWebhookRetry(long initialMs, long maxMs, int maxAttempts) {
        return new SandboxConfig(host, gatewayPort, carrierPort, inTransitAfterMs, deliveredAfterMs, webhookUrls,
                initialMs, maxMs, maxAttempts, webhookTimeoutMs, webhookSecret);
    }

    public SandboxConfig withWebhookSecret(String secret) {
        return new SandboxConfig(host, gatewayPort, carrierPort, inTransitAfterMs, deliveredAfterMs, webhookUrls,
                webhookRetryInitialMs, webhookRetryMaxMs, webhookMaxAttempts, webhookTimeoutMs, secret);
    }

    private static int intVar(Map<String, String> env, String name, int fallback) {
        return (int) longVar(env, name, fallback);
    }

    private static long longVar(Map<String, String> env, String name, long fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got '" + value + "'", e);
        }
    }
}
