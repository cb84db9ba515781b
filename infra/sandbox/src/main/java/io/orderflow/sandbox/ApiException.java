package io.orderflow.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;

/** A client-visible API error with an HTTP status and a stable machine-readable code. */
final class ApiException extends RuntimeException {
    private final int status;
    private final String code;

    ApiException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    /** Stripe-style error envelope: {"error": {"code": ..., "message": ...}}. */
    Map<String, Object> body() {
        return errorBody(code, getMessage());
    }

    static Map<String, Object> errorBody(String code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        return Map.of("error", error);
    }

    static ApiException badRequest(String code, String message) {
        return new ApiException(400, code, message);
    }

    static ApiException notFound(String code, String message) {
        return new ApiException(404, code, message);
    }

    static ApiException conflict(String code, String message) {
        return new ApiException(409, code, message);
    }
}
