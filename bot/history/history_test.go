package history

import (
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/dealdesk/dealdesk/bot"
)

// TestCut: a text is cut to a length counted in UTF-16 code units, as
// Telegram counts it, never inside a character, ending with «…».
func TestCut(t *testing.T) {
	for _, tc := range []struct {
		s     string
		limit int
		want  string
	}{
		{"короткий", 8, "короткий"},
		{"короткий", 7, "коротк…"},
		{strings.Repeat("📄", 5), 10, strings.Repeat("📄", 5)},
		{strings.Repeat("📄", 5), 9, strings.Repeat("📄", 4) + "…"},
		{strings.Repeat("📄", 5), 8, strings.Repeat("📄", 3) + "…"},
	} {
		got := cut(tc.s, tc.limit)
		if got != tc.want {
			t.Errorf("cut(%q, %d) = %q, want %q", tc.s, tc.limit, got, tc.want)
		}
		if n := len(utf16.Encode([]rune(got))); n > tc.limit || n != bot.TextLen(got) {
			t.Errorf("cut(%q, %d) is %d units long (TextLen %d)", tc.s, tc.limit, n, bot.TextLen(got))
		}
	}
}
