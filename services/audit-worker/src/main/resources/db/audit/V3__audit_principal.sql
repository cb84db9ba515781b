-- The authenticated Kafka principal behind each row: for a command's events, the writer of the command (cli,
-- admin-web, ...); for an outcome, the worker; for the engine's own decisions (deadlines), order-engine. Taken from
-- the record's orderflow.principal header, which the writer's client library sets and the broker's ACLs make
-- trustworthy (docs/protocol.md, "Trust"). Null for rows recorded before it was kept. Part of the row's chain hash.
alter table audit_log add column principal text;

-- a.* is expanded when a view is made: made again so the new column shows.
drop view audit_trail;
create view audit_trail as
select a.*, coalesce(a.correlation_id, r.correlation_id) as resolved_correlation_id
from audit_log a
left join effect_requests r on a.correlation_id is null and r.request_id = a.request_id;
