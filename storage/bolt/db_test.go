package bolt_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
	"github.com/dealdesk/dealdesk/storage/storetest"
)

// NewClock returns the behaviour suite's settable clock standing at
// 2026-03-02 10:00:00.123456789 Moscow time: nanoseconds and a zone the
// store must drop.
func NewClock() *storetest.Clock {
	return storetest.NewClock(time.Date(2026, 3, 2, 10, 0, 0, 123456789, time.FixedZone("MSK", 3*3600)))
}

// MustOpenDB opens a database in a temporary folder, without fsync, and
// closes it when the test ends.
func MustOpenDB(tb testing.TB, opts ...bolt.Option) *bolt.DB {
	tb.Helper()
	return MustOpenDBAt(tb, filepath.Join(tb.TempDir(), "data", "dealdesk.db"), opts...)
}

// MustOpenDBAt opens the database at path and closes it when the test ends.
func MustOpenDBAt(tb testing.TB, path string, opts ...bolt.Option) *bolt.DB {
	tb.Helper()
	db, err := bolt.Open(path, append([]bolt.Option{bolt.WithNoSync(true)}, opts...)...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil && !strings.Contains(err.Error(), "not open") {
			tb.Error(err)
		}
	})
	return db
}

// MustUpdate runs fn in a read-write transaction and fails the test on error.
func MustUpdate(tb testing.TB, db *bolt.DB, fn func(core.Tx) error) {
	tb.Helper()
	if err := db.Update(context.Background(), fn); err != nil {
		tb.Fatal(err)
	}
}

// MustView runs fn in a read-only transaction and fails the test on error.
func MustView(tb testing.TB, db *bolt.DB, fn func(core.Tx) error) {
	tb.Helper()
	if err := db.View(context.Background(), fn); err != nil {
		tb.Fatal(err)
	}
}

// CheckCode fails the test unless err has the core error code and key.
func CheckCode(tb testing.TB, err error, code, key string) {
	tb.Helper()
	var e *core.Error
	if got := core.ErrorCode(err); got != code {
		tb.Fatalf("code = %q (%v), want %q", got, err, code)
	} else if errors.As(err, &e); e.Key != key {
		tb.Fatalf("key = %q, want %q", e.Key, key)
	}
}

func TestOpen_CreatesFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "b", "dealdesk.db")
	db := MustOpenDBAt(t, path)
	if got := db.Path(); got != path {
		t.Fatalf("Path() = %q, want %q", got, path)
	}
}

func TestOpen_Locked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	MustOpenDBAt(t, path)
	start := time.Now()
	_, err := bolt.Open(path)
	if err == nil || !strings.Contains(err.Error(), "in use by another process") {
		t.Fatalf("second Open: err = %v, want 'in use by another process'", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("second Open took %v", d)
	}
}

func TestOpen_EmptyPath(t *testing.T) {
	if _, err := bolt.Open(""); err == nil {
		t.Fatal("Open(\"\") succeeded")
	}
}

func TestDB_Reopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	db, err := bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	d := &core.Deal{Number: "D-2026-0001", ClientID: 1, ManagerID: 2, Title: "Лизинг", Stage: core.StageNew}
	MustUpdate(t, db, func(tx core.Tx) error { return tx.CreateDeal(d) })
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = MustOpenDBAt(t, path)
	MustView(t, db, func(tx core.Tx) error {
		got, err := tx.DealByNumber("D-2026-0001")
		if err != nil {
			return err
		}
		if got.ID != d.ID || got.Title != d.Title {
			t.Fatalf("got %+v, want %+v", got, d)
		}
		return nil
	})
}

func TestDB_Rollback(t *testing.T) {
	db := MustOpenDB(t)
	errStop := errors.New("stop")
	err := db.Update(context.Background(), func(tx core.Tx) error {
		d := &core.Deal{Number: "D-2026-0001", ClientID: 1, ManagerID: 2, Title: "x", Stage: core.StageNew}
		if err := tx.CreateDeal(d); err != nil {
			return err
		}
		if err := tx.AddChanges(&core.Change{Entity: core.EntityDeal, EntityID: d.ID, Field: "stage"}); err != nil {
			return err
		}
		return errStop
	})
	if err != errStop {
		t.Fatalf("err = %v, want the error of fn unchanged", err)
	}
	MustView(t, db, func(tx core.Tx) error {
		if _, err := tx.DealByID(1); !core.IsNotFound(err) {
			t.Fatalf("deal after rollback: err = %v", err)
		}
		if cs, err := tx.Changes(core.EntityDeal, 1); err != nil || len(cs) != 0 {
			t.Fatalf("changes after rollback = %v, %v", cs, err)
		}
		if ds, err := tx.FindDeals(core.DealFilter{}); err != nil || len(ds) != 0 {
			t.Fatalf("deals after rollback = %v, %v", ds, err)
		}
		return nil
	})
}

func TestDB_ErrorsPassThrough(t *testing.T) {
	db := MustOpenDB(t)
	err := db.Update(context.Background(), func(tx core.Tx) error {
		_, err := tx.DealByID(42)
		return err
	})
	CheckCode(t, err, core.ENOTFOUND, "err.deal.not_found")
	var e *core.Error
	if !errors.As(err, &e) || e.Args["ID"] != int64(42) {
		t.Fatalf("err = %#v, want Args ID 42", err)
	}
}

func TestDB_ContextCancelled(t *testing.T) {
	db := MustOpenDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	called := false
	fn := func(core.Tx) error { called = true; return nil }
	for name, run := range map[string]func(context.Context, func(core.Tx) error) error{
		"View": db.View, "Update": db.Update, "Batch": db.Batch,
	} {
		if err := run(ctx, fn); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: err = %v, want context.Canceled", name, err)
		}
	}
	if called {
		t.Fatal("fn ran despite a cancelled context")
	}
}

func TestDB_ViewIsReadOnly(t *testing.T) {
	db := MustOpenDB(t)
	err := db.View(context.Background(), func(tx core.Tx) error {
		return tx.CreateTask(&core.Task{Title: "x", AssigneeID: 1, Status: core.TaskOpen})
	})
	if err == nil || !strings.HasPrefix(err.Error(), "bolt: create task: ") {
		t.Fatalf("err = %v, want a wrapped bbolt error", err)
	}
	if got := core.ErrorCode(err); got != core.EINTERNAL {
		t.Fatalf("code = %q, want %q", got, core.EINTERNAL)
	}
}

func TestTx_Now(t *testing.T) {
	clock := NewClock()
	db := MustOpenDB(t, bolt.WithClock(clock))
	MustUpdate(t, db, func(tx core.Tx) error {
		first := tx.Now()
		clock.Add(time.Hour)
		if got := tx.Now(); !got.Equal(first) {
			t.Fatalf("Now moved within a transaction: %v then %v", first, got)
		}
		want := time.Date(2026, 3, 2, 7, 0, 0, 123456000, time.UTC)
		if first != want {
			t.Fatalf("Now() = %v, want %v (UTC, microseconds)", first, want)
		}
		return nil
	})
	MustView(t, db, func(tx core.Tx) error {
		if got, want := tx.Now(), clock.Now().UTC().Truncate(time.Microsecond); got != want {
			t.Fatalf("next transaction Now() = %v, want %v", got, want)
		}
		return nil
	})
}

func TestTx_NextSequence(t *testing.T) {
	db := MustOpenDB(t)
	MustUpdate(t, db, func(tx core.Tx) error {
		for _, want := range []uint64{1, 2, 3} {
			if got, err := tx.NextSequence("deal/2026"); err != nil || got != want {
				t.Fatalf("NextSequence = %d, %v; want %d", got, err, want)
			}
		}
		if got, err := tx.NextSequence("deal/2027"); err != nil || got != 1 {
			t.Fatalf("other counter = %d, %v; want 1", got, err)
		}
		if _, err := tx.NextSequence(""); err == nil {
			t.Fatal("empty counter name accepted")
		}
		return nil
	})
}

func TestDB_Batch(t *testing.T) {
	db := MustOpenDB(t)
	const n = 50
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			errs <- db.Batch(context.Background(), func(tx core.Tx) error {
				return tx.CreateTask(&core.Task{Title: "t", AssigneeID: int64(i%3 + 1), Status: core.TaskOpen})
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	MustView(t, db, func(tx core.Tx) error {
		ts, err := tx.FindTasks(core.TaskFilter{})
		if err != nil {
			return err
		}
		if len(ts) != n {
			t.Fatalf("%d tasks, want %d", len(ts), n)
		}
		return nil
	})
}

func TestDB_BatchError(t *testing.T) {
	db := MustOpenDB(t)
	err := db.Batch(context.Background(), func(tx core.Tx) error {
		return tx.UpdateTask(&core.Task{ID: 7})
	})
	CheckCode(t, err, core.ENOTFOUND, "err.task.not_found")
}

func TestBackupRefusesTheLiveFile(t *testing.T) {
	db := MustOpenDB(t)
	if err := db.BackupFile(db.Path()); err == nil {
		t.Fatal("BackupFile over the live database succeeded")
	}
	if err := db.BackupFile(filepath.Join(filepath.Dir(db.Path()), ".", filepath.Base(db.Path()))); err == nil {
		t.Fatal("BackupFile over the live database through another spelling succeeded")
	}
}
