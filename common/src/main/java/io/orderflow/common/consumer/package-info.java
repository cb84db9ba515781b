/**
 * Idempotent consumption: {@link io.orderflow.common.consumer.IdempotentConsumer} applies each message to the
 * service's database once (processed-messages table, one transaction and one dedupe statement per polled batch; a
 * savepoint per record only to redo a batch in which a record failed), sends records it cannot decode or handle to
 * {@code <topic>.dlt}, parks the later records of an order behind its dead letter until the dead letter is replayed
 * ({@link io.orderflow.common.consumer.Parking}), and retries batches that hit transient failures.
 */
package io.orderflow.common.consumer;
