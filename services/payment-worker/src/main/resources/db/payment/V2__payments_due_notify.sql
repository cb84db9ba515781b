-- New requests wake the payment worker's due-work runners in every process at once (see db/common V3).
create trigger payments_due after insert on payments for each statement execute function due_work_notify();
