package bot_test

import (
	"strings"
	"testing"
)

// TestHistoryListItems (review of issue 8): a card's second contact is
// shown in its history as added, not as «контакты: — → …» (as if the card
// had none); a removed one as removed, a changed one old → new, and the
// same for bank accounts.
func TestHistoryListItems(t *testing.T) {
	h := newEditHarness(t)
	h.say("o", "/edit 7707083893 контакт Петров Пётр; главбух; причина: первый")
	h.say("o", "/edit 7707083893 контакт Иванова Анна; юрист; +7 999 123-45-67 причина: второй")
	msgs := h.press("o", h.say("o", "/edit 7707083893 контакты"), "✎ 1")
	h.say("o", "petrov@example.ru причина: дал почту")
	h.press("o", h.press("o", h.say("o", "/edit 7707083893 контакты"), "✕ 2"), "Без причины")
	h.say("o", "/edit 7707083893 счёт 044525225 40702810938000000001 причина: новый счёт")
	hist := dump(h.say("o", "/history 7707083893"))
	for _, want := range []string{
		"контакт добавлен: Петров Пётр, главбух (причина: первый)",
		"контакт добавлен: Иванова Анна, юрист, +7 999 123-45-67 (причина: второй)",
		"контакт изменён: Петров Пётр, главбух → Петров Пётр, главбух, petrov@example.ru",
		"контакт удалён: Иванова Анна, юрист, +7 999 123-45-67",
		"счёт добавлен: 40702810938000000001",
	} {
		if !strings.Contains(hist, want) {
			t.Errorf("history lacks %q", want)
		}
	}
	if strings.Contains(hist, "контакты: — →") || strings.Contains(hist, "→ —") {
		t.Errorf("history shows list items as the whole field:%s", hist)
	}
	if t.Failed() {
		t.Log(hist, dump(msgs))
	}
}
