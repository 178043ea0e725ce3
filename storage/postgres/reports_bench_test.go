package postgres_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/internal/benchseed"
)

// The reports' walks on PostgreSQL over the fixture of bbolt's
// BenchmarkReports (storage/internal/benchseed): 100,000 deals and as many
// changes, so the two stores' figures compare.

// BenchmarkReports measures the reports' reads over 100,000 deals and
// 100,000 changes on PostgreSQL: a walk over every deal (the export's and
// the built-in reports' read), its live heap, a walk that reads a record
// per deal inside its callback (as the export reads each deal's client),
// and the history of one day and of everything.
func BenchmarkReports(b *testing.B) {
	db := open(b)
	if err := benchseed.FillReports(context.Background(), db, 10_000); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()

	walk := func(b *testing.B, each func(tx core.Tx, d *core.Deal) error) {
		n := 0
		err := db.View(ctx, func(tx core.Tx) error {
			return tx.EachDeal(func(d *core.Deal) error {
				n++
				return each(tx, d)
			})
		})
		if err == nil && n != benchseed.ReportDeals {
			err = fmt.Errorf("visited %d deals", n)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Run("EachDeal_100k", func(b *testing.B) {
		b.ReportAllocs()
		var sum core.Money
		for b.Loop() {
			walk(b, func(_ core.Tx, d *core.Deal) error { sum += d.Amount; return nil })
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchseed.ReportDeals, "ns/deal")
	})
	// The live heap during a walk, after a collection every 10,000 deals,
	// over the live heap before it: it does not grow with the deals.
	b.Run("EachDeal_100k_live_heap", func(b *testing.B) {
		var ms runtime.MemStats
		var grown int64
		for b.Loop() {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			base, n := int64(ms.HeapAlloc), 0
			walk(b, func(core.Tx, *core.Deal) error {
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
	// A read per deal inside the walk, on the walk's connection: a round
	// trip each.
	b.Run("EachDeal_100k_reading_each", func(b *testing.B) {
		for b.Loop() {
			walk(b, func(tx core.Tx, d *core.Deal) error {
				_, err := tx.DealByID(d.ID)
				return err
			})
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchseed.ReportDeals, "ns/deal")
	})

	// One day of the history (1,000 changes) through the time index, and
	// the whole of it.
	benchseed.EachChange(b, db)
}
