package telegram_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/telegram"
	"github.com/dealdesk/dealdesk/bot/telegram/telegramtest"
)

const htmlBadGateway = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><center><h1>502 Bad Gateway</h1></center></body></html>"

func TestSendErrors(t *testing.T) {
	text := &bot.Message{ChatID: "-1001234", Text: "hello"}
	doc := &bot.Message{ChatID: "-1001234", Text: "hello", Files: []bot.File{{Name: "a.pdf", Data: []byte("%PDF")}}}
	tests := []struct {
		name       string
		msg        *bot.Message
		method     string
		fault      telegramtest.Fault
		retryAfter time.Duration // want a *bot.RateLimitError with it
		permanent  bool
		migratedTo string
	}{
		{name: "429", msg: text, method: "sendMessage", fault: telegramtest.Fault{Code: 429, RetryAfter: 7}, retryAfter: 7 * time.Second},
		{name: "429 multipart", msg: doc, method: "sendDocument", fault: telegramtest.Fault{Code: 429, RetryAfter: 3}, retryAfter: 3 * time.Second},
		{name: "403 blocked", msg: text, method: "sendMessage", fault: telegramtest.Fault{Code: 403}, permanent: true},
		{name: "403 multipart", msg: doc, method: "sendDocument", fault: telegramtest.Fault{Code: 403}, permanent: true},
		{name: "400 chat not found", msg: text, method: "sendMessage", fault: telegramtest.Fault{Code: 400}, permanent: true},
		{name: "502 JSON", msg: text, method: "sendMessage", fault: telegramtest.Fault{Code: 502}},
		{name: "502 HTML", msg: text, method: "sendMessage", fault: telegramtest.Fault{Code: 502, Body: htmlBadGateway}},
		{name: "500", msg: doc, method: "sendDocument", fault: telegramtest.Fault{Code: 500}},
		{name: "migrated", msg: text, method: "sendMessage", permanent: true, migratedTo: "-1009876",
			fault: telegramtest.Fault{Code: 400, Description: "Bad Request: group chat was upgraded to a supergroup chat", MigrateToChatID: -1009876}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := telegramtest.NewServer(t)
			tr := MustNew(t, testConfig(s))
			s.Fail(tt.method, tt.fault)
			_, err := tr.Send(context.Background(), tt.msg)
			if err == nil {
				t.Fatal("Send succeeded, want an error")
			}
			var rl *bot.RateLimitError
			if got := errors.As(err, &rl); got != (tt.retryAfter != 0) || got && rl.RetryAfter != tt.retryAfter {
				t.Errorf("rate limit: got %v (%v), want retry after %v", got, err, tt.retryAfter)
			}
			if got := bot.IsPermanent(err); got != tt.permanent {
				t.Errorf("IsPermanent = %v, want %v (%v)", got, tt.permanent, err)
			}
			var mig *telegram.MigratedError
			if got := errors.As(err, &mig); got != (tt.migratedTo != "") || got && mig.NewChatID != tt.migratedTo {
				t.Errorf("migrated: got %v (%v), want new chat %q", got, err, tt.migratedTo)
			}
			if tt.fault.Body != "" && !strings.Contains(err.Error(), "not JSON") {
				t.Errorf("error for an HTML body: %v, want it to say the response is not JSON", err)
			}
			// The call is retryable: the same message goes through next time.
			if _, err := tr.Send(context.Background(), tt.msg); err != nil {
				t.Errorf("second attempt: %v", err)
			}
		})
	}
}

func TestErrorsDoNotLeakToken(t *testing.T) {
	s := telegramtest.NewServer(t)
	logs := &syncBuffer{}
	cfg := testConfig(s)
	tr, err := telegram.New(cfg, zerolog.New(logs))
	if err != nil {
		t.Fatal(err)
	}
	r := MustRun(t, tr)
	s.WaitCalls(t, "getUpdates", 1, 3*time.Second)
	s.Close() // every call now fails with a *url.Error naming the URL

	_, err = tr.Send(context.Background(), &bot.Message{ChatID: "1", Text: "x"})
	checkNoToken(t, "Send", err, s.Token)
	err = tr.Answer(context.Background(), "cb1", "")
	checkNoToken(t, "Answer", err, s.Token)
	err = tr.SetCommands(context.Background(), "", "ru", []bot.CommandInfo{{Command: "a", Description: "b"}})
	checkNoToken(t, "SetCommands", err, s.Token)
	_, err = telegram.New(cfg, zerolog.Nop())
	checkNoToken(t, "New", err, s.Token)

	time.Sleep(100 * time.Millisecond) // let the poll loop fail and log a few times
	if err := r.stop(t); !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v, want context.Canceled", err)
	}
	if out := logs.String(); strings.Contains(out, s.Token) || !strings.Contains(out, "polling failed") {
		t.Errorf("logs leak the token or lack the poll failures:\n%s", out)
	}
}

func checkNoToken(t *testing.T, what string, err error, token string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s succeeded against a closed server", what)
	}
	if strings.Contains(err.Error(), token) {
		t.Errorf("%s: error leaks the token: %v", what, err)
	}
	var ue *url.Error
	if errors.As(err, &ue) && strings.Contains(ue.URL, token) {
		t.Errorf("%s: *url.Error leaks the token: %s", what, ue.URL)
	}
	if !strings.Contains(err.Error(), "/bot<token>/") {
		t.Errorf("%s: want the redacted URL in the error, got %v", what, err)
	}
}

func TestNewRejectsWrongToken(t *testing.T) {
	s := telegramtest.NewServer(t)
	cfg := testConfig(s)
	cfg.Token = "123:wrong"
	_, err := telegram.New(cfg, zerolog.Nop())
	if err == nil || !strings.Contains(err.Error(), "Unauthorized") {
		t.Fatalf("New with a wrong token: %v, want Unauthorized", err)
	}
}

func TestRateLimitPerChat(t *testing.T) {
	s := telegramtest.NewServer(t)
	cfg := testConfig(s)
	cfg.Limits = telegram.Limits{Chat: telegram.Limit{N: 1, Per: 300 * time.Millisecond}, Group: telegram.Limit{N: -1}, Global: telegram.Limit{N: -1}}
	tr := MustNew(t, cfg)
	ctx := context.Background()
	send := func(ctx context.Context, chat string) error {
		_, err := tr.Send(ctx, &bot.Message{ChatID: chat, Text: "x"})
		return err
	}
	if err := send(ctx, "1"); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if err := send(short, "1"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a send the limit delays past the deadline: got %v, want DeadlineExceeded", err)
	}
	if err := send(ctx, "1"); err != nil {
		t.Fatal(err)
	}
	if err := send(ctx, "2"); err != nil {
		t.Fatal(err)
	}
	calls := s.CallsTo("sendMessage")
	if len(calls) != 3 {
		t.Fatalf("%d sendMessage calls, want 3", len(calls))
	}
	if gap := calls[1].Time.Sub(calls[0].Time); gap < 250*time.Millisecond {
		t.Errorf("two messages to one chat %v apart, want the 300ms limit kept", gap)
	}
}

func TestRateLimitPerGroup(t *testing.T) {
	s := telegramtest.NewServer(t)
	cfg := testConfig(s)
	cfg.Limits = telegram.Limits{Chat: telegram.Limit{N: -1}, Group: telegram.Limit{N: 2, Per: 300 * time.Millisecond}, Global: telegram.Limit{N: -1}}
	tr := MustNew(t, cfg)
	for range 3 {
		if _, err := tr.Send(context.Background(), &bot.Message{ChatID: "-100", Text: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	calls := s.CallsTo("sendMessage")
	if gap := calls[2].Time.Sub(calls[0].Time); gap < 250*time.Millisecond {
		t.Errorf("3 messages to a group within %v, want at most 2 per 300ms", gap)
	}
}
