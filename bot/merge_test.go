package bot_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// mergeCards makes two cards under different INNs, the second with a deal,
// as the admin; an officer "o" and a manager "m" work with them.
func mergeCards(t *testing.T) (h *harness, survivor, dup *core.Client, deal *core.Deal) {
	t.Helper()
	h = newHarness(t)
	m := h.addUser("m", "Максим", core.RoleManager)
	h.addUser("o", "Ольга", core.RoleOfficer)
	ctx, admin := context.Background(), core.Actor{User: h.admin}
	var err error
	if survivor, err = h.svc.CreateClient(ctx, admin, &core.Client{INN: "7707083893", ShortName: "ПАО Сбербанк"}); err != nil {
		t.Fatal(err)
	}
	if dup, err = h.svc.CreateClient(ctx, admin, &core.Client{INN: "7736207543", ShortName: "Сбер (дубль)"}); err != nil {
		t.Fatal(err)
	}
	if deal, err = h.svc.CreateDeal(ctx, admin, &core.Deal{ClientID: dup.ID, Title: "Лизинг", ManagerID: m.ID}); err != nil {
		t.Fatal(err)
	}
	return h, survivor, dup, deal
}

func (h *harness) client(id int64) *core.Client {
	h.t.Helper()
	c, err := h.svc.ClientByID(context.Background(), core.Actor{User: h.admin}, id)
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}

// TestMergeConfirmationKeepsReasonAndCancels: /merge of cards under
// different INNs asks first, with «Да, объединить» and «Отмена». «Отмена»
// ends the question (its buttons go away) and merges nothing; the typed
// reason survives the confirmation and is what the history records.
func TestMergeConfirmationKeepsReasonAndCancels(t *testing.T) {
	h, survivor, dup, deal := mergeCards(t)
	cmd := "/merge " + strconv.FormatInt(survivor.ID, 10) + " " + strconv.FormatInt(dup.ID, 10) + " дубль по названию"

	ask := h.say("o", cmd)
	if !strings.Contains(dump(ask), "У карточек разные ИНН") {
		t.Fatalf("no confirmation:%s", dump(ask))
	}
	cancelled := h.press("o", ask, "Отмена")
	h.want(cancelled, "msg.merge.cancelled", nil)
	if len(h.rec.cleared) == 0 {
		t.Error("the question's buttons stay after «Отмена»")
	}
	if got := h.client(dup.ID); got.MergedInto != 0 {
		t.Fatalf("«Отмена» merged: %+v", got)
	}
	h.want(h.press("o", ask, "Отмена"), "err.button.used", nil)

	ask = h.say("o", cmd)
	done := h.press("o", ask, "Да, объединить")
	if !strings.Contains(dump(done), "объединён") {
		t.Fatalf("merge:%s", dump(done))
	}
	if got := h.client(dup.ID); got.MergedInto != survivor.ID {
		t.Fatalf("not merged: %+v", got)
	}
	for _, cs := range [][]*core.Change{h.changes(core.EntityClient, dup.ID), h.changes(core.EntityDeal, deal.ID)} {
		last := cs[len(cs)-1]
		if last.Reason != "дубль по названию" {
			t.Errorf("%s %d: %s recorded with reason %q", last.Entity, last.EntityID, last.Field, last.Reason)
		}
	}
}

// TestMergeHistoryNamesTheCards: after a merge the history of both cards
// speaks the user's language and names the cards by name and INN, not by
// internal ids.
func TestMergeHistoryNamesTheCards(t *testing.T) {
	h, survivor, dup, deal := mergeCards(t)
	if _, err := h.svc.MergeClients(context.Background(), core.Actor{User: h.admin}, survivor.ID, dup.ID, ""); err != nil {
		t.Fatal(err)
	}
	surv, dupl := "ПАО Сбербанк, 7707083893", "Сбер (дубль), 7736207543"
	for _, tc := range []struct {
		lang, inn string
		want      []string
	}{
		{"ru", survivor.INN, []string{"присоединён дубль: " + dupl, deal.Number + " · клиент: " + dupl + " → " + surv,
			"клиент " + dupl + "; менеджер", "(причина: объединение дублей)"}},
		{"ru", dup.INN, []string{"клиент " + dupl + " · объединён с карточкой " + surv}},
		{"en", survivor.INN, []string{"duplicate merged in: " + dupl, deal.Number + " · client: " + dupl + " → " + surv}},
		{"en", dup.INN, []string{"merged into card " + surv}},
	} {
		h.say("o", "/lang "+tc.lang)
		got := dump(h.say("o", "/history "+tc.inn))
		for _, want := range tc.want {
			if !strings.Contains(got, want) {
				t.Errorf("%s /history %s lacks %q:%s", tc.lang, tc.inn, want, got)
			}
		}
		for _, bad := range []string{"merged:", "объединена с", "0 → ", "→ " + strconv.FormatInt(survivor.ID, 10),
			"#" + strconv.FormatInt(dup.ID, 10)} {
			if strings.Contains(got, bad) {
				t.Errorf("%s /history %s shows %q:%s", tc.lang, tc.inn, bad, got)
			}
		}
	}
}
