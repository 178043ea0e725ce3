package core_test

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/locales"
)

// repWriter records what a report writes: its tables with their rows. A
// row whose values do not match the columns is refused, as a file would
// be broken by it.
type repWriter struct {
	tables []*repTable
	images int
}

type repTable struct {
	head core.TableHead
	rows [][]core.Value
}

func (w *repWriter) Table(h core.TableHead) error {
	if len(h.Columns) != len(h.Kinds) {
		return fmt.Errorf("table %q: %d columns, %d kinds", h.Sheet, len(h.Columns), len(h.Kinds))
	}
	w.tables = append(w.tables, &repTable{head: h})
	return nil
}

func (w *repWriter) Row(vals []core.Value) error {
	if len(w.tables) == 0 {
		return fmt.Errorf("a row before any table")
	}
	t := w.tables[len(w.tables)-1]
	if len(vals) != len(t.head.Columns) {
		return fmt.Errorf("table %q: a row of %d values for %d columns", t.head.Sheet, len(vals), len(t.head.Columns))
	}
	t.rows = append(t.rows, slices.Clone(vals))
	return nil
}

func (w *repWriter) Image(string, []byte) error { w.images++; return nil }
func (w *repWriter) Close() ([]byte, error)     { return nil, nil }

// repBundle prints the locales for the reports' texts.
var repBundle = locales.MustLoad()

func repTexts(lang, key string, args map[string]any) string {
	return repBundle.Printer(lang, nil).T(key, args)
}

// newReportOffice is an office whose service translates the reports.
func newReportOffice(t *testing.T, opts ...core.Option) *office {
	return newOffice(t, append([]core.Option{core.WithReports(nil, nil, nil, repTexts)}, opts...)...)
}

// repLoc is the zone the reports are read in.
var repLoc = core.Location("")

// report builds a report as a in Russian, failing on an error.
func (o *office) report(a core.Actor, spec core.ReportSpec) (*core.ReportResult, *repWriter) {
	o.t.Helper()
	res, w, err := o.tryReport(a, spec)
	if err != nil {
		o.t.Fatalf("report %+v: %v", spec, err)
	}
	return res, w
}

func (o *office) tryReport(a core.Actor, spec core.ReportSpec) (*core.ReportResult, *repWriter, error) {
	return o.tryReportIn("ru", a, spec)
}

func (o *office) tryReportIn(lang string, a core.Actor, spec core.ReportSpec) (*core.ReportResult, *repWriter, error) {
	o.t.Helper()
	w := &repWriter{}
	var res *core.ReportResult
	err := o.db.View(o.ctx(), func(tx core.Tx) (err error) {
		res, err = o.svc.ReportForTest(tx, a, spec, w, lang, repLoc)
		return err
	})
	return res, w, err
}

// setClock sets the office's clock.
func (o *office) setClock(t time.Time) {
	o.clock.mu.Lock()
	o.clock.t = t
	o.clock.mu.Unlock()
}

// dealSeq numbers the deals tests store.
var dealSeq atomic.Int64

// putDeal stores a deal as it is (stage, amount, dates), numbered by its
// title.
func (o *office) putDeal(d *core.Deal) *core.Deal {
	o.t.Helper()
	if d.Number == "" {
		d.Number = core.DealNumber(2026, uint64(dealSeq.Add(1)))
	}
	if d.Title == "" {
		d.Title = d.Number
	}
	o.update(func(tx core.Tx) error { return tx.CreateDeal(d) })
	return d
}

// setHead makes head the head of u.
func (o *office) setHead(u, head core.Actor) {
	o.t.Helper()
	o.update(func(tx core.Tx) error {
		x, err := tx.UserByID(u.ID())
		if err != nil {
			return err
		}
		x.HeadID = head.ID()
		u.User.HeadID = head.ID()
		return tx.UpdateUser(x)
	})
}

// rowOf finds the row whose first cell is name.
func rowOf(t *testing.T, tb *repTable, name string) []core.Value {
	t.Helper()
	for _, r := range tb.rows {
		if r[0].S == name {
			return r
		}
	}
	t.Fatalf("no row %q in %q: %v", name, tb.head.Sheet, firstCells(tb))
	return nil
}

func firstCells(tb *repTable) []string {
	var out []string
	for _, r := range tb.rows {
		out = append(out, r[0].S)
	}
	return out
}

// ns are the integer cells of a row from column from on.
func ns(row []core.Value, from int) []int64 {
	var out []int64
	for _, v := range row[from:] {
		out = append(out, v.N)
	}
	return out
}

// fs are the number cells of a row at the columns.
func fs(row []core.Value, cols ...int) []float64 {
	var out []float64
	for _, c := range cols {
		if row[c].Blank {
			out = append(out, -1)
			continue
		}
		out = append(out, row[c].F)
	}
	return out
}

// idSet lists a set's keys in order.
func idSet(m map[int64]bool) []int64 {
	var out []int64
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// summaryHas fails unless some summary line has every part.
func summaryHas(t *testing.T, res *core.ReportResult, parts ...string) {
	t.Helper()
	for _, l := range res.Summary {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(l, p)
		}
		if ok {
			return
		}
	}
	t.Errorf("no summary line has %q: %q", parts, res.Summary)
}

// rub is an amount as the Russian texts show it.
func rub(m core.Money) string { return repBundle.Printer("ru", nil).Money(m) }

const (
	nameManager  = "Максим Менеджеров"
	nameManager2 = "Марина Продажина"
	nameOfficer  = "Ирина Сопровождение"
	nameHead     = "Глеб Начальников"
)

// seedPipeline stores deals of both managers: open ones at several
// stages, and some closed in the last week and before it.
func seedPipeline(o *office) (c1, c2 *core.Client, ds []*core.Deal) {
	c1 = o.managedClient(sberINN, sberKPP, "ПАО Сбербанк", o.manager)
	c2 = o.managedClient(yandexINN, yandexKPP, "ООО Яндекс", o.manager2)
	now := o.clock.Now()
	day := 24 * time.Hour
	ds = []*core.Deal{
		o.putDeal(&core.Deal{ClientID: c1.ID, ManagerID: o.manager.ID(), Stage: core.StageNew, Amount: 10_000_000,
			CreatedAt: now.Add(-30 * day)}),
		o.putDeal(&core.Deal{ClientID: c1.ID, ManagerID: o.manager.ID(), Stage: core.StageNew, Amount: 5_000_000,
			CreatedAt: now.Add(-1 * day)}),
		o.putDeal(&core.Deal{ClientID: c1.ID, ManagerID: o.manager.ID(), Stage: core.StageSigning, Amount: 100_000_000,
			CreatedAt: now.Add(-60 * day)}),
		o.putDeal(&core.Deal{ClientID: c2.ID, ManagerID: o.manager2.ID(), Stage: core.StageDocuments, Amount: 20_000_000,
			CreatedAt: now.Add(-10 * day)}),
		o.putDeal(&core.Deal{ClientID: c2.ID, ManagerID: o.manager2.ID(), Stage: core.StageClosedWon, Amount: 30_000_000,
			CreatedAt: now.Add(-40 * day), ClosedAt: now.Add(-2 * day), ClosedFrom: core.StageActive}),
		o.putDeal(&core.Deal{ClientID: c2.ID, ManagerID: o.manager2.ID(), Stage: core.StageClosedLost, Amount: 7_000_000,
			CreatedAt: now.Add(-5 * day), ClosedAt: now.Add(-3 * day), ClosedFrom: core.StageNew}),
		o.putDeal(&core.Deal{ClientID: c2.ID, ManagerID: o.manager2.ID(), Stage: core.StageClosedWon, Amount: 99_900,
			CreatedAt: now.Add(-50 * day), ClosedAt: now.Add(-20 * day), ClosedFrom: core.StageActive}),
	}
	return c1, c2, ds
}

func TestPipelineReport(t *testing.T) {
	o := newReportOffice(t)
	c1, c2, ds := seedPipeline(o)
	res, w := o.report(o.officer, core.ReportSpec{Report: core.ReportPipeline})
	if len(w.tables) != 1 {
		t.Fatalf("tables: %d", len(w.tables))
	}
	tb := w.tables[0]
	// Manager, six stages by count and sum, then open count and sum,
	// opened, won, won sum, lost.
	if len(tb.head.Columns) != 1+12+6 || tb.head.Columns[1] != "новая: сделок" || tb.head.Columns[2] != "новая: сумма" ||
		tb.head.Kinds[2] != core.ColMoney || tb.head.Sheet != "Воронка" {
		t.Fatalf("head: %q %v", tb.head.Columns, tb.head.Kinds)
	}
	if got := firstCells(tb); !slices.Equal(got, []string{nameManager, nameManager2, "Итого"}) {
		t.Fatalf("rows %q", got)
	}
	want := map[string][]int64{
		//            new          verif  docs            appr  signing          active open             opened won  won sum     lost
		nameManager:  {2, 15_000_000, 0, 0, 0, 0, 0, 0, 1, 100_000_000, 0, 0, 3, 115_000_000, 1, 0, 0, 0},
		nameManager2: {0, 0, 0, 0, 1, 20_000_000, 0, 0, 0, 0, 0, 0, 1, 20_000_000, 1, 1, 30_000_000, 1},
		"Итого":      {2, 15_000_000, 0, 0, 1, 20_000_000, 0, 0, 1, 100_000_000, 0, 0, 4, 135_000_000, 2, 1, 30_000_000, 1},
	}
	for name, vals := range want {
		if got := ns(rowOf(t, tb, name), 1); !slices.Equal(got, vals) {
			t.Errorf("%s: %v\nwant %v", name, got, vals)
		}
	}
	if res.Rows != 3 || res.Title != "Воронка по стадиям и менеджерам" {
		t.Errorf("rows %d, title %q", res.Rows, res.Title)
	}
	wantDeals := []int64{ds[0].ID, ds[1].ID, ds[2].ID, ds[3].ID, ds[4].ID, ds[5].ID}
	if got := idSet(res.Deals); !slices.Equal(got, wantDeals) || !slices.Equal(idSet(res.Clients), []int64{c1.ID, c2.ID}) {
		t.Errorf("scope deals %v (want %v), clients %v", got, wantDeals, idSet(res.Clients))
	}
	summaryHas(t, res, "Открытых сделок: 4", rub(135_000_000))
	summaryHas(t, res, "Больше всего — "+nameManager, "3", rub(115_000_000))
	summaryHas(t, res, "подписание", rub(100_000_000))
	summaryHas(t, res, "новых 2", "выиграно 1", rub(30_000_000), "проиграно 1")

	c := res.Chart
	if c == nil || c.Kind != core.ChartBar || !c.Money || len(c.Categories) != 6 || c.Categories[4] != "подписание" ||
		len(c.Series) != 2 {
		t.Fatalf("chart %+v", c)
	}
	if c.Series[0].Name != nameManager || !slices.Equal(c.Series[0].Values, []float64{150_000, 0, 0, 0, 1_000_000, 0}) ||
		c.Series[1].Name != nameManager2 || !slices.Equal(c.Series[1].Values, []float64{0, 0, 200_000, 0, 0, 0}) {
		t.Errorf("series %+v", c.Series)
	}
	if notes := strings.Join(tb.head.Notes, "\n"); !strings.Contains(notes, "Сформировал(а): "+nameOfficer) ||
		!strings.Contains(notes, "Строк в таблице: 3") {
		t.Errorf("notes %q", tb.head.Notes)
	}
}

func TestPipelineReportFilters(t *testing.T) {
	o := newReportOffice(t)
	_, _, ds := seedPipeline(o)
	now := o.clock.Now()

	// A manager sees their own deals only.
	res, w := o.report(o.manager, core.ReportSpec{Report: core.ReportPipeline})
	if got := firstCells(w.tables[0]); !slices.Equal(got, []string{nameManager, "Итого"}) {
		t.Fatalf("manager's rows %q", got)
	}
	if len(res.Chart.Series) != 1 || len(res.Deals) != 3 {
		t.Errorf("manager's chart %+v, deals %v", res.Chart.Series, res.Deals)
	}
	if _, _, err := o.tryReport(o.manager, core.ReportSpec{Report: core.ReportPipeline,
		Filter: core.ReportFilter{ManagerID: o.manager2.ID()}}); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Errorf("a manager naming another: %v", err)
	}
	// A head sees the team.
	o.setHead(o.manager2, o.head)
	_, w = o.report(o.head, core.ReportSpec{Report: core.ReportPipeline})
	if got := firstCells(w.tables[0]); !slices.Equal(got, []string{nameManager2, "Итого"}) {
		t.Fatalf("head's rows %q", got)
	}
	// A lawyer builds no reports.
	if _, _, err := o.tryReport(o.lawyer, core.ReportSpec{Report: core.ReportPipeline}); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Errorf("lawyer: %v", err)
	}
	// A period bounds the changes: the last four days.
	res, w = o.report(o.officer, core.ReportSpec{Report: core.ReportPipeline,
		Filter: core.ReportFilter{From: now.Add(-4 * 24 * time.Hour), To: now}})
	if got := ns(rowOf(t, w.tables[0], "Итого"), 13); !slices.Equal(got, []int64{4, 135_000_000, 1, 1, 30_000_000, 1}) {
		t.Errorf("period totals %v", got)
	}
	if res.Deals[ds[6].ID] {
		t.Error("a deal closed before the period is in the scope")
	}
	summaryHas(t, res, "За период 24.11.2026 — 28.11.2026: новых 1")
	res, _ = o.report(o.officer, core.ReportSpec{Report: core.ReportPipeline,
		Filter: core.ReportFilter{From: now.Add(-4 * 24 * time.Hour)}})
	summaryHas(t, res, "За период с 24.11.2026: новых 1", "выиграно 1")
	// A stage: its columns only.
	_, w = o.report(o.officer, core.ReportSpec{Report: core.ReportPipeline,
		Filter: core.ReportFilter{Stage: core.StageNew}})
	if tb := w.tables[0]; len(tb.head.Columns) != 1+2+6 || !slices.Equal(ns(rowOf(t, tb, "Итого"), 1),
		[]int64{2, 15_000_000, 2, 15_000_000, 1, 0, 0, 0}) {
		t.Errorf("stage new: %q %v", tb.head.Columns, ns(rowOf(t, tb, "Итого"), 1))
	}
	// A status of deals: closed ones have no open columns.
	_, w = o.report(o.officer, core.ReportSpec{Report: core.ReportPipeline,
		Filter: core.ReportFilter{Status: "закрытые"}})
	if got := ns(rowOf(t, w.tables[0], "Итого"), 13); !slices.Equal(got, []int64{0, 0, 1, 1, 30_000_000, 1}) {
		t.Errorf("closed: %v", got)
	}
	if _, _, err := o.tryReport(o.officer, core.ReportSpec{Report: core.ReportPipeline,
		Filter: core.ReportFilter{Status: "подписан"}}); core.ErrorCode(err) != core.EINVALID {
		t.Errorf("a document's status on deals: %v", err)
	}
	if _, _, err := o.tryReport(o.officer, core.ReportSpec{Report: "forecast"}); core.ErrorCode(err) != core.EINVALID {
		t.Errorf("unknown report: %v", err)
	}
}
