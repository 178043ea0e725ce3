package core_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/dealdesk/dealdesk/adapters/csv"
	"github.com/dealdesk/dealdesk/adapters/xlsx"
	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

// benchTables are the real XLSX and CSV writers, as the program wires them.
type benchTables struct{}

func (benchTables) NewTable(f core.ReportFormat, o core.TableOptions) (core.TableWriter, error) {
	if f == core.FormatCSV {
		return csv.NewTable(o)
	}
	return xlsx.NewTable(o)
}

// BenchmarkReportRun100k is a whole report run over 100,000 deals and
// 10,000 clients (seedExportBench): MakeReport of the deals export as XLSX
// (built in a read transaction, then the file stored with the run and its
// manifest), and SendReport of the pipeline to a work chat (built, the
// gate run over every deal and client in it, the run held or delivered).
func BenchmarkReportRun100k(b *testing.B) {
	db, err := bolt.Open(filepath.Join(b.TempDir(), "runs.db"), bolt.WithNoSync(true))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	admin := seedExportBench(b, db)
	ctx := context.Background()
	if err := db.Update(ctx, func(tx core.Tx) error {
		return tx.PutWorkChat(&core.WorkChat{Platform: core.PlatformTelegram, ChatID: "-300", Title: "heads",
			Purpose: core.PurposeHeads})
	}); err != nil {
		b.Fatal(err)
	}
	svc := core.NewService(db, core.WithPlatforms(core.PlatformTelegram),
		core.WithReports(benchTables{}, &dlvCharts{}, dlvCron{}, dlvTexts))
	b.Run("MakeReport-deals-XLSX", func(b *testing.B) {
		p := watchExportPeak()
		for b.Loop() {
			out, err := svc.MakeReport(ctx, admin, core.ReportSpec{Export: core.ExportDeals}, "ru")
			if err != nil || out.Run.Rows != benchExportDeals {
				b.Fatalf("%+v, %v", out, err)
			}
		}
		p.report(b)
	})
	b.Run("SendReport-pipeline-gated", func(b *testing.B) {
		p := watchExportPeak()
		for b.Loop() {
			out, err := svc.SendReport(ctx, admin, pipelineSpec, []core.ReportTarget{headsChat}, "ru")
			if err != nil || out.Run.ID == 0 {
				b.Fatalf("%+v, %v", out, err)
			}
		}
		p.report(b)
	})
}
