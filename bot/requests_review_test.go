package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// fire fires the reminders due now and delivers what they and anything
// before them wrote.
func (ro *requestOffice) fire() map[string][]*bot.Message {
	ro.t.Helper()
	if _, err := ro.svc.FireDueReminders(context.Background(), ro.clock.Now()); err != nil {
		ro.t.Fatal(err)
	}
	return ro.deliver()
}

// TestARequestsRemindersNameTheRequestAndItsMoveIsTold: the reminders of
// a request's task named only the task («задача #2»), whose number is not
// the request's, and «Перенести» moved the request's deadline telling
// nobody. Now each reminder, the «Перенести» question and the escalation
// name the request, its type and requester; the move tells the requester
// and is in the request's thread with the new deadline and the reason.
func TestARequestsRemindersNameTheRequestAndItsMoveIsTold(t *testing.T) {
	ro := newRequestOffice(t)
	ctx := context.Background()
	head := ro.addUser("head", "Глеб", core.RoleHead)
	if _, err := ro.svc.UpdateUser(ctx, core.Actor{User: ro.admin}, ro.o.ID, core.UserUpdate{HeadID: &head.ID}, ""); err != nil {
		t.Fatal(err)
	}
	// A task of its own first: the request's task is #2, the request #1.
	if _, err := ro.svc.CreateTask(ctx, core.Actor{User: ro.m, Source: "test"}, &core.Task{Title: "Позвонить клиенту",
		AssigneeID: ro.m.ID, Due: time.Date(2026, 12, 20, 12, 0, 0, 0, msk)}); err != nil {
		t.Fatal(err)
	}
	ro.say("u", "/request вопрос 7707083893 Какой лимит?")
	ro.press("o", ro.deliver()["o"], "Взять")
	ro.deliver()

	ro.clock.Add(time.Date(2026, 11, 30, 17, 30, 0, 0, msk).Sub(ro.clock.Now())) // the question is due next morning
	reminder := told(t, ro.fire(), "o", "Срок ответа на обращение #1 (вопрос, автор — Ульяна)", "задача #2")
	msgs := ro.press("o", reminder, "Перенести")
	containsAll(t, msgs, "обращение #1 (вопрос, автор — Ульяна)", "(сейчас — 01.12.2026 09:00)")
	ro.say("o", "02.12.2026 12:00")
	ro.say("o", "Ждём выписку банка")
	told(t, ro.deliver(), "u", "Обращение #1 (вопрос, ПАО Сбербанк): срок ответа перенесён на 02.12.2026 12:00 (был 01.12.2026 09:00).",
		"Причина: Ждём выписку банка", "Кто перенёс: Ольга")
	containsAll(t, ro.say("u", "/request 1"), "Срок ответа: 02.12.2026 12:00",
		"⏰ Ольга: срок ответа перенесён на 02.12.2026 12:00 — Ждём выписку банка")

	ro.clock.Add(time.Date(2026, 12, 2, 12, 30, 0, 0, msk).Sub(ro.clock.Now()))
	told(t, ro.fire(), "o", "⚠️ Просрочено: обращение #1 (вопрос, автор — Ульяна) «ПАО Сбербанк 7707083893 — Какой лимит?», срок ответа был 02.12.2026 12:00; задача #2.")
	ro.clock.Add(24 * time.Hour)
	told(t, ro.fire(), "head", "🚨 Эскалация: просрочено у сотрудника Ольга — обращение #1 (вопрос, автор — Ульяна)", "задача #2")
}

// TestRemindersTextsNameARequestOnlyForARequestsTask: every text about a
// task's reminder names the request when its task is one (args Request,
// RequestType, Requester), in both languages, and reads as before for any
// other task.
func TestRemindersTextsNameARequestOnlyForARequestsTask(t *testing.T) {
	en := bundle.Printer("en", nil)
	target := time.Date(2026, 12, 2, 12, 0, 0, 0, msk)
	task := bot.Args{"ID": 3, "Kind": "overdue", "Task": 9, "TaskTitle": "ПАО Сбербанк 7707083893 — Какой лимит?",
		"Target": target, "By": "Ольга", "Assignee": "Ольга"}
	withRequest := func(a bot.Args) bot.Args {
		out := bot.Args{"Request": 4, "RequestType": "question", "Requester": "Ульяна"}
		for k, v := range a {
			out[k] = v
		}
		return out
	}
	many := func(item bot.Args) bot.Args {
		item["N"] = 1
		return bot.Args{"Count": 2, "Items": []map[string]any{item, {"N": 2, "Kind": "custom", "Text": "Позвонить",
			"Target": target}}}
	}
	for _, key := range []string{"notify.reminder.task_due", "notify.reminder.overdue", "notify.reminder.escalation",
		"notify.reminder.escalated", "notify.reminder.many", "msg.reminder.what"} {
		plain, req := bot.Args(task), withRequest(task)
		if key == "notify.reminder.many" {
			plain, req = many(bot.Args{"Kind": "overdue", "Task": 9, "TaskTitle": "Какой лимит?", "Target": target}),
				many(withRequest(bot.Args{"Kind": "overdue", "Task": 9, "TaskTitle": "Какой лимит?", "Target": target}))
		}
		for _, tc := range []struct {
			lang, want, requester string
			t                     func(string, bot.Args) string
		}{
			{"ru", "обращение #4 (вопрос, ", "Ульяна", func(k string, a bot.Args) string { return bundle.Printer("ru", nil).T(k, a) }},
			{"en", "request #4 (question, ", "Ульяна", en.T},
		} {
			got := tc.t(key, req)
			if !strings.Contains(strings.ToLower(got), tc.want) || !strings.Contains(got, tc.requester) ||
				!strings.Contains(got, "#9") {
				t.Errorf("%s %s does not name the request and its task: %s", tc.lang, key, got)
			}
			if got := tc.t(key, plain); strings.Contains(got, "#4") || strings.Contains(got, "Ульяна") {
				t.Errorf("%s %s names a request for a plain task: %s", tc.lang, key, got)
			}
		}
	}
}

// TestACorrectionAboutNothingIsRefusedAtOnceKeepingItsText: «/request
// корректировка - текст» took «-» as «about nothing», asked for the text
// (or took it) and then refused the correction, ending the dialog and
// losing what was typed. Now «-» is refused at once, the text kept, and
// what the correction is about asked.
func TestACorrectionAboutNothingIsRefusedAtOnceKeepingItsText(t *testing.T) {
	ro := newRequestOffice(t)
	msgs := ro.say("u", "/request корректировка - Неверный расчётный счёт, верный 40702810938000012345")
	containsAll(t, msgs, "«-» для корректировки не подходит", "Текст обращения сохранён: «Неверный расчётный счёт",
		"О ком или о чём обращение?")
	containsAll(t, ro.say("u", "7707083893"), "Обращение #1 (корректировка) передано в сопровождение")
	if r := ro.stored(1); r.ClientID != ro.client.ID || r.Text != "Неверный расчётный счёт, верный 40702810938000012345" {
		t.Fatalf("filed: %+v", r)
	}

	msgs = ro.say("u", "/request корректировка -")
	containsAll(t, msgs, "«-» для корректировки не подходит", "О ком или о чём обращение?")
	if strings.Contains(dump(msgs), "сохранён") {
		t.Fatalf("a text said kept when none was typed: %s", dump(msgs))
	}
	containsAll(t, ro.say("u", "7707083893"), "Опишите обращение")
	containsAll(t, ro.say("u", "Неверный КПП"), "Обращение #2 (корректировка) передано в сопровождение")

	// A question about nothing is still filed so.
	containsAll(t, ro.say("u", "/request вопрос - Можно ли без печати?"), "Обращение #3 (вопрос) передано в сопровождение")
}

// TestASecondPressOfTakeSaysWhoTookTheRequest: in the officers' work chat
// one «Взять» serves everyone. A second officer pressing it after the
// first heard only «Это уже сделано»; now they hear who has the request,
// and the officer who took it, pressing again, that it is theirs already,
// with nothing changed. The notice loses its buttons once it is taken.
func TestASecondPressOfTakeSaysWhoTookTheRequest(t *testing.T) {
	ro := newRequestOffice(t)
	ro.addUser("o2", "Олег", core.RoleOfficer)
	ro.sayInGroup("admin", "/bind officers")
	ro.say("u", "/request вопрос 7707083893 Какой лимит?")
	notice := ro.deliver()[group]
	containsAll(t, notice, "Новое обращение #1")

	cleared := len(ro.rec.cleared)
	containsAll(t, ro.pressInGroup("o", notice, "Взять"), "Вы взяли обращение #1 в работу.")
	if len(ro.rec.cleared) != cleared+1 {
		t.Fatal("the taken notice kept its buttons")
	}
	ro.deliver()
	changes := len(ro.changes(core.EntityRequest, 1))

	msgs := ro.pressInGroup("o2", notice, "Взять")
	containsAll(t, msgs, "Обращение #1 уже в работе: Ольга.")
	if strings.Contains(dump(msgs), ro.p.T("err.button.used", nil)) {
		t.Fatalf("the second officer heard only that it is done: %s", dump(msgs))
	}
	containsAll(t, ro.pressInGroup("o", notice, "Взять"), "Обращение #1 уже у вас: в работе.")
	if r := ro.stored(1); r.AssigneeID != ro.o.ID || len(ro.changes(core.EntityRequest, 1)) != changes {
		t.Fatalf("a refused take changed the request: %+v", r)
	}
	if got := ro.deliver(); len(got) != 0 {
		t.Fatalf("a refused take told someone: %v", got)
	}
}
