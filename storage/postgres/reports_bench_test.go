package postgres_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/postgres"
)

// The reports' walks on PostgreSQL over the fixture of bbolt's
// BenchmarkReports (storage/bolt/reports_bench_test.go): 100,000 deals and
// as many changes, so the two stores' figures compare.

// reportFixtureSize is the number of deals, and of changes, of the
// reports' fixture.
const reportFixtureSize = 100_000

// reportStart is when the fixture's history starts; its changes are
// reportStep apart, so 100,000 of them span about 100 days.
var (
	reportStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	reportStep  = 86400 * time.Second / 1000
)

// reportBenchDeal is the i-th deal of the fixture: every field an export
// writes, two payments.
func reportBenchDeal(i int) *core.Deal {
	created := reportStart.Add(time.Duration(i) * reportStep)
	return &core.Deal{Number: core.DealNumber(2026, uint64(i+1)), ClientID: int64(i%1000 + 1),
		ManagerID: int64(i%20 + 1), Title: fmt.Sprintf("Поставка оборудования по договору №%d", i),
		Amount: core.Money(125_000_00 + i), Stage: core.Stages[i%len(core.Stages)],
		SigningDue: created.AddDate(0, 0, 10), PaymentDue: created.AddDate(0, 0, 20),
		ContractEnd: created.AddDate(1, 0, 0), CreatedBy: 1,
		Payments: []core.Payment{{Due: created.AddDate(0, 0, 20), Amount: 50_000_00},
			{Due: created.AddDate(0, 0, 50), Amount: core.Money(75_000_00 + i)}}}
}

// fillReportFixture writes reportFixtureSize deals and as many changes,
// the i-th change at reportStart + i·reportStep, through the store's
// port, in transactions of 10,000.
func fillReportFixture(tb testing.TB, db *postgres.DB) {
	tb.Helper()
	const batch = 10_000
	for start := 0; start < reportFixtureSize; start += batch {
		err := db.Update(context.Background(), func(tx core.Tx) error {
			for i := start; i < start+batch; i++ {
				d := reportBenchDeal(i)
				if err := tx.CreateDeal(d); err != nil {
					return err
				}
				err := tx.AddChanges(&core.Change{ActorID: int64(i%20 + 1), Entity: core.EntityDeal, EntityID: d.ID,
					Field: "stage", New: string(d.Stage), At: reportStart.Add(time.Duration(i) * reportStep),
					Source: "telegram:chat/-100123/msg/42"})
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

// BenchmarkReports measures the reports' reads over 100,000 deals and
// 100,000 changes on PostgreSQL: a walk over every deal (the export's and
// the built-in reports' read), its live heap, a walk that reads a record
// per deal inside its callback (as the export reads each deal's client),
// and the history of one day and of everything.
func BenchmarkReports(b *testing.B) {
	db := open(b)
	fillReportFixture(b, db)
	ctx := context.Background()

	walk := func(b *testing.B, each func(tx core.Tx, d *core.Deal) error) {
		n := 0
		err := db.View(ctx, func(tx core.Tx) error {
			return tx.EachDeal(func(d *core.Deal) error {
				n++
				return each(tx, d)
			})
		})
		if err == nil && n != reportFixtureSize {
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
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/reportFixtureSize, "ns/deal")
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
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/reportFixtureSize, "ns/deal")
	})

	// One day of the history (1,000 changes) through the time index, and
	// the whole of it.
	for _, bb := range []struct {
		name     string
		from, to time.Time
		want     int
	}{
		{"EachChange_day_of_100k", reportStart.AddDate(0, 0, 50), reportStart.AddDate(0, 0, 51), 1000},
		{"EachChange_all_100k", time.Time{}, time.Time{}, reportFixtureSize},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				n := 0
				err := db.View(ctx, func(tx core.Tx) error {
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
