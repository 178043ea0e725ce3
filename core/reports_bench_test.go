package core_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

// A built-in report over 100,000 deals (issue 12: under 300 ms): the
// pipeline by stage and manager, and beside it, in the same run, its
// ceiling: the bare walk over the deals (EachDeal), which decodes each
// deal and does nothing with it.

const (
	benchReportDeals    = 100_000
	benchReportClients  = 10_000
	benchReportManagers = 50
)

// nopTable writes nothing.
type nopTable struct{ rows int }

func (*nopTable) Table(core.TableHead) error { return nil }
func (w *nopTable) Row([]core.Value) error   { w.rows++; return nil }
func (*nopTable) Image(string, []byte) error { return nil }
func (*nopTable) Close() ([]byte, error)     { return nil, nil }

// seedReportBench fills a bbolt file with managers, clients and deals at
// every stage over a year, 10,000 records a transaction.
func seedReportBench(b *testing.B, db *bolt.DB) core.Actor {
	b.Helper()
	ctx := context.Background()
	var admin *core.User
	var managers, clients []int64
	err := db.Update(ctx, func(tx core.Tx) error {
		admin = &core.User{Name: "Ольга Админова", Role: core.RoleAdmin, Identities: []string{"telegram:1"}, Active: true}
		if err := tx.CreateUser(admin); err != nil {
			return err
		}
		for i := range benchReportManagers {
			u := &core.User{Name: fmt.Sprintf("Менеджер %02d", i), Role: core.RoleManager,
				Identities: []string{"telegram:" + strconv.Itoa(100+i)}, Active: true}
			if err := tx.CreateUser(u); err != nil {
				return err
			}
			managers = append(managers, u.ID)
		}
		for i := range benchReportClients {
			c := &core.Client{Kind: core.KindLegal, INN: fmt.Sprintf("%010d", 1_000_000_000+i), KPP: "773601001",
				ShortName: "ООО «Клиент-" + strconv.Itoa(i) + "»", ManagerID: managers[i%len(managers)]}
			if err := tx.CreateClient(c); err != nil {
				return err
			}
			clients = append(clients, c.ID)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Date(2025, 11, 1, 9, 0, 0, 0, time.UTC)
	for from := 0; from < benchReportDeals; from += 10_000 {
		err := db.Update(ctx, func(tx core.Tx) error {
			for i := from; i < min(from+10_000, benchReportDeals); i++ {
				created := start.Add(time.Duration(i) * 5 * time.Minute)
				d := &core.Deal{Number: fmt.Sprintf("D-2026-%06d", i+1), ClientID: clients[i%len(clients)],
					ManagerID: managers[i%len(managers)], Title: "Расчётно-кассовое обслуживание " + strconv.Itoa(i),
					Amount: core.Money(int64(i%1000+1) * 1_234_56), Stage: core.Stages[i%len(core.Stages)],
					SigningDue: created.AddDate(0, 0, 14), PaymentDue: created.AddDate(0, 1, 0),
					CreatedBy: admin.ID, CreatedAt: created}
				if d.Stage.Closed() {
					d.ClosedAt, d.ClosedFrom = created.AddDate(0, 0, 20), core.StageSigning
				}
				if err := tx.CreateDeal(d); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return core.Actor{User: admin, Source: "bench"}
}

// BenchmarkReportPipeline100k builds the pipeline over 100,000 deals of 50
// managers (a no-op writer: the report's own work), and walks the deals
// bare as its ceiling.
func BenchmarkReportPipeline100k(b *testing.B) {
	db, err := bolt.Open(filepath.Join(b.TempDir(), "reports.db"), bolt.WithNoSync(true))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	admin := seedReportBench(b, db)
	svc := core.NewService(db, core.WithReports(nil, nil, nil, repTexts))
	ctx := context.Background()
	loc := core.Location("")

	b.Run("pipeline", func(b *testing.B) {
		for b.Loop() {
			w := &nopTable{}
			var res *core.ReportResult
			err := db.View(ctx, func(tx core.Tx) (err error) {
				res, err = svc.ReportForTest(tx, admin, core.ReportSpec{Report: core.ReportPipeline}, w, "ru", loc)
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
			if w.rows != benchReportManagers+1 || res.Chart == nil {
				b.Fatalf("%d rows, chart %v", w.rows, res.Chart)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/report")
	})
	b.Run("EachDeal", func(b *testing.B) {
		for b.Loop() {
			n := 0
			err := db.View(ctx, func(tx core.Tx) error {
				return tx.EachDeal(func(*core.Deal) error { n++; return nil })
			})
			if err != nil || n != benchReportDeals {
				b.Fatalf("%d deals, %v", n, err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/walk")
	})
}
