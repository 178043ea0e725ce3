package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// refused is console input that DealDesk refuses: an invalid INN, which the
// bot logs (at info, with its error code) as it answers.
const refused = "/client 7707083894\n"

// TestConsoleLogsGoToAFile: while the console runs, its terminal shows
// replies only; the logs, refusals among them, go to <DB>.log as JSON.
func TestConsoleLogsGoToAFile(t *testing.T) {
	dir := t.TempDir()
	out, stderr := runMainStderr(t, dir, refused, map[string]string{"DEALDESK_LOG_FORMAT": "auto"})
	mustContain(t, out, "ИНН 7707083894 неверный")
	if stderr != "" {
		t.Errorf("the console's stderr has log lines:\n%s", stderr)
	}
	logs := readLog(t, filepath.Join(dir, "dealdesk.db.log"))
	var found bool
	for _, l := range strings.Split(strings.TrimSpace(logs), "\n") {
		var line map[string]any
		if err := json.Unmarshal([]byte(l), &line); err != nil {
			t.Fatalf("a log line in the file is not JSON: %q", l)
		}
		found = found || line["message"] == "update" && line["error_code"] == "invalid"
	}
	if !found {
		t.Errorf("the log file lacks the refused update:\n%s", logs)
	}
	if fi, err := os.Stat(filepath.Join(dir, "dealdesk.db.log")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("log file: %v, %v; want mode 0600", fi, err)
	}

	// The next start appends.
	runMainStderr(t, dir, refused, map[string]string{"DEALDESK_LOG_FORMAT": "auto"})
	if again := readLog(t, filepath.Join(dir, "dealdesk.db.log")); !strings.HasPrefix(again, logs) || len(again) == len(logs) {
		t.Error("the second start did not append to the log file")
	}
}

// TestLogFileSetting: DEALDESK_LOG_FILE=- keeps the logs on stderr; a path
// puts them there; text in a file has no colour codes.
func TestLogFileSetting(t *testing.T) {
	dir := t.TempDir()
	_, stderr := runMainStderr(t, dir, refused, map[string]string{"DEALDESK_LOG_FILE": "-"})
	mustContain(t, stderr, `"message":"update"`, `"error_code":"invalid"`)
	if _, err := os.Stat(filepath.Join(dir, "dealdesk.db.log")); !os.IsNotExist(err) {
		t.Errorf("with DEALDESK_LOG_FILE=- a log file was made: %v", err)
	}

	path := filepath.Join(dir, "logs", "dealdesk.txt")
	_, stderr = runMainStderr(t, dir, refused, map[string]string{"DEALDESK_LOG_FILE": path, "DEALDESK_LOG_FORMAT": "text"})
	if stderr != "" {
		t.Errorf("stderr has log lines:\n%s", stderr)
	}
	logs := readLog(t, path)
	mustContain(t, logs, "update", "error_code=invalid")
	if strings.Contains(logs, "\x1b[") {
		t.Errorf("the text log file has colour codes:\n%q", logs)
	}
}

func readLog(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("log file: %v", err)
	}
	return string(b)
}

// TestLogPath: the default is <DB>.log only while serving with the console.
func TestLogPath(t *testing.T) {
	for _, tc := range []struct {
		env     map[string]string
		serving bool
		want    string
	}{
		{map[string]string{}, true, "/d/x.db.log"},
		{map[string]string{}, false, ""}, // backup, invite, check
		{map[string]string{"DEALDESK_LOG_FILE": "-"}, true, ""},
		{map[string]string{"DEALDESK_LOG_FILE": "/l/dd.log"}, false, "/l/dd.log"},
		{map[string]string{"TELEGRAM_TOKEN": "1:x"}, true, ""},
		{map[string]string{"TELEGRAM_TOKEN": "1:x", "DEALDESK_CONSOLE": "on"}, true, "/d/x.db.log"},
		{map[string]string{"MATTERMOST_URL": "http://mm", "MATTERMOST_TOKEN": "t"}, true, ""},
		{map[string]string{"DEALDESK_CONSOLE": "off"}, true, ""},
	} {
		tc.env["DEALDESK_DB"] = "/d/x.db"
		c, err := LoadConfig("", func(k string) string { return tc.env[k] })
		if err != nil {
			t.Fatal(err)
		}
		if got := c.logPath(tc.serving); got != tc.want {
			t.Errorf("%v serving %v: log path %q, want %q", tc.env, tc.serving, got, tc.want)
		}
	}
}
