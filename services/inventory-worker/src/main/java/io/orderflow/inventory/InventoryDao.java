package io.orderflow.inventory;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * All of the inventory worker's SQL. Statements that change stock expect the caller to hold the rows' locks
 * ({@link #lockLevels}) in the same transaction, taken in SKU order (see {@link Inventory}). Reservation statuses are {@code active}, {@code released} and
 * {@code consumed}; a null {@code target} means every reservation of the order.
 */
@RegisterConstructorMapper(StockLevel.class)
@RegisterConstructorMapper(Reservation.class)
@RegisterConstructorMapper(Discrepancy.class)
public interface InventoryDao {

    /**
     * Takes the schema's seeding lock until the transaction ends, so instances starting together seed stock once.
     * Two-key form, so it never collides with the outbox relay's single-key advisory locks; keyed by schema, so test
     * schemas don't contend.
     */
    @SqlQuery("select 1 from (select pg_advisory_xact_lock(hashtext('orderflow.inventory.seed'),"
            + " hashtext(current_schema()))) locked")
    int lockSeeding();

    /** The SKUs the orders hold reservations of, in any status. */
    @SqlQuery("select distinct sku from reservations where order_id = any(:orderIds)")
    List<String> reservedSkus(@Bind("orderIds") String[] orderIds);

    /** Earlier answers to any of {@code requestIds}. */
    @SqlQuery("select request_id, outcome from answered_requests where request_id = any(:requestIds)")
    @RegisterConstructorMapper(Answer.class)
    List<Answer> answers(@Bind("requestIds") String[] requestIds);

    /** A request's published answer (Avro EffectOutcome). */
    record Answer(String requestId, byte[] outcome) {}

    /** The stock rows of {@code skus} that exist, locked, in SKU order. */
    @SqlQuery("select sku, on_hand, reserved from stock where sku = any(:skus) order by sku for update")
    List<StockLevel> lockLevels(@Bind("skus") String[] skus);

    @SqlQuery("select sku, on_hand, reserved from stock where sku = :sku")
    Optional<StockLevel> level(@Bind("sku") String sku);

    @SqlQuery("select sku, on_hand, reserved from stock order by sku")
    List<StockLevel> levels();

    /** Adds each line's quantity to reserved (negative quantities take it away). */
    @SqlBatch("update stock set reserved = reserved + :quantity, updated_at = now() where sku = :sku")
    void addReserved(@BindMethods List<Line> lines);

    /** Adds each line's quantity to both on-hand and reserved: stock leaving with, or returning from, a shipment. */
    @SqlBatch("update stock set on_hand = on_hand + :quantity, reserved = reserved + :quantity, updated_at = now()"
            + " where sku = :sku")
    void addOnHandAndReserved(@BindMethods List<Line> lines);

    @SqlUpdate("insert into stock (sku, on_hand) values (:sku, :onHand)"
            + " on conflict (sku) do update set on_hand = excluded.on_hand, updated_at = now()")
    void setOnHand(@Bind("sku") String sku, @Bind("onHand") int onHand);

    @SqlQuery("select exists (select 1 from stock)")
    boolean hasStock();

    @SqlBatch("insert into stock (sku, on_hand) values (:sku, :quantity) on conflict (sku) do nothing")
    void insertStock(@BindMethods List<Line> levels);

    @SqlBatch("insert into reservations (request_id, order_id, sku, quantity) values (:requestId, :orderId, :sku, :quantity)")
    void insertReservations(@Bind("requestId") String requestId, @Bind("orderId") String orderId,
                            @BindMethods List<Line> lines);

    /** The order's reservations in {@code status} (all, or {@code target}'s), locked, in SKU order. */
    @SqlQuery("select request_id, order_id, sku, quantity from reservations"
            + " where order_id = :orderId and status = :status and (cast(:target as text) is null or request_id = :target)"
            + " order by sku, request_id for update")
    List<Reservation> lockReservations(@Bind("orderId") String orderId, @Bind("status") String status,
                                       @Bind("target") String target);

    @SqlUpdate("update reservations set status = :to, updated_at = now()"
            + " where order_id = :orderId and status = :from and (cast(:target as text) is null or request_id = :target)")
    int moveReservations(@Bind("orderId") String orderId, @Bind("target") String target, @Bind("from") String from,
                         @Bind("to") String to);

    /** The status of a request's reservation (all its lines share one), if it made one for this order. */
    @SqlQuery("select min(status) from reservations where order_id = :orderId and request_id = :requestId")
    Optional<String> reservationStatus(@Bind("orderId") String orderId, @Bind("requestId") String requestId);

    @SqlQuery("select request_id, order_id, sku, quantity from reservations"
            + " where order_id = :orderId and status = :status order by request_id, sku")
    List<Reservation> reservations(@Bind("orderId") String orderId, @Bind("status") String status);

    @SqlQuery("select sku, reserved, active_reserved from stock_discrepancies order by sku")
    List<Discrepancy> discrepancies();

    @SqlUpdate("insert into answered_requests (request_id, order_id, effect, status, outcome)"
            + " values (:requestId, :orderId, :effect, :status, :outcome)")
    void recordAnswer(@Bind("requestId") String requestId, @Bind("orderId") String orderId,
                      @Bind("effect") String effect, @Bind("status") String status, @Bind("outcome") byte[] outcome);
}
