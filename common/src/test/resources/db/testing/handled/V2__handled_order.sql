-- The order calls came in, for tests of per-order ordering (parked records released in order).
alter table handled add column seq bigserial;
