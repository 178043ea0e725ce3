package postgres

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dealdesk/dealdesk/core"
)

// Source is a DealDesk database to copy from, as the bbolt store
// (storage/bolt.DB) gives it: every entry of its buckets and each bucket's
// ID counter. The bucket names and encodings are bbolt's (records as JSON
// under an 8-byte big-endian ID or their natural key).
type Source interface {
	// Dump calls fn with every entry of every bucket a copy carries, in one
	// read transaction; key and value are valid only during the call.
	Dump(ctx context.Context, fn func(bucket string, key, value []byte) error) error
	// Sequences returns each bucket's ID counter (the last ID given) that
	// has moved, by bucket name.
	Sequences(ctx context.Context) (map[string]uint64, error)
}

// ImportCount is what Import copied of one source bucket.
type ImportCount struct {
	Bucket string // the source's bucket: "deals"
	Table  string // the table the records went to: "deals"
	Source int64  // entries in the source bucket
	Target int64  // rows of the table (those of the bucket's kind) after the copy
}

// ImportReport is what Import copied: each source bucket's count and the
// table's, equal (Import fails otherwise), in ImportBuckets' order.
type ImportReport struct {
	Counts []ImportCount
	// Counters is the number of counters set: the tables' ID counters and
	// the named counters (deal and document numbers…).
	Counters int
}

// importer copies one source bucket into its table.
type importer struct {
	bucket string
	table  string
	// where restricts the count of the table's rows to those of this
	// bucket ("" counts them all).
	where string
	// idCounter is the table whose ID counter ("id:<table>") the bucket's
	// sequence sets; empty when the bucket has none.
	idCounter string
	put       func(s *importState, key, value []byte) error
}

// record decodes a record's JSON into a new T and writes it with put, its
// ID or key kept.
func record[T any](put func(*Tx, *T) error) func(*importState, []byte, []byte) error {
	return func(s *importState, _, v []byte) error {
		rec := new(T)
		if err := decode(v, rec); err != nil {
			return err
		}
		return put(s.tx, rec)
	}
}

// importers lists every bucket a copy carries, in the source's order. A
// source bucket not here is refused by Import (and its test compares this
// list with bbolt's).
var importers = []importer{
	{bucket: "users", table: "users", idCounter: "users", put: record((*Tx).putUser)},
	{bucket: "invites", table: "invites", put: record((*Tx).putInvite)},
	{bucket: "chats", table: "work_chats", put: record((*Tx).putWorkChat)},
	{bucket: "clients", table: "clients", idCounter: "clients", put: record((*Tx).putClient)},
	{bucket: "deals", table: "deals", idCounter: "deals", put: record((*Tx).putDeal)},
	{bucket: "tasks", table: "tasks", idCounter: "tasks", put: record((*Tx).putTask)},
	{bucket: "intakes", table: "intakes", idCounter: "intakes", put: record((*Tx).putIntake)},
	{bucket: "registry_cache", table: "registry_cache", put: func(s *importState, k, v []byte) error {
		rec := new(core.RegistryRecord)
		if err := decode(v, rec); err != nil {
			return err
		}
		return s.tx.putCachedRecord(string(k), rec)
	}},
	{bucket: "changes", table: "changes", idCounter: "changes", put: record((*Tx).putChange)},
	{bucket: "outbox", table: "outbox", idCounter: "outbox", put: record((*Tx).putOutboxMessage)},
	{bucket: "conversations", table: "conversations", put: record((*Tx).putConversation)},
	{bucket: "buttons", table: "buttons", put: record((*Tx).putButton)},
	{bucket: "inbox", table: "inbox", idCounter: "inbox", put: record((*Tx).putInboxItem)},
	{bucket: "invite_failures", table: "invite_failures", put: func(s *importState, k, v []byte) error {
		var times []time.Time
		if err := decode(v, &times); err != nil {
			return err
		}
		return s.tx.PutInviteFailures(string(k), times)
	}},
	{bucket: "job_runs", table: "job_runs", put: record((*Tx).putJobRun)},
	{bucket: "docs", table: "documents", idCounter: "documents", put: record((*Tx).putDocument)},
	{bucket: "doc_templates", table: "doc_templates", idCounter: "doc_templates", put: record((*Tx).putTemplate)},
	{bucket: "doc_files", table: "doc_files", put: func(s *importState, k, v []byte) error {
		return s.tx.putDocFile(string(k), v)
	}},
	{bucket: "doc_sends", table: "doc_sends", idCounter: "doc_sends", put: record((*Tx).putDocSend)},
	{bucket: "reminders", table: "reminders", idCounter: "reminders", put: record((*Tx).putReminder)},
	{bucket: "control_results", table: "control_results", idCounter: "control_results",
		put: record((*Tx).putControlResult)},
	{bucket: "settings", table: "settings", put: importSetting},
	{bucket: "calendar_years", table: "calendar_years", put: func(s *importState, k, v []byte) error {
		if len(k) != 8 {
			return errors.New("the key is not an 8-byte year")
		}
		return s.tx.putCalendarYear(int(binary.BigEndian.Uint64(k)), v)
	}},
	{bucket: "requests", table: "requests", idCounter: "requests", put: record((*Tx).putRequest)},
	{bucket: "corrections", table: "corrections", idCounter: "corrections", put: record((*Tx).putCorrection)},
	{bucket: "cases", table: "cases", idCounter: "cases", put: record((*Tx).putCase)},
	{bucket: "case_messages", table: "case_messages", idCounter: "case_messages", put: record((*Tx).putCaseMessage)},
	{bucket: "report_templates", table: "report_templates", idCounter: "report_templates",
		put: record((*Tx).putReportTemplate)},
	{bucket: "report_schedules", table: "report_schedules", idCounter: "report_schedules",
		put: record((*Tx).putReportSchedule)},
	{bucket: "report_runs", table: "report_runs", idCounter: "report_runs", put: record((*Tx).putReportRun)},
	{bucket: "report_files", table: "report_files", put: importReportFile},
	{bucket: "report_file_refs", table: "report_files", put: importReportFileRefs},
	{bucket: "report_mails", table: "report_mails", idCounter: "report_mails", put: record((*Tx).putReportMail)},
	{bucket: "sequences", table: "counters", where: `name LIKE 'seq:%'`, put: func(s *importState, k, v []byte) error {
		if len(v) != 8 {
			return fmt.Errorf("its value %x is not 8 bytes", v)
		}
		return s.tx.setCounter("seq:"+string(k), int64(binary.BigEndian.Uint64(v)))
	}},
	{bucket: "cursors", table: "transport_cursors", put: func(s *importState, k, v []byte) error {
		return s.tx.PutTransportCursor(core.TransportCursor{Name: string(k), Value: string(v)})
	}},
	{bucket: "edo_cursors", table: "edo_cursors", put: func(s *importState, k, v []byte) error {
		return s.tx.PutEDOCursor(string(k), string(v))
	}},
}

// importDerived are the tables a copy fills without a bucket of their own:
// built from the records (users' identities, the count of pending
// reminders), or the schema's own (its migrations, the counters, set from
// the source's counters and checked on their own).
var importDerived = []string{"user_identities", "reminders_pending_count", "schema_migrations", "counters"}

// importProgressEvery is how many entries of a bucket Import copies between
// two calls of its progress function.
const importProgressEvery = 10000

// ImportBuckets lists the source buckets Import copies, in order.
func ImportBuckets() []string {
	names := make([]string, len(importers))
	for i, im := range importers {
		names[i] = im.bucket
	}
	return names
}

// importState is one copy in progress.
type importState struct {
	tx     *Tx
	counts map[string]int64
	// Report files and their counts of references come from two buckets,
	// in either order: a file seen before its count is written with one
	// reference and corrected when the count comes.
	fileRefs    map[string]int64 // counts seen, by SHA-256
	filesNoRefs map[string]bool  // files written before their count
	filesSeen   map[string]bool
}

// Import copies the source into this database, which must be empty, in one
// transaction under the writer lock: every record with its ID or key kept,
// the files, settings, cursors and counters. It then counts the rows of
// every table against the source's entries; a difference, like any other
// failure, rolls everything back, and the error says what differed. A
// database holding anything (a row in any table) is refused with an error
// naming the tables, and left as it was. progress, when not nil, is called
// after every importProgressEvery entries of a bucket with the number
// copied of it so far, so that a long copy shows it is moving.
func (db *DB) Import(ctx context.Context, src Source, progress func(bucket string, copied int64)) (*ImportReport, error) {
	seqs, err := src.Sequences(ctx)
	if err != nil {
		return nil, err
	}
	var report *ImportReport
	err = db.Update(ctx, func(t core.Tx) error {
		tx := t.(*Tx)
		if err := tx.importCheckTables(); err != nil {
			return err
		}
		s := &importState{tx: tx, counts: map[string]int64{}, fileRefs: map[string]int64{},
			filesNoRefs: map[string]bool{}, filesSeen: map[string]bool{}}
		byBucket := map[string]*importer{}
		for i := range importers {
			byBucket[importers[i].bucket] = &importers[i]
		}
		err := src.Dump(tx.ctx, func(bucket string, k, v []byte) error {
			im := byBucket[bucket]
			if im == nil {
				return fmt.Errorf("postgres: import: this DealDesk cannot copy bucket %s", bucket)
			}
			s.counts[bucket]++
			if err := im.put(s, k, v); err != nil {
				return fmt.Errorf("postgres: import: bucket %s, key %s: %w", bucket, showKey(k), err)
			}
			if n := s.counts[bucket]; progress != nil && n%importProgressEvery == 0 {
				progress(bucket, n)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := s.finishReportFiles(); err != nil {
			return err
		}
		n, err := tx.importCounters(seqs)
		if err != nil {
			return err
		}
		report = &ImportReport{Counters: n}
		var diffs []string
		for _, im := range importers {
			q := "SELECT count(*) FROM " + pgx.Identifier{im.table}.Sanitize()
			if im.where != "" {
				q += " WHERE " + im.where
			}
			var got int64
			if _, err := tx.scalar(&got, q); err != nil {
				return fmt.Errorf("postgres: import: count %s: %w", im.table, err)
			}
			c := ImportCount{Bucket: im.bucket, Table: im.table, Source: s.counts[im.bucket], Target: got}
			if c.Source != c.Target {
				diffs = append(diffs, fmt.Sprintf("%s: %d in the source, %d in table %s", c.Bucket, c.Source, c.Target, c.Table))
			}
			report.Counts = append(report.Counts, c)
		}
		if len(diffs) > 0 {
			return fmt.Errorf("postgres: import: the counts differ, nothing was copied: %s", strings.Join(diffs, "; "))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return report, nil
}

// importCheckTables refuses a database with a row in any table, or with a
// table the copy does not know (a table it would leave empty).
func (tx *Tx) importCheckTables() error {
	rows, err := tx.tx.Query(tx.ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`)
	if err != nil {
		return fmt.Errorf("postgres: import: list tables: %w", err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("postgres: import: list tables: %w", err)
	}
	var full, unknown []string
	for _, t := range tables {
		if t == "schema_migrations" {
			continue
		}
		if !slices.Contains(importDerived, t) && !slices.ContainsFunc(importers, func(im importer) bool {
			return im.table == t
		}) {
			unknown = append(unknown, t)
		}
		q := "SELECT EXISTS (SELECT 1 FROM " + pgx.Identifier{t}.Sanitize() + ")"
		if t == "reminders_pending_count" {
			q = "SELECT EXISTS (SELECT 1 FROM reminders_pending_count WHERE n <> 0)"
		}
		var has bool
		if _, err := tx.scalar(&has, q); err != nil {
			return fmt.Errorf("postgres: import: %s: %w", t, err)
		}
		if has {
			full = append(full, t)
		}
	}
	if len(unknown) > 0 {
		return fmt.Errorf("postgres: import: this DealDesk does not know how to fill tables %s",
			strings.Join(unknown, ", "))
	}
	if len(full) > 0 {
		return fmt.Errorf("postgres: import: the target database is not empty (tables %s hold rows): "+
			"copy into a new, empty database", strings.Join(full, ", "))
	}
	return nil
}

// importCounters sets each table's ID counter from its bucket's sequence,
// or from its highest ID if that is higher (a new record must never take
// an ID in use), and returns the number of counters set, named ones
// included.
func (tx *Tx) importCounters(seqs map[string]uint64) (int, error) {
	for b := range seqs {
		if !slices.ContainsFunc(importers, func(im importer) bool { return im.bucket == b && im.idCounter != "" }) {
			return 0, fmt.Errorf("postgres: import: bucket %s has an ID counter (%d) this DealDesk cannot copy", b, seqs[b])
		}
	}
	for _, im := range importers {
		if im.idCounter == "" {
			continue
		}
		var maxID int64
		if _, err := tx.scalar(&maxID, "SELECT coalesce(max(id), 0) FROM "+pgx.Identifier{im.table}.Sanitize()); err != nil {
			return 0, fmt.Errorf("postgres: import: highest ID of %s: %w", im.table, err)
		}
		v := max(int64(seqs[im.bucket]), maxID)
		if v == 0 {
			continue
		}
		if err := tx.setCounter("id:"+im.idCounter, v); err != nil {
			return 0, fmt.Errorf("postgres: import: counter of %s: %w", im.table, err)
		}
	}
	var n int
	if _, err := tx.scalar(&n, `SELECT count(*) FROM counters`); err != nil {
		return 0, fmt.Errorf("postgres: import: count counters: %w", err)
	}
	return n, nil
}

// setCounter sets a counter to v: the last number given.
func (tx *Tx) setCounter(name string, v int64) error {
	return tx.exec(`INSERT INTO counters (name, value) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value`, name, v)
}

// importSetting copies a setting, decoded into its type: the reminder
// settings or the work settings.
func importSetting(s *importState, k, v []byte) error {
	var val any
	switch string(k) {
	case settingsReminders:
		val = new(core.ReminderSettings)
	case settingsWork:
		val = new(core.WorkSettings)
	default:
		return errors.New("this DealDesk knows no such setting")
	}
	if err := decode(v, val); err != nil {
		return err
	}
	return s.tx.putSetting(string(k), val)
}

// importReportFile copies a report file with its count of references (one
// until the count is seen).
func importReportFile(s *importState, k, v []byte) error {
	sha := string(k)
	s.filesSeen[sha] = true
	refs, ok := s.fileRefs[sha]
	if !ok {
		refs = 1
		s.filesNoRefs[sha] = true
	}
	return s.tx.putReportFile(sha, v, refs)
}

// importReportFileRefs copies a report file's count of references.
func importReportFileRefs(s *importState, k, v []byte) error {
	if len(v) != 8 || int64(binary.BigEndian.Uint64(v)) <= 0 {
		return fmt.Errorf("the count %x is not a positive 8-byte number", v)
	}
	sha, refs := string(k), int64(binary.BigEndian.Uint64(v))
	s.fileRefs[sha] = refs
	if !s.filesNoRefs[sha] {
		return nil
	}
	delete(s.filesNoRefs, sha)
	return s.tx.exec(`UPDATE report_files SET refs = $2 WHERE sha256 = $1`, sha, refs)
}

// finishReportFiles fails when a report file had no count of references or
// a count had no file (the source is damaged: `dealdesk check` tells more).
func (s *importState) finishReportFiles() error {
	var bad []string
	for sha := range s.filesNoRefs {
		bad = append(bad, "report file "+sha+" has no count of references")
	}
	for sha := range s.fileRefs {
		if !s.filesSeen[sha] {
			bad = append(bad, "report file "+sha+" is counted but missing")
		}
	}
	if len(bad) > 0 {
		slices.Sort(bad)
		return fmt.Errorf("postgres: import: %s", strings.Join(bad, "; "))
	}
	return nil
}

// showKey shows a source key: as text when it is printable, else in hex.
func showKey(k []byte) string {
	if len(k) > 0 && bytes.IndexFunc(k, func(r rune) bool { return r < 0x20 || r == 0xfffd }) < 0 {
		return fmt.Sprintf("%q", k)
	}
	return fmt.Sprintf("%x", k)
}
