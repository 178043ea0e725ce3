package core_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

// The tick's targets (issue 10): with 1,000,000 reminders pending, a tick
// that finds 1,000 due fires them with their outbox rows in under 200 ms,
// and one that finds none takes under 1 ms; the heap does not grow with
// the number pending (the due index is read from the file, not memory).

const benchUsers = 1000

var benchStart = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// benchReminderDB opens a copy of a store with benchUsers users and pending
// reminders due a year from benchStart; the filled file is cached under
// the temp dir, since filling a million takes a while.
func benchReminderDB(b *testing.B, pending int, clock core.Clock) *bolt.DB {
	b.Helper()
	cache := filepath.Join(os.TempDir(), fmt.Sprintf("dealdesk-core-tick-v1-%d.db", pending))
	if _, err := os.Stat(cache); err != nil {
		tmp := cache + ".tmp"
		_ = os.Remove(tmp)
		db, err := bolt.Open(tmp, bolt.WithNoSync(true), bolt.WithClock(fixedBenchClock(benchStart)))
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		err = db.Update(ctx, func(tx core.Tx) error {
			for i := range benchUsers {
				u := &core.User{Name: fmt.Sprintf("Пользователь %d", i), Role: core.RoleManager, Active: true,
					Identities: []string{fmt.Sprintf("telegram:%d", 1000+i)}}
				if err := tx.CreateUser(u); err != nil {
					return err
				}
			}
			return nil
		})
		for done := 0; err == nil && done < pending; done += 50_000 {
			err = db.Update(ctx, func(tx core.Tx) error {
				for i := done; i < min(done+50_000, pending); i++ {
					r := &core.Reminder{Key: fmt.Sprintf("bench:%d", i), Kind: core.ReminderCustom, Text: "позвонить",
						UserID: int64(1 + i%benchUsers), Status: core.ReminderPending,
						DueAt: benchStart.Add(365*24*time.Hour + time.Duration(i)*time.Second)}
					if err := tx.CreateReminder(r); err != nil {
						return err
					}
				}
				return nil
			})
		}
		if cerr := db.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(tmp, cache)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	path := filepath.Join(b.TempDir(), "bench.db")
	data, err := os.ReadFile(cache)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		b.Fatal(err)
	}
	db, err := bolt.Open(path, bolt.WithClock(clock))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

type fixedBenchClock time.Time

func (c fixedBenchClock) Now() time.Time { return time.Time(c) }

// BenchmarkReminderTick: a tick with 1,000 due (one a user, each with its
// outbox row) among the pending ones, and a tick with none due.
func BenchmarkReminderTick(b *testing.B) {
	for _, pending := range []int{1_000, 1_000_000} {
		clock := &testClock{t: benchStart}
		db := benchReminderDB(b, pending, clock)
		svc := core.NewService(db, core.WithPlatforms(core.PlatformTelegram))
		ctx := context.Background()
		b.Run(fmt.Sprintf("pending=%d/due=1000", pending), func(b *testing.B) {
			seq := 0
			for b.Loop() {
				b.StopTimer()
				now := clock.Now()
				err := db.Update(ctx, func(tx core.Tx) error {
					for i := range 1000 {
						seq++
						r := &core.Reminder{Key: fmt.Sprintf("due:%d", seq), Kind: core.ReminderCustom,
							Text: "позвонить", UserID: int64(1 + i%benchUsers), Status: core.ReminderPending,
							DueAt: now.Add(-time.Second)}
						if err := tx.CreateReminder(r); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				n, err := svc.FireDueReminders(ctx, now)
				if err != nil || n != 1000 {
					b.Fatalf("fired %d: %v", n, err)
				}
				b.StopTimer()
				clock.Add(time.Second)
				b.StartTimer()
			}
			b.ReportMetric(heapMB(), "heap-MB")
		})
		b.Run(fmt.Sprintf("pending=%d/due=0", pending), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if n, err := svc.FireDueReminders(ctx, clock.Now()); err != nil || n != 0 {
					b.Fatalf("fired %d: %v", n, err)
				}
			}
			b.ReportMetric(heapMB(), "heap-MB")
		})
		db.Close()
	}
}

// heapMB is the live heap after a collection, in MB.
func heapMB() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc) / (1 << 20)
}

// BenchmarkReminderTickBareBolt is the physical ceiling of the tick's
// writes, measured on the same million-reminder file: one bbolt
// transaction, committed with fsync, that reads 1,000 records by key and
// writes what a tick of 1,000 writes without any of DealDesk's work — the
// 1,000 reminders back, 1,000 outbox rows, 4,000 button records and an
// index entry for each, values of the same sizes.
func BenchmarkReminderTickBareBolt(b *testing.B) {
	clock := &testClock{t: benchStart}
	db := benchReminderDB(b, 1_000_000, clock)
	path := db.Path()
	db.Close()
	raw, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	rem := bytes.Repeat([]byte("r"), 330)
	out := bytes.Repeat([]byte("o"), 420)
	btn := bytes.Repeat([]byte("b"), 170)
	key := func(prefix string, n int) []byte {
		k := make([]byte, 8+len(prefix))
		copy(k, prefix)
		binary.BigEndian.PutUint64(k[len(prefix):], uint64(n))
		return k
	}
	seq := 0
	for b.Loop() {
		err := raw.Update(func(tx *bbolt.Tx) error {
			for _, name := range []string{"bare_reminders", "bare_outbox", "bare_buttons", "bare_index"} {
				if _, err := tx.CreateBucketIfNotExists([]byte(name)); err != nil {
					return err
				}
			}
			rb, ob, bb, ib := tx.Bucket([]byte("bare_reminders")), tx.Bucket([]byte("bare_outbox")),
				tx.Bucket([]byte("bare_buttons")), tx.Bucket([]byte("bare_index"))
			for i := range 1000 {
				seq++
				_ = rb.Get(key("", seq))
				if err := rb.Put(key("", seq), rem); err != nil {
					return err
				}
				if err := ob.Put(key("", seq), out); err != nil {
					return err
				}
				if err := ib.Put(key("o", seq), nil); err != nil {
					return err
				}
				for j := range 4 {
					if err := bb.Put(key("b", seq*4+j), btn); err != nil {
						return err
					}
					if err := ib.Put(key("x", seq*4+j), nil); err != nil {
						return err
					}
				}
				_ = i
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
