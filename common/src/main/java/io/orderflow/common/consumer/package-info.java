/**
 * Idempotent consumption: {@link io.orderflow.common.consumer.IdempotentConsumer} applies each message to the
 * service's database once (processed-messages table, one transaction per batch, a savepoint per record), sends
 * records it cannot decode or handle to {@code <topic>.dlt}, and retries batches that hit transient failures.
 */
package io.orderflow.common.consumer;
