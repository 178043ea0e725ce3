package bot_test

import (
	"testing"

	"github.com/dealdesk/dealdesk/bot/fix"
)

// TestCutRequest: the request a correction answers is read from anywhere
// in what was typed, in either language, and taken out of the text.
func TestCutRequest(t *testing.T) {
	for _, tc := range []struct {
		in, rest string
		id       int64
	}{
		{"кпп 773601002 причина: опечатка обращение #12", "кпп 773601002 причина: опечатка", 12},
		{"письмо клиента по обращению 7", "письмо клиента", 7},
		{"по Обращению №3 письмо клиента", "письмо клиента", 3},
		{"typo request #5", "typo", 5},
		{"обращения #2 и обращение #4", "обращения #2 и", 4},
		{"счёт 044525225 40702810938000012345", "счёт 044525225 40702810938000012345", 0},
		{"обращение без номера", "обращение без номера", 0},
	} {
		rest, id := fix.CutRequest(tc.in)
		if rest != tc.rest || id != tc.id {
			t.Errorf("CutRequest(%q) = %q, %d; want %q, %d", tc.in, rest, id, tc.rest, tc.id)
		}
	}
}
