package core_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

var msk = core.Location("Europe/Moscow")

// holidayCalendar is a production calendar with the days off given (and
// weekends), for tests that need a holiday.
type holidayCalendar map[string]bool

func (h holidayCalendar) Workday(d time.Time) bool {
	if h[d.Format("2006-01-02")] {
		return false
	}
	return core.WeekendCalendar{}.Workday(d)
}
func (holidayCalendar) Shortened(time.Time) bool { return false }
func (holidayCalendar) HasYear(int) bool         { return true }

// newYearBreak has 31 Dec 2026 and 1–8 Jan 2027 off.
var newYearBreak = holidayCalendar{"2026-12-31": true, "2027-01-01": true, "2027-01-02": true, "2027-01-03": true,
	"2027-01-04": true, "2027-01-05": true, "2027-01-06": true, "2027-01-07": true, "2027-01-08": true}

// at sets the office clock to a Moscow wall time.
func (o *office) at(y int, m time.Month, d, hh, mm int) time.Time {
	o.t.Helper()
	t := time.Date(y, m, d, hh, mm, 0, 0, msk)
	o.clock.Add(t.Sub(o.clock.Now()))
	return t
}

// fire runs the tick at the office's time and returns the new reminder
// messages it wrote.
func (o *office) fire() (int, []*core.OutboxMessage) {
	o.t.Helper()
	before := len(o.messages())
	n, err := o.svc.FireDueReminders(o.ctx(), o.clock.Now())
	if err != nil {
		o.t.Fatal(err)
	}
	return n, o.messages()[before:]
}

func (o *office) reminders(dealID int64) []*core.Reminder {
	o.t.Helper()
	var rs []*core.Reminder
	o.view(func(tx core.Tx) (err error) {
		rs, err = tx.RemindersByDeal(dealID)
		return err
	})
	return rs
}

func pendingOf(rs []*core.Reminder) []*core.Reminder {
	var out []*core.Reminder
	for _, r := range rs {
		if r.Status == core.ReminderPending {
			out = append(out, r)
		}
	}
	return out
}

// paymentDeal is a deal of the manager's with a payment date.
func (o *office) paymentDeal(due time.Time) *core.Deal {
	o.t.Helper()
	c := o.client(sberINN, sberKPP, "ПАО Сбербанк")
	d := o.deal(o.manager, c.ID, "Поставка", o.manager)
	d, err := o.svc.UpdateDeal(o.ctx(), o.manager, d.ID, "", func(d *core.Deal) error {
		d.PaymentDue, d.Amount = due, 150_000_00
		return nil
	})
	if err != nil {
		o.t.Fatal(err)
	}
	return d
}

func TestPaymentTomorrowRemindsTheManagerAtNineInTheirZone(t *testing.T) {
	o := newOffice(t)
	o.at(2026, 11, 30, 12, 0) // Monday noon
	d := o.paymentDeal(time.Date(2026, 12, 1, 18, 0, 0, 0, msk))
	// Seven days and one day before are past; the day itself is ahead.
	pend := pendingOf(o.reminders(d.ID))
	if len(pend) != 1 || pend[0].Lead != 0 || !pend[0].DueAt.Equal(time.Date(2026, 12, 1, 9, 0, 0, 0, msk)) {
		t.Fatalf("pending = %+v", pend)
	}
	o.at(2026, 12, 1, 8, 59)
	if n, _ := o.fire(); n != 0 {
		t.Fatalf("fired %d before nine", n)
	}
	o.at(2026, 12, 1, 9, 0)
	n, ms := o.fire()
	if n != 1 || len(ms) != 1 || ms[0].Key != "notify.reminder.payment" || ms[0].ChatID != "12" {
		t.Fatalf("fired %d: %+v", n, ms)
	}
	if ms[0].Args["Deal"] != d.Number || len(ms[0].Buttons) != 2 || ms[0].Args["Late"] != false {
		t.Fatalf("message = %+v", ms[0])
	}
	// Firing again changes nothing: exactly once.
	if n, ms := o.fire(); n != 0 || len(ms) != 0 {
		t.Fatalf("second tick fired %d, wrote %d", n, len(ms))
	}

	// A manager in Yekaterinburg (UTC+5) hears at nine there: 07:00 Moscow.
	tz := "Asia/Yekaterinburg"
	if _, err := o.svc.UpdateUser(o.ctx(), o.manager2, o.manager2.ID(), core.UserUpdate{TimeZone: &tz}, ""); err != nil {
		t.Fatal(err)
	}
	c := o.client(yandexINN, yandexKPP, "ООО Яндекс")
	d2 := o.deal(o.manager2, c.ID, "Лицензии", o.manager2)
	if _, err := o.svc.UpdateDeal(o.ctx(), o.manager2, d2.ID, "", func(d *core.Deal) error {
		d.SigningDue = time.Date(2026, 12, 3, 18, 0, 0, 0, msk)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	o.at(2026, 12, 2, 6, 59)
	if n, _ := o.fire(); n != 0 {
		t.Fatal("fired before nine in Yekaterinburg")
	}
	o.at(2026, 12, 2, 7, 0)
	if n, ms := o.fire(); n != 1 || ms[0].Key != "notify.reminder.signing" || ms[0].ChatID != "13" {
		t.Fatalf("fired %d: %+v", n, ms)
	}
}

func TestChangingADateReschedulesAndClosingCancels(t *testing.T) {
	o := newOffice(t)
	o.at(2026, 11, 30, 12, 0)
	d := o.paymentDeal(time.Date(2026, 12, 15, 18, 0, 0, 0, msk))
	if got := len(pendingOf(o.reminders(d.ID))); got != 3 { // 7, 1, 0 days before
		t.Fatalf("pending = %d", got)
	}
	if _, err := o.svc.UpdateDeal(o.ctx(), o.manager, d.ID, "", func(d *core.Deal) error {
		d.PaymentDue = time.Date(2026, 12, 22, 18, 0, 0, 0, msk)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	pend := pendingOf(o.reminders(d.ID))
	if len(pend) != 3 || !pend[0].Target.Equal(time.Date(2026, 12, 22, 18, 0, 0, 0, msk)) {
		t.Fatalf("after the move: %+v", pend)
	}
	// Back to the first date: the cancelled reminders come back, none doubled.
	if _, err := o.svc.UpdateDeal(o.ctx(), o.manager, d.ID, "", func(d *core.Deal) error {
		d.PaymentDue = time.Date(2026, 12, 15, 18, 0, 0, 0, msk)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if all, pend := o.reminders(d.ID), pendingOf(o.reminders(d.ID)); len(all) != 6 || len(pend) != 3 {
		t.Fatalf("all %d, pending %d", len(all), len(pend))
	}
	if _, err := o.svc.MoveDeal(o.ctx(), o.manager, d.ID, core.StageNew, core.StageClosedLost, "клиент отказался"); err != nil {
		t.Fatal(err)
	}
	if pend := pendingOf(o.reminders(d.ID)); len(pend) != 0 {
		t.Fatalf("a closed deal keeps %d reminders", len(pend))
	}
	o.at(2026, 12, 15, 10, 0)
	if n, _ := o.fire(); n != 0 {
		t.Fatalf("a closed deal's reminder fired")
	}
}

func TestAHolidayOnTheDueDateRemindsOnTheWorkingDayBefore(t *testing.T) {
	o := newOffice(t, core.WithCalendar(newYearBreak))
	o.at(2026, 12, 1, 12, 0)
	d := o.paymentDeal(time.Date(2027, 1, 4, 18, 0, 0, 0, msk)) // inside the New Year break
	var days []string
	for _, r := range pendingOf(o.reminders(d.ID)) {
		days = append(days, r.DueAt.In(msk).Format("2006-01-02 15:04"))
	}
	// 7 days before is 28.12 (Mon); 1 day before and the day itself fall in
	// the break, so they would both come on 30.12, the last working day
	// before it: one reminder, the nearer lead's, not two at once.
	want := []string{"2026-12-28 09:00", "2026-12-30 09:00"}
	if len(days) != len(want) {
		t.Fatalf("due = %v", days)
	}
	for i := range want {
		if days[i] != want[i] {
			t.Fatalf("due = %v, want %v", days, want)
		}
	}
	o.at(2026, 12, 28, 9, 0)
	if n, _ := o.fire(); n != 1 {
		t.Fatalf("fired %d a week before", n)
	}
	o.at(2026, 12, 30, 9, 0)
	n, ms := o.fire()
	if n != 1 || len(ms) != 1 || ms[0].Key != "notify.reminder.payment" || fmt.Sprint(ms[0].Args["Lead"]) != "0" {
		t.Fatalf("fired %d: %+v", n, ms)
	}
}

func TestOverdueTaskAlertsAndEscalatesToTheHead(t *testing.T) {
	o := newOffice(t)
	o.managerReportsToHead()
	o.at(2026, 11, 30, 10, 0)
	task, err := o.svc.CreateTask(o.ctx(), o.manager, &core.Task{Title: "Собрать подписи",
		Due: time.Date(2026, 12, 1, 15, 0, 0, 0, msk)})
	if err != nil {
		t.Fatal(err)
	}
	o.at(2026, 12, 1, 13, 0)
	if n, ms := o.fire(); n != 1 || ms[0].Key != "notify.reminder.task_due" {
		t.Fatalf("before due: %d %+v", n, ms)
	}
	o.at(2026, 12, 1, 15, 0)
	if n, ms := o.fire(); n != 1 || ms[0].Key != "notify.reminder.overdue" || ms[0].ChatID != "12" {
		t.Fatalf("overdue: %d %+v", n, ms)
	}
	// A day later it is still open: the head is told, with the assignee named.
	o.at(2026, 12, 2, 15, 0)
	n, ms := o.fire()
	if n != 1 || ms[0].Key != "notify.reminder.escalation" || ms[0].ChatID != "16" ||
		ms[0].Args["Assignee"] != "Максим Менеджеров" {
		t.Fatalf("escalation: %d %+v", n, ms)
	}
	// Done by the head through the escalation: the task closes, the result
	// is recorded.
	esc := o.taskReminder(task.ID, core.ReminderEscalation)
	if _, err := o.svc.ReminderDone(o.ctx(), o.head, esc.ID, "подписи собраны"); err != nil {
		t.Fatal(err)
	}
	got, _ := o.svc.TaskByID(o.ctx(), o.head, task.ID)
	if got.Status != core.TaskDone || got.Result != "подписи собраны" {
		t.Fatalf("task = %+v", got)
	}
	var cs []*core.ControlResult
	o.view(func(tx core.Tx) (err error) {
		cs, err = tx.ControlResultsByTask(task.ID)
		return err
	})
	if len(cs) != 1 || cs[0].Outcome != core.ControlDone || cs[0].UserID != o.head.ID() || !cs[0].Late {
		t.Fatalf("control = %+v", cs)
	}
	// The manager's overdue alert is settled too: answering it is a conflict.
	alert := o.taskReminder(task.ID, core.ReminderOverdue)
	if alert.Status != core.ReminderClosed {
		t.Fatalf("alert = %+v", alert)
	}
	if _, err := o.svc.ReminderDone(o.ctx(), o.manager, alert.ID, "ещё раз"); core.ErrorCode(err) != core.ECONFLICT {
		t.Fatalf("second answer: %v", err)
	}
}

func TestAnOverdueAlertAtTheEndOfTheDayWaitsForTheMorning(t *testing.T) {
	o := newOffice(t)
	o.at(2026, 11, 30, 10, 0)
	if _, err := o.svc.CreateTask(o.ctx(), o.manager, &core.Task{Title: "Отчёт",
		Due: time.Date(2026, 12, 4, 18, 0, 0, 0, msk)}); err != nil { // Friday 18:00
		t.Fatal(err)
	}
	o.at(2026, 12, 4, 18, 0)
	o.fire() // the reminder before is long fired or waits; the alert waits
	o.at(2026, 12, 4, 18, 1)
	if _, ms := o.fire(); len(withKey(ms, "notify.reminder.overdue")) != 0 {
		t.Fatal("an alert after working hours")
	}
	o.at(2026, 12, 7, 8, 59) // Monday
	if _, ms := o.fire(); len(withKey(ms, "notify.reminder.overdue")) != 0 {
		t.Fatal("an alert before nine")
	}
	o.at(2026, 12, 7, 9, 0)
	if _, ms := o.fire(); len(withKey(ms, "notify.reminder.overdue")) != 1 {
		t.Fatalf("no alert on Monday morning: %+v", ms)
	}
}

func TestMissedRemindersFireOnceLateAndMerged(t *testing.T) {
	o := newOffice(t)
	o.at(2026, 11, 30, 10, 0)
	for i, title := range []string{"Звонок", "Письмо", "Встреча"} {
		at := time.Date(2026, 12, 1, 10+i, 0, 0, 0, msk)
		if _, err := o.svc.CreateReminder(o.ctx(), o.manager, core.CustomReminder{At: at, Text: title}); err != nil {
			t.Fatal(err)
		}
	}
	// DealDesk was down all day; it starts at 16:00.
	o.at(2026, 12, 1, 16, 0)
	n, ms := o.fire()
	if n != 3 || len(ms) != 1 || ms[0].Key != "notify.reminder.many" || ms[0].Args["Late"] != true ||
		len(ms[0].Buttons) != 1 || len(ms[0].Buttons[0]) != 3 {
		t.Fatalf("fired %d: %+v", n, ms)
	}
	// The clock jumps back an hour, then forward again: nothing fires twice.
	o.clock.Add(-time.Hour)
	if n, _ := o.fire(); n != 0 {
		t.Fatal("fired again after a clock jump back")
	}
	o.clock.Add(48 * time.Hour)
	if n, _ := o.fire(); n != 0 {
		t.Fatal("fired again after a clock jump forward")
	}
}

func TestMutedKindsAreSkippedButEscalationsCannotBeMuted(t *testing.T) {
	o := newOffice(t)
	muted := []core.ReminderKind{core.ReminderPayment}
	if _, err := o.svc.UpdateUser(o.ctx(), o.manager, o.manager.ID(), core.UserUpdate{Muted: &muted}, ""); err != nil {
		t.Fatal(err)
	}
	bad := []core.ReminderKind{core.ReminderEscalation}
	if _, err := o.svc.UpdateUser(o.ctx(), o.head, o.head.ID(), core.UserUpdate{Muted: &bad}, ""); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("muting escalations: %v", err)
	}
	o.at(2026, 11, 30, 12, 0)
	d := o.paymentDeal(time.Date(2026, 12, 1, 18, 0, 0, 0, msk))
	o.at(2026, 12, 1, 9, 0)
	if _, ms := o.fire(); len(ms) != 0 {
		t.Fatalf("a muted reminder was sent: %+v", ms)
	}
	rs := o.reminders(d.ID)
	fired := 0
	for _, r := range rs {
		if r.Status == core.ReminderFired && r.Muted {
			fired++
		}
	}
	if fired != 1 {
		t.Fatalf("reminders = %+v", rs)
	}
}

func TestQuietHoursHoldAnExactReminderUntilMorning(t *testing.T) {
	o := newOffice(t)
	q := [2]int{22 * 60, 8 * 60}
	if _, err := o.svc.UpdateUser(o.ctx(), o.manager, o.manager.ID(), core.UserUpdate{Quiet: &q}, ""); err != nil {
		t.Fatal(err)
	}
	o.at(2026, 11, 30, 12, 0)
	if _, err := o.svc.CreateReminder(o.ctx(), o.manager, core.CustomReminder{
		At: time.Date(2026, 11, 30, 23, 0, 0, 0, msk), Text: "проверить почту"}); err != nil {
		t.Fatal(err)
	}
	o.at(2026, 11, 30, 23, 0)
	if n, _ := o.fire(); n != 0 {
		t.Fatal("fired in quiet hours")
	}
	o.at(2026, 12, 1, 8, 0)
	if n, ms := o.fire(); n != 1 || ms[0].Key != "notify.reminder.custom" || ms[0].Args["Late"] != false {
		t.Fatalf("after quiet hours: %d %+v", n, ms)
	}
}

func TestSnoozeMoveAndEscalateAreRecorded(t *testing.T) {
	o := newOffice(t)
	o.managerReportsToHead()
	o.at(2026, 11, 30, 12, 0)
	d := o.paymentDeal(time.Date(2026, 12, 1, 18, 0, 0, 0, msk))
	o.at(2026, 12, 1, 9, 0)
	o.fire()
	r := pendingOrFired(o, d.ID)
	if _, err := o.svc.SnoozeReminder(o.ctx(), o.manager2, r.ID, core.SnoozeHour); !core.IsNotFound(err) {
		t.Fatalf("someone else's snooze: %v", err)
	}
	if _, err := o.svc.SnoozeReminder(o.ctx(), o.manager, r.ID, core.SnoozeHour); err != nil {
		t.Fatal(err)
	}
	o.at(2026, 12, 1, 9, 59)
	if n, _ := o.fire(); n != 0 {
		t.Fatal("a snoozed reminder fired early")
	}
	o.at(2026, 12, 1, 10, 0)
	if n, _ := o.fire(); n != 1 {
		t.Fatal("a snoozed reminder did not come back")
	}
	// Перенести: the deal's payment date moves, with the reason audited.
	to := time.Date(2026, 12, 10, 18, 0, 0, 0, msk)
	if _, err := o.svc.MoveReminder(o.ctx(), o.manager, r.ID, to, ""); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("a move without a reason: %v", err)
	}
	if _, err := o.svc.MoveReminder(o.ctx(), o.manager, r.ID, to, "клиент просит отсрочку"); err != nil {
		t.Fatal(err)
	}
	got, _ := o.svc.DealByID(o.ctx(), o.manager, d.ID)
	if !got.PaymentDue.Equal(to) {
		t.Fatalf("payment due = %v", got.PaymentDue)
	}
	if c := change(t, o.changes(core.EntityDeal, d.ID), "payment_due"); c.Reason != "клиент просит отсрочку" {
		t.Fatalf("audit = %+v", c)
	}
	// The new date's reminders are scheduled: 7 and 1 days before and the day.
	if pend := pendingOf(o.reminders(d.ID)); len(pend) != 3 {
		t.Fatalf("pending after the move = %d", len(pend))
	}
	o.at(2026, 12, 9, 9, 0)
	o.fire()
	r2 := pendingOrFired(o, d.ID)
	if _, err := o.svc.EscalateReminder(o.ctx(), o.manager, r2.ID, "клиент не отвечает"); err != nil {
		t.Fatal(err)
	}
	ms := withKey(o.messages(), "notify.reminder.escalated")
	if len(ms) != 1 || ms[0].ChatID != "16" || ms[0].Args["Reason"] != "клиент не отвечает" {
		t.Fatalf("escalated = %+v", ms)
	}
	cs, err := o.svc.DealControl(o.ctx(), o.manager, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	var outcomes []core.ControlOutcome
	for _, c := range cs {
		outcomes = append(outcomes, c.Outcome)
	}
	want := []core.ControlOutcome{core.ControlSnoozed, core.ControlMoved, core.ControlEscalated}
	if len(outcomes) != 3 || outcomes[0] != want[0] || outcomes[1] != want[1] || outcomes[2] != want[2] {
		t.Fatalf("control = %v", outcomes)
	}
}

// managerReportsToHead makes the head the manager's head and returns the
// head's id.
func (o *office) managerReportsToHead() int64 {
	o.t.Helper()
	headID := o.head.ID()
	if _, err := o.svc.UpdateUser(o.ctx(), o.admin, o.manager.ID(), core.UserUpdate{HeadID: &headID}, ""); err != nil {
		o.t.Fatal(err)
	}
	return headID
}

// taskReminder is the last of a task's reminders of the kind.
func (o *office) taskReminder(taskID int64, kind core.ReminderKind) *core.Reminder {
	o.t.Helper()
	var out *core.Reminder
	o.view(func(tx core.Tx) error {
		rs, err := tx.RemindersByTask(taskID)
		for _, r := range rs {
			if r.Kind == kind {
				out = r
			}
		}
		return err
	})
	if out == nil {
		o.t.Fatalf("task %d has no %s reminder", taskID, kind)
	}
	return out
}

// pendingOrFired is the deal's reminder that fired last and is unanswered.
func pendingOrFired(o *office, dealID int64) *core.Reminder {
	o.t.Helper()
	var last *core.Reminder
	for _, r := range o.reminders(dealID) {
		if r.Status == core.ReminderFired && (last == nil || r.FiredAt.After(last.FiredAt)) {
			last = r
		}
	}
	if last == nil {
		o.t.Fatal("no fired reminder")
	}
	return last
}

func TestDSTZoneKeepsNineOClockAcrossTheChange(t *testing.T) {
	o := newOffice(t)
	tz := "Europe/Berlin"
	if _, err := o.svc.UpdateUser(o.ctx(), o.manager, o.manager.ID(), core.UserUpdate{TimeZone: &tz}, ""); err != nil {
		t.Fatal(err)
	}
	berlin := core.Location(tz)
	o.at(2027, 3, 20, 12, 0)
	c := o.client(sberINN, sberKPP, "ПАО Сбербанк")
	d := o.deal(o.manager, c.ID, "Поставка", o.manager)
	if _, err := o.svc.UpdateDeal(o.ctx(), o.manager, d.ID, "", func(d *core.Deal) error {
		d.ContractEnd = time.Date(2027, 3, 30, 18, 0, 0, 0, berlin) // after the change on 28 March
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, r := range pendingOf(o.reminders(d.ID)) {
		if l := r.DueAt.In(berlin); l.Hour() != 9 || l.Minute() != 0 {
			t.Fatalf("due %v in Berlin", l)
		}
	}
	o.at(2027, 3, 23, 12, 0) // the week-before one, in winter time
	if n, _ := o.fire(); n != 1 {
		t.Fatal("the week-before reminder did not fire")
	}
	// 29 March 9:00 CEST is 07:00 UTC, an hour earlier than it would be in winter.
	o.clock.Add(time.Date(2027, 3, 29, 6, 59, 0, 0, time.UTC).Sub(o.clock.Now()))
	if n, _ := o.fire(); n != 0 {
		t.Fatal("fired before nine CEST")
	}
	o.clock.Add(time.Minute)
	if n, _ := o.fire(); n != 1 {
		t.Fatal("did not fire at nine CEST")
	}
}

func TestDigestListsOverdueAndTodayAndFiresOnce(t *testing.T) {
	o := newOffice(t)
	o.at(2026, 11, 30, 10, 0)
	if _, err := o.svc.CreateTask(o.ctx(), o.manager, &core.Task{Title: "Вчерашнее",
		Due: time.Date(2026, 11, 30, 12, 0, 0, 0, msk)}); err != nil {
		t.Fatal(err)
	}
	if _, err := o.svc.CreateTask(o.ctx(), o.manager, &core.Task{Title: "Сегодняшнее",
		Due: time.Date(2026, 12, 1, 17, 0, 0, 0, msk)}); err != nil {
		t.Fatal(err)
	}
	if n, err := o.svc.EnsureDigests(o.ctx(), o.clock.Now()); err != nil || n == 0 {
		t.Fatalf("ensure: %d %v", n, err)
	}
	if n, _ := o.svc.EnsureDigests(o.ctx(), o.clock.Now()); n != 0 {
		t.Fatalf("ensure twice scheduled %d more", n)
	}
	o.at(2026, 12, 1, 9, 0)
	_, ms := o.fire()
	ds := withKey(ms, "notify.digest")
	if len(ds) != 1 || ds[0].ChatID != "12" || fmt.Sprint(ds[0].Args["OverdueCount"]) != "1" ||
		fmt.Sprint(ds[0].Args["TodayCount"]) != "1" {
		t.Fatalf("digests = %+v", ds)
	}
	// The next one is scheduled for the next working morning.
	var next []*core.Reminder
	o.view(func(tx core.Tx) (err error) {
		next, err = tx.PendingRemindersByUser(o.manager.ID())
		return err
	})
	found := false
	for _, r := range next {
		found = found || r.Kind == core.ReminderDigest && r.DueAt.Equal(time.Date(2026, 12, 2, 9, 0, 0, 0, msk))
	}
	if !found {
		t.Fatalf("next digest not scheduled: %+v", next)
	}
}

func TestPaymentScheduleRemindsEachPayment(t *testing.T) {
	o := newOffice(t)
	o.at(2026, 11, 30, 12, 0)
	d := o.paymentDeal(time.Time{})
	ps := []core.Payment{{Due: time.Date(2027, 2, 1, 18, 0, 0, 0, msk), Amount: 50_000_00},
		{Due: time.Date(2027, 1, 11, 18, 0, 0, 0, msk), Amount: 100_000_00}}
	got, err := o.svc.SetPayments(o.ctx(), o.manager, d.ID, ps, "")
	if err != nil {
		t.Fatal(err)
	}
	if !got.PaymentDue.Equal(ps[1].Due) || !got.Payments[0].Due.Equal(ps[1].Due) {
		t.Fatalf("schedule = %+v", got.Payments)
	}
	if pend := pendingOf(o.reminders(d.ID)); len(pend) != 6 {
		t.Fatalf("pending = %d, want 3 for each payment", len(pend))
	}
	// A deal's own leads replace the department's.
	if _, err := o.svc.SetDealLeads(o.ctx(), o.manager, d.ID, core.ReminderPayment, []int{3}); err != nil {
		t.Fatal(err)
	}
	if pend := pendingOf(o.reminders(d.ID)); len(pend) != 2 || pend[0].Lead != 3 {
		t.Fatalf("pending with own leads = %+v", pend)
	}
	if _, err := o.svc.SetDealLeads(o.ctx(), o.manager2, d.ID, core.ReminderPayment, []int{1}); err == nil {
		t.Fatal("another manager changed the deal's leads")
	}
}

func TestManyRemindersAtOnceAreSplitIntoMessagesOfTwenty(t *testing.T) {
	o := newOffice(t)
	o.at(2026, 11, 30, 10, 0)
	for i := range 45 {
		if _, err := o.svc.CreateReminder(o.ctx(), o.manager, core.CustomReminder{
			At: time.Date(2026, 12, 1, 10, i, 0, 0, msk), Text: fmt.Sprintf("дело %d", i+1)}); err != nil {
			t.Fatal(err)
		}
	}
	o.at(2026, 12, 1, 12, 0)
	n, ms := o.fire()
	if n != 45 || len(ms) != 3 {
		t.Fatalf("fired %d in %d messages", n, len(ms))
	}
	for i, want := range []int{20, 20, 5} {
		items, _ := ms[i].Args["Items"].([]any)
		buttons := 0
		for _, row := range ms[i].Buttons {
			buttons += len(row)
		}
		if len(items) != want || buttons != want {
			t.Fatalf("message %d: %d items, %d buttons", i, len(items), buttons)
		}
	}
}

func TestQuietHoursHoldEveryPersonalNotification(t *testing.T) {
	o := newOffice(t)
	q := [2]int{20 * 60, 9 * 60}
	if _, err := o.svc.UpdateUser(o.ctx(), o.manager, o.manager.ID(), core.UserUpdate{Quiet: &q}, ""); err != nil {
		t.Fatal(err)
	}
	o.at(2026, 11, 30, 21, 30)
	if _, err := o.svc.CreateTask(o.ctx(), o.officer, &core.Task{Title: "Проверить договор",
		AssigneeID: o.manager.ID()}); err != nil {
		t.Fatal(err)
	}
	ms := withKey(o.messages(), "notify.task.assigned")
	if len(ms) != 1 || !ms[0].NextAttemptAt.Equal(time.Date(2026, 12, 1, 9, 0, 0, 0, msk)) {
		t.Fatalf("assigned = %+v", ms)
	}
	if len(withKey(o.due(), "notify.task.assigned")) != 0 {
		t.Fatal("delivered in quiet hours")
	}
	o.at(2026, 12, 1, 9, 0)
	if len(withKey(o.due(), "notify.task.assigned")) != 1 {
		t.Fatal("not delivered after quiet hours")
	}
}

// Review of issue 10: what a new user found.

func TestAFiredKeyDateReminderGoesWithItsDateAndItsDeal(t *testing.T) {
	o := newOffice(t)
	o.at(2026, 11, 30, 12, 0)
	d := o.paymentDeal(time.Date(2026, 12, 1, 18, 0, 0, 0, msk))
	o.at(2026, 12, 1, 9, 0)
	o.fire()
	r := pendingOrFired(o, d.ID)
	if _, err := o.svc.SetPayments(o.ctx(), o.manager, d.ID,
		[]core.Payment{{Due: time.Date(2026, 12, 20, 18, 0, 0, 0, msk), Amount: 150_000_00}}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := o.svc.SnoozeReminder(o.ctx(), o.manager, r.ID, core.SnoozeHour); core.ErrorCode(err) != core.ECONFLICT {
		t.Fatalf("snoozing a reminder of a date the deal no longer has: %v", err)
	}
	// A closed deal takes its fired reminders along.
	o.at(2026, 12, 18, 9, 0)
	o.fire()
	r = pendingOrFired(o, d.ID)
	if _, err := o.svc.MoveDeal(o.ctx(), o.manager, d.ID, core.StageNew, core.StageClosedLost, "отказ"); err != nil {
		t.Fatal(err)
	}
	if _, err := o.svc.ReminderDone(o.ctx(), o.manager, r.ID, "ок"); core.ErrorCode(err) != core.ECONFLICT {
		t.Fatalf("answering a closed deal's reminder: %v", err)
	}
}

func TestPaymentsOnOneDateAreOneReminderOfTheirSum(t *testing.T) {
	o := newOffice(t)
	o.at(2026, 11, 30, 12, 0)
	d := o.paymentDeal(time.Time{})
	day := time.Date(2026, 12, 10, 18, 0, 0, 0, msk)
	if _, err := o.svc.SetPayments(o.ctx(), o.manager, d.ID, []core.Payment{{Due: day, Amount: 500_000_00},
		{Due: day, Amount: 700_000_00}}, ""); err != nil {
		t.Fatal(err)
	}
	pend := pendingOf(o.reminders(d.ID))
	if len(pend) != 3 || pend[0].Amount != 1_200_000_00 {
		t.Fatalf("pending = %+v", pend)
	}
	if _, err := o.svc.SetPayments(o.ctx(), o.manager, d.ID, []core.Payment{{Due: day.AddDate(0, -1, 0),
		Amount: 1}}, ""); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("a payment date in the past: %v", err)
	}
}

func TestAHeadMovesTheDealDateOfAnEscalatedReminderAndHearsOnce(t *testing.T) {
	o := newOffice(t)
	o.managerReportsToHead()
	o.at(2026, 11, 30, 12, 0)
	d := o.paymentDeal(time.Date(2026, 12, 1, 18, 0, 0, 0, msk))
	o.at(2026, 12, 1, 9, 0)
	o.fire()
	r := pendingOrFired(o, d.ID)
	if _, err := o.svc.EscalateReminder(o.ctx(), o.manager, r.ID, ""); err != nil {
		t.Fatal(err)
	}
	var copyID int64
	o.view(func(tx core.Tx) error {
		all, err := tx.RemindersByDeal(d.ID)
		for _, x := range all {
			if x.Kind == core.ReminderEscalation {
				copyID = x.ID
			}
		}
		return err
	})
	to := time.Date(2026, 12, 10, 18, 0, 0, 0, msk)
	if _, err := o.svc.MoveReminder(o.ctx(), o.head, copyID, to, "договорились об отсрочке"); err != nil {
		t.Fatal(err)
	}
	if got, _ := o.svc.DealByID(o.ctx(), o.head, d.ID); !got.PaymentDue.Equal(to) {
		t.Fatalf("payment due = %v", got.PaymentDue)
	}

	// A task escalated by hand is not escalated again automatically.
	task, err := o.svc.CreateTask(o.ctx(), o.manager, &core.Task{Title: "Акт",
		Due: time.Date(2026, 12, 2, 15, 0, 0, 0, msk)})
	if err != nil {
		t.Fatal(err)
	}
	o.at(2026, 12, 2, 15, 0)
	o.fire()
	alert := o.taskReminder(task.ID, core.ReminderOverdue)
	if _, err := o.svc.EscalateReminder(o.ctx(), o.manager, alert.ID, ""); err != nil {
		t.Fatal(err)
	}
	o.at(2026, 12, 3, 16, 0)
	if _, ms := o.fire(); len(withKey(ms, "notify.reminder.escalation")) != 0 {
		t.Fatal("the head was told twice")
	}
}

func TestOwnRemindersCannotBeMutedAndSnoozeSaysWhenItComes(t *testing.T) {
	o := newOffice(t)
	muted := []core.ReminderKind{core.ReminderCustom}
	if _, err := o.svc.UpdateUser(o.ctx(), o.manager, o.manager.ID(), core.UserUpdate{Muted: &muted}, ""); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("muting one's own reminders: %v", err)
	}
	o.at(2026, 11, 30, 12, 0)
	d := o.paymentDeal(time.Date(2026, 12, 1, 18, 0, 0, 0, msk))
	o.at(2026, 12, 1, 17, 30)
	o.fire()
	r := pendingOrFired(o, d.ID)
	got, err := o.svc.SnoozeReminder(o.ctx(), o.manager, r.ID, core.SnoozeHour)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 12, 2, 9, 0, 0, 0, msk); !got.DueAt.Equal(want) {
		t.Fatalf("snoozed until %v, want the next working morning %v", got.DueAt.In(msk), want)
	}
}

func TestATaskDueInTheEveningIsRemindedWithinWorkingHours(t *testing.T) {
	o := newOffice(t)
	o.at(2026, 11, 30, 10, 0)
	task, err := o.svc.CreateTask(o.ctx(), o.manager, &core.Task{Title: "Вечерний звонок",
		Due: time.Date(2026, 11, 30, 20, 0, 0, 0, msk)})
	if err != nil {
		t.Fatal(err)
	}
	var due time.Time
	o.view(func(tx core.Tx) error {
		rs, err := tx.RemindersByTask(task.ID)
		for _, x := range rs {
			if x.Kind == core.ReminderTaskDue {
				due = x.DueAt
			}
		}
		return err
	})
	if want := time.Date(2026, 11, 30, 17, 0, 0, 0, msk); !due.Equal(want) {
		t.Fatalf("reminder before the due time at %v, want %v", due.In(msk), want)
	}
}

func TestADeactivatedHeadLeavesNoEscalationWaitingForThem(t *testing.T) {
	o := newOffice(t)
	headID := o.managerReportsToHead()
	o.at(2026, 11, 30, 10, 0)
	task, err := o.svc.CreateTask(o.ctx(), o.manager, &core.Task{Title: "Акт",
		Due: time.Date(2026, 12, 1, 15, 0, 0, 0, msk)})
	if err != nil {
		t.Fatal(err)
	}
	off := false
	if _, err := o.svc.UpdateUser(o.ctx(), o.admin, headID, core.UserUpdate{Active: &off}, ""); err != nil {
		t.Fatal(err)
	}
	o.view(func(tx core.Tx) error {
		rs, err := tx.RemindersByTask(task.ID)
		for _, x := range rs {
			if x.Kind == core.ReminderEscalation && x.Status == core.ReminderPending {
				t.Errorf("an escalation waits for a deactivated head: %+v", x)
			}
		}
		return err
	})
}

func TestAClockJumpIsToldToTheAdminsOnce(t *testing.T) {
	o := newOffice(t)
	every := map[string]time.Duration{"remind_tick": 5 * time.Second, "purge_expired": time.Hour}
	start := o.clock.Now()
	for range 3 {
		o.clock.Add(time.Minute)
		if err := o.svc.RecordJobRun(o.ctx(), "remind_tick", o.clock.Now(), nil); err != nil {
			t.Fatal(err)
		}
		if _, err := o.svc.CheckJobs(o.ctx(), o.clock.Now(), every, start); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(withKey(o.messages(), "notify.clock.jumped")); n != 0 {
		t.Fatalf("%d jump notices with a steady clock", n)
	}
	o.clock.Add(3 * time.Hour) // the machine slept
	if _, err := o.svc.CheckJobs(o.ctx(), o.clock.Now(), every, start); err != nil {
		t.Fatal(err)
	}
	o.clock.Add(time.Minute)
	if _, err := o.svc.CheckJobs(o.ctx(), o.clock.Now(), every, start); err != nil {
		t.Fatal(err)
	}
	ms := withKey(o.messages(), "notify.clock.jumped")
	if len(ms) != 1 || ms[0].ChatID != "10" {
		t.Fatalf("jump notices = %+v", ms)
	}
}

func TestASnoozedLeadAndTheNextOneOfTheSameDateComeAsOne(t *testing.T) {
	o := newOffice(t)
	o.at(2026, 11, 30, 12, 0)
	d := o.paymentDeal(time.Date(2026, 12, 2, 18, 0, 0, 0, msk))
	o.at(2026, 12, 1, 9, 0) // the day before
	o.fire()
	r := pendingOrFired(o, d.ID)
	if _, err := o.svc.SnoozeReminder(o.ctx(), o.manager, r.ID, core.SnoozeTomorrow); err != nil {
		t.Fatal(err)
	}
	o.at(2026, 12, 2, 9, 0) // the day itself: the snoozed one and the day's own
	n, ms := o.fire()
	if n != 1 || len(ms) != 1 || ms[0].Key != "notify.reminder.payment" || fmt.Sprint(ms[0].Args["Lead"]) != "0" {
		t.Fatalf("fired %d: %+v", n, ms)
	}
}

func TestAdminsSetTheEscalationDelayWorkingHoursAndDigestTime(t *testing.T) {
	o := newOffice(t)
	o.managerReportsToHead()
	o.at(2026, 11, 30, 10, 0)
	task, err := o.svc.CreateTask(o.ctx(), o.manager, &core.Task{Title: "Акт",
		Due: time.Date(2026, 12, 1, 15, 0, 0, 0, msk)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.svc.EnsureDigests(o.ctx(), o.clock.Now()); err != nil {
		t.Fatal(err)
	}
	d := o.paymentDeal(time.Date(2026, 12, 3, 18, 0, 0, 0, msk))
	four, hours, ten := 4*time.Hour, [2]int{8 * 60, 17 * 60}, 10*60
	if _, err := o.svc.SetReminderRules(o.ctx(), o.manager, core.RulesUpdate{EscalateAfter: &four}); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Fatalf("a manager changed the rules: %v", err)
	}
	bad := time.Minute
	if _, err := o.svc.SetReminderRules(o.ctx(), o.admin, core.RulesUpdate{EscalateAfter: &bad}); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("an escalation after a minute: %v", err)
	}
	st, err := o.svc.SetReminderRules(o.ctx(), o.admin, core.RulesUpdate{EscalateAfter: &four, Hours: &hours, DigestAt: &ten})
	if err != nil {
		t.Fatal(err)
	}
	if st.EscalateAfter != four || st.DayStart != 8*60 || st.DigestAt != 10*60 {
		t.Fatalf("settings = %+v", st)
	}
	if esc := o.taskReminder(task.ID, core.ReminderEscalation); esc.Status != core.ReminderPending ||
		!esc.DueAt.Equal(time.Date(2026, 12, 1, 19, 0, 0, 0, msk)) {
		t.Fatalf("escalation = %+v", esc)
	}
	for _, r := range pendingOf(o.reminders(d.ID)) {
		if r.DueAt.In(msk).Hour() != 8 {
			t.Fatalf("a key date reminds at %v, not at the new start of the day", r.DueAt.In(msk))
		}
	}
	var digests []*core.Reminder
	o.view(func(tx core.Tx) error {
		rs, err := tx.PendingRemindersByUser(o.manager.ID())
		for _, r := range rs {
			if r.Kind == core.ReminderDigest {
				digests = append(digests, r)
			}
		}
		return err
	})
	if len(digests) != 1 || !digests[0].DueAt.Equal(time.Date(2026, 11, 30, 10, 0, 0, 0, msk).Add(24*time.Hour)) {
		t.Fatalf("digests = %+v", digests)
	}
	if c := change(t, o.changes(core.EntitySettings, 1), "rules"); c.ActorID != o.admin.ID() {
		t.Fatalf("audit = %+v", c)
	}
}
