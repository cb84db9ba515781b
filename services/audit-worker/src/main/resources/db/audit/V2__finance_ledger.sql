-- The finance ledger: one entry per successful capture or refund that moved money, posted by the audit worker and
-- published on finance.ledger through the outbox in the same transaction. See io.orderflow.audit.finance.

create table ledger_entries (
    entry_id          uuid        primary key,
    outcome_id        text        not null,
    order_id          text        not null,
    request_id        text,
    kind              text        not null check (kind in ('CAPTURE', 'REFUND')),
    amount_minor      bigint      not null check (amount_minor >= 0),
    currency          text        not null check (currency ~ '^[A-Z]{3}$'),
    -- OUTCOME: the payment worker reported the amount; ORDER_TOTAL: it did not, and the order total on the request
    -- was taken (a capture takes the order total, and a refund gives back the capture, which is that total).
    amount_source     text        not null check (amount_source in ('OUTCOME', 'ORDER_TOTAL')),
    payment_reference text,                          -- the gateway's charge id (capture) or refund id (refund)
    occurred_at       timestamptz not null,
    posted_at         timestamptz not null,
    constraint ledger_entries_outcome_unique unique (outcome_id)
);
-- One gateway transaction is one entry: a later outcome that only repeats it ("nothing to undo: already given back
-- by ...", with the same refund id) posts nothing.
create unique index ledger_entries_reference_unique on ledger_entries (kind, payment_reference)
    where payment_reference is not null;
create index ledger_entries_order_idx on ledger_entries (order_id, kind);

-- Ledger entries are as final as audit rows.
create trigger ledger_entries_append_only before update or delete or truncate on ledger_entries
    for each statement execute function refuse_change();

revoke update, delete, truncate on ledger_entries from public;
revoke update, delete, truncate on ledger_entries from current_user;

-- Successful captures and refunds that need the order total of their request, which has not been audited yet (it
-- comes on orders.events, the outcome on payment.events, in either order). Posted, and deleted, when it arrives.
create table awaiting_request (
    outcome_id        text        primary key,
    order_id          text        not null,
    request_id        text        not null,
    kind              text        not null check (kind in ('CAPTURE', 'REFUND')),
    payment_reference text        not null,
    occurred_at       timestamptz not null
);
create index awaiting_request_request_idx on awaiting_request (request_id);

-- Successful captures and refunds that post nothing, and why: NOTHING_MOVED (no amount and no gateway reference:
-- the payment worker's "nothing to undo"), ALREADY_POSTED (its gateway reference is in the ledger already), NO_AMOUNT
-- (no amount, and no request to take the order total from). Every successful capture or refund is either here or
-- in ledger_entries (or, briefly, in awaiting_request).
create table ledger_skipped_outcomes (
    outcome_id        text        primary key,
    order_id          text        not null,
    request_id        text,
    kind              text        not null check (kind in ('CAPTURE', 'REFUND')),
    why               text        not null check (why in ('NOTHING_MOVED', 'ALREADY_POSTED', 'NO_AMOUNT')),
    payment_reference text,
    occurred_at       timestamptz not null
);
create index ledger_skipped_outcomes_order_idx on ledger_skipped_outcomes (order_id, kind);
