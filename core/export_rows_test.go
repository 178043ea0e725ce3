package core_test

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/locales"
)

// recorder is a TableWriter that keeps what it is given.
type recorder struct {
	heads []core.TableHead
	rows  [][]core.Value
}

func (r *recorder) Table(h core.TableHead) error {
	r.heads = append(r.heads, h)
	return nil
}

func (r *recorder) Row(vals []core.Value) error {
	if len(r.heads) == 0 {
		return fmt.Errorf("a row before the table")
	}
	r.rows = append(r.rows, slices.Clone(vals))
	return nil
}

func (r *recorder) Image(string, []byte) error { return nil }
func (r *recorder) Close() ([]byte, error)     { return nil, nil }

// col is the index of a column by its header.
func (r *recorder) col(t *testing.T, header string) int {
	t.Helper()
	i := slices.Index(r.heads[0].Columns, header)
	if i < 0 {
		t.Fatalf("no column %q in %q", header, r.heads[0].Columns)
	}
	return i
}

// texts are a column's texts, sorted.
func (r *recorder) texts(t *testing.T, header string) []string {
	t.Helper()
	i := r.col(t, header)
	out := make([]string, len(r.rows))
	for k, row := range r.rows {
		out[k] = row[i].S
	}
	sort.Strings(out)
	return out
}

// ints are a column's integers, sorted.
func (r *recorder) ints(t *testing.T, header string) []int64 {
	t.Helper()
	i := r.col(t, header)
	out := make([]int64, len(r.rows))
	for k, row := range r.rows {
		out[k] = row[i].N
	}
	slices.Sort(out)
	return out
}

// checkShape checks that there is one table whose every row has a value
// per column, and that no header is left untranslated.
func (r *recorder) checkShape(t *testing.T) {
	t.Helper()
	if len(r.heads) != 1 {
		t.Fatalf("%d tables, want 1", len(r.heads))
	}
	h := r.heads[0]
	if len(h.Columns) != len(h.Kinds) || len(h.Columns) != len(h.Widths) {
		t.Fatalf("%d columns, %d kinds, %d widths", len(h.Columns), len(h.Kinds), len(h.Widths))
	}
	for _, c := range h.Columns {
		if c == "" || strings.Contains(c, "export.col.") {
			t.Errorf("header %q is not translated", c)
		}
	}
	for _, n := range h.Notes {
		if strings.Contains(n, "msg.export.") {
			t.Errorf("note %q is not translated", n)
		}
	}
	for i, row := range r.rows {
		if len(row) != len(h.Columns) {
			t.Fatalf("row %d has %d values for %d columns", i, len(row), len(h.Columns))
		}
	}
}

// printers translate as the program does: one printer per language.
var (
	printersOnce sync.Once
	printers     map[string]*locales.Printer
)

func printText(lang, key string, args map[string]any) string {
	printersOnce.Do(func() {
		b := locales.MustLoad()
		printers = map[string]*locales.Printer{"ru": b.Printer("ru", nil), "en": b.Printer("en", nil)}
	})
	p, ok := printers[lang]
	if !ok {
		p = printers["ru"]
	}
	return p.T(key, args)
}

// exportWorld is the office with records to export: three cards, thirty
// deals across managers, stages and days, and tasks, documents,
// requests, control results and changes about them. The manager
// (Максим) is in the head's team; the second manager (Марина) is not.
type exportWorld struct {
	*office
	clients  []*core.Client
	deals    []*core.Deal
	tasks    []*core.Task
	docs     []*core.Document
	requests []*core.Request
	control  []*core.ControlResult
	changes  []*core.Change
}

// managers are whose deals the seeded deals are, in turn.
func (w *exportWorld) managers() []core.Actor { return []core.Actor{w.manager, w.manager2, w.head} }

func newExportWorld(t *testing.T) *exportWorld {
	w := &exportWorld{office: newOffice(t, core.WithReports(nil, nil, nil, printText))}
	w.update(func(tx core.Tx) error {
		u, err := tx.UserByID(w.manager.ID())
		if err != nil {
			return err
		}
		u.HeadID = w.head.ID()
		w.manager.User.HeadID = w.head.ID()
		return tx.UpdateUser(u)
	})
	w.clients = []*core.Client{
		w.managedClient(sberINN, sberKPP, "ПАО Сбербанк", w.manager),
		w.managedClient(yandexINN, yandexKPP, "ООО Яндекс", w.manager2),
		w.client(alfaINN, "", "АО Альфа-Банк"),
	}
	w.update(func(tx core.Tx) error {
		for i := range 30 {
			created := mskDay(2026, 11, 28).Add(10*time.Hour).AddDate(0, 0, -i) // 30 October to 28 November
			d := &core.Deal{Number: fmt.Sprintf("D-2026-%04d", i+1), ClientID: w.clients[i%3].ID,
				ManagerID: w.managers()[i%3].ID(), Title: fmt.Sprintf("Поставка %d", i+1),
				Amount: core.Money(int64(i+1) * 100_000_00), Stage: core.Stages[i%len(core.Stages)],
				CreatedBy: w.officer.ID(), CreatedAt: created, SigningDue: created.AddDate(0, 0, 10)}
			if d.Stage.Closed() {
				d.ClosedAt, d.ClosedFrom = created.Add(time.Hour), core.StageSigning
			}
			if d.Stage == core.StageClosedLost {
				d.LostReason = "дорого"
			}
			if i == 4 {
				d.Payments = []core.Payment{{Due: mskDay(2026, 12, 15), Amount: 150_000_00}, {Due: mskDay(2027, 1, 15)}}
			}
			if err := tx.CreateDeal(d); err != nil {
				return err
			}
			w.deals = append(w.deals, d)
		}
		return nil
	})
	return w
}

// run exports as the actor.
func (w *exportWorld) run(a core.Actor, e core.ReportEntity, f core.ReportFilter) (*recorder, *core.ExportResult, error) {
	rec := &recorder{}
	var res *core.ExportResult
	err := w.db.View(w.ctx(), func(tx core.Tx) (err error) {
		res, err = w.svc.ExportForTest(tx, a, e, f, rec, "ru", moscowZone)
		return err
	})
	return rec, res, err
}

// must exports and fails on an error.
func (w *exportWorld) must(t *testing.T, a core.Actor, e core.ReportEntity, f core.ReportFilter) (*recorder, *core.ExportResult) {
	t.Helper()
	rec, res, err := w.run(a, e, f)
	if err != nil {
		t.Fatalf("export %s %+v as %s: %v", e, f, a.User.Name, err)
	}
	rec.checkShape(t)
	if res.Rows != len(rec.rows) {
		t.Fatalf("Rows %d, %d rows written", res.Rows, len(rec.rows))
	}
	return rec, res
}

// dealNumbers are the numbers of the seeded deals that pass, sorted.
func (w *exportWorld) dealNumbers(pass func(d *core.Deal) bool) []string {
	var out []string
	for _, d := range w.deals {
		if pass(d) {
			out = append(out, d.Number)
		}
	}
	sort.Strings(out)
	return out
}

func TestExportDealsFilters(t *testing.T) {
	w := newExportWorld(t)
	nov := core.ReportFilter{From: mskDay(2026, 11, 1), To: mskDay(2026, 12, 1)}
	inNov := func(d *core.Deal) bool { return !d.CreatedAt.Before(nov.From) && d.CreatedAt.Before(nov.To) }
	team := func(d *core.Deal) bool { return d.ManagerID == w.manager.ID() || d.ManagerID == w.head.ID() }
	for _, c := range []struct {
		name string
		a    core.Actor
		f    core.ReportFilter
		pass func(d *core.Deal) bool
	}{
		{"all", w.officer, core.ReportFilter{}, func(*core.Deal) bool { return true }},
		{"admin", w.admin, core.ReportFilter{}, func(*core.Deal) bool { return true }},
		{"period", w.officer, nov, inNov},
		{"last month", w.officer, core.ReportFilter{Rel: core.RelLastMonth},
			func(d *core.Deal) bool { return d.CreatedAt.Before(mskDay(2026, 11, 1)) }},
		{"manager", w.officer, core.ReportFilter{ManagerID: w.manager2.ID()},
			func(d *core.Deal) bool { return d.ManagerID == w.manager2.ID() }},
		{"team", w.officer, core.ReportFilter{TeamID: w.head.ID()}, team},
		{"stage", w.officer, core.ReportFilter{Stage: core.StageSigning},
			func(d *core.Deal) bool { return d.Stage == core.StageSigning }},
		{"open", w.officer, core.ReportFilter{Status: "открытые"}, func(d *core.Deal) bool { return !d.Stage.Closed() }},
		{"closed", w.officer, core.ReportFilter{Status: "закрыта"}, func(d *core.Deal) bool { return d.Stage.Closed() }},
		{"won", w.officer, core.ReportFilter{Status: "won"}, func(d *core.Deal) bool { return d.Stage == core.StageClosedWon }},
		{"client", w.officer, core.ReportFilter{ClientID: w.clients[1].ID},
			func(d *core.Deal) bool { return d.ClientID == w.clients[1].ID }},
		{"everything at once", w.officer, core.ReportFilter{From: nov.From, To: nov.To, ManagerID: w.manager.ID(),
			Status: "открыта", ClientID: w.clients[0].ID},
			func(d *core.Deal) bool {
				return inNov(d) && d.ManagerID == w.manager.ID() && !d.Stage.Closed() && d.ClientID == w.clients[0].ID
			}},
		// Managers see their own deals, heads their team's.
		{"manager's own", w.manager, core.ReportFilter{}, func(d *core.Deal) bool { return d.ManagerID == w.manager.ID() }},
		{"manager's own, naming themselves", w.manager2, core.ReportFilter{ManagerID: w.manager2.ID(), Stage: core.StageNew},
			func(d *core.Deal) bool { return d.ManagerID == w.manager2.ID() && d.Stage == core.StageNew }},
		{"head's team", w.head, core.ReportFilter{}, team},
		{"head naming one of theirs", w.head, core.ReportFilter{ManagerID: w.manager.ID()},
			func(d *core.Deal) bool { return d.ManagerID == w.manager.ID() }},
		{"nothing", w.officer, core.ReportFilter{From: mskDay(2020, 1, 1), To: mskDay(2020, 2, 1)}, func(*core.Deal) bool { return false }},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec, res := w.must(t, c.a, core.ExportDeals, c.f)
			want := w.dealNumbers(c.pass)
			if got := rec.texts(t, "Номер"); !slices.Equal(got, want) {
				t.Errorf("deals %v, want %v", got, want)
			}
			if len(res.Deals) != len(want) {
				t.Errorf("scope has %d deals, want %d", len(res.Deals), len(want))
			}
			if len(want) == 0 && res.Summary[0] != "Сделок по этим фильтрам нет: файл пустой, в нём только заголовок." {
				t.Errorf("summary of an empty export: %q", res.Summary)
			}
		})
	}
}

func TestExportDealsRefused(t *testing.T) {
	w := newExportWorld(t)
	for _, c := range []struct {
		name      string
		a         core.Actor
		f         core.ReportFilter
		code, key string
	}{
		{"a lawyer", w.lawyer, core.ReportFilter{}, core.EFORBIDDEN, "err.export.forbidden"},
		{"an underwriter", w.underwriter, core.ReportFilter{}, core.EFORBIDDEN, "err.export.forbidden"},
		{"a disabled officer", disabled(w.officer), core.ReportFilter{}, core.EFORBIDDEN, "err.export.forbidden"},
		{"a manager naming another", w.manager, core.ReportFilter{ManagerID: w.manager2.ID()}, core.EFORBIDDEN, "err.export.other_manager"},
		{"a manager naming a team", w.manager, core.ReportFilter{TeamID: w.head.ID()}, core.EFORBIDDEN, "err.export.other_team"},
		{"a head naming someone else's", w.head, core.ReportFilter{ManagerID: w.manager2.ID()}, core.EFORBIDDEN, "err.export.other_manager"},
		{"a head naming another team", w.head, core.ReportFilter{TeamID: w.officer.ID()}, core.EFORBIDDEN, "err.export.other_team"},
		{"a status deals lack", w.officer, core.ReportFilter{Status: "подписан"}, core.EINVALID, "err.export.status_unknown"},
		{"an unknown entity", w.officer, core.ReportFilter{}, core.EINVALID, "err.export.entity_unknown"},
	} {
		e := core.ExportDeals
		if c.key == "err.export.entity_unknown" {
			e = "invoices"
		}
		rec, _, err := w.run(c.a, e, c.f)
		key, _ := core.ErrorKey(err)
		if core.ErrorCode(err) != c.code || key != c.key {
			t.Errorf("%s: %v; want %s %s", c.name, err, c.code, c.key)
		}
		if len(rec.heads) != 0 || len(rec.rows) != 0 {
			t.Errorf("%s: a refused export wrote %d tables, %d rows", c.name, len(rec.heads), len(rec.rows))
		}
	}
	// The refusal of a status lists the deals' statuses in words.
	_, _, err := w.run(w.officer, core.ExportDeals, core.ReportFilter{Status: "подписан"})
	if _, args := core.ErrorKey(err); args["Statuses"] != "открыта, закрыта, закрыта (успех), закрыта (отказ)" {
		t.Errorf("statuses: %v", args)
	}
}

func TestExportDealsColumns(t *testing.T) {
	w := newExportWorld(t)
	rec, res := w.must(t, w.officer, core.ExportDeals, core.ReportFilter{})
	h := rec.heads[0]
	want := []string{"Номер", "Название", "Клиент", "ИНН клиента", "КПП клиента", "Менеджер", "Сумма", "Стадия",
		"Срок подписания", "Срок оплаты", "Окончание договора", "График платежей", "Напоминать за (дней)", "Закрыта",
		"Закрыта со стадии", "Причина отказа", "Открыта вопреки статусу клиента", "Создал(а)", "Создана", "Изменена"}
	if !slices.Equal(h.Columns, want) {
		t.Errorf("columns %q, want %q", h.Columns, want)
	}
	if h.Sheet != "Сделки" || res.Title != "Сделки" {
		t.Errorf("sheet %q, title %q", h.Sheet, res.Title)
	}
	kinds := map[string]core.ColumnKind{"Сумма": core.ColMoney, "Срок подписания": core.ColDate, "Создана": core.ColDateTime,
		"Закрыта": core.ColDateTime, "Номер": core.ColText}
	for name, kind := range kinds {
		if got := h.Kinds[rec.col(t, name)]; got != kind {
			t.Errorf("%s is of kind %d, want %d", name, got, kind)
		}
	}
	byNumber := map[string][]core.Value{}
	for _, row := range rec.rows {
		byNumber[row[0].S] = row
	}
	// The fifth deal: Марина's, at signing, with a payment schedule.
	d := w.deals[4]
	row := byNumber[d.Number]
	val := func(name string) core.Value { return row[rec.col(t, name)] }
	for name, want := range map[string]string{"Название": "Поставка 5", "Клиент": "ООО Яндекс", "ИНН клиента": yandexINN,
		"КПП клиента": yandexKPP, "Менеджер": "Марина Продажина", "Стадия": "подписание", "Создал(а)": "Ирина Сопровождение",
		"График платежей": "15.12.2026 — 150\u00a0000,00\u00a0₽; 15.01.2027", "Причина отказа": ""} {
		if got := val(name).S; got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if v := val("Сумма"); v.N != 500_000_00 || v.Blank {
		t.Errorf("amount %+v", v)
	}
	if v := val("Создана"); !v.T.Equal(d.CreatedAt) || v.Blank {
		t.Errorf("created %+v, want %v", v, d.CreatedAt)
	}
	if v := val("Срок подписания"); !v.T.Equal(d.SigningDue) {
		t.Errorf("signing due %+v", v)
	}
	if v := val("Закрыта"); !v.Blank {
		t.Errorf("an open deal's closing time %+v", v)
	}
	// The eighth: lost.
	row = byNumber[w.deals[7].Number]
	if val("Стадия").S != "закрыта (отказ)" || val("Причина отказа").S != "дорого" || val("Закрыта со стадии").S != "подписание" ||
		!val("Закрыта").T.Equal(w.deals[7].ClosedAt) {
		t.Errorf("a lost deal: %+v", row)
	}
	if res.Summary[0] != "Выгружено 30 сделок" || !slices.Contains(res.Summary, "Фильтров нет: все записи") {
		t.Errorf("summary %q", res.Summary)
	}
	if !res.Clients[w.clients[0].ID] || !res.Clients[w.clients[2].ID] || len(res.Clients) != 3 {
		t.Errorf("scope clients %v", res.Clients)
	}
	// A count that takes the singular.
	_, res = w.must(t, w.officer, core.ExportDeals, core.ReportFilter{Stage: core.StageNew, ClientID: w.clients[0].ID,
		ManagerID: w.manager.ID(), From: mskDay(2026, 11, 20)})
	if res.Summary[0] != "Выгружена 1 сделка" {
		t.Errorf("summary %q", res.Summary)
	}
}

func TestExportNotes(t *testing.T) {
	w := newExportWorld(t)
	rec, res := w.must(t, w.officer, core.ExportDeals, core.ReportFilter{Rel: core.RelLastMonth,
		ManagerID: w.manager2.ID(), Stage: core.StageSigning, Status: "открыта", ClientID: w.clients[1].ID})
	want := []string{"Выгрузка: Сделки", "Период: 01.10.2026 — 31.10.2026 (прошлый месяц)",
		"Сотрудник: Марина Продажина", "Стадия сделки: подписание", "Статус: открыта", "Клиент: ООО Яндекс, 7736207543",
		"Сформировал(а): Ирина Сопровождение", "Сформировано: 28.11.2026 12:00 (Москва)"}
	if !slices.Equal(rec.heads[0].Notes, want) {
		t.Errorf("notes\n%q\nwant\n%q", rec.heads[0].Notes, want)
	}
	if !slices.Equal(res.Summary[1:], want[1:6]) {
		t.Errorf("summary %q", res.Summary)
	}
	// A head's export says whose team it is.
	rec, _ = w.must(t, w.head, core.ExportDeals, core.ReportFilter{From: mskDay(2026, 11, 1)})
	if n := rec.heads[0].Notes; !slices.Contains(n, "Команда руководителя: Глеб Начальников") ||
		!slices.Contains(n, "Период: с 01.11.2026") {
		t.Errorf("head's notes %q", n)
	}
	// filterNotes for reports: the period up to a day, in English.
	var notes []string
	w.view(func(tx core.Tx) error {
		notes = w.svc.FilterNotesForTest(tx, "en", core.ReportFilter{To: mskDay(2026, 12, 1), TeamID: w.head.ID()}, moscowZone)
		return nil
	})
	if !slices.Equal(notes, []string{"Period: up to 2026-11-30", "Team of: Глеб Начальников"}) {
		t.Errorf("english notes %q", notes)
	}
}

func TestScopeFilter(t *testing.T) {
	w := newExportWorld(t)
	for _, c := range []struct {
		a    core.Actor
		in   core.ReportFilter
		want core.ReportFilter
	}{
		{w.officer, core.ReportFilter{ManagerID: w.manager2.ID()}, core.ReportFilter{ManagerID: w.manager2.ID()}},
		{w.admin, core.ReportFilter{TeamID: w.head.ID()}, core.ReportFilter{TeamID: w.head.ID()}},
		{w.manager, core.ReportFilter{Stage: core.StageNew}, core.ReportFilter{Stage: core.StageNew, ManagerID: w.manager.ID()}},
		{w.head, core.ReportFilter{}, core.ReportFilter{TeamID: w.head.ID()}},
		{w.head, core.ReportFilter{ManagerID: w.head.ID()}, core.ReportFilter{ManagerID: w.head.ID(), TeamID: w.head.ID()}},
		{core.Actor{Source: "job:reports"}, core.ReportFilter{}, core.ReportFilter{}},
	} {
		var got core.ReportFilter
		var err error
		w.view(func(tx core.Tx) error {
			got, err = w.svc.ScopeFilterForTest(tx, c.a, c.in)
			return nil
		})
		if err != nil || got != c.want {
			t.Errorf("%v, %+v: %+v, %v; want %+v", c.a.User, c.in, got, err, c.want)
		}
	}
}

func TestExportTasks(t *testing.T) {
	w := newExportWorld(t)
	now := w.clock.Now()
	w.update(func(tx core.Tx) error {
		assignees := []int64{w.manager.ID(), w.manager2.ID(), w.officer.ID(), 0}
		statuses := []core.TaskStatus{core.TaskOpen, core.TaskDone, core.TaskOpen, core.TaskCancelled}
		for i := range 12 {
			task := &core.Task{Title: fmt.Sprintf("Задача %d", i+1), AssigneeID: assignees[i%4], Status: statuses[i%4],
				Due: now.AddDate(0, 0, i-6), CreatedBy: w.officer.ID()}
			if task.AssigneeID == 0 {
				task.Queue = core.PurposeOfficers
			}
			switch i % 3 {
			case 0:
				task.DealID = w.deals[i].ID
			case 1:
				task.ClientID = w.clients[i%3].ID
			}
			if i == 11 {
				task.Due = time.Time{}
			}
			if task.Status == core.TaskDone {
				task.DoneAt, task.Result = now, "сделано"
			}
			if err := tx.CreateTask(task); err != nil {
				return err
			}
			w.tasks = append(w.tasks, task)
		}
		return nil
	})
	clientOf := func(task *core.Task) int64 {
		if task.ClientID != 0 {
			return task.ClientID
		}
		for _, d := range w.deals {
			if d.ID == task.DealID {
				return d.ClientID
			}
		}
		return 0
	}
	stageOf := func(task *core.Task) core.Stage {
		for _, d := range w.deals {
			if d.ID == task.DealID {
				return d.Stage
			}
		}
		return ""
	}
	period := core.ReportFilter{From: mskDay(2026, 11, 25), To: mskDay(2026, 12, 1)}
	for _, c := range []struct {
		name string
		a    core.Actor
		f    core.ReportFilter
		pass func(*core.Task) bool
	}{
		{"all", w.officer, core.ReportFilter{}, func(*core.Task) bool { return true }},
		{"due in the period", w.officer, period, func(task *core.Task) bool {
			return !task.Due.IsZero() && !task.Due.Before(period.From) && task.Due.Before(period.To)
		}},
		{"assignee", w.officer, core.ReportFilter{ManagerID: w.manager2.ID()}, func(task *core.Task) bool { return task.AssigneeID == w.manager2.ID() }},
		{"overdue", w.officer, core.ReportFilter{Status: "просроченные"}, func(task *core.Task) bool { return task.Overdue(now) }},
		{"done", w.officer, core.ReportFilter{Status: "выполнена"}, func(task *core.Task) bool { return task.Status == core.TaskDone }},
		{"client, its own or its deal's", w.officer, core.ReportFilter{ClientID: w.clients[0].ID},
			func(task *core.Task) bool { return clientOf(task) == w.clients[0].ID }},
		{"deal stage", w.officer, core.ReportFilter{Stage: core.StageApproval},
			func(task *core.Task) bool { return stageOf(task) == core.StageApproval }},
		{"manager's own", w.manager, core.ReportFilter{}, func(task *core.Task) bool { return task.AssigneeID == w.manager.ID() }},
		{"head's team", w.head, core.ReportFilter{}, func(task *core.Task) bool { return task.AssigneeID == w.manager.ID() }},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec, res := w.must(t, c.a, core.ExportTasks, c.f)
			var want []int64
			for _, task := range w.tasks {
				if c.pass(task) {
					want = append(want, task.ID)
				}
			}
			if got := rec.ints(t, "№"); !slices.Equal(got, want) {
				t.Errorf("tasks %v, want %v", got, want)
			}
			if res.Rows != len(want) {
				t.Errorf("rows %d", res.Rows)
			}
		})
	}
	rec, _ := w.must(t, w.officer, core.ExportTasks, core.ReportFilter{})
	for _, row := range rec.rows {
		task := w.tasks[row[0].N-w.tasks[0].ID]
		get := func(name string) core.Value { return row[rec.col(t, name)] }
		if task.Queue != "" && (get("Очередь").S != "сотрудники сопровождения" || get("Исполнитель").S != "") {
			t.Errorf("queued task: %q, %q", get("Очередь").S, get("Исполнитель").S)
		}
		if (get("Просрочена").S == "да") != task.Overdue(now) {
			t.Errorf("task %d overdue %q", task.ID, get("Просрочена").S)
		}
		if task.DealID == w.deals[0].ID && (get("Сделка").S != w.deals[0].Number || get("Клиент").S != "ПАО Сбербанк" ||
			get("ИНН клиента").S != sberINN || get("Статус").S != "открыта") {
			t.Errorf("a deal's task: %+v", row)
		}
		if task.Due.IsZero() != get("Срок").Blank {
			t.Errorf("task %d due %+v", task.ID, get("Срок"))
		}
	}
	// Tasks have no «подписан».
	if _, _, err := w.run(w.officer, core.ExportTasks, core.ReportFilter{Status: "подписан"}); core.ErrorCode(err) != core.EINVALID {
		t.Errorf("a document's status for tasks: %v", err)
	}
}

func TestExportDocumentsAndRequests(t *testing.T) {
	w := newExportWorld(t)
	now := w.clock.Now()
	docStatuses := []core.DocStatus{core.DocRequested, core.DocDraft, core.DocSigned, core.DocSent}
	w.update(func(tx core.Tx) error {
		for i := range 8 {
			d := w.deals[i]
			doc := &core.Document{Number: fmt.Sprintf("ДГ-2026-%04d", i+1), Kind: core.DocContract, DealID: d.ID,
				ClientID: d.ClientID, Status: docStatuses[i%4], RequestedBy: d.ManagerID, OfficerID: w.officer.ID(),
				CreatedAt: d.CreatedAt.Add(time.Hour)}
			if doc.Status == core.DocSent {
				doc.Channel, doc.SentTo, doc.SentVersion = core.ChannelEmail, "client@example.com", 1
			}
			if err := tx.CreateDocument(doc); err != nil {
				return err
			}
			w.docs = append(w.docs, doc)
		}
		types := []core.RequestType{core.RequestCorrection, core.RequestQuestion, core.RequestDocument}
		statuses := []core.RequestStatus{core.RequestNew, core.RequestInWork, core.RequestDone, core.RequestWaiting}
		for i := range 8 {
			r := &core.Request{Type: types[i%3], Status: statuses[i%4], RequesterID: w.managers()[i%2].ID(),
				Text: fmt.Sprintf("Вопрос %d", i+1), CreatedAt: now.AddDate(0, 0, -i)}
			if i%2 == 0 {
				r.DealID = w.deals[i].ID
			} else {
				r.ClientID = w.clients[i%3].ID
			}
			if i == 3 {
				r.DocumentID, r.DealID = w.docs[3].ID, 0
			}
			if !r.Status.Closed() && r.Status != core.RequestWaiting {
				r.Due = now.Add(time.Duration(i-2) * time.Hour) // the first two are overdue
			}
			if r.Status != core.RequestNew {
				r.AssigneeID = w.officer.ID()
			}
			if err := tx.CreateRequest(r); err != nil {
				return err
			}
			w.requests = append(w.requests, r)
		}
		return nil
	})
	dealOf := func(id int64) *core.Deal {
		for _, d := range w.deals {
			if d.ID == id {
				return d
			}
		}
		return nil
	}
	// Documents: their deal's manager, its stage, their status.
	for _, c := range []struct {
		name string
		a    core.Actor
		f    core.ReportFilter
		pass func(*core.Document) bool
	}{
		{"all", w.officer, core.ReportFilter{}, func(*core.Document) bool { return true }},
		{"signed", w.officer, core.ReportFilter{Status: "подписан"}, func(d *core.Document) bool { return d.Status == core.DocSigned }},
		{"deal's manager", w.manager, core.ReportFilter{}, func(d *core.Document) bool { return dealOf(d.DealID).ManagerID == w.manager.ID() }},
		{"stage", w.officer, core.ReportFilter{Stage: core.StageDocuments}, func(d *core.Document) bool { return dealOf(d.DealID).Stage == core.StageDocuments }},
		{"client", w.officer, core.ReportFilter{ClientID: w.clients[2].ID}, func(d *core.Document) bool { return d.ClientID == w.clients[2].ID }},
		{"period", w.officer, core.ReportFilter{From: mskDay(2026, 11, 25)}, func(d *core.Document) bool { return !d.CreatedAt.Before(mskDay(2026, 11, 25)) }},
	} {
		t.Run("documents "+c.name, func(t *testing.T) {
			rec, _ := w.must(t, c.a, core.ExportDocuments, c.f)
			var want []string
			for _, d := range w.docs {
				if c.pass(d) {
					want = append(want, d.Number)
				}
			}
			if got := rec.texts(t, "Номер"); !slices.Equal(got, want) {
				t.Errorf("documents %v, want %v", got, want)
			}
		})
	}
	rec, res := w.must(t, w.officer, core.ExportDocuments, core.ReportFilter{Status: "отправлен"})
	if len(rec.rows) != 2 {
		t.Fatalf("%d sent documents", len(rec.rows))
	}
	row := rec.rows[0]
	get := func(name string) string { return row[rec.col(t, name)].S }
	if get("Вид") != "договор" || get("Статус") != "отправлен" || get("Канал отправки") != "по e-mail" ||
		get("Кому отправлен") != "client@example.com" || row[rec.col(t, "Отправлена версия")].N != 1 ||
		get("Сделка") != w.deals[3].Number || get("Менеджер") != "Максим Менеджеров" || get("Клиент") != "ПАО Сбербанк" {
		t.Errorf("a sent document: %+v", row)
	}
	if !res.Deals[w.deals[3].ID] || !res.Clients[w.clients[0].ID] {
		t.Errorf("document scope %v %v", res.Deals, res.Clients)
	}
	// Requests: the requester, the status words, SLA overdue, about a
	// client directly, through a deal or a document.
	clientOf := func(r *core.Request) int64 {
		if r.ClientID != 0 {
			return r.ClientID
		}
		if r.DocumentID != 0 {
			return w.docs[3].ClientID
		}
		return dealOf(r.DealID).ClientID
	}
	overdue := func(r *core.Request) bool { return !r.Status.Closed() && !r.Due.IsZero() && r.Due.Before(now) }
	for _, c := range []struct {
		name string
		a    core.Actor
		f    core.ReportFilter
		pass func(*core.Request) bool
	}{
		{"all", w.officer, core.ReportFilter{}, func(*core.Request) bool { return true }},
		{"requester", w.officer, core.ReportFilter{ManagerID: w.manager2.ID()}, func(r *core.Request) bool { return r.RequesterID == w.manager2.ID() }},
		{"in work", w.officer, core.ReportFilter{Status: "в работе"}, func(r *core.Request) bool { return r.Status == core.RequestInWork }},
		{"open", w.officer, core.ReportFilter{Status: "открытые"}, func(r *core.Request) bool { return !r.Status.Closed() }},
		{"overdue", w.officer, core.ReportFilter{Status: "просрочено"}, overdue},
		{"client", w.officer, core.ReportFilter{ClientID: w.clients[0].ID}, func(r *core.Request) bool { return clientOf(r) == w.clients[0].ID }},
		{"period", w.officer, core.ReportFilter{From: mskDay(2026, 11, 25), To: mskDay(2026, 11, 28)},
			func(r *core.Request) bool {
				return !r.CreatedAt.Before(mskDay(2026, 11, 25)) && r.CreatedAt.Before(mskDay(2026, 11, 28))
			}},
		{"manager's own", w.manager, core.ReportFilter{}, func(r *core.Request) bool { return r.RequesterID == w.manager.ID() }},
	} {
		t.Run("requests "+c.name, func(t *testing.T) {
			rec, res := w.must(t, c.a, core.ExportRequests, c.f)
			var want []int64
			for _, r := range w.requests {
				if c.pass(r) {
					want = append(want, r.ID)
				}
			}
			if got := rec.ints(t, "№"); !slices.Equal(got, want) {
				t.Errorf("requests %v, want %v", got, want)
			}
			if len(res.Requests) != len(want) {
				t.Errorf("scope %v", res.Requests)
			}
		})
	}
	rec, _ = w.must(t, w.officer, core.ExportRequests, core.ReportFilter{})
	for _, row := range rec.rows {
		r := w.requests[row[0].N-w.requests[0].ID]
		get := func(name string) string { return row[rec.col(t, name)].S }
		if (get("Просрочено по SLA") == "да") != overdue(r) || get("Текст") != r.Text || get("Автор") != w.userName(r.RequesterID) {
			t.Errorf("request %d: %+v", r.ID, row)
		}
		if r.DocumentID != 0 && (get("Документ") != w.docs[3].Number || get("Сделка") != w.deals[3].Number) {
			t.Errorf("a document's request: %q, %q", get("Документ"), get("Сделка"))
		}
		if r.ID == w.requests[1].ID && (get("Вид") != "вопрос" || get("Статус") != "в работе" || get("Исполнитель") != "Ирина Сопровождение") {
			t.Errorf("request 2: %+v", row)
		}
	}
}

// userName is a seeded person's name.
func (w *exportWorld) userName(id int64) string {
	for _, a := range []core.Actor{w.admin, w.officer, w.manager, w.manager2, w.lawyer, w.underwriter, w.head} {
		if a.ID() == id {
			return a.User.Name
		}
	}
	return ""
}

func TestExportControlAndChanges(t *testing.T) {
	w := newExportWorld(t)
	june := mskDay(2025, 6, 1)
	w.update(func(tx core.Tx) error {
		outcomes := []core.ControlOutcome{core.ControlDone, core.ControlMoved, core.ControlEscalated, core.ControlSnoozed}
		for i := range 8 {
			c := &core.ControlResult{ReminderID: int64(100 + i), Kind: core.ReminderPayment, DealID: w.deals[i].ID,
				UserID: w.managers()[i%3].ID(), Outcome: outcomes[i%4], Text: "готово", Late: i%3 == 0,
				At: june.AddDate(0, 0, i*5)}
			if c.Outcome == core.ControlMoved {
				c.Until = c.At.AddDate(0, 0, 7)
			}
			if err := tx.AddControlResult(c); err != nil {
				return err
			}
			w.control = append(w.control, c)
		}
		d := w.deals[0]
		cs := []*core.Change{
			{ActorID: w.manager.ID(), At: june, Entity: core.EntityDeal, EntityID: d.ID, Field: "stage", Old: "new", New: "verification", Reason: "stage_forward"},
			{ActorID: w.manager.ID(), At: june.Add(time.Hour), Entity: core.EntityDeal, EntityID: d.ID, Field: "amount", Old: "100000000", New: "150000000", Reason: "скидка", Request: 3},
			{ActorID: w.officer.ID(), At: june.AddDate(0, 0, 3), Entity: core.EntityDeal, EntityID: d.ID, Field: "manager_id", Old: fmt.Sprint(w.manager.ID()), New: fmt.Sprint(w.manager2.ID())},
			{ActorID: w.officer.ID(), At: june.AddDate(0, 0, 5), Entity: core.EntityClient, EntityID: w.clients[0].ID, Field: "director", Old: "Греф", New: "Иванов", Correction: 2},
			{ActorID: w.manager2.ID(), At: june.AddDate(0, 0, 10), Entity: core.EntityClient, EntityID: w.clients[1].ID, Field: "address", New: "Москва"},
			{ActorID: 0, At: june.AddDate(0, 0, 20), Entity: core.EntityDeal, EntityID: w.deals[1].ID, Field: "signing_due", New: "2025-07-01T15:00:00Z"},
			{ActorID: w.manager.ID(), At: june.AddDate(0, 1, 0), Entity: core.EntityDeal, EntityID: d.ID, Field: "title", Old: "a", New: "b"},
		}
		if err := tx.AddChanges(cs...); err != nil {
			return err
		}
		w.changes = cs
		return nil
	})
	// Control results: by time, person, outcome, lateness, deal's client and stage.
	for _, c := range []struct {
		name string
		a    core.Actor
		f    core.ReportFilter
		pass func(*core.ControlResult) bool
	}{
		{"all", w.officer, core.ReportFilter{}, func(*core.ControlResult) bool { return true }},
		{"period", w.officer, core.ReportFilter{From: june.AddDate(0, 0, 10), To: june.AddDate(0, 0, 30)},
			func(c *core.ControlResult) bool {
				return !c.At.Before(june.AddDate(0, 0, 10)) && c.At.Before(june.AddDate(0, 0, 30))
			}},
		{"person", w.officer, core.ReportFilter{ManagerID: w.manager2.ID()}, func(c *core.ControlResult) bool { return c.UserID == w.manager2.ID() }},
		{"moved", w.officer, core.ReportFilter{Status: "перенесено"}, func(c *core.ControlResult) bool { return c.Outcome == core.ControlMoved }},
		{"late", w.officer, core.ReportFilter{Status: "с опозданием"}, func(c *core.ControlResult) bool { return c.Late }},
		{"client", w.officer, core.ReportFilter{ClientID: w.clients[1].ID}, func(c *core.ControlResult) bool {
			return c.DealID == w.deals[1].ID || c.DealID == w.deals[4].ID || c.DealID == w.deals[7].ID
		}},
		{"head's team", w.head, core.ReportFilter{}, func(c *core.ControlResult) bool { return c.UserID != w.manager2.ID() }},
	} {
		t.Run("control "+c.name, func(t *testing.T) {
			rec, _ := w.must(t, c.a, core.ExportControl, c.f)
			var want []int64
			for _, cr := range w.control {
				if c.pass(cr) {
					want = append(want, cr.ReminderID)
				}
			}
			if got := rec.ints(t, "№ напоминания"); !slices.Equal(got, want) {
				t.Errorf("control results %v, want %v", got, want)
			}
		})
	}
	rec, _ := w.must(t, w.officer, core.ExportControl, core.ReportFilter{Status: "перенесено"})
	row := rec.rows[0]
	get := func(name string) core.Value { return row[rec.col(t, name)] }
	if get("Итог").S != "перенесено" || get("Напоминание").S != "оплата" || get("Кто").S != "Марина Продажина" ||
		get("Сделка").S != w.deals[1].Number || get("Клиент").S != "ООО Яндекс" || !get("Новый срок").T.Equal(w.control[1].Until) ||
		get("Результат или причина").S != "готово" || get("После срока").S != "" {
		t.Errorf("a moved control result: %+v", row)
	}
	// Changes: the audit of June 2025, by person and client; values in words.
	june2025 := core.ReportFilter{From: june, To: mskDay(2025, 7, 1)}
	for _, c := range []struct {
		name string
		a    core.Actor
		f    core.ReportFilter
		want []int
	}{
		{"period", w.officer, june2025, []int{0, 1, 2, 3, 4, 5}},
		{"person", w.officer, core.ReportFilter{From: june, To: mskDay(2025, 8, 1), ManagerID: w.manager.ID()}, []int{0, 1, 6}},
		{"client: its card and its deals", w.officer, core.ReportFilter{From: june, To: mskDay(2025, 8, 1), ClientID: w.clients[0].ID}, []int{0, 1, 2, 3, 6}},
		{"manager's own", w.manager, june2025, []int{0, 1}},
		{"head's team", w.head, june2025, []int{0, 1}},
	} {
		t.Run("changes "+c.name, func(t *testing.T) {
			rec, res := w.must(t, c.a, core.ExportChanges, c.f)
			var want []int64
			for _, i := range c.want {
				want = append(want, w.changes[i].ID)
			}
			if got := rec.ints(t, "№"); !slices.Equal(got, want) {
				t.Errorf("changes %v, want %v", got, want)
			}
			if res.Rows != len(want) {
				t.Errorf("rows %d", res.Rows)
			}
		})
	}
	rec, res := w.must(t, w.officer, core.ExportChanges, june2025)
	byID := map[int64][]core.Value{}
	for _, row := range rec.rows {
		byID[row[0].N] = row
	}
	for i, want := range []map[string]string{
		{"Кто": "Максим Менеджеров", "Объект": "сделка", "Запись": "D-2026-0001 Поставка 1", "Поле": "стадия", "Было": "новая", "Стало": "проверка"},
		{"Поле": "сумма", "Было": "1\u00a0000\u00a0000,00\u00a0₽", "Стало": "1\u00a0500\u00a0000,00\u00a0₽", "Причина": "скидка"},
		{"Кто": "Ирина Сопровождение", "Было": "Максим Менеджеров", "Стало": "Марина Продажина"},
		{"Объект": "клиент", "Запись": "ПАО Сбербанк, 7707083893", "Было": "Греф", "Стало": "Иванов"},
		{"Запись": "ООО Яндекс, 7736207543", "Было": "", "Стало": "Москва"},
		{"Кто": "DealDesk (по расписанию)", "Стало": "01.07.2025 18:00"},
	} {
		row := byID[w.changes[i].ID]
		for name, v := range want {
			if got := row[rec.col(t, name)].S; got != v {
				t.Errorf("change %d: %s = %q, want %q", i, name, got, v)
			}
		}
	}
	if byID[w.changes[1].ID][rec.col(t, "Обращение №")].N != 3 || byID[w.changes[3].ID][rec.col(t, "Корректировка №")].N != 2 {
		t.Error("the request or correction of a change")
	}
	if !res.Deals[w.deals[0].ID] || !res.Clients[w.clients[1].ID] {
		t.Errorf("changes scope %v %v", res.Deals, res.Clients)
	}
	// Changes have neither stages nor statuses.
	for _, f := range []core.ReportFilter{{Stage: core.StageNew}, {Status: "открыта"}} {
		if _, _, err := w.run(w.officer, core.ExportChanges, f); core.ErrorCode(err) != core.EINVALID {
			t.Errorf("changes %+v: %v", f, err)
		}
	}
}

func TestExportClients(t *testing.T) {
	w := newExportWorld(t)
	var merged *core.Client
	w.update(func(tx core.Tx) error {
		c, err := tx.ClientByID(w.clients[0].ID)
		if err != nil {
			return err
		}
		c.Verification = core.Verification{Status: core.Verified, At: w.clock.Now().Add(-time.Hour), Source: "dadata",
			Company: core.StatusActive, Risks: []core.RiskFlag{{Code: "tax_debt"}}}
		c.Accounts = []core.BankAccount{{BIK: "044525225", BankName: "ПАО Сбербанк", Account: "40702810938000012345"}}
		c.Contacts = []core.Contact{{Name: "Иван Петров", Phone: "+7 495 123-45-67"}, {Name: "Анна", Email: "a@example.com"}}
		if err := tx.UpdateClient(c); err != nil {
			return err
		}
		merged = &core.Client{Kind: core.KindIndividual, INN: soleINN, ShortName: "ИП Дубль", MergedInto: c.ID,
			CreatedAt: mskDay(2026, 10, 1)}
		return tx.CreateClient(merged)
	})
	for _, c := range []struct {
		name string
		a    core.Actor
		f    core.ReportFilter
		want []int64
	}{
		{"all", w.officer, core.ReportFilter{}, []int64{w.clients[0].ID, w.clients[1].ID, w.clients[2].ID, merged.ID}},
		{"manager", w.officer, core.ReportFilter{ManagerID: w.manager2.ID()}, []int64{w.clients[1].ID}},
		{"verified", w.officer, core.ReportFilter{Status: "проверен"}, []int64{w.clients[0].ID}},
		{"merged", w.officer, core.ReportFilter{Status: "объединена"}, []int64{merged.ID}},
		{"created in the period", w.officer, core.ReportFilter{From: mskDay(2026, 11, 1)}, []int64{w.clients[0].ID, w.clients[1].ID, w.clients[2].ID}},
		// Cards with a deal at the stage: the deals at active are the 6th, 14th, 22nd and 30th.
		{"with a deal at the stage", w.officer, core.ReportFilter{Stage: core.StageActive}, []int64{w.clients[0].ID, w.clients[1].ID, w.clients[2].ID}},
		{"with a deal at the stage, of a manager", w.officer, core.ReportFilter{Stage: core.StageActive, ManagerID: w.manager.ID()}, []int64{w.clients[0].ID}},
		{"one card", w.officer, core.ReportFilter{ClientID: w.clients[2].ID}, []int64{w.clients[2].ID}},
		{"manager's own", w.manager, core.ReportFilter{}, []int64{w.clients[0].ID}},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec, res := w.must(t, c.a, core.ExportClients, c.f)
			if got := rec.ints(t, "№ карточки"); !slices.Equal(got, c.want) {
				t.Errorf("cards %v, want %v", got, c.want)
			}
			if len(res.Clients) != len(c.want) {
				t.Errorf("scope %v", res.Clients)
			}
		})
	}
	rec, res := w.must(t, w.officer, core.ExportClients, core.ReportFilter{})
	var sber, dup []core.Value
	for _, row := range rec.rows {
		switch row[0].N {
		case w.clients[0].ID:
			sber = row
		case merged.ID:
			dup = row
		}
	}
	for name, want := range map[string]string{"Вид": "ЮЛ", "ИНН": sberINN, "КПП": sberKPP, "Краткое наименование": "ПАО Сбербанк",
		"Банковские счета": "40702810938000012345 (ПАО Сбербанк, 044525225)", "Контакты": "Иван Петров, +7 495 123-45-67; Анна, a@example.com",
		"Менеджер": "Максим Менеджеров", "Проверка": "пройдена", "Источник проверки": "dadata", "Статус в реестре": "действующее",
		"Признаки риска": "налоговая задолженность", "Объединена с": ""} {
		if got := sber[rec.col(t, name)].S; got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if dup[rec.col(t, "Объединена с")].S != "ПАО Сбербанк, 7707083893" || dup[rec.col(t, "Вид")].S != "ИП" ||
		dup[rec.col(t, "Проверка")].S != "не проводилась" {
		t.Errorf("merged card: %+v", dup)
	}
	if res.Summary[0] != "Выгружено 4 клиента" {
		t.Errorf("summary %q", res.Summary)
	}
}

// TestExportEnglish: an English reader gets English headers, words and
// counts.
func TestExportEnglish(t *testing.T) {
	w := newExportWorld(t)
	rec := &recorder{}
	var res *core.ExportResult
	w.view(func(tx core.Tx) (err error) {
		res, err = w.svc.ExportForTest(tx, w.officer, core.ExportDeals, core.ReportFilter{Stage: core.StageSigning}, rec, "en", moscowZone)
		return err
	})
	rec.checkShape(t)
	if rec.heads[0].Columns[0] != "Number" || res.Title != "Deals" || res.Summary[0] != "Exported 4 deals" ||
		rec.rows[0][rec.col(t, "Stage")].S != "signing" {
		t.Errorf("english: %q, %q, %q", rec.heads[0].Columns, res.Title, res.Summary)
	}
}

// TestExportEveryEntityTranslated: every entity's headers and notes are
// in both languages, even with no records.
func TestExportEveryEntityTranslated(t *testing.T) {
	o := newOffice(t, core.WithReports(nil, nil, nil, printText))
	for _, lang := range []string{"ru", "en"} {
		for _, e := range core.ExportEntities {
			rec := &recorder{}
			var res *core.ExportResult
			o.view(func(tx core.Tx) (err error) {
				res, err = o.svc.ExportForTest(tx, o.admin, e, core.ReportFilter{Rel: core.RelThisWeek}, rec, lang, moscowZone)
				return err
			})
			rec.checkShape(t)
			if res.Rows != 0 || strings.Contains(res.Title, ".") || strings.Contains(strings.Join(res.Summary, " "), "msg.") {
				t.Errorf("%s %s: %+v", lang, e, res)
			}
		}
	}
}
