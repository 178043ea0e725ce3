package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// wantConfirm checks that the reply is the new deal's confirmation with
// every one of the lines, in the language's printer.
func (h *harness) wantConfirm(lang string, msgs []*bot.Message, lines ...string) {
	h.t.Helper()
	p := bundle.Printer(lang, nil)
	if len(msgs) == 0 || !strings.HasPrefix(msgs[len(msgs)-1].Text, p.T("flow.deal.confirm", nil)) {
		h.t.Fatalf("not the confirmation:%s", dump(msgs))
	}
	for _, l := range lines {
		if !strings.Contains(msgs[len(msgs)-1].Text, l) {
			h.t.Fatalf("the confirmation lacks %q:%s", l, dump(msgs))
		}
	}
}

var msk = core.Location("")

// TestQuickDeal (issue 8): `/deal new <INN> <title> <amount> подписание
// <date>` is one message and «Создать»: nothing else is asked, a number in
// the title stays in the title, and the deal is stored as typed.
func TestQuickDeal(t *testing.T) {
	h := newHarness(t)
	createClient(t, h, "admin")
	msgs := h.say("admin", "/deal new 7707083893 Поставка 20 станков 1 500 000 подписание 15.12.2026")
	if len(msgs) != 1 {
		t.Fatalf("one message should answer with the confirmation alone:%s", dump(msgs))
	}
	h.wantConfirm("ru", msgs, h.p.T("card.deal.title", bot.Args{"Number": "…", "Title": "Поставка 20 станков"}),
		h.p.T("card.deal.amount", bot.Args{"Amount": int64(1_500_000_00)}),
		h.p.T("card.deal.signing_due_at", bot.Args{"Date": time.Date(2026, 12, 15, 18, 0, 0, 0, msk), "Default": true}),
		"ПАО Сбербанк")
	msgs = h.press("admin", msgs, "Создать")
	h.want(msgs[:1], "msg.deal.created", bot.Args{"Number": "D-2026-0001"})
	d, err := h.svc.FindDealByNumber(context.Background(), core.Actor{User: h.admin}, "D-2026-0001")
	if err != nil || d.Title != "Поставка 20 станков" || d.Amount != 1_500_000_00 ||
		!d.SigningDue.Equal(time.Date(2026, 12, 15, 18, 0, 0, 0, msk)) || !d.PaymentDue.IsZero() || d.ManagerID != h.admin.ID {
		t.Fatalf("deal = %+v, %v", d, err)
	}

	// Every date, with «до», a time and in any order; the title quoted
	// because it ends with a number.
	msgs = h.say("admin", `/deal new 7707083893 "Поставка 20" 500 000 оплата до 20.12.2026 12:00 окончание 31.12.2027 подписание 15.12`)
	h.wantConfirm("ru", msgs, "«Поставка 20»", h.p.T("card.deal.amount", bot.Args{"Amount": int64(500_000_00)}),
		h.p.T("card.deal.payment_due_at", bot.Args{"Date": time.Date(2026, 12, 20, 12, 0, 0, 0, msk)}),
		h.p.T("card.deal.contract_end_at", bot.Args{"Date": time.Date(2027, 12, 31, 18, 0, 0, 0, msk), "Default": true}),
		h.p.T("card.deal.signing_due_at", bot.Args{"Date": time.Date(2026, 12, 15, 18, 0, 0, 0, msk), "Default": true}))
	h.say("admin", "/cancel")
}

// TestQuickDealInEnglish: the same form with English keywords and amount.
func TestQuickDealInEnglish(t *testing.T) {
	h := newHarness(t)
	createClient(t, h, "admin")
	h.say("admin", "/lang en")
	en := bundle.Printer("en", nil)
	msgs := h.say("admin", "/deal new 7707083893 Equipment supply 1,500,000.50 signing by 15.12.2026 12:00")
	h.wantConfirm("en", msgs, en.T("card.deal.title", bot.Args{"Number": "…", "Title": "Equipment supply"}),
		en.T("card.deal.amount", bot.Args{"Amount": int64(1_500_000_50)}),
		en.T("card.deal.signing_due_at", bot.Args{"Date": time.Date(2026, 12, 15, 12, 0, 0, 0, msk)}))
	h.wantIn("en", h.press("admin", msgs, "Create")[:1], "msg.deal.created", bot.Args{"Number": "D-2026-0001"})

	// A wrong part is named in English and asked again.
	msgs = h.say("admin", "/deal new 7707083893 Equipment supply 0 end 01.11.2026")
	if d := dump(msgs); !strings.Contains(d, en.T("err.amount.zero", nil)) ||
		!strings.Contains(d, en.T("err.date.past", bot.Args{"Date": time.Date(2026, 11, 1, 18, 0, 0, 0, msk),
			"Now": h.clock.Now()})) {
		t.Fatalf("wrong parts not named:%s", d)
	}
	h.wantIn("en", msgs, "flow.deal.amount", nil)
	h.wantIn("en", h.say("admin", "1,000"), "flow.deal.contract_end", nil)
	h.wantConfirm("en", h.say("admin", "-"), "Equipment supply")

	h.wantIn("en", h.say("admin", "/deal"), "msg.deal.usage", nil)
}

// TestDealUsageExampleWorks: the example of the one-message form that
// /deal shows in each language is one message and «Создать».
func TestDealUsageExampleWorks(t *testing.T) {
	for _, lang := range []string{"ru", "en"} {
		h := newHarness(t)
		createClient(t, h, "admin")
		h.say("admin", "/lang "+lang)
		usage := h.say("admin", "/deal")[0].Text
		var example string
		for _, line := range strings.Split(usage, "\n") {
			if strings.HasPrefix(line, "/deal new 7707083893 ") {
				example = line
			}
		}
		if example == "" {
			t.Fatalf("%s: no example in the usage:\n%s", lang, usage)
		}
		p := bundle.Printer(lang, nil)
		msgs := h.say("admin", example)
		h.wantConfirm(lang, msgs, "ПАО Сбербанк", p.T("card.deal.amount", bot.Args{"Amount": int64(1_500_000_00)}),
			p.T("card.deal.signing_due_at", bot.Args{"Date": time.Date(2026, 12, 15, 18, 0, 0, 0, msk), "Default": true}))
		h.wantIn(lang, h.press("admin", msgs, p.T("btn.create", nil))[:1], "msg.deal.created", bot.Args{"Number": "D-2026-0001"})
	}
}

// TestQuickDealAsksOnlyWhatIsMissing: what the message lacks of the client,
// title and amount is asked, then the confirmation, without the dates; a
// wrong part is named and asked again; a contract ending before it is
// signed is refused as in the steps; a word after the dates that is none
// refuses the command.
func TestQuickDealAsksOnlyWhatIsMissing(t *testing.T) {
	h := newHarness(t)
	createClient(t, h, "admin")
	h.want(h.say("admin", "/deal new 7707083893 Поставка оборудования"), "flow.deal.amount", nil)
	h.wantConfirm("ru", h.say("admin", "100 000"), "Поставка оборудования")
	h.say("admin", "/cancel")

	h.want(h.say("admin", "/deal new 7707083893"), "flow.deal.title", nil)
	h.want(h.say("admin", "Кредитная линия"), "flow.deal.amount", nil)
	h.wantConfirm("ru", h.say("admin", "5 000 000"), "Кредитная линия")
	h.say("admin", "/cancel")

	msgs := h.say("admin", "/deal new 7707083893 Поставка -100 подписание 01.11.2026")
	if d := dump(msgs); !strings.Contains(d, h.p.T("err.amount.negative", nil)) ||
		!strings.Contains(d, h.p.T("err.date.past", bot.Args{"Date": time.Date(2026, 11, 1, 18, 0, 0, 0, msk),
			"Now": h.clock.Now()})) {
		t.Fatalf("wrong parts not named:%s", d)
	}
	h.want(msgs, "flow.deal.amount", nil)
	h.want(h.say("admin", "100"), "flow.deal.signing_due", nil)
	h.wantConfirm("ru", h.say("admin", "01.12.2026"), "Поставка")
	h.say("admin", "/cancel")

	msgs = h.say("admin", "/deal new 7707083893 Поставка 100 подписание 15.12.2026 окончание 01.12.2026")
	if d := dump(msgs); !strings.Contains(d, h.p.T("err.deal.contract_end_before_signing", bot.Args{
		"End": time.Date(2026, 12, 1, 18, 0, 0, 0, msk), "Signing": time.Date(2026, 12, 15, 18, 0, 0, 0, msk)})) {
		t.Fatalf("contract end before signing not named:%s", d)
	}
	h.want(msgs, "flow.deal.contract_end", nil)
	h.wantConfirm("ru", h.say("admin", "31.12.2027"), "31.12.2027")
	h.say("admin", "/cancel")

	h.want(h.say("admin", "/deal new 7707083893 Поставка 100 подписание 15.12.2026 срочно"), "err.deal.quick.extra",
		bot.Args{"Text": "срочно"})
	h.want(h.say("admin", "100"), "msg.unknown_text", nil) // no dialog was started
}

// TestDealClientByName (issue 8): where the deal asks for the client, a
// part of its name works: one card is taken, several are offered as
// buttons, none is said and asked again; a card merged into another is
// not offered, and alone it is refused, naming the card it went to.
func TestDealClientByName(t *testing.T) {
	h := newHarness(t)
	ctx, admin := context.Background(), core.Actor{User: h.admin}
	createClient(t, h, "admin")
	// The step-by-step dialog: one match is taken at once.
	h.want(h.say("admin", "/deal new"), "flow.deal.client", nil)
	h.want(h.say("admin", "сбер"), "flow.deal.title", nil)
	h.say("admin", "/cancel")
	// The one-message form: one match, straight to the confirmation.
	h.wantConfirm("ru", h.say("admin", "/deal new сбер Лизинг 100 000"), "ПАО Сбербанк", "Лизинг")
	h.say("admin", "/cancel")

	leasing, err := h.svc.CreateClient(ctx, admin, &core.Client{INN: "7736207543", ShortName: "Сбербанк Лизинг"})
	if err != nil {
		t.Fatal(err)
	}
	msgs := h.say("admin", "/deal new сбер Лизинг 100 000")
	h.want(msgs, "flow.deal.choose_client", bot.Args{"More": false, "Count": 2})
	label := h.p.T("btn.client.pick", bot.Args{"Name": "Сбербанк Лизинг", "INN": "7736207543"})
	h.wantConfirm("ru", h.press("admin", msgs, label), "Сбербанк Лизинг")
	h.say("admin", "/cancel")

	// No card matches: said, and the client is asked; the rest is kept.
	msgs = h.say("admin", "/deal new ромашка Аренда 50 000")
	if !strings.Contains(dump(msgs), h.p.T("err.client.no_match", bot.Args{"Query": "ромашка"})) {
		t.Fatalf("no match not said:%s", dump(msgs))
	}
	h.want(msgs, "flow.deal.client", nil)
	h.wantConfirm("ru", h.say("admin", "7736207543"), "Сбербанк Лизинг", "Аренда")
	h.say("admin", "/cancel")

	// Merged into the other card: not offered, and alone refused.
	sber, err := h.svc.FindClientsByINN(ctx, admin, "7707083893")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.MergeClients(ctx, admin, sber[0].ID, leasing.ID, "дубль"); err != nil {
		t.Fatal(err)
	}
	h.wantConfirm("ru", h.say("admin", "/deal new сбер Лизинг 100 000"), "ПАО Сбербанк")
	h.say("admin", "/cancel")
	h.say("admin", "/deal new")
	msgs = h.say("admin", "лизинг")
	if !strings.Contains(dump(msgs), h.p.T("err.deal.client_merged", bot.Args{"Name": "Сбербанк Лизинг", "ID": leasing.ID,
		"Into": sber[0].ID, "IntoName": "ПАО Сбербанк", "IntoINN": "7707083893"})) {
		t.Fatalf("a merged card is not refused:%s", dump(msgs))
	}
	h.want(msgs, "flow.deal.client", nil)
}

// TestOfficerNewDealFromCardAsksManager: an officer's «Новая сделка» on a
// card without a manager asks who leads the deal before its title (it
// used to skip that and fail at «Создать»).
func TestOfficerNewDealFromCardAsksManager(t *testing.T) {
	h := newHarness(t)
	createClient(t, h, "admin")
	h.addUser("o", "Ольга", core.RoleOfficer)
	h.addUser("m", "Максим", core.RoleManager)
	msgs := h.press("o", h.say("o", "/client 7707083893"), "Новая сделка")
	h.want(msgs, "flow.deal.manager", nil)
	h.want(h.press("o", msgs, "Максим ("+h.p.T("role.manager", nil)+")"), "flow.deal.title", nil)
}
