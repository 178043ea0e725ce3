package bot_test

import (
	"context"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// taskOffice has a manager, an officer, Sberbank's card and the manager's
// deal D-2026-0001. Its clock is Saturday 28.11.2026 12:00 in Moscow.
type taskOffice struct {
	*harness
	client *core.Client
	deal   *core.Deal
}

func newTaskOffice(t *testing.T) *taskOffice {
	h := newHarness(t)
	m := h.addUser("m", "Максим", core.RoleManager)
	h.addUser("o", "Ольга", core.RoleOfficer)
	ctx, admin := context.Background(), core.Actor{User: h.admin}
	c, err := h.svc.CreateClient(ctx, admin, &core.Client{INN: "7707083893", KPP: "773601001", ShortName: "ПАО Сбербанк"})
	if err != nil {
		t.Fatal(err)
	}
	d, err := h.svc.CreateDeal(ctx, admin, &core.Deal{ClientID: c.ID, Title: "Поставка", ManagerID: m.ID})
	if err != nil {
		t.Fatal(err)
	}
	h.bot.DeliverDue(ctx, "test") // the manager's notice of the deal
	h.rec.take()
	return &taskOffice{harness: h, client: c, deal: d}
}

func (h *taskOffice) task(id int64) *core.Task {
	h.t.Helper()
	t, err := h.svc.TaskByID(context.Background(), core.Actor{User: h.admin}, id)
	if err != nil {
		h.t.Fatal(err)
	}
	return t
}

var taskZone = core.Location("")

func taskAt(month time.Month, day, hour, min int) time.Time {
	return time.Date(2026, month, day, hour, min, 0, 0, taskZone)
}

// TestOneMessageTask: /task new with the title, the deadline in each of
// its forms and the deal number (or a client's INN), in Russian and in
// English, makes the task at once for a manager; a deadline typed without
// a time gets 18:00 and the reply says so.
func TestOneMessageTask(t *testing.T) {
	h := newTaskOffice(t)
	en := bundle.Printer("en", nil)
	tests := []struct {
		user, text, title string
		due               time.Time
		defaulted         bool
		client            bool // tied to the client by INN, not to the deal
	}{
		{"m", "/task new Позвонить клиенту до завтра 12:00 D-2026-0001", "Позвонить клиенту", taskAt(11, 29, 12, 0), false, false},
		{"m", "/task new Отправить КП до 15.12.2026 D-2026-0001", "Отправить КП", taskAt(12, 15, 18, 0), true, false},
		{"m", "/task new Подготовить договор до пятницы D-2026-0001", "Подготовить договор", taskAt(12, 4, 18, 0), true, false},
		{"m", "/task new Созвон сегодня 18:00 D-2026-0001", "Созвон", taskAt(11, 28, 18, 0), false, false},
		{"m", "/task new D-2026-0001 Встреча в пятницу в 11:30", "Встреча", taskAt(12, 4, 11, 30), false, false},
		{"m", "/task new до понедельника сверить акты d-2026-1", "сверить акты", taskAt(11, 30, 18, 0), true, false},
		{"m", "/task new Напомнить об оплате через 3 дня D-2026-0001", "Напомнить об оплате", taskAt(12, 1, 18, 0), true, false},
		{"m", "/task new Запросить выписку завтра 7707083893", "Запросить выписку", taskAt(11, 29, 18, 0), true, true},
		{"mEN", "/task new Call the client by tomorrow 12:00 D-2026-0001", "Call the client", taskAt(11, 29, 12, 0), false, false},
		{"mEN", "/task new Send the offer by 15.12.2026 D-2026-0001", "Send the offer", taskAt(12, 15, 18, 0), true, false},
		{"mEN", "/task new Prepare the contract by Friday D-2026-0001", "Prepare the contract", taskAt(12, 4, 18, 0), true, false},
		{"mEN", "/task new Call back today 18:00 D-2026-0001", "Call back", taskAt(11, 28, 18, 0), false, false},
		{"mEN", "/task new Meet on Monday at 9:30 D-2026-0001", "Meet", taskAt(11, 30, 9, 30), false, false},
		{"mEN", "/task new Check the invoice in 2 days 7707083893", "Check the invoice", taskAt(11, 30, 18, 0), true, true},
	}
	h.addUser("mEN", "Mark", core.RoleManager)
	h.say("mEN", "/lang en")
	for i, tt := range tests {
		if tt.user == "mEN" && tests[i-1].user != "mEN" {
			h.giveDeal(t, "mEN") // for the English manager to see the deal
		}
		got := h.say(tt.user, tt.text)
		id := int64(i + 1)
		key := "msg.task.created"
		if tt.defaulted {
			key = "msg.task.created_default_time"
		}
		args := bot.Args{"ID": id, "Title": tt.title, "Due": tt.due}
		p := h.p
		if tt.user == "mEN" {
			p = en
		}
		if len(got) != 1 || got[0].Text != p.T(key, args) {
			t.Errorf("%s: reply%s\nwant %s", tt.text, dump(got), p.T(key, args))
			continue
		}
		tk := h.task(id)
		if !tk.Due.Equal(tt.due) || tk.Title != tt.title || tk.ClientID != h.client.ID ||
			(tk.DealID == h.deal.ID) == tt.client {
			t.Errorf("%s: task %+v", tt.text, tk)
		}
	}
}

// giveDeal makes the deal the user's, so that they may see it.
func (h *taskOffice) giveDeal(t *testing.T, userID string) {
	t.Helper()
	u := h.user("test:" + userID)
	err := h.db.Update(context.Background(), func(tx core.Tx) error {
		d, err := tx.DealByID(h.deal.ID)
		if err != nil {
			return err
		}
		d.ManagerID = u.ID
		return tx.UpdateDeal(d)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestOneMessageTaskAsksOnlyWhatIsMissing: what the message lacks is
// asked, after saying what was taken; a part that is wrong (a past or
// impossible date, an unknown deal) is said and its step asked; an officer
// is asked whom to give the task to; plain /task new is the dialog.
func TestOneMessageTaskAsksOnlyWhatIsMissing(t *testing.T) {
	h := newTaskOffice(t)
	got := h.say("m", "/task new Позвонить клиенту")
	if len(got) != 2 || got[0].Text != h.p.T("msg.task.understood", bot.Args{"Title": "Позвонить клиенту"}) {
		t.Fatalf("title only:%s", dump(got))
	}
	h.want(got, "flow.task.due", nil)
	h.want(h.say("m", "до пятницы"), "flow.task.deal", nil) // the due step reads the sentence forms too
	h.want(h.say("m", "-"), "msg.task.created_default_time", bot.Args{"ID": 1, "Title": "Позвонить клиенту",
		"Due": taskAt(12, 4, 18, 0)})

	// A past date: said, and the due step asked; the rest is kept.
	got = h.say("m", "/task new Позвонить до 01.11.2026 D-2026-0001")
	now := h.clock.Now()
	if len(got) != 3 || got[0].Text != h.p.T("msg.task.understood", bot.Args{"Title": "Позвонить",
		"Deal": "D-2026-0001 «Поставка»"}) ||
		got[1].Text != h.p.T("err.date.past", bot.Args{"Date": taskAt(11, 1, 18, 0), "Now": now}) {
		t.Fatalf("past date:%s", dump(got))
	}
	h.want(got, "flow.task.due", nil)
	h.want(h.say("m", "завтра 10:00"), "msg.task.created", bot.Args{"ID": 2, "Title": "Позвонить", "Due": taskAt(11, 29, 10, 0)})
	if tk := h.task(2); tk.DealID != h.deal.ID {
		t.Fatalf("task 2 = %+v", tk)
	}

	got = h.say("m", "/task new Позвонить до 31.02 D-2026-0001")
	if len(got) != 3 || got[1].Text != h.p.T("err.date.format", bot.Args{"Text": "до 31.02"}) {
		t.Fatalf("impossible date:%s", dump(got))
	}
	h.say("m", "/cancel")

	got = h.say("m", "/task new Позвонить завтра D-2026-0099")
	if len(got) != 3 || got[1].Text != h.p.T("err.deal.not_found", bot.Args{"Number": "D-2026-0099"}) {
		t.Fatalf("unknown deal:%s", dump(got))
	}
	h.want(got, "flow.task.deal", nil)
	h.say("m", "/cancel")

	// An officer may give the task to someone: asked, after what was taken.
	got = h.say("o", "/task new Проверить доверенность до завтра 12:00 D-2026-0001")
	if len(got) != 2 || got[0].Text != h.p.T("msg.task.understood", bot.Args{"Title": "Проверить доверенность",
		"Due": taskAt(11, 29, 12, 0), "Deal": "D-2026-0001 «Поставка»"}) {
		t.Fatalf("officer:%s", dump(got))
	}
	h.want(got, "flow.task.assignee", nil)
	h.want(h.press("o", got, h.p.T("btn.task.me", nil)), "msg.task.created", bot.Args{"ID": 3,
		"Title": "Проверить доверенность", "Due": taskAt(11, 29, 12, 0)})

	// Plain /task new is the dialog, as before.
	h.want(h.say("m", "/task new"), "flow.task.title", nil)
	h.want(h.say("m", "Сверить акты"), "flow.task.due", nil)
}
