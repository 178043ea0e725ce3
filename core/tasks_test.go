package core_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// TestCreateTask_Own: a task without an assignee is the actor's own; it is
// open, audited as created, and nobody is told.
func TestCreateTask_Own(t *testing.T) {
	o := newOffice(t)
	due := officeStart.Add(48 * time.Hour)
	task, err := o.svc.CreateTask(o.ctx(), o.manager, &core.Task{Title: " Позвонить в Сбер ", Due: due,
		Status: core.TaskDone, Result: "заранее"})
	if err != nil {
		t.Fatal(err)
	}
	if task.ID == 0 || task.AssigneeID != o.manager.ID() || task.CreatedBy != o.manager.ID() ||
		task.Status != core.TaskOpen || task.Title != "Позвонить в Сбер" || !task.CreatedAt.Equal(officeStart) {
		t.Fatalf("task = %+v", task)
	}
	cs := o.changes(core.EntityTask, task.ID)
	if want := []string{"title", "assignee_id", "due", "status", "result"}; !slices.Equal(fields(cs), want) {
		t.Fatalf("audited = %v, want %v", fields(cs), want)
	}
	checkStamp(t, cs, o.manager, "created")
	if ms := o.messages(); len(ms) != 0 {
		t.Fatalf("messages = %+v; want none for one's own task", ms)
	}
}

// TestCreateTask_Assign: officers and heads assign tasks to others, who are
// told in their private chat; a manager may not.
func TestCreateTask_Assign(t *testing.T) {
	o := newOffice(t)
	_, err := o.svc.CreateTask(o.ctx(), o.manager, &core.Task{Title: "Сделай за меня", AssigneeID: o.manager2.ID()})
	checkCode(t, err, core.EFORBIDDEN, "err.task.assign_forbidden")

	due := officeStart.Add(24 * time.Hour)
	for _, a := range []core.Actor{o.officer, o.head} {
		task, err := o.svc.CreateTask(o.ctx(), a, &core.Task{Title: "Проверить договор", AssigneeID: o.lawyer.ID(), Due: due})
		if err != nil || task.AssigneeID != o.lawyer.ID() || task.CreatedBy != a.ID() {
			t.Fatalf("%s assigning: %+v, %v", a.User.Role, task, err)
		}
	}
	ms := withKey(o.due(), "notify.task.assigned")
	if len(ms) != 2 {
		t.Fatalf("assignment notices = %+v; want 2", ms)
	}
	m := ms[1]
	if m.ChatID != "14" || m.UserID != o.lawyer.ID() || m.Args["Title"] != "Проверить договор" || m.Args["By"] != o.head.User.Name {
		t.Fatalf("notice = %+v", m)
	}
	// Arguments travel through the store as JSON: a time comes back as text.
	if got, _ := m.Args["Due"].(string); got != due.Format(time.RFC3339Nano) {
		t.Errorf("Due = %#v, want %v", m.Args["Due"], due)
	}

	// No due time: the template gets nothing to print.
	if _, err := o.svc.CreateTask(o.ctx(), o.officer, &core.Task{Title: "Когда-нибудь", AssigneeID: o.manager.ID()}); err != nil {
		t.Fatal(err)
	}
	if ms := withKey(o.due(), "notify.task.assigned"); len(ms) != 3 || ms[2].Args["Due"] != nil {
		t.Fatalf("notice without a due time = %+v", ms[len(ms)-1].Args)
	}
}

// TestCreateTask_Invalid: the title, the assignee, the deal and the client
// are checked; a task on someone else's deal is refused as if the deal did
// not exist; a task on a deal belongs to the deal's client.
func TestCreateTask_Invalid(t *testing.T) {
	o := newOffice(t)
	c := o.client(sberINN, sberKPP, "Сбер")
	y := o.client(yandexINN, yandexKPP, "Яндекс")
	theirs := o.deal(o.manager2, c.ID, "Чужая", o.manager2)
	mine := o.deal(o.manager, y.ID, "Моя", o.manager)
	create := func(a core.Actor, task core.Task) (*core.Task, error) {
		return o.svc.CreateTask(o.ctx(), a, &task)
	}

	_, err := create(o.manager, core.Task{Title: " "})
	checkCode(t, err, core.EINVALID, "err.title.required")
	_, err = create(o.manager, core.Task{Title: strings.Repeat("ы", core.MaxTitleLen+1)})
	checkCode(t, err, core.EINVALID, "err.title.too_long")
	_, err = create(o.officer, core.Task{Title: "Никому", AssigneeID: 999})
	checkCode(t, err, core.ENOTFOUND, "err.user.not_found")
	_, err = create(o.manager, core.Task{Title: "Нет сделки", DealID: 999})
	checkCode(t, err, core.ENOTFOUND, "err.deal.not_found")
	_, err = create(o.manager, core.Task{Title: "Чужая сделка", DealID: theirs.ID})
	checkCode(t, err, core.ENOTFOUND, "err.deal.not_found")
	_, err = create(o.manager, core.Task{Title: "Нет клиента", ClientID: 999})
	checkCode(t, err, core.ENOTFOUND, "err.client.not_found")
	_, err = create(disabled(o.manager), core.Task{Title: "Заблокирован"})
	checkCode(t, err, core.EFORBIDDEN, "err.forbidden")

	task, err := create(o.manager, core.Task{Title: "По сделке", DealID: mine.ID, ClientID: c.ID})
	if err != nil || task.ClientID != y.ID || task.DealID != mine.ID {
		t.Fatalf("task on a deal = %+v, %v; want the deal's client %d", task, err, y.ID)
	}
	ts, _ := o.svc.MyTasks(o.ctx(), o.manager)
	if len(ts) != 1 || ts[0].ID != task.ID {
		t.Fatalf("tasks stored = %+v; want only the valid one", ts)
	}
}

// TestTaskByID_Visibility: a task is seen by its assignee, its author and
// those who assign tasks; to anyone else it does not exist.
func TestTaskByID_Visibility(t *testing.T) {
	o := newOffice(t)
	task, err := o.svc.CreateTask(o.ctx(), o.head, &core.Task{Title: "Согласовать", AssigneeID: o.lawyer.ID()})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []core.Actor{o.lawyer, o.head, o.officer, o.admin} {
		if got, err := o.svc.TaskByID(o.ctx(), a, task.ID); err != nil || got.ID != task.ID {
			t.Errorf("%s: TaskByID = %+v, %v", a.User.Role, got, err)
		}
	}
	for _, a := range []core.Actor{o.manager, o.underwriter, disabled(o.lawyer)} {
		_, err := o.svc.TaskByID(o.ctx(), a, task.ID)
		checkCode(t, err, core.ENOTFOUND, "err.task.not_found")
	}
	_, err = o.svc.TaskByID(o.ctx(), o.head, 999)
	checkCode(t, err, core.ENOTFOUND, "err.task.not_found")
}

// TestMyTasks: open tasks by due time, overdue first and those without one
// last; done tasks and other people's are left out; officers also see the
// queue of intake requests nobody has taken.
func TestMyTasks(t *testing.T) {
	o := newOffice(t)
	mk := func(a core.Actor, title string, due time.Time, assignee core.Actor) *core.Task {
		t.Helper()
		task, err := o.svc.CreateTask(o.ctx(), a, &core.Task{Title: title, Due: due, AssigneeID: assignee.ID()})
		if err != nil {
			t.Fatal(err)
		}
		return task
	}
	later := mk(o.officer, "Через неделю", officeStart.Add(7*24*time.Hour), o.officer)
	someday := mk(o.officer, "Когда-нибудь", time.Time{}, o.officer)
	overdue := mk(o.officer, "Вчера", officeStart.Add(-24*time.Hour), o.officer)
	done := mk(o.officer, "Сделано", officeStart.Add(-48*time.Hour), o.officer)
	mk(o.officer, "Менеджеру", officeStart, o.manager)
	if _, err := o.svc.CompleteTask(o.ctx(), o.officer, done.ID, "готово"); err != nil {
		t.Fatal(err)
	}
	in, err := o.svc.CreateIntake(o.ctx(), o.manager, core.Requisites{INN: sberINN, ShortName: "Сбер"}, nil)
	if err != nil {
		t.Fatal(err)
	}

	ts, err := o.svc.MyTasks(o.ctx(), o.officer)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, task := range ts {
		ids = append(ids, task.ID)
	}
	if want := []int64{overdue.ID, later.ID, someday.ID, in.TaskID}; !slices.Equal(ids, want) {
		t.Fatalf("officer's tasks = %v, want %v (the queue last)", ids, want)
	}
	if !ts[0].Overdue(o.clock.Now()) || ts[1].Overdue(o.clock.Now()) || ts[2].Overdue(o.clock.Now()) {
		t.Errorf("overdue flags wrong: %+v", ts)
	}
	ts, err = o.svc.MyTasks(o.ctx(), o.manager)
	if err != nil || len(ts) != 1 || ts[0].Title != "Менеджеру" {
		t.Fatalf("manager's tasks = %+v, %v; want theirs and no queue", ts, err)
	}
	_, err = o.svc.MyTasks(o.ctx(), disabled(o.officer))
	checkCode(t, err, core.EFORBIDDEN, "err.forbidden")
}

// TestCompleteTask: the assignee (or one who assigns tasks) closes an open
// task with a result; it is audited, its author is told, and it cannot be
// closed twice; an intake's task closes only with its request.
func TestCompleteTask(t *testing.T) {
	o := newOffice(t)
	task, err := o.svc.CreateTask(o.ctx(), o.officer, &core.Task{Title: "Запросить устав", AssigneeID: o.manager.ID()})
	if err != nil {
		t.Fatal(err)
	}
	before := len(o.changes(core.EntityTask, task.ID))
	o.clock.Add(time.Hour)

	_, err = o.svc.CompleteTask(o.ctx(), o.manager, task.ID, "  ")
	checkCode(t, err, core.EINVALID, "err.task.result_required")
	_, err = o.svc.CompleteTask(o.ctx(), o.manager2, task.ID, "не моя")
	checkCode(t, err, core.ENOTFOUND, "err.task.not_found")
	_, err = o.svc.CompleteTask(o.ctx(), o.manager, 999, "нет такой")
	checkCode(t, err, core.ENOTFOUND, "err.task.not_found")

	got, err := o.svc.CompleteTask(o.ctx(), o.manager, task.ID, " Устав получен ")
	if err != nil || got.Status != core.TaskDone || got.Result != "Устав получен" || !got.DoneAt.Equal(o.clock.Now()) {
		t.Fatalf("CompleteTask = %+v, %v", got, err)
	}
	cs := o.changes(core.EntityTask, task.ID)[before:]
	if want := []string{"status", "result"}; !slices.Equal(fields(cs), want) {
		t.Fatalf("audited = %v, want %v", fields(cs), want)
	}
	checkStamp(t, cs, o.manager, "done")
	if ch := change(t, cs, "status"); ch.Old != "open" || ch.New != "done" {
		t.Errorf("status change = %+v", ch)
	}
	ms := withKey(o.due(), "notify.task.done")
	if len(ms) != 1 || ms[0].ChatID != "11" || ms[0].Args["Result"] != "Устав получен" || ms[0].Args["By"] != o.manager.User.Name {
		t.Fatalf("done notices = %+v; want one to the officer who set the task", ms)
	}

	_, err = o.svc.CompleteTask(o.ctx(), o.manager, task.ID, "ещё раз")
	checkCode(t, err, core.ECONFLICT, "err.task.not_open")
	if n := len(o.changes(core.EntityTask, task.ID)); n != before+2 {
		t.Fatalf("refusals wrote changes: %d, want %d", n, before+2)
	}

	// Closing one's own task tells nobody; a head may close anyone's.
	own, _ := o.svc.CreateTask(o.ctx(), o.lawyer, &core.Task{Title: "Своя"})
	if _, err := o.svc.CompleteTask(o.ctx(), o.head, own.ID, "закрыл руководитель"); err != nil {
		t.Fatalf("head closing a lawyer's task: %v", err)
	}
	self, _ := o.svc.CreateTask(o.ctx(), o.lawyer, &core.Task{Title: "Ещё своя"})
	if _, err := o.svc.CompleteTask(o.ctx(), o.lawyer, self.ID, "сама"); err != nil {
		t.Fatal(err)
	}
	if ms := withKey(o.due(), "notify.task.done"); len(ms) != 2 || ms[1].ChatID != "14" {
		t.Fatalf("done notices = %+v; want the lawyer told of the head's closing only", ms)
	}

	in, err := o.svc.CreateIntake(o.ctx(), o.manager, core.Requisites{INN: sberINN, ShortName: "Сбер"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = o.svc.CompleteTask(o.ctx(), o.officer, in.TaskID, "вручную")
	checkCode(t, err, core.EINVALID, "err.task.intake")
}

// TestCreateTask_DisabledAssignee: a task is not given to a disabled user,
// whose notice would go nowhere.
func TestCreateTask_DisabledAssignee(t *testing.T) {
	o := newOffice(t)
	gone := o.user("Уволенный Сотрудник", core.RoleManager, "telegram:99")
	o.update(func(tx core.Tx) error {
		u, err := tx.UserByID(gone.ID())
		if err != nil {
			return err
		}
		u.Active = false
		return tx.UpdateUser(u)
	})
	_, err := o.svc.CreateTask(o.ctx(), o.officer, &core.Task{Title: "Позвонить", AssigneeID: gone.ID()})
	checkCode(t, err, core.EINVALID, "err.task.assignee_inactive")
}
