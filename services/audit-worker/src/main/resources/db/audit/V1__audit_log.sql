-- The audit log: one row per order event (orders.events) and per worker outcome (inventory/payment/shipping.events),
-- append-only, each order's rows hash-chained. See README "Audit log" and io.orderflow.audit.log.AuditLog.

create table audit_log (
    seq            bigserial   primary key,          -- global insertion order, for reading; not part of the chain
    message_id     text        not null,             -- event id or outcome id: one row per message, ever
    order_id       text        not null,
    chain_index    bigint      not null,             -- 1, 2, 3 ... within the order
    source_topic   text        not null,
    event_kind     text        not null,
    order_version  bigint,                           -- the order's version after an order event; null for outcomes
    transition     text,
    from_state     text,
    to_state       text,
    effect         text,
    request_id     text,
    status         text,                             -- an outcome's (SUCCEEDED ...) or an update's (ROLLED_BACK ...)
    actor_user_id  text        not null,             -- a person's user id, or the system component's name
    actor_role     text        not null,             -- CUSTOMER ... ADMIN, or SYSTEM
    reason         text,
    correlation_id text,                             -- null only for an outcome whose request was never seen
    causation_id   text,
    occurred_at    timestamptz not null,             -- when it happened, by its writer's clock
    recorded_at    timestamptz not null,             -- when it was audited, by the audit worker's clock
    event          jsonb       not null,             -- the whole message in Avro's JSON encoding
    prev_hash      text,                             -- hash of the order's previous row; null for its first
    hash           text        not null,             -- sha256(prev_hash, this row's content), lower-case hex
    constraint audit_log_message_unique unique (message_id),
    constraint audit_log_chain_unique unique (order_id, chain_index),
    constraint audit_log_event_kind check (event_kind in
        ('STATE_CHANGED', 'EFFECT_REQUESTED', 'TRANSITION_UPDATE', 'EFFECT_OUTCOME')),
    constraint audit_log_chain_start check ((chain_index = 1) = (prev_hash is null) and chain_index >= 1),
    constraint audit_log_hash_format
        check (hash ~ '^[0-9a-f]{64}$' and (prev_hash is null or prev_hash ~ '^[0-9a-f]{64}$'))
);
create index audit_log_request_idx on audit_log (request_id) where request_id is not null;
create index audit_log_recorded_at_idx on audit_log (recorded_at);

-- Append-only, enforced twice by the database itself:
-- 1. a trigger refuses UPDATE, DELETE and TRUNCATE whoever asks, the table's owner included (in dev the service's
--    role owns its schema, and an owner always keeps the power to grant itself privileges back);
-- 2. the role that runs this migration (the service's role) and everybody else lose UPDATE, DELETE and TRUNCATE,
--    so a statement fails on privileges before it even reaches the trigger.
-- Undoing either needs ALTER TABLE / GRANT by the owner: a deliberate act, visible in the server log, and one the
-- hash chain still exposes (AuditAdmin verify). Statement-level, so even an UPDATE matching no row is refused.
create function refuse_change() returns trigger language plpgsql as $$
begin
    raise exception '% is append-only: % refused', tg_table_name, tg_op
        using errcode = 'restrict_violation',
              hint = 'audit and ledger rows are never changed; record a correcting entry instead';
end
$$;

create trigger audit_log_append_only before update or delete or truncate on audit_log
    for each statement execute function refuse_change();

revoke update, delete, truncate on audit_log from public;
revoke update, delete, truncate on audit_log from current_user;

-- Every effect the engine asked a worker for, as seen on orders.events: gives an outcome its correlation id, a
-- payment outcome without an amount the order total, and the refund SLA check its start time.
create table effect_requests (
    request_id        text        primary key,
    order_id          text        not null,
    effect            text        not null,
    transition        text        not null,
    compensation      boolean     not null,
    order_total_minor bigint      not null,
    currency          text        not null,
    payment_reference text,
    correlation_id    text        not null,
    requested_at      timestamptz not null
);
create index effect_requests_refunds_idx on effect_requests (requested_at) where effect = 'REFUND_PAYMENT';

-- The audit log for reading: an outcome audited before its request (the two come on different topics, and a worker
-- catching up may read outcomes first) carries no correlation id in its row, which can never change; this view
-- takes it from the request.
create view audit_trail as
select a.*, coalesce(a.correlation_id, r.correlation_id) as resolved_correlation_id
from audit_log a
left join effect_requests r on a.correlation_id is null and r.request_id = a.request_id;
