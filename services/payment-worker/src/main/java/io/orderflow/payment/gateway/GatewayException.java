package io.orderflow.payment.gateway;

/**
 * A gateway call that did not succeed: either the gateway could not be reached or answered (it may or may not have
 * acted, so the call must be repeated with the same Idempotency-Key), or it refused the request (it did nothing).
 */
public abstract sealed class GatewayException extends Exception
        permits GatewayException.Unavailable, GatewayException.Rejected {

    GatewayException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Timeout, dropped connection, 5xx, 429, key in use, or the circuit is open: try again later. */
    public static final class Unavailable extends GatewayException {
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

    /** A 4xx answer other than "key in use": the gateway understood and said no; repeating it changes nothing. */
    public static final class Rejected extends GatewayException {
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

        /** The gateway's stable error code, e.g. {@code authorization_not_voidable}. */
        public String code() {
            return code;
        }
    }
}
