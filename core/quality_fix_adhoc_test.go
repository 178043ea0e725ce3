package core_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// A custom report's sum and average of the deals' amount leave out the
// deals without an amount (their cell in the export is blank, the gate
// calls them «сделка без суммы»), and the summary says how many were left
// out; the count still counts them.
func TestQualityFixAdhocNoAmount(t *testing.T) {
	o := newReportOffice(t)
	cl := o.putClient(cleanClient(o))
	for _, amount := range []core.Money{150_000_000, 75_000_050, 0} {
		d := cleanDeal(o, cl.ID)
		d.Amount = amount
		o.putDeal(d)
	}
	tp := &core.ReportTemplate{Entity: core.ExportDeals, GroupBy: []string{"manager"}, Measures: []core.Measure{
		{Func: core.MeasureCount}, {Func: core.MeasureAvg, Field: "amount"}, {Func: core.MeasureSum, Field: "amount"}}}
	for _, c := range []struct{ lang, note string }{
		{"ru", "1 сделка без суммы не вошла в сумму и среднее"},
		{"en", "1 deal without an amount is left out of the sum and average"},
	} {
		res, w, err := o.tryReportIn(c.lang, o.officer, core.ReportSpec{Report: core.ReportCustom, Template: tp})
		if err != nil {
			t.Fatal(err)
		}
		rows := w.tables[0].rows
		for _, row := range rows { // the manager's group and the total
			if row[1].N != 3 || row[2].N != 112_500_025 || row[3].N != 225_000_050 {
				t.Errorf("%s: row %+v: want 3 deals, an average of 1 125 000,25 and a sum of 2 250 000,50", c.lang, row)
			}
		}
		if len(rows) != 2 {
			t.Errorf("%s: rows %+v", c.lang, rows)
		}
		if !slices.Contains(res.Summary, c.note) {
			t.Errorf("%s: summary %q lacks %q", c.lang, res.Summary, c.note)
		}
	}
	// With every amount known, or with no measure of the amount, nothing is
	// said.
	count := &core.ReportTemplate{Entity: core.ExportDeals, Measures: []core.Measure{{Func: core.MeasureCount}}}
	res, _, err := o.tryReportIn("ru", o.officer, core.ReportSpec{Report: core.ReportCustom, Template: count})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range res.Summary {
		if strings.Contains(l, "без суммы") {
			t.Errorf("count only: %q", l)
		}
	}
}
