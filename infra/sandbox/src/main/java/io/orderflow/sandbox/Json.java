package io.orderflow.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Currency;
import java.util.regex.Pattern;

/** The shared Jackson mapper plus strict request-field readers that fail with clear 400s. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    private Json() {
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }

    static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return MAPPER.createObjectNode();
        }
        try {
            return MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("invalid_json", "request body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** An empty body counts as {} so that body-less POSTs (void) still have a fingerprint. */
    static ObjectNode parseObject(String body) {
        JsonNode node = parse(body);
        if (!node.isObject()) {
            throw ApiException.badRequest("invalid_json", "request body must be a JSON object");
        }
        return (ObjectNode) node;
    }

    static String text(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            throw ApiException.badRequest("missing_field", "'" + field + "' is required");
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw ApiException.badRequest("invalid_field", "'" + field + "' must be a non-empty string");
        }
        return node.asText();
    }

    /** Money is an integer count of minor units (cents); 12.5 or "1250" are rejected, never rounded. */
    static long amount(JsonNode body, String field) {
        Long amount = optionalAmount(body, field);
        if (amount == null) {
            throw ApiException.badRequest("missing_field", "'" + field + "' is required");
        }
        return amount;
    }

    static Long optionalAmount(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() <= 0) {
            throw ApiException.badRequest("invalid_amount",
                    "'" + field + "' must be a positive integer amount in minor units, got " + node);
        }
        return node.asLong();
    }

    static String currency(JsonNode body, String field) {
        String code = text(body, field);
        if (!CURRENCY.matcher(code).matches()) {
            throw ApiException.badRequest("invalid_currency", "'" + field + "' must be an ISO 4217 code like EUR, got " + code);
        }
        try {
            Currency.getInstance(code);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_currency", "unknown ISO 4217 currency " + code);
        }
        return code;
    }
}
