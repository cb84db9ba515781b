-- The payment worker's own books: one row per request the engine asked it to perform, keyed by the request id.
-- The request id is also the root of every gateway Idempotency-Key the row uses (<request id>-authorize, -capture,
-- -void, -refund-<capture request id>), so whatever the gateway did for a row, a repeat of the row's calls finds it.
create table payments (
    request_id        text        primary key,
    -- Arrival order. The requests of one order are performed one at a time in this order, so a void never
    -- races the capture it undoes.
    seq               bigserial   not null unique,
    order_id          text        not null,
    kind              text        not null check (kind in ('CAPTURE', 'VOID', 'REFUND')),
    status            text        not null check (status in ('PENDING', 'SUCCEEDED', 'FAILED')),
    -- VOID: the capture request to undo; null means every capture the order holds.
    target_request_id text,
    -- CAPTURE: the order total to charge; VOID/REFUND: what was given back (null while pending or if nothing was).
    amount_minor      bigint,
    currency          text,
    payment_method    text,
    authorization_id  text,
    charge_id         text,
    refund_id         text,
    -- FAILED: why; SUCCEEDED: a note when there was nothing to do (e.g. nothing to undo).
    reason            text,
    -- CAPTURE: the VOID or REFUND request that gave the money back.
    undone_by         text        references payments (request_id),
    -- CAPTURE still pending when a VOID for it arrived: it must not be captured any more.
    cancelled_by      text        references payments (request_id),
    -- How often a worker set out to call the gateway for this row; 0 = the gateway has never heard of it.
    attempts          int         not null default 0,
    next_attempt_at   timestamptz not null default now(),
    -- A worker thread owns the row until then (it is calling the gateway); expired claims are taken over.
    claimed_until     timestamptz,
    -- When the HELD outcome was published: once per request.
    held_at           timestamptz,
    last_error        text,
    -- The OrderEvent that asked (Avro single-object encoding), to answer it when the request completes later.
    request_event     bytea       not null,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now(),

    -- A capture that may reach the gateway has an exact, positive amount in a well-formed currency; one that
    -- failed validation keeps what it was asked for, however wrong.
    constraint capture_amount check (kind <> 'CAPTURE' or status = 'FAILED'
        or (amount_minor > 0 and currency ~ '^[A-Z]{3}$' and payment_method is not null)),
    constraint refund_amount check (kind = 'CAPTURE' or amount_minor is null or amount_minor > 0),
    -- Money taken is always traceable to the gateway's charge.
    constraint captured_has_charge check (kind <> 'CAPTURE' or status <> 'SUCCEEDED' or charge_id is not null),
    constraint undone_only_captures check (undone_by is null or (kind = 'CAPTURE' and status = 'SUCCEEDED'))
);

-- What the scheduler looks for: pending rows that are due.
create index payments_pending_idx on payments (next_attempt_at) where status = 'PENDING';
-- An order's requests in arrival order: "the order's capture", "is an earlier request still pending".
create index payments_order_idx on payments (order_id, seq);
