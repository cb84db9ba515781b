-- Transactional outbox: a service inserts its outgoing messages here in the same transaction as its business rows;
-- OutboxRelay publishes them to Kafka and deletes them. Column names are those Debezium's outbox event router
-- expects (id, aggregatetype, aggregateid, type, payload), so change-data capture can replace the relay later
-- without a migration.
create table outbox (
    -- Publication order. Assigned at insert, so rows of one order id, written by transactions that the consumer
    -- runs one after another, are published in the order they were written.
    seq           bigserial   not null,
    id            uuid        primary key,
    aggregatetype text        not null,   -- e.g. 'inventory': the relay maps it to a topic ('inventory.events')
    aggregateid   text        not null,   -- the order id: the Kafka key
    type          text        not null,   -- the payload's record type, e.g. 'EffectOutcome'
    payload       bytea,                  -- the Kafka value: Avro single-object encoding
    created_at    timestamptz not null default now()
);
create unique index outbox_seq_idx on outbox (seq);

-- Wakes the relay as soon as rows commit (NOTIFY is delivered at commit, never for a rolled-back transaction).
-- One channel for every schema with the schema as payload: a channel named after the schema could exceed
-- PostgreSQL's 63-byte identifier limit and make inserts fail.
create function outbox_notify() returns trigger language plpgsql as $$
begin
    perform pg_notify('orderflow_outbox', tg_table_schema);
    return null;
end
$$;

create trigger outbox_notify after insert on outbox
    for each statement execute function outbox_notify();
