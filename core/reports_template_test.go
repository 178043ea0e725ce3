package core_test

import (
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// A built-in report saved with its parameters («просрочки за прошлый
// месяц») is built again as that report over the period as it is on the
// day of the run; an ad hoc report not saved yet (the builder's) is built
// from the spec's template alone.
func TestSavedBuiltinAndUnsavedAdHocReports(t *testing.T) {
	o := newReportOffice(t)
	now := o.clock.Now()
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, repLoc)
	lastMonth := month.AddDate(0, -1, 0)
	o.putTask(&core.Task{Title: "в прошлом месяце", AssigneeID: o.manager.ID(), Due: lastMonth.Add(5 * 24 * time.Hour)})
	o.putTask(&core.Task{Title: "в этом месяце", AssigneeID: o.manager.ID(), Due: now.Add(-time.Hour)})

	tpl := &core.ReportTemplate{Name: "Просрочки за месяц", Report: core.ReportOverdue,
		Filter: core.ReportFilter{Rel: core.RelLastMonth},
		// A built-in report has no entity, grouping or measures of its own.
		Entity: core.ExportDeals, GroupBy: []string{"stage"}}
	if err := o.svc.SaveReportTemplate(o.ctx(), o.officer, tpl); err != nil {
		t.Fatal(err)
	}
	if tpl.Entity != "" || tpl.GroupBy != nil {
		t.Fatalf("a built-in template keeps ad hoc parts: %+v", tpl)
	}
	saved, w := o.report(o.officer, core.ReportSpec{TemplateID: tpl.ID})
	direct, _ := o.report(o.officer, core.ReportSpec{Report: core.ReportOverdue,
		Filter: core.ReportFilter{Rel: core.RelLastMonth}})
	if saved.Title != direct.Title || saved.Rows != direct.Rows || len(w.tables) == 0 {
		t.Fatalf("saved overdue report %+v, built directly %+v", saved, direct)
	}
	if saved.Rows == 0 || saved.Chart == nil {
		t.Fatalf("the saved overdue report is empty or has no trend: %+v", saved)
	}
	changes := o.changes(core.EntityReportTemplate, tpl.ID)
	found := false
	for _, c := range changes {
		found = found || c.Field == "report" && c.New == string(core.ReportOverdue)
	}
	if !found {
		t.Fatalf("the template's report is not in its audit: %+v", changes)
	}

	if err := o.svc.SaveReportTemplate(o.ctx(), o.officer, &core.ReportTemplate{Name: "x", Report: "weather"}); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("an unknown built-in report saved: %v", err)
	}

	adhoc := &core.ReportTemplate{Entity: core.ExportTasks, GroupBy: []string{"assignee"},
		Measures: []core.Measure{{Func: core.MeasureCount}}}
	res, _ := o.report(o.officer, core.ReportSpec{Report: core.ReportCustom, Template: adhoc})
	if res.Rows == 0 {
		t.Fatalf("the unsaved ad hoc report is empty: %+v", res)
	}
	if _, _, err := o.tryReport(o.officer, core.ReportSpec{Report: core.ReportCustom,
		Template: &core.ReportTemplate{Entity: "weather", Measures: adhoc.Measures}}); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("an unsaved ad hoc report of an unknown entity: %v", err)
	}
}
