package io.orderflow.schema.codec;

/** Bytes that are not a known version of the expected record: wrong marker, unknown fingerprint, or corrupt body. */
public class UndecodableRecordException extends RuntimeException {
    public UndecodableRecordException(String message) {
        super(message);
    }

    public UndecodableRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
