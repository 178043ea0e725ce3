package core_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/core/workcal"
)

// fileRequest files a request as a, failing the test when it is refused.
func (o *office) fileRequest(a core.Actor, typ core.RequestType, ref core.RequestRef, text string) *core.Request {
	o.t.Helper()
	r, err := o.svc.CreateRequest(o.ctx(), a, core.NewRequest{Type: typ, Ref: ref, Text: text})
	if err != nil {
		o.t.Fatalf("file request: %v", err)
	}
	return r
}

// request reads a request and its task straight from the store.
func (o *office) request(id int64) (*core.Request, *core.Task) {
	o.t.Helper()
	var r *core.Request
	var t *core.Task
	o.view(func(tx core.Tx) (err error) {
		if r, err = tx.RequestByID(id); err != nil {
			return err
		}
		t, err = tx.TaskByID(r.TaskID)
		return err
	})
	return r, t
}

// toChat keeps the messages written to a Telegram chat.
func toChat(ms []*core.OutboxMessage, chatID string) []*core.OutboxMessage {
	var out []*core.OutboxMessage
	for _, m := range ms {
		if m.ChatID == chatID {
			out = append(out, m)
		}
	}
	return out
}

// noteKeys lists the messages' locale keys.
func noteKeys(ms []*core.OutboxMessage) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Key)
	}
	return out
}

// since returns what was written to the outbox after the first n messages.
func (o *office) since(n int) []*core.OutboxMessage { return o.messages()[n:] }

// buttonActions lists the actions of a message's buttons.
func (o *office) buttonActions(m *core.OutboxMessage) []string {
	o.t.Helper()
	var out []string
	o.view(func(tx core.Tx) error {
		for _, row := range m.Buttons {
			for _, b := range row {
				btn, err := tx.Button(b.Token)
				if err != nil {
					return err
				}
				out = append(out, btn.Action)
			}
		}
		return nil
	})
	return out
}

// TestARequestWaitsInTheOfficersQueueDueByItsSLAInWorkingHours: a
// correction filed on a Friday afternoon is due four working hours later,
// on Monday; it waits in the officers' queue as a task due then, each
// officer is told with «Взять», and the filing is audited.
func TestARequestWaitsInTheOfficersQueueDueByItsSLAInWorkingHours(t *testing.T) {
	o := newOffice(t, core.WithCalendar(workcal.New()))
	c := o.client(sberINN, sberKPP, "ПАО Сбербанк")
	o.at(2026, 12, 4, 16, 0) // Friday
	before := len(o.messages())
	r := o.fileRequest(o.underwriter, core.RequestCorrection, core.RequestRef{ClientID: c.ID},
		"Неверный расчётный счёт в карточке")
	got, task := o.request(r.ID)
	wantDue := time.Date(2026, 12, 7, 11, 0, 0, 0, msk)
	if got.Status != core.RequestNew || got.RequesterID != o.underwriter.ID() || got.ClientID != c.ID ||
		!got.Due.Equal(wantDue) || got.AssigneeID != 0 {
		t.Fatalf("request = %+v", got)
	}
	if task.Queue != core.PurposeOfficers || task.RequestID != r.ID || task.AssigneeID != 0 ||
		!task.Due.Equal(wantDue) || task.ClientID != c.ID || !strings.Contains(task.Title, "ПАО Сбербанк") {
		t.Fatalf("task = %+v", task)
	}
	news := withKey(o.since(before), "notify.request.new")
	if len(news) != 1 || news[0].ChatID != "11" || news[0].Args["Client"] != "ПАО Сбербанк" {
		t.Fatalf("officers told: %+v", news)
	}
	if acts := o.buttonActions(news[0]); !slices.Equal(acts, []string{core.ActionRequestTake, core.ActionRequestShow}) {
		t.Fatalf("buttons %v", acts)
	}
	cs := o.changes(core.EntityRequest, r.ID)
	checkStamp(t, cs, o.underwriter, "created")
	if change(t, cs, "status").New != string(core.RequestNew) || change(t, cs, "type").New != "correction" {
		t.Fatalf("audit %v", fields(cs))
	}
	// The officers' work chat, once bound, is told instead of each officer.
	o.bind("-100", core.PurposeOfficers)
	before = len(o.messages())
	o.fileRequest(o.lawyer, core.RequestQuestion, core.RequestRef{}, "Можно ли подписать без печати?")
	if ms := withKey(o.since(before), "notify.request.new"); len(ms) != 1 || ms[0].ChatID != "-100" {
		t.Fatalf("work chat: %+v", ms)
	}
}

// TestTheRequesterIsToldOfEveryStatusAndTheClockStopsWhileTheyAnswer
// follows a request along its status line: taken (в работе), a question
// (ждёт ответа: the SLA's working time left is kept and the task has no
// due time), the answer (в работе again, due by what was left, counted
// over a holiday), done. The requester hears each change, the officer the
// answer; every step is in the thread and the audit trail.
func TestTheRequesterIsToldOfEveryStatusAndTheClockStopsWhileTheyAnswer(t *testing.T) {
	o := newOffice(t, core.WithCalendar(workcal.New()))
	c := o.client(sberINN, sberKPP, "ПАО Сбербанк")
	o.at(2026, 11, 3, 14, 0) // Tuesday, a shortened day before the 4 November holiday
	start := len(o.messages())
	r := o.fileRequest(o.underwriter, core.RequestCorrection, core.RequestRef{ClientID: c.ID}, "Сменился БИК банка")
	// 3h today (until 17:00), the holiday, 1h on Thursday.
	if got, _ := o.request(r.ID); !got.Due.Equal(time.Date(2026, 11, 5, 10, 0, 0, 0, msk)) {
		t.Fatalf("due %v", got.Due)
	}
	o.at(2026, 11, 3, 15, 0)
	if _, err := o.svc.TakeRequest(o.ctx(), o.officer, r.ID); err != nil {
		t.Fatal(err)
	}
	got, task := o.request(r.ID)
	if got.Status != core.RequestInWork || got.AssigneeID != o.officer.ID() || task.AssigneeID != o.officer.ID() {
		t.Fatalf("taken: %+v %+v", got, task)
	}
	o.at(2026, 11, 3, 16, 0)
	if _, err := o.svc.AskRequest(o.ctx(), o.officer, r.ID, "Пришлите письмо банка"); err != nil {
		t.Fatal(err)
	}
	got, task = o.request(r.ID)
	// Left: an hour today and an hour on Thursday.
	if got.Status != core.RequestWaiting || !got.Due.IsZero() || got.SLALeft != 2*time.Hour || !task.Due.IsZero() {
		t.Fatalf("waiting: %+v, task due %v", got, task.Due)
	}
	if core.RequestOverdue(got, time.Date(2026, 11, 9, 0, 0, 0, 0, msk)) {
		t.Fatal("a request waiting for an answer is never overdue")
	}
	// The requester answers on Friday morning: due two working hours later.
	o.at(2026, 11, 6, 9, 30)
	if _, err := o.svc.AnswerRequest(o.ctx(), o.underwriter, r.ID, "Письмо во вложении",
		[]core.Attachment{{Name: "письмо.pdf", Data: []byte("%PDF-1.7 письмо")}}); err != nil {
		t.Fatal(err)
	}
	got, task = o.request(r.ID)
	wantDue := time.Date(2026, 11, 6, 11, 30, 0, 0, msk)
	if got.Status != core.RequestInWork || !got.Due.Equal(wantDue) || got.SLALeft != 0 || !task.Due.Equal(wantDue) {
		t.Fatalf("answered: %+v, task due %v", got, task.Due)
	}
	o.at(2026, 11, 6, 10, 0)
	if _, err := o.svc.DoneRequest(o.ctx(), o.officer, r.ID, "БИК исправлен"); err != nil {
		t.Fatal(err)
	}
	got, task = o.request(r.ID)
	if got.Status != core.RequestDone || got.Result != "БИК исправлен" || got.ClosedAt.IsZero() ||
		task.Status != core.TaskDone || task.Result != "БИК исправлен" {
		t.Fatalf("done: %+v %+v", got, task)
	}
	var kinds []string
	for _, m := range got.Messages {
		kinds = append(kinds, m.Kind+":"+string(m.Status))
	}
	if want := []string{"status:in_work", "question:", "answer:", "status:done"}; !slices.Equal(kinds, want) {
		t.Fatalf("thread %v", kinds)
	}
	if f := got.Messages[2].Files; len(f) != 1 || f[0].Name != "письмо.pdf" || f[0].MIME != "application/pdf" {
		t.Fatalf("answer's files %+v", f)
	}
	o.view(func(tx core.Tx) error {
		data, err := tx.File(got.Messages[2].Files[0].SHA256)
		if err != nil || string(data) != "%PDF-1.7 письмо" {
			t.Errorf("stored file %q %v", data, err)
		}
		return nil
	})
	all := o.since(start)
	requester := toChat(all, "15")
	if want := []string{"notify.request.status", "notify.request.question", "notify.request.status"}; !slices.Equal(noteKeys(requester), want) {
		t.Fatalf("requester told %v", noteKeys(requester))
	}
	if requester[0].Args["Status"] != "in_work" || requester[2].Args["Status"] != "done" ||
		requester[2].Args["Text"] != "БИК исправлен" || requester[1].Args["Question"] != "Пришлите письмо банка" {
		t.Fatalf("requester's notices %+v", requester)
	}
	if acts := o.buttonActions(requester[1]); !slices.Contains(acts, core.ActionRequestAnswer) {
		t.Fatalf("question's buttons %v", acts)
	}
	officer := withKey(toChat(all, "11"), "notify.request.answered")
	if len(officer) != 1 || fmt.Sprint(officer[0].Args["Files"]) != "1" {
		t.Fatalf("officer told %+v", officer)
	}
	cs := o.changes(core.EntityRequest, r.ID)
	for _, f := range []string{"question", "answer", "result"} {
		change(t, cs, f)
	}
	if c := change(t, cs, "status"); c.New != "done" || c.Reason != "request_done" || c.ActorID != o.officer.ID() {
		t.Fatalf("last status change %+v", c)
	}
}

// TestAnOverdueRequestEscalatesToTheHeadOfItsOfficer: the request's task
// carries its SLA deadline, so once taken it is reminded of, alerted when
// overdue and escalated to the officer's head a day later, as any task.
func TestAnOverdueRequestEscalatesToTheHeadOfItsOfficer(t *testing.T) {
	o := newOffice(t)
	headID := o.head.ID()
	if _, err := o.svc.UpdateUser(o.ctx(), o.admin, o.officer.ID(), core.UserUpdate{HeadID: &headID}, ""); err != nil {
		t.Fatal(err)
	}
	c := o.client(sberINN, sberKPP, "ПАО Сбербанк")
	o.at(2026, 11, 30, 10, 0) // Monday
	r := o.fileRequest(o.manager, core.RequestCorrection, core.RequestRef{ClientID: c.ID}, "Другой директор")
	if _, err := o.svc.TakeRequest(o.ctx(), o.officer, r.ID); err != nil {
		t.Fatal(err)
	}
	got, _ := o.request(r.ID)
	if want := time.Date(2026, 11, 30, 14, 0, 0, 0, msk); !got.Due.Equal(want) { // a correction: 4 working hours
		t.Fatalf("due %v", got.Due)
	}
	o.at(2026, 11, 30, 12, 0)
	if n, ms := o.fire(); n != 1 || ms[0].Key != "notify.reminder.task_due" || ms[0].ChatID != "11" {
		t.Fatalf("before due: %d %+v", n, ms)
	}
	o.at(2026, 11, 30, 14, 0)
	if n, ms := o.fire(); n != 1 || ms[0].Key != "notify.reminder.overdue" || ms[0].ChatID != "11" {
		t.Fatalf("overdue: %d %+v", n, ms)
	}
	if !core.RequestOverdue(got, o.clock.Now().Add(time.Minute)) {
		t.Fatal("not overdue")
	}
	o.at(2026, 12, 1, 14, 0)
	n, ms := o.fire()
	if n != 1 || ms[0].Key != "notify.reminder.escalation" || ms[0].ChatID != "16" ||
		ms[0].Args["Assignee"] != "Ирина Сопровождение" {
		t.Fatalf("escalation: %d %+v", n, ms)
	}
	// Done, the request takes its task's reminders along.
	if _, err := o.svc.DoneRequest(o.ctx(), o.officer, r.ID, "Директор исправлен"); err != nil {
		t.Fatal(err)
	}
	if esc := o.taskReminder(r.TaskID, core.ReminderEscalation); esc.Status != core.ReminderClosed {
		t.Fatalf("escalation after done: %+v", esc)
	}
}

// TestAnIntakeIsARequestWithItsNumber: /intake files a request of type
// intake under one numbering with the others; it is listed with them,
// verified is в работе, saved is выполнено, returned is отклонено.
func TestAnIntakeIsARequestWithItsNumber(t *testing.T) {
	o := newOffice(t)
	o.at(2026, 11, 30, 10, 0)
	q := o.fileRequest(o.lawyer, core.RequestQuestion, core.RequestRef{}, "Вопрос по доверенности")
	in, err := o.svc.CreateIntake(o.ctx(), o.manager, core.Requisites{INN: sberINN, KPP: sberKPP,
		ShortName: "ПАО Сбербанк"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if in.ID != q.ID+1 {
		t.Fatalf("intake #%d after request #%d: one numbering", in.ID, q.ID)
	}
	r, task := o.request(in.ID)
	if r.Type != core.RequestIntake || r.IntakeID != in.ID || r.RequesterID != o.manager.ID() ||
		r.Status != core.RequestNew || r.TaskID != in.TaskID || task.IntakeID != in.ID || task.RequestID != in.ID ||
		!task.Due.Equal(time.Date(2026, 11, 30, 18, 0, 0, 0, msk)) {
		t.Fatalf("intake's request %+v, task %+v", r, task)
	}
	all, err := o.svc.ListRequests(o.ctx(), o.officer, core.ScopeAll)
	if err != nil || len(all) != 2 || all[0].ID != q.ID || all[1].ID != in.ID {
		t.Fatalf("all: %v %+v", err, all)
	}
	if _, err := o.svc.VerifyIntake(o.ctx(), o.officer, in.ID); err != nil {
		t.Fatal(err)
	}
	if r, _ = o.request(in.ID); r.Status != core.RequestInWork || r.AssigneeID != o.officer.ID() {
		t.Fatalf("verified: %+v", r)
	}
	// An intake is done by saving its card, not by «Выполнено».
	if _, err := o.svc.DoneRequest(o.ctx(), o.officer, in.ID, "готово"); core.ErrorCode(err) != core.EINVALID {
		t.Fatalf("done of an intake: %v", err)
	}
	if _, c, err := o.svc.ApplyIntake(o.ctx(), o.officer, in.ID, "", false); err != nil {
		t.Fatal(err)
	} else if r, _ = o.request(in.ID); r.Status != core.RequestDone || r.ClientID != c.ID || !r.Due.IsZero() {
		t.Fatalf("applied: %+v", r)
	}
	// Another, returned: rejected with the note; «Отклонить» returns one too.
	in2, err := o.svc.CreateIntake(o.ctx(), o.manager, core.Requisites{INN: yandexINN}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.svc.ReturnIntake(o.ctx(), o.officer, in2.ID, "Нет КПП"); err != nil {
		t.Fatal(err)
	}
	if r, _ = o.request(in2.ID); r.Status != core.RequestRejected || r.Result != "Нет КПП" {
		t.Fatalf("returned: %+v", r)
	}
	in3, err := o.svc.CreateIntake(o.ctx(), o.manager, core.Requisites{INN: alfaINN}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.svc.RejectRequest(o.ctx(), o.officer, in3.ID, "Дубль карточки"); err != nil {
		t.Fatal(err)
	}
	var got *core.Intake
	o.view(func(tx core.Tx) (err error) {
		got, err = tx.IntakeByID(in3.ID)
		return err
	})
	if r, _ = o.request(in3.ID); r.Status != core.RequestRejected || got.Status != core.IntakeReturned ||
		got.ReturnNote != "Дубль карточки" {
		t.Fatalf("rejected intake: %+v %+v", r, got)
	}
	if open, _ := o.svc.ListRequests(o.ctx(), o.officer, core.ScopeAll); len(open) != 1 || open[0].ID != q.ID {
		t.Fatalf("open after: %+v", open)
	}
}

// TestRequestsAreListedMineMyTeamsAndAllOldestFirst: mine are those I
// filed or work; a head's team's are those of their people; all are for
// officers and heads; closed ones are not listed.
func TestRequestsAreListedMineMyTeamsAndAllOldestFirst(t *testing.T) {
	o := newOffice(t)
	o.managerReportsToHead()
	o.at(2026, 11, 30, 10, 0)
	m := o.fileRequest(o.manager, core.RequestQuestion, core.RequestRef{}, "Первый")
	o.at(2026, 11, 30, 11, 0)
	u := o.fileRequest(o.underwriter, core.RequestOther, core.RequestRef{}, "Второй")
	o.at(2026, 11, 30, 12, 0)
	closed := o.fileRequest(o.manager, core.RequestOther, core.RequestRef{}, "Третий")
	if _, err := o.svc.RejectRequest(o.ctx(), o.officer, closed.ID, "Не к нам"); err != nil {
		t.Fatal(err)
	}
	if _, err := o.svc.TakeRequest(o.ctx(), o.officer, u.ID); err != nil {
		t.Fatal(err)
	}
	ids := func(a core.Actor, scope core.RequestScope) []int64 {
		t.Helper()
		rs, err := o.svc.ListRequests(o.ctx(), a, scope)
		if err != nil {
			t.Fatalf("%s as %s: %v", scope, a.User.Name, err)
		}
		var out []int64
		for _, r := range rs {
			out = append(out, r.ID)
		}
		return out
	}
	cases := []struct {
		who   core.Actor
		scope core.RequestScope
		want  []int64
	}{
		{o.manager, core.ScopeMine, []int64{m.ID}},
		{o.underwriter, core.ScopeMine, []int64{u.ID}},
		{o.officer, core.ScopeMine, []int64{u.ID}},
		{o.head, core.ScopeTeam, []int64{m.ID}},
		{o.officer, core.ScopeAll, []int64{m.ID, u.ID}},
		{o.head, core.ScopeAll, []int64{m.ID, u.ID}},
	}
	for _, tc := range cases {
		if got := ids(tc.who, tc.scope); !slices.Equal(got, tc.want) {
			t.Errorf("%s as %s: %v, want %v", tc.scope, tc.who.User.Name, got, tc.want)
		}
	}
	if _, err := o.svc.ListRequests(o.ctx(), o.underwriter, core.ScopeAll); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Errorf("all as an underwriter: %v", err)
	}
	if _, err := o.svc.ListRequests(o.ctx(), o.lawyer, core.ScopeTeam); core.ErrorCode(err) != core.EINVALID {
		t.Errorf("team of nobody: %v", err)
	}
	// The head sees their person's request, not another's.
	if _, err := o.svc.ShowRequest(o.ctx(), o.manager2, m.ID); core.ErrorCode(err) != core.ENOTFOUND {
		t.Errorf("another manager sees it: %v", err)
	}
	if _, err := o.svc.ShowRequest(o.ctx(), o.lawyer, u.ID); core.ErrorCode(err) != core.ENOTFOUND {
		t.Errorf("a lawyer sees an underwriter's: %v", err)
	}
}

// TestPassingARequestTellsTheNewOfficer: a request passed to another
// officer is theirs with its task; they are told; a new one passed is in
// work and its requester hears so.
func TestPassingARequestTellsTheNewOfficer(t *testing.T) {
	o := newOffice(t)
	other := o.user("Пётр Сопровождение", core.RoleOfficer, "telegram:17")
	o.at(2026, 11, 30, 10, 0)
	r := o.fileRequest(o.manager, core.RequestDocument, core.RequestRef{}, "Нужна выписка ЕГРЮЛ")
	before := len(o.messages())
	if _, err := o.svc.PassRequest(o.ctx(), o.officer, r.ID, other.ID()); err != nil {
		t.Fatal(err)
	}
	got, task := o.request(r.ID)
	if got.AssigneeID != other.ID() || task.AssigneeID != other.ID() || got.Status != core.RequestInWork {
		t.Fatalf("passed: %+v %+v", got, task)
	}
	ms := o.since(before)
	if n := withKey(toChat(ms, "17"), "notify.request.passed"); len(n) != 1 || n[0].Args["By"] != "Ирина Сопровождение" {
		t.Fatalf("new officer told: %+v", ms)
	}
	if n := withKey(toChat(ms, "12"), "notify.request.status"); len(n) != 1 || n[0].Args["Assignee"] != "Пётр Сопровождение" {
		t.Fatalf("requester told: %+v", ms)
	}
	if c := change(t, o.changes(core.EntityRequest, r.ID), "assignee_id"); c.Reason != "request_passed" {
		t.Fatalf("audit %+v", c)
	}
	// Passed to the one who has it, or to someone who does not work
	// requests: refused.
	if _, err := o.svc.PassRequest(o.ctx(), o.officer, r.ID, other.ID()); core.ErrorCode(err) != core.EINVALID {
		t.Errorf("pass to the same: %v", err)
	}
	if _, err := o.svc.PassRequest(o.ctx(), o.officer, r.ID, o.manager2.ID()); core.ErrorCode(err) != core.EINVALID {
		t.Errorf("pass to a manager: %v", err)
	}
}

// TestBadRequestsAndStrangersChangeNothing: each refusal names its reason
// and leaves no request, change or message behind.
func TestBadRequestsAndStrangersChangeNothing(t *testing.T) {
	o := newOffice(t)
	c := o.client(sberINN, sberKPP, "ПАО Сбербанк")
	theirs := o.deal(o.officer, c.ID, "Кредитная линия", o.manager2)
	o.at(2026, 11, 30, 10, 0)
	r := o.fileRequest(o.underwriter, core.RequestCorrection, core.RequestRef{ClientID: c.ID}, "Неверный КПП")
	count := func() (int, int, int) {
		rs, err := o.svc.ListRequests(o.ctx(), o.officer, core.ScopeAll)
		if err != nil {
			t.Fatal(err)
		}
		return len(rs), len(o.changes(core.EntityRequest, r.ID)), len(o.messages())
	}
	n0, c0, m0 := count()
	long := strings.Repeat("я", core.MaxRequestTextLen+1)
	create := func(a core.Actor, nr core.NewRequest) func() error {
		return func() error { _, err := o.svc.CreateRequest(o.ctx(), a, nr); return err }
	}
	cases := []struct {
		name string
		do   func() error
		code string
		key  string
	}{
		{"empty text", create(o.manager, core.NewRequest{Type: core.RequestQuestion, Text: "  "}),
			core.EINVALID, "err.request.text_required"},
		{"too long", create(o.manager, core.NewRequest{Type: core.RequestQuestion, Text: long}),
			core.EINVALID, "err.request.text_too_long"},
		{"unknown type", create(o.manager, core.NewRequest{Type: "срочно", Text: "x"}),
			core.EINVALID, "err.request.type_unknown"},
		{"an intake", create(o.manager, core.NewRequest{Type: core.RequestIntake, Text: "x"}),
			core.EINVALID, "err.request.type_intake"},
		{"a correction about nothing", create(o.manager, core.NewRequest{Type: core.RequestCorrection, Text: "x"}),
			core.EINVALID, "err.request.ref_required"},
		{"a card that is not there", create(o.manager, core.NewRequest{Type: core.RequestCorrection,
			Ref: core.RequestRef{ClientID: 999}, Text: "x"}), core.EINVALID, "err.client.not_found"},
		{"someone else's deal", create(o.manager, core.NewRequest{Type: core.RequestQuestion,
			Ref: core.RequestRef{DealID: theirs.ID}, Text: "x"}), core.EINVALID, "err.deal.not_found"},
		{"too many files", create(o.manager, core.NewRequest{Type: core.RequestQuestion, Text: "x",
			Files: make([]core.Attachment, core.MaxRequestFiles+1)}), core.EINVALID, "err.request.files_too_many"},
		{"an empty file", create(o.manager, core.NewRequest{Type: core.RequestQuestion, Text: "x",
			Files: []core.Attachment{{Name: "a.txt"}}}), core.EINVALID, "err.request.file_empty"},
		{"a disabled user files", create(disabled(o.manager), core.NewRequest{Type: core.RequestQuestion, Text: "x"}),
			core.EFORBIDDEN, "err.forbidden"},
		{"a manager takes", func() error { _, err := o.svc.TakeRequest(o.ctx(), o.manager, r.ID); return err },
			core.EFORBIDDEN, "err.request.officers_only"},
		{"a lawyer asks", func() error { _, err := o.svc.AskRequest(o.ctx(), o.lawyer, r.ID, "?"); return err },
			core.EFORBIDDEN, "err.request.officers_only"},
		{"an empty question", func() error { _, err := o.svc.AskRequest(o.ctx(), o.officer, r.ID, ""); return err },
			core.EINVALID, "err.request.question_required"},
		{"an answer to no question", func() error {
			_, err := o.svc.AnswerRequest(o.ctx(), o.underwriter, r.ID, "ответ", nil)
			return err
		}, core.ECONFLICT, "err.request.not_waiting"},
		{"a stranger answers", func() error {
			_, err := o.svc.AnswerRequest(o.ctx(), o.manager, r.ID, "ответ", nil)
			return err
		}, core.ENOTFOUND, "err.request.not_found"},
		{"a stranger looks", func() error { _, err := o.svc.ShowRequest(o.ctx(), o.manager, r.ID); return err },
			core.ENOTFOUND, "err.request.not_found"},
		{"no such request", func() error { _, err := o.svc.TakeRequest(o.ctx(), o.officer, 999); return err },
			core.ENOTFOUND, "err.request.not_found"},
		{"rejected without a reason", func() error { _, err := o.svc.RejectRequest(o.ctx(), o.officer, r.ID, " "); return err },
			core.EINVALID, "err.request.reason_required"},
		{"a reason too long", func() error {
			_, err := o.svc.RejectRequest(o.ctx(), o.officer, r.ID, strings.Repeat("я", core.MaxReasonLen+1))
			return err
		}, core.EINVALID, "err.request.reason_too_long"},
		{"done without a result", func() error { _, err := o.svc.DoneRequest(o.ctx(), o.officer, r.ID, ""); return err },
			core.EINVALID, "err.request.result_required"},
		{"a head answers for the requester", func() error {
			_, err := o.svc.AnswerRequest(o.ctx(), o.head, r.ID, "ответ", nil)
			return err
		}, core.EFORBIDDEN, "err.request.not_requester"},
		{"a head sets the SLA", func() error {
			_, err := o.svc.SetRequestSLA(o.ctx(), o.head, core.RequestCorrection, time.Hour)
			return err
		}, core.EFORBIDDEN, "err.forbidden"},
		{"an SLA of a minute", func() error {
			_, err := o.svc.SetRequestSLA(o.ctx(), o.admin, core.RequestCorrection, time.Minute)
			return err
		}, core.EINVALID, "err.request.sla_range"},
	}
	for _, tc := range cases {
		err := tc.do()
		if key, _ := core.ErrorKey(err); core.ErrorCode(err) != tc.code || key != tc.key {
			t.Errorf("%s: %v, want %s %s", tc.name, err, tc.code, tc.key)
		}
		if n, c, m := count(); n != n0 || c != c0 || m != m0 {
			t.Fatalf("%s changed something: %d %d %d, was %d %d %d", tc.name, n, c, m, n0, c0, m0)
		}
	}
	// Closed, it is closed for everyone; the requester still sees it.
	if _, err := o.svc.DoneRequest(o.ctx(), o.officer, r.ID, "КПП исправлен"); err != nil {
		t.Fatal(err)
	}
	if _, err := o.svc.AskRequest(o.ctx(), o.officer, r.ID, "ещё?"); core.ErrorCode(err) != core.ECONFLICT {
		t.Errorf("ask a closed one: %v", err)
	}
	if _, err := o.svc.TakeRequest(o.ctx(), o.officer, r.ID); core.ErrorCode(err) != core.ECONFLICT {
		t.Errorf("take a closed one: %v", err)
	}
	if got, err := o.svc.ShowRequest(o.ctx(), o.underwriter, r.ID); err != nil || got.Status != core.RequestDone {
		t.Errorf("requester's view: %v %+v", err, got)
	}
}

// TestAnAdminSetsATypesSLA: the SLA of a type, set in working time, makes
// the requests filed from then on due by it; the change is audited.
func TestAnAdminSetsATypesSLA(t *testing.T) {
	o := newOffice(t)
	ws, err := o.svc.SetRequestSLA(o.ctx(), o.admin, core.RequestCorrection, 90*time.Minute)
	if err != nil || ws.SLA[core.RequestCorrection] != 90*time.Minute || ws.SLA[core.RequestQuestion] != 8*time.Hour {
		t.Fatalf("%v %+v", err, ws)
	}
	cs := o.changes(core.EntitySettings, 1)
	if c := change(t, cs, "sla.correction"); c.Old != "4h" || c.New != "1h30m" || c.ActorID != o.admin.ID() {
		t.Fatalf("audit %+v", c)
	}
	c := o.client(sberINN, sberKPP, "ПАО Сбербанк")
	o.at(2026, 11, 30, 17, 0)
	r := o.fileRequest(o.manager, core.RequestCorrection, core.RequestRef{ClientID: c.ID}, "Адрес устарел")
	if want := time.Date(2026, 12, 1, 9, 30, 0, 0, msk); !r.Due.Equal(want) {
		t.Fatalf("due %v, want %v", r.Due, want)
	}
}

// TestAnotherOfficerWorkingATakenRequestTellsItsAssignee: requests are a
// team queue, so any officer or head may pass, ask about, close or reject
// a request another officer has; that officer is then told what was done
// and by whom, and the requester is told of every change. The assignee's
// own steps tell nobody «by another».
func TestAnotherOfficerWorkingATakenRequestTellsItsAssignee(t *testing.T) {
	cases := []struct {
		name      string
		by        func(o *office) core.Actor
		act       func(o *office, by core.Actor, id, third int64) error
		event     string // of notify.request.by_other to the assignee, "" for none
		requester []string
	}{
		{"another officer passes it", func(o *office) core.Actor {
			return o.user("Пётр Сопровождение", core.RoleOfficer, "telegram:17")
		},
			func(o *office, by core.Actor, id, third int64) error {
				_, err := o.svc.PassRequest(o.ctx(), by, id, third)
				return err
			}, "passed", []string{"notify.request.status"}},
		{"another officer asks", func(o *office) core.Actor {
			return o.user("Пётр Сопровождение", core.RoleOfficer, "telegram:17")
		},
			func(o *office, by core.Actor, id, _ int64) error {
				_, err := o.svc.AskRequest(o.ctx(), by, id, "Какой срок?")
				return err
			}, "asked", []string{"notify.request.question"}},
		{"another officer marks it done", func(o *office) core.Actor {
			return o.user("Пётр Сопровождение", core.RoleOfficer, "telegram:17")
		},
			func(o *office, by core.Actor, id, _ int64) error {
				_, err := o.svc.DoneRequest(o.ctx(), by, id, "Сделано за коллегу")
				return err
			}, "done", []string{"notify.request.status"}},
		{"a head rejects it", func(o *office) core.Actor { return o.head },
			func(o *office, by core.Actor, id, _ int64) error {
				_, err := o.svc.RejectRequest(o.ctx(), by, id, "Дубль")
				return err
			}, "rejected", []string{"notify.request.status"}},
		{"its task done by another officer", func(o *office) core.Actor {
			return o.user("Пётр Сопровождение", core.RoleOfficer, "telegram:17")
		},
			func(o *office, by core.Actor, id, _ int64) error {
				r, _ := o.request(id)
				_, err := o.svc.CompleteTask(o.ctx(), by, r.TaskID, "Сделано за коллегу")
				return err
			}, "done", []string{"notify.request.status"}},
		{"the assignee marks it done", func(o *office) core.Actor { return o.officer },
			func(o *office, by core.Actor, id, _ int64) error {
				_, err := o.svc.DoneRequest(o.ctx(), by, id, "Сделано")
				return err
			}, "", []string{"notify.request.status"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := newOffice(t)
			third := o.user("Анна Третьякова", core.RoleOfficer, "telegram:18")
			by := tc.by(o)
			o.at(2026, 11, 30, 10, 0)
			r := o.fileRequest(o.manager, core.RequestQuestion, core.RequestRef{}, "Какой лимит?")
			if _, err := o.svc.TakeRequest(o.ctx(), o.officer, r.ID); err != nil {
				t.Fatal(err)
			}
			before := len(o.messages())
			if err := tc.act(o, by, r.ID, third.ID()); err != nil {
				t.Fatal(err)
			}
			ms := o.since(before)
			told := withKey(toChat(ms, "11"), "notify.request.by_other")
			switch {
			case tc.event == "" && len(told) != 0:
				t.Fatalf("the assignee was told of their own step: %+v", told)
			case tc.event != "" && (len(told) != 1 || told[0].Args["Event"] != tc.event || told[0].Args["By"] != by.User.Name):
				t.Fatalf("the assignee was told %+v", toChat(ms, "11"))
			}
			if got := noteKeys(toChat(ms, "12")); !slices.Equal(got, tc.requester) {
				t.Fatalf("the requester was told %v, want %v", got, tc.requester)
			}
			if tc.event != "passed" {
				return
			}
			if got, _ := o.request(r.ID); got.AssigneeID != third.ID() {
				t.Fatalf("passed to %d", got.AssigneeID)
			}
			if told[0].Args["To"] != "Анна Третьякова" {
				t.Fatalf("the assignee does not hear who has it now: %+v", told[0].Args)
			}
			news := withKey(toChat(ms, "18"), "notify.request.passed")
			if len(news) != 1 || news[0].Args["By"] != by.User.Name || news[0].Args["Requester"] != "Максим Менеджеров" {
				t.Fatalf("the new assignee was told %+v", toChat(ms, "18"))
			}
			if st := toChat(ms, "12")[0]; st.Args["Passed"] != true || st.Args["Assignee"] != "Анна Третьякова" {
				t.Fatalf("the requester's notice of the pass: %+v", st.Args)
			}
		})
	}
}

// TestAnAnswerReachesTheOfficerWhoAskedToo: a question asked by an
// officer who does not have the request is answered to both the officer
// who has it and the one who asked.
func TestAnAnswerReachesTheOfficerWhoAskedToo(t *testing.T) {
	o := newOffice(t)
	other := o.user("Пётр Сопровождение", core.RoleOfficer, "telegram:17")
	o.at(2026, 11, 30, 10, 0)
	r := o.fileRequest(o.manager, core.RequestQuestion, core.RequestRef{}, "Какой лимит?")
	if _, err := o.svc.TakeRequest(o.ctx(), o.officer, r.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := o.svc.AskRequest(o.ctx(), other, r.ID, "Для какой сделки?"); err != nil {
		t.Fatal(err)
	}
	before := len(o.messages())
	if _, err := o.svc.AnswerRequest(o.ctx(), o.manager, r.ID, "Для D-2026-0001", nil); err != nil {
		t.Fatal(err)
	}
	ms := o.since(before)
	for _, chat := range []string{"11", "17"} {
		if got := withKey(toChat(ms, chat), "notify.request.answered"); len(got) != 1 {
			t.Errorf("chat %s was told %v", chat, noteKeys(toChat(ms, chat)))
		}
	}
}

// TestARequestsTaskTitleNamesWhatItIsAboutThenItsText: the task's title
// reads «ПАО Сбербанк 7707083893 — text», so a task line «обращение #1:
// …» has one colon, not two.
func TestARequestsTaskTitleNamesWhatItIsAboutThenItsText(t *testing.T) {
	o := newOffice(t)
	c := o.client(sberINN, sberKPP, "ПАО Сбербанк")
	r := o.fileRequest(o.manager, core.RequestCorrection, core.RequestRef{ClientID: c.ID}, "Поменять директора\nподробности")
	q := o.fileRequest(o.manager, core.RequestQuestion, core.RequestRef{}, "Какой лимит?")
	for _, tc := range []struct {
		id   int64
		want string
	}{{r.ID, "ПАО Сбербанк " + sberINN + " — Поменять директора"}, {q.ID, "Какой лимит?"}} {
		if _, task := o.request(tc.id); task.Title != tc.want {
			t.Errorf("title %q, want %q", task.Title, tc.want)
		}
	}
}

// TestAnIntakeClosedByAnotherOfficerTellsTheOneWhoVerifiedIt: an intake
// is a request like the others: returned by an officer who did not verify
// it, the one who did is told; its manager hears of it once, from the
// intake's own notice.
func TestAnIntakeClosedByAnotherOfficerTellsTheOneWhoVerifiedIt(t *testing.T) {
	o := newOffice(t)
	other := o.user("Пётр Сопровождение", core.RoleOfficer, "telegram:17")
	o.at(2026, 11, 30, 10, 0)
	in, err := o.svc.CreateIntake(o.ctx(), o.manager, core.Requisites{INN: sberINN, KPP: sberKPP, ShortName: "ПАО Сбербанк"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.svc.VerifyIntake(o.ctx(), o.officer, in.ID); err != nil {
		t.Fatal(err)
	}
	before := len(o.messages())
	if _, err := o.svc.ReturnIntake(o.ctx(), other, in.ID, "Нет карточки предприятия"); err != nil {
		t.Fatal(err)
	}
	ms := o.since(before)
	if told := withKey(toChat(ms, "11"), "notify.request.by_other"); len(told) != 1 || told[0].Args["Event"] != "rejected" {
		t.Fatalf("the verifying officer was told %v", noteKeys(toChat(ms, "11")))
	}
	if got := noteKeys(toChat(ms, "12")); !slices.Equal(got, []string{"notify.intake.returned"}) {
		t.Fatalf("the manager was told %v", got)
	}
	r, task := o.request(in.ID)
	if r.Status != core.RequestRejected || r.AssigneeID != o.officer.ID() || task.Status == core.TaskOpen {
		t.Fatalf("request %+v, task %+v", r, task)
	}
}
