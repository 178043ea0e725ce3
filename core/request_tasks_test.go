package core_test

import (
	"slices"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// TestARequestsTaskDoneIsTheRequestDone: «Выполнено» on a request's task
// (/done, /tasks, its reminder) closes the request with that result and
// tells the requester; it used to close the task and leave the request
// open in /requests.
func TestARequestsTaskDoneIsTheRequestDone(t *testing.T) {
	o := newOffice(t)
	o.at(2026, 11, 30, 10, 0)
	r := o.fileRequest(o.underwriter, core.RequestQuestion, core.RequestRef{}, "Какой лимит у клиента?")
	if _, err := o.svc.TakeRequest(o.ctx(), o.officer, r.ID); err != nil {
		t.Fatal(err)
	}
	before := len(o.messages())
	if _, err := o.svc.CompleteTask(o.ctx(), o.officer, r.TaskID, "Лимит 5 млн"); err != nil {
		t.Fatal(err)
	}
	got, task := o.request(r.ID)
	if got.Status != core.RequestDone || got.Result != "Лимит 5 млн" || task.Status != core.TaskDone {
		t.Fatalf("request %s %q, task %s", got.Status, got.Result, task.Status)
	}
	if len(toChat(o.since(before), "15")) == 0 {
		t.Fatal("the requester was not told")
	}
}

// TestMovingARequestsTaskMovesTheRequest: «Перенести» on a request task's
// reminder moves the request's deadline with the task's, audited, so the
// request's card and /requests show the deadline the reminders keep.
func TestMovingARequestsTaskMovesTheRequest(t *testing.T) {
	o := newOffice(t)
	o.at(2026, 11, 30, 10, 0) // Monday
	r := o.fileRequest(o.underwriter, core.RequestQuestion, core.RequestRef{}, "Какой лимит у клиента?")
	if _, err := o.svc.TakeRequest(o.ctx(), o.officer, r.ID); err != nil {
		t.Fatal(err)
	}
	o.at(2026, 11, 30, 16, 0) // two hours before the deadline of 18:00
	if n, _ := o.fire(); n == 0 {
		t.Fatal("no reminder fired before the due time")
	}
	rem := o.taskReminder(r.TaskID, core.ReminderTaskDue)
	to := time.Date(2026, 12, 2, 12, 0, 0, 0, msk)
	if _, err := o.svc.MoveReminder(o.ctx(), o.officer, rem.ID, to, "Ждём ответа банка"); err != nil {
		t.Fatal(err)
	}
	got, task := o.request(r.ID)
	if !task.Due.Equal(to) || !got.Due.Equal(to) {
		t.Fatalf("task due %v, request due %v, want %v", task.Due, got.Due, to)
	}
	found := false
	for _, c := range o.changes(core.EntityRequest, r.ID) {
		found = found || c.Field == "due" && c.Reason == "Ждём ответа банка"
	}
	if !found {
		t.Fatalf("the request's new deadline is not audited: %+v", o.changes(core.EntityRequest, r.ID))
	}
}

// TestAnUntakenOverdueRequestAlertsTheOfficersAndEscalatesToTheHeads: a
// request nobody took is still alerted when its SLA passes — to every
// officer, whose queue it waits in — and escalated to the heads a delay
// later; once taken, the queue's alerts give way to its officer's.
func TestAnUntakenOverdueRequestAlertsTheOfficersAndEscalatesToTheHeads(t *testing.T) {
	o := newOffice(t)
	c := o.client(sberINN, sberKPP, "ПАО Сбербанк")
	o.at(2026, 11, 30, 10, 0) // Monday
	o.fileRequest(o.underwriter, core.RequestCorrection, core.RequestRef{ClientID: c.ID}, "Исправить счёт")
	o.at(2026, 11, 30, 14, 0) // 4 working hours later
	n, ms := o.fire()
	if n != 1 || len(toChat(ms, "11")) != 1 || toChat(ms, "11")[0].Key != "notify.reminder.overdue" {
		t.Fatalf("overdue in the queue: %d %+v", n, ms)
	}
	o.at(2026, 12, 1, 14, 0)
	n, ms = o.fire()
	if n != 1 || len(toChat(ms, "16")) != 1 || toChat(ms, "16")[0].Key != "notify.reminder.escalation" {
		t.Fatalf("escalation of the untaken request: %d %+v", n, ms)
	}
	// Taken now: the officer's own alerts replace the queue's.
	r2 := o.fileRequest(o.underwriter, core.RequestCorrection, core.RequestRef{ClientID: c.ID}, "Исправить КПП")
	if _, err := o.svc.TakeRequest(o.ctx(), o.officer, r2.ID); err != nil {
		t.Fatal(err)
	}
	o.view(func(tx core.Tx) error {
		rs, err := tx.RemindersByTask(r2.TaskID)
		for _, rem := range rs {
			if rem.Status == core.ReminderPending && rem.UserID != o.officer.ID() && rem.Kind != core.ReminderEscalation {
				t.Errorf("a queue reminder is left after the take: %+v", rem)
			}
		}
		return err
	})
}

// TestAClosedIntakeSettlesItsTasksAlerts: an intake's task closes through
// the same helpers as any request's (updateTask, closeRequest), and the
// overdue alert that went out about it is not left fired once the intake
// is returned.
func TestAClosedIntakeSettlesItsTasksAlerts(t *testing.T) {
	o := newOffice(t)
	o.at(2026, 11, 30, 10, 0) // Monday: an intake is due in 8 working hours
	in, err := o.svc.CreateIntake(o.ctx(), o.manager, core.Requisites{INN: sberINN, KPP: sberKPP, ShortName: "ПАО Сбербанк"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	o.at(2026, 12, 1, 10, 0)
	if n, _ := o.fire(); n == 0 {
		t.Fatal("no alert of the overdue intake")
	}
	if _, err := o.svc.ReturnIntake(o.ctx(), o.officer, in.ID, "Нет КПП"); err != nil {
		t.Fatal(err)
	}
	o.view(func(tx core.Tx) error {
		rs, err := tx.RemindersByTask(in.TaskID)
		for _, rem := range rs {
			if rem.Status == core.ReminderFired {
				t.Errorf("an alert left fired after the return: %+v", rem)
			}
		}
		return err
	})
}

// dueMoves lists the notices of a moved deadline written to a chat.
func dueMoves(ms []*core.OutboxMessage, chatID string) []*core.OutboxMessage {
	var out []*core.OutboxMessage
	for _, m := range toChat(ms, chatID) {
		if m.Key == "notify.request.due_moved" {
			out = append(out, m)
		}
	}
	return out
}

// TestAMovedRequestDeadlineIsToldAndInItsThread: «Перенести» on a request
// task's reminder used to move the request's deadline silently. Now its
// thread records the new deadline with the reason, its requester is told
// (whoever moved it), its officer is told when someone else moved it, and
// the audit keeps one «due» change with the reason, not the thread entry
// as a second one.
func TestAMovedRequestDeadlineIsToldAndInItsThread(t *testing.T) {
	o := newOffice(t)
	o.at(2026, 11, 30, 10, 0) // Monday: a question is due at 18:00
	r := o.fileRequest(o.underwriter, core.RequestQuestion, core.RequestRef{}, "Какой лимит у клиента?")
	if _, err := o.svc.TakeRequest(o.ctx(), o.officer, r.ID); err != nil {
		t.Fatal(err)
	}
	was := r.Due
	o.at(2026, 11, 30, 16, 0)
	if n, _ := o.fire(); n == 0 {
		t.Fatal("no reminder fired before the due time")
	}

	// The officer moves it: the requester hears, the officer does not.
	before := len(o.messages())
	to := time.Date(2026, 12, 2, 12, 0, 0, 0, msk)
	if _, err := o.svc.MoveReminder(o.ctx(), o.officer, o.taskReminder(r.TaskID, core.ReminderTaskDue).ID, to,
		"Ждём ответа банка"); err != nil {
		t.Fatal(err)
	}
	ms := o.since(before)
	told := dueMoves(ms, "15")
	if len(told) != 1 || len(dueMoves(ms, "11")) != 0 {
		t.Fatalf("the officer's move told the requester %d times, the officer %d times", len(told),
			len(dueMoves(ms, "11")))
	}
	if a := told[0].Args; a["Reason"] != "Ждём ответа банка" || a["By"] != o.officer.User.Name ||
		a["Assignee"] != nil || !sameTime(a["Due"], to) || !sameTime(a["Was"], was) {
		t.Fatalf("the requester's notice: %+v", a)
	}
	got, _ := o.request(r.ID)
	last := got.Messages[len(got.Messages)-1]
	if last.Kind != core.RequestMsgDue || !last.Due.Equal(to) || last.Text != "Ждём ответа банка" ||
		last.UserID != o.officer.ID() {
		t.Fatalf("the thread's last entry: %+v", last)
	}
	dues := 0
	for _, c := range o.changes(core.EntityRequest, r.ID) {
		if c.Field == "due" && c.Reason == "Ждём ответа банка" {
			dues++
		}
	}
	if dues != 1 {
		t.Fatalf("%d audited changes of the deadline, want 1: %+v", dues, o.changes(core.EntityRequest, r.ID))
	}

	// The head moves it again: the officer who has it hears too.
	o.at(2026, 12, 2, 13, 0)
	if n, _ := o.fire(); n == 0 {
		t.Fatal("no overdue alert")
	}
	before = len(o.messages())
	to2 := time.Date(2026, 12, 4, 12, 0, 0, 0, msk)
	if _, err := o.svc.MoveReminder(o.ctx(), o.head, o.firedReminder(r.TaskID, core.ReminderOverdue).ID, to2,
		"Клиент в отпуске"); err != nil {
		t.Fatal(err)
	}
	ms = o.since(before)
	officer := dueMoves(ms, "11")
	if len(dueMoves(ms, "15")) != 1 || len(officer) != 1 || len(dueMoves(ms, "16")) != 0 {
		t.Fatalf("the head's move: %v", noteKeys(ms))
	}
	if a := officer[0].Args; a["Assignee"] != true || a["By"] != o.head.User.Name || !sameTime(a["Was"], to) {
		t.Fatalf("the officer's notice: %+v", a)
	}
}

// firedReminder is a task's fired reminder of the kind.
func (o *office) firedReminder(taskID int64, kind core.ReminderKind) *core.Reminder {
	o.t.Helper()
	var out *core.Reminder
	o.view(func(tx core.Tx) error {
		rs, err := tx.RemindersByTask(taskID)
		for _, r := range rs {
			if r.Kind == kind && r.Status == core.ReminderFired {
				out = r
			}
		}
		return err
	})
	if out == nil {
		o.t.Fatalf("task %d has no fired %s reminder", taskID, kind)
	}
	return out
}

// sameTime reports whether a notice's argument is the time t.
func sameTime(v any, t time.Time) bool {
	switch x := v.(type) {
	case time.Time:
		return x.Equal(t)
	case string:
		got, err := time.Parse(time.RFC3339Nano, x)
		return err == nil && got.Equal(t)
	}
	return false
}

// TestAWaitingRequestsDeadlineIsNotMoved: a request waiting for its
// requester's answer has its clock stopped. Asking cancels its task's
// alerts, but an escalation handed to the head by hand stays answerable:
// «Перенести» on it says why nothing moves, instead of giving the task a
// due time the request does not have.
func TestAWaitingRequestsDeadlineIsNotMoved(t *testing.T) {
	o := newOffice(t)
	headID := o.head.ID()
	if _, err := o.svc.UpdateUser(o.ctx(), o.admin, o.officer.ID(), core.UserUpdate{HeadID: &headID}, ""); err != nil {
		t.Fatal(err)
	}
	o.at(2026, 11, 30, 10, 0)
	r := o.fileRequest(o.underwriter, core.RequestQuestion, core.RequestRef{}, "Какой лимит у клиента?")
	if _, err := o.svc.TakeRequest(o.ctx(), o.officer, r.ID); err != nil {
		t.Fatal(err)
	}
	o.at(2026, 12, 1, 10, 0)
	if n, _ := o.fire(); n == 0 {
		t.Fatal("no overdue alert")
	}
	if _, err := o.svc.EscalateReminder(o.ctx(), o.officer, o.taskReminder(r.TaskID, core.ReminderOverdue).ID,
		"Нужен совет"); err != nil {
		t.Fatal(err)
	}
	escalation := o.firedReminder(r.TaskID, core.ReminderEscalation)
	if _, err := o.svc.AskRequest(o.ctx(), o.officer, r.ID, "Какой клиент?"); err != nil {
		t.Fatal(err)
	}
	before := len(o.changes(core.EntityTask, r.TaskID))
	_, err := o.svc.MoveReminder(o.ctx(), o.head, escalation.ID, time.Date(2026, 12, 3, 12, 0, 0, 0, msk), "Ждём")
	if key, _ := core.ErrorKey(err); key != "err.request.move_waiting" {
		t.Fatalf("move of a waiting request: %v", err)
	}
	got, task := o.request(r.ID)
	if !task.Due.IsZero() || !got.Due.IsZero() || len(o.changes(core.EntityTask, r.TaskID)) != before {
		t.Fatalf("the refused move changed the task (due %v) or the request (due %v)", task.Due, got.Due)
	}
}

// TestASecondTakeSaysWhoHasTheRequest: «Взять» on a request someone has
// is refused naming them; the same officer's second press changes nothing
// and says it is theirs.
func TestASecondTakeSaysWhoHasTheRequest(t *testing.T) {
	o := newOffice(t)
	o.at(2026, 11, 30, 10, 0)
	r := o.fileRequest(o.underwriter, core.RequestQuestion, core.RequestRef{}, "Какой лимит у клиента?")
	if _, err := o.svc.TakeRequest(o.ctx(), o.officer, r.ID); err != nil {
		t.Fatal(err)
	}
	msgs, changes := len(o.messages()), len(o.changes(core.EntityRequest, r.ID))
	_, err := o.svc.TakeRequest(o.ctx(), o.head, r.ID)
	if key, args := core.ErrorKey(err); key != "err.request.taken_by" || args["Name"] != o.officer.User.Name {
		t.Fatalf("another's take: %v %v", key, args)
	}
	_, err = o.svc.TakeRequest(o.ctx(), o.officer, r.ID)
	if key, args := core.ErrorKey(err); key != "err.request.yours" || args["Status"] != string(core.RequestInWork) {
		t.Fatalf("the same officer's second take: %v %v", key, args)
	}
	if len(o.messages()) != msgs || len(o.changes(core.EntityRequest, r.ID)) != changes {
		t.Fatal("a refused take told someone or changed the request")
	}
}

// TestARequestTasksReminderOpensTheRequest: a reminder about a request's
// task carries a button that opens the request, so the officer reaches it
// from the alert (its text names the request; the button shows it).
func TestARequestTasksReminderOpensTheRequest(t *testing.T) {
	o := newOffice(t)
	o.at(2026, 11, 30, 10, 0) // Monday
	r := o.fileRequest(o.underwriter, core.RequestQuestion, core.RequestRef{}, "Какой лимит у клиента?")
	if _, err := o.svc.TakeRequest(o.ctx(), o.officer, r.ID); err != nil {
		t.Fatal(err)
	}
	o.at(2026, 11, 30, 16, 0)
	n, ms := o.fire()
	if n != 1 || len(ms) != 1 {
		t.Fatalf("fired %d: %+v", n, ms)
	}
	if acts := o.buttonActions(ms[0]); !slices.Contains(acts, core.ActionRequestShow) ||
		!slices.Contains(acts, core.ActionReminderDone) {
		t.Fatalf("the reminder's buttons: %v", acts)
	}
}
