package core_test

import (
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// mondayPipeline schedules the weekly pipeline to the heads' chat, every
// Monday at 09:00 Moscow time, as the head.
func (o *dlvOffice) mondayPipeline() *core.ReportSchedule {
	o.t.Helper()
	sch := &core.ReportSchedule{Spec: pipelineSpec, To: []core.ReportTarget{headsChat}, Cron: "0 9 * * 1",
		TimeZone: "Europe/Moscow"}
	if err := o.svc.ScheduleReport(o.ctx(), o.head, sch); err != nil {
		o.t.Fatal(err)
	}
	return sch
}

// tick runs the schedules at the office's time.
func (o *dlvOffice) tick() int {
	o.t.Helper()
	n, err := o.svc.RunDueReportSchedules(o.ctx(), o.clock.Now())
	if err != nil {
		o.t.Fatal(err)
	}
	return n
}

// schedule reads a schedule.
func (o *dlvOffice) schedule(id int64) *core.ReportSchedule {
	o.t.Helper()
	var sch *core.ReportSchedule
	o.view(func(tx core.Tx) (err error) {
		sch, err = tx.ReportScheduleByID(id)
		return err
	})
	return sch
}

// until moves the office's clock to t.
func (o *dlvOffice) until(t time.Time) { o.clock.Add(t.Sub(o.clock.Now())) }

// Mondays at 09:00 Moscow time (06:00 UTC) after the office opens on
// Saturday 28 November 2026.
var (
	monday1 = time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)
	monday2 = time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)
)

// TestScheduleFiresOnceAtNine: the Monday pipeline fires at 09:00 Moscow
// time, not before, once whatever the ticks after it; the heads' chat gets
// the report with its chart; its next run is the next Monday; the run is
// the schedule's last.
func TestScheduleFiresOnceAtNine(t *testing.T) {
	o := newDlvOffice(t)
	c := o.cleanClient(sberINN, sberKPP, sberOGRN, "ООО «Ромашка»")
	o.amountDeal(c.ID, "Поставка", 100000)
	sch := o.mondayPipeline()
	if !sch.NextRun.Equal(monday1) || !sch.Active || sch.OwnerID != o.head.ID() || sch.TimeZone != "Europe/Moscow" {
		t.Fatalf("schedule = %+v", sch)
	}
	if c := change(t, o.changes(core.EntityReportSchedule, sch.ID), "created"); !strings.Contains(c.New, `"0 9 * * 1"`) {
		t.Errorf("audit = %+v", c)
	}

	o.until(monday1.Add(-time.Minute))
	if n := o.tick(); n != 0 {
		t.Fatalf("fired %d at 08:59", n)
	}
	o.until(monday1)
	if n := o.tick(); n != 1 {
		t.Fatalf("fired %d at 09:00", n)
	}
	if n := o.tick(); n != 0 {
		t.Fatalf("a second tick fired %d", n)
	}
	o.clock.Add(time.Minute)
	if n := o.tick(); n != 0 {
		t.Fatalf("a tick a minute later fired %d", n)
	}
	ms := inChat(o.messages(), "-300", "report.delivery")
	if len(ms) != 1 || len(ms[0].Files) != 2 || ms[0].Args["Scheduled"] != true {
		t.Fatalf("heads' chat got %+v", ms)
	}
	got := o.schedule(sch.ID)
	if !got.NextRun.Equal(monday2) || !got.LastRun.Equal(monday1) || got.LastRunID == 0 {
		t.Errorf("after the run = %+v", got)
	}
	run := o.run(got.LastRunID)
	if run.ScheduleID != sch.ID || run.By != o.head.ID() || run.Status != core.RunSent {
		t.Errorf("run = %+v", run)
	}
	if s := change(t, o.changes(core.EntityReport, run.ID), "sent"); s.Source != "job:report_schedules" ||
		!strings.Contains(s.New, "schedule #") {
		t.Errorf("sent audit = %+v", s)
	}
}

// TestScheduleMissedFiresOnce: after three weeks down the schedule fires
// once at start, and its next run is the Monday after now.
func TestScheduleMissedFiresOnce(t *testing.T) {
	o := newDlvOffice(t)
	c := o.cleanClient(sberINN, sberKPP, sberOGRN, "ООО «Ромашка»")
	o.amountDeal(c.ID, "Поставка", 100000)
	sch := o.mondayPipeline()
	o.until(time.Date(2026, 12, 23, 10, 0, 0, 0, time.UTC)) // a Wednesday, three Mondays missed
	if n := o.tick(); n != 1 {
		t.Fatalf("fired %d", n)
	}
	if n := o.tick(); n != 0 {
		t.Fatalf("fired again %d", n)
	}
	if n := len(inChat(o.messages(), "-300", "report.delivery")); n != 1 {
		t.Errorf("heads' chat got %d", n)
	}
	if got := o.schedule(sch.ID); !got.NextRun.Equal(time.Date(2026, 12, 28, 6, 0, 0, 0, time.UTC)) {
		t.Errorf("next = %v", got.NextRun)
	}
}

// TestScheduleHeldTellsOwner: a finding holds the scheduled run; the owner
// is told personally with the held run's choices, and the schedule moves
// on to its next time.
func TestScheduleHeldTellsOwner(t *testing.T) {
	o := newDlvOffice(t)
	c := o.cleanClient(sberINN, sberKPP, sberOGRN, "ООО «Ромашка»")
	o.amountDeal(c.ID, "Монтаж", 0)
	sch := o.mondayPipeline()
	o.until(monday1)
	if n := o.tick(); n != 1 {
		t.Fatalf("fired %d", n)
	}
	if n := len(inChat(o.messages(), "-300", "report.delivery")); n != 0 {
		t.Errorf("a held report went out: %d", n)
	}
	told := inChat(o.messages(), "16", "report.held")
	if len(told) != 1 || len(told[0].Buttons) < 2 {
		t.Fatalf("owner told %+v", told)
	}
	got := o.schedule(sch.ID)
	if !got.NextRun.Equal(monday2) || o.run(got.LastRunID).Status != core.RunHeld {
		t.Errorf("schedule = %+v", got)
	}
}

// TestScheduleOwnerGone: a schedule whose owner was disabled is stopped
// when it falls due, audited, and the admins are told; nothing is sent.
func TestScheduleOwnerGone(t *testing.T) {
	o := newDlvOffice(t)
	sch := o.mondayPipeline()
	o.setActive(o.head, false)
	o.until(monday1)
	if n := o.tick(); n != 1 {
		t.Fatalf("handled %d", n)
	}
	if got := o.schedule(sch.ID); got.Active {
		t.Error("still active")
	}
	if n := len(inChat(o.messages(), "10", "delivery.schedule_orphaned")); n != 1 {
		t.Errorf("admin told %d times", n)
	}
	if c := change(t, o.changes(core.EntityReportSchedule, sch.ID), "active"); c.Reason != "owner_gone" {
		t.Errorf("audit = %+v", c)
	}
	if n := len(o.tables.writers); n != 0 {
		t.Errorf("%d files built", n)
	}
	if n := o.tick(); n != 0 {
		t.Errorf("fired again %d", n)
	}
}

// TestScheduleFailureToldToOwner: a schedule whose chat was unbound cannot
// be sent: the owner is told why, and it waits for its next time.
func TestScheduleFailureToldToOwner(t *testing.T) {
	o := newDlvOffice(t)
	sch := o.mondayPipeline()
	if err := o.svc.UnbindChat(o.ctx(), o.admin, core.PlatformTelegram, "-300"); err != nil {
		t.Fatal(err)
	}
	o.until(monday1)
	if n := o.tick(); n != 1 {
		t.Fatalf("handled %d", n)
	}
	told := inChat(o.messages(), "16", "delivery.schedule_failed")
	if len(told) != 1 || !strings.Contains(told[0].Args["Error"].(string), "-300") {
		t.Fatalf("owner told %+v", told)
	}
	if got := o.schedule(sch.ID); !got.Active || !got.NextRun.Equal(monday2) {
		t.Errorf("schedule = %+v", got)
	}
}

// TestScheduleRules: who may schedule, a cron the parser refuses, a zone
// that does not exist, the owner's zone by default; the list is one's own
// (an admin's all); stopping is the owner's or an admin's, audited, once.
func TestScheduleRules(t *testing.T) {
	o := newDlvOffice(t)
	try := func(a core.Actor, cron, tz string) error {
		return o.svc.ScheduleReport(o.ctx(), a, &core.ReportSchedule{Spec: pipelineSpec,
			To: []core.ReportTarget{headsChat}, Cron: cron, TimeZone: tz})
	}
	checkCode(t, try(o.manager, "0 9 * * 1", ""), core.EFORBIDDEN, "err.delivery.schedule_forbidden")
	checkCode(t, try(o.head, "каждый понедельник", ""), core.EINVALID, "err.delivery.schedule_cron")
	checkCode(t, try(o.head, "0 9 * * 1", "Mars/Olympus"), core.EINVALID, "err.delivery.schedule_tz")
	checkCode(t, try(o.head, "", ""), core.EINVALID, "err.delivery.schedule_cron")

	mine := &core.ReportSchedule{Spec: pipelineSpec, To: []core.ReportTarget{headsChat}, Cron: "0 8 * * *"}
	if err := o.svc.ScheduleReport(o.ctx(), o.officer, mine); err != nil {
		t.Fatal(err)
	}
	if mine.TimeZone != "Europe/Moscow" || !mine.NextRun.Equal(time.Date(2026, 11, 29, 5, 0, 0, 0, time.UTC)) {
		t.Errorf("defaults = %+v", mine)
	}
	head := o.mondayPipeline()
	for _, c := range []struct {
		a    core.Actor
		want int
	}{{o.officer, 1}, {o.head, 1}, {o.admin, 2}, {o.manager, 0}} {
		if got, err := o.svc.ReportSchedules(o.ctx(), c.a); err != nil || len(got) != c.want {
			t.Errorf("%s lists %d, %v; want %d", c.a.User.Name, len(got), err, c.want)
		}
	}
	checkCode(t, o.svc.StopReportSchedule(o.ctx(), o.officer, head.ID), core.EFORBIDDEN,
		"err.delivery.schedule_not_yours")
	if err := o.svc.StopReportSchedule(o.ctx(), o.head, head.ID); err != nil {
		t.Fatal(err)
	}
	checkCode(t, o.svc.StopReportSchedule(o.ctx(), o.admin, head.ID), core.ECONFLICT, "err.delivery.schedule_stopped")
	if c := change(t, o.changes(core.EntityReportSchedule, head.ID), "active"); c.New != "false" || c.ActorID != o.head.ID() {
		t.Errorf("stop audit = %+v", c)
	}
	if got, _ := o.svc.ReportSchedules(o.ctx(), o.admin); len(got) != 1 || got[0].ID != mine.ID {
		t.Errorf("after the stop the admin lists %+v", got)
	}
	o.until(monday1)
	if n := o.tick(); n != 1 { // the officer's daily one; the stopped one not
		t.Errorf("fired %d", n)
	}
}

// TestScheduleLimit: no more than MaxActiveSchedules are active at once.
func TestScheduleLimit(t *testing.T) {
	o := newDlvOffice(t)
	for range core.MaxActiveSchedules {
		o.mondayPipeline()
	}
	err := o.svc.ScheduleReport(o.ctx(), o.head, &core.ReportSchedule{Spec: pipelineSpec,
		To: []core.ReportTarget{headsChat}, Cron: "0 9 * * 1"})
	checkCode(t, err, core.ECONFLICT, "err.delivery.schedule_limit")
}
