package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// TestOneMessageTaskPlainDate (review of issue 8): a date alone at the end
// of the title, or before the deal number, the INN or a client's name, is
// the deadline; after «от» it stays in the title (and the deadline is
// asked).
func TestOneMessageTaskPlainDate(t *testing.T) {
	h := newTaskOffice(t)
	romashka, err := h.svc.CreateClient(context.Background(), core.Actor{User: h.admin},
		&core.Client{INN: "7736207543", KPP: "770401001", ShortName: "ООО «Ромашка»"})
	if err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct {
		text, title    string
		deal, clientID int64
	}{
		{"/task new Подписать договор 15.12.2026 D-2026-0001", "Подписать договор", h.deal.ID, h.client.ID},
		{"/task new Отправить КП 15.12 ромашка", "Отправить КП", 0, romashka.ID},
		{"/task new Отправить КП 15.12 ООО Ромашка", "Отправить КП", 0, romashka.ID},
		{"/task new Отправить счёт 15.12 7707083893", "Отправить счёт", 0, h.client.ID},
	} {
		h.want(h.say("m", tc.text), "msg.task.created_default_time", bot.Args{"ID": i + 1, "Title": tc.title,
			"Due": taskAt(12, 15, 18, 0)})
		if task := h.task(int64(i + 1)); task.DealID != tc.deal || task.ClientID != tc.clientID {
			t.Errorf("%s: deal %d, client %d; want %d, %d", tc.text, task.DealID, task.ClientID, tc.deal, tc.clientID)
		}
	}

	// Without a deal or client, the deal step is asked with the rest taken.
	msgs := h.say("m", "/task new Сверить акты 15.12.2026")
	if d := dump(msgs); !strings.Contains(d, "• задача: Сверить акты\n• срок: 15.12.2026 18:00") {
		t.Errorf("title and deadline not taken:%s", d)
	}
	h.want(msgs, "flow.task.deal", nil)
	h.say("m", "/cancel")

	// «от» keeps the date in the title; words after a date that find no
	// card stay in the title too. The deadline is asked.
	for _, tc := range []struct{ text, title string }{
		{"/task new Проверить платёж от 01.12.2026", "Проверить платёж от 01.12.2026"},
		{"/task new Позвонить 15.12 насчёт оплаты", "Позвонить 15.12 насчёт оплаты"},
	} {
		msgs := h.say("m", tc.text)
		if d := dump(msgs); !strings.Contains(d, "• задача: "+tc.title) {
			t.Errorf("%s: title not %q:%s", tc.text, tc.title, d)
		}
		h.want(msgs, "flow.task.due", nil)
		h.say("m", "/cancel")
	}
}

// TestTaskAloneIsNotAskedWhom (review of issue 8): a user who is the only
// one a task can go to is not asked «Кому поставить задачу?» with «Мне»
// alone: the task is theirs, and the reply says why; once a colleague is
// there, the question comes back.
func TestTaskAloneIsNotAskedWhom(t *testing.T) {
	h := newHarness(t)
	h.say("admin", "/task new")
	h.say("admin", "Позвонить клиенту")
	h.say("admin", "-")
	h.want(h.say("admin", "-"), "msg.task.created", bot.Args{"ID": 1, "Title": "Позвонить клиенту", "Alone": true})
	if got := h.p.T("msg.task.created", bot.Args{"ID": 1, "Title": "Позвонить клиенту", "Alone": true}); !strings.Contains(got,
		"поставлена вам") || !strings.Contains(got, "Других исполнителей в DealDesk пока нет") {
		t.Fatalf("the reply does not say why: %s", got)
	}
	h.want(h.say("admin", "/task new Сверить акты завтра 12:00"), "flow.task.deal", nil)
	h.want(h.say("admin", "-"), "msg.task.created",
		bot.Args{"ID": 2, "Title": "Сверить акты", "Due": taskAt(11, 29, 12, 0), "Alone": true})

	h.addUser("o", "Ольга", core.RoleOfficer)
	h.say("admin", "/task new")
	h.say("admin", "Позвонить ещё раз")
	h.say("admin", "-")
	msgs := h.say("admin", "-")
	h.want(msgs, "flow.task.assignee", nil)
	h.want(h.press("admin", msgs, "Ольга ("+h.p.T("role.officer", nil)+")"), "msg.task.created",
		bot.Args{"ID": 3, "Title": "Позвонить ещё раз"})
	if tasks, err := h.svc.MyTasks(context.Background(), core.Actor{User: h.admin}); err != nil || len(tasks) != 2 {
		t.Fatalf("the admin's tasks: %d, %v", len(tasks), err)
	}
}
