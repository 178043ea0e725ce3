package bot_test

import (
	"context"
	"strings"
	"testing"
)

// TestUnsignedKindsEndAtDelivered: a proposal and an invoice are not
// signed by the client: their status line ends at «доставлен» and their
// card offers no paper signature and no original, before and after
// sending; a contract keeps both.
func TestUnsignedKindsEndAtDelivered(t *testing.T) {
	w := newDocWorld(t)
	ctx := context.Background()
	deal := w.deal("7707083893", "773601001", true)
	kp := w.fc.put("КП.docx", []byte(fakeDOCX+"Предложение {{doc.number}} для {{client.name}}"))
	wantText(t, w.sendFile(w.fc, "admin", "/template кп", kp), "принят")
	for _, c := range []struct{ kind, number string }{{"кп", "КП-2026-0001"}, {"счёт", "СЧ-2026-0001"}} {
		kind := c.kind
		card := w.produceAnyway(w.requestAndTake(deal, kind))
		wantText(t, card, "[черновик] → отправлен → доставлен\n")
		for _, bad := range []string{"→ подписан", "оригинал получен"} {
			if strings.Contains(dump(card), bad) {
				t.Errorf("%s: %q in%s", kind, bad, dump(card))
			}
		}
		to := w.pressIn("o", card, "Отправить по e-mail")
		w.pressIn("o", to, "ivanov@romashka.example (Иванов Иван)")
		if n, err := w.svc.DeliverDocuments(ctx, w.clock.Now()); n != 1 || err != nil {
			t.Fatalf("%s: DeliverDocuments = %d, %v", kind, n, err)
		}
		w.deliver()
		sent := w.say("o", "/doc "+c.number)
		wantText(t, sent, "черновик → [отправлен] → доставлен\n")
		wantNoButton(t, sent, "Подписан на бумаге")
		wantNoButton(t, sent, "Оригинал получен")
	}
}
