-- Report templates, schedules, runs, mails and report files (storage S4).

-- Report templates. name_key is core.NormalizeName(name) while the template
-- is not deleted and NULL once it is: the name index of bbolt
-- (report_templates_by_name), unique among the templates not deleted.
CREATE TABLE report_templates (
	id bigint PRIMARY KEY,
	name_key text COLLATE "C",
	doc jsonb NOT NULL
);
CREATE UNIQUE INDEX report_templates_name_key ON report_templates (name_key) WHERE name_key IS NOT NULL;

-- Report schedules. due is NextRun while the schedule is active and NULL
-- once it is stopped: the due index (report_schedules_due).
CREATE TABLE report_schedules (
	id bigint PRIMARY KEY,
	due timestamptz,
	doc jsonb NOT NULL
);
CREATE INDEX report_schedules_due ON report_schedules (due, id) WHERE due IS NOT NULL;

-- Report runs are read by ID only.
CREATE TABLE report_runs (
	id bigint PRIMARY KEY,
	doc jsonb NOT NULL
);

-- Report mails. due is NextAttemptAt while the mail is pending (the zero
-- time, 0001-01-01, when it is due at once: first of all) and NULL once it
-- is sent or failed: the due index (report_mails_due).
CREATE TABLE report_mails (
	id bigint PRIMARY KEY,
	due timestamptz,
	doc jsonb NOT NULL
);
CREATE INDEX report_mails_due ON report_mails (due, id) WHERE due IS NOT NULL;

-- Report files, apart from the documents' (doc files): the lower-case hex
-- SHA-256 of the content, the content, and the number of runs that refer
-- to it (bbolt's report_files and report_file_refs). A file is deleted with
-- its last reference. DocumentTx.File reads this table after the documents'
-- files: SELECT content FROM report_files WHERE sha256 = $1.
CREATE TABLE report_files (
	sha256 text COLLATE "C" PRIMARY KEY,
	content bytea NOT NULL,
	refs bigint NOT NULL CHECK (refs > 0)
);
