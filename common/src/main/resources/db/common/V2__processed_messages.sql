-- Idempotent consumption: a consumer inserts a message's id here in the same transaction as its effects, and skips
-- a message whose id is already here, so a redelivered message changes nothing. Keyed by consumer group too, so two
-- consumers of one topic in one schema each process every message.
create table processed_messages (
    consumer_group  text        not null,
    message_id      text        not null,
    topic           text        not null,   -- where it was first seen, for diagnosis
    kafka_partition int         not null,
    kafka_offset    bigint      not null,
    processed_at    timestamptz not null default now(),
    primary key (consumer_group, message_id)
);
-- For pruning rows older than any possible redelivery.
create index processed_messages_processed_at_idx on processed_messages (processed_at);
