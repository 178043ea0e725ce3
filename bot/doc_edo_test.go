package bot_test

import (
	"context"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// TestPostedDraftRefusesSendingAgain: once a version waits in EDO as a
// draft, the card offers no sending, and the send buttons of an earlier
// card are refused with the reason; the client may still sign a contract
// on paper meanwhile (an invoice is not signed: no such button).
func TestPostedDraftRefusesSendingAgain(t *testing.T) {
	w := newDocWorld(t)
	ctx := context.Background()
	deal := w.deal("7707083893", "773601001", true)
	card := w.produceAnyway(w.requestAndTake(deal, "счёт"))
	boxes := w.pressIn("o", card, "Отправить в Диадок")
	w.pressIn("o", boxes, "ООО «Ромашка», КПП 773601001")
	if n, err := w.svc.DeliverDocuments(ctx, w.clock.Now()); n != 1 || err != nil {
		t.Fatalf("DeliverDocuments = %d, %v", n, err)
	}
	w.deliver()

	refusal := map[string]any{"Number": "СЧ-2026-0001", "Version": 1}
	w.want(w.pressIn("o", card, "Отправить в Диадок"), "err.doc.waits_in_edo", refusal)
	w.want(w.pressIn("o", card, "Отправить по e-mail"), "err.doc.waits_in_edo", refusal)
	if n, _ := w.svc.DeliverDocuments(ctx, w.clock.Now()); n != 0 || len(w.edo.posted) != 1 || len(w.mailer.sent) != 0 {
		t.Fatalf("sent again: %d sends, %d posted, %d mails", n, len(w.edo.posted), len(w.mailer.sent))
	}
	now := w.say("o", "/doc СЧ-2026-0001")
	wantText(t, now, "Дальше: документ лежит черновиком в ЭДО")
	if anyButton(now, "Отправить в Диадок") || anyButton(now, "Отправить по e-mail") {
		t.Fatalf("a draft waiting in EDO offers sending:%s", dump(now))
	}
	wantNoButton(t, now, "Подписан на бумаге")

	// A contract waiting in EDO the client signs on paper.
	w = newDocWorld(t)
	_, d := w.approvedDoc()
	card = w.say("o", "/doc "+d.Number)
	boxes = w.pressIn("o", card, "Отправить в Диадок")
	w.pressIn("o", boxes, "ООО «Ромашка», КПП 773601001")
	if n, err := w.svc.DeliverDocuments(ctx, w.clock.Now()); n != 1 || err != nil {
		t.Fatalf("DeliverDocuments = %d, %v", n, err)
	}
	w.deliver()
	now = w.say("o", "/doc "+d.Number)
	wantText(t, now, "Дальше: документ лежит черновиком в ЭДО")
	signed := w.pressIn("o", now, "Подписан на бумаге")
	wantText(t, signed, "[подписан]")
	if d := w.doc(d.Number); d.Status != core.DocSigned {
		t.Errorf("status %s after the paper signature", d.Status)
	}
}
