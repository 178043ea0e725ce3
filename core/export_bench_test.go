package core_test

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/adapters/csv"
	"github.com/dealdesk/dealdesk/adapters/xlsx"
	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

// The export of 100,000 deals (issue 12: to XLSX under 3 s and 100 MB of
// peak memory, to CSV under 1 s), with its two ceilings measured in the
// same run: reading the deals alone (EachDeal), and the writer alone with
// rows of the same shape.

const (
	benchExportDeals    = 100_000
	benchExportClients  = 10_000
	benchExportManagers = 50
)

// seedExportBench fills a bbolt file with managers, clients and deals,
// one transaction per 10,000 records, written through the transaction.
func seedExportBench(b *testing.B, db *bolt.DB) core.Actor {
	b.Helper()
	ctx := context.Background()
	var admin *core.User
	var managers []int64
	err := db.Update(ctx, func(tx core.Tx) error {
		admin = &core.User{Name: "Ольга Админова", Role: core.RoleAdmin, Identities: []string{"telegram:1"}, Active: true}
		if err := tx.CreateUser(admin); err != nil {
			return err
		}
		for i := range benchExportManagers {
			u := &core.User{Name: fmt.Sprintf("Менеджер %02d Продажин", i), Role: core.RoleManager,
				Identities: []string{"telegram:" + strconv.Itoa(100+i)}, Active: true}
			if err := tx.CreateUser(u); err != nil {
				return err
			}
			managers = append(managers, u.ID)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	forms := []string{"ООО", "АО", "ПАО", "ЗАО"}
	words := []string{"Ромашка", "Вектор", "Альфа", "Север", "Гранит", "Импульс", "Меридиан", "Восток"}
	var clients []int64
	for start := 0; start < benchExportClients; start += 10_000 {
		err := db.Update(ctx, func(tx core.Tx) error {
			for i := start; i < min(start+10_000, benchExportClients); i++ {
				c := &core.Client{Kind: core.KindLegal, INN: fmt.Sprintf("%010d", 1_000_000_000+i),
					KPP: "773601001", ShortName: forms[i%4] + " «" + words[i%8] + "-" + strconv.Itoa(i) + "»",
					ManagerID: managers[i%len(managers)], Verification: core.Verification{Status: core.Verified}}
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
	}
	start := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	for from := 0; from < benchExportDeals; from += 10_000 {
		err := db.Update(ctx, func(tx core.Tx) error {
			for i := from; i < min(from+10_000, benchExportDeals); i++ {
				created := start.Add(time.Duration(i) * 4 * time.Minute)
				d := &core.Deal{Number: fmt.Sprintf("D-2026-%06d", i+1), ClientID: clients[i%len(clients)],
					ManagerID: managers[i%len(managers)], Title: "Расчётно-кассовое обслуживание " + strconv.Itoa(i),
					Amount: core.Money(int64(i%1000+1) * 1_234_56), Stage: core.Stages[i%len(core.Stages)],
					SigningDue: created.AddDate(0, 0, 14), PaymentDue: created.AddDate(0, 1, 0),
					CreatedBy: admin.ID, CreatedAt: created}
				if d.Stage.Closed() {
					d.ClosedAt, d.ClosedFrom = created.AddDate(0, 0, 20), core.StageSigning
				}
				if d.Stage == core.StageClosedLost {
					d.LostReason = "Клиент выбрал другой банк"
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

// BenchmarkExportDeals exports 100,000 deals with their clients and
// managers: XLSX and CSV through writeExport, and the ceilings, a bare
// EachDeal and bare writers given rows of the same shape.
func BenchmarkExportDeals(b *testing.B) {
	db, err := bolt.Open(filepath.Join(b.TempDir(), "export.db"), bolt.WithNoSync(true))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	admin := seedExportBench(b, db)
	svc := core.NewService(db, core.WithReports(nil, nil, nil, printText))
	ctx := context.Background()
	loc := core.Location("Europe/Moscow")
	tables := map[string]func(core.TableOptions) (core.TableWriter, error){"XLSX": xlsx.NewTable, "CSV": csv.NewTable}

	for _, format := range []string{"XLSX", "CSV"} {
		b.Run(format, func(b *testing.B) {
			var size int
			p := watchExportPeak()
			for b.Loop() {
				w, err := tables[format](core.TableOptions{Location: loc})
				if err != nil {
					b.Fatal(err)
				}
				var res *core.ExportResult
				err = db.View(ctx, func(tx core.Tx) (err error) {
					res, err = svc.ExportForTest(tx, admin, core.ExportDeals, core.ReportFilter{}, w, "ru", loc)
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
				out, err := w.Close()
				if err != nil {
					b.Fatal(err)
				}
				if res.Rows != benchExportDeals {
					b.Fatalf("%d rows", res.Rows)
				}
				size = len(out)
			}
			p.report(b)
			b.ReportMetric(float64(size)/1e6, "file-MB")
		})
	}
	b.Run("scan", func(b *testing.B) {
		p := watchExportPeak()
		for b.Loop() {
			n := 0
			err := db.View(ctx, func(tx core.Tx) error {
				return tx.EachDeal(func(*core.Deal) error { n++; return nil })
			})
			if err != nil || n != benchExportDeals {
				b.Fatalf("%d deals, %v", n, err)
			}
		}
		p.report(b)
	})
	// The bare writers cycle through a sample of real rows: a manager's
	// deals at one stage.
	sample := &recorder{}
	err = db.View(ctx, func(tx core.Tx) error {
		_, err := svc.ExportForTest(tx, admin, core.ExportDeals, core.ReportFilter{ManagerID: admin.ID() + 1,
			Stage: core.StageSigning}, sample, "ru", loc)
		return err
	})
	if err != nil || len(sample.rows) == 0 {
		b.Fatalf("sample: %d rows, %v", len(sample.rows), err)
	}
	for _, format := range []string{"XLSX", "CSV"} {
		b.Run("writer-"+format, func(b *testing.B) {
			p := watchExportPeak()
			for b.Loop() {
				w, err := tables[format](core.TableOptions{Location: loc})
				if err != nil {
					b.Fatal(err)
				}
				if err := w.Table(sample.heads[0]); err != nil {
					b.Fatal(err)
				}
				for i := range benchExportDeals {
					if err := w.Row(sample.rows[i%len(sample.rows)]); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := w.Close(); err != nil {
					b.Fatal(err)
				}
			}
			p.report(b)
		})
	}
}

// exportPeak samples the runtime's memory every millisecond while a
// benchmark runs: the peak of the live heap and of the memory mapped from
// the system and not returned.
type exportPeak struct {
	stop, done         chan struct{}
	base, heap, system uint64
}

func watchExportPeak() *exportPeak {
	runtime.GC()
	p := &exportPeak{stop: make(chan struct{}), done: make(chan struct{})}
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(samples)
	p.base = samples[0].Value.Uint64()
	go func() {
		defer close(p.done)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(samples)
			p.heap = max(p.heap, samples[0].Value.Uint64())
			p.system = max(p.system, samples[1].Value.Uint64()-samples[2].Value.Uint64())
			select {
			case <-p.stop:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

func (p *exportPeak) report(b *testing.B) {
	close(p.stop)
	<-p.done
	b.ReportMetric(float64(p.base)/1e6, "base-heap-MB")
	b.ReportMetric(float64(p.heap)/1e6, "peak-heap-MB")
	b.ReportMetric(float64(p.system)/1e6, "peak-sys-MB")
}
