package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// TestDocumentFromRequestToOriginal is issue 9's «done when» in the chat: a
// manager asks for a contract of a deal; an officer takes it, sees the
// check's warning, produces it anyway with a reason and gets the DOCX and
// PDF with the client's requisites and the amount in words; sends it for
// approval; a lawyer approves it by a button; the officer posts it to EDO as
// a draft (the client's box chosen); delivered and signed events come back
// to the manager, the deal moves to «действует»; the original is recorded;
// the card's status line and history show every step.
func TestDocumentFromRequestToOriginal(t *testing.T) {
	w := newDocWorld(t)
	ctx := context.Background()
	deal := w.deal("7707083893", "773601001", true)

	// The manager asks for a contract with a comment.
	got := w.say("m", "/doc request "+deal.Number+" договор Срочно, клиент ждёт до пятницы")
	w.want(got, "msg.doc.requested", map[string]any{"Number": "ДГ-2026-0001", "Kind": "договор"})

	// The officer is told (no officers' chat: personally), with «Взять».
	notes := w.deliver()
	wantText(t, notes, "Запрос документа ДГ-2026-0001: договор по сделке "+deal.Number, "Срочно, клиент ждёт до пятницы")
	if notes[0].ChatID != "o" {
		t.Fatalf("request told to %q, want the officer", notes[0].ChatID)
	}
	taken := w.pressIn("o", notes, "Взять")
	wantText(t, taken, "Вы взяли ДГ-2026-0001 в работу.", "Сотрудник сопровождения: Ольга")
	wantText(t, w.deliver(), "ДГ-2026-0001 (договор, сделка "+deal.Number+") взял в работу Ольга.")

	// The check warns that the card was never verified: produced anyway,
	// with a reason.
	warn := w.pressIn("o", taken, "Сформировать")
	wantText(t, warn, "карточка клиента ни разу не проверялась по реестру", "Сформировать всё равно?")
	w.want(w.pressIn("o", warn, "Сформировать всё равно"), "flow.doc.override_reason", nil)
	produced := w.say("o", "Клиент проверен по выписке")
	wantText(t, produced, "Готово: ДГ-2026-0001, версия 1.")
	fs := files(produced)
	if len(fs) != 2 || fs[0].Name != "ДГ-2026-0001.docx" || fs[1].Name != "ДГ-2026-0001.pdf" {
		t.Fatalf("files %+v, want the DOCX and the PDF", fs)
	}
	for _, want := range []string{"Общество с ограниченной ответственностью «Ромашка»", "ИНН 7707083893",
		"Сто двадцать три тысячи четыреста пятьдесят шесть рублей 78 копеек", "р/с 40702810938000012345"} {
		for _, f := range fs {
			if !strings.Contains(string(f.Data), want) {
				t.Errorf("%s lacks %q:\n%s", f.Name, want, f.Data)
			}
		}
	}
	wantText(t, produced, "[черновик] → на согласовании → согласован → отправлен → доставлен → подписан → оригинал получен",
		"вопреки предупреждениям проверки: Клиент проверен по выписке")
	w.deliver()

	// To the lawyers, with the files and the decision buttons.
	submitted := w.pressIn("o", produced, "На согласование")
	wantText(t, submitted, "ДГ-2026-0001 (версия 1) отправлен на согласование юристам.",
		"черновик → [на согласовании] → согласован")
	toLawyer := w.deliver()
	if len(toLawyer) != 1 || toLawyer[0].ChatID != "l" || len(toLawyer[0].Files) != 2 {
		t.Fatalf("the lawyer got %s", dump(toLawyer))
	}
	wantText(t, toLawyer, "На согласование: договор ДГ-2026-0001, версия 1", "Запрос менеджера: Срочно")
	// The lawyer's own message: nobody else presses its buttons.
	w.want(w.pressIn("o", toLawyer, "Согласовать"), "err.button.not_yours", nil)
	approved := w.pressIn("l", toLawyer, "Согласовать")
	w.want(approved, "msg.doc.decided.approve", map[string]any{"Number": "ДГ-2026-0001", "Version": 1, "By": "Лев"})
	told := w.deliver()
	if len(inChat(told, "o")) != 1 || len(inChat(told, "m")) != 1 {
		t.Fatalf("officer and manager not told of the decision: %s", dump(told))
	}
	wantText(t, told, "ДГ-2026-0001 (версия 1, сделка "+deal.Number+"): согласован — Лев.")

	// The officer sends it to EDO: the client has two boxes, one is chosen.
	card := w.say("o", "/doc дг-2026-1")
	wantText(t, card, "[согласован]")
	boxes := w.pressIn("o", card, "Отправить в Диадок")
	w.want(boxes, "flow.doc.box", map[string]any{"Operator": "Диадок", "Count": 2})
	queued := w.pressIn("o", boxes, "ООО «Ромашка», КПП 773601001")
	wantText(t, queued, "ДГ-2026-0001 загружается в Диадок черновиком", "квалифицированной электронной подписью")
	if n, err := w.svc.DeliverDocuments(ctx, w.clock.Now()); n != 1 || err != nil {
		t.Fatalf("DeliverDocuments = %d, %v", n, err)
	}
	if len(w.edo.posted) != 1 || w.edo.posted[0].ToBoxID != "box-head@diadoc.ru" || !w.edo.posted[0].NeedRecipientSignature ||
		!strings.HasPrefix(string(w.edo.posted[0].Content), "%PDF") {
		t.Fatalf("posted %+v", w.edo.posted)
	}
	wantText(t, w.deliver(), "ДГ-2026-0001 (договор, сделка "+deal.Number+") загружен в ЭДО черновиком")
	// Posted, it waits in EDO: nothing offers to send it again.
	posted := w.say("o", "/doc ДГ-2026-0001")
	wantText(t, posted, "Дальше: документ лежит черновиком в ЭДО")
	if anyButton(posted, "Отправить в Диадок") || anyButton(posted, "Отправить по e-mail") {
		t.Fatalf("a posted document offers sending again:%s", dump(posted))
	}

	// Delivered and signed come back from the operator's feed.
	w.clock.Add(time.Hour)
	w.edo.events = []core.EDOEvent{{IndexKey: "k1", MessageID: "msg-1", EntityID: "ent-1", Status: core.EDODelivered},
		{IndexKey: "k+2", MessageID: "msg-1", EntityID: "ent-1", Status: core.EDOSigned}}
	if _, err := w.svc.PollEDO(ctx, w.clock.Now()); err != nil {
		t.Fatal(err)
	}
	toManager := inChat(w.deliver(), "m")
	wantText(t, toManager, "ДГ-2026-0001 (договор, сделка "+deal.Number+" «Поставка оборудования»): доставлен",
		"ДГ-2026-0001 (договор, сделка "+deal.Number+" «Поставка оборудования»): подписан.",
		"Сделка переведена в стадию «действует».")
	if d, _ := w.svc.DealByID(ctx, core.Actor{User: w.admin}, deal.ID); d.Stage != core.StageActive {
		t.Errorf("deal stage %s, want active", d.Stage)
	}

	// The manager records the original from the document's button.
	back := w.pressIn("m", toManager, "2️⃣ Открыть документ") // delivered and signed came as one message
	original := w.pressIn("m", back, "Оригинал получен")
	wantText(t, original, "Отмечено: оригинал ДГ-2026-0001 получен.",
		"черновик → на согласовании → согласован → отправлен → доставлен → подписан → [оригинал получен]",
		"Дальше: всё сделано")
	if w.doc("ДГ-2026-0001").Status != core.DocOriginal {
		t.Fatal("the original is not recorded")
	}

	// The card's history shows every step.
	docCard := w.say("m", "/doc ДГ-2026-0001")
	wantText(t, docCard, "Максим: запрошен", "Ольга: взял(а) в работу\n",
		"Ольга: черновик, версия 1", "Ольга: вопреки предупреждениям проверки — «Клиент проверен по выписке»",
		"Ольга: на согласовании", "Лев: согласован", "Ольга: отправка через ЭДО\n", "система: доставлен, подписан",
		"Максим: оригинал получен")
	if strings.Contains(dump(docCard), "box-") {
		t.Fatalf("the card shows an EDO box id: %s", dump(docCard))
	}
	// And the deal's history lists the document's changes.
	wantText(t, w.say("m", "/history "+deal.Number), "документ ДГ-2026-0001")
}
