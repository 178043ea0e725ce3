package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// wantIn is want in another language's printer.
func (h *harness) wantIn(lang string, msgs []*bot.Message, key string, args bot.Args) {
	h.t.Helper()
	saved := h.p
	defer func() { h.p = saved }()
	h.p = bundle.Printer(lang, nil)
	h.want(msgs, key, args)
}

// saysError checks that the replies name the error, then ask the step again.
func (h *harness) saysError(msgs []*bot.Message, key string, args bot.Args, step string) {
	h.t.Helper()
	if !strings.Contains(dump(msgs), h.p.T(key, args)) {
		h.t.Fatalf("replies lack %s = %q:%s", key, h.p.T(key, args), dump(msgs))
	}
	h.want(msgs, step, nil)
}

// startDeal opens the new deal dialog up to the amount step.
func startDeal(t *testing.T, h *harness, lang string) {
	t.Helper()
	h.say("admin", "/deal new")
	h.say("admin", "7707083893")
	h.wantIn(lang, h.say("admin", "Лизинг"), "flow.deal.amount", nil)
}

// TestAmountInEitherLanguagesForm (issue 8, item 4): an English user's
// «1,234,567.89», the form DealDesk itself prints in English, is read; so
// is the Russian form; «1.234» is refused as ambiguous, naming the rule.
func TestAmountInEitherLanguagesForm(t *testing.T) {
	h := newHarness(t)
	createClient(t, h, "admin")
	h.say("admin", "/lang en")
	en := bundle.Printer("en", nil)
	for _, tc := range []struct {
		in, shown string
	}{{"1,234,567.89", "₽1,234,567.89"}, {"1 234 567,89 ₽", "₽1,234,567.89"}, {"1,234", "₽1,234.00"}} {
		startDeal(t, h, "en")
		h.wantIn("en", h.say("admin", tc.in), "flow.deal.signing_due", nil)
		h.say("admin", "-")
		h.say("admin", "-")
		if msgs := h.say("admin", "-"); !strings.Contains(msgs[0].Text, "Amount: "+tc.shown) {
			t.Fatalf("%q: confirmation = %s", tc.in, dump(msgs))
		}
		h.say("admin", "/cancel")
	}
	startDeal(t, h, "en")
	msgs := h.say("admin", "1.234")
	if !strings.Contains(dump(msgs), en.T("err.amount.ambiguous", bot.Args{"Text": "1.234"})) {
		t.Fatalf("1.234 = %s", dump(msgs))
	}
	h.wantIn("en", msgs, "flow.deal.amount", nil)
}

// TestAmountRules (issue 8, item 10): zero, a negative amount and one with
// too many digits each get their rule, and the step is asked again.
func TestAmountRules(t *testing.T) {
	h := newHarness(t)
	createClient(t, h, "admin")
	startDeal(t, h, "ru")
	h.saysError(h.say("admin", "0"), "err.amount.zero", nil, "flow.deal.amount")
	h.saysError(h.say("admin", "-100"), "err.amount.negative", nil, "flow.deal.amount")
	h.saysError(h.say("admin", "12345678901234567890123456"), "err.amount.too_large",
		bot.Args{"Max": int64(core.MaxAmount)}, "flow.deal.amount")
	h.want(h.say("admin", "100"), "flow.deal.signing_due", nil)
}

// TestDefaultTimeIsSaid (issue 8, item 5): a deadline typed as a date is
// stored at 18:00 and shown so everywhere; the reply recording it says the
// time is the default, and a typed time is not called one.
func TestDefaultTimeIsSaid(t *testing.T) {
	h := newHarness(t)
	h.addUser("o", "Ольга", core.RoleOfficer) // someone else to give the task to: whom is asked
	createClient(t, h, "admin")
	msk := core.Location("")
	h.say("admin", "/task new")
	h.say("admin", "Позвонить")
	h.say("admin", "05.12.2026")
	h.want(h.say("admin", "-"), "flow.task.assignee", nil)
	h.want(h.say("admin", "мне"), "msg.task.created_default_time", bot.Args{"ID": 1, "Title": "Позвонить",
		"Due": time.Date(2026, 12, 5, 18, 0, 0, 0, msk)})
	if text := h.say("admin", "/tasks")[0].Text; !strings.Contains(text, "05.12.2026 18:00") {
		t.Fatalf("tasks = %s", text)
	}
	h.say("admin", "/task new")
	h.say("admin", "Позвонить ещё раз")
	h.say("admin", "05.12.2026 18:00") // typed: not the default
	h.say("admin", "-")
	h.want(h.say("admin", "мне"), "msg.task.created", bot.Args{"ID": 2, "Title": "Позвонить ещё раз",
		"Due": time.Date(2026, 12, 5, 18, 0, 0, 0, msk)})

	startDeal(t, h, "ru")
	h.say("admin", "100")
	h.say("admin", "05.12.2026")
	h.say("admin", "06.12.2026 10:00")
	msgs := h.say("admin", "-")
	signing := h.p.T("card.deal.signing_due_at", bot.Args{"Date": time.Date(2026, 12, 5, 18, 0, 0, 0, msk), "Default": true})
	payment := h.p.T("card.deal.payment_due_at", bot.Args{"Date": time.Date(2026, 12, 6, 10, 0, 0, 0, msk)})
	if text := msgs[0].Text; !strings.Contains(text, signing) || !strings.Contains(text, payment) ||
		!strings.Contains(signing, "05.12.2026 18:00 (время по умолчанию)") || strings.Count(text, "по умолчанию") != 1 {
		t.Fatalf("confirmation = %s", dump(msgs))
	}
	msgs = h.press("admin", msgs, "Создать")
	card := dump(msgs)
	if !strings.Contains(card, "Подписать до: 05.12.2026 18:00") || strings.Contains(card, "по умолчанию") {
		t.Fatalf("card = %s", card)
	}
	if text := h.say("admin", "/history D-2026-0001")[0].Text; !strings.Contains(text, "05.12.2026 18:00") {
		t.Fatalf("history = %s", text)
	}
}

// TestPastDeadlineIsRefused (issue 8, item 10): a deadline that has passed
// is refused, naming it and now, and the step is asked again.
func TestPastDeadlineIsRefused(t *testing.T) {
	h := newHarness(t)
	h.say("admin", "/task new")
	h.say("admin", "Позвонить")
	msk := core.Location("")
	h.saysError(h.say("admin", "27.11.2026 12:00"), "err.date.past", bot.Args{"Date": time.Date(2026, 11, 27, 12, 0, 0, 0, msk),
		"Now": h.clock.Now()}, "flow.task.due")
	h.want(h.say("admin", "завтра"), "flow.task.deal", nil)
}

// TestContractEndBeforeSigningIsAskedAgain (issue 8, item 10).
func TestContractEndBeforeSigningIsAskedAgain(t *testing.T) {
	h := newHarness(t)
	createClient(t, h, "admin")
	startDeal(t, h, "ru")
	h.say("admin", "100")
	h.say("admin", "05.12.2026")
	h.want(h.say("admin", "-"), "flow.deal.contract_end", nil)
	msk := core.Location("")
	h.saysError(h.say("admin", "04.12.2026"), "err.deal.contract_end_before_signing", bot.Args{
		"End": time.Date(2026, 12, 4, 18, 0, 0, 0, msk), "Signing": time.Date(2026, 12, 5, 18, 0, 0, 0, msk)},
		"flow.deal.contract_end")
	if msgs := h.say("admin", "05.12.2027"); !strings.HasPrefix(msgs[0].Text, h.p.T("flow.deal.confirm", nil)) {
		t.Fatalf("a later end = %s", dump(msgs))
	}
}

// TestTooLongMessageAsksTheStepAgain (issue 8, item 10): a message over
// the limit is refused naming it, and the dialog's question comes again.
func TestTooLongMessageAsksTheStepAgain(t *testing.T) {
	h := newHarness(t)
	h.say("admin", "/task new")
	h.saysError(h.say("admin", strings.Repeat("а", 5000)), "err.text.too_long_max", bot.Args{"Max": bot.MaxTextLen},
		"flow.task.title")
	h.want(h.say("admin", "Короткое"), "flow.task.due", nil)
	// Outside a dialog, only the refusal.
	h.say("admin", "/cancel")
	h.want(h.say("admin", strings.Repeat("а", 5000)), "err.text.too_long_max", bot.Args{"Max": bot.MaxTextLen})
}

// A client name over the limit is refused at its step, which is asked
// again, not at the final «Создать».
func TestLongClientNameIsRefusedAtItsStep(t *testing.T) {
	h := newHarness(t)
	msgs := h.say("admin", "/client 7707083893")
	h.want(h.press("admin", msgs, "Создать карточку"), "flow.client.name", nil)
	msgs = h.say("admin", strings.Repeat("я", core.MaxNameLen+1))
	if !strings.Contains(dump(msgs), h.p.T("err.client.name_too_long", bot.Args{"Max": core.MaxNameLen})) {
		t.Fatalf("a long name not refused with its limit: %s", dump(msgs))
	}
	h.want(msgs, "flow.client.name", nil)
}

// TestDealDatesReadDeadlineWords: a deal's date steps read the same
// deadline forms as a task's («до пятницы», «через 3 дня», «by Friday»).
func TestDealDatesReadDeadlineWords(t *testing.T) {
	h := newHarness(t)
	createClient(t, h, "admin")
	startDeal(t, h, "ru")
	h.say("admin", "100")
	h.want(h.say("admin", "через 3 дня"), "flow.deal.payment_due", nil)
	h.want(h.say("admin", "до пятницы 12:00"), "flow.deal.contract_end", nil)
	msgs := h.say("admin", "-")
	// 28.11.2026 is a Saturday: three days later is 01.12, the next Friday 04.12.
	if text := dump(msgs); !strings.Contains(text, "Подписать до: 01.12.2026 18:00") ||
		!strings.Contains(text, "04.12.2026 12:00") {
		t.Fatalf("confirmation = %s", text)
	}
}
