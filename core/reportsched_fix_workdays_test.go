package core_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// schedCalendar is a production calendar for the schedules' tests: the
// weekends off, with holidays, and Saturdays made working by a transfer.
type schedCalendar struct{ off, working map[string]bool }

func (c schedCalendar) Workday(d time.Time) bool {
	day := d.Format(time.DateOnly)
	switch {
	case c.off[day]:
		return false
	case c.working[day]:
		return true
	}
	return core.WeekendCalendar{}.Workday(d)
}
func (schedCalendar) Shortened(time.Time) bool { return false }
func (schedCalendar) HasYear(int) bool         { return true }

// schedCal has Monday 7 December 2026 and 1–8 January 2027 off, and
// Saturday 5 December 2026 working.
var schedCal = func() schedCalendar {
	c := schedCalendar{off: map[string]bool{"2026-12-07": true}, working: map[string]bool{"2026-12-05": true}}
	for d := 1; d <= 8; d++ {
		c.off["2027-01-0"+strconv.Itoa(d)] = true
	}
	return c
}()

// TestParseScheduleWorkDays: people's words keep to the production
// calendar — working days, weekdays, a day of the month — but «ежедневно»
// is every day, and a cron expression is taken literally.
func TestParseScheduleWorkDays(t *testing.T) {
	for _, c := range []struct {
		in   string
		cron string
		work bool
	}{
		{"по будням 9:00", "0 9 * * 1-5", true},
		{"каждый рабочий день 09:00", "0 9 * * 1-5", true},
		{"weekdays 9am", "0 9 * * 1-5", true},
		{"каждый понедельник 09:00", "0 9 * * 1", true},
		{"по понедельникам и четвергам 9:00", "0 9 * * 1,4", true},
		{"1 числа 10:00", "0 10 1 * *", true},
		{"ежедневно 8:30", "30 8 * * *", false},
		{"daily 18:00", "0 18 * * *", false},
		{"0 9 * * 1", "0 9 * * 1", false},
		{"0 9 * * 1-5", "0 9 * * 1-5", false},
	} {
		cron, work, err := core.ParseSchedule(c.in)
		if err != nil || cron != c.cron || work != c.work {
			t.Errorf("ParseSchedule(%q) = %q, %v, %v; want %q, %v", c.in, cron, work, err, c.cron, c.work)
		}
		if cron2, err := core.ParseScheduleWhen(c.in); err != nil || cron2 != c.cron {
			t.Errorf("ParseScheduleWhen(%q) = %q, %v", c.in, cron2, err)
		}
	}
}

// fireDays fires a schedule at each of its runs up to end and returns the
// days and Moscow times it fired at.
func (o *dlvOffice) fireDays(id int64, end time.Time) []string {
	o.t.Helper()
	var out []string
	for range 100 {
		next := o.schedule(id).NextRun
		if next.After(end) {
			return out
		}
		o.until(next)
		if n := o.tick(); n != 1 {
			o.t.Fatalf("fired %d at %v", n, next)
		}
		out = append(out, next.In(core.Location("")).Format("Mon 2006-01-02 15:04"))
	}
	o.t.Fatal("too many runs")
	return nil
}

// schedule makes a schedule of the pipeline to the heads' chat as the head.
func (o *dlvOffice) scheduleCron(cron string, workDays bool) *core.ReportSchedule {
	o.t.Helper()
	sch := &core.ReportSchedule{Spec: pipelineSpec, To: []core.ReportTarget{headsChat}, Cron: cron,
		TimeZone: "Europe/Moscow", WorkDays: workDays}
	if err := o.svc.ScheduleReport(o.ctx(), o.head, sch); err != nil {
		o.t.Fatal(err)
	}
	return sch
}

// TestScheduleWorkDaysFollowCalendar: «по будням» fires on the calendar's
// working days — the transferred working Saturday too, no holiday; the
// Monday pipeline whose Monday is a holiday goes out on Tuesday at 09:00;
// the monthly report of the 1st of a holiday January on the first working
// day; a cron expression fires on the holidays as it says.
func TestScheduleWorkDaysFollowCalendar(t *testing.T) {
	cases := []struct {
		name  string
		cron  string
		work  bool
		from  time.Time
		until time.Time
		want  []string
	}{
		{"working days", "0 9 * * 1-5", true, time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC),
			time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC),
			[]string{"Thu 2026-12-03 09:00", "Fri 2026-12-04 09:00", "Sat 2026-12-05 09:00", "Tue 2026-12-08 09:00",
				"Wed 2026-12-09 09:00"}},
		{"working days over new year", "0 9 * * 1-5", true, time.Date(2026, 12, 30, 12, 0, 0, 0, time.UTC),
			time.Date(2027, 1, 12, 0, 0, 0, 0, time.UTC),
			[]string{"Thu 2026-12-31 09:00", "Mon 2027-01-11 09:00"}},
		{"weekly on a holiday", "0 9 * * 1", true, officeStart, time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC),
			[]string{"Mon 2026-11-30 09:00", "Tue 2026-12-08 09:00", "Mon 2026-12-14 09:00"}},
		{"monthly on a holiday", "0 10 1 * *", true, time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC),
			time.Date(2027, 2, 2, 0, 0, 0, 0, time.UTC),
			[]string{"Mon 2027-01-11 10:00", "Mon 2027-02-01 10:00"}},
		{"cron literal", "0 9 * * 1", false, officeStart, time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC),
			[]string{"Mon 2026-11-30 09:00", "Mon 2026-12-07 09:00", "Mon 2026-12-14 09:00"}},
		{"cron working week literal", "0 9 * * 1-5", false, time.Date(2026, 12, 30, 12, 0, 0, 0, time.UTC),
			time.Date(2027, 1, 5, 0, 0, 0, 0, time.UTC),
			[]string{"Thu 2026-12-31 09:00", "Fri 2027-01-01 09:00", "Mon 2027-01-04 09:00"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := newDlvOffice(t, core.WithCalendar(schedCal))
			cl := o.cleanClient(sberINN, sberKPP, sberOGRN, "ООО «Ромашка»")
			o.amountDeal(cl.ID, "Поставка", 100000)
			o.until(c.from)
			sch := o.scheduleCron(c.cron, c.work)
			if got := o.fireDays(sch.ID, c.until); strings.Join(got, ", ") != strings.Join(c.want, ", ") {
				t.Errorf("fired at\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
			if n := len(inChat(o.messages(), "-300", "report.delivery")); n != len(c.want) {
				t.Errorf("heads' chat got %d reports", n)
			}
			created := change(t, o.changes(core.EntityReportSchedule, sch.ID), "created")
			if strings.Contains(created.New, "on working days") != c.work {
				t.Errorf("audit = %s", created.New)
			}
		})
	}
}

// TestScheduleWorkDaysMissedRun: a working-days schedule missed over the
// holidays fires once at start, and its next run is the next working day.
func TestScheduleWorkDaysMissedRun(t *testing.T) {
	o := newDlvOffice(t, core.WithCalendar(schedCal))
	o.until(time.Date(2026, 12, 30, 12, 0, 0, 0, time.UTC))
	sch := o.scheduleCron("0 9 * * 1-5", true)
	o.until(time.Date(2027, 1, 5, 10, 0, 0, 0, time.UTC)) // down from 30 December to a holiday
	if n := o.tick(); n != 1 {
		t.Fatalf("fired %d", n)
	}
	if n := o.tick(); n != 0 {
		t.Fatalf("fired again %d", n)
	}
	if got := o.schedule(sch.ID).NextRun; !got.Equal(time.Date(2027, 1, 11, 6, 0, 0, 0, time.UTC)) {
		t.Errorf("next = %v", got)
	}
}
