package core_test

import (
	"slices"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// putTask stores a task as it is.
func (o *office) putTask(t *core.Task) *core.Task {
	o.t.Helper()
	if t.Title == "" {
		t.Title = "задача"
	}
	if t.Status == "" {
		t.Status = core.TaskOpen
	}
	o.update(func(tx core.Tx) error { return tx.CreateTask(t) })
	return t
}

// audit stores changes of a record as they were made at their times.
func (o *office) audit(e core.Entity, id int64, cs ...*core.Change) {
	o.t.Helper()
	for _, c := range cs {
		c.Entity, c.EntityID = e, id
	}
	o.update(func(tx core.Tx) error { return tx.AddChanges(cs...) })
}

// repAuditTime is a time as the audit writes it.
func repAuditTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// repAt is a time in Moscow.
func repAt(month time.Month, day, hour int) time.Time {
	return time.Date(2026, month, day, hour, 0, 0, 0, repLoc)
}

func TestOverdueReport(t *testing.T) {
	o := newReportOffice(t)
	now := o.clock.Now()
	day := 24 * time.Hour
	c := o.managedClient(sberINN, sberKPP, "ПАО Сбербанк", o.manager)
	d := o.putDeal(&core.Deal{ClientID: c.ID, ManagerID: o.manager.ID(), Stage: core.StageNew})
	t1 := o.putTask(&core.Task{Title: "Позвонить", AssigneeID: o.manager.ID(), DealID: d.ID, Due: now.Add(-3 * day)})
	o.putTask(&core.Task{AssigneeID: o.manager.ID(), Due: now.Add(-1 * day)})
	t3 := o.putTask(&core.Task{AssigneeID: o.manager2.ID(), Due: now.Add(-36 * time.Hour)})
	o.putTask(&core.Task{AssigneeID: o.manager2.ID(), Due: now.Add(day)})
	o.putTask(&core.Task{AssigneeID: o.manager2.ID(), Due: now.Add(-10 * day), Status: core.TaskDone,
		DoneAt: now.Add(-8 * day)})
	o.putTask(&core.Task{Queue: core.PurposeOfficers, RequestID: 77, Due: now.Add(-2 * time.Hour)})
	o.putTask(&core.Task{AssigneeID: o.manager.ID(), Due: now.Add(-2 * day), Status: core.TaskCancelled,
		DoneAt: now.Add(-day)})
	o.putTask(&core.Task{AssigneeID: o.manager.ID(), Due: now.Add(-5 * day), Status: core.TaskDone,
		DoneAt: now.Add(-6 * day)})

	res, w := o.report(o.officer, core.ReportSpec{Report: core.ReportOverdue})
	if len(w.tables) != 2 {
		t.Fatalf("tables %d", len(w.tables))
	}
	tb := w.tables[0]
	if got := firstCells(tb); !slices.Equal(got, []string{nameManager, nameManager2, "не назначен (очередь)", "Итого"}) {
		t.Fatalf("rows %q", got)
	}
	for _, c := range []struct {
		name     string
		open     int64
		doneLate int64
		oldest   time.Time
		longest  float64
	}{
		{nameManager, 2, 0, t1.Due, 3},
		{nameManager2, 1, 0, t3.Due, 1.5},
		{"не назначен (очередь)", 1, 0, now.Add(-2 * time.Hour), 0.08},
		{"Итого", 4, 0, t1.Due, 3},
	} {
		row := rowOf(t, tb, c.name)
		if row[1].N != c.open || row[2].N != c.doneLate || !row[3].T.Equal(c.oldest) || row[4].F != c.longest {
			t.Errorf("%s: %+v", c.name, row)
		}
	}
	list := w.tables[1]
	if len(list.rows) != 4 || list.rows[0][0].S != nameManager || list.rows[0][1].S != "Позвонить" ||
		list.rows[0][2].S != d.Number || list.rows[0][3].S != "ПАО Сбербанк" || list.rows[0][7].F != 3 ||
		list.rows[3][4].S != "#77" {
		t.Errorf("list %+v", list.rows)
	}
	if !res.Requests[77] || !res.Deals[d.ID] || !res.Clients[c.ID] {
		t.Errorf("scope %v %v %v", res.Requests, res.Deals, res.Clients)
	}
	summaryHas(t, res, "Просроченных задач: 4", "сотрудников с просрочкой: 3")
	summaryHas(t, res, "Больше всего — "+nameManager, "2", "25.11.2026")
	summaryHas(t, res, "Наибольшая просрочка: 3 дня", "Позвонить")

	// With a period: the tasks due in it, those done late too.
	res, w = o.report(o.officer, core.ReportSpec{Report: core.ReportOverdue,
		Filter: core.ReportFilter{From: now.Add(-15 * day), To: now}})
	if row := rowOf(t, w.tables[0], nameManager2); row[1].N != 1 || row[2].N != 1 || row[4].F != 2 {
		t.Errorf("period: %+v", row)
	}
	summaryHas(t, res, "Выполнено с опозданием: 1")

	// A CSV file has one table: the people.
	_, w = o.report(o.officer, core.ReportSpec{Report: core.ReportOverdue, Format: core.FormatCSV})
	if len(w.tables) != 1 {
		t.Errorf("CSV tables: %d", len(w.tables))
	}
	// A manager: their own.
	_, w = o.report(o.manager, core.ReportSpec{Report: core.ReportOverdue})
	if got := firstCells(w.tables[0]); !slices.Equal(got, []string{nameManager, "Итого"}) {
		t.Errorf("manager's rows %q", got)
	}
}

// The trend counts the tasks overdue at the end of each of the last eight
// weeks from each task's history: a due time moved after it had passed, a
// request's task waiting for an answer (no due time), a task done or
// cancelled later, a task made later.
func TestOverdueTrend(t *testing.T) {
	o := newReportOffice(t)
	m := o.manager.ID()
	// A: due 7.10, done 20.10.
	a := o.putTask(&core.Task{AssigneeID: m, Due: repAt(10, 7, 18), Status: core.TaskDone, DoneAt: repAt(10, 20, 12),
		CreatedAt: repAt(10, 1, 10)})
	o.audit(core.EntityTask, a.ID, &core.Change{Field: "due", New: repAuditTime(repAt(10, 7, 18)), At: repAt(10, 1, 10)},
		&core.Change{Field: "status", Old: "open", New: "done", At: repAt(10, 20, 12)})
	// B: due 14.10, moved on 21.10 (when already overdue) to 10.11, open.
	b := o.putTask(&core.Task{AssigneeID: m, Due: repAt(11, 10, 18), CreatedAt: repAt(10, 1, 10)})
	o.audit(core.EntityTask, b.ID, &core.Change{Field: "due", New: repAuditTime(repAt(10, 14, 18)), At: repAt(10, 1, 10)},
		&core.Change{Field: "due", Old: repAuditTime(repAt(10, 14, 18)), New: repAuditTime(repAt(11, 10, 18)), At: repAt(10, 21, 12)})
	// C: a request's task due 4.11, waiting for an answer from 3.11 to
	// 12.11 (no due time), due 13.11 then, done 20.11.
	c := o.putTask(&core.Task{Queue: core.PurposeOfficers, AssigneeID: o.officer.ID(), RequestID: 5,
		Due: repAt(11, 13, 18), Status: core.TaskDone, DoneAt: repAt(11, 20, 12), CreatedAt: repAt(11, 2, 10)})
	o.audit(core.EntityTask, c.ID, &core.Change{Field: "due", New: repAuditTime(repAt(11, 4, 18)), At: repAt(11, 2, 10)},
		&core.Change{Field: "due", Old: repAuditTime(repAt(11, 4, 18)), At: repAt(11, 3, 12)},
		&core.Change{Field: "due", New: repAuditTime(repAt(11, 13, 18)), At: repAt(11, 12, 12)})
	// D: due 5.10, cancelled 30.10.
	o.putTask(&core.Task{AssigneeID: m, Due: repAt(10, 5, 18), Status: core.TaskCancelled, DoneAt: repAt(10, 30, 12),
		CreatedAt: repAt(10, 1, 10)})
	// E: made 25.11, due 26.11.
	o.putTask(&core.Task{AssigneeID: m, Due: repAt(11, 26, 18), CreatedAt: repAt(11, 25, 10)})
	// F: no due time.
	o.putTask(&core.Task{AssigneeID: m, CreatedAt: repAt(10, 1, 10)})

	res, _ := o.report(o.officer, core.ReportSpec{Report: core.ReportOverdue})
	ch := res.Chart
	if ch == nil || ch.Kind != core.ChartLine || len(ch.Series) != 1 {
		t.Fatalf("chart %+v", ch)
	}
	wantCats := []string{"05.10", "12.10", "19.10", "26.10", "02.11", "09.11", "16.11", "23.11"}
	if !slices.Equal(ch.Categories, wantCats) {
		t.Errorf("weeks %q, want %q", ch.Categories, wantCats)
	}
	if want := []float64{2, 3, 1, 0, 0, 2, 1, 2}; !slices.Equal(ch.Series[0].Values, want) {
		t.Errorf("trend %v, want %v", ch.Series[0].Values, want)
	}
	summaryHas(t, res, "Тренд за 8 недель (с 05.10.2026)", "2 → 2")

	// Over a period: its weeks, the last ending with it.
	res, _ = o.report(o.officer, core.ReportSpec{Report: core.ReportOverdue,
		Filter: core.ReportFilter{From: repAt(10, 12, 0), To: repAt(11, 2, 0)}})
	if ch := res.Chart; !slices.Equal(ch.Categories, []string{"12.10", "19.10", "26.10"}) ||
		!slices.Equal(ch.Series[0].Values, []float64{3, 1, 0}) {
		t.Errorf("period trend %q %v", ch.Categories, ch.Series[0].Values)
	}
	// A manager's trend leaves out the officer's task.
	res, _ = o.report(o.manager, core.ReportSpec{Report: core.ReportOverdue})
	if want := []float64{2, 3, 1, 0, 0, 1, 1, 2}; !slices.Equal(res.Chart.Series[0].Values, want) {
		t.Errorf("manager's trend %v, want %v", res.Chart.Series[0].Values, want)
	}
}
