package io.orderflow.audit.log;

import java.time.Instant;

/** An audit row as stored: the entry, its place in the order's chain, and the hashes that link it there. */
public record AuditRow(long seq, AuditEntry entry, long chainIndex, Instant recordedAt, String prevHash, String hash) {

    /** The hash this row should carry, recomputed from its content and its stored {@code prevHash}. */
    public String expectedHash() {
        return ChainHash.of(prevHash, entry, chainIndex, recordedAt);
    }
}
