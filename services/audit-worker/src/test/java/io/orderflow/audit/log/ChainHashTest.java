package io.orderflow.audit.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ChainHashTest {
    private static final Instant AT = Instant.parse("2026-11-20T10:00:00.123Z");
    private static final String PREV = "0".repeat(64);

    private static AuditEntry entry(String reason, String correlationId) {
        return entry(reason, correlationId, null);
    }

    private static AuditEntry entry(String reason, String correlationId, String principal) {
        return new AuditEntry("o-1-v2", "o-1", "orders.events", EventKind.STATE_CHANGED, 2L, "CONFIRM", "PENDING",
                "CONFIRMED", null, null, null, "sam", "SUPPORT", reason, correlationId, "cmd-1", AT,
                "{\"a\": 1}", principal);
    }

    @Test
    void coversThePrincipalAndLeavesRowsWithoutOneAsTheyWereHashed() {
        String without = ChainHash.of(PREV, entry("ok", "c-1"), 2, AT);
        assertThat(ChainHash.of(PREV, entry("ok", "c-1", "cli"), 2, AT)).isNotEqualTo(without)
                .isNotEqualTo(ChainHash.of(PREV, entry("ok", "c-1", "admin-web"), 2, AT));
        // The value a row written before the principal was kept: the v1 encoding, unchanged.
        assertThat(without).isEqualTo("%s", ChainHash.of(PREV, entry("ok", "c-1", null), 2, AT));
    }

    @Test
    void isLowerCaseHexSha256AndDeterministic() {
        String hash = ChainHash.of(PREV, entry("ok", "c-1"), 2, AT);
        assertThat(hash).matches("[0-9a-f]{64}").isEqualTo(ChainHash.of(PREV, entry("ok", "c-1"), 2, AT));
    }

    @Test
    void changesWithAnyFieldThePreviousHashThePositionAndTheRecordingTime() {
        String hash = ChainHash.of(PREV, entry("ok", "c-1"), 2, AT);
        assertThat(ChainHash.of(PREV, entry("ok!", "c-1"), 2, AT)).isNotEqualTo(hash);
        assertThat(ChainHash.of("1".repeat(64), entry("ok", "c-1"), 2, AT)).isNotEqualTo(hash);
        assertThat(ChainHash.of(PREV, entry("ok", "c-1"), 3, AT)).isNotEqualTo(hash);
        assertThat(ChainHash.of(PREV, entry("ok", "c-1"), 2, AT.plusNanos(1_000))).isNotEqualTo(hash);
    }

    @Test
    void neighbouringFieldsCannotTradeCharactersAndNullIsNotEmpty() {
        assertThat(hash("ab", "c")).isNotEqualTo(hash("a", "bc"));
        assertThat(hash(null, "c")).isNotEqualTo(hash("", "c"));
        assertThat(hash("-", "c")).isNotEqualTo(hash(null, "c"));
    }

    private static String hash(String reason, String correlationId) {
        return ChainHash.of(PREV, entry(reason, correlationId), 2, AT);
    }
}
