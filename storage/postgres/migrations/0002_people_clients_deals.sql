-- Users, invites, work chats, clients, deals, tasks, intakes and the registry cache (storage S1).

-- Users; their platform identities ("telegram:42") in a table of their own,
-- one row each, unique as bbolt's users_by_identity index.
CREATE TABLE users (
	id bigint PRIMARY KEY,
	doc jsonb NOT NULL
);
CREATE TABLE user_identities (
	identity text COLLATE "C" PRIMARY KEY,
	user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX user_identities_user ON user_identities (user_id);

CREATE TABLE invites (
	code text COLLATE "C" PRIMARY KEY,
	doc jsonb NOT NULL
);

-- An identity's failed invite redemptions; last_at is the list's last time.
CREATE TABLE invite_failures (
	identity text COLLATE "C" PRIMARY KEY,
	last_at timestamptz NOT NULL,
	doc jsonb NOT NULL
);
CREATE INDEX invite_failures_last ON invite_failures (last_at);

-- Work chats by core.ChatKey(platform, chat ID), bbolt's key.
CREATE TABLE work_chats (
	chat_key text COLLATE "C" PRIMARY KEY,
	platform text COLLATE "C" NOT NULL,
	chat_id text COLLATE "C" NOT NULL,
	purpose text COLLATE "C" NOT NULL,
	doc jsonb NOT NULL
);
CREATE INDEX work_chats_purpose ON work_chats (purpose, chat_key);

-- Clients. name_norm is the normalized name (short, else full) and full_norm
-- the normalized full name, each cut to 1024 bytes (what search reads);
-- short_key and full_key are core.NameKey of the short and full names (NULL
-- when empty or longer than 1024 bytes); checked_at is the time of the last
-- registry check of a verified, unmerged client (NULL otherwise).
CREATE TABLE clients (
	id bigint PRIMARY KEY,
	inn text COLLATE "C" NOT NULL,
	kpp text COLLATE "C" NOT NULL,
	ogrn text COLLATE "C" NOT NULL DEFAULT '',
	name_norm text COLLATE "C" NOT NULL,
	full_norm text COLLATE "C" NOT NULL,
	short_key text COLLATE "C",
	full_key text COLLATE "C",
	checked_at timestamptz,
	merged_into bigint NOT NULL DEFAULT 0,
	doc jsonb NOT NULL,
	CONSTRAINT clients_inn_kpp UNIQUE (inn, kpp)
);
CREATE INDEX clients_ogrn ON clients (ogrn, id) WHERE ogrn <> '';
CREATE INDEX clients_name ON clients (name_norm, id);
CREATE INDEX clients_short_key ON clients (short_key, id) WHERE short_key IS NOT NULL;
CREATE INDEX clients_full_key ON clients (full_key, id) WHERE full_key IS NOT NULL;
CREATE INDEX clients_checked ON clients (checked_at, id) WHERE checked_at IS NOT NULL;
-- Search by a fragment of the name (LIKE '%…%') walks clients_name in name
-- order and stops at its limit; a rare fragment would read every client, so
-- where the database has pg_trgm (PostgreSQL's contrib, a trusted extension)
-- a trigram index finds the few matches instead. Without it, or without the
-- right to create it, search works the same, only slower on many clients.
DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
		CREATE EXTENSION IF NOT EXISTS pg_trgm;
		CREATE INDEX clients_name_trgm ON clients USING gin (name_norm gin_trgm_ops, full_norm gin_trgm_ops);
	END IF;
EXCEPTION WHEN insufficient_privilege OR undefined_object OR undefined_file THEN
	RAISE NOTICE 'pg_trgm is not available: client search by name reads every client';
END
$$;

-- Deals. number is NULL for a deal without one; closed is core.Stage.Closed
-- of stage.
CREATE TABLE deals (
	id bigint PRIMARY KEY,
	number text COLLATE "C",
	client_id bigint NOT NULL DEFAULT 0,
	manager_id bigint NOT NULL DEFAULT 0,
	stage text COLLATE "C" NOT NULL DEFAULT '',
	closed boolean NOT NULL DEFAULT false,
	created_at timestamptz NOT NULL,
	doc jsonb NOT NULL,
	CONSTRAINT deals_number UNIQUE (number)
);
CREATE INDEX deals_client ON deals (client_id, id);
CREATE INDEX deals_manager ON deals (manager_id, id);

-- Tasks; due is NULL for a task without a due time.
CREATE TABLE tasks (
	id bigint PRIMARY KEY,
	assignee_id bigint NOT NULL DEFAULT 0,
	deal_id bigint NOT NULL DEFAULT 0,
	client_id bigint NOT NULL DEFAULT 0,
	status text COLLATE "C" NOT NULL DEFAULT '',
	due timestamptz,
	doc jsonb NOT NULL
);
CREATE INDEX tasks_assignee ON tasks (assignee_id, id);
CREATE INDEX tasks_deal ON tasks (deal_id, id) WHERE deal_id <> 0;
CREATE INDEX tasks_client ON tasks (client_id, id) WHERE client_id <> 0;
CREATE INDEX tasks_due ON tasks (due, id) WHERE due IS NOT NULL;

CREATE TABLE intakes (
	id bigint PRIMARY KEY,
	doc jsonb NOT NULL
);

-- Registry answers by source "/" INN "/" KPP, bbolt's key.
CREATE TABLE registry_cache (
	key text COLLATE "C" PRIMARY KEY,
	doc jsonb NOT NULL
);
