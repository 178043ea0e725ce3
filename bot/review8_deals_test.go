package bot_test

import (
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot"
)

// TestQuickDealReadsDeadlineWords (review of issue 8): the one-message
// /deal new reads the deadlines the date steps read («через 3 дня», «до
// пятницы», "by Friday"): the title keeps its words, the amount is taken
// and nothing is asked before «Создать».
func TestQuickDealReadsDeadlineWords(t *testing.T) {
	h := newHarness(t)
	createClient(t, h, "admin")
	// 28.11.2026 is a Saturday: the next Friday is 04.12.
	for _, tc := range []struct {
		text string
		at   time.Time
	}{
		{"/deal new 7707083893 Поставка оборудования 1 500 000 подписание через 3 дня", time.Date(2026, 12, 1, 18, 0, 0, 0, msk)},
		{"/deal new 7707083893 Поставка оборудования 1 500 000 подписание до пятницы", time.Date(2026, 12, 4, 18, 0, 0, 0, msk)},
		{"/deal new 7707083893 Поставка оборудования 1 500 000 подписание в пятницу в 12:00", time.Date(2026, 12, 4, 12, 0, 0, 0, msk)},
	} {
		msgs := h.say("admin", tc.text)
		if len(msgs) != 1 {
			t.Fatalf("%s: one message should answer with the confirmation alone:%s", tc.text, dump(msgs))
		}
		h.wantConfirm("ru", msgs, h.p.T("card.deal.title", bot.Args{"Number": "…", "Title": "Поставка оборудования"}),
			h.p.T("card.deal.amount", bot.Args{"Amount": int64(1_500_000_00)}),
			h.p.T("card.deal.signing_due_at", bot.Args{"Date": tc.at, "Default": tc.at.Hour() == 18}))
		h.say("admin", "/cancel")
	}

	h.say("admin", "/lang en")
	en := bundle.Printer("en", nil)
	msgs := h.say("admin", "/deal new 7707083893 Equipment supply 1,500,000 signing by Friday payment in 3 days")
	h.wantConfirm("en", msgs, en.T("card.deal.title", bot.Args{"Number": "…", "Title": "Equipment supply"}),
		en.T("card.deal.amount", bot.Args{"Amount": int64(1_500_000_00)}),
		en.T("card.deal.signing_due_at", bot.Args{"Date": time.Date(2026, 12, 4, 18, 0, 0, 0, msk), "Default": true}),
		en.T("card.deal.payment_due_at", bot.Args{"Date": time.Date(2026, 12, 1, 18, 0, 0, 0, msk), "Default": true}))
}
