package main

import (
	"context"
	"fmt"
	"time"

	"github.com/dealdesk/dealdesk/adapters/chart"
	"github.com/dealdesk/dealdesk/adapters/cron"
	"github.com/dealdesk/dealdesk/adapters/csv"
	"github.com/dealdesk/dealdesk/adapters/xlsx"
	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/locales"
)

// tables makes the files of exports and reports: XLSX (the default) or
// CSV, each by its adapter.
type tables struct{}

// NewTable implements core.Tables.
func (tables) NewTable(f core.ReportFormat, o core.TableOptions) (core.TableWriter, error) {
	switch f {
	case core.FormatXLSX, "":
		return xlsx.NewTable(o)
	case core.FormatCSV:
		return csv.NewTable(o)
	}
	return nil, core.Errorf(core.EINVALID, "err.delivery.format", "Format", string(f))
}

// reportOptions are the core options of the reports use case: the file
// writers, the chart renderer, the cron parser of schedules, the printer of
// the files' texts and the rules.
func (m *Main) reportOptions(bundle *locales.Bundle) ([]core.Option, error) {
	comma, err := csvComma(m.Config.CSVSeparator)
	if err != nil {
		return nil, err
	}
	charts, err := chart.New()
	if err != nil {
		return nil, fmt.Errorf("charts: %w", err)
	}
	texts := func(lang, key string, args map[string]any) string { return bundle.Printer(lang, nil).T(key, args) }
	return []core.Option{
		core.WithReports(tables{}, charts, cron.New(), texts),
		core.WithReportConfig(core.ReportConfig{CSVComma: comma,
			StaleAfter: time.Duration(m.Config.ReportStaleDays) * 24 * time.Hour,
			KeepFiles:  time.Duration(m.Config.ReportKeepDays) * 24 * time.Hour}),
	}, nil
}

// csvComma reads DEALDESK_CSV_SEPARATOR: one character, or the word tab.
func csvComma(v string) (rune, error) {
	switch v {
	case "", ";":
		return ';', nil
	case ",":
		return ',', nil
	case "tab", "\\t", "\t":
		return '\t', nil
	case "|":
		return '|', nil
	}
	return 0, fmt.Errorf("config: DEALDESK_CSV_SEPARATOR must be ; , | or tab, not %q", v)
}

// reportJobs are the reports' periodic jobs: scheduled deliveries that are
// due (each schedule's next run is kept in the store; gocron only ticks),
// the report e-mails waiting or due for a retry, and hourly the retention
// of report files (DEALDESK_REPORT_KEEP_DAYS).
func (m *Main) reportJobs() []job {
	return []job{
		{Name: "report_schedules", Every: m.Config.ReportTick, Run: m.Service.RunDueReportSchedules},
		{Name: "report_mails", Every: m.Config.ReportTick, Run: m.Service.SendDueReportMails},
		{Name: "purge_report_files", Every: time.Hour, Run: m.Service.PurgeReportFiles},
	}
}

// startReports runs at start, in the background: deliveries missed while
// DealDesk was down go out now, once each, and report files past their
// retention are dropped.
func (m *Main) startReports(ctx context.Context) {
	for _, j := range m.reportJobs() {
		m.runJob(ctx, j)
	}
}
