package bot_test

import (
	"strings"
	"testing"
)

// TestHelpLinesAreWellFormed (review of issue 8): every /help line in both
// languages closes the brackets it opens, with no stray ‹ or ›; the English
// client step says that a name works as well as an INN.
func TestHelpLinesAreWellFormed(t *testing.T) {
	h := newHarness(t)
	for _, lang := range []string{"ru", "en"} {
		h.say("admin", "/lang "+lang)
		text := h.say("admin", "/help")[0].Text
		for _, line := range strings.Split(text, "\n") {
			if strings.ContainsAny(line, "‹›") || strings.Count(line, "<") != strings.Count(line, ">") ||
				strings.Count(line, "[") != strings.Count(line, "]") {
				t.Errorf("%s: malformed help line %q", lang, line)
			}
		}
	}
	en := bundle.Printer("en", nil)
	if s := en.T("flow.deal.client", nil); !strings.Contains(s, "name") {
		t.Errorf("the English client step does not say a name works: %q", s)
	}
}
