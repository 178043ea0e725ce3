package main

import (
	"strings"
	"testing"
)

// TestResumedDialogShowsItsButtonsFirst: a dialog left at a step with
// buttons is asked again at the next start before any input is read, so
// that «1» typed first presses that step's «Пропустить» and is not taken
// as the step's text (which saved «Адрес: 1» on a card).
func TestResumedDialogShowsItsButtonsFirst(t *testing.T) {
	dir := t.TempDir()
	runMain(t, dir, "/client 7707083893\n1\nООО «Ромашка»\n773601001\n1027700132195\n", nil)
	out := runMain(t, dir, "1\n1\n", nil) // «Пропустить» the address, then the director
	if !strings.Contains(out, "Продолжаем незаконченный диалог") {
		t.Fatalf("the dialog was not resumed:\n%s", out)
	}
	if strings.Contains(out, "Адрес: 1") || !strings.Contains(out, "[1] Создать") {
		t.Fatalf("«1» did not press the resumed step's «Пропустить»:\n%s", out)
	}
}
