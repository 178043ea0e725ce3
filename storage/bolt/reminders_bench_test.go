package bolt_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
	"github.com/dealdesk/dealdesk/storage/internal/benchseed"
)

// The reminder benchmarks read a database of benchseed.RemindersPending
// pending reminders (storage/internal/benchseed, the fixture PostgreSQL's
// benchmarks read too). It takes a while to build, so it is built once and
// kept in os.TempDir under a name with remindersFixtureVersion: bump the
// version when the fixture or the reminders' layout changes. Delete the
// file to rebuild it.
const (
	remindersFixtureVersion = 1
	remindersFillBatch      = 100_000
)

// fillReminders writes reminders [0, n) of a fixture of n into db in
// transactions of remindersFillBatch.
func fillReminders(db *bolt.DB, n int) error {
	for start := 0; start < n; start += remindersFillBatch {
		err := db.Update(context.Background(), func(tx core.Tx) error {
			for i := start; i < min(start+remindersFillBatch, n); i++ {
				if err := tx.CreateReminder(benchseed.Reminder(i, n)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

var remindersFixture struct {
	once sync.Once
	path string
	err  error
}

// remindersFixturePath returns the path of the database of a million
// pending reminders, building it when it is not there yet. The file is
// written under a temporary name and renamed when complete, so an
// interrupted build leaves no half file behind it.
func remindersFixturePath(b *testing.B) string {
	b.Helper()
	f := &remindersFixture
	f.once.Do(func() {
		f.path = filepath.Join(os.TempDir(),
			fmt.Sprintf("dealdesk-bench-reminders-v%d-%d.db", remindersFixtureVersion, benchseed.RemindersPending))
		if _, err := os.Stat(f.path); err == nil {
			return
		}
		tmp := fmt.Sprintf("%s.%d.tmp", f.path, os.Getpid())
		start := time.Now()
		db, err := bolt.Open(tmp, bolt.WithNoSync(true))
		if err != nil {
			f.err = err
			return
		}
		if err = fillReminders(db, benchseed.RemindersPending); err == nil {
			err = db.Close()
		} else {
			_ = db.Close()
		}
		if err == nil {
			err = os.Rename(tmp, f.path)
		}
		if err != nil {
			_ = os.Remove(tmp)
			f.err = err
			return
		}
		b.Logf("built %s (%d pending reminders) in %v", f.path, benchseed.RemindersPending, time.Since(start).Round(time.Millisecond))
	})
	if f.err != nil {
		b.Fatal(f.err)
	}
	return f.path
}

// openRemindersFixture opens the fixture for the benchmark, with fsync on
// as in production.
func openRemindersFixture(b *testing.B) *bolt.DB {
	b.Helper()
	db, err := bolt.Open(remindersFixturePath(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = db.Close() })
	return db
}

// heapInUse returns the bytes of heap in use after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// tickHeap opens db, runs a tick that finds nothing due and returns the heap
// in use with the database open, then closes it.
func tickHeap(b *testing.B, path string) uint64 {
	b.Helper()
	db, err := bolt.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	var n int
	err = db.View(context.Background(), func(tx core.Tx) error {
		rs, err := tx.DueReminders(benchseed.RemindersDueBy(0), 1000)
		if err != nil {
			return err
		} else if len(rs) != 0 {
			return fmt.Errorf("%d due, want none", len(rs))
		}
		n, err = tx.CountPendingReminders()
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: %d pending", filepath.Base(path), n)
	return heapInUse()
}

// BenchmarkDueRemindersNone is a tick when nothing is due among a million
// pending reminders: one cursor step. It reports, besides, the heap in use
// with the million-reminder database open and with a database of a
// thousand: the reminders live in the file, not in memory.
func BenchmarkDueRemindersNone(b *testing.B) {
	path := remindersFixturePath(b)
	small := filepath.Join(b.TempDir(), "small.db")
	sdb, err := bolt.Open(small, bolt.WithNoSync(true))
	if err != nil {
		b.Fatal(err)
	}
	if err := fillReminders(sdb, 1000); err != nil {
		b.Fatal(err)
	}
	if err := sdb.Close(); err != nil {
		b.Fatal(err)
	}
	heap1k := tickHeap(b, small)
	heap1M := tickHeap(b, path)

	db := openRemindersFixture(b)
	now := benchseed.RemindersDueBy(0)
	benchseed.DueReminders(b, db, now, 1000, 0)
	// Reported after the loop, which drops metrics reported before it.
	b.ReportMetric(float64(heap1k)/(1<<20), "heap-MiB-1k-pending")
	b.ReportMetric(float64(heap1M)/(1<<20), "heap-MiB-1M-pending")
}

// BenchmarkDueReminders1000 reads the 1,000 due reminders of a million
// pending, scattered through the file.
func BenchmarkDueReminders1000(b *testing.B) {
	db := openRemindersFixture(b)
	now := benchseed.RemindersDueBy(1000)
	benchseed.DueReminders(b, db, now, 0, 1000)
}

// BenchmarkDueReminders1000BareBolt is the ceiling of
// BenchmarkDueReminders1000 on the same file: bbolt alone, a cursor Seek
// on the due index, 1,000 Next and a Get of each record's value (no
// decoding, no DealDesk code).
func BenchmarkDueReminders1000BareBolt(b *testing.B) {
	raw, err := bbolt.Open(remindersFixturePath(b), 0o600, &bbolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = raw.Close() })
	b.ReportAllocs()
	var size int
	for b.Loop() {
		size = 0
		err := raw.View(func(tx *bbolt.Tx) error {
			records := tx.Bucket([]byte("reminders"))
			c := tx.Bucket([]byte("reminders_due")).Cursor()
			n := 0
			for k, _ := c.Seek(make([]byte, 8)); k != nil && n < 1000; k, _ = c.Next() {
				v := records.Get(k[8:])
				if v == nil {
					return errors.New("a due reminder's record is missing")
				}
				size += len(v)
				n++
			}
			if n != 1000 {
				return fmt.Errorf("%d due, want 1000", n)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(size)/1000, "B/record")
}

// BenchmarkCountPendingReminders counts a million pending reminders from
// the due index's pages (for /status), without reading the reminders.
func BenchmarkCountPendingReminders(b *testing.B) {
	db := openRemindersFixture(b)
	benchseed.CountPendingReminders(b, db)
}
