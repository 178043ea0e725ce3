-- The audit, outbox, sessions and buttons, inbox, job runs, corrections and cases (storage S2).
-- Each table: the record's key, the columns DealDesk looks it up, filters or
-- orders it by (indexed as the bbolt store's index buckets), and the record
-- as JSONB in doc, encoded as the bbolt store encodes it.

-- The audit trail: one row per changed field.
CREATE TABLE changes (
	id bigint PRIMARY KEY,
	entity text COLLATE "C" NOT NULL,
	entity_id bigint NOT NULL,
	at timestamptz NOT NULL,
	doc jsonb NOT NULL
);
-- An entity's history, oldest first (bolt: changes_by_entity).
CREATE INDEX changes_by_entity ON changes (entity, entity_id, id);
-- Every change in time order, for reports (bolt: changes_by_time).
CREATE INDEX changes_by_time ON changes (at, id);

-- Messages to chats. status is the record's; failed is whether its last
-- attempt failed (a last_error): a failed pending message holds up its
-- chat's later ones until it is due again.
CREATE TABLE outbox (
	id bigint PRIMARY KEY,
	platform text COLLATE "C" NOT NULL,
	chat_id text COLLATE "C" NOT NULL,
	status text COLLATE "C" NOT NULL,
	failed boolean NOT NULL,
	created_at timestamptz NOT NULL,
	next_attempt_at timestamptz NOT NULL,
	doc jsonb NOT NULL
);
-- The pending messages by due time (bolt: outbox_pending).
CREATE INDEX outbox_pending ON outbox (platform, next_attempt_at, id) WHERE status = 'pending';
-- The pending messages of a chat in the order they were written
-- (bolt: outbox_pending_by_chat).
CREATE INDEX outbox_pending_by_chat ON outbox (platform, chat_id, created_at, id) WHERE status = 'pending';

-- Step-by-step dialogs (key platform:chat:user) and button tokens. A NULL
-- expires_at never expires.
CREATE TABLE conversations (
	key text COLLATE "C" PRIMARY KEY,
	expires_at timestamptz,
	doc jsonb NOT NULL
);
CREATE INDEX conversations_by_expiry ON conversations (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE buttons (
	token text COLLATE "C" PRIMARY KEY,
	expires_at timestamptz,
	doc jsonb NOT NULL
);
CREATE INDEX buttons_by_expiry ON buttons (expires_at) WHERE expires_at IS NOT NULL;

-- Updates taken from the chat platforms. key is the platform's id of the
-- update ('' when it has none); handled_at is NULL while not handled.
CREATE TABLE inbox (
	id bigint PRIMARY KEY,
	platform text COLLATE "C" NOT NULL,
	key text COLLATE "C" NOT NULL DEFAULT '',
	chat_id text COLLATE "C" NOT NULL,
	received_at timestamptz NOT NULL,
	handled_at timestamptz,
	doc jsonb NOT NULL
);
-- An update delivered again is recognised by its platform and key
-- (bolt: inbox_by_key).
CREATE UNIQUE INDEX inbox_by_key ON inbox (platform, key) WHERE key <> '';
-- The updates not yet handled, by ID, all and by chat (bolt: inbox_pending,
-- inbox_pending_by_chat).
CREATE INDEX inbox_pending ON inbox (id) WHERE handled_at IS NULL;
CREATE INDEX inbox_pending_by_chat ON inbox (platform, chat_id, id) WHERE handled_at IS NULL;
-- The handled ones by time, for the purge (bolt: inbox_by_handled).
CREATE INDEX inbox_by_handled ON inbox (handled_at) WHERE handled_at IS NOT NULL;

-- Transports' reading positions.
CREATE TABLE transport_cursors (
	name text COLLATE "C" PRIMARY KEY,
	value text NOT NULL
);

-- Periodic jobs' runs, by job name.
CREATE TABLE job_runs (
	name text COLLATE "C" PRIMARY KEY,
	doc jsonb NOT NULL
);

-- Corrections of a record's field (entity, entity_id: the record edited).
CREATE TABLE corrections (
	id bigint PRIMARY KEY,
	entity text COLLATE "C" NOT NULL,
	entity_id bigint NOT NULL,
	status text COLLATE "C" NOT NULL,
	created_at timestamptz NOT NULL,
	doc jsonb NOT NULL
);
-- Every correction of a record, whatever its status.
CREATE INDEX corrections_by_record ON corrections (entity, entity_id, id);
-- Those waiting for approval (bolt: corrections_pending).
CREATE INDEX corrections_pending ON corrections (entity, entity_id, id) WHERE status = 'pending';

-- Case discussions. in_thread is set while the case is open in its thread
-- (or chat), unless its thread is still being opened: a thread has at most
-- one such case (bolt: cases_by_thread). deal_id, client_id: 0 when none.
CREATE TABLE cases (
	id bigint PRIMARY KEY,
	platform text COLLATE "C" NOT NULL,
	chat_id text COLLATE "C" NOT NULL,
	thread_id text COLLATE "C" NOT NULL DEFAULT '',
	in_thread boolean NOT NULL,
	deal_id bigint NOT NULL DEFAULT 0,
	client_id bigint NOT NULL DEFAULT 0,
	created_at timestamptz NOT NULL,
	doc jsonb NOT NULL
);
CREATE UNIQUE INDEX cases_by_thread ON cases (platform, chat_id, thread_id) WHERE in_thread;
CREATE INDEX cases_by_deal ON cases (deal_id, created_at, id) WHERE deal_id <> 0;
CREATE INDEX cases_by_client ON cases (client_id, created_at, id) WHERE client_id <> 0;

-- The messages collected in a case, in the order they came (by ID);
-- platform_id is the chat message's id ('' when none), collected once.
CREATE TABLE case_messages (
	id bigint PRIMARY KEY,
	case_id bigint NOT NULL,
	platform_id text COLLATE "C" NOT NULL DEFAULT '',
	doc jsonb NOT NULL
);
CREATE INDEX case_messages_by_case ON case_messages (case_id, id);
CREATE UNIQUE INDEX case_messages_by_pid ON case_messages (case_id, platform_id) WHERE platform_id <> '';
