-- New label requests wake the shipping worker's due-work runners in every process at once (see db/common V3).
create trigger label_requests_due after insert on label_requests for each statement execute function due_work_notify();
