package bot_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// dealLabels lists the button labels of the last message.
func dealLabels(msgs []*bot.Message) []string {
	var out []string
	if len(msgs) == 0 {
		return nil
	}
	for _, row := range msgs[len(msgs)-1].Buttons {
		for _, b := range row {
			out = append(out, b.Label)
		}
	}
	return out
}

// dealStage is a stage as the Russian interface names it.
func (h *harness) dealStage(s core.Stage) string { return h.p.T("stage."+string(s), nil) }

// wantDealMoved checks that the reply says what the move did, above the card
// at the stage.
func (h *harness) wantDealMoved(msgs []*bot.Message, key, number string, stage core.Stage) {
	h.t.Helper()
	if len(msgs) == 0 {
		h.t.Fatalf("no reply; want %s", key)
	}
	text := msgs[len(msgs)-1].Text
	head := h.p.T(key, bot.Args{"Number": number, "Stage": h.dealStage(stage)})
	if !strings.HasPrefix(text, head+"\n\n") ||
		!strings.Contains(text, h.p.T("card.deal.stage", bot.Args{"Value": h.dealStage(stage)})) {
		h.t.Fatalf("reply = %q\nwant %q above the card at %s%s", text, head, stage, dump(msgs))
	}
}

// TestDealThroughEveryStageByButtons (issue 8): a deal made in one message
// moves by its card's buttons through every stage to closed won; each move
// shows the new card with the buttons that now apply; a card shown before a
// move cannot move the deal again; the closed deal offers no moves and no
// edit to its manager; every move is audited.
func TestDealThroughEveryStageByButtons(t *testing.T) {
	h := newHarness(t)
	createClient(t, h, "admin")
	h.addUser("m", "Максим", core.RoleManager)
	msgs := h.say("m", "/deal new 7707083893 Поставка оборудования 1 500 000 подписание 15.12.2026")
	msgs = h.press("m", msgs, "Создать")
	h.want(msgs[:1], "msg.deal.created", bot.Args{"Number": "D-2026-0001"})
	if got, want := dealLabels(msgs), []string{"→ Проверка", "Закрыть: отказ", "Изменить", "Запросить документ", "Новая задача", "История",
		"Обращение", "Обсудить"}; !slices.Equal(got, want) {
		t.Fatalf("new deal's buttons = %q, want %q", got, want)
	}

	// The same card twice: the second one is stale after the first moves.
	cardA, cardB := h.say("m", "/deal D-2026-0001"), h.say("m", "/deal D-2026-0001")
	h.wantDealMoved(h.press("m", cardA, "→ Проверка"), "msg.deal.stage.forward", "D-2026-0001", core.StageVerification)
	stale := h.press("m", cardB, "→ Проверка")
	if len(stale) != 2 || stale[0].Text != h.p.T("err.deal.stage_moved", bot.Args{"Number": "D-2026-0001",
		"Stage": "verification", "Seen": "new"}) {
		t.Fatalf("stale card press:%s", dump(stale))
	}
	if !strings.Contains(stale[1].Text, h.p.T("card.deal.stage", bot.Args{"Value": h.dealStage(core.StageVerification)})) ||
		!slices.Contains(dealLabels(stale), "→ Документы") {
		t.Fatalf("the card after a stale press is not the deal as it is:%s", dump(stale))
	}

	msgs = stale
	for _, step := range []struct {
		label string
		to    core.Stage
	}{{"→ Документы", core.StageDocuments}, {"→ Согласование", core.StageApproval},
		{"→ Подписание", core.StageSigning}, {"→ Действует", core.StageActive}} {
		msgs = h.press("m", msgs, step.label)
		h.wantDealMoved(msgs, "msg.deal.stage.forward", "D-2026-0001", step.to)
	}
	if got, want := dealLabels(msgs), []string{"Успешно закрыть", "← Назад: подписание", "Закрыть: отказ", "Изменить",
		"Запросить документ", "Новая задача", "История", "Обращение", "Обсудить"}; !slices.Equal(got, want) {
		t.Fatalf("active deal's buttons = %q, want %q", got, want)
	}
	msgs = h.press("m", msgs, "Успешно закрыть")
	h.wantDealMoved(msgs, "msg.deal.stage.won", "D-2026-0001", core.StageClosedWon)
	if got, want := dealLabels(msgs), []string{"Новая задача", "История", "Обращение", "Обсудить"}; !slices.Equal(got, want) {
		t.Fatalf("a closed deal offers its manager %q, want %q", got, want)
	}
	if !strings.Contains(msgs[0].Text, "Закрыта: 28.11.2026") {
		t.Fatalf("the closed card does not say when:%s", dump(msgs))
	}
	var audit []string
	for _, ch := range h.changes(core.EntityDeal, 1) {
		if ch.Field == "stage" && ch.Reason != "created" {
			audit = append(audit, ch.Old+"→"+ch.New+" "+ch.Reason)
		}
	}
	want := []string{"new→verification stage_forward", "verification→documents stage_forward",
		"documents→approval stage_forward", "approval→signing stage_forward", "signing→active stage_forward",
		"active→closed_won stage_won"}
	if !slices.Equal(audit, want) {
		t.Fatalf("stage audit = %q\nwant %q", audit, want)
	}
	if sent := h.delivered("m"); len(sent) != 0 {
		t.Fatalf("the manager was told of their own moves:%s", dump(sent))
	}
}

// TestDealLostWithReasonAndReopenedByHead (issue 8): an officer moves a
// manager's deal forward and back (the way back asks a reason, and «-» is
// no reason), cancels a loss, then closes the deal as lost with a reason,
// which its card shows; the manager hears of each move with the reason.
// Only a head is offered «Переоткрыть», which asks a reason and takes the
// deal back to the stage it was lost at. A lawyer sees the card without
// buttons that change it.
func TestDealLostWithReasonAndReopenedByHead(t *testing.T) {
	h := newHarness(t)
	createClient(t, h, "admin")
	h.addUser("m", "Максим", core.RoleManager)
	h.addUser("o", "Ольга", core.RoleOfficer)
	h.addUser("g", "Глеб", core.RoleHead)
	h.addUser("l", "Лев", core.RoleLawyer)
	// The client has no manager: the one-message form asks only for one.
	msgs := h.say("o", "/deal new 7707083893 Лизинг 250 000")
	h.want(msgs, "flow.deal.manager", nil)
	msgs = h.press("o", h.press("o", msgs, "Максим ("+h.p.T("role.manager", nil)+")"), "Создать")
	h.want(msgs[:1], "msg.deal.created", bot.Args{"Number": "D-2026-0001"})
	h.delivered("m")

	msgs = h.press("o", msgs, "→ Проверка")
	h.wantDealMoved(msgs, "msg.deal.stage.forward", "D-2026-0001", core.StageVerification)
	msgs = h.press("o", msgs, "← Назад: новая")
	backAsked := bot.Args{"Number": "D-2026-0001", "Title": "Лизинг", "Stage": h.dealStage(core.StageNew)}
	h.want(msgs, "flow.deal.reason.back", backAsked)
	again := h.say("o", "-")
	if !strings.Contains(dump(again), h.p.T("err.deal.reason_required", bot.Args{"Number": "D-2026-0001"})) {
		t.Fatalf("«-» as a reason:%s", dump(again))
	}
	h.want(again, "flow.deal.reason.back", backAsked)
	msgs = h.say("o", "Нет выписки из ЕГРЮЛ")
	h.wantDealMoved(msgs, "msg.deal.stage.back", "D-2026-0001", core.StageNew)

	// Cancelled: nothing moves, and the card comes back with its buttons.
	asked := h.press("o", msgs, "Закрыть: отказ")
	h.want(asked, "flow.deal.reason.lost", bot.Args{"Number": "D-2026-0001", "Title": "Лизинг"})
	msgs = h.press("o", asked, "Отмена")
	if len(msgs) != 2 || msgs[0].Text != h.p.T("msg.cancel.done", nil) || !slices.Contains(dealLabels(msgs), "Закрыть: отказ") {
		t.Fatalf("cancel:%s", dump(msgs))
	}
	h.want(h.say("o", "Клиент передумал"), "msg.unknown_text", nil) // the dialog is over

	h.want(h.press("o", msgs, "Закрыть: отказ"), "flow.deal.reason.lost", bot.Args{"Number": "D-2026-0001", "Title": "Лизинг"})
	msgs = h.say("o", "Клиент выбрал другого поставщика")
	h.wantDealMoved(msgs, "msg.deal.stage.lost", "D-2026-0001", core.StageClosedLost)
	if !strings.Contains(msgs[0].Text, h.p.T("card.deal.lost_reason", bot.Args{"Value": "Клиент выбрал другого поставщика"})) {
		t.Fatalf("the lost card lacks its reason:%s", dump(msgs))
	}
	if got, want := dealLabels(msgs), []string{"Новая задача", "История", "Обращение", "Обсудить"}; !slices.Equal(got, want) {
		t.Fatalf("a lost deal offers an officer %q, want %q", got, want)
	}

	// The manager was told of each move, by whom and why.
	var told []string
	for _, m := range h.delivered("m") {
		told = append(told, m.Text)
	}
	note := func(key, from, to, reason string) string {
		return h.p.T(key, bot.Args{"Number": "D-2026-0001", "Title": "Лизинг", "From": from, "To": to, "By": "Ольга",
			"Reason": reason})
	}
	// The three moves came within two minutes: one message, numbered as
	// each carries its buttons.
	want := []string{strings.Join([]string{"1️⃣ " + note("notify.deal.stage.forward", "new", "verification", ""),
		"2️⃣ " + note("notify.deal.stage.back", "verification", "new", "Нет выписки из ЕГРЮЛ"),
		"3️⃣ " + note("notify.deal.stage.lost", "new", "closed_lost", "Клиент выбрал другого поставщика")}, "\n\n")}
	if !slices.Equal(told, want) {
		t.Fatalf("the manager was told %q\nwant %q", told, want)
	}

	if got := dealLabels(h.say("m", "/deal D-2026-0001")); slices.Contains(got, "Переоткрыть") {
		t.Fatalf("a manager is offered to reopen: %q", got)
	}
	if got, want := dealLabels(h.say("l", "/deal D-2026-0001")), []string{"Новая задача", "История", "Обращение", "Обсудить"}; !slices.Equal(got, want) {
		t.Fatalf("a lawyer is offered %q, want %q", got, want)
	}
	msgs = h.say("g", "/deal D-2026-0001")
	h.want(h.press("g", msgs, "Переоткрыть"), "flow.deal.reason.reopen", bot.Args{"Number": "D-2026-0001",
		"Title": "Лизинг", "Stage": h.dealStage(core.StageNew)})
	msgs = h.say("g", "Клиент вернулся с новым бюджетом")
	h.wantDealMoved(msgs, "msg.deal.stage.reopen", "D-2026-0001", core.StageNew)
	if got := dealLabels(msgs); !slices.Contains(got, "→ Проверка") || !slices.Contains(got, "Изменить") {
		t.Fatalf("a reopened deal offers %q", got)
	}
	d, err := h.svc.FindDealByNumber(context.Background(), core.Actor{User: h.admin}, "D-2026-0001")
	if err != nil || d.Stage != core.StageNew || d.LostReason != "" {
		t.Fatalf("reopened deal = %+v, %v", d, err)
	}
	cs := h.changes(core.EntityDeal, d.ID)
	if last := cs[len(cs)-1]; last.Field != "stage" || last.Reason != "Клиент вернулся с новым бюджетом" {
		t.Fatalf("reopening audited as %+v", last)
	}
}
