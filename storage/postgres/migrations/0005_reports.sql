-- Report templates, schedules, runs, mails and report files (storage S4).
SELECT 1;
