package bolt_test

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
	"go.etcd.io/bbolt"
)

func schemaVersion(t *testing.T, db *bolt.DB) int {
	t.Helper()
	v, err := db.SchemaVersion()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestMigrate_Fresh(t *testing.T) {
	db := MustOpenDB(t)
	if got, want := schemaVersion(t, db), len(bolt.Migrations()); got != want {
		t.Fatalf("schema version = %d, want %d", got, want)
	}
	// Every bucket exists: each aggregate can be read on an empty file.
	MustView(t, db, func(tx core.Tx) error {
		_, err := tx.ListUsers()
		if err == nil {
			_, err = tx.SearchClients("а", 0)
		}
		if err == nil {
			_, err = tx.FindDeals(core.DealFilter{})
		}
		if err == nil {
			_, err = tx.FindTasks(core.TaskFilter{})
		}
		if err == nil {
			_, err = tx.DueMessages(core.OutboxQuery{Platform: "telegram", Now: tx.Now()})
		}
		return err
	})
}

func TestMigrate_Existing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	db, err := bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	MustUpdate(t, db, func(tx core.Tx) error { return tx.CreateUser(newUser("Анна", "telegram:1")) })
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// A release adds a migration; it runs once, on the next open.
	next := len(bolt.Migrations()) + 1
	runs := 0
	restore := bolt.SetMigrations(append(bolt.Migrations(), func(tx *bbolt.Tx) error {
		runs++
		_, err := tx.CreateBucket([]byte("documents"))
		return err
	}))
	defer restore()
	for range 2 {
		db, err = bolt.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := schemaVersion(t, db); got != next {
			t.Fatalf("schema version = %d, want %d", got, next)
		}
		MustView(t, db, func(tx core.Tx) error {
			_, err := tx.UserByIdentity("telegram:1")
			return err
		})
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if runs != 1 {
		t.Fatalf("the new migration ran %d times, want 1", runs)
	}
}

func TestMigrate_FailureRollsBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	MustOpenDBAt(t, path).Close()
	errBoom := errors.New("boom")
	current := len(bolt.Migrations())
	restore := bolt.SetMigrations(append(bolt.Migrations(),
		func(tx *bbolt.Tx) error { _, err := tx.CreateBucket([]byte("half")); return err },
		func(*bbolt.Tx) error { return errBoom },
	))
	_, err := bolt.Open(path)
	restore()
	if want := fmt.Sprintf("migration %d", current+2); !errors.Is(err, errBoom) || !strings.Contains(err.Error(), want) {
		t.Fatalf("Open = %v, want %s failing with boom", err, want)
	}
	db := MustOpenDBAt(t, path)
	if got := schemaVersion(t, db); got != current {
		t.Fatalf("schema version after a failed migration = %d, want %d", got, current)
	}
}

func TestMigrate_NewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	MustOpenDBAt(t, path).Close()
	restore := bolt.SetMigrations(append(bolt.Migrations(), func(*bbolt.Tx) error { return nil }))
	db, err := bolt.Open(path)
	restore()
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = bolt.Open(path)
	n := len(bolt.Migrations())
	if want := fmt.Sprintf("schema version %d is newer than this program supports (%d)", n+1, n); err == nil ||
		!strings.Contains(err.Error(), want) {
		t.Fatalf("Open of a newer file = %v", err)
	}
	// The refused file is still there, and still locked by nobody.
	restore = bolt.SetMigrations(append(bolt.Migrations(), func(*bbolt.Tx) error { return nil }))
	defer restore()
	MustOpenDBAt(t, path)
}

// TestMigrate_TaskIndexes opens a schema-1 file with tasks: migration 2
// builds the indexes of tasks by deal and by client from them.
func TestMigrate_TaskIndexes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	db := MustOpenDBAt(t, path)
	MustUpdate(t, db, func(tx core.Tx) error {
		return tx.CreateTask(&core.Task{Title: "Подписать", AssigneeID: 1, DealID: 7, ClientID: 3, Status: core.TaskOpen})
	})
	db.Close()
	// Make it a schema-1 file: no task indexes by deal and client.
	raw, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = raw.Update(func(tx *bbolt.Tx) error {
		for _, b := range []string{"tasks_by_deal", "tasks_by_client"} {
			if err := tx.DeleteBucket([]byte(b)); err != nil {
				return err
			}
		}
		return tx.Bucket([]byte("meta")).Put([]byte("schema_version"), []byte{0, 0, 0, 0, 0, 0, 0, 1})
	})
	raw.Close()
	if err != nil {
		t.Fatal(err)
	}
	db = MustOpenDBAt(t, path)
	for _, f := range []core.TaskFilter{{DealID: 7}, {ClientID: 3}} {
		MustView(t, db, func(tx core.Tx) error {
			ts, err := tx.FindTasks(f)
			if err == nil && (len(ts) != 1 || ts[0].Title != "Подписать") {
				t.Errorf("FindTasks(%+v) = %+v", f, ts)
			}
			return err
		})
	}
}

// TestMigrate_OutboxIndexes: a message pending in a schema-5 file, whose
// pending entry does not carry its chat, is delivered after the upgrade:
// its entries are written anew, the chat's index too.
func TestMigrate_OutboxIndexes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	db := MustOpenDBAt(t, path)
	MustUpdate(t, db, func(tx core.Tx) error {
		return tx.Enqueue(&core.OutboxMessage{Platform: "telegram", ChatID: "42", Key: "notify.x"})
	})
	db.Close()
	raw, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = raw.Update(func(tx *bbolt.Tx) error {
		for _, b := range []string{"inbox", "inbox_by_key", "inbox_pending", "inbox_by_handled", "inbox_pending_by_chat",
			"cursors", "outbox_pending_by_chat", "invite_failures", "job_runs"} {
			if err := tx.DeleteBucket([]byte(b)); err != nil {
				return err
			}
		}
		pending := tx.Bucket([]byte("outbox_pending"))
		k, _ := pending.Cursor().First()
		if err := pending.Put(bytes.Clone(k), []byte{}); err != nil { // as schema 5 wrote it
			return err
		}
		return tx.Bucket([]byte("meta")).Put([]byte("schema_version"), []byte{0, 0, 0, 0, 0, 0, 0, 5})
	})
	raw.Close()
	if err != nil {
		t.Fatal(err)
	}
	db = MustOpenDBAt(t, path)
	MustView(t, db, func(tx core.Tx) error {
		ms, err := tx.DueMessages(core.OutboxQuery{Platform: "telegram", Now: time.Now().Add(time.Minute)})
		if err == nil && (len(ms) != 1 || ms[0].ChatID != "42") {
			t.Errorf("DueMessages after the upgrade = %+v", ms)
		}
		return err
	})
}

// TestMigrate_Reminders opens a schema-9 file: migration 10 adds the
// buckets of reminders, control results, settings and calendar years, and
// the records there were are untouched.
func TestMigrate_Reminders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	db := MustOpenDBAt(t, path)
	MustUpdate(t, db, func(tx core.Tx) error {
		return tx.CreateTask(&core.Task{Title: "Подписать", AssigneeID: 1, DealID: 7, Status: core.TaskOpen})
	})
	db.Close()
	rawUpdate(t, path, func(tx *bbolt.Tx) error {
		for _, b := range []string{"reminders", "reminders_by_key", "reminders_due", "reminders_by_deal",
			"reminders_by_task", "reminders_pending_by_user", "control_results", "control_by_deal",
			"control_by_task", "control_by_time", "settings", "calendar_years"} {
			if err := tx.DeleteBucket([]byte(b)); err != nil {
				return err
			}
		}
		return tx.Bucket([]byte("meta")).Put([]byte("schema_version"), []byte{0, 0, 0, 0, 0, 0, 0, 9})
	})
	db = MustOpenDBAt(t, path)
	if got, want := schemaVersion(t, db), len(bolt.Migrations()); got != want {
		t.Fatalf("schema version = %d, want %d", got, want)
	}
	due := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	MustUpdate(t, db, func(tx core.Tx) error {
		if err := tx.CreateReminder(newReminder("deal:7:payment", due)); err != nil {
			return err
		}
		if err := tx.AddControlResult(&core.ControlResult{ReminderID: 1, Kind: core.ReminderPayment, DealID: 7,
			UserID: 1, Outcome: core.ControlDone}); err != nil {
			return err
		}
		if err := tx.PutReminderSettings(core.DefaultReminderSettings()); err != nil {
			return err
		}
		return tx.PutCalendarYear(2027, []byte("<calendar/>"))
	})
	MustView(t, db, func(tx core.Tx) error {
		rs, err := tx.DueReminders(due, 0)
		if err == nil && len(rs) != 1 {
			t.Errorf("DueReminders after the upgrade = %v", reminderKeys(rs))
		}
		ts, err := tx.FindTasks(core.TaskFilter{DealID: 7})
		if err == nil && (len(ts) != 1 || ts[0].Title != "Подписать") {
			t.Errorf("the task after the upgrade: %+v", ts)
		}
		return err
	})
	checkHealthy(t, db)
}
