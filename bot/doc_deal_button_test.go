package bot_test

import (
	"strings"
	"testing"
)

// TestDocumentFromTheDealCard: the deal card's «Запросить документ» asks
// the kind and requests it; the deal's history then names the document's
// status in words, not as a code.
func TestDocumentFromTheDealCard(t *testing.T) {
	w := newDocWorld(t)
	deal := w.deal("7707083893", "773601001", true)
	kinds := w.pressIn("m", w.say("m", "/deal "+deal.Number), "Запросить документ")
	asked := w.pressIn("m", kinds, "Договор")
	requested := w.pressIn("m", asked, "Пропустить")
	wantText(t, requested, "ДГ-2026-0001")
	w.deliver()
	w.pressIn("o", w.say("o", "/doc ДГ-2026-0001"), "Взять")
	history := dump(w.say("m", "/history "+deal.Number))
	if !strings.Contains(history, "ДГ-2026-0001") || strings.Contains(history, "requested") ||
		strings.Contains(history, "task_status") {
		t.Fatalf("history = %s", history)
	}
}
