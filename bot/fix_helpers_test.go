package bot_test

import (
	"context"

	"github.com/dealdesk/dealdesk/bot"
)

// pressDelivered delivers what is due and presses the button with the
// label in the newest message of the user's private chat that has it.
func (h *harness) pressDelivered(userID, label string) []*bot.Message {
	h.t.Helper()
	if _, err := h.bot.DeliverDue(context.Background(), "test"); err != nil {
		h.t.Fatal(err)
	}
	return h.press(userID, inChat(h.rec.take(), userID), label)
}
