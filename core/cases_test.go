package core_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// caseWorld is an office with a team work chat on Telegram, a card led by
// the manager and the manager's deal on it.
type caseWorld struct {
	*office
	client *core.Client
	deal   *core.Deal
}

const teamChat = "-100500"

func newCaseWorld(t *testing.T) *caseWorld {
	t.Helper()
	o := newOffice(t)
	o.bind(teamChat, core.PurposeTeam)
	w := &caseWorld{office: o}
	w.client = o.managedClient(sberINN, sberKPP, "Ромашка", o.manager)
	w.deal = o.deal(o.manager, w.client.ID, "Поставка оборудования", o.manager)
	return w
}

// open opens a case about the deal as a, from a's private chat, with the
// roles and names asked.
func (w *caseWorld) open(a core.Actor, topic string, roles []core.Role, names ...string) *core.Case {
	w.t.Helper()
	cs, err := w.svc.OpenCase(w.ctx(), a, core.CaseOpening{Ref: core.CaseRef{DealID: w.deal.ID}, Topic: topic,
		Platform: core.PlatformTelegram, ChatID: "11", Private: true, Roles: roles, Names: names,
		Title: func(t core.CaseTitle) string {
			return fmt.Sprintf("Кейс #%d: %s — сделка %s", t.ID, t.Topic, t.Deal)
		}})
	if err != nil {
		w.t.Fatalf("open case: %v", err)
	}
	return cs
}

// threadRecord returns the outbox record that opens a case's thread.
func (w *caseWorld) threadRecord(id int64) *core.OutboxMessage {
	w.t.Helper()
	for _, m := range w.messages() {
		if m.Key == core.OutboxOpenThread && m.CaseID == id {
			return m
		}
	}
	w.t.Fatalf("no thread record of case %d", id)
	return nil
}

// deliver records an attempt to open a case's thread.
func (w *caseWorld) deliver(id int64, d core.Delivery) {
	w.t.Helper()
	if err := w.svc.RecordDelivery(w.ctx(), w.threadRecord(id), d); err != nil {
		w.t.Fatal(err)
	}
}

func (w *caseWorld) caseByID(id int64) *core.Case {
	w.t.Helper()
	var cs *core.Case
	w.view(func(tx core.Tx) (err error) {
		cs, err = tx.CaseByID(id)
		return err
	})
	return cs
}

func (w *caseWorld) caseMessages(id int64) []*core.CaseMessage {
	w.t.Helper()
	var ms []*core.CaseMessage
	w.view(func(tx core.Tx) (err error) {
		ms, err = tx.CaseMessages(id)
		return err
	})
	return ms
}

// say collects a message written in the case's thread.
func (w *caseWorld) say(a core.Actor, thread, pid, text string) *core.Collected {
	w.t.Helper()
	res, err := w.svc.CollectCaseMessage(w.ctx(), a, core.CaseInput{Platform: core.PlatformTelegram, ChatID: teamChat,
		ThreadID: thread, PlatformID: pid, Text: text})
	if err != nil {
		w.t.Fatalf("collect %q: %v", text, err)
	}
	return res
}

func wantCode(t *testing.T, err error, code, key string) {
	t.Helper()
	gotKey, _ := core.ErrorKey(err)
	if core.ErrorCode(err) != code || key != "" && gotKey != key {
		t.Fatalf("err = %v (%s %s), want %s %s", err, core.ErrorCode(err), gotKey, code, key)
	}
}

// TestCaseInAThread goes through a case's life in a forum topic: opened
// from a private chat in the team's work chat with a lawyer and an
// underwriter asked, its thread opened, messages collected (one delivered
// twice), a decision recorded on the deal, a task made, and closed.
func TestCaseInAThread(t *testing.T) {
	w := newCaseWorld(t)
	cs := w.open(w.officer, "Спорный  пункт договора", []core.Role{core.RoleLawyer}, "Рискова")
	if !cs.Opening || cs.ThreadID != "" || cs.ChatID != teamChat || cs.Status != core.CaseOpen ||
		cs.Topic != "Спорный пункт договора" {
		t.Fatalf("opened case = %+v", cs)
	}
	want := []int64{w.manager.ID(), w.officer.ID(), w.lawyer.ID(), w.underwriter.ID()}
	if !slices.Equal(cs.Participants, want) {
		t.Errorf("participants = %v, want %v", cs.Participants, want)
	}
	rec := w.threadRecord(cs.ID)
	if rec.ChatID != teamChat || rec.Status != core.OutboxPending ||
		rec.Text != "Кейс #1: Спорный пункт договора — сделка "+w.deal.Number {
		t.Fatalf("thread record = %+v", rec)
	}
	opened := change(t, w.changes(core.EntityDeal, w.deal.ID), "case")
	if opened.New != "#1 Спорный пункт договора" || opened.Reason != "case_opened" || opened.ActorID != w.officer.ID() {
		t.Errorf("deal's case change = %+v", opened)
	}

	// Collected nowhere while the thread is being opened.
	if _, err := w.svc.CaseAt(w.ctx(), w.manager, core.PlatformTelegram, teamChat, ""); !core.IsNotFound(err) {
		t.Fatalf("case in the chat while its thread opens: %v", err)
	}
	w.deliver(cs.ID, core.Delivery{ThreadID: "77"})
	cs = w.caseByID(cs.ID)
	if cs.Opening || cs.ThreadID != "77" {
		t.Fatalf("case after its thread opened = %+v", cs)
	}
	first := withKey(w.messages(), "notify.case.opened")
	if len(first) != 1 || first[0].ThreadID != "77" || first[0].ChatID != teamChat || !slices.Equal(first[0].Mentions, want) ||
		first[0].Args["InChat"] != false || first[0].Args["Deal"] != w.deal.Number {
		t.Fatalf("first message = %+v", first)
	}
	if got, err := w.svc.CaseAt(w.ctx(), w.manager, core.PlatformTelegram, teamChat, "77"); err != nil || got.ID != cs.ID {
		t.Fatalf("case of the thread = %v, %v", got, err)
	}

	// Plain talk, from someone not asked: collected, the writer joins.
	res := w.say(w.head, "77", "m1", "Клиент настаивает на своей редакции")
	if res == nil || res.Message == nil || res.Duplicate || res.Decision != "" || res.Task != nil || res.Problem != nil {
		t.Fatalf("plain message = %+v", res)
	}
	if again := w.say(w.head, "77", "m1", "Клиент настаивает на своей редакции"); !again.Duplicate ||
		again.Message.ID != res.Message.ID {
		t.Fatalf("the message delivered again = %+v", again)
	}

	// A decision goes into the deal's history, with the chat message it
	// came from and the case as its reason, and its manager is told.
	inThread := w.lawyer
	inThread.Source = "telegram:chat/" + teamChat + "/msg/m2"
	res = w.say(inThread, "77", "m2", "#решение: принимаем редакцию клиента по п. 5.2")
	if res.Decision != "принимаем редакцию клиента по п. 5.2" || !res.Message.Decision || res.Problem != nil {
		t.Fatalf("decision = %+v", res)
	}
	dec := change(t, w.changes(core.EntityDeal, w.deal.ID), "decision")
	if dec.New != res.Decision || dec.ActorID != w.lawyer.ID() || dec.Source != inThread.Source ||
		dec.Reason != "#1 Спорный пункт договора" {
		t.Errorf("decision change = %+v", dec)
	}
	if told := withKey(w.messages(), "notify.case.decision"); len(told) != 1 || told[0].UserID != w.manager.ID() {
		t.Errorf("the manager told of the decision: %+v", told)
	}

	// A task about the deal, for the manager, by the 5th of December.
	res = w.say(w.officer, "77", "m3", "Договорились.\n#задача @Менеджеров 05.12 подготовить протокол разногласий")
	task := res.Task
	wantDue := time.Date(2026, 12, 5, 18, 0, 0, 0, core.Location(""))
	if res.Problem != nil || task == nil || task.AssigneeID != w.manager.ID() || !task.Due.Equal(wantDue) ||
		task.Title != "подготовить протокол разногласий" || task.DealID != w.deal.ID || task.ClientID != w.client.ID ||
		res.Message.TaskID != task.ID || res.Decision != "" {
		t.Fatalf("task message = %+v, task %+v", res, task)
	}
	if told := withKey(w.messages(), "notify.task.assigned"); len(told) != 1 || told[0].UserID != w.manager.ID() {
		t.Errorf("the assignee told: %+v", told)
	}

	cs = w.caseByID(cs.ID)
	if cs.Messages != 3 || cs.Decisions != 1 || !slices.Equal(cs.Tasks, []int64{task.ID}) ||
		!slices.Contains(cs.Participants, w.head.ID()) {
		t.Fatalf("case after the talk = %+v", cs)
	}
	ms := w.caseMessages(cs.ID)
	if len(ms) != 3 || ms[0].UserID != w.head.ID() || ms[0].PlatformID != "m1" || ms[0].At.IsZero() {
		t.Fatalf("messages = %+v", ms)
	}

	// The deal's history shows the case, the decision and the task.
	h, err := w.svc.FindHistory(w.ctx(), w.manager, w.deal.Number)
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for _, ch := range h.Changes {
		if ch.Entity == core.EntityDeal && (ch.Field == "case" || ch.Field == "decision") ||
			ch.Entity == core.EntityTask && ch.EntityID == task.ID && ch.Field == "title" {
			seen = append(seen, string(ch.Entity)+"."+ch.Field)
		}
	}
	if !slices.Equal(seen, []string{"deal.case", "deal.decision", "task.title"}) {
		t.Errorf("history of the deal has %v", seen)
	}

	// Closing: a resolution is required, and not everyone may close.
	_, err = w.svc.CloseCase(w.ctx(), w.officer, cs.ID, "  ")
	wantCode(t, err, core.EINVALID, "err.case.resolution_required")
	_, err = w.svc.CloseCase(w.ctx(), w.lawyer, cs.ID, "Подписываем с протоколом")
	wantCode(t, err, core.EFORBIDDEN, "err.case.close_forbidden")
	_, err = w.svc.CloseCase(w.ctx(), w.manager2, cs.ID, "Подписываем с протоколом")
	wantCode(t, err, core.ENOTFOUND, "err.case.not_found")
	closed, err := w.svc.CloseCase(w.ctx(), w.manager, cs.ID, "Подписываем с протоколом")
	if err != nil {
		t.Fatal(err)
	}
	if closed.Status != core.CaseClosed || closed.ClosedBy != w.manager.ID() || closed.Resolution != "Подписываем с протоколом" {
		t.Fatalf("closed case = %+v", closed)
	}
	ch := change(t, w.changes(core.EntityDeal, w.deal.ID), "case")
	if ch.Old != "#1 Спорный пункт договора" || ch.New != "Подписываем с протоколом" || ch.Reason != "case_closed" {
		t.Errorf("deal's change on closing = %+v", ch)
	}
	if st := change(t, w.changes(core.EntityCase, cs.ID), "status"); st.New != string(core.CaseClosed) {
		t.Errorf("case's status change = %+v", st)
	}
	told := withKey(w.messages(), "notify.case.closed")
	if len(told) != 1 || told[0].ThreadID != "77" || told[0].ChatID != teamChat {
		t.Fatalf("the thread told of the closing: %+v", told)
	}
	_, err = w.svc.CloseCase(w.ctx(), w.officer, cs.ID, "ещё раз")
	wantCode(t, err, core.ECONFLICT, "err.case.closed")

	// Closed, the thread is talk again.
	if res := w.say(w.lawyer, "77", "m4", "спасибо всем"); res != nil {
		t.Fatalf("collected after closing: %+v", res)
	}
	if n := len(w.caseMessages(cs.ID)); n != 3 {
		t.Errorf("%d messages after closing, want 3", n)
	}
}

// TestCaseKeptInTheChat: a chat that gets no thread keeps the case in
// itself, the first message going to the chat: when the platform has no
// threads, when it cannot open one (given up), or when it ran out of
// attempts. An attempt to be retried changes nothing.
func TestCaseKeptInTheChat(t *testing.T) {
	for _, tc := range []struct {
		name   string
		d      core.Delivery
		prior  int // failed attempts before this one
		inChat bool
	}{
		{"no threads", core.Delivery{}, 0, true},
		{"not a forum", core.Delivery{Err: errors.New("the chat is not a forum"), Permanent: true}, 0, true},
		{"attempts ran out", core.Delivery{Err: errors.New("timeout")}, core.OutboxMaxAttempts - 1, true},
		{"retried later", core.Delivery{Err: errors.New("timeout")}, 0, false},
		{"rate limited", core.Delivery{Err: errors.New("429"), RetryAfter: time.Second}, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newCaseWorld(t)
			cs := w.open(w.manager, "Скидка", nil)
			rec := w.threadRecord(cs.ID)
			rec.Attempts = tc.prior
			if err := w.svc.RecordDelivery(w.ctx(), rec, tc.d); err != nil {
				t.Fatal(err)
			}
			got := w.caseByID(cs.ID)
			first := withKey(w.messages(), "notify.case.opened")
			if !tc.inChat {
				if !got.Opening || len(first) != 0 {
					t.Fatalf("case = %+v, first messages %d; want it still opening", got, len(first))
				}
				return
			}
			if got.Opening || got.ThreadID != "" || got.Status != core.CaseOpen {
				t.Fatalf("case = %+v", got)
			}
			if len(first) != 1 || first[0].ThreadID != "" || first[0].ChatID != teamChat || first[0].Args["InChat"] != true {
				t.Fatalf("first message = %+v", first)
			}
			if at, err := w.svc.CaseAt(w.ctx(), w.lawyer, core.PlatformTelegram, teamChat, ""); err != nil || at.ID != cs.ID {
				t.Fatalf("case of the chat = %v, %v", at, err)
			}
			// A reply thread of the chat is the chat's too.
			if res := w.say(w.lawyer, "reply-5", "m1", "вопрос"); res == nil || res.Case.ID != cs.ID {
				t.Fatalf("message in a reply thread = %+v", res)
			}
			// Delivered again, the record changes nothing more.
			if err := w.svc.RecordDelivery(w.ctx(), w.threadRecord(cs.ID), core.Delivery{ThreadID: "9"}); err != nil {
				t.Fatal(err)
			}
			if again := w.caseByID(cs.ID); again.ThreadID != "" || len(withKey(w.messages(), "notify.case.opened")) != 1 {
				t.Fatalf("after a second delivery: %+v", again)
			}
		})
	}
}

// TestCaseOneInAChatWithoutThreads: a chat that keeps a case in itself
// takes no second one: refused when asked, and a second one whose thread
// was asked meanwhile is closed unopened, the chat told why.
func TestCaseOneInAChatWithoutThreads(t *testing.T) {
	w := newCaseWorld(t)
	a := w.open(w.manager, "Первый", nil)
	b := w.open(w.officer, "Второй", nil) // asked before the first one's thread failed
	w.deliver(a.ID, core.Delivery{})
	_, err := w.svc.OpenCase(w.ctx(), w.officer, core.CaseOpening{Ref: core.CaseRef{DealID: w.deal.ID}, Topic: "Третий",
		Platform: core.PlatformTelegram, ChatID: teamChat})
	wantCode(t, err, core.ECONFLICT, "err.case.chat_busy")

	w.deliver(b.ID, core.Delivery{})
	got := w.caseByID(b.ID)
	if got.Status != core.CaseClosed || got.Opening {
		t.Fatalf("second case = %+v, want it closed unopened", got)
	}
	told := withKey(w.messages(), "notify.case.not_opened")
	if len(told) != 1 || told[0].ChatID != teamChat || !slices.Equal(told[0].Mentions, []int64{w.officer.ID()}) {
		t.Fatalf("not opened told: %+v", told)
	}
	if ch := change(t, w.changes(core.EntityDeal, w.deal.ID), "case"); ch.Old != "#2 Второй" || ch.Reason != "case_not_opened" {
		t.Errorf("deal's change = %+v", ch)
	}
	if first := withKey(w.messages(), "notify.case.opened"); len(first) != 1 {
		t.Errorf("%d first messages, want the first case's only", len(first))
	}
	if at, err := w.svc.CaseAt(w.ctx(), w.lawyer, core.PlatformTelegram, teamChat, ""); err != nil || at.ID != a.ID {
		t.Fatalf("the chat's case = %v, %v", at, err)
	}
}

// TestCaseStrangerRecordedNowhere: a message of someone DealDesk does not
// know, or whose access is off, in a case's thread writes nothing at all.
func TestCaseStrangerRecordedNowhere(t *testing.T) {
	w := newCaseWorld(t)
	cs := w.open(w.officer, "Спорный пункт", nil)
	w.deliver(cs.ID, core.Delivery{ThreadID: "77"})
	count := func() (int, int, int) {
		var changes int
		w.view(func(tx core.Tx) error {
			for _, e := range []core.Entity{core.EntityCase, core.EntityDeal, core.EntityTask} {
				for id := int64(1); id <= 5; id++ {
					cs, err := tx.Changes(e, id)
					if err != nil {
						return err
					}
					changes += len(cs)
				}
			}
			return nil
		})
		return len(w.caseMessages(cs.ID)), changes, len(w.messages())
	}
	m0, c0, o0 := count()
	for _, a := range []core.Actor{{Source: "telegram:chat/-100500/msg/9"}, disabled(w.lawyer)} {
		res, err := w.svc.CollectCaseMessage(w.ctx(), a, core.CaseInput{Platform: core.PlatformTelegram, ChatID: teamChat,
			ThreadID: "77", PlatformID: "s1", Text: "#решение продать всё #задача мне 05.12 украсть",
			Files: []core.CaseFile{{Name: "x.txt", Data: []byte("secret")}}})
		if res != nil || err != nil {
			t.Fatalf("stranger's message: %+v, %v", res, err)
		}
		if _, err := w.svc.CaseAt(w.ctx(), a, core.PlatformTelegram, teamChat, "77"); !core.IsNotFound(err) {
			t.Errorf("a stranger finds the case: %v", err)
		}
	}
	if m, c, o := count(); m != m0 || c != c0 || o != o0 {
		t.Fatalf("after a stranger's message: %d messages, %d changes, %d outbox; want %d, %d, %d", m, c, o, m0, c0, o0)
	}
	if got := w.caseByID(cs.ID); got.Messages != 0 || len(got.Participants) != 2 {
		t.Fatalf("case = %+v", got)
	}
	var files int
	w.view(func(tx core.Tx) error {
		if _, err := tx.File(core.NewFileRef("x.txt", "", []byte("secret")).SHA256); err == nil {
			files++
		}
		return nil
	})
	if files != 0 {
		t.Error("a stranger's file was stored")
	}
}

// TestCaseBadTags: a tag that cannot be read, or a task that may not be
// made, is said why, and nothing is made of the message: it is collected
// as talk.
func TestCaseBadTags(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		by         func(w *caseWorld) core.Actor
		key, tag   string
	}{
		{"task with nothing", "#задача", nil, "err.case.task_empty", "task"},
		{"unknown person", "#задача @Никтоев 05.12 позвонить", nil, "err.case.person_unknown", "task"},
		{"two people", "#задача Максим 05.12 позвонить", nil, "err.case.person_ambiguous", "task"},
		{"no due date", "#задача @Менеджеров подготовить протокол", nil, "err.case.task_due", "task"},
		{"past due date", "#задача @Менеджеров 01.11.2026 подготовить", nil, "err.date.past", "task"},
		{"wrong date", "#задача @Менеджеров до 31.02 подготовить", nil, "err.date.format", "task"},
		{"wrong date first", "#задача @Менеджеров 31.02 подготовить", nil, "err.date.format", "task"},
		{"wrong date with a time", "#задача @Менеджеров 15.13.2026 12:00 подготовить", nil, "err.date.format", "task"},
		{"impossible time after a day", "#задача @мне завтра 25:00 дата", nil, "err.case.task_time", "task"},
		{"impossible time after a date", "#задача @Менеджеров 05.12 12:60 подготовить", nil, "err.case.task_time", "task"},
		{"impossible time after «в»", "#задача @Менеджеров до пятницы в 24:00 подготовить", nil, "err.case.task_time", "task"},
		{"impossible time alone", "#задача @Менеджеров 25:00 подготовить", nil, "err.case.task_time", "task"},
		{"impossible time at the end", "#задача @Менеджеров подготовить завтра 9:75", nil, "err.case.task_time", "task"},
		{"impossible time in English", "#task me tomorrow at 30:15 call", nil, "err.case.task_time", "task"},
		{"yesterday", "#задача @Менеджеров вчера подготовить", nil, "err.date.past", "task"},
		{"yesterday with a time", "#задача @Менеджеров до вчера 10:00 подготовить", nil, "err.date.past", "task"},
		{"yesterday in English", "#task me yesterday send it", nil, "err.date.past", "task"},
		{"nothing to do", "#задача @Менеджеров 05.12", nil, "err.case.task_title", "task"},
		{"two tasks", "#задача мне 05.12 раз\n#task me 06.12 два", nil, "err.case.task_one", "task"},
		{"may not assign", "#задача @Менеджеров 05.12 подготовить", func(w *caseWorld) core.Actor { return w.lawyer },
			"err.task.assign_forbidden", "task"},
		{"bad task spoils the decision", "#решение берём\n#задача @Никтоев 05.12 x", nil, "err.case.person_unknown", "task"},
		{"empty decision", "#решение", nil, "err.case.decision_empty", "decision"},
		{"empty decision in English", "  #Decision :  ", nil, "err.case.decision_empty", "decision"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newCaseWorld(t)
			w.user("Максим Другой", core.RoleManager, "telegram:30")
			cs := w.open(w.officer, "Спорный пункт", nil)
			w.deliver(cs.ID, core.Delivery{ThreadID: "77"})
			by := w.officer
			if tc.by != nil {
				by = tc.by(w)
			}
			before := len(w.changes(core.EntityDeal, w.deal.ID))
			res := w.say(by, "77", "m1", tc.text)
			if key, _ := core.ErrorKey(res.Problem); key != tc.key || res.ProblemTag != tc.tag {
				t.Fatalf("problem = %v (%s), tag %q; want %s, %s", res.Problem, key, res.ProblemTag, tc.key, tc.tag)
			}
			if res.Task != nil || res.Decision != "" || res.Message == nil || res.Message.Decision || res.Message.TaskID != 0 {
				t.Fatalf("made of a bad tag: %+v", res)
			}
			got := w.caseByID(cs.ID)
			if got.Messages != 1 || got.Decisions != 0 || len(got.Tasks) != 0 {
				t.Errorf("case = %+v", got)
			}
			if n := len(w.changes(core.EntityDeal, w.deal.ID)); n != before {
				t.Errorf("the deal got %d changes", n-before)
			}
			var tasks []*core.Task
			w.view(func(tx core.Tx) (err error) {
				tasks, err = tx.FindTasks(core.TaskFilter{DealID: w.deal.ID})
				return err
			})
			if len(tasks) != 0 {
				t.Errorf("tasks made: %+v", tasks)
			}
		})
	}
}

// TestCaseTaskForms: the ways a task is written in a case.
func TestCaseTaskForms(t *testing.T) {
	msk := core.Location("")
	for _, tc := range []struct {
		name, text, title string
		who               string // the assignee's name; "" when nobody is found
		due               time.Time
	}{
		{"mention and date", "#задача @Менеджеров 05.12 подготовить протокол", "подготовить протокол",
			"Максим Менеджеров", time.Date(2026, 12, 5, 18, 0, 0, 0, msk)},
		{"first name and a date with time", "#задача Ирина 05.12 12:00 позвонить юристу клиента", "позвонить юристу клиента",
			"Ирина Сопровождение", time.Date(2026, 12, 5, 12, 0, 0, 0, msk)},
		{"full name, deadline at the end", "#задача Максим Менеджеров согласовать скидку до 04.12.2026",
			"согласовать скидку", "Максим Менеджеров", time.Date(2026, 12, 4, 18, 0, 0, 0, msk)},
		{"myself, in English", "ok #task me tomorrow 10:00 send the draft", "send the draft",
			"Ирина Сопровождение", time.Date(2026, 11, 29, 10, 0, 0, 0, msk)},
		{"a mention written together", "#задача @ivan.petrov: 05.12 x", "x", "Ivan Petrov",
			time.Date(2026, 12, 5, 18, 0, 0, 0, msk)},
		{"ё as е, in any case", "#ЗАДАЧА федор 05.12 проверить", "проверить", "Фёдор Ёлкин",
			time.Date(2026, 12, 5, 18, 0, 0, 0, msk)},
		{"a mention of nobody", "#задача @irina.soprovozhdenie 05.12 x", "", "", time.Time{}},
		{"a name in English quotes", "#задача “Юристов” 05.12 проверить", "проверить", "Лев Юристов",
			time.Date(2026, 12, 5, 18, 0, 0, 0, msk)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newCaseWorld(t)
			w.user("Ivan Petrov", core.RoleLawyer, "telegram:31")
			w.user("Фёдор Ёлкин", core.RoleUnderwriter, "telegram:32")
			cs := w.open(w.officer, "Спорный пункт", nil)
			w.deliver(cs.ID, core.Delivery{ThreadID: "77"})
			res := w.say(w.officer, "77", "m1", tc.text)
			if tc.who == "" {
				if key, _ := core.ErrorKey(res.Problem); key != "err.case.person_unknown" {
					t.Fatalf("a mention of nobody: %+v", res)
				}
				return
			}
			if res.Problem != nil || res.Task == nil {
				t.Fatalf("task not made: %v", res.Problem)
			}
			var who *core.User
			w.view(func(tx core.Tx) (err error) {
				who, err = tx.UserByID(res.Task.AssigneeID)
				return err
			})
			if got := res.Task; who.Name != tc.who || got.Title != tc.title || !got.Due.Equal(tc.due) {
				t.Fatalf("task = %q for %s due %v; want %q for %s due %v", got.Title, who.Name, got.Due,
					tc.title, tc.who, tc.due)
			}
		})
	}
}

// TestOpenCaseRules: where a case opens and what it refuses.
func TestOpenCaseRules(t *testing.T) {
	w := newCaseWorld(t)
	ref := core.CaseRef{DealID: w.deal.ID}
	open := func(a core.Actor, in core.CaseOpening) (*core.Case, error) {
		if in.Ref == (core.CaseRef{}) {
			in.Ref = ref
		}
		if in.Topic == "" {
			in.Topic = "Тема"
		}
		return w.svc.OpenCase(w.ctx(), a, in)
	}
	tg := func(chat string, private bool) core.CaseOpening {
		return core.CaseOpening{Platform: core.PlatformTelegram, ChatID: chat, Private: private}
	}
	// A work chat of any purpose keeps the case where it was asked; a
	// group that is not a work chat is refused, nothing opened.
	before := len(w.changes(core.EntityDeal, w.deal.ID))
	_, err := open(w.manager, tg("-42", false))
	wantCode(t, err, core.EINVALID, "err.case.not_work_chat")
	if n := len(w.changes(core.EntityDeal, w.deal.ID)); n != before {
		t.Fatalf("the deal got %d changes from a refused case", n-before)
	}
	w.bind("-42", core.PurposeLawyers)
	if cs, err := open(w.manager, tg("-42", false)); err != nil || cs.ChatID != "-42" {
		t.Fatalf("in a work chat: %+v, %v", cs, err)
	}
	w.bind("-1", core.PurposeHeads) // the refusals below are of other things
	// The officers' chat when the team has none on the platform.
	o2 := newCaseWorld(t)
	if err := o2.svc.UnbindChat(o2.ctx(), o2.admin, core.PlatformTelegram, teamChat); err != nil {
		t.Fatal(err)
	}
	o2.bind("-7", core.PurposeOfficers)
	if cs, err := o2.svc.OpenCase(o2.ctx(), o2.manager, core.CaseOpening{Ref: core.CaseRef{DealID: o2.deal.ID},
		Topic: "Тема", Platform: core.PlatformTelegram, ChatID: "12", Private: true}); err != nil || cs.ChatID != "-7" {
		t.Fatalf("from a private chat, officers' chat: %+v, %v", cs, err)
	}
	// No work chat on the platform: said; the console keeps it in itself.
	_, err = open(w.manager, core.CaseOpening{Platform: core.PlatformMattermost, ChatID: "dm", Private: true})
	wantCode(t, err, core.EINVALID, "err.case.no_work_chat")
	if cs, err := open(w.manager, core.CaseOpening{Platform: core.PlatformConsole, ChatID: "console", Private: true}); err != nil ||
		cs.ChatID != "console" {
		t.Fatalf("on the console: %+v, %v", cs, err)
	}

	for _, tc := range []struct {
		name string
		a    core.Actor
		in   core.CaseOpening
		code string
		key  string
	}{
		{"empty topic", w.manager, core.CaseOpening{Topic: "  ", Platform: core.PlatformTelegram, ChatID: "-1"}, core.EINVALID,
			"err.case.topic_required"},
		{"long topic", w.manager, core.CaseOpening{Topic: strings.Repeat("я", 91), Platform: core.PlatformTelegram, ChatID: "-1"},
			core.EINVALID, "err.case.topic_long"},
		{"someone else's deal", w.manager2, tg("-1", false), core.ENOTFOUND, "err.deal.not_found"},
		{"a role not asked so", w.manager, core.CaseOpening{Platform: core.PlatformTelegram, ChatID: "-1",
			Roles: []core.Role{core.RoleManager}}, core.EINVALID, "err.case.role"},
		{"nobody by the name", w.manager, core.CaseOpening{Platform: core.PlatformTelegram, ChatID: "-1",
			Names: []string{"Никтоев"}}, core.EINVALID, "err.case.person_unknown"},
		{"a stranger", core.Actor{}, tg("-1", false), core.EFORBIDDEN, "err.forbidden"},
		{"no subject", w.manager, core.CaseOpening{Ref: core.CaseRef{ClientID: -1}, Platform: core.PlatformTelegram, ChatID: "-1"},
			core.ENOTFOUND, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.in.Topic == "" {
				tc.in.Topic = "Тема"
			}
			if tc.in.Ref == (core.CaseRef{}) {
				tc.in.Ref = ref
			}
			_, err := w.svc.OpenCase(w.ctx(), tc.a, tc.in)
			wantCode(t, err, tc.code, tc.key)
		})
	}
}

// TestCasesOf: a deal lists its cases; a card its own and those of the
// deals the user may see, open ones first.
func TestCasesOf(t *testing.T) {
	w := newCaseWorld(t)
	w.bind("-5", core.PurposeOfficers)
	w.bind("-6", core.PurposeLawyers)
	onDeal := w.open(w.officer, "О сделке", nil)
	other := w.office.deal(w.manager2, w.client.ID, "Чужая сделка", w.manager2)
	onOther, err := w.svc.OpenCase(w.ctx(), w.manager2, core.CaseOpening{Ref: core.CaseRef{DealID: other.ID}, Topic: "О чужой",
		Platform: core.PlatformTelegram, ChatID: "-5"})
	if err != nil {
		t.Fatal(err)
	}
	onCard, err := w.svc.OpenCase(w.ctx(), w.manager, core.CaseOpening{Ref: core.CaseRef{ClientID: w.client.ID},
		Topic: "О клиенте", Platform: core.PlatformTelegram, ChatID: "-6"})
	if err != nil {
		t.Fatal(err)
	}
	w.clock.Add(time.Minute)
	if _, err := w.svc.CloseCase(w.ctx(), w.officer, onDeal.ID, "решено"); err != nil {
		t.Fatal(err)
	}
	ids := func(a core.Actor, ref core.CaseRef) []int64 {
		t.Helper()
		cs, err := w.svc.CasesOf(w.ctx(), a, ref)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	if got := ids(w.officer, core.CaseRef{ClientID: w.client.ID}); !slices.Equal(got, []int64{onCard.ID, onOther.ID, onDeal.ID}) {
		t.Errorf("officer sees the card's cases %v", got)
	}
	if got := ids(w.manager, core.CaseRef{ClientID: w.client.ID}); !slices.Equal(got, []int64{onCard.ID, onDeal.ID}) {
		t.Errorf("manager sees the card's cases %v", got)
	}
	if got := ids(w.manager, core.CaseRef{DealID: w.deal.ID}); !slices.Equal(got, []int64{onDeal.ID}) {
		t.Errorf("the deal's cases %v", got)
	}
	if _, err := w.svc.CasesOf(w.ctx(), w.manager, core.CaseRef{DealID: other.ID}); !core.IsNotFound(err) {
		t.Errorf("someone else's deal's cases: %v", err)
	}
	// A case's card: its decisions and tasks, named.
	r, err := w.svc.CaseByID(w.ctx(), w.manager, onDeal.ID)
	if err != nil || r.Deal == nil || r.Deal.ID != w.deal.ID || r.Client == nil || r.Client.ID != w.client.ID || r.MayClose ||
		r.Names[w.officer.ID()] != w.officer.User.Name {
		t.Fatalf("case report = %+v, %v", r, err)
	}
	if _, err := w.svc.CaseByID(w.ctx(), w.manager, onOther.ID); !core.IsNotFound(err) {
		t.Errorf("the case of someone else's deal: %v", err)
	}
}

// TestCaseDecisionText: what a message's #решение records, and what is no
// decision tag at all.
func TestCaseDecisionText(t *testing.T) {
	for _, tc := range []struct{ text, decision string }{
		{"#решение принимаем редакцию клиента", "принимаем редакцию клиента"},
		{"Итак, #Решение — подписываем 5.12", "Итак, подписываем 5.12"},
		{"подписываем #decision", "подписываем"},
		{"#решение: берём\nвторой строкой — сроки", "берём\nвторой строкой — сроки"},
		{"#решение берём\n#задача мне 05.12 подписать", "берём"},
		{"#решения ещё нет", ""},
		{"см. тег abc#решение", ""},
		{"#решениеX", ""},
		{"просто разговор", ""},
	} {
		t.Run(tc.text, func(t *testing.T) {
			w := newCaseWorld(t)
			cs := w.open(w.officer, "Тема", nil)
			w.deliver(cs.ID, core.Delivery{ThreadID: "77"})
			res := w.say(w.officer, "77", "m1", tc.text)
			if res.Problem != nil || res.Decision != tc.decision || res.Message.Decision != (tc.decision != "") {
				t.Fatalf("decision = %q (problem %v), want %q", res.Decision, res.Problem, tc.decision)
			}
			if res.Message.Text != tc.text {
				t.Errorf("message text = %q, want it as written", res.Message.Text)
			}
			if tc.decision != "" && core.DecisionText(res.Message) != tc.decision {
				t.Errorf("DecisionText = %q", core.DecisionText(res.Message))
			}
		})
	}
}

// TestCaseOnlyWhoSeesTheDeal: in a case's thread, someone who may not see
// its deal records nothing: a plain message is not collected, #решение and
// #задача are refused with why, and nothing reaches the case, the deal,
// its manager or the tasks; they do not join, see or close the case, nor
// can they be asked to join it. Having taken part grants nothing either:
// the deal's manager, once the deal is given to someone else, neither sees
// the case nor writes in it any more.
func TestCaseOnlyWhoSeesTheDeal(t *testing.T) {
	w := newCaseWorld(t)
	_, err := w.svc.OpenCase(w.ctx(), w.officer, core.CaseOpening{Ref: core.CaseRef{DealID: w.deal.ID}, Topic: "Тема",
		Platform: core.PlatformTelegram, ChatID: "11", Private: true, Names: []string{"Продажина"}})
	wantCode(t, err, core.EINVALID, "err.case.person_no_access")

	cs := w.open(w.officer, "Спорный пункт", nil)
	w.deliver(cs.ID, core.Delivery{ThreadID: "77"})
	outbox, dealChanges := len(w.messages()), len(w.changes(core.EntityDeal, w.deal.ID))
	if res := w.say(w.manager2, "77", "x1", "а можно мне тоже скидку?"); res != nil {
		t.Fatalf("a plain message of someone who may not see the deal: %+v", res)
	}
	for _, tc := range []struct{ text, tag string }{
		{"#решение отдать скидку 50%", "decision"},
		{"#задача мне завтра 12:00 позвонить клиенту", "task"},
		{"ок #task @Юристов 05.12 проверить", "task"},
	} {
		res := w.say(w.manager2, "77", "x-"+tc.text, tc.text)
		if res == nil || res.Message != nil || res.ProblemTag != tc.tag || res.Decision != "" || res.Task != nil {
			t.Fatalf("%q = %+v", tc.text, res)
		}
		wantCode(t, res.Problem, core.EFORBIDDEN, "err.case.tag_forbidden")
	}
	got := w.caseByID(cs.ID)
	if got.Messages != 0 || got.Decisions != 0 || len(got.Tasks) != 0 || slices.Contains(got.Participants, w.manager2.ID()) {
		t.Fatalf("case = %+v", got)
	}
	if n := len(w.caseMessages(cs.ID)); n != 0 {
		t.Fatalf("%d messages collected", n)
	}
	if n := len(w.changes(core.EntityDeal, w.deal.ID)); n != dealChanges {
		t.Errorf("the deal got %d changes", n-dealChanges)
	}
	if n := len(w.messages()); n != outbox {
		t.Errorf("%d notifications written", n-outbox)
	}
	var tasks []*core.Task
	w.view(func(tx core.Tx) (err error) {
		tasks, err = tx.FindTasks(core.TaskFilter{DealID: w.deal.ID})
		return err
	})
	if len(tasks) != 0 {
		t.Errorf("tasks made: %+v", tasks)
	}
	_, err = w.svc.CaseByID(w.ctx(), w.manager2, cs.ID)
	wantCode(t, err, core.ENOTFOUND, "err.case.not_found")

	// The manager takes part, then the deal goes to manager2.
	if res := w.say(w.manager, "77", "m1", "я за"); res == nil || res.Message == nil {
		t.Fatalf("the manager's message: %+v", res)
	}
	w.update(func(tx core.Tx) error {
		d, err := tx.DealByID(w.deal.ID)
		if err != nil {
			return err
		}
		d.ManagerID = w.manager2.ID()
		return tx.UpdateDeal(d)
	})
	if !slices.Contains(w.caseByID(cs.ID).Participants, w.manager.ID()) {
		t.Fatal("the manager is not a participant")
	}
	_, err = w.svc.CaseByID(w.ctx(), w.manager, cs.ID)
	wantCode(t, err, core.ENOTFOUND, "err.case.not_found")
	if list, err := w.svc.CasesOf(w.ctx(), w.manager, core.CaseRef{ClientID: w.client.ID}); err != nil || len(list) != 0 {
		t.Errorf("the former manager lists the card's cases: %v, %v", list, err)
	}
	if res := w.say(w.manager, "77", "m2", "ещё мысль"); res != nil {
		t.Fatalf("the former manager's message collected: %+v", res)
	}
	if res := w.say(w.manager2, "77", "m3", "#решение скидка 5%"); res == nil || res.Decision != "скидка 5%" {
		t.Fatalf("the new manager's decision: %+v", res)
	}
}

// TestCaseMentionsTheOfficersWorkingIt: whoever opens a case, the
// officers working its deal or card take part and are mentioned with its
// manager: the assignees of its open tasks, its open requests and its
// documents in work, if they are active officers; nobody else when nobody
// works it.
func TestCaseMentionsTheOfficersWorkingIt(t *testing.T) {
	for _, tc := range []struct {
		name   string
		work   func(w *caseWorld, officer core.Actor) // what the officer works on
		onCard bool
		want   bool // the officer takes part
	}{
		{"nobody works it", func(*caseWorld, core.Actor) {}, false, false},
		{"an open task", func(w *caseWorld, o core.Actor) { w.task(o, core.TaskOpen, w.deal.ID, 0) }, false, true},
		{"a done task", func(w *caseWorld, o core.Actor) { w.task(o, core.TaskDone, w.deal.ID, 0) }, false, false},
		{"a lawyer's task", func(w *caseWorld, _ core.Actor) { w.task(w.lawyer, core.TaskOpen, w.deal.ID, 0) }, false, false},
		{"a request taken", func(w *caseWorld, o core.Actor) { w.request(o, core.RequestInWork) }, false, true},
		{"a request done", func(w *caseWorld, o core.Actor) { w.request(o, core.RequestDone) }, false, false},
		{"a document in work", func(w *caseWorld, o core.Actor) { w.document(o, core.DocDraft) }, false, true},
		{"a document cancelled", func(w *caseWorld, o core.Actor) { w.document(o, core.DocCancelled) }, false, false},
		{"the card's task", func(w *caseWorld, o core.Actor) { w.task(o, core.TaskOpen, 0, w.client.ID) }, true, true},
		{"a task of the card's deal", func(w *caseWorld, o core.Actor) { w.task(o, core.TaskOpen, w.deal.ID, 0) }, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newCaseWorld(t)
			officer := w.user("Олег Проверкин", core.RoleOfficer, "telegram:40")
			tc.work(w, officer)
			ref := core.CaseRef{DealID: w.deal.ID}
			if tc.onCard {
				ref = core.CaseRef{ClientID: w.client.ID}
			}
			cs, err := w.svc.OpenCase(w.ctx(), w.manager, core.CaseOpening{Ref: ref, Topic: "Тема",
				Platform: core.PlatformTelegram, ChatID: "12", Private: true})
			if err != nil {
				t.Fatal(err)
			}
			want := []int64{w.manager.ID()}
			if tc.want {
				want = append(want, officer.ID())
			}
			if !slices.Equal(cs.Participants, want) {
				t.Fatalf("participants = %v, want %v", cs.Participants, want)
			}
			w.deliver(cs.ID, core.Delivery{ThreadID: "5"})
			if first := withKey(w.messages(), "notify.case.opened"); len(first) != 1 || !slices.Equal(first[0].Mentions, want) {
				t.Fatalf("first message mentions %+v, want %v", first, want)
			}
		})
	}
}

// task gives a task about a deal (or a card) to a.
func (w *caseWorld) task(a core.Actor, st core.TaskStatus, dealID, clientID int64) {
	w.t.Helper()
	if clientID == 0 {
		clientID = w.client.ID
	}
	w.update(func(tx core.Tx) error {
		return tx.CreateTask(&core.Task{Title: "проверить", AssigneeID: a.ID(), DealID: dealID, ClientID: clientID,
			Status: st, CreatedBy: w.manager.ID()})
	})
}

// request makes a question about the deal, its officer a.
func (w *caseWorld) request(a core.Actor, st core.RequestStatus) {
	w.t.Helper()
	w.update(func(tx core.Tx) error {
		return tx.CreateRequest(&core.Request{Type: core.RequestQuestion, Status: st, RequesterID: w.manager.ID(),
			AssigneeID: a.ID(), ClientID: w.client.ID, DealID: w.deal.ID, Text: "вопрос"})
	})
}

// document makes a contract of the deal, its officer a.
func (w *caseWorld) document(a core.Actor, st core.DocStatus) {
	w.t.Helper()
	w.update(func(tx core.Tx) error {
		return tx.CreateDocument(&core.Document{Number: "ДГ-2026-0001", Kind: core.DocContract, DealID: w.deal.ID,
			ClientID: w.client.ID, Status: st, RequestedBy: w.manager.ID(), OfficerID: a.ID()})
	})
}

// TestCaseTalkOnly: a message collected as Talk (a
// dialog's answer said in the case's chat) is recorded as written, with
// its files, and its tags make nothing and are not refused; one of someone
// who may not see the deal is not collected, and nothing is said.
func TestCaseTalkOnly(t *testing.T) {
	w := newCaseWorld(t)
	cs := w.open(w.officer, "Спорный пункт", nil)
	w.deliver(cs.ID, core.Delivery{ThreadID: "77"})
	dealChanges := len(w.changes(core.EntityDeal, w.deal.ID))
	talk := func(a core.Actor, pid, text string) *core.Collected {
		t.Helper()
		res, err := w.svc.CollectCaseMessage(w.ctx(), a, core.CaseInput{Platform: core.PlatformTelegram,
			ChatID: teamChat, ThreadID: "77", PlatformID: pid, Text: text, Talk: true,
			Files: []core.CaseFile{{Name: "скан.pdf", Data: []byte("%PDF скан")}}})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	text := "причина: см. #решение выше и #задача @Менеджеров 05.12 позвонить"
	res := talk(w.officer, "t1", text)
	if res == nil || res.Message == nil || res.Problem != nil || res.Decision != "" || res.Task != nil ||
		res.Message.Text != text || res.Message.Decision || res.Message.TaskID != 0 || len(res.Message.Files) != 1 {
		t.Fatalf("talk = %+v", res)
	}
	if res := talk(w.officer, "t2", "#задача @Никтоев вчера"); res == nil || res.Problem != nil || res.Message == nil {
		t.Fatalf("a bad tag in talk = %+v", res)
	}
	if res := talk(w.manager2, "t3", "#решение отдать скидку"); res != nil {
		t.Fatalf("talk of someone who may not see the deal = %+v", res)
	}
	got := w.caseByID(cs.ID)
	if got.Messages != 2 || got.Decisions != 0 || len(got.Tasks) != 0 {
		t.Fatalf("case = %+v", got)
	}
	if n := len(w.changes(core.EntityDeal, w.deal.ID)); n != dealChanges {
		t.Errorf("the deal got %d changes", n-dealChanges)
	}
	// Without TalkOnly the same words act.
	if res := w.say(w.officer, "77", "t4", "#решение берём"); res.Decision != "берём" {
		t.Fatalf("a decision outside talk = %+v", res)
	}
}

// TestStartsWithCaseTag: which messages start with a case tag.
func TestStartsWithCaseTag(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"#решение сумму не меняем", true},
		{"  #Решение: берём", true},
		{"#decision go", true},
		{"#задача @мне завтра позвонить", true},
		{"#TASK me tomorrow call", true},
		{"#решение", true},
		{"ок #решение берём", false},
		{"#решения ещё нет", false},
		{"#12", false},
		{"#", false},
		{"", false},
		{"решение", false},
	} {
		if got := core.StartsWithCaseTag(tc.text); got != tc.want {
			t.Errorf("StartsWithCaseTag(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}
