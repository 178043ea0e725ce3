package core_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// stepCron reads what dlvCron does, and also a minute or an hour of "*"
// or "*/N" (every N minutes or hours, the rest of the fields "*").
type stepCron struct{}

func (stepCron) Next(expr string, after time.Time, loc *time.Location) (time.Time, error) {
	f := strings.Fields(expr)
	if len(f) != 5 || !strings.HasPrefix(f[0], "*") && !strings.HasPrefix(f[1], "*") {
		return dlvCron{}.Next(expr, after, loc)
	}
	step := func(field string) (int, bool) {
		if field == "*" {
			return 1, true
		}
		n, err := strconv.Atoi(strings.TrimPrefix(field, "*/"))
		return n, err == nil && strings.HasPrefix(field, "*/") && n > 0
	}
	t := after.In(loc).Truncate(time.Minute).Add(time.Minute)
	if mStep, ok := step(f[0]); ok && f[1] == "*" {
		for t.Minute()%mStep != 0 {
			t = t.Add(time.Minute)
		}
		return t.UTC(), nil
	}
	min, err := strconv.Atoi(f[0])
	hStep, ok := step(f[1])
	if err != nil || !ok {
		return time.Time{}, core.Errorf(core.EINVALID, "err.cron")
	}
	for t.Minute() != min || t.Hour()%hStep != 0 {
		t = t.Add(time.Minute)
	}
	return t.UTC(), nil
}

// TestScheduleTooOften: a schedule that would fire more often than once an
// hour is refused, saying how often; once an hour and less often are
// taken.
func TestScheduleTooOften(t *testing.T) {
	o := newOffice(t, core.WithReports(&dlvTables{}, &dlvCharts{}, stepCron{}, dlvTexts))
	o.bind("-300", core.PurposeHeads)
	try := func(cron string) error {
		return o.svc.ScheduleReport(o.ctx(), o.head, &core.ReportSchedule{Spec: pipelineSpec,
			To: []core.ReportTarget{headsChat}, Cron: cron})
	}
	for _, c := range []struct {
		cron    string
		minutes int
	}{{"* * * * *", 1}, {"*/1 * * * *", 1}, {"*/30 * * * *", 30}, {"*/59 * * * *", 1}} {
		err := try(c.cron)
		checkCode(t, err, core.EINVALID, "err.delivery.schedule_too_often")
		if _, args := core.ErrorKey(err); args["Minutes"] != c.minutes {
			t.Errorf("%s: args %v", c.cron, args)
		}
		if text := dlvTexts("ru", "err.delivery.schedule_too_often", errArgs(err)); !strings.Contains(text, "не чаще раза в час") {
			t.Errorf("%s: %s", c.cron, text)
		}
	}
	for _, cron := range []string{"0 * * * *", "15 */2 * * *", "0 9 * * 1"} {
		if err := try(cron); err != nil {
			t.Errorf("%s refused: %v", cron, err)
		}
	}
}

// errArgs are an error's locale arguments.
func errArgs(err error) map[string]any {
	_, args := core.ErrorKey(err)
	return args
}

// TestScheduleFailedInWords: the owner of a schedule that could not be
// sent reads it as /schedule shows it — «каждый понедельник в 09:00»,
// «Москва», with the production calendar when it keeps to it — not the
// cron expression and the zone's IANA name.
func TestScheduleFailedInWords(t *testing.T) {
	for _, c := range []struct {
		lang, cron, zone string
		work             bool
		want             []string
	}{
		{"ru", "0 9 * * 1", "Europe/Moscow", true,
			[]string{"(каждый понедельник в 09:00 с учётом производственного календаря, Москва)"}},
		{"ru", "0 9 * * 1-5", "Europe/Moscow", false, []string{"(по будням в 09:00, Москва)"}},
		{"ru", "30 8 1 * *", "Asia/Yekaterinburg", true, []string{"каждый месяц 1-го числа в 08:30", "UTC+5"}},
		{"en", "0 9 * * 1,4", "Europe/Moscow", false, []string{"(on Mon, Thu at 09:00, Moscow)"}},
	} {
		o := newDlvOffice(t)
		o.update(func(tx core.Tx) error {
			u, err := tx.UserByID(o.head.ID())
			if err != nil {
				return err
			}
			u.Locale = c.lang
			return tx.UpdateUser(u)
		})
		sch := &core.ReportSchedule{Spec: pipelineSpec, To: []core.ReportTarget{headsChat}, Cron: c.cron,
			TimeZone: c.zone, WorkDays: c.work}
		if err := o.svc.ScheduleReport(o.ctx(), o.head, sch); err != nil {
			t.Fatal(err)
		}
		if err := o.svc.UnbindChat(o.ctx(), o.admin, core.PlatformTelegram, "-300"); err != nil {
			t.Fatal(err)
		}
		o.until(sch.NextRun)
		if n := o.tick(); n != 1 {
			t.Fatalf("handled %d", n)
		}
		told := inChat(o.messages(), "16", "delivery.schedule_failed")
		if len(told) != 1 {
			t.Fatalf("owner told %d", len(told))
		}
		text := dlvTexts(c.lang, "delivery.schedule_failed", told[0].Args)
		for _, w := range c.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: %q lacks %q", c.cron, text, w)
			}
		}
		if strings.Contains(text, c.cron) || strings.Contains(text, "Europe/Moscow") {
			t.Errorf("%s: %q speaks in codes", c.cron, text)
		}
	}
}

// TestMailFailedAdvice: the sender of a mail given up is told what fits
// the cause: the server down through every attempt (the address most
// likely right), the address refused (check it), the mail itself refused
// (the administrator); a scheduled run's owner that the next mail goes as
// usual.
func TestMailFailedAdvice(t *testing.T) {
	for _, c := range []struct {
		name      string
		errs      []error
		want      string
		notWanted string
	}{
		{"server down", repeatErr(&core.MailError{Temporary: true, Code: 421, Text: "try later"}, core.DocSendMaxAttempts),
			"ни с одной из 10 попыток", "проверьте"},
		{"address refused", []error{&core.MailError{Code: 550, Text: "no such mailbox"}},
			"Сервер не принял адрес: проверьте его", "администратор"},
		{"mail refused", []error{&core.MailError{Code: 552, Text: "message too big"}},
			"адрес тут ни при чём", "проверьте"},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := newDlvOffice(t)
			o.mailer.errs = c.errs
			o.mailReport("boss@bank.example")
			for range core.DocSendMaxAttempts + 1 {
				o.mails()
				o.clock.Add(2 * time.Hour)
			}
			told := inChat(o.messages(), "11", "delivery.mail_failed")
			if len(told) != 1 {
				t.Fatalf("sender told %d times", len(told))
			}
			text := dlvTexts("ru", "delivery.mail_failed", told[0].Args)
			if !strings.Contains(text, c.want) || strings.Contains(text, c.notWanted) {
				t.Errorf("told %q", text)
			}
		})
	}
}

func repeatErr(err error, n int) []error {
	out := make([]error, n)
	for i := range out {
		out[i] = err
	}
	return out
}

// TestScheduleOldTooOftenSlowed: a schedule of every minute saved before
// the limit fires at most once an hour; an hourly one fired late keeps
// its hours.
func TestScheduleOldTooOftenSlowed(t *testing.T) {
	o := newOffice(t, core.WithReports(&dlvTables{}, &dlvCharts{}, stepCron{}, dlvTexts))
	o.bind("-300", core.PurposeHeads)
	now := o.clock.Now()
	old := &core.ReportSchedule{Spec: pipelineSpec, To: []core.ReportTarget{headsChat}, Cron: "* * * * *",
		TimeZone: "Europe/Moscow", OwnerID: o.head.ID(), Active: true, NextRun: now}
	hourly := &core.ReportSchedule{Spec: pipelineSpec, To: []core.ReportTarget{headsChat}, Cron: "0 * * * *",
		TimeZone: "Europe/Moscow", OwnerID: o.head.ID(), Active: true, NextRun: now}
	o.update(func(tx core.Tx) error {
		if err := tx.CreateReportSchedule(old); err != nil {
			return err
		}
		return tx.CreateReportSchedule(hourly)
	})
	o.clock.Add(30 * time.Second) // the tick comes a little late
	if n, err := o.svc.RunDueReportSchedules(o.ctx(), o.clock.Now()); err != nil || n != 2 {
		t.Fatalf("fired %d, %v", n, err)
	}
	for _, id := range []int64{old.ID, hourly.ID} {
		var got *core.ReportSchedule
		o.view(func(tx core.Tx) (err error) {
			got, err = tx.ReportScheduleByID(id)
			return err
		})
		if !got.NextRun.Equal(now.Add(time.Hour)) {
			t.Errorf("%s: next %v, want %v", got.Cron, got.NextRun, now.Add(time.Hour))
		}
	}
}
