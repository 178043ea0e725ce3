package bot_test

import (
	"testing"
	"time"
)

// TestEditDealDateInWords (review of issue 8): /edit reads a deal's date as
// the date steps do: «срок подписания через 3 дня» is no «Не понимаю дату».
func TestEditDealDateInWords(t *testing.T) {
	h := newEditHarness(t)
	msgs := h.say("m", "/edit D-2026-0001 срок подписания через 3 дня")
	h.wantIn(msgs, "Срок подписания: — → "+h.p.DateTime(time.Date(2026, 12, 1, 18, 0, 0, 0, msk)), "Без причины")
	h.wantIn(h.press("m", msgs, "Без причины"), "Сохранено")
	if got := h.dealNow().SigningDue; !got.Equal(time.Date(2026, 12, 1, 18, 0, 0, 0, msk)) {
		t.Fatalf("signing due = %v", got)
	}
	h.wantIn(h.say("m", "/edit D-2026-0001 оплата до пятницы причина: так договорились"), "Сохранено",
		"Срок оплаты: — → "+h.p.DateTime(time.Date(2026, 12, 4, 18, 0, 0, 0, msk)))
}
