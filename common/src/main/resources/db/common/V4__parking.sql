-- Per-order parking (common/consumer/Parking): while a record of an order sits in a dead-letter topic, the records of
-- that order which the same consumer group receives later wait here, in arrival order, instead of being processed out
-- of order. Replaying the dead-lettered record releases them, in order, in the transaction that processes the replay.

-- One row per order a group has dead-lettered a record of: the order is blocked until that record is replayed.
create table parked_orders (
    consumer_group  text        not null,
    order_key       text        not null,   -- the record key: the order id
    origin          text        not null,   -- where the blocking record first failed: topic/partition/offset
    reason          text        not null,   -- its error, as in the dead letter's orderflow.error header
    since           timestamptz not null default now(),
    primary key (consumer_group, order_key)
);

-- The records parked behind a blocked order, untouched, released in seq order.
create table parked_messages (
    seq             bigserial   not null,
    consumer_group  text        not null,
    order_key       text        not null,
    topic           text        not null,
    kafka_partition int         not null,
    kafka_offset    bigint      not null,
    record_key      bytea,
    record_value    bytea,
    record_headers  bytea,                  -- Kafka headers, see Parking.encodeHeaders
    record_time     bigint      not null,   -- the Kafka timestamp, ms
    parked_at       timestamptz not null default now(),
    primary key (consumer_group, topic, kafka_partition, kafka_offset)  -- a redelivered record parks once
);
create index parked_messages_order_idx on parked_messages (consumer_group, order_key, seq);
