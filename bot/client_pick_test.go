package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// pickOffice has three cards: Сбербанк and two «Ромашки» of different INNs.
type pickOffice struct {
	*harness
	sber, romashka, romashka2 *core.Client
}

func newPickOffice(t *testing.T) *pickOffice {
	h := newHarness(t)
	h.addUser("m", "Максим", core.RoleManager)
	h.addUser("o", "Ольга", core.RoleOfficer)
	ctx, admin := context.Background(), core.Actor{User: h.admin}
	mk := func(inn, kpp, name string) *core.Client {
		c, err := h.svc.CreateClient(ctx, admin, &core.Client{INN: inn, KPP: kpp, ShortName: name})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	return &pickOffice{harness: h, sber: mk("7707083893", "773601001", "ПАО Сбербанк"),
		romashka: mk("7736207543", "770401001", "ООО «Ромашка»"), romashka2: mk("7728168971", "", "АО Ромашка-Юг")}
}

func (h *pickOffice) pick(cl *core.Client) string {
	return h.p.T("btn.client.pick", bot.Args{"Name": cl.Name(), "INN": cl.INN, "KPP": cl.KPP})
}

// TestClientsResultsOpenTheCard: /clients lists its results with a button
// each that opens the card (a view: the list keeps its buttons).
func TestClientsResultsOpenTheCard(t *testing.T) {
	h := newPickOffice(t)
	list := h.say("m", "/clients ромаш")
	wantButton(t, h.harness, list, h.pick(h.romashka), core.ActionClientShow, id(h.romashka.ID))
	wantButton(t, h.harness, list, h.pick(h.romashka2), core.ActionClientShow, id(h.romashka2.ID))
	card := h.press("m", list, h.pick(h.romashka2))
	if len(card) != 1 || !strings.HasPrefix(card[0].Text, "АО Ромашка-Юг (ЮЛ), карточка #") {
		t.Fatalf("the button did not open the card:%s", dump(card))
	}
	// The list's buttons still work.
	if card := h.press("m", list, h.pick(h.romashka)); !strings.HasPrefix(card[0].Text, "ООО «Ромашка» (ЮЛ)") {
		t.Fatalf("the second press:%s", dump(card))
	}
}

// TestClientByNameFragment: /client takes part of a name: no match says
// so, one match is its card, several are offered as buttons that open the
// card.
func TestClientByNameFragment(t *testing.T) {
	h := newPickOffice(t)
	h.want(h.say("m", "/client рога и копыта"), "err.client.no_match", bot.Args{"Query": "рога и копыта"})
	one := h.say("m", "/client сбер")
	if len(one) != 1 || !strings.HasPrefix(one[0].Text, "ПАО Сбербанк (ЮЛ), карточка #") {
		t.Fatalf("one match:%s", dump(one))
	}
	many := h.say("m", "/client ромашка")
	h.want(many, "msg.client.choose", bot.Args{"Count": 2, "Query": "ромашка", "More": 0})
	wantButton(t, h.harness, many, h.pick(h.romashka), core.ActionClientShow, id(h.romashka.ID))
	if card := h.press("m", many, h.pick(h.romashka)); !strings.HasPrefix(card[0].Text, "ООО «Ромашка» (ЮЛ)") {
		t.Fatalf("the pick did not open the card:%s", dump(card))
	}
	// An INN still shows its card; digits that are no INN say why.
	if got := h.say("m", "/client 7707083893"); !strings.HasPrefix(got[0].Text, "ПАО Сбербанк") {
		t.Fatalf("by INN:%s", dump(got))
	}
	h.want(h.say("m", "/client 77070838"), "err.inn.length", bot.Args{"INN": "77070838", "Count": 8})
}

// TestTaskAboutAClientByName: the deal step of a new task takes part of a
// client's name: one match ties the task to it, several are offered as
// buttons, none is said and the step asked again.
func TestTaskAboutAClientByName(t *testing.T) {
	h := newPickOffice(t)
	h.say("m", "/task new")
	h.say("m", "Позвонить")
	h.want(h.say("m", "-"), "flow.task.deal", nil)
	got := h.say("m", "рога и копыта")
	if len(got) != 2 || got[0].Text != h.p.T("err.client.no_match", bot.Args{"Query": "рога и копыта"}) {
		t.Fatalf("no match:%s", dump(got))
	}
	h.want(got, "flow.task.deal", nil)
	many := h.say("m", "ромашка")
	h.want(many, "flow.task.client_pick", bot.Args{"Query": "ромашка"})
	created := h.press("m", many, h.pick(h.romashka2))
	if !strings.Contains(dump(created), "Задача #1 «Позвонить» поставлена") {
		t.Fatalf("after the pick:%s", dump(created))
	}
	t1, err := h.svc.TaskByID(context.Background(), core.Actor{User: h.admin}, 1)
	if err != nil || t1.ClientID != h.romashka2.ID {
		t.Fatalf("task = %+v, %v; want client %d", t1, err, h.romashka2.ID)
	}
	h.say("m", "/task new")
	h.say("m", "Отправить КП")
	h.say("m", "-")
	h.say("m", "сбер")
	if t2, err := h.svc.TaskByID(context.Background(), core.Actor{User: h.admin}, 2); err != nil || t2.ClientID != h.sber.ID {
		t.Fatalf("task = %+v, %v; want client %d", t2, err, h.sber.ID)
	}
}

// TestIntakeAndMergeByName: /intake takes part of a name (one match is
// handed over at once, several are offered), and /merge by name asks which
// card stays and which is merged into it; /merge also takes INNs.
func TestIntakeAndMergeByName(t *testing.T) {
	h := newPickOffice(t)
	ctx := context.Background()
	if got := dump(h.say("m", "/intake сбер")); !strings.Contains(got, "Обращение #1 передано в сопровождение: ИНН 7707083893") {
		t.Fatalf("/intake сбер:%s", got)
	}
	in, err := h.svc.IntakeByID(ctx, core.Actor{User: h.admin}, 1)
	if err != nil || in.Given.INN != h.sber.INN || in.Given.KPP != h.sber.KPP {
		t.Fatalf("intake = %+v, %v", in, err)
	}
	many := h.say("m", "/intake ромашка")
	h.want(many, "flow.intake.pick", bot.Args{"Query": "ромашка"})
	if got := dump(h.press("m", many, h.pick(h.romashka))); !strings.Contains(got, "Обращение #2 передано") {
		t.Fatalf("after the pick:%s", got)
	}
	h.want(h.say("m", "/intake рога и копыта"), "err.client.no_match", bot.Args{"Query": "рога и копыта"})

	// /merge by name: which stays, which goes; different INNs are confirmed.
	h.want(h.say("o", "/merge сбер"), "err.merge.one", bot.Args{"Query": "сбер", "Name": h.sber.Name(), "ID": h.sber.ID})
	into := h.say("o", "/merge ромашка")
	h.want(into, "flow.merge.into", bot.Args{"Query": "ромашка"})
	from := h.press("o", into, h.pick(h.romashka))
	h.want(from, "flow.merge.from", bot.Args{"Card": core.QuoteName(h.romashka.Name()), "ID": h.romashka.ID})
	noButton(t, from, h.pick(h.romashka))
	confirm := h.press("o", from, h.pick(h.romashka2))
	if got := dump(confirm); !strings.Contains(got, "У карточек разные ИНН: #3") {
		t.Fatalf("merge confirmation:%s", got)
	}
	done := h.press("o", confirm, h.p.T("btn.merge.confirm", nil))
	if got := dump(done); !strings.Contains(got, "Дубль #3 объединён") || !strings.Contains(got, "ООО «Ромашка» (ЮЛ)") {
		t.Fatalf("merge:%s", got)
	}
	// By INN: the card of an INN; a merged card's INN names the card that stays.
	h.want(h.say("o", "/merge 7728168971 7707083893"), "err.client.merged",
		bot.Args{"ID": h.romashka2.ID, "Card": core.QuoteName(h.romashka2.Name()), "Into": h.romashka.ID,
			"IntoCard": core.QuoteName(h.romashka.Name()), "IntoINN": h.romashka.INN})
	if got := dump(h.say("o", "/merge 7736207543 7707083893 дубль")); !strings.Contains(got, "У карточек разные ИНН: #1") {
		t.Fatalf("/merge by INN:%s", got)
	}
	h.want(h.say("o", "/merge 2 x"), "msg.merge.usage", nil)
}
