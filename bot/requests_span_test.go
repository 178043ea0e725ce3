package bot_test

import (
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot"
)

// TestParseSpan: one reader of a span of time typed in either language,
// for /sla (working time: no days) and /rules (days too).
func TestParseSpan(t *testing.T) {
	cases := []struct {
		in   string
		days bool
		want time.Duration
		ok   bool
	}{
		{"4ч", false, 4 * time.Hour, true},
		{"4 часа", false, 4 * time.Hour, true},
		{"1ч30м", false, 90 * time.Minute, true},
		{"1 ч 30 мин", false, 90 * time.Minute, true},
		{"90 мин", false, 90 * time.Minute, true},
		{"45m", false, 45 * time.Minute, true},
		{"1h30m", false, 90 * time.Minute, true},
		{"8 hours", false, 8 * time.Hour, true},
		{"4", false, 4 * time.Hour, true},
		{"1 минута", true, time.Minute, true},
		{"24ч", true, 24 * time.Hour, true},
		{"2 дня", true, 48 * time.Hour, true},
		{"1д", true, 24 * time.Hour, true},
		{"1 day", true, 24 * time.Hour, true},
		{"1 день 2 часа", true, 26 * time.Hour, true},
		{"1 day", false, 0, false},
		{"2 дня", false, 0, false},
		{"0ч", true, 0, false},
		{"", true, 0, false},
		{"скоро", true, 0, false},
		{"4 мес", true, 0, false},
		{"1 2", true, 0, false},
		{"ч", true, 0, false},
		{"99999ч", true, 0, false},
		{"-4ч", true, 0, false},
	}
	for _, tc := range cases {
		got, ok := bot.ParseSpan(tc.in, tc.days)
		if ok != tc.ok || got != tc.want {
			t.Errorf("ParseSpan(%q, %v) = %v %v, want %v %v", tc.in, tc.days, got, ok, tc.want, tc.ok)
		}
	}
}
