-- Counters: named sequences (core's NextSequence, "seq:<name>") and the IDs
-- of each table ("id:<table>"). A row updated in the writing transaction, so
-- numbers have no gaps (unlike a PostgreSQL SEQUENCE, which skips on rollback).
CREATE TABLE counters (
	name text PRIMARY KEY,
	value bigint NOT NULL
);
