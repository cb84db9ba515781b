-- The read model: orders as the projector last saw them on orders.events. Written only by the projector.
create table orders (
    order_id            text primary key,
    state               text not null,
    version             bigint not null,
    customer_id         text not null,
    customer_email      text not null,
    payment_method      text,
    shipping_address    text,
    total_minor         bigint not null,
    currency            text not null,
    placed_at           timestamptz not null,
    updated_at          timestamptz not null,
    state_since         timestamptz not null,
    payment_reference   text,
    label_id            text,
    tracking_number     text,
    tracking_status     text,
    note                text,
    -- The transition in flight (waiting for a worker) and what it waits for; null when none.
    in_flight           text,
    in_flight_effect    text,
    in_flight_request   text,
    in_flight_command   text,
    in_flight_since     timestamptz,
    in_flight_deadline  timestamptz,
    in_flight_actor     text,
    in_flight_role      text,
    held_reason         text,
    flagged_reason      text,
    -- The event this row reflects: an older or repeated event never overwrites a newer one.
    last_event_at       timestamptz not null,
    last_event_version  bigint not null
);
-- Keyset pagination and filters: every list query walks one of these in order.
create index orders_by_updated on orders (updated_at desc, order_id desc);
create index orders_by_placed on orders (placed_at desc, order_id desc);
create index orders_by_state_updated on orders (state, updated_at desc, order_id desc);
create index orders_by_email on orders (lower(customer_email) text_pattern_ops);
create index orders_in_flight on orders (updated_at desc, order_id desc) where in_flight is not null;
create index orders_held on orders (updated_at desc, order_id desc) where held_reason is not null;
create index orders_flagged on orders (updated_at desc, order_id desc) where flagged_reason is not null;

create table order_lines (
    order_id    text not null references orders (order_id) on delete cascade,
    line_no     int not null,
    sku         text not null,
    quantity    int not null,
    unit_minor  bigint not null,
    currency    text not null,
    primary key (order_id, line_no)
);

-- Everything that happened to an order: applied transitions, effect requests, rollbacks, holds, flags, tracking.
create table order_history (
    event_id     text primary key,
    order_id     text not null,
    version      bigint not null,
    occurred_at  timestamptz not null,
    kind         text not null,          -- STATE_CHANGED, EFFECT_REQUESTED, ROLLED_BACK, HELD, FLAGGED, TRACKING
    transition   text,
    from_state   text,
    to_state     text,
    effect       text,
    reason       text,
    actor_id     text not null,
    actor_role   text not null
);
create index order_history_by_order on order_history (order_id, occurred_at, version);
create index order_history_changes on order_history (occurred_at) where kind = 'STATE_CHANGED';

-- The one result of each command (orders.command-results), so pages and the API can wait for it by id.
create table command_results (
    command_id      text primary key,
    order_id        text not null,
    transition      text not null,
    status          text not null,
    rejection_code  text,
    message         text not null,
    state           text,
    version         bigint,
    decided_at      timestamptz not null
);
