package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// requestAndTake has the manager ask for a document of the kind and the
// officer take it; it returns the officer's card of it.
func (w *docWorld) requestAndTake(deal *core.Deal, kind string) []*bot.Message {
	w.t.Helper()
	w.say("m", "/doc request "+deal.Number+" "+kind)
	return w.pressIn("o", w.deliver(), "Взять")
}

// produceAnyway produces a document from its card, accepting the check's
// warnings with a reason.
func (w *docWorld) produceAnyway(card []*bot.Message) []*bot.Message {
	w.t.Helper()
	label := "Сформировать"
	if !anyButton(card, label) {
		label = "Сформировать заново"
	}
	warn := w.pressIn("o", card, label)
	w.pressIn("o", warn, "Сформировать всё равно")
	got := w.say("o", "Проверено по телефону")
	w.deliver()
	return got
}

// anyButton reports whether any of the messages has a button with the label.
func anyButton(msgs []*bot.Message, label string) bool {
	for _, m := range msgs {
		for _, row := range m.Buttons {
			for _, b := range row {
				if b.Label == label {
					return true
				}
			}
		}
	}
	return false
}

// TestMissingBankAccountRefuses: a card without a bank account refuses the
// contract with the list of what is missing, in words; nothing is produced;
// «Проверить снова» checks again.
func TestMissingBankAccountRefuses(t *testing.T) {
	w := newDocWorld(t)
	deal := w.deal("7707083893", "773601001", false)
	card := w.requestAndTake(deal, "договор")
	refused := w.pressIn("o", card, "Сформировать")
	wantText(t, refused, "ДГ-2026-0001 не сформирован: в данных не хватает того, что нужно шаблону «Договор»:",
		"• не заполнено: расчётный счёт клиента", "• не заполнено: банк клиента", "• не заполнено: БИК банка клиента",
		"• не заполнено: корреспондентский счёт банка клиента")
	if strings.Contains(dump(refused), "ИНН клиента") {
		t.Errorf("a filled field listed as missing:%s", dump(refused))
	}
	if d := w.doc("ДГ-2026-0001"); len(d.Versions) != 0 || d.Status != core.DocRequested {
		t.Fatalf("document %+v produced", d)
	}
	// Checked again, still missing: the same refusal, nothing half-filled.
	again := w.pressIn("o", refused, "Проверить снова")
	wantText(t, again, "• не заполнено: расчётный счёт клиента")
	if len(files(again)) != 0 {
		t.Fatalf("files sent for a refused document: %s", dump(again))
	}
}

// TestLawyersDecideInTheirChat: a document goes to the lawyers' work chat
// with its files; only a lawyer decides there; «На доработку» asks the
// remark first, which the officer and manager get and the card shows; the
// new version goes for approval again, and a decision on the old version
// is refused; «Отклонить» asks why.
func TestLawyersDecideInTheirChat(t *testing.T) {
	w := newDocWorld(t)
	w.send(&bot.Update{UserID: "admin", ChatID: "-200", ChatType: bot.ChatGroup, Text: "/bind lawyers",
		Command: "bind", Args: "lawyers"})
	w.deliver()
	deal := w.deal("7707083893", "773601001", true)
	card := w.produceAnyway(w.requestAndTake(deal, "договор"))
	w.pressIn("o", card, "На согласование")
	inLawyers := w.deliver()
	if len(inLawyers) != 1 || inLawyers[0].ChatID != "-200" || len(inLawyers[0].Files) != 2 {
		t.Fatalf("lawyers' chat got %s", dump(inLawyers))
	}
	// In the lawyers' chat the officer's press is refused by role.
	w.want(w.pressIn("o", inLawyers, "Согласовать"), "err.forbidden", nil)

	// «На доработку» asks for the remark, in the chat.
	ask := w.pressIn("l", inLawyers, "На доработку")
	w.want(ask, "flow.doc.decide.rework", nil)
	if ask[0].ChatID != "-200" {
		t.Fatalf("asked in %q", ask[0].ChatID)
	}
	reworked := w.send(&bot.Update{UserID: "l", ChatID: "-200", ChatType: bot.ChatGroup, Text: "Уточнить предмет договора"})
	wantText(t, reworked, "ДГ-2026-0001, версия 1: возвращён на доработку (Лев): «Уточнить предмет договора».")
	told := w.deliver()
	wantText(t, inChat(told, "o"), "возвращён на доработку — Лев: «Уточнить предмет договора»")
	wantText(t, inChat(told, "m"), "возвращён на доработку")

	card = w.say("o", "/doc ДГ-2026-0001")
	wantText(t, card, "Замечание юриста (на доработке): Уточнить предмет договора",
		"черновик → на согласовании → [на доработке] → отправлен")
	if anyButton(card, "На согласование") || !anyButton(card, "Сформировать заново") {
		t.Fatalf("a document for rework offers %s", dump(card))
	}
	v2 := w.produceAnyway(card)
	wantText(t, v2, "Готово: ДГ-2026-0001, версия 2.")
	if fs := files(v2); len(fs) != 2 || fs[0].Name != "ДГ-2026-0001-v2.docx" {
		t.Fatalf("version 2's files %+v", fs)
	}
	w.pressIn("o", v2, "На согласование")
	second := w.deliver()
	wantText(t, second, "версия 2")

	// The first version's «Согласовать» is outdated now.
	w.want(w.pressIn("l", inLawyers, "Согласовать"), "err.doc.outdated_version",
		map[string]any{"Number": "ДГ-2026-0001", "Version": 1, "Current": 2})

	w.want(w.pressIn("l", second, "Отклонить"), "flow.doc.decide.reject", nil)
	// A comment is required.
	w.want(w.send(&bot.Update{UserID: "l", ChatID: "-200", ChatType: bot.ChatGroup, Text: "-"}), "flow.doc.decide.reject", nil)
	rejected := w.send(&bot.Update{UserID: "l", ChatID: "-200", ChatType: bot.ChatGroup, Text: "Клиент в стоп-листе"})
	wantText(t, rejected, "ДГ-2026-0001, версия 2: отклонён (Лев): «Клиент в стоп-листе».")
	d := w.doc("ДГ-2026-0001")
	if d.Status != core.DocRejected || d.Remark != "Клиент в стоп-листе" {
		t.Fatalf("document %s, %q", d.Status, d.Remark)
	}
	card = w.say("m", "/doc ДГ-2026-0001")
	wantText(t, card, "черновик → на согласовании → [отклонён]", "Дальше: документ отклонён юристом")
	if anyButton(card, "Отправить по e-mail") || anyButton(card, "Подписан на бумаге") {
		t.Fatalf("a rejected document offers %s", dump(card))
	}
}

// TestSendByEmail: an invoice needs no approval: once produced it goes by
// e-mail to the client's address chosen by a button; the worker sends it
// with both files, the status line says sent and the manager is told. A
// contract is offered no sending before it is approved.
func TestSendByEmail(t *testing.T) {
	w := newDocWorld(t)
	ctx := context.Background()
	deal := w.deal("7707083893", "773601001", true)
	card := w.produceAnyway(w.requestAndTake(deal, "счёт"))
	wantText(t, card, "[черновик] → отправлен → доставлен\n")
	to := w.pressIn("o", card, "Отправить по e-mail")
	w.want(to, "flow.doc.email", map[string]any{"Number": "СЧ-2026-0001", "Client": "ООО «Ромашка»"})
	// An address that does not read is asked again.
	bad := w.say("o", "ivanov@")
	if !strings.Contains(dump(bad), h(w).p.T("flow.doc.email", map[string]any{"Number": "СЧ-2026-0001", "Client": "ООО «Ромашка»"})) {
		t.Fatalf("a bad address not asked again:%s", dump(bad))
	}
	queued := w.pressIn("o", bad, "ivanov@romashka.example (Иванов Иван)")
	w.want(queued, "msg.doc.email_queued", map[string]any{"Number": "СЧ-2026-0001", "To": "ivanov@romashka.example"})
	if n, err := w.svc.DeliverDocuments(ctx, w.clock.Now()); n != 1 || err != nil {
		t.Fatalf("DeliverDocuments = %d, %v", n, err)
	}
	if len(w.mailer.sent) != 1 {
		t.Fatalf("mails %+v", w.mailer.sent)
	}
	mail := w.mailer.sent[0]
	if mail.To[0] != "ivanov@romashka.example" || mail.Subject != "Счёт на оплату СЧ-2026-0001 — ООО «ДилДеск»" ||
		len(mail.Attachments) != 2 || !strings.Contains(mail.Text, "Направляем счёт СЧ-2026-0001") {
		t.Fatalf("mail %+v", mail)
	}
	wantText(t, inChat(w.deliver(), "m"), "СЧ-2026-0001 (счёт, сделка "+deal.Number+") отправлен клиенту по e-mail: ivanov@romashka.example.")
	wantText(t, w.say("o", "/doc СЧ-2026-0001"), "черновик → [отправлен] → доставлен",
		"Отправлен по e-mail: ivanov@romashka.example (версия 1)")

	// A contract not approved yet offers no sending and no paper signature.
	contract := w.produceAnyway(w.requestAndTake(deal, "договор"))
	for _, label := range []string{"Отправить по e-mail", "Отправить в Диадок", "Подписан на бумаге"} {
		if anyButton(contract, label) {
			t.Errorf("an unapproved contract offers %q", label)
		}
	}
}

// h returns the world's harness.
func h(w *docWorld) *harness { return w.harness }

// TestVATAndCancel: an officer sets a document's VAT rate before it is
// produced, and the file has it; the manager cancels a request that is no
// longer needed, with a reason, and the officer is told.
func TestVATAndCancel(t *testing.T) {
	w := newDocWorld(t)
	deal := w.deal("7707083893", "773601001", true)
	card := w.requestAndTake(deal, "договор")
	w.want(w.say("o", "/doc ндс ДГ-2026-0001 10"), "msg.doc.vat_set",
		map[string]any{"Number": "ДГ-2026-0001", "VAT": "НДС 10 %", "Produced": false})
	w.want(w.say("o", "/doc ндс ДГ-2026-0001 18"), "err.doc.vat_unknown", map[string]any{"Rate": "18"})
	made := w.produceAnyway(card)
	if fs := files(made); len(fs) != 2 || !strings.Contains(string(fs[0].Data), "в т.ч. НДС 10 %") {
		t.Fatalf("files %s", dump(made))
	}
	wantText(t, made, "DOCX и PDF, НДС 10 %")
	// The manager may not set it.
	w.want(w.say("m", "/doc ндс ДГ-2026-0001 22"), "err.forbidden", nil)

	w.requestAndTake(deal, "счёт")
	w.deliver()
	w.want(w.say("m", "/doc cancel СЧ-2026-0001"), "msg.doc.cancel_usage", nil)
	cancelled := w.say("m", "/doc cancel СЧ-2026-0001 клиент оплатит по старому счёту")
	wantText(t, cancelled, "СЧ-2026-0001 отменён.", "запрошен → [отменён]", "Дальше: документ отменён.")
	wantText(t, inChat(w.deliver(), "o"), "СЧ-2026-0001 (счёт, сделка "+deal.Number+") отменён: клиент оплатит по старому счёту (Максим).")
	if anyButton(cancelled, "Взять") || anyButton(cancelled, "Сформировать") {
		t.Fatalf("a cancelled document offers %s", dump(cancelled))
	}
}

// TestDocsOfADeal: /docs lists a deal's documents with their status lines
// and buttons; «Запросить документ» asks for one in three taps; /doc with a
// version sends that version's files; another manager sees none of it.
func TestDocsOfADeal(t *testing.T) {
	w := newDocWorld(t)
	deal := w.deal("7707083893", "773601001", true)
	w.produceAnyway(w.requestAndTake(deal, "договор"))
	w.want(w.say("m", "/docs"), "msg.docs.usage", nil)
	list := w.say("m", "/docs "+deal.Number)
	wantText(t, list, "Документы сделки "+deal.Number+" «Поставка оборудования» — 1:", "ДГ-2026-0001 · договор · версия 1",
		"[черновик] → на согласовании")
	// Three taps: the button, the kind, «Пропустить».
	kinds := w.pressIn("m", list, "Запросить документ")
	w.want(kinds, "flow.doc.kind", map[string]any{"Deal": deal.Number + " «Поставка оборудования»"})
	comment := w.pressIn("m", kinds, "Коммерческое предложение (КП)")
	w.want(comment, "flow.doc.comment", nil)
	w.want(w.pressIn("m", comment, "Пропустить"), "msg.doc.requested", map[string]any{"Number": "КП-2026-0001",
		"Kind": "коммерческое предложение"})
	wantText(t, w.say("m", "/docs "+deal.Number), "— 2:", "КП-2026-0001 · коммерческое предложение\n[запрошен] → черновик")

	// Typed: what is missing is asked.
	w.want(w.say("m", "/doc request "+deal.Number), "flow.doc.kind", map[string]any{"Deal": deal.Number + " «Поставка оборудования»"})
	w.want(w.say("m", "/doc request"), "flow.doc.deal", nil)
	w.want(w.say("m", "D-2026-0099"), "flow.doc.deal", nil) // no such deal: asked again
	w.want(w.say("m", deal.Number), "flow.doc.kind", map[string]any{"Deal": deal.Number + " «Поставка оборудования»"})
	w.want(w.say("m", "допсоглашение"), "flow.doc.comment", nil)
	w.want(w.say("m", "к договору ДГ-2026-0001"), "msg.doc.requested", map[string]any{"Number": "ДС-2026-0001",
		"Kind": "дополнительное соглашение"})

	v1 := w.say("o", "/doc ДГ-2026-0001 v1")
	if fs := files(v1); len(fs) != 2 || fs[0].Name != "ДГ-2026-0001.docx" {
		t.Fatalf("version 1's files %s", dump(v1))
	}
	w.want(w.say("o", "/doc ДГ-2026-0001 3"), "err.doc.version_not_found", map[string]any{"Number": "ДГ-2026-0001",
		"Version": 3, "Count": 1})
	w.want(w.say("o", "/doc ДГ-2026"), "err.doc.number_format", map[string]any{"Number": "ДГ-2026"})

	w.addUser("m2", "Мария", core.RoleManager)
	w.want(w.say("m2", "/doc ДГ-2026-0001"), "err.doc.not_found", map[string]any{"Number": "ДГ-2026-0001"})
}
