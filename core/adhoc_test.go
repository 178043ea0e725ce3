package core_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

func TestReportFieldsCatalogue(t *testing.T) {
	for _, e := range core.ExportEntities {
		fields := core.ReportFields(e)
		groups := 0
		for _, f := range fields {
			if f.Group == f.Numeric {
				t.Errorf("%s.%s: group %v, numeric %v", e, f.Key, f.Group, f.Numeric)
			}
			if f.Group {
				groups++
			}
			for _, lang := range []string{"ru", "en"} {
				if !repBundle.Printer(lang, nil).Has(f.LabelKey) {
					t.Errorf("%s.%s: no %s label %q", e, f.Key, lang, f.LabelKey)
				}
			}
		}
		if groups == 0 || !slices.ContainsFunc(fields, func(f core.ReportField) bool { return f.Key == "month" }) {
			t.Errorf("%s: fields %+v", e, fields)
		}
	}
	if core.ReportFields("users") != nil {
		t.Error("an unknown entity has fields")
	}
	deals := core.ReportFields(core.ExportDeals)
	deals[0].Key = "changed"
	if core.ReportFields(core.ExportDeals)[0].Key == "changed" {
		t.Error("the catalogue can be changed through its copy")
	}
}

func TestSaveReportTemplateRefuses(t *testing.T) {
	o := newReportOffice(t)
	count := []core.Measure{{Func: core.MeasureCount}}
	for _, c := range []struct {
		name string
		t    core.ReportTemplate
		key  string
	}{
		{"no name", core.ReportTemplate{Name: "  ", Entity: core.ExportDeals, Measures: count}, "err.report.template.name_required"},
		{"long name", core.ReportTemplate{Name: strings.Repeat("я", 101), Entity: core.ExportDeals, Measures: count},
			"err.report.template.name_too_long"},
		{"entity", core.ReportTemplate{Name: "x", Entity: "users", Measures: count}, "err.report.template.entity"},
		{"numeric group", core.ReportTemplate{Name: "x", Entity: core.ExportDeals, GroupBy: []string{"amount"},
			Measures: count}, "err.report.template.group_unknown"},
		{"other entity's group", core.ReportTemplate{Name: "x", Entity: core.ExportDeals, GroupBy: []string{"outcome"},
			Measures: count}, "err.report.template.group_unknown"},
		{"group twice", core.ReportTemplate{Name: "x", Entity: core.ExportDeals, GroupBy: []string{"stage", "stage"},
			Measures: count}, "err.report.template.group_twice"},
		{"groups", core.ReportTemplate{Name: "x", Entity: core.ExportRequests,
			GroupBy: []string{"type", "status", "client", "month"}, Measures: count}, "err.report.template.groups_too_many"},
		{"no measure", core.ReportTemplate{Name: "x", Entity: core.ExportDeals}, "err.report.template.measure_required"},
		{"sum of nothing", core.ReportTemplate{Name: "x", Entity: core.ExportDeals,
			Measures: []core.Measure{{Func: core.MeasureSum}}}, "err.report.template.measure_field"},
		{"sum of a group field", core.ReportTemplate{Name: "x", Entity: core.ExportDeals,
			Measures: []core.Measure{{Func: core.MeasureSum, Field: "stage"}}}, "err.report.template.measure_field"},
		{"other entity's number", core.ReportTemplate{Name: "x", Entity: core.ExportDeals,
			Measures: []core.Measure{{Func: core.MeasureAvg, Field: "days_overdue"}}}, "err.report.template.measure_field"},
		{"count of a field", core.ReportTemplate{Name: "x", Entity: core.ExportDeals,
			Measures: []core.Measure{{Func: core.MeasureCount, Field: "amount"}}}, "err.report.template.count_field"},
		{"median", core.ReportTemplate{Name: "x", Entity: core.ExportDeals,
			Measures: []core.Measure{{Func: "median", Field: "amount"}}}, "err.report.template.measure_unknown"},
		{"measure twice", core.ReportTemplate{Name: "x", Entity: core.ExportDeals,
			Measures: []core.Measure{{Func: core.MeasureSum, Field: "amount"}, {Func: core.MeasureSum, Field: "amount"}}},
			"err.report.template.measure_twice"},
		{"status of another entity", core.ReportTemplate{Name: "x", Entity: core.ExportDeals, Measures: count,
			Filter: core.ReportFilter{Status: "подписан"}}, "err.report.template.status"},
		{"stage of changes", core.ReportTemplate{Name: "x", Entity: core.ExportChanges, Measures: count,
			Filter: core.ReportFilter{Stage: core.StageNew}}, "err.report.template.stage"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tpl := c.t
			err := o.svc.SaveReportTemplate(o.ctx(), o.officer, &tpl)
			if key, _ := core.ErrorKey(err); core.ErrorCode(err) != core.EINVALID || key != c.key {
				t.Fatalf("err %v, want %s", err, c.key)
			}
			if !repBundle.Printer("ru", nil).Has(c.key) || !repBundle.Printer("en", nil).Has(c.key) {
				t.Errorf("%s has no text", c.key)
			}
		})
	}
	var list []*core.ReportTemplate
	o.view(func(tx core.Tx) (err error) {
		list, err = tx.ReportTemplates()
		return err
	})
	if len(list) != 0 {
		t.Errorf("refused templates were stored: %+v", list)
	}
}

func TestReportTemplates(t *testing.T) {
	o := newReportOffice(t)
	tpl := &core.ReportTemplate{Name: "  Воронка   по месяцам ", Entity: core.ExportDeals,
		GroupBy: []string{"manager", "month"}, Measures: []core.Measure{{Func: core.MeasureCount},
			{Func: core.MeasureSum, Field: "amount"}}, Filter: core.ReportFilter{Rel: core.RelLastMonth}}
	if err := o.svc.SaveReportTemplate(o.ctx(), o.officer, tpl); err != nil {
		t.Fatal(err)
	}
	if tpl.ID == 0 || tpl.Name != "Воронка по месяцам" || tpl.OwnerID != o.officer.ID() {
		t.Fatalf("saved %+v", tpl)
	}
	cs := o.changes(core.EntityReportTemplate, tpl.ID)
	checkStamp(t, cs, o.officer, "created")
	if got := fields(cs); !slices.Equal(got, []string{"name", "entity", "filter", "group_by", "measures", "owner_id"}) {
		t.Errorf("created fields %q", got)
	}
	if c := change(t, cs, "measures"); c.New != "count, sum(amount)" {
		t.Errorf("measures audited as %q", c.New)
	}
	if c := change(t, cs, "filter"); !strings.Contains(c.New, `"rel":"last_month"`) {
		t.Errorf("filter audited as %q", c.New)
	}

	// The name is taken, whatever its case.
	dup := &core.ReportTemplate{Name: "ВОРОНКА ПО МЕСЯЦАМ", Entity: core.ExportTasks,
		Measures: []core.Measure{{Func: core.MeasureCount}}}
	if err := o.svc.SaveReportTemplate(o.ctx(), o.head, dup); core.ErrorCode(err) != core.ECONFLICT {
		t.Errorf("duplicate name: %v", err)
	}
	// Anyone who builds reports lists them; a lawyer does not.
	list, err := o.svc.ReportTemplates(o.ctx(), o.manager)
	if err != nil || len(list) != 1 || list[0].ID != tpl.ID {
		t.Fatalf("manager's list %+v, %v", list, err)
	}
	if _, err := o.svc.ReportTemplates(o.ctx(), o.lawyer); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Errorf("lawyer's list: %v", err)
	}
	if got, err := o.svc.ReportTemplateByID(o.ctx(), o.head, tpl.ID); err != nil || got.Name != tpl.Name {
		t.Errorf("head reads %+v, %v", got, err)
	}
	// A manager saves one of their own records only.
	mine := &core.ReportTemplate{Name: "Чужие сделки", Entity: core.ExportDeals, Measures: []core.Measure{{Func: core.MeasureCount}},
		Filter: core.ReportFilter{ManagerID: o.manager2.ID()}}
	if err := o.svc.SaveReportTemplate(o.ctx(), o.manager, mine); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Errorf("a manager's template of another's deals: %v", err)
	}

	// Someone else may not change it; an admin may, and it stays the owner's.
	edit := *tpl
	edit.Name = "Воронка за месяц"
	if err := o.svc.SaveReportTemplate(o.ctx(), o.manager2, &edit); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Errorf("someone else's edit: %v", err)
	}
	if err := o.svc.SaveReportTemplate(o.ctx(), o.admin, &edit); err != nil {
		t.Fatal(err)
	}
	if edit.OwnerID != o.officer.ID() {
		t.Errorf("owner %d after the admin's edit", edit.OwnerID)
	}
	cs = o.changes(core.EntityReportTemplate, tpl.ID)
	if c := cs[len(cs)-1]; c.Field != "name" || c.Old != "Воронка по месяцам" || c.New != "Воронка за месяц" ||
		c.ActorID != o.admin.ID() || c.Reason != "report_template_changed" {
		t.Errorf("edit audited as %+v", c)
	}
	n := len(cs)
	same := edit
	if err := o.svc.SaveReportTemplate(o.ctx(), o.officer, &same); err != nil || len(o.changes(core.EntityReportTemplate, tpl.ID)) != n {
		t.Errorf("saving it unchanged: %v, audit %d → %d", err, n, len(o.changes(core.EntityReportTemplate, tpl.ID)))
	}

	// Deleting: the owner or an admin.
	if err := o.svc.DeleteReportTemplate(o.ctx(), o.manager, tpl.ID); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Errorf("someone else's delete: %v", err)
	}
	if err := o.svc.DeleteReportTemplate(o.ctx(), o.officer, tpl.ID); err != nil {
		t.Fatal(err)
	}
	if c := change(t, o.changes(core.EntityReportTemplate, tpl.ID), "deleted"); c.New != "true" ||
		c.Reason != "report_template_deleted" {
		t.Errorf("delete audited as %+v", c)
	}
	if list, _ := o.svc.ReportTemplates(o.ctx(), o.officer); len(list) != 0 {
		t.Errorf("listed after delete: %+v", list)
	}
	if _, err := o.svc.ReportTemplateByID(o.ctx(), o.officer, tpl.ID); core.ErrorCode(err) != core.ENOTFOUND {
		t.Errorf("read after delete: %v", err)
	}
	if _, _, err := o.tryReport(o.officer, core.ReportSpec{TemplateID: tpl.ID}); core.ErrorCode(err) != core.ENOTFOUND {
		t.Errorf("run after delete: %v", err)
	}
	if err := o.svc.DeleteReportTemplate(o.ctx(), o.officer, tpl.ID); core.ErrorCode(err) != core.ENOTFOUND {
		t.Errorf("second delete: %v", err)
	}
	// Its name is free again.
	again := &core.ReportTemplate{Name: "Воронка за месяц", Entity: core.ExportDeals,
		Measures: []core.Measure{{Func: core.MeasureCount}}}
	if err := o.svc.SaveReportTemplate(o.ctx(), o.manager, again); err != nil || again.ID == tpl.ID {
		t.Errorf("the name of a deleted template: %v (id %d)", err, again.ID)
	}
}

// saveTemplate saves a template as the officer.
func (o *office) saveTemplate(e core.ReportEntity, groups []string, ms ...core.Measure) *core.ReportTemplate {
	o.t.Helper()
	t := &core.ReportTemplate{Name: fmt.Sprintf("%s %v %v", e, groups, ms), Entity: e, GroupBy: groups, Measures: ms}
	if err := o.svc.SaveReportTemplate(o.ctx(), o.officer, t); err != nil {
		o.t.Fatal(err)
	}
	return t
}

func TestCustomReport(t *testing.T) {
	o := newReportOffice(t)
	_, _, ds := seedPipeline(o)
	tpl := o.saveTemplate(core.ExportDeals, []string{"manager", "stage"}, core.Measure{Func: core.MeasureCount},
		core.Measure{Func: core.MeasureSum, Field: "amount"}, core.Measure{Func: core.MeasureAvg, Field: "amount"})
	res, w := o.report(o.officer, core.ReportSpec{TemplateID: tpl.ID})
	tb := w.tables[0]
	if !slices.Equal(tb.head.Columns, []string{"Менеджер", "Стадия", "Количество", "Сумма: сумма сделки",
		"Среднее: сумма сделки"}) || tb.head.Kinds[3] != core.ColMoney || tb.head.Kinds[2] != core.ColInt {
		t.Fatalf("head %q %v", tb.head.Columns, tb.head.Kinds)
	}
	type row struct {
		m, st       string
		n, sum, avg int64
	}
	var got []row
	for _, r := range tb.rows {
		got = append(got, row{r[0].S, r[1].S, r[2].N, r[3].N, r[4].N})
	}
	want := []row{
		{nameManager, "новая", 2, 15_000_000, 7_500_000},
		{nameManager, "подписание", 1, 100_000_000, 100_000_000},
		{nameManager2, "документы", 1, 20_000_000, 20_000_000},
		{nameManager2, "закрыта (успех)", 2, 30_099_900, 15_049_950},
		{nameManager2, "закрыта (отказ)", 1, 7_000_000, 7_000_000},
		{"Итого", "", 7, 172_099_900, 24_585_700},
	}
	if !slices.Equal(got, want) {
		t.Errorf("rows\n%v\nwant\n%v", got, want)
	}
	if res.Title != tpl.Name || len(res.Deals) != len(ds) {
		t.Errorf("title %q, scope %v", res.Title, res.Deals)
	}
	summaryHas(t, res, "записей 7", "групп 5")
	summaryHas(t, res, "Количество: 7", "Сумма: сумма сделки: "+rub(172_099_900))
	summaryHas(t, res, "Больше всего (Количество): "+nameManager+", новая — 2")

	// The run's filter over the template's: a manager sees their own.
	_, w = o.report(o.manager, core.ReportSpec{TemplateID: tpl.ID, Filter: core.ReportFilter{Stage: core.StageNew}})
	if got := firstCells(w.tables[0]); !slices.Equal(got, []string{nameManager, "Итого"}) {
		t.Errorf("manager's new deals: %q", got)
	}
	// Without groups: one line.
	all := o.saveTemplate(core.ExportDeals, nil, core.Measure{Func: core.MeasureCount})
	_, w = o.report(o.officer, core.ReportSpec{TemplateID: all.ID})
	if tb := w.tables[0]; len(tb.rows) != 1 || tb.rows[0][0].N != 7 {
		t.Errorf("ungrouped: %+v", tb.rows)
	}
}

// Each entity's numbers: tasks' days overdue, requests' working hours,
// documents' days to sign, clients' open deals.
func TestCustomReportNumbers(t *testing.T) {
	o := newReportOffice(t)
	now := o.clock.Now()
	day := 24 * time.Hour
	c1, c2, _ := seedPipeline(o)
	o.putTask(&core.Task{AssigneeID: o.manager.ID(), Due: now.Add(-2 * day)})
	o.putTask(&core.Task{AssigneeID: o.manager.ID(), Due: now.Add(-4 * day), Status: core.TaskDone, DoneAt: now.Add(-3 * day)})
	o.putTask(&core.Task{AssigneeID: o.manager.ID(), Due: now.Add(day)})
	o.putTask(&core.Task{AssigneeID: o.manager.ID(), Due: now.Add(-day), Status: core.TaskCancelled})
	tpl := o.saveTemplate(core.ExportTasks, []string{"assignee"}, core.Measure{Func: core.MeasureCount},
		core.Measure{Func: core.MeasureAvg, Field: "days_overdue"}, core.Measure{Func: core.MeasureSum, Field: "days_overdue"})
	_, w := o.report(o.officer, core.ReportSpec{TemplateID: tpl.ID})
	if r := rowOf(t, w.tables[0], nameManager); r[1].N != 4 || r[2].F != 1 || r[3].F != 3 {
		t.Errorf("tasks: %+v", r)
	}

	tpl = o.saveTemplate(core.ExportClients, []string{"manager"}, core.Measure{Func: core.MeasureSum, Field: "open_deals"},
		core.Measure{Func: core.MeasureSum, Field: "open_amount"})
	_, w = o.report(o.officer, core.ReportSpec{TemplateID: tpl.ID})
	if r := rowOf(t, w.tables[0], nameManager); r[1].F != 3 || r[2].N != 115_000_000 {
		t.Errorf("clients of %s: %+v", nameManager, r)
	}
	if r := rowOf(t, w.tables[0], nameManager2); r[1].F != 1 || r[2].N != 20_000_000 {
		t.Errorf("clients of %s: %+v", nameManager2, r)
	}

	deal := o.putDeal(&core.Deal{ClientID: c1.ID, ManagerID: o.manager.ID(), Stage: core.StageSigning})
	o.docAt("ДГ-2026-0001", core.DocContract, deal, core.DocSigned, core.DocDraft, repAt(11, 1, 10),
		core.DocSigned, repAt(11, 4, 22))
	o.docAt("ДГ-2026-0002", core.DocContract, deal, core.DocDraft, core.DocDraft, repAt(11, 2, 10))
	tpl = o.saveTemplate(core.ExportDocuments, []string{"kind", "status"}, core.Measure{Func: core.MeasureCount},
		core.Measure{Func: core.MeasureAvg, Field: "days_to_sign"})
	_, w = o.report(o.officer, core.ReportSpec{TemplateID: tpl.ID})
	if tb := w.tables[0]; len(tb.rows) != 3 || tb.rows[0][1].S != "черновик" || !tb.rows[0][3].Blank ||
		tb.rows[1][1].S != "подписан" || tb.rows[1][3].F != 3.5 || tb.rows[2][3].F != 3.5 {
		t.Errorf("documents: %+v", tb.rows)
	}

	o.setClock(repAt(11, 30, 10))
	r, err := o.svc.CreateRequest(o.ctx(), o.manager, core.NewRequest{Type: core.RequestQuestion,
		Ref: core.RequestRef{ClientID: c2.ID}, Text: "Вопрос"})
	if err != nil {
		t.Fatal(err)
	}
	o.setClock(repAt(11, 30, 15))
	if _, err := o.svc.DoneRequest(o.ctx(), o.officer, r.ID, "Ответ"); err != nil {
		t.Fatal(err)
	}
	tpl = o.saveTemplate(core.ExportRequests, []string{"type"}, core.Measure{Func: core.MeasureAvg, Field: "hours_to_done"})
	_, w = o.report(o.officer, core.ReportSpec{TemplateID: tpl.ID})
	if r := rowOf(t, w.tables[0], "вопрос"); r[1].F != 5 {
		t.Errorf("requests: %+v", r)
	}
}

// An ad hoc report counts the records the entity's export lists with the
// same filters, for every entity, filter and reader.
func TestCustomReportCountsWhatExportsList(t *testing.T) {
	o := newReportOffice(t)
	now := o.clock.Now()
	day := 24 * time.Hour
	c1, c2, ds := seedPipeline(o)
	o.setHead(o.manager2, o.head)
	tk := o.putTask(&core.Task{AssigneeID: o.manager.ID(), DealID: ds[0].ID, ClientID: c1.ID, Due: now.Add(-2 * day)})
	o.putTask(&core.Task{AssigneeID: o.manager2.ID(), ClientID: c2.ID, Due: now.Add(-20 * day), Status: core.TaskDone,
		DoneAt: now.Add(-19 * day)})
	o.putTask(&core.Task{Queue: core.PurposeOfficers, Due: now.Add(day)})
	o.docAt("ДГ-2026-0001", core.DocContract, ds[2], core.DocSigned, core.DocDraft, now.Add(-10*day),
		core.DocSigned, now.Add(-2*day))
	o.docAt("СЧ-2026-0001", core.DocInvoice, ds[3], core.DocDraft, core.DocDraft, now.Add(-3*day))
	if _, err := o.svc.CreateRequest(o.ctx(), o.manager, core.NewRequest{Type: core.RequestCorrection,
		Ref: core.RequestRef{DealID: ds[0].ID}, Text: "Сумма"}); err != nil {
		t.Fatal(err)
	}
	if _, err := o.svc.CreateRequest(o.ctx(), o.manager2, core.NewRequest{Type: core.RequestQuestion,
		Ref: core.RequestRef{ClientID: c2.ID}, Text: "Вопрос"}); err != nil {
		t.Fatal(err)
	}
	o.update(func(tx core.Tx) error {
		for _, cr := range []*core.ControlResult{
			{Kind: core.ReminderTaskDue, TaskID: tk.ID, DealID: ds[0].ID, UserID: o.manager.ID(), Outcome: core.ControlDone,
				At: now.Add(-day)},
			{Kind: core.ReminderPayment, DealID: ds[3].ID, ClientID: c2.ID, UserID: o.manager2.ID(),
				Outcome: core.ControlMoved, Late: true, At: now.Add(-10 * day)},
		} {
			if err := tx.AddControlResult(cr); err != nil {
				return err
			}
		}
		return nil
	})
	templates := map[core.ReportEntity]*core.ReportTemplate{}
	for _, e := range core.ExportEntities {
		templates[e] = o.saveTemplate(e, nil, core.Measure{Func: core.MeasureCount})
	}
	filters := []core.ReportFilter{
		{},
		{ManagerID: o.manager.ID()},
		{TeamID: o.head.ID()},
		{ClientID: c1.ID},
		{ClientID: c2.ID},
		{Stage: core.StageNew},
		{From: now.Add(-7 * day), To: now},
		{From: now.Add(-15 * day)},
		{Status: "открытые"},
		{Status: "просроченные"},
	}
	compared, nonEmpty := 0, 0
	for _, a := range []core.Actor{o.officer, o.manager, o.head} {
		for _, e := range core.ExportEntities {
			for _, f := range filters {
				var exported *core.ExportResult
				var expErr error
				o.view(func(tx core.Tx) error {
					exported, expErr = o.svc.ExportForTest(tx, a, e, f, &repWriter{}, "ru", repLoc)
					return nil
				})
				res, w, err := o.tryReport(a, core.ReportSpec{TemplateID: templates[e].ID, Filter: f})
				if (expErr == nil) != (err == nil) {
					t.Errorf("%s, %s, %+v: export %v, report %v", a.User.Name, e, f, expErr, err)
					continue
				}
				if err != nil {
					continue
				}
				compared++
				if n := w.tables[0].rows[0][0].N; n > 0 {
					nonEmpty++
				}
				if n := w.tables[0].rows[0][0].N; n != int64(exported.Rows) {
					t.Errorf("%s, %s, %+v: report counts %d, export lists %d", a.User.Name, e, f, n, exported.Rows)
				}
				if !slices.Equal(idSet(res.Deals), idSet(exported.Deals)) || !slices.Equal(idSet(res.Clients), idSet(exported.Clients)) ||
					!slices.Equal(idSet(res.Requests), idSet(exported.Requests)) {
					t.Errorf("%s, %s, %+v: scope %v %v %v, export's %v %v %v", a.User.Name, e, f, idSet(res.Clients),
						idSet(res.Deals), idSet(res.Requests), idSet(exported.Clients), idSet(exported.Deals),
						idSet(exported.Requests))
				}
			}
		}
	}
	// Most of the combinations select something; the errors (a status
	// the entity has not) are refused alike.
	if compared < 150 || nonEmpty < 100 {
		t.Errorf("compared %d counts, %d of them not zero", compared, nonEmpty)
	}
}

// Every group field of every entity groups the records under translated
// values: no locale key shows through.
func TestCustomReportEveryGroup(t *testing.T) {
	o := newReportOffice(t)
	now := o.clock.Now()
	c1, _, ds := seedPipeline(o)
	tk := o.putTask(&core.Task{AssigneeID: o.manager.ID(), DealID: ds[0].ID, ClientID: c1.ID, Due: now.Add(-time.Hour)})
	o.docAt("ДГ-2026-0001", core.DocContract, ds[0], core.DocDraft, core.DocDraft, now.Add(-time.Hour))
	if _, err := o.svc.CreateRequest(o.ctx(), o.manager, core.NewRequest{Type: core.RequestCorrection,
		Ref: core.RequestRef{DealID: ds[0].ID}, Text: "Сумма"}); err != nil {
		t.Fatal(err)
	}
	o.update(func(tx core.Tx) error {
		return tx.AddControlResult(&core.ControlResult{Kind: core.ReminderTaskDue, TaskID: tk.ID, UserID: o.manager.ID(),
			Outcome: core.ControlEscalated, At: now.Add(-time.Hour)})
	})
	for _, e := range core.ExportEntities {
		for _, f := range core.ReportFields(e) {
			if !f.Group {
				continue
			}
			tpl := o.saveTemplate(e, []string{f.Key}, core.Measure{Func: core.MeasureCount})
			_, w := o.report(o.officer, core.ReportSpec{TemplateID: tpl.ID})
			tb := w.tables[0]
			if tb.head.Columns[0] != repTexts("ru", f.LabelKey, nil) || len(tb.rows) < 2 {
				t.Errorf("%s by %s: %q, %d rows", e, f.Key, tb.head.Columns, len(tb.rows))
			}
			for _, r := range tb.rows {
				if v := r[0].S; v == "" || strings.Contains(v, ".") && !strings.ContainsAny(v, "0123456789") {
					t.Errorf("%s by %s: value %q", e, f.Key, v)
				}
			}
		}
	}
}
