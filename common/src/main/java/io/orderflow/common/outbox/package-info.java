/**
 * Transactional outbox. A service adds its outgoing messages with {@link io.orderflow.common.outbox.Outbox#add} in
 * the transaction that changes its business rows; {@link io.orderflow.common.outbox.OutboxRelay} publishes committed
 * rows to Kafka in order and deletes them. Delivery is at least once; consumers dedupe by message id.
 *
 * <pre>{@code
 * // in the service's transaction:
 * outbox.add(handle, OutboxMessage.avro("inventory", orderId, outcome));   // -> inventory.events, key orderId
 * // once per process:
 * OutboxRelay relay = OutboxRelay.start(db, config);
 * }</pre>
 */
package io.orderflow.common.outbox;
