package core_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// English reports write English dates (2026-11-24), as the English exports
// do, in their summaries and notes (review A13).
func TestReportEnglishDates(t *testing.T) {
	o := newReportOffice(t)
	seedPipeline(o)
	now := o.clock.Now()
	res, w, err := o.tryReportIn("en", o.officer, core.ReportSpec{Report: core.ReportPipeline,
		Filter: core.ReportFilter{From: now.Add(-4 * 24 * time.Hour), To: now}})
	if err != nil {
		t.Fatal(err)
	}
	summaryHas(t, res, "In the period 2026-11-24 — 2026-11-28")
	notes := strings.Join(w.tables[0].head.Notes, "\n")
	if !strings.Contains(notes, "Made by "+nameOfficer+", 2026-11-28 12:00") || strings.Contains(notes, "28.11.2026") {
		t.Errorf("English notes %q", w.tables[0].head.Notes)
	}
	res, _, err = o.tryReportIn("en", o.officer, core.ReportSpec{Report: core.ReportOverdue})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range res.Summary {
		if strings.Contains(l, ".2026") || strings.Contains(l, "weeks (from 05.10") {
			t.Errorf("a Russian date in English: %q", l)
		}
	}
}

// A trend over a year (review A14): the weeks' labels carry the year when
// they span two years, and the summary gives the first week's full date
// with its plural of weeks; in English, English dates.
func TestOverdueTrendOverYears(t *testing.T) {
	o := newReportOffice(t)
	m := o.manager.ID()
	o.putTask(&core.Task{AssigneeID: m, Due: repAt(3, 2, 18), CreatedAt: repAt(1, 10, 10)})
	year := core.ReportFilter{From: time.Date(2026, 1, 1, 0, 0, 0, 0, repLoc), To: time.Date(2027, 1, 1, 0, 0, 0, 0, repLoc)}
	res, _ := o.report(o.officer, core.ReportSpec{Report: core.ReportOverdue, Filter: year})
	ch := res.Chart
	if ch == nil || len(ch.Categories) < 40 {
		t.Fatalf("chart %+v", ch)
	}
	if ch.Categories[0] != "29.12.25" || ch.Categories[1] != "05.01.26" {
		t.Errorf("labels %q", ch.Categories[:2])
	}
	summaryHas(t, res, "Тренд за "+strconv.Itoa(len(ch.Categories))+" недел", "(с 29.12.2025)")

	res, _, err := o.tryReportIn("en", o.officer, core.ReportSpec{Report: core.ReportOverdue, Filter: year})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Chart.Categories[:2]; !slices.Equal(got, []string{"Dec 29 '25", "Jan 5 '26"}) {
		t.Errorf("English labels %q", got)
	}
	summaryHas(t, res, "weeks (from 2025-12-29)")

	// Within one year the labels are short: 05.10, Oct 5.
	res, _, err = o.tryReportIn("en", o.officer, core.ReportSpec{Report: core.ReportOverdue})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Chart.Categories[0]; got != "Oct 5" {
		t.Errorf("English label %q", got)
	}
}
