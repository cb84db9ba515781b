-- Newly queued mail wakes the senders in every process at once (see db/common V3).
create trigger mail_queue_due after insert on mail_queue for each statement execute function due_work_notify();
