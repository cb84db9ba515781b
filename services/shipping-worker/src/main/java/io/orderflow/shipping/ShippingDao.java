package io.orderflow.shipping;

import io.orderflow.schema.Effect;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The shipping worker's tables (see {@code db/shipping/V1__shipping.sql}); every call runs in the caller's handle. */
@RegisterConstructorMapper(LabelRequestRow.class)
@RegisterConstructorMapper(Shipment.class)
public interface ShippingDao {

    @SqlUpdate("""
            insert into label_requests (request_id, order_id, effect, target_request_id, event, state, next_attempt_at)
            values (:requestId, :orderId, :effect, :targetRequestId, :event, 'PENDING', :now)
            on conflict (request_id) do nothing""")
    boolean insertRequest(@Bind("requestId") String requestId, @Bind("orderId") String orderId,
                       @Bind("effect") Effect effect, @Bind("targetRequestId") String targetRequestId,
                       @Bind("event") byte[] event, @Bind("now") Instant now);

    /** The request, locked until the transaction ends: the consumer and the scheduler never work on one together. */
    @SqlQuery("select * from label_requests where request_id = :requestId for update")
    Optional<LabelRequestRow> lockRequest(@Bind("requestId") String requestId);

    /**
     * Claims up to {@code limit} pending requests due at {@code now}, due first: each one's next attempt moves to
     * {@code leaseUntil}, so no other scheduler takes it meanwhile. Rows another transaction holds are skipped.
     */
    @SqlQuery("""
            with due as (select request_id as due_id from label_requests
                         where state = 'PENDING' and next_attempt_at <= :now
                         order by next_attempt_at, request_id
                         limit :limit
                         for update skip locked)
            update label_requests set next_attempt_at = :leaseUntil, updated_at = now()
            from due where request_id = due.due_id
            returning label_requests.*""")
    List<LabelRequestRow> claimDue(@Bind("now") Instant now, @Bind("leaseUntil") Instant leaseUntil,
                                   @Bind("limit") int limit);

    /** Gives back a claimed request that was not attempted: due again at {@code now}. */
    @SqlUpdate("""
            update label_requests set next_attempt_at = :now, updated_at = now()
            where request_id = :requestId and state = 'PENDING'""")
    void unclaim(@Bind("requestId") String requestId, @Bind("now") Instant now);

    @SqlQuery("""
            select * from label_requests
            where order_id = :orderId and effect = 'CREATE_LABEL'
            order by created_at, request_id
            for update""")
    List<LabelRequestRow> lockLabelRequestsOfOrder(@Bind("orderId") String orderId);

    @SqlUpdate("""
            update label_requests
            set reason = :reason, next_attempt_at = :nextAttemptAt,
                attempts = attempts + case when :carrierAttempt then 1 else 0 end, updated_at = now()
            where request_id = :requestId and state = 'PENDING'""")
    void markWaiting(@Bind("requestId") String requestId, @Bind("reason") String reason,
                     @Bind("nextAttemptAt") Instant nextAttemptAt, @Bind("carrierAttempt") boolean carrierAttempt);

    @SqlUpdate("""
            update label_requests
            set state = :state, reason = :reason, reference = :reference, next_attempt_at = null, updated_at = now()
            where request_id = :requestId""")
    void markAnswered(@Bind("requestId") String requestId, @Bind("state") RequestState state,
                      @Bind("reason") String reason, @Bind("reference") String reference);

    /** Records that a hold of this kind was announced; 1 the first time, 0 after, so a HELD goes out once per kind. */
    @SqlUpdate("""
            update label_requests set held = array_append(held, :kind)
            where request_id = :requestId and not (:kind = any(held))""")
    int announceHold(@Bind("requestId") String requestId, @Bind("kind") String kind);

    @SqlUpdate("""
            insert into shipments (request_id, order_id, label_id, tracking_number, status)
            values (:requestId, :orderId, :labelId, :trackingNumber, :status)
            on conflict (request_id) do nothing""")
    void insertShipment(@Bind("requestId") String requestId, @Bind("orderId") String orderId,
                        @Bind("labelId") String labelId, @Bind("trackingNumber") String trackingNumber,
                        @Bind("status") Shipment.Status status);

    @SqlQuery("select * from shipments where request_id = :requestId for update")
    Optional<Shipment> lockShipment(@Bind("requestId") String requestId);

    @SqlQuery("select * from shipments where tracking_number = :trackingNumber for update")
    Optional<Shipment> lockShipmentByTrackingNumber(@Bind("trackingNumber") String trackingNumber);

    @SqlQuery("select * from shipments where order_id = :orderId order by created_at, request_id")
    List<Shipment> shipmentsOfOrder(@Bind("orderId") String orderId);

    @SqlUpdate("update shipments set status = :status, updated_at = now() where request_id = :requestId")
    void setShipmentStatus(@Bind("requestId") String requestId, @Bind("status") Shipment.Status status);

    /** 1 if the event is new, 0 if this event id was received before. */
    @SqlUpdate("""
            insert into tracking_events (event_id, tracking_number, label_id, order_id, status, occurred_at)
            values (:eventId, :trackingNumber, :labelId, :orderId, :status, :occurredAt)
            on conflict (event_id) do nothing""")
    int insertTrackingEvent(@Bind("eventId") String eventId, @Bind("trackingNumber") String trackingNumber,
                            @Bind("labelId") String labelId, @Bind("orderId") String orderId,
                            @Bind("status") String status, @Bind("occurredAt") Instant occurredAt);
}
