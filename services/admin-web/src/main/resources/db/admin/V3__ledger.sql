-- The finance ledger's postings (finance.ledger, written by the audit worker): a refund is kept when it is posted.
create table ledger_entries (
    entry_id           text primary key,
    order_id           text not null,
    kind               text not null,          -- CAPTURE, REFUND
    amount_minor       bigint not null,
    currency           text not null,
    payment_reference  text,
    request_id         text,
    occurred_at        timestamptz not null,
    posted_at          timestamptz not null
);
create index ledger_entries_by_order on ledger_entries (order_id, kind, posted_at);
-- The refunds report starts from the refund requests in the history.
create index order_history_effects on order_history (effect, occurred_at) where kind = 'EFFECT_REQUESTED';
