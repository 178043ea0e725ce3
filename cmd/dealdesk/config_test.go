package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestConfigPrecedence(t *testing.T) {
	file := filepath.Join(t.TempDir(), "dealdesk.toml")
	toml := "DEALDESK_DB = \"/data/file.db\"\nDEALDESK_ADMINS = [\"telegram:1\", \"telegram:2\"]\nDEALDESK_LOG_LEVEL = \"debug\"\n"
	if err := os.WriteFile(file, []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"DEALDESK_LOG_LEVEL": "warn", "DEALDESK_OUTBOX_INTERVAL": "250ms"}
	c, err := LoadConfig(file, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.DB != "/data/file.db" || c.LogLevel != "warn" || c.OutboxInterval != 250*time.Millisecond ||
		strings.Join(c.Admins, ",") != "telegram:1,telegram:2" || c.ControlSocket != "/data/file.db.sock" ||
		c.TelegramAPIURL != "https://api.telegram.org" {
		t.Fatalf("config = %+v", c)
	}
	for _, bad := range []map[string]string{{"DEALDESK_CONSOLE": "maybe"}, {"DEALDESK_OUTBOX_INTERVAL": "soon"}} {
		if _, err := LoadConfig("", func(k string) string { return bad[k] }); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	if err := os.WriteFile(file, []byte("DEALDESK_TYPO = 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadConfig(file, func(string) string { return "" }); err == nil {
		t.Error("an unknown setting in the file was accepted")
	}
}

// TestEveryOptionDocumented keeps -h and the README's table complete.
func TestEveryOptionDocumented(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var help bytes.Buffer
	printUsage(&help)
	for _, o := range options {
		if !strings.Contains(string(readme), "| `"+o.name+"` |") {
			t.Errorf("README's configuration table lacks %s", o.name)
		}
		if !strings.Contains(help.String(), o.name) {
			t.Errorf("-h lacks %s", o.name)
		}
	}
}

func TestActionSecret(t *testing.T) {
	db := filepath.Join(t.TempDir(), "dealdesk.db")
	a, err := actionSecret("", db)
	if err != nil || len(a) < 32 {
		t.Fatalf("actionSecret = %q, %v", a, err)
	}
	if b, _ := actionSecret("", db); string(a) != string(b) {
		t.Fatal("the secret changed between starts")
	}
	if fi, err := os.Stat(db + ".action-secret"); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("secret file: %v, %v", fi, err)
	}
	if c, _ := actionSecret("configured", db); string(c) != "configured" {
		t.Fatal("the configured secret was not used")
	}
}

// TestWebhookSecretIsChecked: a Telegram webhook whose secret could be
// guessed is refused when the configuration loads, saying what to set.
func TestWebhookSecretIsChecked(t *testing.T) {
	for _, tc := range []struct {
		secret string
		ok     bool
	}{{"", false}, {"x", false}, {"fifteen_chars15", false}, {"sixteen_chars_16", true}, {"0123456789abcdef0123456789abcdef", true}} {
		env := map[string]string{"TELEGRAM_TOKEN": "1:x", "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/tg",
			"TELEGRAM_WEBHOOK_SECRET": tc.secret}
		_, err := LoadConfig("", func(k string) string { return env[k] })
		if tc.ok != (err == nil) {
			t.Errorf("secret %q: err = %v, want ok %v", tc.secret, err, tc.ok)
		}
		// The message says what to do, and never shows the secret.
		if err != nil && (!strings.Contains(err.Error(), "TELEGRAM_WEBHOOK_SECRET must be at least 16 characters") ||
			len(tc.secret) > 1 && strings.Contains(err.Error(), tc.secret)) {
			t.Errorf("secret %q: message %q", tc.secret, err)
		}
	}
	// Long polling needs no secret.
	if _, err := LoadConfig("", func(k string) string { return map[string]string{"TELEGRAM_TOKEN": "1:x"}[k] }); err != nil {
		t.Errorf("long polling refused: %v", err)
	}
}
