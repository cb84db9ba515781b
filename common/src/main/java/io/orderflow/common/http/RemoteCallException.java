package io.orderflow.common.http;

/**
 * A call to an outside system (the payment gateway, the carrier) that did not succeed, sorted by what the caller may
 * do next: {@link Unavailable}, the system may or may not have acted, so the call is repeated later with the same
 * Idempotency-Key; or {@link Rejected}, it understood the request and refused it, and repeating it changes nothing.
 */
public abstract sealed class RemoteCallException extends Exception
        permits RemoteCallException.Unavailable, RemoteCallException.Rejected {

    private RemoteCallException(String message, Throwable cause) {
        super(message, cause);
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

    /** A 4xx answer other than "key in use": the system understood and said no; repeating it changes nothing. */
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
