package core_test

import (
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
