package io.orderflow.sandbox;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes tracking events to webhook subscribers the way real carriers do: many deliveries in flight at once (up to
 * {@link #MAX_IN_FLIGHT} per subscriber), but one shipment's events one at a time in publication order, and a failed
 * delivery (connection error, timeout or non-2xx) retried with exponential backoff while the other shipments' events
 * flow on. Delivery is at least once; receivers dedupe on eventId. After maxAttempts an event is given up (logged) so
 * its shipment's later events can flow.
 *
 * <p>Like Stripe's and Shippo's, each delivery attempt is signed afresh: {@code X-Carrier-Signature: t=<unix
 * seconds>,v1=<hex HMAC-SHA256 of "t.body" under the shared secret>}, so a receiver can refuse forged, stale and
 * replayed deliveries.
 */
final class WebhookDispatcher implements AutoCloseable {
    static final String EVENT_ID_HEADER = "X-Sandbox-Event-Id";
    static final String ATTEMPT_HEADER = "X-Sandbox-Delivery-Attempt";
    static final String SIGNATURE_HEADER = "X-Carrier-Signature";
    /** Deliveries in flight per subscriber: one receiver that answers slowly (or refuses) never holds up the rest. */
    static final int MAX_IN_FLIGHT = 16;
    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);

    /** A registered receiver; fromConfig ones (env at start) survive /sandbox/reset. */
    record Subscription(String id, String url, boolean fromConfig) {
    }

    /** One shipment's undelivered events for one subscriber, oldest first. */
    private static final class Lane {
        final String trackingNumber;
        final Deque<TrackingEvent> events = new ArrayDeque<>();
        int attempts;

        Lane(String trackingNumber) {
            this.trackingNumber = trackingNumber;
        }
    }

    private static final class Subscriber {
        final Subscription subscription;
        /** Lanes with undelivered events, by tracking number. */
        final Map<String, Lane> lanes = new LinkedHashMap<>();
        /** Lanes whose head may be sent now (not in flight, not waiting for a retry), in the order they became so. */
        final Deque<Lane> ready = new ArrayDeque<>();
        int inFlight;
        int pending;
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
    /** Only timers (retries); the sends themselves are asynchronous. */
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
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
            m.put("pending", s.pending);
            m.put("delivered", s.delivered);
            m.put("failedAttempts", s.failedAttempts);
            m.put("givenUp", s.givenUp);
            m.put("lastError", s.lastError);
            return m;
        }).toList();
    }

    synchronized void publish(TrackingEvent event) {
        for (Subscriber s : subscribers.values()) {
            Lane lane = s.lanes.get(event.trackingNumber());
            if (lane == null) {
                lane = new Lane(event.trackingNumber());
                s.lanes.put(lane.trackingNumber, lane);
                s.ready.addLast(lane);
            }
            // An existing lane is ready, in flight or waiting for a retry: the event goes out after the earlier ones.
            lane.events.addLast(event);
            s.pending++;
            pump(s);
        }
    }

    /** Drops API-registered subscribers and every undelivered event; env-configured subscribers stay. */
    synchronized void reset() {
        subscribers.values().removeIf(s -> !s.subscription.fromConfig());
        for (Subscriber s : subscribers.values()) {
            // Sends in flight find their lane gone and change nothing.
            s.lanes.clear();
            s.ready.clear();
            s.inFlight = 0;
            s.pending = 0;
            s.lastError = null;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        timers.shutdownNow();
    }

    /** Sends the heads of ready lanes while the subscriber has room for more deliveries in flight. */
    private void pump(Subscriber s) {
        while (!closed && s.inFlight < MAX_IN_FLIGHT && !s.ready.isEmpty()) {
            Lane lane = s.ready.pollFirst();
            TrackingEvent event = lane.events.peekFirst();
            int attempt = ++lane.attempts;
            s.inFlight++;
            send(s.subscription.url(), event, attempt)
                    .whenComplete((error, thrown) -> finished(s, lane, event, attempt,
                            thrown != null ? thrown.toString() : error));
        }
    }

    private synchronized void finished(Subscriber s, Lane lane, TrackingEvent event, int attempt, String error) {
        if (subscribers.get(s.subscription.id()) != s || s.lanes.get(lane.trackingNumber) != lane
                || lane.events.peekFirst() != event) {
            return;  // reset or unregistered meanwhile
        }
        s.inFlight--;
        if (error == null) {
            s.delivered++;
            s.lastError = null;
            next(s, lane);
        } else {
            s.failedAttempts++;
            s.lastError = error;
            if (attempt >= maxAttempts) {
                log.warn("carrier: giving up on event {} to {} after {} attempts: {}",
                        event.eventId(), s.subscription.url(), attempt, error);
                s.givenUp++;
                next(s, lane);
            } else {
                long delay = backoff(attempt);
                log.info("carrier: delivery of {} to {} failed (attempt {}): {}; retrying in {} ms",
                        event.eventId(), s.subscription.url(), attempt, error, delay);
                retryLater(s, lane, delay);
            }
        }
        pump(s);
    }

    /** The lane's head is done with: its next event becomes ready, or the lane goes. */
    private void next(Subscriber s, Lane lane) {
        lane.events.removeFirst();
        lane.attempts = 0;
        s.pending--;
        if (lane.events.isEmpty()) {
            s.lanes.remove(lane.trackingNumber);
        } else {
            s.ready.addLast(lane);
        }
    }

    private void retryLater(Subscriber s, Lane lane, long delayMs) {
        if (closed) {
            return;
        }
        timers.schedule(() -> {
            synchronized (this) {
                if (subscribers.get(s.subscription.id()) == s && s.lanes.get(lane.trackingNumber) == lane) {
                    s.ready.addFirst(lane);  // it has waited its turn already
                    pump(s);
                }
            }
        }, delayMs, TimeUnit.MILLISECONDS);
    }

    /** Completes with null when the receiver acknowledged with 2xx, else with a short description of the failure. */
    private CompletableFuture<String> send(String url, TrackingEvent event, int attempt) {
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
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
                .thenApply(response -> response.statusCode() / 100 == 2 ? (String) null : "HTTP " + response.statusCode())
                .exceptionally(e -> {
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
                });
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
