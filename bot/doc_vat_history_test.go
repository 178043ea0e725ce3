package bot_test

import (
	"strings"
	"testing"
)

// TestDocumentCardNamesTheVATRateInWords: a rate set to «без НДС» shows in
// the document card's history in words, not as its code.
func TestDocumentCardNamesTheVATRateInWords(t *testing.T) {
	w := newDocWorld(t)
	deal := w.deal("7707083893", "773601001", true)
	w.requestAndTake(deal, "договор")
	w.say("o", "/doc ндс ДГ-2026-0001 без НДС")
	w.say("o", "/doc ндс ДГ-2026-0001 10")
	card := dump(w.say("o", "/doc ДГ-2026-0001"))
	if strings.Contains(card, "none") || !strings.Contains(card, "ставка НДС без НДС") ||
		!strings.Contains(card, "ставка НДС 10 %") {
		t.Fatalf("card = %s", card)
	}
}
