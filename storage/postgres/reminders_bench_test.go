package postgres

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/internal/benchseed"
	"github.com/dealdesk/dealdesk/storage/postgres/pgtest"
)

// The reminder benchmarks read a database of benchseed.RemindersPending
// pending reminders, the fixture bbolt's benchmarks read too
// (storage/internal/benchseed), in the cluster named by
// DEALDESK_TEST_POSTGRES; they are skipped without one. It takes a while to
// build, so it is built once and kept as a database named with
// remindersFixtureVersion: bump the version when the fixture or the
// reminders' table changes. Drop the database to rebuild it.
const (
	remindersFixtureVersion = 2
	remindersFillBatch      = 100_000
)

// remindersDueBy is benchseed.RemindersDueBy, under the name the
// reminders' plan test (reminders_test.go) reads.
func remindersDueBy(n int) time.Time { return benchseed.RemindersDueBy(n) }

// benchReminder is the i-th reminder of a fixture of n as the store keeps
// it: with its ID and, as a month before the earliest due time, its
// creation and update times.
func benchReminder(i, n int) *core.Reminder {
	r := benchseed.Reminder(i, n)
	r.ID = int64(i + 1)
	r.CreatedAt = benchseed.RemindersStart.AddDate(0, -1, 0)
	r.UpdatedAt = r.CreatedAt
	return r
}

// fillReminders writes reminders [0, n) of a fixture of n into db's empty
// reminders table, rows exactly as putReminder writes them (reminderRow),
// with COPY in batches of remindersFillBatch, sets the reminders' ID counter
// and analyses the table, as autovacuum would soon after.
func fillReminders(ctx context.Context, db *DB, n int) error {
	cols := strings.Split(reminderColumns, ", ")
	for start := 0; start < n; start += remindersFillBatch {
		rows := make([][]any, 0, remindersFillBatch)
		for i := start; i < min(start+remindersFillBatch, n); i++ {
			row, err := reminderRow(benchReminder(i, n))
			if err != nil {
				return err
			}
			rows = append(rows, row)
		}
		if _, err := db.pool.CopyFrom(ctx, pgx.Identifier{"reminders"}, cols, pgx.CopyFromRows(rows)); err != nil {
			return err
		}
	}
	if _, err := db.pool.Exec(ctx, `INSERT INTO counters (name, value) VALUES ('id:reminders', $1)
		ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value`, n); err != nil {
		return err
	}
	_, err := db.pool.Exec(ctx, "VACUUM ANALYZE reminders")
	return err
}

// dbURL is the URL of the named database in the cluster of admin's URL.
func dbURL(admin, name string) (string, error) {
	u, err := url.Parse(admin)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

var remindersFixture struct {
	once sync.Once
	url  string
	err  error
}

// remindersFixtureURL returns the URL of the database of a million pending
// reminders, building it when it is not there yet. It is built under a
// temporary name and renamed when complete, so an interrupted build leaves
// no half database behind it under the fixture's name.
func remindersFixtureURL(b *testing.B) string {
	b.Helper()
	admin := pgtest.Require(b)
	f := &remindersFixture
	f.once.Do(func() {
		ctx := context.Background()
		name := fmt.Sprintf("dd_bench_reminders_v%d_%d", remindersFixtureVersion, benchseed.RemindersPending)
		if f.url, f.err = dbURL(admin, name); f.err != nil {
			return
		}
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			f.err = err
			return
		}
		defer func() { _ = conn.Close(ctx) }()
		var exists bool
		if f.err = conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).
			Scan(&exists); f.err != nil || exists {
			return
		}
		start := time.Now()
		tmp := fmt.Sprintf("%s_tmp_%d", name, os.Getpid())
		if _, f.err = conn.Exec(ctx, "CREATE DATABASE "+tmp); f.err != nil {
			return
		}
		f.err = func() error {
			tmpURL, err := dbURL(admin, tmp)
			if err != nil {
				return err
			}
			db, err := Open(ctx, tmpURL)
			if err != nil {
				return err
			}
			err = fillReminders(ctx, db, benchseed.RemindersPending)
			_ = db.Close()
			if err != nil {
				return err
			}
			_, err = conn.Exec(ctx, "ALTER DATABASE "+tmp+" RENAME TO "+name)
			return err
		}()
		if f.err != nil {
			_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+tmp+" WITH (FORCE)")
			return
		}
		b.Logf("built %s (%d pending reminders) in %v", name, benchseed.RemindersPending, time.Since(start).Round(time.Millisecond))
	})
	if f.err != nil {
		b.Fatal(f.err)
	}
	return f.url
}

// openRemindersFixture opens the fixture for the benchmark.
func openRemindersFixture(b *testing.B) *DB {
	b.Helper()
	db, err := Open(context.Background(), remindersFixtureURL(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	return db
}

// BenchmarkDueRemindersNone is a tick when nothing is due among a million
// pending reminders: one probe of the due index.
func BenchmarkDueRemindersNone(b *testing.B) {
	db := openRemindersFixture(b)
	now := benchseed.RemindersDueBy(0)
	benchseed.DueReminders(b, db, now, 1000, 0)
}

// BenchmarkDueReminders1000 reads the 1,000 due reminders of a million
// pending, scattered through the table.
func BenchmarkDueReminders1000(b *testing.B) {
	db := openRemindersFixture(b)
	now := benchseed.RemindersDueBy(1000)
	benchseed.DueReminders(b, db, now, 0, 1000)
}

// BenchmarkCountPendingReminders counts a million pending reminders (for
// /status) from the due index.
func BenchmarkCountPendingReminders(b *testing.B) {
	db := openRemindersFixture(b)
	benchseed.CountPendingReminders(b, db)
}
