package io.orderflow.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Remembers, per Idempotency-Key, the request it was first used with and the response it produced, so a
 * retried request replays that response instead of executing again (the client can retry without charging twice).
 */
final class IdempotencyStore {
    static final String KEY_HEADER = "Idempotency-Key";
    static final String REPLAYED_HEADER = "Idempotent-Replayed";
    private static final int MAX_KEY_LENGTH = 255;

    /** The work behind one mutating request; it gets the parsed JSON body. */
    @FunctionalInterface
    interface Operation {
        ApiResponse execute(JsonNode body);
    }

    /** Same method, path and JSON body (field order and whitespace do not matter). */
    private record Fingerprint(String method, String path, JsonNode body) {
    }

    private record StoredResponse(int status, String json) {
    }

    private static final class Entry {
        final Fingerprint fingerprint;
        /** Null while the first request with this key is still executing. */
        volatile StoredResponse response;

        Entry(Fingerprint fingerprint) {
            this.fingerprint = fingerprint;
        }
    }

    private final ConcurrentMap<String, Entry> entries = new ConcurrentHashMap<>();

    /**
     * Runs {@code operation} at most once per key. Replays carry {@code Idempotent-Replayed: true}.
     * A request that fails with an error (ApiException or crash) is not remembered, as with Stripe's
     * validation errors: the key may then be used again.
     */
    void handle(Context ctx, Operation operation) {
        String key = ctx.header(KEY_HEADER);
        if (key == null || key.isBlank()) {
            throw ApiException.badRequest("idempotency_key_missing",
                    "this request changes state and requires an " + KEY_HEADER + " header");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw ApiException.badRequest("idempotency_key_invalid",
                    KEY_HEADER + " must be at most " + MAX_KEY_LENGTH + " characters");
        }
        JsonNode body = Json.parseObject(ctx.body());
        Fingerprint fingerprint = new Fingerprint(ctx.method().name(), ctx.path(), body);

        Entry mine = new Entry(fingerprint);
        Entry existing = entries.putIfAbsent(key, mine);
        if (existing != null) {
            replay(ctx, key, existing, fingerprint);
            return;
        }
        StoredResponse response;
        try {
            ApiResponse result = operation.execute(body);
            response = new StoredResponse(result.status(), Json.write(result.body()));
        } catch (RuntimeException e) {
            entries.remove(key, mine);
            throw e;
        }
        mine.response = response;
        ctx.header(KEY_HEADER, key);
        write(ctx, response);
    }

    private static void replay(Context ctx, String key, Entry existing, Fingerprint fingerprint) {
        if (!existing.fingerprint.equals(fingerprint)) {
            Fingerprint first = existing.fingerprint;
            throw new ApiException(422, "idempotency_key_reused",
                    "Idempotency-Key '" + key + "' was already used for " + first.method() + " " + first.path()
                            + " with a different request body; use a new key for a different request");
        }
        StoredResponse response = existing.response;
        if (response == null) {
            throw ApiException.conflict("idempotency_key_in_use",
                    "a request with Idempotency-Key '" + key + "' is still being processed; retry later");
        }
        ctx.header(KEY_HEADER, key);
        ctx.header(REPLAYED_HEADER, "true");
        write(ctx, response);
    }

    private static void write(Context ctx, StoredResponse response) {
        ctx.status(response.status()).contentType("application/json").result(response.json());
    }

    void clear() {
        entries.clear();
    }

    int size() {
        return entries.size();
    }
}
