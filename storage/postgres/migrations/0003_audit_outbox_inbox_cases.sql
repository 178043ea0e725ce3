-- The audit, outbox, sessions and buttons, inbox, job runs, corrections and cases (storage S2).
SELECT 1;
