package bot_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// Ids a person cannot use: an EDO box's or a document's GUID, the fake
// operator's message and entity ids, a channel's or a warning's code, a
// version shown as 0.
var (
	guid       = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	rawDocCode = regexp.MustCompile(`\b(?:msg|ent)-\d|\b(?:email|edo): |never_verified|err\.[a-z_.]+|(?:→|:) 0(?:[ \n)]|$)`)
)

// Box and document ids as Diadoc gives them.
const (
	boxGUID    = "816bffec-8aed-7363-7a8b-3347a6a033c2"
	letterGUID = "dfdb7f88-5736-4c1e-9d1b-0c1a2b3c4d5e"
	entityGUID = "0a1b2c3d-5736-4c1e-9d1b-0c1a2b3c4d5e"
)

// noInternals fails when a history shows an id or a code where words
// belong.
func noInternals(t *testing.T, what, text string) {
	t.Helper()
	if ids := guid.FindAllString(text, -1); len(ids) > 0 {
		t.Errorf("%s shows ids %q:%s", what, ids, text)
	}
	if codes := rawDocCode.FindAllString(text, -1); len(codes) > 0 {
		t.Errorf("%s shows codes %q:%s", what, codes, text)
	}
}

// TestHistoryOfDocumentSentByEmailThenEDO: a contract approved, e-mailed
// to the client and then posted to EDO for the signature, which a person
// signs and sends from the draft, reads in a deal's /history as people
// speak: the channels in words, no version as «—», the EDO box by its
// title, the EDO document as a draft and then sent, the accepted warnings
// in words; no GUID, operator's id or code, in either language.
func TestHistoryOfDocumentSentByEmailThenEDO(t *testing.T) {
	w := newDocWorld(t)
	ctx := context.Background()
	w.edo.boxes = []core.EDOBox{{ID: boxGUID, Title: "ООО «Ромашка»", INN: "7707083893", KPP: "773601001"}}
	deal := w.deal("7707083893", "773601001", true)
	card := w.produceAnyway(w.requestAndTake(deal, "договор"))
	w.pressIn("o", card, "На согласование")
	w.pressIn("l", w.deliver(), "Согласовать")
	w.deliver()

	// A copy by e-mail first.
	w.clock.Add(time.Minute)
	to := w.pressIn("o", w.say("o", "/doc ДГ-2026-0001"), "Отправить по e-mail")
	w.pressIn("o", to, "ivanov@romashka.example (Иванов Иван)")
	if n, err := w.svc.DeliverDocuments(ctx, w.clock.Now()); n != 1 || err != nil {
		t.Fatalf("DeliverDocuments = %d, %v", n, err)
	}
	w.deliver()

	// Then EDO for the signature: the client's one box, posted at once.
	w.clock.Add(time.Minute)
	w.pressIn("o", w.say("o", "/doc ДГ-2026-0001"), "Отправить в Диадок")
	if n, err := w.svc.DeliverDocuments(ctx, w.clock.Now()); n != 1 || err != nil {
		t.Fatalf("DeliverDocuments = %d, %v", n, err)
	}
	w.deliver()
	if d := w.doc("ДГ-2026-0001"); d.SentTo != "ООО «Ромашка»" || d.EDOBoxID != boxGUID || d.EDOMessageID != "msg-1" {
		t.Fatalf("posted to %q (box %q, message %q), want the box's title and its id kept", d.SentTo, d.EDOBoxID, d.EDOMessageID)
	}
	wantText(t, w.say("o", "/doc ДГ-2026-0001"), "Отправлен через ЭДО: ООО «Ромашка» (версия 1)")

	// A person signs the draft and sends it in Diadoc: a letter with ids of
	// its own, later signed by the client.
	w.clock.Add(time.Hour)
	w.edo.events = []core.EDOEvent{
		{IndexKey: "k1", MessageID: letterGUID, EntityID: entityGUID, DraftID: "msg-1", Status: core.EDOSent},
		{IndexKey: "k2", MessageID: letterGUID, EntityID: entityGUID, Status: core.EDOSigned}}
	if _, err := w.svc.PollEDO(ctx, w.clock.Now()); err != nil {
		t.Fatal(err)
	}
	w.deliver()
	if d := w.doc("ДГ-2026-0001"); d.Status != core.DocSigned || d.EDOMessageID != letterGUID {
		t.Fatalf("document %s, message %q after the letter", d.Status, d.EDOMessageID)
	}

	for _, tc := range []struct {
		lang string
		want []string
	}{
		{"ru", []string{
			"· документ ДГ-2026-0001 · принятые предупреждения: — → карточка клиента ни разу не проверялась по реестру (причина: Проверено по телефону)",
			"• версия: — → 1",
			"• согласованная версия: — → 1",
			"· документ ДГ-2026-0001 · отправка по e-mail: ivanov@romashka.example (причина: отправка клиенту)",
			"• способ отправки: — → по e-mail",
			"• получатель: — → ivanov@romashka.example",
			"• отправленная версия: — → 1",
			"· задача #1 (причина: по документу)\n    • статус: открыта → выполнена\n    • результат: — → ivanov@romashka.example\n",
			"· документ ДГ-2026-0001 · отправка через ЭДО (причина: отправка клиенту)",
			"(причина: загружен в ЭДО черновиком)\n    • способ отправки: по e-mail → через ЭДО\n    • получатель: ivanov@romashka.example → ООО «Ромашка»\n    • документ в ЭДО: — → черновик",
			"• документ в ЭДО: черновик → подписан и отправлен клиенту",
			"• статус: отправлен → подписан",
		}},
		{"en", []string{
			"· document ДГ-2026-0001 · warnings accepted: — → the client's card was never checked against a registry",
			"• approved version: — → 1",
			"· document ДГ-2026-0001 · sending by e-mail: ivanov@romashka.example (reason: sending to the client)",
			"· document ДГ-2026-0001 · sending through EDO (reason: sending to the client)",
			"• sent by: by e-mail → through EDO",
			"• recipient: ivanov@romashka.example → ООО «Ромашка»",
			"• EDO document: — → draft",
			"• EDO document: draft → signed and sent to the client",
		}},
	} {
		w.say("o", "/lang "+tc.lang)
		got := allPages(t, w.harness, "o", deal.Number)
		for _, want := range tc.want {
			if !strings.Contains(got, want) {
				t.Errorf("%s /history lacks %q:%s", tc.lang, want, got)
			}
		}
		noInternals(t, tc.lang+" /history", got)
	}
}

// refusingEDO is the fake operator refusing every draft with err.
type refusingEDO struct {
	*fakeEDO
	err error
}

func (e refusingEDO) PostDraft(context.Context, *core.EDODraft) (*core.EDOPosted, error) {
	return nil, e.err
}

// TestHistoryOfDocumentPostedToAChosenBox: an invoice (no approval) with
// its VAT rate set is refused by the operator with an error of its own,
// then posted to the box chosen, which the operator no longer lists by the
// time it is posted: the recipient is the box's title as it was chosen,
// never the box's id (kept apart), and the history says the rate and the
// operator's refusal in words.
func TestHistoryOfDocumentPostedToAChosenBox(t *testing.T) {
	w := newDocWorld(t)
	ctx := context.Background()
	w.edo.boxes = []core.EDOBox{{ID: boxGUID, Title: "ООО «Ромашка»", INN: "7707083893", KPP: "773601001"}}
	deal := w.deal("7707083893", "773601001", true)
	card := w.requestAndTake(deal, "счёт")
	w.say("o", "/doc ндс СЧ-2026-0001 10")
	w.produceAnyway(card)
	opts := w.opts
	w.reopen(append(opts, core.WithEDO(refusingEDO{w.edo, core.Errorf(core.EFORBIDDEN, "err.edo.payment")}))...)
	w.pressIn("o", w.say("o", "/doc СЧ-2026-0001"), "Отправить в Диадок")
	if n, err := w.svc.DeliverDocuments(ctx, w.clock.Now()); n != 1 || err != nil {
		t.Fatalf("DeliverDocuments = %d, %v", n, err)
	}
	w.deliver()
	if d := w.doc("СЧ-2026-0001"); d.Status != core.DocSendFailed || d.SendError != "err.edo.payment" {
		t.Fatalf("document %s, error %q, want refused with the operator's key", d.Status, d.SendError)
	}

	w.clock.Add(time.Minute)
	w.reopen(opts...)
	w.pressIn("o", w.say("o", "/doc СЧ-2026-0001"), "Отправить в Диадок")
	w.edo.boxes = nil // the box is no longer the client's
	if n, err := w.svc.DeliverDocuments(ctx, w.clock.Now()); n != 1 || err != nil {
		t.Fatalf("DeliverDocuments = %d, %v", n, err)
	}
	w.deliver()
	if d := w.doc("СЧ-2026-0001"); d.SentTo != "ООО «Ромашка»" || d.EDOBoxID != boxGUID || d.EDOMessageID == "" {
		t.Fatalf("posted to %q (box %q, message %q), want the chosen box's title and its id kept",
			d.SentTo, d.EDOBoxID, d.EDOMessageID)
	}
	cardNow := w.say("o", "/doc СЧ-2026-0001")
	wantText(t, cardNow, "Отправлен через ЭДО: ООО «Ромашка» (версия 1)")

	got := allPages(t, w.harness, "o", deal.Number)
	for _, want := range []string{
		"· документ СЧ-2026-0001 · НДС: — → 10 %\n",
		"• статус: черновик → не отправлен\n    • ошибка отправки: — → Подписка организации на API Диадока закончилась: продлите её.",
		"• способ отправки: — → через ЭДО",
		"• документ в ЭДО: — → черновик",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("/history lacks %q:%s", want, got)
		}
	}
	if !strings.Contains(got, "получатель: — → ООО «Ромашка»") {
		t.Errorf("the recipient is not the chosen box's title:%s", got)
	}
	noInternals(t, "/history", got)
}
