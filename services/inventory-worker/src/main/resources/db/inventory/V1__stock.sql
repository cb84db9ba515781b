-- Stock per SKU. The CHECKs make negative stock impossible whatever code (or person) writes here: nothing can
-- reserve more than is on hand, release more than is reserved, or set on-hand below what is reserved.
-- No demo data here: the worker seeds an empty table from ORDERFLOW_INVENTORY_SEED at start (see StockSeed).
create table stock (
    sku        text        primary key,
    on_hand    integer     not null,
    reserved   integer     not null default 0,
    updated_at timestamptz not null default now(),
    constraint stock_reserved_not_negative  check (reserved >= 0),
    constraint stock_available_not_negative check (on_hand - reserved >= 0)
);

-- What each request holds of each SKU. 'active' counts in stock.reserved; 'consumed' left the warehouse with a
-- shipment (DEDUCT_STOCK) and becomes active again on unship (RESTORE_STOCK); 'released' is gone for good.
create table reservations (
    request_id text        not null,   -- the RESERVE_STOCK request that made it (<orderId>-r<n>)
    order_id   text        not null,
    sku        text        not null references stock (sku),
    quantity   integer     not null constraint reservations_quantity_positive check (quantity > 0),
    status     text        not null default 'active'
                           constraint reservations_status_known check (status in ('active', 'released', 'consumed')),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (request_id, sku)
);
create index reservations_order_idx on reservations (order_id, status);
create index reservations_active_sku_idx on reservations (sku) where status = 'active';

-- Every request answered, with the answer as published: the request id is the worker's idempotency key, so a
-- request that comes again (under a new event id) gets the same answer again and changes no stock.
create table answered_requests (
    request_id  text        primary key,
    order_id    text        not null,
    effect      text        not null,
    status      text        not null,
    outcome     bytea       not null,   -- the EffectOutcome, Avro single-object encoding
    answered_at timestamptz not null default now()
);

-- The other half of the stock invariant, which a CHECK cannot express: reserved stock equals the sum of active
-- reservations. Empty when it holds; one row per SKU where it does not.
create view stock_discrepancies as
select s.sku, s.reserved, coalesce(a.active_reserved, 0) as active_reserved
from stock s
left join (select sku, sum(quantity) as active_reserved
           from reservations
           where status = 'active'
           group by sku) a on a.sku = s.sku
where s.reserved <> coalesce(a.active_reserved, 0);
