-- Staff, their sessions and API tokens. Secrets are stored only as hashes.
create table users (
    username         text primary key,
    password_hash    text not null,           -- bcrypt
    role             text not null,
    active           boolean not null default true,
    failed_logins    int not null default 0,
    locked_until     timestamptz,
    created_at       timestamptz not null default now()
);

create table sessions (
    token_hash   text primary key,            -- sha-256 of the cookie value
    username     text not null references users (username) on delete cascade,
    csrf_token   text not null,
    created_at   timestamptz not null,
    expires_at   timestamptz not null
);
create index sessions_by_expiry on sessions (expires_at);

create table api_tokens (
    id           bigserial primary key,
    name         text not null,
    token_hash   text not null unique,        -- sha-256 of the token
    username     text not null references users (username) on delete cascade,
    created_at   timestamptz not null,
    revoked_at   timestamptz
);

-- A bulk transition: one command per order, each decided on its own by the engine.
create table bulk_jobs (
    id           bigserial primary key,
    username     text not null,
    transition   text not null,
    reason       text,
    created_at   timestamptz not null
);
create table bulk_items (
    job_id       bigint not null references bulk_jobs (id) on delete cascade,
    order_id     text not null,
    command_id   text not null unique,
    sent         boolean not null default false,
    primary key (job_id, order_id)
);
