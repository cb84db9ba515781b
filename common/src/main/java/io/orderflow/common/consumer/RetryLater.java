package io.orderflow.common.consumer;

/**
 * Thrown by a handler whose record should be tried again later rather than dead-lettered: an outside dependency is
 * down, not the record bad. The whole batch rolls back and is redelivered after a backoff; the partition waits.
 */
public class RetryLater extends RuntimeException {
    public RetryLater(String message) {
        super(message);
    }

    public RetryLater(String message, Throwable cause) {
        super(message, cause);
    }
}
