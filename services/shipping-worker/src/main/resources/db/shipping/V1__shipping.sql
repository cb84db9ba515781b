-- Every CREATE_LABEL and VOID_LABEL request the worker received, and what it answered. A request that waits (business
-- hours closed, carrier unavailable) stays PENDING with the time of its next attempt; the scheduler picks it up then.
create table label_requests (
    request_id        text        primary key,   -- the engine's request id; also the carrier Idempotency-Key
    order_id          text        not null,
    effect            text        not null check (effect in ('CREATE_LABEL', 'VOID_LABEL')),
    target_request_id text,                      -- VOID_LABEL: the CREATE_LABEL to undo; null = all of the order's
    event             bytea       not null,      -- the OrderEvent that carried the request (Avro), to answer it later
    state             text        not null check (state in ('PENDING', 'SUCCEEDED', 'FAILED')),
    reason            text,                      -- why it failed, why it waits, or a note on a success
    reference         text,                      -- the label id(s) of the answer
    held              text[]      not null default '{}',  -- hold kinds already announced with a HELD outcome
    attempts          int         not null default 0,     -- carrier attempts that found the carrier unavailable
    next_attempt_at   timestamptz,               -- PENDING: when the scheduler tries again
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now(),
    check ((state = 'PENDING') = (next_attempt_at is not null))
);
create index label_requests_due_idx on label_requests (next_attempt_at) where state = 'PENDING';
create index label_requests_order_idx on label_requests (order_id);

-- One row per label the carrier created for a request. Status follows the carrier's tracking, forward only.
create table shipments (
    request_id      text        primary key references label_requests,
    order_id        text        not null,
    label_id        text        not null unique,
    tracking_number text        not null unique,
    status          text        not null check (status in ('CREATED', 'IN_TRANSIT', 'DELIVERED', 'VOIDED')),
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now()
);
create index shipments_order_idx on shipments (order_id);

-- Tracking webhooks received, keyed by the carrier's event id: a redelivered event is recognised and changes nothing.
create table tracking_events (
    event_id        text        primary key,
    tracking_number text        not null,
    label_id        text,
    order_id        text        not null,
    status          text        not null,
    occurred_at     timestamptz not null,
    received_at     timestamptz not null default now()
);
