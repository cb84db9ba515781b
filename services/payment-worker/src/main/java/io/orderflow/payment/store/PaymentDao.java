package io.orderflow.payment.store;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The payments table. Every write that ends a request is conditional on it still being pending. */
@RegisterConstructorMapper(Payment.class)
public interface PaymentDao {

    String COLUMNS = """
            request_id, seq, order_id, kind, status, target_request_id, amount_minor, currency, payment_method,
            authorization_id, charge_id, refund_id, reason, undone_by, cancelled_by, attempts, held_at,
            request_event""";

    @SqlQuery("select " + COLUMNS + " from payments where request_id = :requestId")
    Optional<Payment> find(@Bind("requestId") String requestId);

    /** The order's requests in arrival order. */
    @SqlQuery("select " + COLUMNS + " from payments where order_id = :orderId order by seq")
    List<Payment> forOrder(@Bind("orderId") String orderId);

    /** Records a new request; false if one with this id is already recorded. */
    @SqlUpdate("""
            insert into payments (request_id, order_id, kind, status, target_request_id, amount_minor, currency,
                                  payment_method, reason, request_event)
            values (:requestId, :orderId, :kind, :status, :targetRequestId, :amountMinor, :currency,
                    :paymentMethod, :reason, :requestEvent)
            on conflict (request_id) do nothing""")
    boolean insert(@Bind("requestId") String requestId, @Bind("orderId") String orderId,
                   @Bind("kind") Payment.Kind kind, @Bind("status") Payment.Status status,
                   @Bind("targetRequestId") String targetRequestId, @Bind("amountMinor") Long amountMinor,
                   @Bind("currency") String currency, @Bind("paymentMethod") String paymentMethod,
                   @Bind("reason") String reason, @Bind("requestEvent") byte[] requestEvent);

    /** Tells a still pending capture not to capture, and brings it forward so it is settled soon. */
    @SqlUpdate("""
            update payments set cancelled_by = :by, next_attempt_at = now(), updated_at = now()
            where request_id = :requestId and kind = 'CAPTURE' and status = 'PENDING' and cancelled_by is null""")
    boolean cancel(@Bind("requestId") String requestId, @Bind("by") String cancelledBy);

    @SqlQuery("select cancelled_by from payments where request_id = :requestId")
    Optional<String> cancelledBy(@Bind("requestId") String requestId);

    /**
     * Claims up to {@code limit} due, unclaimed pending requests whose orders have no older pending request (so one
     * order's requests are performed one at a time, in arrival order): each is leased for {@code leaseSeconds} and
     * {@code attempt} is added to its attempts. Rows another transaction is claiming are skipped, not waited for.
     */
    @SqlQuery("with due as (select p.request_id as due_id from payments p"
            + "   where p.status = 'PENDING' and p.next_attempt_at <= now()"
            + "     and (p.claimed_until is null or p.claimed_until < now())"
            + "     and not exists (select 1 from payments e"
            + "                     where e.order_id = p.order_id and e.status = 'PENDING' and e.seq < p.seq)"
            + "   order by p.next_attempt_at, p.seq limit :limit"
            + "   for update of p skip locked)"
            + " update payments set claimed_until = now() + make_interval(secs => :leaseSeconds),"
            + "                     attempts = attempts + :attempt, updated_at = now()"
            + " from due where request_id = due.due_id"
            + " returning " + COLUMNS)
    List<Payment> claimDue(@Bind("limit") int limit, @Bind("leaseSeconds") double leaseSeconds,
                           @Bind("attempt") int attempt);

    /** Gives back a claim that was not acted on: due again now, its attempt taken back. */
    @SqlUpdate("""
            update payments set claimed_until = null, attempts = attempts - :attempt, updated_at = now()
            where request_id = :requestId and status = 'PENDING'""")
    void unclaim(@Bind("requestId") String requestId, @Bind("attempt") int attempt);

    /** Ends a pending request; false if it had already ended (another worker got there first). */
    @SqlUpdate("""
            update payments set status = :status, reason = :reason,
                                authorization_id = coalesce(:authorizationId, authorization_id),
                                charge_id = coalesce(:chargeId, charge_id), refund_id = coalesce(:refundId, refund_id),
                                amount_minor = coalesce(:amountMinor, amount_minor),
                                currency = coalesce(:currency, currency),
                                claimed_until = null, last_error = null, updated_at = now()
            where request_id = :requestId and status = 'PENDING'""")
    boolean complete(@Bind("requestId") String requestId, @Bind("status") Payment.Status status,
                     @Bind("reason") String reason, @Bind("authorizationId") String authorizationId,
                     @Bind("chargeId") String chargeId, @Bind("refundId") String refundId,
                     @Bind("amountMinor") Long amountMinor, @Bind("currency") String currency);

    @SqlUpdate("""
            update payments set undone_by = :by, updated_at = now()
            where request_id = :captureRequestId and undone_by is null""")
    boolean markUndone(@Bind("captureRequestId") String captureRequestId, @Bind("by") String undoneBy);

    /** Puts a pending request back for a later attempt, remembering why this one did not get through. */
    @SqlUpdate("""
            update payments set claimed_until = null, next_attempt_at = now() + make_interval(secs => :delaySeconds),
                                last_error = :error, updated_at = now()
            where request_id = :requestId and status = 'PENDING'""")
    boolean postpone(@Bind("requestId") String requestId, @Bind("delaySeconds") double delaySeconds,
                     @Bind("error") String error);

    /** The order's pending requests after {@code seq} that have not been held yet: they wait behind it. */
    @SqlQuery("select " + COLUMNS + " from payments"
            + " where order_id = :orderId and seq > :seq and status = 'PENDING' and held_at is null order by seq")
    List<Payment> waitingBehind(@Bind("orderId") String orderId, @Bind("seq") long seq);

    /** Marks the HELD outcome as published; false if it already was (it goes out once per request). */
    @SqlUpdate("""
            update payments set held_at = now(), updated_at = now()
            where request_id = :requestId and status = 'PENDING' and held_at is null""")
    boolean markHeld(@Bind("requestId") String requestId);
}
