-- Documents and their files, sends and EDO cursors; reminders, control results, settings and calendar years; requests (storage S3).
SELECT 1;
