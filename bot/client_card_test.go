package bot_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// buttonOf returns what the button with the label stands for, as stored
// behind its token.
func buttonOf(t *testing.T, h *harness, msgs []*bot.Message, label string) *core.Button {
	t.Helper()
	tok := token(t, msgs, label)
	var b *core.Button
	err := h.db.View(context.Background(), func(tx core.Tx) (err error) {
		b, err = tx.Button(tok)
		return err
	})
	if err != nil {
		t.Fatalf("button %q: %v", label, err)
	}
	return b
}

// wantButton checks that the button with the label does action with
// payload.
func wantButton(t *testing.T, h *harness, msgs []*bot.Message, label, action, payload string) {
	t.Helper()
	if b := buttonOf(t, h, msgs, label); b.Action != action || b.Payload != payload {
		t.Errorf("button %q = %s %q; want %s %q", label, b.Action, b.Payload, action, payload)
	}
}

// noButton checks that no message has a button with the label.
func noButton(t *testing.T, msgs []*bot.Message, label string) {
	t.Helper()
	if strings.Contains(dump(msgs), "["+label+"]") {
		t.Errorf("a button %q is offered:%s", label, dump(msgs))
	}
}

// cardOffice is a card of Sberbank with a contact, seven deals (one closed,
// one of another manager), seven open tasks and an open request.
type cardOffice struct {
	*harness
	card  *core.Client
	deals []*core.Deal
	tasks []*core.Task
}

func newCardOffice(t *testing.T) *cardOffice {
	h := newHarness(t)
	ctx, admin := context.Background(), core.Actor{User: h.admin}
	m := h.addUser("m", "Максим", core.RoleManager)
	m2 := h.addUser("m2", "Марина", core.RoleManager)
	o := h.addUser("o", "Ольга", core.RoleOfficer)
	h.addUser("l", "Лев", core.RoleLawyer)
	card, err := h.svc.CreateClient(ctx, admin, &core.Client{INN: "7707083893", KPP: "773601001", ShortName: "ПАО Сбербанк",
		Contacts: []core.Contact{{Name: "Иван Петров", Position: "главный бухгалтер", Phone: "+79990000000",
			Email: "ivan@example.ru"}}})
	if err != nil {
		t.Fatal(err)
	}
	co := &cardOffice{harness: h, card: card}
	for i := range 7 {
		manager := m
		if i == 6 {
			manager = m2
		}
		d, err := h.svc.CreateDeal(ctx, admin, &core.Deal{ClientID: card.ID, Title: "Поставка " + strconv.Itoa(i+1),
			ManagerID: manager.ID, Amount: core.Money(100000 * (i + 1))})
		if err != nil {
			t.Fatal(err)
		}
		co.deals = append(co.deals, d)
	}
	// The first deal is closed (written straight, whatever the stage rules).
	err = h.db.Update(ctx, func(tx core.Tx) error {
		d, err := tx.DealByID(co.deals[0].ID)
		if err != nil {
			return err
		}
		d.Stage = core.StageClosedWon
		return tx.UpdateDeal(d)
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 7 {
		who := o
		if i == 6 {
			who = m
		}
		tk, err := h.svc.CreateTask(ctx, admin, &core.Task{Title: "Задача " + strconv.Itoa(i+1), ClientID: card.ID,
			AssigneeID: who.ID, Due: h.clock.Now().Add(time.Duration(i+1) * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		co.tasks = append(co.tasks, tk)
	}
	h.say("m", "/intake 7707083893")
	h.bot.DeliverDue(ctx, "test")
	h.rec.take()
	return co
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

// TestClientCardShowsDealsTasksRequests: an officer's card lists the
// contact, the open deals first (five, «и ещё»), open tasks with
// «Выполнено», the open request with its check button, and the card's
// buttons, each with its action; «Показать всё» lists every deal.
func TestClientCardShowsDealsTasksRequests(t *testing.T) {
	h := newCardOffice(t)
	msgs := h.say("o", "/client 7707083893")
	if len(msgs) != 1 {
		t.Fatalf("want one card:%s", dump(msgs))
	}
	text := msgs[0].Text
	p := h.p
	for _, want := range []string{
		p.T("card.client.contact", bot.Args{"Name": "Иван Петров", "Position": "главный бухгалтер", "Phone": "+79990000000",
			"Email": "ivan@example.ru"}),
		p.T("card.client.deals", bot.Args{"Count": 7, "Open": 6}),
		"D-2026-0007 «Поставка 7»", "D-2026-0003 «Поставка 3»",
		p.T("card.client.more_all", bot.Args{"Count": 2}),
		p.T("card.client.tasks", bot.Args{"Count": 7}),
		"#" + id(h.tasks[0].ID) + " Задача 1",
		p.T("card.client.intakes", bot.Args{"Count": 1}),
		p.T("card.client.intake", bot.Args{"ID": 1, "At": h.clock.Now()}),
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the card lacks %q:\n%s", want, text)
		}
	}
	// Open deals first: the closed D-2026-0001 is left for «Показать всё».
	if strings.Contains(text, "D-2026-0001") {
		t.Errorf("the closed deal is listed before open ones:\n%s", text)
	}
	wantButton(t, h.harness, msgs, p.T("btn.client.edit", nil), core.ActionClientEdit, id(h.card.ID))
	wantButton(t, h.harness, msgs, p.T("btn.deal.new", nil), core.ActionDealNew, id(h.card.ID))
	wantButton(t, h.harness, msgs, p.T("btn.deal.open", bot.Args{"Number": "D-2026-0007"}), core.ActionDealShow, id(h.deals[6].ID))
	wantButton(t, h.harness, msgs, p.T("btn.task.done", bot.Args{"ID": h.tasks[0].ID}), core.ActionTaskDone, id(h.tasks[0].ID))
	wantButton(t, h.harness, msgs, p.T("btn.intake.verify_n", bot.Args{"ID": 1}), core.ActionIntakeVerify, "1")
	wantButton(t, h.harness, msgs, p.T("btn.client.all", nil), core.ActionClientShow, id(h.card.ID)+"/all")

	// The buttons work: the deal opens, «Выполнено» asks for the result.
	if got := dump(h.press("o", msgs, p.T("btn.deal.open", bot.Args{"Number": "D-2026-0007"}))); !strings.Contains(got, "D-2026-0007") {
		t.Errorf("the deal did not open:%s", got)
	}
	h.want(h.press("o", msgs, p.T("btn.task.done", bot.Args{"ID": h.tasks[0].ID})), "flow.done.result",
		bot.Args{"ID": id(h.tasks[0].ID), "Title": "Задача 1"})
	h.say("o", "/cancel")

	all := h.press("o", msgs, p.T("btn.client.all", nil))
	at := all[len(all)-1].Text
	for _, d := range h.deals {
		if !strings.Contains(at, d.Number+" «"+d.Title+"»") {
			t.Errorf("«Показать всё» lacks %s:\n%s", d.Number, at)
		}
	}
	if !strings.Contains(at, "Задача 7") {
		t.Errorf("«Показать всё» lacks the seventh task:\n%s", at)
	}
	if strings.Index(at, "D-2026-0001") < strings.Index(at, "D-2026-0002") {
		t.Errorf("the closed deal comes before an open one:\n%s", at)
	}
}

// TestClientCardAsTheReaderMaySeeIt: a manager's card lists only their own
// deals and tasks and the request they sent, with no check button; a
// lawyer's card offers neither «Изменить» nor «Новая сделка».
func TestClientCardAsTheReaderMaySeeIt(t *testing.T) {
	h := newCardOffice(t)
	msgs := h.say("m", "/client 7707083893")
	text := msgs[0].Text
	if !strings.Contains(text, h.p.T("card.client.deals", bot.Args{"Count": 6, "Open": 5})) ||
		strings.Contains(text, "D-2026-0007") || !strings.Contains(text, h.p.T("card.client.tasks", bot.Args{"Count": 1})) ||
		!strings.Contains(text, "Задача 7") || !strings.Contains(text, h.p.T("card.client.intakes", bot.Args{"Count": 1})) {
		t.Errorf("the manager's card:\n%s", text)
	}
	noButton(t, msgs, h.p.T("btn.intake.verify_n", bot.Args{"ID": 1}))
	wantButton(t, h.harness, msgs, h.p.T("btn.task.done", bot.Args{"ID": h.tasks[6].ID}), core.ActionTaskDone, id(h.tasks[6].ID))
	wantButton(t, h.harness, msgs, h.p.T("btn.client.edit", nil), core.ActionClientEdit, id(h.card.ID))

	lawyer := h.say("l", "/client 7707083893")
	noButton(t, lawyer, h.p.T("btn.client.edit", nil))
	noButton(t, lawyer, h.p.T("btn.deal.new", nil))
	if !strings.Contains(lawyer[0].Text, h.p.T("card.client.deals", bot.Args{"Count": 7, "Open": 6})) {
		t.Errorf("the lawyer sees every deal:\n%s", lawyer[0].Text)
	}

	// A card with nothing going on says so.
	other, err := h.svc.CreateClient(context.Background(), core.Actor{User: h.admin},
		&core.Client{INN: "7736207543", ShortName: "Яндекс"})
	if err != nil {
		t.Fatal(err)
	}
	if got := h.say("m", "/client 7736207543"); !strings.Contains(got[0].Text, h.p.T("card.client.no_activity", nil)) {
		t.Errorf("card %d:%s", other.ID, dump(got))
	}
}
