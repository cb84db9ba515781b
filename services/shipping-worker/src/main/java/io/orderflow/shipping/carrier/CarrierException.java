package io.orderflow.shipping.carrier;

/** A carrier call that did not succeed: either the carrier is unavailable or it refused the request. */
public abstract sealed class CarrierException extends Exception
        permits CarrierException.Unavailable, CarrierException.Rejected {

    private CarrierException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The carrier could not be reached or failed on its side (network error, timeout, 5xx, 429), after retries, or
     * the circuit breaker is open. Worth trying again later; nothing says the operation did not happen, so a retry
     * must reuse the idempotency key.
     */
    public static final class Unavailable extends CarrierException {
        private final boolean circuitOpen;

        public Unavailable(String message, Throwable cause, boolean circuitOpen) {
            super(message, cause);
            this.circuitOpen = circuitOpen;
        }

        /** True when the call was not even tried because the circuit breaker is open. */
        public boolean circuitOpen() {
            return circuitOpen;
        }
    }

    /** The carrier answered with a 4xx: the request itself is wrong or conflicts; trying again changes nothing. */
    public static final class Rejected extends CarrierException {
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

        /** The carrier's stable error code, e.g. {@code label_already_delivered}. */
        public String code() {
            return code;
        }
    }
}
