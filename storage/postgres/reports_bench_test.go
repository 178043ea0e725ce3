package postgres_test

import (
	"context"
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
	// A walk over every deal and its live heap.
	benchseed.EachDeal(b, db)
	// A read per deal inside the walk, on the walk's connection: a round
	// trip each.
	b.Run("EachDeal_100k_reading_each", func(b *testing.B) {
		for b.Loop() {
			benchseed.WalkDeals(b, db, func(tx core.Tx, d *core.Deal) error {
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
