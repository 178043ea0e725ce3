package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// producedDoc asks for a contract of a new deal and produces it as the
// officer, the check's warnings overridden.
func (w *docWorld) producedDoc() (*core.Deal, *core.Document) {
	w.t.Helper()
	ctx := context.Background()
	deal := w.deal("7707083893", "773601001", true)
	m, o := core.Actor{User: w.user("test:m")}, core.Actor{User: w.user("test:o")}
	d, err := w.svc.RequestDocument(ctx, m, deal.ID, core.DocContract, "")
	if err != nil {
		w.t.Fatal(err)
	}
	check, err := w.svc.CheckDocument(ctx, o, d.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	if d, err = w.svc.ProduceDocument(ctx, o, d.ID, check.WarningIDs(), "проверено"); err != nil {
		w.t.Fatal(err)
	}
	w.deliver()
	return deal, d
}

// approvedDoc produces a contract and has the lawyer approve it.
func (w *docWorld) approvedDoc() (*core.Deal, *core.Document) {
	w.t.Helper()
	ctx := context.Background()
	deal, d := w.producedDoc()
	if _, err := w.svc.SubmitForApproval(ctx, core.Actor{User: w.user("test:o")}, d.ID); err != nil {
		w.t.Fatal(err)
	}
	d, err := w.svc.DecideDocument(ctx, core.Actor{User: w.user("test:l")}, d.ID, 1, core.DecisionApprove, "")
	if err != nil {
		w.t.Fatal(err)
	}
	w.deliver()
	return deal, d
}

func labels(msgs []*bot.Message) []string {
	var out []string
	for _, m := range msgs {
		for _, row := range m.Buttons {
			for _, b := range row {
				out = append(out, b.Label)
			}
		}
	}
	return out
}

func wantNoButton(t *testing.T, msgs []*bot.Message, label string) {
	t.Helper()
	for _, l := range labels(msgs) {
		if l == label {
			t.Fatalf("button %q offered in:%s", label, dump(msgs))
		}
	}
}

func TestDocSubmitWithNoLawyerSaysWhoToAsk(t *testing.T) {
	w := newDocWorld(t)
	_, d := w.producedDoc()
	off := false
	if _, err := w.svc.UpdateUser(context.Background(), core.Actor{User: w.admin}, w.user("test:l").ID,
		core.UserUpdate{Active: &off}, "уволился"); err != nil {
		t.Fatal(err)
	}
	got := w.pressIn("o", w.say("o", "/doc "+d.Number), "На согласование")
	wantText(t, got, "нет ни одного активного юриста", "администратора DealDesk пригласить юриста или привязать чат юристов")
	if strings.Contains(dump(got), "отправлен на согласование") {
		t.Fatalf("said it was sent:%s", dump(got))
	}
	if st := w.doc(d.Number).Status; st != core.DocDraft {
		t.Fatalf("status %s, want draft", st)
	}
}

func TestDocRequestWithNoOfficerIsRefused(t *testing.T) {
	w := newDocWorld(t)
	deal := w.deal("7707083893", "773601001", true)
	off := false
	if _, err := w.svc.UpdateUser(context.Background(), core.Actor{User: w.admin}, w.user("test:o").ID,
		core.UserUpdate{Active: &off}, "уволилась"); err != nil {
		t.Fatal(err)
	}
	got := w.say("m", "/doc request "+deal.Number+" договор")
	wantText(t, got, "некому принять", "пригласить сотрудника сопровождения или привязать их чат")
}

func TestDocCardOfAClosedDeal(t *testing.T) {
	w := newDocWorld(t)
	deal, d := w.approvedDoc()
	// A second, still requested, document of the same deal.
	req, err := w.svc.RequestDocument(context.Background(), core.Actor{User: w.user("test:m")}, deal.ID, core.DocInvoice, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.MoveDeal(context.Background(), core.Actor{User: w.user("test:m")}, deal.ID, deal.Stage,
		core.StageClosedLost, "ушли к конкурентам"); err != nil {
		t.Fatal(err)
	}
	card := w.say("o", "/doc "+d.Number)
	wantText(t, card, "Сделка закрыта (отказ)", "Дальше: ничего: сделка закрыта.")
	for _, l := range []string{"Сформировать заново", "Отправить по e-mail"} {
		wantNoButton(t, card, l)
	}
	card = w.say("o", "/doc "+req.Number)
	wantText(t, card, "Сделка закрыта (отказ)", "отмените запрос: /doc cancel "+req.Number)
	wantNoButton(t, card, "Сформировать")
	wantNoButton(t, card, "Взять")
}

func TestDocApprovedIsProducedAgainAndWarnsOfChanges(t *testing.T) {
	w := newDocWorld(t)
	deal, d := w.approvedDoc()
	card := w.say("o", "/doc "+d.Number)
	if strings.Contains(dump(card), "изменились после версии") {
		t.Fatalf("warns of changes that were not made:%s", dump(card))
	}
	// The deal's amount changes after version 1.
	if _, err := w.svc.UpdateDeal(context.Background(), core.Actor{User: w.user("test:m")}, deal.ID, "скидка",
		func(dl *core.Deal) error { dl.Amount = 10000000; return nil }); err != nil {
		t.Fatal(err)
	}
	card = w.say("o", "/doc "+d.Number)
	wantText(t, card, "Данные сделки изменились после версии 1 — сформируйте заново.")
	// A manager sees the card but does not produce.
	wantNoButton(t, w.say("m", "/doc "+d.Number), "Сформировать заново")
	warn := w.pressIn("o", card, "Сформировать заново")
	w.pressIn("o", warn, "Сформировать всё равно") // the card was never verified
	got := w.say("o", "Клиент проверен по выписке")
	wantText(t, got, "Готово: "+d.Number+", версия 2.")
	d = w.doc(d.Number)
	if d.Status != core.DocDraft || d.Approved != 1 {
		t.Fatalf("status %s, approved %d: want a draft needing approval again", d.Status, d.Approved)
	}
	if strings.Contains(dump(got), "изменились после версии") {
		t.Fatalf("version 2 still warned:%s", dump(got))
	}
}

func TestDocApprovedWithNoChannelsSaysWhy(t *testing.T) {
	w := newDocWorld(t)
	_, d := w.approvedDoc()
	// The same office without SMTP and EDO.
	w.reopen(core.WithDocEngine(fakeEngine{}), core.WithPDF(fakePDF{}))
	card := w.say("o", "/doc "+d.Number)
	wantText(t, card, "Дальше: отдать клиенту на подпись на бумаге",
		"Отправка по e-mail и через ЭДО не настроена — её включает администратор DealDesk.")
	wantNoButton(t, card, "Отправить по e-mail")
	found := false
	for _, l := range labels(card) {
		found = found || l == "Подписан на бумаге"
	}
	if !found {
		t.Fatalf("no «Подписан на бумаге» in:%s", dump(card))
	}
}
