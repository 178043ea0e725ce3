package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTemplatesFromTheFolder: DEALDESK_TEMPLATES_DIR's templates are added
// at start by the kind their name starts with; a broken one is logged
// naming its placeholder and DealDesk runs on; the next start adds nothing.
func TestTemplatesFromTheFolder(t *testing.T) {
	dir := t.TempDir()
	tpl := filepath.Join(dir, "templates")
	if err := os.MkdirAll(tpl, 0o750); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{
		"Договор юриста 2027.docx": "Договор с {{client.name}}, ИНН {{client.inn}}",
		"счёт.docx":                "Счёт для {{client.nmae}}",
		"заметки.docx":             "не шаблон",
	} {
		if err := os.WriteFile(filepath.Join(tpl, name), docxWith(t, text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{"DEALDESK_TEMPLATES_DIR": tpl}
	out, _ := runMainStderr(t, dir, "/templates\n", env)
	if !strings.Contains(out, "Договор юриста 2027") {
		t.Fatalf("the folder's contract is not in use:\n%s", out)
	}
	logs, err := os.ReadFile(filepath.Join(dir, "dealdesk.db.log"))
	if err != nil {
		t.Fatal(err)
	}
	if l := string(logs); !strings.Contains(l, "client.nmae") || !strings.Contains(l, "заметки.docx") ||
		strings.Count(l, "template added from the folder") != 1 {
		t.Fatalf("logs:\n%s", l)
	}
	runMain(t, dir, "/templates\n", env)
	logs, _ = os.ReadFile(filepath.Join(dir, "dealdesk.db.log"))
	if n := strings.Count(string(logs), "template added from the folder"); n != 1 {
		t.Fatalf("the second start added %d more", n-1)
	}
}
