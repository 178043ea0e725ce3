package core_test

import (
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// The changes' export shows the audit of report runs, templates and
// schedules in the reader's words: the entity and field names, the
// manifest part by part, the run's title as its record, and where a change
// came from (a work chat by its title, a job) rather than the raw source.
func TestExportFixReportAudit(t *testing.T) {
	o := newReportOffice(t)
	sha := strings.Repeat("ab", 32)
	var run *core.ReportRun
	var tpl *core.ReportTemplate
	o.update(func(tx core.Tx) error {
		if err := tx.PutWorkChat(&core.WorkChat{Platform: "telegram", ChatID: "-100", Title: "Руководители",
			Purpose: core.PurposeHeads}); err != nil {
			return err
		}
		run = &core.ReportRun{Spec: core.ReportSpec{Export: core.ExportTasks, Format: core.FormatCSV},
			By: o.officer.ID(), Status: core.RunSent}
		if err := tx.CreateReportRun(run); err != nil {
			return err
		}
		tpl = &core.ReportTemplate{Name: "Сделки по менеджерам", Entity: core.ExportDeals, GroupBy: []string{"manager"},
			Measures: []core.Measure{{Func: core.MeasureCount}}, OwnerID: o.officer.ID()}
		if err := tx.CreateReportTemplate(tpl); err != nil {
			return err
		}
		id := o.officer.ID()
		return tx.AddChanges(
			&core.Change{Entity: core.EntityReport, EntityID: run.ID, Field: "export", ActorID: id,
				Source: "telegram:chat/-100/msg/7",
				New: "export tasks · file «Задачи 2026-11-28.csv» (csv, 1444 bytes) · rows 5 · filters: none · " +
					"to: chat «Руководители» (telegram:-100), Ольга Админова (#1) · by Ольга Админова (#1) · sha256 " + sha},
			&core.Change{Entity: core.EntityReport, EntityID: run.ID, Field: "held", ActorID: id,
				Source: "job:reports", New: "findings: no_amount 2, never_checked 1 · file «Задачи.csv» · rows 5 · sha256 " + sha},
			&core.Change{Entity: core.EntityReport, EntityID: run.ID, Field: "override", ActorID: id,
				Source: "telegram:chat/555/msg/8", Old: "held", New: "findings: no_amount 2", Reason: "срочно"},
			&core.Change{Entity: core.EntityReportTemplate, EntityID: tpl.ID, Field: "entity", ActorID: id, New: "deals"},
			&core.Change{Entity: core.EntityReportSchedule, EntityID: 3, Field: "active", ActorID: id, Old: "true",
				New: "false"},
		)
	})
	for _, c := range []struct {
		lang string
		want [][]string // entity, record, field, old, new, source of each change
	}{
		{"ru", [][]string{
			{"выгрузка или отчёт", "#" + itoa(run.ID) + " Задачи", "выгрузка", "",
				"выгрузка «Задачи» · файл «Задачи 2026-11-28.csv» (CSV, 1\u00a0444 байта) · строк: 5 · фильтры: нет · " +
					"кому: чат «Руководители», Ольга Админова (#1) · автор: Ольга Админова · SHA-256 файла: " + sha,
				"Telegram, чат «Руководители», сообщение 7"},
			{"выгрузка или отчёт", "#" + itoa(run.ID) + " Задачи", "задержан проверкой качества", "",
				"замечания: сделка без суммы — 2, ни разу не проверялся в реестре — 1 · файл «Задачи.csv»" +
					" · строк: 5 · SHA-256 файла: " + sha, "DealDesk автоматически (reports)"},
			{"выгрузка или отчёт", "#" + itoa(run.ID) + " Задачи", "отправлен вопреки замечаниям", "задержан",
				"замечания: сделка без суммы — 2", "Telegram, чат 555, сообщение 8"},
			{"шаблон отчёта", "Сделки по менеджерам", "записи", "", "Сделки", ""},
			{"расписание отчёта", "#3", "действует", "да", "нет", ""},
		}},
		{"en", [][]string{
			{"export or report", "", "export", "", "export “Tasks” · file “Задачи 2026-11-28.csv” (CSV, 1,444 bytes)", ""},
		}},
	} {
		w := &repWriter{}
		o.view(func(tx core.Tx) error {
			_, err := o.svc.ExportForTest(tx, o.admin, core.ExportChanges, core.ReportFilter{}, w, c.lang, repLoc)
			return err
		})
		var got [][]string
		for _, row := range w.tables[0].rows {
			switch row[3].S {
			case c.want[0][0], c.want[len(c.want)-1][0], "шаблон отчёта":
				got = append(got, []string{row[3].S, row[5].S, row[6].S, row[7].S, row[8].S, row[13].S})
			}
		}
		if c.lang == "en" {
			if len(got) == 0 || got[0][2] != "export" || !strings.HasPrefix(got[0][4], c.want[0][4]) {
				t.Errorf("en rows %q", got)
			}
			continue
		}
		if len(got) != len(c.want) {
			t.Fatalf("%s rows\n%q\nwant\n%q", c.lang, got, c.want)
		}
		for i := range got {
			for j := range got[i] {
				if got[i][j] != c.want[i][j] {
					t.Errorf("%s row %d col %d: %q\nwant %q", c.lang, i, j, got[i][j], c.want[i][j])
				}
			}
		}
	}
}
