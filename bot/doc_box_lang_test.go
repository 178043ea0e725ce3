package bot_test

import (
	"testing"
)

// TestBoxChoiceInTheUsersLanguage: the client's EDO boxes are offered
// with their KPP named in the user's language, and the one pressed is the
// document's recipient by its title.
func TestBoxChoiceInTheUsersLanguage(t *testing.T) {
	w := newDocWorld(t)
	_, d := w.approvedDoc()
	w.say("o", "/lang en")
	card := w.say("o", "/doc "+d.Number)
	boxes := w.pressIn("o", card, "Send to Диадок")
	queued := w.pressIn("o", boxes, "ООО «Ромашка», KPP 773601001")
	wantText(t, queued, "ООО «Ромашка», KPP 773601001")
}
