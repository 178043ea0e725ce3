package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
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

// TestDealLostSaysОтказ (review of issue 8): a deal is closed as lost in
// the glossary's word, «отказ», as its stage is named: the button, the
// question, the reply and the manager's notice; an admin may reopen it,
// and the rule that refuses others says so.
func TestDealLostSaysОтказ(t *testing.T) {
	h := newHarness(t)
	createClient(t, h, "admin")
	m := h.addUser("m", "Максим", core.RoleManager)
	if _, err := h.svc.CreateDeal(context.Background(), core.Actor{User: h.admin}, &core.Deal{ClientID: 1,
		Title: "Лизинг", Amount: 250_000_00, ManagerID: m.ID}); err != nil {
		t.Fatal(err)
	}
	h.delivered("m")
	msgs := h.press("admin", h.say("admin", "/deal D-2026-0001"), "Закрыть: отказ")
	h.want(msgs, "flow.deal.reason.lost", bot.Args{"Number": "D-2026-0001", "Title": "Лизинг"})
	msgs = h.say("admin", "Клиент выбрал другого поставщика")
	if !strings.HasPrefix(msgs[0].Text, "Сделка D-2026-0001 закрыта (отказ).") {
		t.Fatalf("reply:%s", dump(msgs))
	}
	told := dump(h.delivered("m"))
	if !strings.Contains(told, "закрыта (отказ)") || !strings.Contains(told, "Причина отказа: Клиент выбрал другого поставщика") {
		t.Fatalf("the manager was told:%s", told)
	}
	for _, key := range []string{"btn.deal.lost", "msg.deal.stage.lost", "notify.deal.stage.lost", "flow.deal.reason.lost",
		"err.deal.move_invalid", "err.deal.reason_required"} {
		if s := h.p.T(key, bot.Args{"Number": "D-2026-0001", "Title": "Лизинг", "From": "new", "To": "active"}); strings.Contains(s, "проигр") {
			t.Errorf("%s says «проигран…»: %s", key, s)
		}
	}
	// An admin reopens it; the rule for the others names heads and admins.
	if asked := dump(h.press("admin", msgs, "Переоткрыть")); !strings.Contains(asked, "ричин") {
		t.Fatalf("reopening asked no reason: %s", asked)
	}
	h.say("admin", "Клиент вернулся")
	if d, err := h.svc.FindDealByNumber(context.Background(), core.Actor{User: h.admin}, "D-2026-0001"); err != nil || d.Stage.Closed() {
		t.Fatalf("not reopened by the admin: %+v, %v", d, err)
	}
	for _, key := range []string{"err.deal.reopen_forbidden", "err.deal.closed"} {
		if s := h.p.T(key, bot.Args{"Number": "D-2026-0001"}); !strings.Contains(s, "руководитель или администратор") {
			t.Errorf("%s does not name admins: %s", key, s)
		}
	}
}

// TestDealsAllInRussian (review of issue 8): /deals все (and всё) is /deals
// all: every open deal for those who see them, refused to a manager; an
// argument /deals does not know answers with the usage, not with the
// user's own deals.
func TestDealsAllInRussian(t *testing.T) {
	h := newHarness(t)
	createClient(t, h, "admin")
	m := h.addUser("m", "Максим", core.RoleManager)
	h.addUser("hd", "Глеб", core.RoleHead)
	if _, err := h.svc.CreateDeal(context.Background(), core.Actor{User: h.admin}, &core.Deal{ClientID: 1,
		Title: "Лизинг", Amount: 250_000_00, ManagerID: m.ID}); err != nil {
		t.Fatal(err)
	}
	for _, all := range []string{"все", "всё", "Все", "all"} {
		if got := dump(h.say("hd", "/deals "+all)); !strings.Contains(got, "D-2026-0001 «Лизинг»") {
			t.Errorf("/deals %s for a head:%s", all, got)
		}
		h.want(h.say("m", "/deals "+all), "err.forbidden", nil)
	}
	if got := dump(h.say("hd", "/deals")); strings.Contains(got, "Лизинг") {
		t.Errorf("/deals lists another's deal as the head's:%s", got)
	}
	h.want(h.say("hd", "/deals каждую"), "msg.deals.usage", bot.Args{"All": true})
	h.want(h.say("m", "/deals мои"), "msg.deals.usage", bot.Args{"All": false})
	if s := h.p.T("cmd.deals.usage", nil); !strings.Contains(s, "все") {
		t.Errorf("the Russian usage does not say «все»: %s", s)
	}
}
