-- Documents and their files, sends and EDO cursors; reminders, control results, settings and calendar years; requests (storage S3).

-- Documents. number and edo_message_id are NULL when the document has none;
-- each is unique among the documents that have one (bbolt's docs_by_number
-- and docs_by_edo). docs_by_deal lists a deal's documents oldest first.
CREATE TABLE documents (
	id bigint PRIMARY KEY,
	deal_id bigint NOT NULL DEFAULT 0,
	number text COLLATE "C",
	edo_message_id text COLLATE "C",
	doc jsonb NOT NULL
);
CREATE INDEX documents_by_deal ON documents (deal_id, id);
CREATE UNIQUE INDEX documents_by_number ON documents (number) WHERE number IS NOT NULL;
CREATE UNIQUE INDEX documents_by_edo ON documents (edo_message_id) WHERE edo_message_id IS NOT NULL;

-- Files of documents and templates: the lower-case hex SHA-256 of the
-- content → the content, written once and never changed.
CREATE TABLE doc_files (
	sha256 text COLLATE "C" PRIMARY KEY,
	content bytea NOT NULL
);

-- Document templates are read by ID or all at once (there are few).
CREATE TABLE doc_templates (
	id bigint PRIMARY KEY,
	doc jsonb NOT NULL
);

-- Document sends. due is NextAttemptAt while the send is pending (the zero
-- time, 0001-01-01, sorts first) and NULL otherwise: the due index.
CREATE TABLE doc_sends (
	id bigint PRIMARY KEY,
	doc_id bigint NOT NULL DEFAULT 0,
	due timestamptz,
	doc jsonb NOT NULL
);
CREATE INDEX doc_sends_due ON doc_sends (due, id) WHERE due IS NOT NULL;

-- The cursor of each EDO operator's event feed.
CREATE TABLE edo_cursors (
	operator text COLLATE "C" PRIMARY KEY,
	cursor text NOT NULL
);

-- Reminders. key is unique whatever the status (a key is never reused);
-- pending is Status = pending. reminders_due is the tick's index: only the
-- pending reminders, by due time, so a tick reads only what is due.
CREATE TABLE reminders (
	id bigint PRIMARY KEY,
	key text COLLATE "C" NOT NULL,
	user_id bigint NOT NULL DEFAULT 0,
	deal_id bigint NOT NULL DEFAULT 0,
	task_id bigint NOT NULL DEFAULT 0,
	due_at timestamptz NOT NULL,
	pending boolean NOT NULL,
	doc jsonb NOT NULL
);
CREATE UNIQUE INDEX reminders_by_key ON reminders (key);
CREATE INDEX reminders_due ON reminders (due_at, id) WHERE pending;
CREATE INDEX reminders_pending_by_user ON reminders (user_id, due_at, id) WHERE pending;
CREATE INDEX reminders_by_deal ON reminders (deal_id, due_at, id) WHERE deal_id <> 0;
CREATE INDEX reminders_by_task ON reminders (task_id, due_at, id) WHERE task_id <> 0;

-- The number of pending reminders (for /status and the metrics), kept by
-- statement triggers from the rows each statement inserted, updated or
-- deleted, so it is read without counting a million index entries. One
-- row.
CREATE TABLE reminders_pending_count (
	one boolean PRIMARY KEY DEFAULT true CHECK (one),
	n bigint NOT NULL CHECK (n >= 0)
);
INSERT INTO reminders_pending_count (n) VALUES (0);
CREATE FUNCTION reminders_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE reminders_pending_count SET n = n + (SELECT count(*) FROM new_rows WHERE pending);
	RETURN NULL;
END $$;
CREATE FUNCTION reminders_count_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE reminders_pending_count
		SET n = n + (SELECT count(*) FROM new_rows WHERE pending) - (SELECT count(*) FROM old_rows WHERE pending);
	RETURN NULL;
END $$;
CREATE FUNCTION reminders_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE reminders_pending_count SET n = n - (SELECT count(*) FROM old_rows WHERE pending);
	RETURN NULL;
END $$;
CREATE TRIGGER reminders_count_inserted AFTER INSERT ON reminders
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reminders_count_inserted();
CREATE TRIGGER reminders_count_updated AFTER UPDATE ON reminders
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION reminders_count_updated();
CREATE TRIGGER reminders_count_deleted AFTER DELETE ON reminders
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION reminders_count_deleted();

-- Control results (answers to reminders).
CREATE TABLE control_results (
	id bigint PRIMARY KEY,
	at timestamptz NOT NULL,
	deal_id bigint NOT NULL DEFAULT 0,
	task_id bigint NOT NULL DEFAULT 0,
	doc jsonb NOT NULL
);
CREATE INDEX control_results_by_time ON control_results (at, id);
CREATE INDEX control_results_by_deal ON control_results (deal_id, at, id) WHERE deal_id <> 0;
CREATE INDEX control_results_by_task ON control_results (task_id, at, id) WHERE task_id <> 0;

-- Settings stored as JSON under a name: "reminders" (core.ReminderSettings)
-- and "work" (core.WorkSettings), as in bbolt's settings bucket.
CREATE TABLE settings (
	name text COLLATE "C" PRIMARY KEY,
	doc jsonb NOT NULL
);

-- Production-calendar files an admin loaded, by year.
CREATE TABLE calendar_years (
	year integer PRIMARY KEY,
	data bytea NOT NULL
);

-- Requests (обращения). open is "not done or rejected"; assignee, client
-- and deal are 0 when none. Each index ends in (created_at, id): the order
-- of the results, oldest first.
CREATE TABLE requests (
	id bigint PRIMARY KEY,
	type text COLLATE "C" NOT NULL DEFAULT '',
	open boolean NOT NULL,
	requester_id bigint NOT NULL DEFAULT 0,
	assignee_id bigint NOT NULL DEFAULT 0,
	client_id bigint NOT NULL DEFAULT 0,
	deal_id bigint NOT NULL DEFAULT 0,
	created_at timestamptz NOT NULL,
	doc jsonb NOT NULL
);
CREATE INDEX requests_by_time ON requests (created_at, id);
CREATE INDEX requests_open ON requests (created_at, id) WHERE open;
CREATE INDEX requests_by_requester ON requests (requester_id, open, created_at, id);
CREATE INDEX requests_by_assignee ON requests (assignee_id, open, created_at, id) WHERE assignee_id <> 0;
CREATE INDEX requests_by_client ON requests (client_id, created_at, id) WHERE client_id <> 0;
CREATE INDEX requests_by_deal ON requests (deal_id, created_at, id) WHERE deal_id <> 0;
