package main

import (
	"os"
	"strings"
	"testing"
)

// readmeBlock returns the README's fenced block that begins with first.
func readmeBlock(t *testing.T, first string) string {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(readme), "```\n"+first)
	if !ok {
		t.Fatalf("the README has no block beginning with %q", first)
	}
	block, _, ok = strings.Cut(block, "```")
	if !ok {
		t.Fatalf("the README's block beginning with %q does not end", first)
	}
	return first + block
}

// TestReadmeConsoleIntake runs the README's quick-start example of a company
// card pasted in the console: /intake as the first line inside """, then
// /tasks, where the console's one user finds the request in the officers'
// queue and works it, as the README says.
func TestReadmeConsoleIntake(t *testing.T) {
	example := readmeBlock(t, "\"\"\"\n/intake\n")
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	// What the README promises after the example; each must be shown.
	promised := []string{"Обращение #1 передано в сопровождение",
		"обращение #1: проверить ООО «Ромашка» 7707083893 (в очереди сопровождения)",
		"Проверить обращение #1", "Создать/обновить карточку"}
	mustContain(t, string(readme), promised...)
	if !strings.HasSuffix(example, "\"\"\"\n/tasks\n") {
		t.Fatalf("the example does not end with /tasks after the card:\n%s", example)
	}

	dir := t.TempDir()
	out := runMain(t, dir, example+"1\n1\n/client 7707083893\n", nil)
	mustContain(t, out, promised...)
	mustContain(t, out, "1 открытая задача", "[1] Проверить обращение #1", "Проверка обращения #1",
		"Контрольные суммы реквизитов в порядке", "Карточка сохранена без проверки по реестру",
		"ООО «Ромашка» (ЮЛ), карточка #1", "Директор: Иванов Иван Иванович")
}
