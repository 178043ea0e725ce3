package bot_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// allPages shows a history from its latest page back to its first.
func allPages(t *testing.T, h *harness, user, ref string) string {
	t.Helper()
	msgs := h.say(user, "/history "+ref)
	text := dump(msgs)
	for i := 0; hasButton(msgs, "Ранее"); i++ {
		if i == 20 {
			t.Fatalf("more than 20 pages:%s", text)
		}
		msgs = h.press(user, msgs, "Ранее")
		text += dump(msgs)
	}
	return text
}

// bareID finds a value or a record shown by a number where a name or a
// deal number belongs: after an arrow, a field's colon, or a field name.
var bareID = regexp.MustCompile(`(?:→|:|менеджер|исполнитель|клиент|сделка|карточк[аойи]|дубль|manager|assignee|client|deal|card|in) #?\d{1,3}(?:[ ;\n)]|$)`)

// TestHistoryNamesInsteadOfIDs: every field that holds an id (a card's or
// deal's manager, a task's assignee, deal and card, the card a duplicate
// was merged into and the duplicate merged in) and every entry's author
// are shown by name, deal number or card name with INN, in both languages.
func TestHistoryNamesInsteadOfIDs(t *testing.T) {
	h, survivor, dup, deal := mergeCards(t)
	m2 := h.addUser("m2", "Марина", core.RoleManager)
	o, m := h.user("test:o"), h.user("test:m")
	ctx, admin := context.Background(), core.Actor{User: h.admin}
	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		h.clock.Add(time.Minute)
	}
	_, err := h.svc.CreateTask(ctx, admin, &core.Task{Title: "Проверить залог", DealID: deal.ID, AssigneeID: o.ID})
	step("deal task", err)
	_, err = h.svc.CreateTask(ctx, admin, &core.Task{Title: "Запросить устав", ClientID: dup.ID, AssigneeID: m.ID})
	step("client task", err)
	_, err = h.svc.UpdateDeal(ctx, admin, deal.ID, "отпуск", func(d *core.Deal) error { d.ManagerID = m2.ID; return nil })
	step("deal manager", err)
	_, err = h.svc.UpdateClient(ctx, admin, survivor.ID, "закреплён", func(c *core.Client) error {
		c.ManagerID = m.ID
		return nil
	})
	step("card manager", err)
	_, err = h.svc.MergeClients(ctx, core.Actor{User: o}, survivor.ID, dup.ID, "")
	step("merge", err)

	surv, dupl := "ПАО Сбербанк, 7707083893", "Сбер (дубль), 7736207543"
	for _, tc := range []struct {
		lang, inn string
		want      []string
	}{
		{"ru", survivor.INN, []string{
			"· Админ · клиент " + surv + " · менеджер: — → Максим (причина: закреплён)",
			"· Админ · сделка D-2026-0001 · создание: номер D-2026-0001; клиент " + dupl + "; менеджер Максим",
			"· Админ · сделка D-2026-0001 · менеджер: Максим → Марина (причина: отпуск)",
			"исполнитель Ольга; сделка D-2026-0001; клиент " + dupl,
			"исполнитель Максим; клиент " + dupl,
			"· Ольга · сделка D-2026-0001 · клиент: " + dupl + " → " + surv + " (причина: объединение дублей)",
			"· Ольга · задача #1 · клиент: " + dupl + " → " + surv,
			"присоединён дубль: " + dupl,
		}},
		{"ru", dup.INN, []string{"· Ольга · клиент " + dupl + " · объединён с карточкой " + surv}},
		{"en", survivor.INN, []string{
			"· Админ · client " + surv + " · manager: — → Максим (reason: закреплён)",
			"· Админ · deal D-2026-0001 · manager: Максим → Марина (reason: отпуск)",
			"· Ольга · task #1 · client: " + dupl + " → " + surv + " (reason: merge of duplicates)",
			"duplicate merged in: " + dupl,
		}},
		{"en", dup.INN, []string{"· Ольга · client " + dupl + " · merged into card " + surv}},
	} {
		h.say("o", "/lang "+tc.lang)
		got := allPages(t, h, "o", tc.inn)
		for _, want := range tc.want {
			if !strings.Contains(got, want) {
				t.Errorf("%s /history %s lacks %q:%s", tc.lang, tc.inn, want, got)
			}
		}
		if ids := bareID.FindAllString(got, -1); len(ids) > 0 {
			t.Errorf("%s /history %s shows ids %q:%s", tc.lang, tc.inn, ids, got)
		}
	}
}

// TestHistoryByNameFragment: /history takes part of a card's name; a
// fragment of one client shows its history at once, one of several offers
// the cards as buttons.
func TestHistoryByNameFragment(t *testing.T) {
	h := newHarness(t)
	ctx, admin := context.Background(), core.Actor{User: h.admin}
	for inn, name := range map[string]string{"7707083893": "ПАО Ромашка", "7736207543": "ООО Ромашка-Юг"} {
		if _, err := h.svc.CreateClient(ctx, admin, &core.Client{INN: inn, ShortName: name}); err != nil {
			t.Fatal(err)
		}
	}
	msgs := h.say("admin", "/history ромашка")
	h.want(msgs, "msg.history.pick", bot.Args{"Query": "ромашка"})
	text := dump(h.press("admin", msgs, "ООО Ромашка-Юг, 7736207543"))
	if !strings.Contains(text, "История: ООО Ромашка-Юг, 7736207543 — 1 запись") || strings.Contains(text, "ПАО Ромашка") {
		t.Fatalf("picked history:%s", text)
	}
	if text := dump(h.say("admin", "/history юг")); !strings.Contains(text, "История: ООО Ромашка-Юг, 7736207543") {
		t.Fatalf("one match:%s", text)
	}
	h.want(h.say("admin", "/history лютик"), "err.client.no_match", bot.Args{"Query": "лютик"})
}
