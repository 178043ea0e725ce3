package bot_test

import (
	"testing"

	"github.com/dealdesk/dealdesk/bot/fix"
)

// TestCutRequest: the request a correction answers is read from the end
// of what was typed (after the value, or with the reason), in either
// language, and taken out of the text; a request named anywhere else is a
// part of the text (a title «Ответ на обращение 5 клиента»).
func TestCutRequest(t *testing.T) {
	for _, tc := range []struct {
		in, rest string
		id       int64
	}{
		{"кпп 773601002 причина: опечатка обращение #12", "кпп 773601002 причина: опечатка", 12},
		{"письмо клиента по обращению 7", "письмо клиента", 7},
		{"письмо клиента по Обращению №3", "письмо клиента", 3},
		{"typo request #5", "typo", 5},
		{"typo, request no. 5.", "typo", 5},
		{"опечатка, обращение #12.", "опечатка", 12},
		{"обращение #12", "", 12},
		{"обращения #2 и обращение #4", "обращения #2 и", 4},
		{"Ответ на обращение 5 клиента", "Ответ на обращение 5 клиента", 0},
		{"по Обращению №3 письмо клиента", "по Обращению №3 письмо клиента", 0},
		{"обращение #4 от клиента", "обращение #4 от клиента", 0},
		{"Москва, ул. Новая, 1\nобращение #7", "Москва, ул. Новая, 1", 7},
		{"счёт 044525225 40702810938000012345", "счёт 044525225 40702810938000012345", 0},
		{"обращение без номера", "обращение без номера", 0},
	} {
		rest, id := fix.CutRequest(tc.in)
		if rest != tc.rest || id != tc.id {
			t.Errorf("CutRequest(%q) = %q, %d; want %q, %d", tc.in, rest, id, tc.rest, tc.id)
		}
	}
}
