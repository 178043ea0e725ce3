package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runMain runs the real program on the database in dir with input piped to
// the console, the way `printf ... | dealdesk` does, and returns its output.
// noSoffice is a LibreOffice that is not there: tests that make no PDF
// start without it; those that do set DEALDESK_SOFFICE to "" (found).
const noSoffice = "/nonexistent/soffice"

func runMain(t *testing.T, dir, input string, env map[string]string) string {
	t.Helper()
	out, _ := runMainStderr(t, dir, input, env)
	return out
}

// runMainStderr is runMain that also returns what went to standard error.
func runMainStderr(t *testing.T, dir, input string, env map[string]string) (stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	m := NewMain()
	m.Stdin, m.Stdout, m.Stderr, m.Interactive = strings.NewReader(input), &out, &errOut, false
	m.Getenv = func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		if v, ok := pgLocal(dir, k); ok {
			return v
		}
		switch k {
		case "DEALDESK_DB":
			return testDB(t, dir)
		case "DEALDESK_HTTP_ADDR":
			return testHTTPAddr
		case "DEALDESK_LEADER_TIMEOUT":
			return testLeaderTimeout
		case "DEALDESK_FILES_DIR":
			return filepath.Join(dir, "files")
		case "DEALDESK_LOG_FORMAT":
			return "json"
		case "DEALDESK_SOFFICE":
			// No LibreOffice (each start would warm it) unless a test asks.
			return noSoffice
		}
		return ""
	}
	if err := m.ParseFlags(nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := m.Run(ctx); err != nil {
		t.Fatalf("Run: %v\n%s", err, errOut.String())
	}
	select {
	case <-m.Done():
	case <-ctx.Done():
		t.Fatalf("the console did not end with its input\n%s", out.String())
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	return out.String(), errOut.String()
}

func mustContain(t *testing.T, out string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}

// TestConsoleEndToEnd is the README's first-run scenario: help in Russian,
// a client, a deal and a task, an invalid INN refused, and a restart in the
// middle of /deal new that loses nothing.
func TestConsoleEndToEnd(t *testing.T) {
	dir := t.TempDir()
	out := runMain(t, dir, "/help\n/client 7707083893\n1\nПАО Сбербанк\n773601001\n1027700132195\n-\n-\nда\n"+
		"/client 7707083894\n/deal new\n7707083893\nРасчётно-кассовое обслуживание\n", nil)
	mustContain(t, out, "DealDesk — команды", "/client <ИНН>", "Карточка клиента создана.",
		"ИНН 7707083894 неверный", "Сумма сделки в рублях")

	// Restart in the middle of /deal new: the dialog goes on where it stopped.
	out = runMain(t, dir, "1 500 000\n05.12.2030\n-\n31.12.2031\nда\n/task new\nПодготовить договор\n-\nD-2026-0001\nмне\n/tasks\n/history D-2026-0001\n", nil)
	mustContain(t, out, "Продолжаем незаконченный диалог", "Сделка D-2026-0001 создана.",
		"1\u00a0500\u00a0000,00\u00a0₽", "Задача #1 «Подготовить договор» поставлена", "#1 Подготовить договор — без срока",
		"История: D-2026-0001")

	// A multi-line message (a pasted card) arrives as one message.
	out = runMain(t, dir, "\"\"\"\n/clients\nсбер\n\"\"\"\n", nil)
	mustContain(t, out, "7707083893/773601001 — ПАО Сбербанк")
}

func TestBackupAndInviteCommands(t *testing.T) {
	dir := t.TempDir()
	runMain(t, dir, "/client 7707083893\n", nil)
	backup := filepath.Join(dir, "copy.db")
	for _, args := range [][]string{{"backup", backup}, {"invite", "-role", "manager"}} {
		var out bytes.Buffer
		m := NewMain()
		m.Stdout, m.Stderr = &out, &out
		m.Getenv = func(k string) string {
			switch k {
			case "DEALDESK_DB":
				return filepath.Join(dir, "dealdesk.db")
			case "DEALDESK_HTTP_ADDR":
				return testHTTPAddr
			}
			return ""
		}
		if err := m.ParseFlags(args); err != nil {
			t.Fatal(err)
		}
		if err := m.Run(context.Background()); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		m.Close()
		if args[0] == "invite" && !strings.Contains(out.String(), "/start ") {
			t.Fatalf("invite output = %q", out.String())
		}
	}
	if fi, err := os.Stat(backup); err != nil || fi.Size() == 0 {
		t.Fatalf("backup: %v", err)
	}
}
