-- Wakes the due-work runners of a table (io.orderflow.common.work.DueWorkRunner) as soon as new work commits, instead
-- of at their next poll. A service's migration attaches it to its work table:
--   create trigger payments_due after insert on payments for each statement execute function due_work_notify();
-- One channel for every schema and table, with "<schema>.<table>" as payload (a channel per table could exceed
-- PostgreSQL's 63-byte identifier limit). NOTIFY is delivered at commit, never for a rolled-back transaction.
create function due_work_notify() returns trigger language plpgsql as $$
begin
    perform pg_notify('orderflow_due_work', tg_table_schema || '.' || tg_table_name);
    return null;
end
$$;
