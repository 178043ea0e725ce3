package benchseed

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// DueReminders is the loop of a reminder-tick benchmark on either store: a
// read-only transaction reading the reminders due at now, up to limit,
// which must be want of them.
func DueReminders(b *testing.B, s core.Store, now time.Time, limit, want int) {
	b.Helper()
	b.ReportAllocs()
	for b.Loop() {
		err := s.View(context.Background(), func(tx core.Tx) error {
			rs, err := tx.DueReminders(now, limit)
			if err == nil && len(rs) != want {
				err = fmt.Errorf("%d due, want %d", len(rs), want)
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// CountPendingReminders is the loop of a benchmark counting the pending
// reminders of the reminders' fixture (for /status) on either store.
func CountPendingReminders(b *testing.B, s core.Store) {
	b.Helper()
	b.ReportAllocs()
	for b.Loop() {
		err := s.View(context.Background(), func(tx core.Tx) error {
			n, err := tx.CountPendingReminders()
			if err == nil && n != RemindersPending {
				err = fmt.Errorf("%d pending, want %d", n, RemindersPending)
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// EachChange runs, on a store holding the reports' fixture, the
// sub-benchmarks of a walk over one day of the history (1,000 changes,
// through the time index) and over the whole of it.
func EachChange(b *testing.B, s core.Store) {
	for _, bb := range []struct {
		name     string
		from, to time.Time
		want     int
	}{
		{"EachChange_day_of_100k", ReportStart.AddDate(0, 0, 50), ReportStart.AddDate(0, 0, 51), 1000},
		{"EachChange_all_100k", time.Time{}, time.Time{}, ReportDeals},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				n := 0
				err := s.View(context.Background(), func(tx core.Tx) error {
					return tx.EachChange(bb.from, bb.to, func(*core.Change) error { n++; return nil })
				})
				if err == nil && n != bb.want {
					err = fmt.Errorf("visited %d changes, want %d", n, bb.want)
				}
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// WalkDeals walks every deal of a store holding the reports' fixture in
// one read-only transaction, calling each with the walk's transaction, and
// fails b unless it visits ReportDeals deals.
func WalkDeals(b *testing.B, s core.Store, each func(tx core.Tx, d *core.Deal) error) {
	b.Helper()
	n := 0
	err := s.View(context.Background(), func(tx core.Tx) error {
		return tx.EachDeal(func(d *core.Deal) error {
			n++
			return each(tx, d)
		})
	})
	if err == nil && n != ReportDeals {
		err = fmt.Errorf("visited %d deals", n)
	}
	if err != nil {
		b.Fatal(err)
	}
}

// EachDeal runs, on a store holding the reports' fixture, the
// sub-benchmarks of a walk over every deal (the export's and the built-in
// reports' read) and of the live heap during one, after a collection every
// 10,000 deals, over the live heap before it: it must not grow with the
// deals.
func EachDeal(b *testing.B, s core.Store) {
	b.Run("EachDeal_100k", func(b *testing.B) {
		b.ReportAllocs()
		var sum core.Money
		for b.Loop() {
			WalkDeals(b, s, func(_ core.Tx, d *core.Deal) error { sum += d.Amount; return nil })
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/ReportDeals, "ns/deal")
	})
	b.Run("EachDeal_100k_live_heap", func(b *testing.B) {
		var ms runtime.MemStats
		var grown int64
		for b.Loop() {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			base, n := int64(ms.HeapAlloc), 0
			WalkDeals(b, s, func(core.Tx, *core.Deal) error {
				if n++; n%10_000 == 0 {
					runtime.GC()
					runtime.ReadMemStats(&ms)
					grown = max(grown, int64(ms.HeapAlloc)-base)
				}
				return nil
			})
		}
		b.ReportMetric(float64(grown)/(1<<10), "live-heap-growth-KiB")
	})
}
