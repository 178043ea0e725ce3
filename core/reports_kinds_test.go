package core_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// docAt stores a document and its status changes at their times.
func (o *office) docAt(number string, kind core.DocKind, deal *core.Deal, status core.DocStatus, steps ...any) *core.Document {
	o.t.Helper()
	d := &core.Document{Number: number, Kind: kind, DealID: deal.ID, ClientID: deal.ClientID, Status: status,
		CreatedAt: steps[1].(time.Time)}
	o.update(func(tx core.Tx) error { return tx.CreateDocument(d) })
	var cs []*core.Change
	old := ""
	for i := 0; i < len(steps); i += 2 {
		st := string(steps[i].(core.DocStatus))
		cs = append(cs, &core.Change{Field: "status", Old: old, New: st, At: steps[i+1].(time.Time)})
		old = st
	}
	o.audit(core.EntityDocument, d.ID, cs...)
	return d
}

func TestTurnaroundReport(t *testing.T) {
	o := newReportOffice(t)
	c := o.managedClient(sberINN, sberKPP, "ПАО Сбербанк", o.manager)
	deal := o.putDeal(&core.Deal{ClientID: c.ID, ManagerID: o.manager.ID(), Stage: core.StageSigning})
	other := o.putDeal(&core.Deal{ClientID: c.ID, ManagerID: o.manager2.ID(), Stage: core.StageNew})
	o.docAt("ДГ-2026-0001", core.DocContract, deal, core.DocSigned,
		core.DocRequested, repAt(11, 1, 9), core.DocDraft, repAt(11, 1, 10), core.DocApproval, repAt(11, 2, 10),
		core.DocApproved, repAt(11, 3, 10), core.DocSent, repAt(11, 4, 10), core.DocDelivered, repAt(11, 4, 11),
		core.DocSigned, repAt(11, 8, 10))
	o.docAt("СЧ-2026-0001", core.DocInvoice, deal, core.DocSent,
		core.DocDraft, repAt(11, 2, 10), core.DocSent, repAt(11, 2, 22))
	o.docAt("ДГ-2026-0002", core.DocContract, other, core.DocDraft, core.DocDraft, repAt(11, 5, 10))

	res, w := o.report(o.officer, core.ReportSpec{Report: core.ReportTurnaround})
	tb := w.tables[0]
	if len(tb.rows) != 6 {
		t.Fatalf("rows %q", firstCells(tb))
	}
	r := tb.rows[0]
	if r[0].S != "ДГ-2026-0001" || r[1].S != "договор" || r[2].S != deal.Number || r[3].S != "ПАО Сбербанк" ||
		r[4].S != nameManager || r[5].S != "подписан" || !r[6].T.Equal(repAt(11, 1, 10)) ||
		!r[9].T.Equal(repAt(11, 8, 10)) {
		t.Errorf("first row %+v", r)
	}
	for i, want := range [][]float64{
		{2, 1, 4, 7},      // the contract
		{-1, 0.5, -1, -1}, // the invoice: no approval, not signed
		{-1, -1, -1, -1},  // a draft
		{2, 1, 4, 7},      // contracts on average
		{-1, 0.5, -1, -1}, // invoices
		{2, 0.75, 4, 7},   // all
	} {
		if got := fs(tb.rows[i], 10, 11, 12, 13); !slices.Equal(got, want) {
			t.Errorf("row %d (%s %s): %v, want %v", i, tb.rows[i][0].S, tb.rows[i][1].S, got, want)
		}
	}
	if tb.rows[3][0].S != "Среднее" || tb.rows[3][1].S != "договор" || tb.rows[5][0].S != "Среднее по всем" {
		t.Errorf("average rows %q", firstCells(tb))
	}
	summaryHas(t, res, "Документов: 3", "отправлено: 2", "подписано: 1")
	summaryHas(t, res, "до согласования — 2 дня;", "до отправки — 18 часов;", "до подписания — 4 дня;", "весь путь — 7 дней")
	summaryHas(t, res, "ДГ-2026-0001 — 7 дней от черновика")
	if !slices.Equal(idSet(res.Deals), []int64{deal.ID, other.ID}) {
		t.Errorf("scope %v", res.Deals)
	}
	// In English: the texts, and numbers with a point.
	res, w, err := o.tryReportIn("en", o.officer, core.ReportSpec{Report: core.ReportTurnaround})
	if err != nil || w.tables[0].head.Sheet != "Documents" || w.tables[0].rows[3][1].S != "contract" {
		t.Fatalf("English: %v, %+v", err, w.tables[0].head)
	}
	summaryHas(t, res, "to approval — 2 days;", "to sending — 18 hours;", "the whole way — 7 days")
	// A manager: the documents of their deals.
	_, w = o.report(o.manager, core.ReportSpec{Report: core.ReportTurnaround})
	if len(w.tables[0].rows) != 2+2+1 {
		t.Errorf("manager's rows %q", firstCells(w.tables[0]))
	}
	// The status filter is the documents'.
	_, w = o.report(o.officer, core.ReportSpec{Report: core.ReportTurnaround, Filter: core.ReportFilter{Status: "подписан"}})
	if len(w.tables[0].rows) != 1+1+1 {
		t.Errorf("signed rows %q", firstCells(w.tables[0]))
	}
}

func TestControlReport(t *testing.T) {
	o := newReportOffice(t)
	now := o.clock.Now()
	day := 24 * time.Hour
	c := o.managedClient(sberINN, sberKPP, "ПАО Сбербанк", o.manager)
	d := o.putDeal(&core.Deal{ClientID: c.ID, ManagerID: o.manager.ID(), Stage: core.StageSigning})
	tk := o.putTask(&core.Task{AssigneeID: o.manager.ID(), DealID: d.ID, Due: now.Add(-day)})
	tk2 := o.putTask(&core.Task{AssigneeID: o.manager2.ID(), Due: now.Add(-50 * day)})
	rem := func(key string, kind core.ReminderKind, user int64, dealID, taskID int64, fired time.Time, late bool,
		st core.ReminderStatus) *core.Reminder {
		r := &core.Reminder{Key: key, Kind: kind, UserID: user, DealID: dealID, TaskID: taskID, DueAt: fired,
			FiredAt: fired, Late: late, Status: st}
		o.update(func(tx core.Tx) error { return tx.CreateReminder(r) })
		return r
	}
	r1 := rem("r1", core.ReminderPayment, o.manager.ID(), d.ID, 0, now.Add(-2*day), false, core.ReminderClosed)
	rem("r2", core.ReminderSigning, o.manager.ID(), d.ID, 0, now.Add(-day), true, core.ReminderFired)
	r3 := rem("r3", core.ReminderTaskDue, o.manager.ID(), d.ID, tk.ID, now.Add(-3*day), false, core.ReminderClosed)
	r4 := rem("r4", core.ReminderEscalation, o.head.ID(), 0, tk.ID, now.Add(-day), false, core.ReminderFired)
	r5 := rem("r5", core.ReminderOverdue, o.manager2.ID(), 0, tk2.ID, now.Add(-40*day), false, core.ReminderFired)
	rem("r6", core.ReminderDigest, o.manager.ID(), 0, 0, now.Add(-day), false, core.ReminderFired)
	result := func(r *core.Reminder, user core.Actor, out core.ControlOutcome, late bool, at time.Time) {
		cr := &core.ControlResult{ReminderID: r.ID, Kind: r.Kind, DealID: r.DealID, TaskID: r.TaskID,
			UserID: user.ID(), Outcome: out, Late: late, At: at}
		o.update(func(tx core.Tx) error { return tx.AddControlResult(cr) })
	}
	result(r1, o.manager, core.ControlDone, false, now.Add(-2*day))
	result(r3, o.manager, core.ControlMoved, true, now.Add(-2*day))
	result(r3, o.manager, core.ControlSnoozed, false, now.Add(-day))
	result(r4, o.head, core.ControlEscalated, false, now.Add(-day))
	result(r5, o.manager2, core.ControlDone, false, now.Add(-40*day))

	res, w := o.report(o.officer, core.ReportSpec{Report: core.ReportControl})
	tb := w.tables[0]
	want := map[string][]int64{
		// fired, late, unanswered, answers, done, snoozed, moved, escalated, answered late
		nameHead:     {1, 0, 1, 1, 0, 0, 0, 1, 0},
		nameManager:  {3, 1, 1, 3, 1, 1, 1, 0, 1},
		nameManager2: {1, 0, 1, 1, 1, 0, 0, 0, 0},
		"Итого":      {5, 1, 3, 5, 2, 1, 1, 1, 1},
	}
	if got := firstCells(tb); !slices.Equal(got, []string{nameHead, nameManager, nameManager2, "Итого"}) {
		t.Fatalf("rows %q", got)
	}
	for name, vals := range want {
		if got := ns(rowOf(t, tb, name), 1); !slices.Equal(got, vals) {
			t.Errorf("%s: %v, want %v", name, got, vals)
		}
	}
	summaryHas(t, res, "Напоминаний сработало: 5", "с опозданием: 1", "без ответа: 3")
	summaryHas(t, res, "Ответов: 5", "выполнено 2", "отложено 1", "перенесено 1", "эскалировано 1")
	summaryHas(t, res, "Больше всего эскалаций — "+nameHead+": 1")

	// The last week.
	_, w = o.report(o.officer, core.ReportSpec{Report: core.ReportControl,
		Filter: core.ReportFilter{From: now.Add(-7 * day), To: now.Add(time.Second)}})
	if got := ns(rowOf(t, w.tables[0], "Итого"), 1); !slices.Equal(got, []int64{4, 1, 2, 4, 1, 1, 1, 1, 1}) {
		t.Errorf("week: %v (rows %q)", got, firstCells(w.tables[0]))
	}
	// An outcome narrows the answers (and leaves out the firings).
	_, w = o.report(o.officer, core.ReportSpec{Report: core.ReportControl, Filter: core.ReportFilter{Status: "эскалировано"}})
	if got := ns(rowOf(t, w.tables[0], "Итого"), 1); !slices.Equal(got, []int64{0, 0, 0, 1, 0, 0, 0, 1, 0}) {
		t.Errorf("escalated: %v", got)
	}
}

// putIntake stores an intake request of a manager as it ended.
func (o *office) putIntake(m core.Actor, given core.Requisites, st core.IntakeStatus, rep *core.VerifyReport,
	created time.Time) *core.Intake {
	o.t.Helper()
	in := &core.Intake{ManagerID: m.ID(), Given: given, Status: st, Report: rep}
	o.update(func(tx core.Tx) error {
		status := core.RequestNew
		switch st {
		case core.IntakeDone:
			status = core.RequestDone
		case core.IntakeReturned:
			status = core.RequestRejected
		}
		r := &core.Request{Type: core.RequestIntake, Status: status, RequesterID: m.ID(), Text: given.INN, CreatedAt: created}
		if err := tx.CreateRequest(r); err != nil {
			return err
		}
		r.IntakeID = r.ID
		if err := tx.UpdateRequest(r); err != nil {
			return err
		}
		in.ID = r.ID
		return tx.CreateIntake(in)
	})
	return in
}

func TestIntakeReport(t *testing.T) {
	o := newReportOffice(t)
	now := o.clock.Now()
	card := o.client(sberINN, sberKPP, "ПАО Сбербанк")
	good := core.Requisites{INN: yandexINN, KPP: yandexKPP, ShortName: "ООО Яндекс"}
	badAccount := core.Requisites{INN: alfaINN, KPP: "770801001", ShortName: "АО Альфа", BIK: "044525225",
		Account: "40702810938000012346"}
	o.putIntake(o.manager, good, core.IntakeDone, &core.VerifyReport{Duplicates: []int64{card.ID}}, now.Add(-time.Hour))
	o.putIntake(o.manager, good, core.IntakeReturned, nil, now.Add(-time.Hour))
	o.putIntake(o.manager2, badAccount, core.IntakeOpen, nil, now.Add(-time.Hour))
	o.putIntake(o.manager2, good, core.IntakeDone, &core.VerifyReport{Problems: []core.CheckProblem{{Field: "kpp",
		Code: "unusual", Value: "001234567"}}}, now.Add(-time.Hour))
	old := o.putIntake(o.manager, good, core.IntakeDone, nil, now.Add(-40*24*time.Hour))

	res, w := o.report(o.officer, core.ReportSpec{Report: core.ReportIntake})
	tb := w.tables[0]
	// intakes, done, returned, open, errors, duplicates
	for name, want := range map[string][]int64{
		nameManager:  {3, 2, 1, 0, 1, 1},
		nameManager2: {2, 1, 0, 1, 1, 0},
		"Итого":      {5, 3, 1, 1, 2, 1},
	} {
		row := rowOf(t, tb, name)
		if got := ns(row[:7], 1); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", name, got, want)
		}
	}
	if rowOf(t, tb, nameManager)[7].F != 33.33 || rowOf(t, tb, "Итого")[7].F != 40 {
		t.Errorf("shares %v %v", rowOf(t, tb, nameManager)[7], rowOf(t, tb, "Итого")[7])
	}
	if !res.Requests[old.ID] || len(res.Requests) != 5 {
		t.Errorf("scope %v", res.Requests)
	}
	summaryHas(t, res, "Приёмов: 5", "принято 3", "возвращено 1", "в работе 1")
	summaryHas(t, res, "С ошибками: 2 (40%)", "с дублями: 1")
	// The leaders by name in the nominative after a dash, not after «у».
	summaryHas(t, res, "Больше всего ошибок — ")
	summaryHas(t, res, "Больше всего дублей — ")
	for _, l := range res.Summary {
		if strings.Contains(l, " у ") {
			t.Errorf("a name after «у»: %q", l)
		}
	}

	// The last week leaves the old one out.
	_, w = o.report(o.officer, core.ReportSpec{Report: core.ReportIntake,
		Filter: core.ReportFilter{From: now.Add(-7 * 24 * time.Hour), To: now}})
	if got := ns(rowOf(t, w.tables[0], nameManager)[:7], 1); !slices.Equal(got, []int64{2, 1, 1, 0, 1, 1}) {
		t.Errorf("week: %v", got)
	}
}

func TestRequestsReport(t *testing.T) {
	o := newReportOffice(t)
	// Monday 30.11.2026, 10:00 in Moscow.
	o.setClock(repAt(11, 30, 10))
	c := o.managedClient(sberINN, sberKPP, "ПАО Сбербанк", o.manager)
	ref := core.RequestRef{ClientID: c.ID}
	file := func(tp core.RequestType) *core.Request {
		r, err := o.svc.CreateRequest(o.ctx(), o.manager, core.NewRequest{Type: tp, Ref: ref, Text: "Проверьте"})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	must := func(_ *core.Request, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	r1, r2, r3 := file(core.RequestCorrection), file(core.RequestQuestion), file(core.RequestCorrection)
	// r1: asked at 11:00, answered at 13:00, done at 15:00: 3 working
	// hours of its 4, the two hours waiting not counted.
	o.setClock(repAt(11, 30, 11))
	must(o.svc.AskRequest(o.ctx(), o.officer, r1.ID, "Какой счёт?"))
	o.setClock(repAt(11, 30, 13))
	must(o.svc.AnswerRequest(o.ctx(), o.manager, r1.ID, "Второй", nil))
	o.setClock(repAt(11, 30, 15))
	must(o.svc.DoneRequest(o.ctx(), o.officer, r1.ID, "Исправлено"))
	// r2: done the next day at 12:00: 8 + 3 working hours, past its 8.
	o.setClock(repAt(12, 1, 12))
	must(o.svc.DoneRequest(o.ctx(), o.officer, r2.ID, "Ответили"))
	// r3 is still open, its 4 hours long gone.
	res, w := o.report(o.officer, core.ReportSpec{Report: core.ReportRequests})
	tb := w.tables[0]
	if got := firstCells(tb); !slices.Equal(got, []string{"корректировка", "вопрос", "Итого"}) {
		t.Fatalf("rows %q", got)
	}
	for name, want := range map[string]struct {
		n        []int64 // count, done, rejected, open, overdue
		share    float64
		avg, sla float64
	}{
		"корректировка": {[]int64{2, 1, 0, 1, 1}, 50, 3, 4},
		"вопрос":        {[]int64{1, 1, 0, 0, 1}, 100, 11, 8},
		"Итого":         {[]int64{3, 2, 0, 1, 2}, 66.67, 7, -1},
	} {
		row := rowOf(t, tb, name)
		if got := ns(row[:6], 1); !slices.Equal(got, want.n) || row[6].F != want.share ||
			!slices.Equal(fs(row, 7, 8), []float64{want.avg, want.sla}) {
			t.Errorf("%s: %v %v %v, want %+v", name, got, row[6].F, fs(row, 7, 8), want)
		}
	}
	if !slices.Equal(idSet(res.Requests), []int64{r1.ID, r2.ID, r3.ID}) || !res.Clients[c.ID] {
		t.Errorf("scope %v %v", res.Requests, res.Clients)
	}
	summaryHas(t, res, "Обращений: 3", "выполнено 2", "открыто 1")
	summaryHas(t, res, "С нарушением срока: 2 из 3 (67%)")
	summaryHas(t, res, "Среднее время до выполнения: 7 часов рабочего времени")

	// A request's type filter is its status: the open ones.
	_, w = o.report(o.officer, core.ReportSpec{Report: core.ReportRequests, Filter: core.ReportFilter{Status: "открытые"}})
	if got := ns(rowOf(t, w.tables[0], "Итого")[:6], 1); !slices.Equal(got, []int64{1, 0, 0, 1, 1}) {
		t.Errorf("open: %v", got)
	}
}

func TestRisksReport(t *testing.T) {
	o := newReportOffice(t)
	risky := o.managedClient(sberINN, sberKPP, "ПАО Сбербанк", o.manager)
	gone := o.managedClient(yandexINN, yandexKPP, "ООО Яндекс", o.manager2)
	o.managedClient(alfaINN, "770801001", "АО Альфа", o.manager)
	checked := o.clock.Now().Add(-24 * time.Hour)
	o.update(func(tx core.Tx) error {
		for _, x := range []struct {
			id     int64
			status core.CompanyStatus
			risks  []core.RiskFlag
		}{
			{risky.ID, core.StatusActive, []core.RiskFlag{{Code: core.RiskMassAddress}, {Code: core.RiskTaxDebt}}},
			{gone.ID, core.StatusLiquidated, nil},
		} {
			c, err := tx.ClientByID(x.id)
			if err != nil {
				return err
			}
			c.Verification = core.Verification{Status: core.Verified, At: checked, Company: x.status, Risks: x.risks}
			if err := tx.UpdateClient(c); err != nil {
				return err
			}
		}
		return nil
	})
	d1 := o.putDeal(&core.Deal{ClientID: risky.ID, ManagerID: o.manager.ID(), Stage: core.StageNew, Amount: 10_000_000})
	o.putDeal(&core.Deal{ClientID: risky.ID, ManagerID: o.manager.ID(), Stage: core.StageClosedWon, Amount: 5_000_000})
	d3 := o.putDeal(&core.Deal{ClientID: gone.ID, ManagerID: o.manager.ID(), Stage: core.StageSigning, Amount: 3_000_000})

	res, w := o.report(o.officer, core.ReportSpec{Report: core.ReportRisks})
	tb := w.tables[0]
	if got := firstCells(tb); !slices.Equal(got, []string{"ООО Яндекс", "ПАО Сбербанк", "Итого"}) {
		t.Fatalf("rows %q", got)
	}
	if r := tb.rows[0]; r[2].S != "ликвидировано" || r[6].N != 1 || r[7].N != 3_000_000 || r[5].S != nameManager2 {
		t.Errorf("liquidated: %+v", r)
	}
	if r := tb.rows[1]; r[3].S != "адрес массовой регистрации; налоговая задолженность" || r[6].N != 1 ||
		r[7].N != 10_000_000 || !r[4].T.Equal(checked) {
		t.Errorf("risky: %+v", r)
	}
	if r := tb.rows[2]; r[6].N != 2 || r[7].N != 13_000_000 {
		t.Errorf("total: %+v", r)
	}
	if !slices.Equal(idSet(res.Deals), []int64{d1.ID, d3.ID}) || !slices.Equal(idSet(res.Clients), []int64{risky.ID, gone.ID}) {
		t.Errorf("scope %v %v", res.Deals, res.Clients)
	}
	summaryHas(t, res, "Контрагентов с признаками риска: 2", "открытых сделок с ними: 2", rub(13_000_000))
	summaryHas(t, res, "Ликвидированы или банкроты: 1", "открытых сделок с ними: 1")
	summaryHas(t, res, "Больше всего под риском: ", "1 сделка на ")
	res, _, err := o.tryReportIn("en", o.officer, core.ReportSpec{Report: core.ReportRisks})
	if err != nil {
		t.Fatal(err)
	}
	summaryHas(t, res, "Most at stake: ", "1 deal for ")

	// manager2 sees the liquidated card they manage, with none of the
	// other manager's deals; the manager both, through their deals.
	_, w = o.report(o.manager2, core.ReportSpec{Report: core.ReportRisks})
	if got := firstCells(w.tables[0]); !slices.Equal(got, []string{"ООО Яндекс", "Итого"}) || w.tables[0].rows[0][6].N != 0 {
		t.Errorf("manager2: %q %+v", got, w.tables[0].rows)
	}
	_, w = o.report(o.manager, core.ReportSpec{Report: core.ReportRisks})
	if got := firstCells(w.tables[0]); !slices.Equal(got, []string{"ООО Яндекс", "ПАО Сбербанк", "Итого"}) {
		t.Errorf("manager: %q", got)
	}
}
