package io.orderflow.common.http;

/**
 * A call to an outside system (the payment gateway, the carrier) that did not succeed, sorted by what the caller may
 * do next: {@link Unavailable} (transient), the system may or may not have acted, so the call is repeated later with
 * the same Idempotency-Key; or {@link Rejected} (permanent), the request was refused or cannot be sent at all, and
 * repeating it changes nothing: the caller answers FAILED with the message, once. Messages are one short line
 * ({@link ErrorText}); an outside system's raw error body never ends up in one.
 */
public abstract sealed class RemoteCallException extends Exception
        permits RemoteCallException.Unavailable, RemoteCallException.Rejected {
    /** 409 with this code: our own earlier attempt with the same key is still running, so a repeat will see it. */
    public static final String KEY_IN_USE = "idempotency_key_in_use";
    /** {@link Rejected#code()} of a request that could not be built (an invalid header value or URI): never sent. */
    public static final String NOT_SENT = "request_not_sent";

    private RemoteCallException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Sorts an answer that is not 2xx. Transient: 5xx, 408 (timeout), 429 (slow down) and 409 {@link #KEY_IN_USE};
     * every other 4xx is permanent. {@code detail} is the system's error message or, when it sent none, its raw
     * body; only its {@linkplain ErrorText#summarise summary} is kept.
     *
     * @param call what was called, e.g. {@code POST /v1/labels}, for the transient message (it goes to logs)
     * @param code the system's error code, or null when it sent none
     */
    public static RemoteCallException ofStatus(String call, int status, String code, String detail) {
        String errorCode = code == null || code.isBlank() ? "http_" + status : code;
        String summary = "HTTP " + status + " " + errorCode + ": " + ErrorText.summarise(detail);
        if (status >= 500 || status == 408 || status == 429 || (status == 409 && KEY_IN_USE.equals(code))) {
            return new Unavailable(call + ": " + summary, false, null);
        }
        return new Rejected(status, errorCode, summary);
    }

    /** Throws {@link #ofStatus} as the kind it is; declared to return so that callers can {@code return} it. */
    public static <T> T throwForStatus(String call, int status, String code, String detail)
            throws Unavailable, Rejected {
        RemoteCallException failure = ofStatus(call, status, code, detail);
        if (failure instanceof Unavailable unavailable) {
            throw unavailable;
        }
        throw (Rejected) failure;
    }

    /** A request that cannot even be built (a header value or URI the HTTP client refuses): permanent. */
    public static Rejected notSent(String call, IllegalArgumentException invalid) {
        return new Rejected(0, NOT_SENT, ErrorText.summarise(call + " cannot be sent: " + invalid.getMessage()));
    }

    /**
     * Timeout, dropped connection, 5xx, 429, key in use, an unreadable answer, or the circuit is open: try again
     * later, with the same Idempotency-Key.
     */
    public static final class Unavailable extends RemoteCallException {
        private final boolean circuitOpen;

        public Unavailable(String message, boolean circuitOpen, Throwable cause) {
            super(message, cause);
            this.circuitOpen = circuitOpen;
        }

        /** True when the call was not even attempted because the circuit breaker is open. */
        public boolean circuitOpen() {
            return circuitOpen;
        }
    }

    /**
     * A 4xx answer other than 408, 429 and "key in use", or a request that cannot be sent ({@link #NOT_SENT},
     * status 0): repeating it changes nothing.
     */
    public static final class Rejected extends RemoteCallException {
        private final int status;
        private final String code;

        public Rejected(int status, String code, String message) {
            super(message, null);
            this.status = status;
            this.code = code;
        }

        public int status() {
            return status;
        }

        /** The system's stable error code, e.g. {@code authorization_not_voidable}, {@code label_already_delivered}. */
        public String code() {
            return code;
        }
    }
}
