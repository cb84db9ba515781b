package io.orderflow.audit.finance;

import io.orderflow.common.outbox.Outbox;
import io.orderflow.common.outbox.OutboxMessage;
import io.orderflow.schema.Effect;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.LedgerEntry;
import io.orderflow.schema.LedgerEntryKind;
import io.orderflow.schema.Money;
import io.orderflow.schema.OutcomeStatus;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts every capture and refund that moved money to the finance ledger exactly once: a row in
 * {@code ledger_entries} and a {@link LedgerEntry} on finance.ledger through the outbox, in the transaction that
 * audits the message completing it. Callers hold the order's audit lock, so two messages of one order never post
 * concurrently.
 *
 * <p>Which successful outcome posts what:
 * <ul>
 *   <li>with an {@code amount}: that amount (what the payment worker took or gave back);</li>
 *   <li>without an amount but with a gateway reference not posted yet: the order total on the request it answered
 *       (a capture takes the order total, a refund gives back the capture, which is that total); if that request
 *       has not been audited yet, the outcome waits in {@code awaiting_request} and is posted when it is;</li>
 *   <li>without an amount and without a reference: nothing, since nothing moved at the gateway (the payment worker's
 *       "nothing to undo" answers);</li>
 *   <li>repeating a gateway reference already in the ledger ("already given back by ..."): nothing.</li>
 * </ul>
 * At most one entry per outcome id and one per gateway reference, enforced by unique indexes.
 */
public final class FinanceLedger {
    /** The outbox aggregate type of ledger entries; the worker's relay routes it to finance.ledger. */
    public static final String AGGREGATE_TYPE = "finance";

    private static final Logger log = LoggerFactory.getLogger(FinanceLedger.class);
    /** A void of a captured payment gives the money back at the gateway, so finance sees it as a refund. */
    private static final Map<Effect, LedgerEntryKind> KINDS = Map.of(
            Effect.CAPTURE_PAYMENT, LedgerEntryKind.CAPTURE,
            Effect.REFUND_PAYMENT, LedgerEntryKind.REFUND,
            Effect.VOID_PAYMENT, LedgerEntryKind.REFUND);
    private static final String OUTCOME = "OUTCOME";
    private static final String ORDER_TOTAL = "ORDER_TOTAL";

    private static final String INSERT_ENTRY = """
            insert into ledger_entries (entry_id, outcome_id, order_id, request_id, kind, amount_minor, currency,
                                        amount_source, payment_reference, occurred_at, posted_at)
            values (:entryId, :outcomeId, :orderId, :requestId, :kind, :amountMinor, :currency, :amountSource,
                    :paymentReference, :occurredAt, :postedAt)
            on conflict do nothing""";
    private static final String WAIT = """
            insert into awaiting_request (outcome_id, order_id, request_id, kind, payment_reference, occurred_at)
            values (:outcomeId, :orderId, :requestId, :kind, :paymentReference, :occurredAt)
            on conflict do nothing""";
    private static final String WAITING_FOR = """
            select a.outcome_id, a.order_id, a.request_id, a.kind, a.payment_reference, a.occurred_at,
                   r.order_total_minor, r.currency
            from awaiting_request a join effect_requests r on r.request_id = a.request_id
            where a.request_id = :requestId
            order by a.occurred_at, a.outcome_id""";

    private final Clock clock;
    private final Outbox outbox = new Outbox();

    public FinanceLedger(Clock clock) {
        this.clock = clock;
    }

    /** True for the outcomes the ledger looks at: a capture or a refund that succeeded. */
    public static boolean concerns(EffectOutcome outcome) {
        return outcome.getStatus() == OutcomeStatus.SUCCEEDED && KINDS.containsKey(outcome.getEffect());
    }

    /** Posts a successful capture or refund from payment.events, if it moved money; returns the entry posted. */
    public Optional<LedgerEntry> settled(Handle handle, EffectOutcome outcome) {
        if (!concerns(outcome)) {
            throw new IllegalArgumentException("outcome " + outcome.getOutcomeId() + " is not a successful capture or "
                    + "refund");
        }
        LedgerEntryKind kind = KINDS.get(outcome.getEffect());
        String reference = outcome.getReference();
        if (outcome.getAmount() != null) {
            return post(handle, entry(outcome.getOutcomeId(), outcome.getOrderId(), outcome.getRequestId(), kind,
                    outcome.getAmount(), reference, outcome.getOccurredAt()), OUTCOME);
        }
        if (reference == null) {
            log.info("{} outcome {} of order {} moved no money (no amount, no gateway reference; {}): nothing to post",
                    kind, outcome.getOutcomeId(), outcome.getOrderId(), outcome.getReason());
            return skip(handle, outcome, kind, Skip.NOTHING_MOVED);
        }
        if (isPosted(handle, kind, reference)) {
            log.info("{} outcome {} of order {} repeats {} {}, already in the ledger: nothing to post", kind,
                    outcome.getOutcomeId(), outcome.getOrderId(), kind, reference);
            return skip(handle, outcome, kind, Skip.ALREADY_POSTED);
        }
        if (outcome.getRequestId() == null) {
            log.warn("{} outcome {} of order {} has no amount and no request to take the order total from; it cannot "
                    + "be posted", kind, outcome.getOutcomeId(), outcome.getOrderId());
            return skip(handle, outcome, kind, Skip.NO_AMOUNT);
        }
        Optional<Money> total = handle.createQuery("""
                        select order_total_minor, currency from effect_requests where request_id = :requestId""")
                .bind("requestId", outcome.getRequestId())
                .map((rs, ctx) -> new Money(rs.getLong("order_total_minor"), rs.getString("currency")))
                .findOne();
        if (total.isPresent()) {
            return post(handle, entry(outcome.getOutcomeId(), outcome.getOrderId(), outcome.getRequestId(), kind,
                    total.get(), reference, outcome.getOccurredAt()), ORDER_TOTAL);
        }
        handle.createUpdate(WAIT)
                .bind("outcomeId", outcome.getOutcomeId())
                .bind("orderId", outcome.getOrderId())
                .bind("requestId", outcome.getRequestId())
                .bind("kind", kind.name())
                .bind("paymentReference", reference)
                .bind("occurredAt", utc(outcome.getOccurredAt()))
                .execute();
        return Optional.empty();
    }

    /** After {@code requestId} is recorded: posts the outcomes that were waiting for its order total. */
    public List<LedgerEntry> requestArrived(Handle handle, String requestId) {
        List<LedgerEntry> waiting = handle.createQuery(WAITING_FOR)
                .bind("requestId", requestId)
                .map((rs, ctx) -> entry(rs.getString("outcome_id"), rs.getString("order_id"),
                        rs.getString("request_id"), LedgerEntryKind.valueOf(rs.getString("kind")),
                        new Money(rs.getLong("order_total_minor"), rs.getString("currency")),
                        rs.getString("payment_reference"),
                        rs.getObject("occurred_at", OffsetDateTime.class).toInstant()))
                .list();
        List<LedgerEntry> posted = new ArrayList<>();
        for (LedgerEntry entry : waiting) {
            post(handle, entry, ORDER_TOTAL).ifPresentOrElse(posted::add, () -> skip(handle, entry.getOutcomeId(),
                    entry.getOrderId(), entry.getRequestId(), entry.getKind(), Skip.ALREADY_POSTED,
                    entry.getPaymentReference(), entry.getOccurredAt()));
            handle.createUpdate("delete from awaiting_request where outcome_id = :id")
                    .bind("id", entry.getOutcomeId())
                    .execute();
        }
        return posted;
    }

    private LedgerEntry entry(String outcomeId, String orderId, String requestId, LedgerEntryKind kind, Money amount,
                              String reference, Instant occurredAt) {
        return LedgerEntry.newBuilder()
                .setEntryId(entryId(outcomeId).toString())
                .setOrderId(orderId)
                .setKind(kind)
                .setAmount(amount)
                .setPaymentReference(reference)
                .setOutcomeId(outcomeId)
                .setRequestId(requestId)
                .setOccurredAt(occurredAt.truncatedTo(ChronoUnit.MILLIS))
                .setPostedAt(clock.instant().truncatedTo(ChronoUnit.MILLIS))
                .build();
    }

    /** Inserts the entry and its outbox message, unless its outcome or gateway reference is in the ledger already. */
    private Optional<LedgerEntry> post(Handle handle, LedgerEntry entry, String amountSource) {
        int inserted = handle.createUpdate(INSERT_ENTRY)
                .bind("entryId", UUID.fromString(entry.getEntryId()))
                .bind("outcomeId", entry.getOutcomeId())
                .bind("orderId", entry.getOrderId())
                .bind("requestId", entry.getRequestId())
                .bind("kind", entry.getKind().name())
                .bind("amountMinor", entry.getAmount().getAmountMinor())
                .bind("currency", entry.getAmount().getCurrency())
                .bind("amountSource", amountSource)
                .bind("paymentReference", entry.getPaymentReference())
                .bind("occurredAt", utc(entry.getOccurredAt()))
                .bind("postedAt", utc(entry.getPostedAt()))
                .execute();
        if (inserted == 0) {
            log.info("{} outcome {} of order {} is in the ledger already (same outcome or gateway reference {})",
                    entry.getKind(), entry.getOutcomeId(), entry.getOrderId(), entry.getPaymentReference());
            return Optional.empty();
        }
        // The outbox row takes the entry's id, so the Kafka record's "id" header names the entry.
        OutboxMessage message = OutboxMessage.avro(AGGREGATE_TYPE, entry.getOrderId(), entry);
        outbox.add(handle, new OutboxMessage(UUID.fromString(entry.getEntryId()), message.aggregateType(),
                message.aggregateId(), message.type(), message.payload()));
        log.info("posted {} of {} {} for order {} (outcome {}, amount from {})", entry.getKind(),
                entry.getAmount().getAmountMinor(), entry.getAmount().getCurrency(), entry.getOrderId(),
                entry.getOutcomeId(), amountSource.equals(OUTCOME) ? "the outcome" : "the order total");
        return Optional.of(entry);
    }

    /** Why a successful capture or refund posted nothing; kept in {@code ledger_skipped_outcomes}. */
    enum Skip { NOTHING_MOVED, ALREADY_POSTED, NO_AMOUNT }

    private static Optional<LedgerEntry> skip(Handle handle, EffectOutcome outcome, LedgerEntryKind kind, Skip why) {
        skip(handle, outcome.getOutcomeId(), outcome.getOrderId(), outcome.getRequestId(), kind, why,
                outcome.getReference(), outcome.getOccurredAt());
        return Optional.empty();
    }

    private static void skip(Handle handle, String outcomeId, String orderId, String requestId, LedgerEntryKind kind,
                             Skip why, String reference, Instant occurredAt) {
        handle.createUpdate("""
                        insert into ledger_skipped_outcomes (outcome_id, order_id, request_id, kind, why,
                                                             payment_reference, occurred_at)
                        values (:outcomeId, :orderId, :requestId, :kind, :why, :reference, :occurredAt)
                        on conflict do nothing""")
                .bind("outcomeId", outcomeId)
                .bind("orderId", orderId)
                .bind("requestId", requestId)
                .bind("kind", kind.name())
                .bind("why", why.name())
                .bind("reference", reference)
                .bind("occurredAt", utc(occurredAt))
                .execute();
    }

    private static boolean isPosted(Handle handle, LedgerEntryKind kind, String reference) {
        return handle.createQuery("""
                        select exists (select 1 from ledger_entries where kind = :kind and payment_reference = :ref)""")
                .bind("kind", kind.name())
                .bind("ref", reference)
                .mapTo(Boolean.class)
                .one();
    }

    /** The same outcome always yields the same entry id, so a re-run can never post it under a second id. */
    static UUID entryId(String outcomeId) {
        return UUID.nameUUIDFromBytes(("orderflow.ledger:" + outcomeId).getBytes(StandardCharsets.UTF_8));
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
