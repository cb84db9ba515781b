-- The outgoing mail queue. The consumer of orders.events inserts one row per applied transition (rendered, ready to
-- send) in the same transaction that marks the event processed; senders claim due rows, send them over SMTP and
-- record the result. Nothing here ever blocks a transition: the engine does not know this table exists.
create table mail_queue (
    id              bigserial   primary key,
    -- The StateChanged event this mail announces. Unique: however often the event is delivered, and even if the
    -- processed-messages table were lost or the consumer group renamed, it queues one mail.
    event_id        text        not null unique,
    order_id        text        not null,
    transition      text        not null,            -- e.g. SHIP
    recipient       text        not null,
    subject         text        not null,
    text_body       text        not null,
    html_body       text        not null,
    -- Stable per event (<event-id@domain>), so a resend after a crash between SMTP's "250 OK" and our update is
    -- recognisable downstream as the same message.
    message_id      text        not null unique,
    status          text        not null default 'queued' check (status in ('queued', 'sent', 'dead')),
    -- Attempts started (counted when claimed, so a mail that crashes its sender still runs out of attempts).
    attempts        int         not null default 0 check (attempts >= 0),
    -- When a queued mail may next be claimed. A claim moves it one lease ahead: if the sender dies mid-send the
    -- mail becomes due again when the lease runs out, and another sender takes it.
    next_attempt_at timestamptz not null default now(),
    claim_token     uuid,                            -- the current claim; a stale sender cannot overwrite a newer one
    last_error      text,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    sent_at         timestamptz,
    check ((status = 'sent') = (sent_at is not null))
);

-- What senders scan: due queued mail, oldest first.
create index mail_queue_due_idx on mail_queue (next_attempt_at) where status = 'queued';
-- What ops look at: dead mail.
create index mail_queue_dead_idx on mail_queue (updated_at) where status = 'dead';
create index mail_queue_order_idx on mail_queue (order_id);
