package bot_test

import (
	"strings"
	"testing"
)

// TestDamagedTemplateSaysWhatToDo: a damaged .docx is refused in words a
// lawyer can act on, with no program's error text in them.
func TestDamagedTemplateSaysWhatToDo(t *testing.T) {
	h := newHarness(t)
	text := h.p.T("err.doc.template_broken", map[string]any{"Problem": "damaged", "Name": "", "Where": "zip",
		"Text": "zip: not a valid zip file"})
	for _, bad := range []string{"zip", "«»"} {
		if strings.Contains(text, bad) {
			t.Fatalf("%q shows %q", text, bad)
		}
	}
	if !strings.Contains(text, "Сохраните документ в Word заново") {
		t.Fatalf("%q does not say what to do", text)
	}
}
