package bot_test

import (
	"context"
	"testing"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// TestTakenOGRNIsRefusedAtItsStep: the new card dialog refuses an OGRN that
// a card of another INN has at the OGRN step and asks for it again.
func TestTakenOGRNIsRefusedAtItsStep(t *testing.T) {
	h := newHarness(t)
	if _, err := h.svc.CreateClient(context.Background(), core.Actor{User: h.admin},
		&core.Client{INN: "7707083893", OGRN: "1027700132195", ShortName: "ПАО Сбербанк"}); err != nil {
		t.Fatal(err)
	}
	h.press("admin", h.say("admin", "/client 7736207543"), h.p.T("btn.client.create", nil))
	h.want(h.say("admin", "Сбер дубль"), "flow.client.kpp", nil)
	h.want(h.say("admin", "-"), "flow.client.ogrn", nil)
	got := h.say("admin", "1027700132195")
	taken := h.p.T("err.client.ogrn_taken", bot.Args{"OGRN": "1027700132195", "Name": "ПАО Сбербанк"})
	if len(got) != 2 || got[0].Text != taken {
		t.Fatalf("a taken OGRN was not refused at its step:%s", dump(got))
	}
	h.want(got, "flow.client.ogrn", nil) // asked again
	h.want(h.say("admin", "-"), "flow.client.address", nil)
}
