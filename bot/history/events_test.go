package history

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/locales"
)

var bundle = locales.MustLoad()

// eventAt is when the entries of the event tests were made: 15:00 in
// Moscow.
var eventAt = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

// eventHistory is a history of a deal (#7, D-2026-0007) of a card (#3)
// with a request (#4) and corrections (#2: a card's KPP for the request,
// rolling nothing back; #5: a card's account to remove, rolling back change
// #40), their authors labelled.
func eventHistory() *core.History {
	return &core.History{
		Labels: map[core.Entity]map[int64]string{
			core.EntityUser:       {1: "Ольга", 2: "Глеб", 3: "Ульяна"},
			core.EntityDeal:       {7: "D-2026-0007"},
			core.EntityClient:     {3: "Сбер, 7707083893"},
			core.EntityRequest:    {4: "#4"},
			core.EntityCorrection: {2: "#2", 5: "#5"},
			core.EntityDocument:   {9: "D-2026-0007-01"},
		},
		Corrections: map[int64]*core.Correction{
			2: {ID: 2, Edit: core.Edit{Entity: core.EntityClient, ID: 3, Field: core.FieldKPP, Old: "773601001",
				New: "773601002", RequestID: 4}},
			5: {ID: 5, Edit: core.Edit{Entity: core.EntityClient, ID: 3, Field: core.FieldAccounts, Op: core.EditRemove,
				Old: "40702810938000012345 (ПАО Сбербанк, 044525225)", Reverts: 40}},
		},
	}
}

// event makes an entry of one action: its changes share the author, the
// record and the reason.
func event(actor int64, e core.Entity, id int64, reason string, created bool, cs ...*core.Change) *core.HistoryEntry {
	for _, c := range cs {
		c.At, c.ActorID, c.Entity, c.EntityID, c.Reason = eventAt, actor, e, id, reason
	}
	return &core.HistoryEntry{At: eventAt, ActorID: actor, Entity: e, EntityID: id, Reason: reason, Created: created,
		Changes: cs}
}

func renderEntry(lang string, e *core.HistoryEntry) string {
	r := &renderer{c: &bot.Context{P: bundle.Printer(lang, nil)}, h: eventHistory()}
	return r.entry(e)
}

// TestEventEntries: the steps of requests, what became of corrections and
// the case discussions of a deal read as events, in both languages, not as
// a field's old → new: who, which request or correction, what happened and
// why.
func TestEventEntries(t *testing.T) {
	status := func(old, new string) *core.Change { return &core.Change{Field: "status", Old: old, New: new} }
	fixStatus := func(old, new string) *core.Change {
		return &core.Change{Field: "status", Old: old, New: new, Correction: 2, Request: 4}
	}
	field := func(f, old, new string) *core.Change { return &core.Change{Field: f, Old: old, New: new} }
	due := "2026-11-30T10:00:00Z"
	for _, tc := range []struct {
		name string
		e    *core.HistoryEntry
		ru   string
		en   string
	}{
		{"request filed", event(3, core.EntityRequest, 4, "created", true, field("type", "", "correction"),
			status("", "new"), field("requester_id", "0", "3"), field("client_id", "0", "3"), field("deal_id", "0", "7"),
			field("text", "", "Сменился КПП"), field("files", "", "письмо.pdf"), field("files", "", "выписка.pdf"),
			field("due", "", due)),
			"28.11.2026 15:00 · Ульяна · обращение #4 · подано (корректировка), D-2026-0007: Сменился КПП · 📎 письмо.pdf, выписка.pdf · ответить до 30.11.2026 13:00",
			"2026-11-28 15:00 · Ульяна · request #4 · filed (correction), D-2026-0007: Сменился КПП · 📎 письмо.pdf, выписка.pdf · answer by 2026-11-30 13:00"},
		{"request taken", event(1, core.EntityRequest, 4, "request_taken", false, status("new", "in_work"),
			field("assignee_id", "0", "1")),
			"28.11.2026 15:00 · Ольга · обращение #4 · взято в работу",
			"2026-11-28 15:00 · Ольга · request #4 · taken"},
		{"taken, no filing before it (an intake's request from before schema 11)", event(1, core.EntityRequest, 4,
			"request_taken", true, status("new", "in_work"), field("assignee_id", "0", "1")),
			"28.11.2026 15:00 · Ольга · обращение #4 · взято в работу",
			"2026-11-28 15:00 · Ольга · request #4 · taken"},
		{"request passed", event(1, core.EntityRequest, 4, "request_passed", false, field("assignee_id", "1", "2"),
			field("note", "", "→ Глеб")),
			"28.11.2026 15:00 · Ольга · обращение #4 · передано: Ольга → Глеб",
			"2026-11-28 15:00 · Ольга · request #4 · passed: Ольга → Глеб"},
		{"new request passed", event(1, core.EntityRequest, 4, "request_passed", false, status("new", "in_work"),
			field("assignee_id", "0", "2"), field("note", "", "→ Глеб")),
			"28.11.2026 15:00 · Ольга · обращение #4 · передано: Глеб",
			"2026-11-28 15:00 · Ольга · request #4 · passed: Глеб"},
		{"asked", event(1, core.EntityRequest, 4, "request_asked", false, status("in_work", "waiting"),
			field("due", due, ""), field("question", "", "Пришлите письмо")),
			"28.11.2026 15:00 · Ольга · обращение #4 · вопрос автору: Пришлите письмо",
			"2026-11-28 15:00 · Ольга · request #4 · question to the author: Пришлите письмо"},
		{"answered", event(3, core.EntityRequest, 4, "request_answered", false, status("waiting", "in_work"),
			field("due", "", due), field("answer", "", "Приложила")),
			"28.11.2026 15:00 · Ульяна · обращение #4 · ответ автора: Приложила",
			"2026-11-28 15:00 · Ульяна · request #4 · the author's answer: Приложила"},
		{"done", event(1, core.EntityRequest, 4, "request_done", false, status("in_work", "done"), field("due", due, ""),
			field("result", "", "КПП исправлен")),
			"28.11.2026 15:00 · Ольга · обращение #4 · выполнено: КПП исправлен",
			"2026-11-28 15:00 · Ольга · request #4 · done: КПП исправлен"},
		{"rejected when new", event(2, core.EntityRequest, 4, "не наш вопрос", false, status("new", "rejected"),
			field("assignee_id", "0", "2"), field("due", due, ""), field("result", "", "не наш вопрос")),
			"28.11.2026 15:00 · Глеб · обращение #4 · отклонено — не наш вопрос",
			"2026-11-28 15:00 · Глеб · request #4 · rejected — не наш вопрос"},
		{"correction noted", event(2, core.EntityRequest, 4, "correction", false,
			&core.Change{Field: "correction", New: "rejected", Correction: 9}),
			"28.11.2026 15:00 · Глеб · обращение #4 · корректировка #9: отклонена",
			"2026-11-28 15:00 · Глеб · request #4 · correction #9: rejected"},
		{"deadline moved", event(1, core.EntityRequest, 4, "ждём выписку", false, field("due", due, "2026-12-01T10:00:00Z")),
			"28.11.2026 15:00 · Ольга · обращение #4 · срок ответа: 30.11.2026 13:00 → 01.12.2026 13:00 (причина: ждём выписку)",
			"2026-11-28 15:00 · Ольга · request #4 · answer due: 2026-11-30 13:00 → 2026-12-01 13:00 (reason: ждём выписку)"},

		{"correction proposed", event(1, core.EntityCorrection, 2, "письмо клиента", true, fixStatus("", "pending")),
			"28.11.2026 15:00 · Ольга · корректировка #2 · предложена, ждёт одобрения: КПП: 773601001 → 773601002 (причина: письмо клиента) · по обращению #4",
			"2026-11-28 15:00 · Ольга · correction #2 · proposed, waiting for approval: KPP: 773601001 → 773601002 (reason: письмо клиента) · for request #4"},
		{"rollback proposed", event(1, core.EntityCorrection, 5, "клиент отозвал письмо", true,
			&core.Change{Field: "status", New: "pending", Correction: 5, Reverts: 40}),
			"28.11.2026 15:00 · Ольга · корректировка #5 · предложена, ждёт одобрения: удалить счёт: 40702810938000012345 (ПАО Сбербанк, 044525225) (причина: клиент отозвал письмо) · откат изменения #40",
			"2026-11-28 15:00 · Ольга · correction #5 · proposed, waiting for approval: remove account: 40702810938000012345 (ПАО Сбербанк, 044525225) (reason: клиент отозвал письмо) · rolls back change #40"},
		{"correction approved", event(2, core.EntityCorrection, 2, "approved", false, fixStatus("pending", "applied")),
			"28.11.2026 15:00 · Глеб · корректировка #2 · одобрена и применена · по обращению #4",
			"2026-11-28 15:00 · Глеб · correction #2 · approved and applied · for request #4"},
		{"correction rejected", event(2, core.EntityCorrection, 2, "не подтверждено", false, fixStatus("pending", "rejected")),
			"28.11.2026 15:00 · Глеб · корректировка #2 · отклонена — не подтверждено · по обращению #4",
			"2026-11-28 15:00 · Глеб · correction #2 · rejected — не подтверждено · for request #4"},
		{"correction withdrawn", event(1, core.EntityCorrection, 2, "ошиблась", false, fixStatus("pending", "withdrawn")),
			"28.11.2026 15:00 · Ольга · корректировка #2 · отозвана автором — ошиблась · по обращению #4",
			"2026-11-28 15:00 · Ольга · correction #2 · withdrawn by its author — ошиблась · for request #4"},
		{"stale: deal closed", event(2, core.EntityCorrection, 2, core.StaleClosed, false, fixStatus("pending", "stale")),
			"28.11.2026 15:00 · Глеб · корректировка #2 · не применена: сделку закрыли · по обращению #4",
			"2026-11-28 15:00 · Глеб · correction #2 · not applied: the deal was closed · for request #4"},
		{"stale: field changed", event(2, core.EntityCorrection, 2, core.StaleChanged, false, fixStatus("pending", "stale")),
			"28.11.2026 15:00 · Глеб · корректировка #2 · не применена: поле уже изменили · по обращению #4",
			"2026-11-28 15:00 · Глеб · correction #2 · not applied: the field had changed · for request #4"},
		{"stale: card merged", event(0, core.EntityCorrection, 2, core.StaleMerged, false, fixStatus("pending", "stale")),
			"28.11.2026 15:00 · система · корректировка #2 · не применена: карточку объединили с другой · по обращению #4",
			"2026-11-28 15:00 · system · correction #2 · not applied: the card was merged into another · for request #4"},

		{"case opened", event(1, core.EntityDeal, 7, "case_opened", false, field("case", "", "#1 Скидка 15%")),
			"28.11.2026 15:00 · Ольга · сделка D-2026-0007 · открыт кейс #1 «Скидка 15%»",
			"2026-11-28 15:00 · Ольга · deal D-2026-0007 · case #1 “Скидка 15%” opened"},
		{"decision", event(2, core.EntityDeal, 7, "#1 Скидка 15%", false, field("decision", "", "скидка 12%")),
			"28.11.2026 15:00 · Глеб · сделка D-2026-0007 · решение по кейсу #1 «Скидка 15%»: скидка 12%",
			"2026-11-28 15:00 · Глеб · deal D-2026-0007 · decision in case #1 “Скидка 15%”: скидка 12%"},
		{"case closed", event(1, core.EntityDeal, 7, "case_closed", false,
			field("case", "#1 Скидка 15%", "Скидка 12% согласована")),
			"28.11.2026 15:00 · Ольга · сделка D-2026-0007 · кейс #1 «Скидка 15%» закрыт: Скидка 12% согласована",
			"2026-11-28 15:00 · Ольга · deal D-2026-0007 · case #1 “Скидка 15%” closed: Скидка 12% согласована"},
		{"case not opened", event(0, core.EntityClient, 3, "case_not_opened", false, field("case", "#2 Договор", "")),
			"28.11.2026 15:00 · система · клиент Сбер, 7707083893 · кейс #2 «Договор» не открыт: в чате уже шло другое обсуждение",
			"2026-11-28 15:00 · system · client Сбер, 7707083893 · case #2 “Договор” not opened: another discussion was going on in the chat"},
		{"topic with quotes", event(1, core.EntityDeal, 7, "case_opened", false, field("case", "", "#3 Договор «Альфа»")),
			"28.11.2026 15:00 · Ольга · сделка D-2026-0007 · открыт кейс #3 Договор «Альфа»",
			"2026-11-28 15:00 · Ольга · deal D-2026-0007 · case #3 Договор «Альфа» opened"},
	} {
		for _, lang := range []string{"ru", "en"} {
			want := tc.ru
			if lang == "en" {
				want = tc.en
			}
			if got := renderEntry(lang, tc.e); got != want {
				t.Errorf("%s, %s:\n got %s\nwant %s", tc.name, lang, got, want)
			}
		}
	}
}

// TestCaseOf: a case's label as the audit trail keeps it is read back as
// its number and topic; anything else is no case.
func TestCaseOf(t *testing.T) {
	for _, tc := range []struct {
		label string
		id    int64
		topic string
		ok    bool
	}{
		{"#1 Скидка 15%", 1, "Скидка 15%", true},
		{"#12 Договор «Альфа» #2", 12, "Договор «Альфа» #2", true},
		{"Скидка 15%", 0, "", false},
		{"#0 тема", 0, "", false},
		{"#x тема", 0, "", false},
		{"", 0, "", false},
	} {
		id, topic, ok := caseOf(tc.label)
		if id != tc.id || topic != tc.topic || ok != tc.ok {
			t.Errorf("caseOf(%q) = %d, %q, %v; want %d, %q, %v", tc.label, id, topic, ok, tc.id, tc.topic, tc.ok)
		}
	}
}

// TestEnglishHistoryQuotes: the English history texts quote with “”, never
// with the Russian «».
func TestEnglishHistoryQuotes(t *testing.T) {
	data, err := os.ReadFile("../../locales/history.en.toml")
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(data), "\n") {
		if strings.ContainsAny(line, "«»") {
			t.Errorf("history.en.toml:%d quotes with «»: %s", i+1, line)
		}
	}
	p := bundle.Printer("en", nil)
	if got, want := p.T("msg.history.pick", bot.Args{"Query": "romashka"}),
		"Several clients match “romashka”. Whose history?"; got != want {
		t.Errorf("msg.history.pick = %q, want %q", got, want)
	}
}
