package main

import (
	"fmt"
	"strings"
	"testing"
)

// TestCaseOnTheConsole is the README's case kept in the console's chat,
// typed as a user would: the case opens in the console itself; /case shows
// it, plain lines are collected without a word, #решение is recorded; after
// a restart what is typed is still collected (the console's message ids
// are never given twice), and /case close asks for the resolution and
// closes it.
func TestCaseOnTheConsole(t *testing.T) {
	dir := t.TempDir()
	out := runMain(t, dir, "/client 7707083893\n1\nПАО Сбербанк\n773601001\n1027700132195\n-\n-\nда\n"+
		"/case 7707083893 Проверить директора\n/case\nобычное сообщение\n#решение директор — Петров\n", nil)
	mustContain(t, out, "Кейс #1 «Проверить директора» открыт",
		"Всё, что пишут в этом чате, сохраняется в кейс, пока его не закроют.",
		"Кейс #1 «Проверить директора» — обсуждение идёт",
		"Решение записано в кейс #1 и в историю клиента.")
	if strings.Contains(out, "Не понял сообщение") || strings.Contains(out, "Открыть обсуждение кейса: /case") {
		t.Fatalf("a line typed in the case was not collected:\n%s", out)
	}

	// Enough lines that the ids a restarted console gives its messages
	// would reach those of the lines collected before, if it gave them
	// again.
	var talk strings.Builder
	for i := range 40 {
		fmt.Fprintf(&talk, "реплика %d после перезапуска\n", i+1)
	}
	out = runMain(t, dir, talk.String()+"/case close\nДиректор подтверждён\n/case #1\n", nil)
	mustContain(t, out, "Какой итог обсуждения?", "Итог: Директор подтверждён", "Сообщений в кейсе: 42",
		"директор — Петров")
	if strings.Contains(out, "Не понял сообщение") || strings.Contains(out, "Закрыть кейс: /case close в его ветке") {
		t.Fatalf("the case did not go on after the restart:\n%s", out)
	}
}
