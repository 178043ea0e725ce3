package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// A third account at the same bank, valid for its BIK.
const (
	fixThird     = "40702810538000054321"
	fixThirdLine = fixThird + " (ПАО Сбербанк, " + fixBIK + ", " + fixCorr + ")"
	fixTyped     = "БИК " + fixBIK + " р/с " + fixNew + " к/с " + fixCorr + " ПАО Сбербанк"
)

// setAccounts gives the card these accounts, unaudited, as a test's setup.
func (h *fixOffice) setAccounts(numbers ...string) {
	h.t.Helper()
	err := h.db.Update(context.Background(), func(tx core.Tx) error {
		cl, err := tx.ClientByID(h.card.ID)
		if err != nil {
			return err
		}
		cl.Accounts = nil
		for _, n := range numbers {
			cl.Accounts = append(cl.Accounts, core.BankAccount{BIK: fixBIK, BankName: "ПАО Сбербанк", CorrAccount: fixCorr, Account: n})
		}
		return tx.UpdateClient(cl)
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

// TestFixAccountTyped: an account typed for a correction replaces the
// card's only account (old → new, the right one first, where documents
// take it from), or, on a card with several, asks which one it replaces,
// with «➕ Добавить» for one more; adding is said in words («счёт
// добавить …») or by that button. What the officer sees before it is
// approved, what the approver is asked and the card's accounts after the
// approval all say the same.
func TestFixAccountTyped(t *testing.T) {
	for _, tc := range []struct {
		name string
		// accounts are the card's before; steps propose the correction,
		// the last reply saying it waits.
		accounts []string
		steps    func(t *testing.T, h *fixOffice) []*bot.Message
		line     string   // old → new as the officer and the approver see it
		after    []string // the card's accounts once approved
	}{
		{
			name:     "one line on a card with one account replaces it",
			accounts: []string{fixOld},
			steps: func(t *testing.T, h *fixOffice) []*bot.Message {
				return h.say("o", "/fix 7707083893 счёт "+fixTyped+" причина: письмо клиента")
			},
			line:  fixOldLine + " → " + fixNewLine,
			after: []string{fixNew},
		},
		{
			name:     "typed in the accounts step, one account: replaced",
			accounts: []string{fixOld},
			steps: func(t *testing.T, h *fixOffice) []*bot.Message {
				msgs := h.say("o", "/fix 7707083893 счёт")
				fixHas(t, "accounts", lastText(msgs), "1. "+fixOldLine, "единственный счёт карточки он заменит")
				fixHas(t, "reason question", lastText(h.say("o", fixBIK+" "+fixNew)), "Счёт: "+fixOldLine+" → ")
				return h.say("o", "письмо клиента")
			},
			line:  fixOldLine + " → " + fixNew + " (" + fixBIK + ")",
			after: []string{fixNew},
		},
		{
			name:     "a wrong account typed in one line is asked again as the replacement",
			accounts: []string{fixOld},
			steps: func(t *testing.T, h *fixOffice) []*bot.Message {
				msgs := h.say("o", "/fix 7707083893 счёт "+fixBIK+" 40702810938000000002 причина: письмо клиента")
				fixHas(t, "refusal", dump(msgs), "контрольная", "Счёт сейчас: "+fixOldLine)
				fixHas(t, "reason question", lastText(h.say("o", fixTyped)), "Счёт: "+fixOldLine+" → "+fixNewLine)
				return h.say("o", "письмо клиента")
			},
			line:  fixOldLine + " → " + fixNewLine,
			after: []string{fixNew},
		},
		{
			name:     "«счёт добавить» adds another",
			accounts: []string{fixOld},
			steps: func(t *testing.T, h *fixOffice) []*bot.Message {
				return h.say("o", "/fix 7707083893 счёт добавить "+fixTyped+" причина: второй счёт")
			},
			line:  fixNewLine,
			after: []string{fixOld, fixNew},
		},
		{
			name:     "«➕ Добавить» in the accounts step adds another",
			accounts: []string{fixOld},
			steps: func(t *testing.T, h *fixOffice) []*bot.Message {
				msgs := h.press("o", h.say("o", "/fix 7707083893 счёт"), "➕ Добавить")
				fixHas(t, "add question", lastText(msgs), "Какой счёт добавить в карточку «ПАО Сбербанк»")
				fixHas(t, "reason question", lastText(h.say("o", fixTyped)), "Новый счёт: "+fixNewLine)
				return h.say("o", "второй счёт")
			},
			line:  fixNewLine,
			after: []string{fixOld, fixNew},
		},
		{
			name:     "one line on a card with two accounts asks which; ✎ 2 replaces the second",
			accounts: []string{fixOld, fixThird},
			steps: func(t *testing.T, h *fixOffice) []*bot.Message {
				msgs := h.say("o", "/fix 7707083893 счёт "+fixTyped+" причина: письмо клиента")
				fixHas(t, "which question", lastText(msgs), "1. "+fixOldLine, "2. "+fixThirdLine, "Новый счёт: "+fixNewLine,
					"Какой из них он заменяет")
				if got := dealLabelsOf(msgs); strings.Join(got, " ") != "✎ 1 ✎ 2 ➕ Добавить Отмена" {
					t.Fatalf("which buttons = %q", got)
				}
				return h.press("o", msgs, "✎ 2") // the reason typed with it is kept
			},
			line:  fixThirdLine + " → " + fixNewLine,
			after: []string{fixOld, fixNew},
		},
		{
			name:     "two accounts: «➕ Добавить» adds a third",
			accounts: []string{fixOld, fixThird},
			steps: func(t *testing.T, h *fixOffice) []*bot.Message {
				return h.press("o", h.say("o", "/fix 7707083893 счёт "+fixTyped+" причина: третий счёт"), "➕ Добавить")
			},
			line:  fixNewLine,
			after: []string{fixOld, fixThird, fixNew},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newFixOffice(t)
			h.setAccounts(tc.accounts...)
			msgs := tc.steps(t, h)
			fixHas(t, "pending", lastText(msgs), "Корректировка #1 ждёт одобрения", tc.line)
			if got := h.accounts(); len(got) != len(tc.accounts) {
				t.Fatalf("accounts = %+v before the approval", got)
			}
			fixHas(t, "the head's request", h.deliver()["head"], tc.line)
			h.press("head", inChat(h.sent, "head"), "Одобрить")
			var got []string
			for _, a := range h.accounts() {
				got = append(got, a.Account)
			}
			if strings.Join(got, " ") != strings.Join(tc.after, " ") {
				t.Fatalf("accounts after the approval = %q, want %q", got, tc.after)
			}
		})
	}
}

// TestEditAccountAddsWithHint: /edit keeps adding an account typed (its
// items step removes one, and replacing bank details is a correction),
// but on a card that has one it says so: the new one is another account,
// documents take the first, and a replacement is /fix (or, for one who
// does not correct, a request).
func TestEditAccountAddsWithHint(t *testing.T) {
	h := newFixOffice(t)
	msgs := h.say("m", "/edit 7707083893 счёт "+fixTyped)
	fixHas(t, "manager's question", lastText(msgs), "Новый счёт: "+fixNewLine, "документы заполняются первым счётом",
		"/request корректировка 7707083893")
	fixHas(t, "manager's pending", lastText(h.say("m", "второй счёт")), "Ждёт одобрения", "документы заполняются первым счётом")
	msgs = h.say("o", "/edit 7707083893 счёт добавить "+fixBIK+" "+fixThird+" причина: третий счёт")
	fixHas(t, "officer's pending", lastText(msgs), "Новый счёт: "+fixThird, "/fix 7707083893 счёт")
	if got := h.pending(); len(got) != 2 || got[0].Edit.Op != core.EditAdd || got[1].Edit.Op != core.EditAdd {
		t.Fatalf("pending = %+v", got)
	}
	// A card without accounts gets its first one at once, with no hint.
	h.setAccounts()
	msgs = h.say("o", "/edit 7707083893 счёт "+fixTyped+" причина: из письма")
	if text := lastText(msgs); !strings.Contains(text, "Счёт добавлен") || strings.Contains(text, "первым счётом") {
		t.Fatalf("first account: %s", text)
	}
}

// TestFixQuotesInEnglish: corrections name their card or deal in the
// reader's quotes — “…” in English, «…» in Russian — in replies, the
// approvers' requests, the notices and /corrections, a label stored with
// «» before included; a name with quotes of its own is not quoted again.
func TestFixQuotesInEnglish(t *testing.T) {
	h := newFixOffice(t)
	ctx := context.Background()
	deal, err := h.svc.CreateDeal(ctx, core.Actor{User: h.m, Source: "test"}, &core.Deal{ClientID: h.card.ID,
		Title: "Кредит", Amount: 1_000_000_00})
	if err != nil {
		t.Fatal(err)
	}
	r, err := h.svc.CreateRequest(ctx, core.Actor{User: h.u}, core.NewRequest{Type: core.RequestCorrection,
		Ref: core.RequestRef{DealID: deal.ID}, Text: "amount should be 2 000 000"})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"o", "u", "head"} {
		h.say(u, "/lang en")
	}
	h.deliver()
	var english []string
	seen := func(msgs []*bot.Message) []*bot.Message {
		english = append(english, dump(msgs))
		return msgs
	}
	deliver := func() map[string]string {
		told := h.deliver()
		english = append(english, told["o"], told["u"], told["head"])
		return told
	}

	fixHas(t, "pending", lastText(seen(h.say("o", "/fix "+deal.Number+" amount 2 000 000 reason: client letter request #"+id(r.ID)))),
		"Correction #1 is waiting for approval (head or lawyer): "+deal.Number+" “Кредит”")
	told := deliver()
	fixHas(t, "the head's request", told["head"], "Correction #1 is waiting for your approval: "+deal.Number+" “Кредит”")
	fixHas(t, "the requester's notice", told["u"], "Correction #1 is waiting for approval: "+deal.Number+" “Кредит”")
	fixHas(t, "the manager's notice, in Russian", told["m"], "Корректировка #1 ждёт одобрения: "+deal.Number+" «Кредит»")
	fixHas(t, "card question", lastText(seen(h.say("o", "/fix 7707083893"))), "What to correct in card “ПАО Сбербанк, 7707083893”?")
	h.say("o", "/cancel")

	// A correction whose label was stored quoted, before labels were kept
	// unquoted, reads as a new one.
	e, err := h.svc.PlanCorrection(ctx, core.Actor{User: h.o}, core.EditRequest{Entity: core.EntityClient, ID: h.card.ID,
		Field: core.FieldKPP, Value: "773601002"})
	if err != nil {
		t.Fatal(err)
	}
	e.Label, e.Reason = "«ПАО Сбербанк, 7707083893»", "typo"
	if _, err := h.svc.Correct(ctx, core.Actor{User: h.o}, e); err != nil {
		t.Fatal(err)
	}
	told = deliver()
	fixHas(t, "the head's request of an old label", told["head"], "Correction #2 is waiting for your approval: “ПАО Сбербанк, 7707083893”")
	fixHas(t, "the manager's notice of an old label", told["m"], "Корректировка #2 ждёт одобрения: «ПАО Сбербанк, 7707083893»")
	if strings.Contains(told["m"], "««") {
		t.Fatalf("quoted twice:\n%s", told["m"])
	}
	fixHas(t, "/corrections", lastText(seen(h.say("head", "/corrections"))), deal.Number+" “Кредит”", "“ПАО Сбербанк, 7707083893”")

	// Closing the deal leaves its correction stale: the requester hears.
	if _, err := h.svc.MoveDeal(ctx, core.Actor{User: h.m, Source: "test"}, deal.ID, core.StageNew, core.StageClosedLost, "client left"); err != nil {
		t.Fatal(err)
	}
	fixHas(t, "the requester's stale notice", deliver()["u"], "Correction #1 is not applied: "+deal.Number+" “Кредит”: the deal was closed")
	seen(h.say("u", "/request "+id(r.ID)))

	// A card named with quotes of its own is not quoted again.
	if _, err := h.svc.UpdateClient(ctx, core.Actor{User: h.admin}, h.card.ID, "", func(c *core.Client) error {
		c.ShortName = "ПАО «Сбербанк»"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	fixHas(t, "own quotes", lastText(seen(h.say("o", "/fix 7707083893"))), "What to correct in card ПАО «Сбербанк», 7707083893?")
	h.say("o", "/cancel")

	for _, text := range english[:len(english)-1] {
		if strings.ContainsAny(text, "«»") {
			t.Fatalf("Russian quotes in English:\n%s", text)
		}
	}
}
