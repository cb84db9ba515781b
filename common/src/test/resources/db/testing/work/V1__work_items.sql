-- A minimal table of due work for DueWorkRunnerTest: claimed with a lease (next_attempt_at moved ahead) and attempts.
create table work_items (
    id              text        primary key,
    status          text        not null default 'pending' check (status in ('pending', 'done')),
    attempts        int         not null default 0,
    next_attempt_at timestamptz not null default now(),
    performed_by    text[]      not null default '{}'
);
create trigger work_items_due after insert on work_items for each statement execute function due_work_notify();
