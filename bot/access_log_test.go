package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/usecases"
	"github.com/dealdesk/dealdesk/core"
)

// logSink collects log lines safely.
type logSink struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

// take returns the lines logged since the last call, decoded.
func (s *logSink) take(t *testing.T) []map[string]any {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(s.buf.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		out = append(out, m)
	}
	s.buf.Reset()
	return out
}

func withMessage(lines []map[string]any, msg string) []map[string]any {
	var out []map[string]any
	for _, l := range lines {
		if l["message"] == msg {
			out = append(out, l)
		}
	}
	return out
}

// TestAccessLog: a /start with a good code logs the new user at info, never
// the code and never "access denied"; a wrong code and an unknown user's
// message are logged as denials.
func TestAccessLog(t *testing.T) {
	h := newHarness(t)
	logs := &logSink{}
	h.bot = bot.New(bot.Config{Service: h.svc, Locales: bundle, Logger: zerolog.New(logs), Clock: h.clock,
		UseCases: usecases.All})
	h.bot.AddTransport(h.rec)
	inv, err := h.svc.CreateInvite(context.Background(), core.Actor{User: h.admin}, core.RoleManager)
	if err != nil {
		t.Fatal(err)
	}

	msgs := h.send(&bot.Update{UserID: "42", UserName: "Мария", Text: "/start " + inv.Code, Command: "start", Args: inv.Code})
	h.want(inChat(msgs, "42")[:1], "msg.start.registered", bot.Args{"Name": "Мария", "Role": h.p.T("role.manager", nil)})
	lines := logs.take(t)
	if d := withMessage(lines, "access denied"); len(d) != 0 {
		t.Errorf("a successful /start logged a denial: %v", d)
	}
	reg := withMessage(lines, "user registered")
	if len(reg) != 1 || reg[0]["level"] != "info" || reg[0]["user_id"] != "42" || reg[0]["role"] != "manager" {
		t.Errorf("registration lines %v, want one at info with user_id 42 and role manager", reg)
	}
	for _, l := range lines {
		if b, _ := json.Marshal(l); strings.Contains(string(b), core.NormalizeInviteCode(inv.Code)) ||
			strings.Contains(string(b), inv.Code) {
			t.Errorf("the invite code was logged: %s", b)
		}
	}

	h.send(&bot.Update{UserID: "43", Text: "/start WRONG-CODE", Command: "start", Args: "WRONG-CODE"})
	h.send(&bot.Update{UserID: "44", Text: "/help", Command: "help"})
	lines = logs.take(t)
	denied := withMessage(lines, "access denied")
	if len(denied) != 2 || denied[0]["user_id"] != "43" || denied[0]["reason"] != "invalid invite code" ||
		denied[1]["user_id"] != "44" || denied[1]["reason"] != "unknown user" || denied[1]["level"] != "warn" {
		t.Errorf("denials %v, want a wrong code from 43 and an unknown user 44", denied)
	}
	if reg := withMessage(lines, "user registered"); len(reg) != 0 {
		t.Errorf("refused users logged as registered: %v", reg)
	}
}
