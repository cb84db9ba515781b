-- What test handlers did, one row per call (no unique key: a duplicate call must show up as a second row).
create table handled (
    message_id  text        not null,
    order_id    text        not null,
    handled_at  timestamptz not null default now()
);
