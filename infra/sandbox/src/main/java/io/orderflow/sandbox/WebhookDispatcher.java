package io.orderflow.sandbox;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes tracking events to webhook subscribers: per subscriber in publication order, one delivery in flight, and
 * a failed delivery (connection error, timeout or non-2xx) retried with exponential backoff. Delivery is at least
 * once; receivers dedupe on eventId. After maxAttempts an event is given up (logged) so later ones can flow.
 *
 * <p>Like Stripe's and Shippo's, each delivery attempt is signed afresh: {@code X-Carrier-Signature: t=<unix
 * seconds>,v1=<hex HMAC-SHA256 of "t.body" under the shared secret>}, so a receiver can refuse forged, stale and
 * replayed deliveries.
 */
final class WebhookDispatcher implements AutoCloseable {
    static final String EVENT_ID_HEADER = "X-Sandbox-Event-Id";
    static final String ATTEMPT_HEADER = "X-Sandbox-Delivery-Attempt";
    static final String SIGNATURE_HEADER = "X-Carrier-Signature";
    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);

    /** A registered receiver; fromConfig ones (env at start) survive /sandbox/reset. */
    record Subscription(String id, String url, boolean fromConfig) {
    }

    private static final class Subscriber {
        final Subscription subscription;
        final Deque<TrackingEvent> queue = new ArrayDeque<>();
        boolean scheduled;
        int attempts;
        long delivered;
        long givenUp;
        long failedAttempts;
        String lastError;

        Subscriber(Subscription subscription) {
            this.subscription = subscription;
        }
    }

    private final long retryInitialMs;
    private final long retryMaxMs;
    private final int maxAttempts;
    private final Duration timeout;
    private final String secret;
    private final HttpClient http;
    private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "sandbox-webhooks");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Subscriber> subscribers = new LinkedHashMap<>();
    private boolean closed;

    WebhookDispatcher(long retryInitialMs, long retryMaxMs, int maxAttempts, long timeoutMs, String secret) {
        this.secret = secret;
        this.retryInitialMs = Math.max(1, retryInitialMs);
        this.retryMaxMs = Math.max(this.retryInitialMs, retryMaxMs);
        this.maxAttempts = maxAttempts;
        this.timeout = Duration.ofMillis(timeoutMs);
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(Math.min(timeoutMs, 2_000)))
                .build();
    }

    /** Registering a URL that is already subscribed returns the existing subscription. */
    synchronized Subscription register(String url, boolean fromConfig) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_url", "not a URL: " + url);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw ApiException.badRequest("invalid_url", "webhook url must be an absolute http(s) URL, got " + url);
        }
        for (Subscriber s : subscribers.values()) {
            if (s.subscription.url().equals(url)) {
                return s.subscription;
            }
        }
        Subscription subscription = new Subscription(PaymentLedger.newId("wh"), url, fromConfig);
        subscribers.put(subscription.id(), new Subscriber(subscription));
        log.info("carrier: webhook subscriber {} -> {}", subscription.id(), url);
        return subscription;
    }

    synchronized boolean isRegistered(String url) {
        return subscribers.values().stream().anyMatch(s -> s.subscription.url().equals(url));
    }

    synchronized boolean unregister(String id) {
        return subscribers.remove(id) != null;
    }

    synchronized List<Map<String, Object>> list() {
        return subscribers.values().stream().map(s -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", s.subscription.id());
            m.put("url", s.subscription.url());
            m.put("source", s.subscription.fromConfig() ? "config" : "api");
            m.put("pending", s.queue.size());
            m.put("delivered", s.delivered);
            m.put("failedAttempts", s.failedAttempts);
            m.put("givenUp", s.givenUp);
            m.put("lastError", s.lastError);
            return m;
        }).toList();
    }

    synchronized void publish(TrackingEvent event) {
        for (Subscriber s : subscribers.values()) {
            s.queue.addLast(event);
            schedule(s, 0);
        }
    }

    /** Drops API-registered subscribers and every undelivered event; env-configured subscribers stay. */
    synchronized void reset() {
        subscribers.values().removeIf(s -> !s.subscription.fromConfig());
        for (Subscriber s : subscribers.values()) {
            s.queue.clear();
            s.attempts = 0;
            s.lastError = null;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        executor.shutdownNow();
    }

    private void schedule(Subscriber s, long delayMs) {
        if (s.scheduled || s.queue.isEmpty() || closed) {
            return;
        }
        s.scheduled = true;
        executor.schedule(() -> attempt(s), delayMs, TimeUnit.MILLISECONDS);
    }

    /** Sends the head of the subscriber's queue outside the lock; the lock only guards bookkeeping. */
    private void attempt(Subscriber s) {
        TrackingEvent event;
        int attempt;
        synchronized (this) {
            event = s.queue.peekFirst();
            if (event == null || subscribers.get(s.subscription.id()) != s) {
                s.scheduled = false;
                return;
            }
            attempt = ++s.attempts;
        }
        String error = send(s.subscription.url(), event, attempt);
        synchronized (this) {
            s.scheduled = false;
            if (s.queue.peekFirst() != event) {
                schedule(s, 0); // reset or unregistered meanwhile
                return;
            }
            if (error == null) {
                s.queue.removeFirst();
                s.attempts = 0;
                s.delivered++;
                s.lastError = null;
                schedule(s, 0);
                return;
            }
            s.failedAttempts++;
            s.lastError = error;
            if (attempt >= maxAttempts) {
                log.warn("carrier: giving up on event {} to {} after {} attempts: {}",
                        event.eventId(), s.subscription.url(), attempt, error);
                s.queue.removeFirst();
                s.attempts = 0;
                s.givenUp++;
                schedule(s, 0);
            } else {
                long delay = backoff(attempt);
                log.info("carrier: delivery of {} to {} failed (attempt {}): {}; retrying in {} ms",
                        event.eventId(), s.subscription.url(), attempt, error, delay);
                schedule(s, delay);
            }
        }
    }

    /** Null when the receiver acknowledged with 2xx, else a short description of the failure. */
    private String send(String url, TrackingEvent event, int attempt) {
        String body = Json.write(event);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header(EVENT_ID_HEADER, event.eventId())
                .header(ATTEMPT_HEADER, Integer.toString(attempt))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (secret != null) {
            request.header(SIGNATURE_HEADER, signature(secret, Instant.now().getEpochSecond(), body));
        }
        try {
            HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() / 100 == 2 ? null : "HTTP " + response.statusCode();
        } catch (IOException e) {
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** The signature header's value for {@code body} sent at {@code epochSecond}. */
    static String signature(String secret, long epochSecond, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal((epochSecond + "." + body).getBytes(StandardCharsets.UTF_8));
            return "t=" + epochSecond + ",v1=" + HexFormat.of().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }

    private long backoff(int attempt) {
        long delay = retryInitialMs;
        for (int i = 1; i < attempt && delay < retryMaxMs; i++) {
            delay *= 2;
        }
        return Math.min(delay, retryMaxMs);
    }
}
