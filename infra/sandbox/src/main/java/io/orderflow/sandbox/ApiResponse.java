package io.orderflow.sandbox;

/** The outcome of an executed operation: HTTP status plus a body Jackson can serialize. */
record ApiResponse(int status, Object body) {
    static ApiResponse created(Object body) {
        return new ApiResponse(201, body);
    }

    static ApiResponse ok(Object body) {
        return new ApiResponse(200, body);
    }
}
