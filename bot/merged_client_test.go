package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// TestMergedCardTakesNoNewDeal: a card merged into another offers no
// «Новая сделка», `/deal new` on its INN is refused at the client step
// naming the card it was merged into, a «Новая сделка» shown before the
// merge ends the dialog at once, and /clients marks the merged card.
func TestMergedCardTakesNoNewDeal(t *testing.T) {
	h := newHarness(t)
	ctx, admin := context.Background(), core.Actor{User: h.admin}
	survivor, err := h.svc.CreateClient(ctx, admin, &core.Client{INN: "7707083893", ShortName: "ПАО Сбербанк"})
	if err != nil {
		t.Fatal(err)
	}
	dup, err := h.svc.CreateClient(ctx, admin, &core.Client{INN: "7736207543", ShortName: "Сбер дубль"})
	if err != nil {
		t.Fatal(err)
	}
	before := h.say("admin", "/client 7736207543")
	if _, err := h.svc.MergeClients(ctx, admin, survivor.ID, dup.ID, "дубль"); err != nil {
		t.Fatal(err)
	}
	newDeal := h.p.T("btn.deal.new", nil)
	if card := dump(h.say("admin", "/client 7736207543")); strings.Contains(card, "["+newDeal+"]") {
		t.Errorf("a merged card offers «%s»:%s", newDeal, card)
	}
	if card := dump(h.say("admin", "/client 7707083893")); !strings.Contains(card, "["+newDeal+"]") {
		t.Errorf("the card that stays lost «%s»:%s", newDeal, card)
	}

	merged := bot.Args{"Name": dup.Name(), "ID": dup.ID, "Into": survivor.ID, "IntoName": survivor.Name(),
		"IntoINN": survivor.INN}
	h.want(h.say("admin", "/deal new"), "flow.deal.client", nil)
	got := h.say("admin", "7736207543")
	if len(got) != 2 || got[0].Text != h.p.T("err.deal.client_merged", merged) {
		t.Fatalf("the merged card's INN was not refused at once:%s", dump(got))
	}
	h.want(got, "flow.deal.client", nil) // asked again
	h.want(h.say("admin", "7707083893"), "flow.deal.title", nil)
	h.say("admin", "/cancel")

	got = h.press("admin", before, newDeal)
	h.want(got, "err.deal.client_merged", merged)
	h.want(h.say("admin", "Поставка"), "msg.unknown_text", nil) // the dialog ended

	list := h.say("admin", "/clients Сбер")[0].Text
	line := h.p.T("msg.clients.line_merged", bot.Args{"INN": dup.INN, "Name": dup.Name(), "Into": survivor.ID,
		"IntoName": survivor.Name()})
	if !strings.Contains(list, line) {
		t.Errorf("/clients does not mark the merged card as %q:\n%s", line, list)
	}
	if plain := h.p.T("msg.clients.line", bot.Args{"INN": survivor.INN, "Name": survivor.Name()}); !strings.Contains(list, plain) {
		t.Errorf("/clients lacks %q:\n%s", plain, list)
	}
}
