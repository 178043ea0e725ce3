package telegram_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/telegram"
	"github.com/dealdesk/dealdesk/bot/telegram/telegramtest"
)

// freeAddr returns a local address nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestWebhook(t *testing.T) {
	s := telegramtest.NewServer(t)
	addr := freeAddr(t)
	cfg := testConfig(s)
	cfg.Webhook = &telegram.WebhookConfig{ListenAddr: addr, PublicURL: "http://" + addr + "/telegram", SecretToken: "s3cret_-X-0123456789"}
	r := MustRun(t, MustNew(t, cfg))

	set := s.WaitCalls(t, "setWebhook", 1, 3*time.Second)[0].Params
	if set["url"] != cfg.Webhook.PublicURL || set["secret_token"] != "s3cret_-X-0123456789" || set["allowed_updates"] != `["message","callback_query"]` {
		t.Errorf("setWebhook params %v", set)
	}
	// The fake delivers queued updates to the webhook with the secret.
	s.SendText(42, 7, "/deal 5")
	if u := r.next(t); u.Command != "deal" || u.Args != "5" || u.ChatID != "42" {
		t.Errorf("got %+v", u)
	}
	if n := s.Count("getUpdates"); n != 0 {
		t.Errorf("%d getUpdates calls in webhook mode", n)
	}

	for _, secret := range []string{"", "wrong"} {
		req, _ := http.NewRequest(http.MethodPost, cfg.Webhook.PublicURL, strings.NewReader(`{"update_id":1,"message":{"message_id":1,"chat":{"id":1,"type":"private"},"from":{"id":1,"first_name":"Eve"},"text":"/admin"}}`))
		req.Header.Set(telegram.SecretHeader, secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("secret %q: status %d, want 403", secret, resp.StatusCode)
		}
	}
	select {
	case u := <-r.updates:
		t.Errorf("an update without the secret was handled: %+v", u)
	case <-time.After(50 * time.Millisecond):
	}
	if err := r.stop(t); !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v, want context.Canceled", err)
	}
}

func TestWebhookConfigIsChecked(t *testing.T) {
	s := telegramtest.NewServer(t)
	for _, wh := range []telegram.WebhookConfig{
		{ListenAddr: ":0", PublicURL: "https://example.org/tg"},
		{ListenAddr: ":0", PublicURL: "https://example.org/tg", SecretToken: "no spaces allowed"},
		{ListenAddr: ":0", SecretToken: "x"},
		// Shorter than 16: guessable.
		{ListenAddr: ":0", PublicURL: "https://example.org/tg", SecretToken: "short_secret_15"},
	} {
		cfg := testConfig(s)
		cfg.Webhook = &wh
		if _, err := telegram.New(cfg, zerolog.Nop()); err == nil {
			t.Errorf("New accepted webhook config %+v", wh)
		}
	}
}

// The webhook answers 200 only once the inbox has taken the update; while
// it cannot, Telegram gets 503 and delivers the update again.
func TestWebhookAnswersOnlyOnceTaken(t *testing.T) {
	s := telegramtest.NewServer(t)
	addr := freeAddr(t)
	cfg := testConfig(s)
	cfg.Webhook = &telegram.WebhookConfig{ListenAddr: addr, PublicURL: "http://" + addr + "/telegram", SecretToken: "s3cret_-X-0123456789"}
	fail := true
	var mu sync.Mutex
	r := MustRunWith(t, MustNew(t, cfg), func(*bot.Update) error {
		mu.Lock()
		defer mu.Unlock()
		if fail {
			return errors.New("disk full")
		}
		return nil
	})
	s.WaitCalls(t, "setWebhook", 1, 3*time.Second)
	post := func() int {
		req, _ := http.NewRequest(http.MethodPost, cfg.Webhook.PublicURL, strings.NewReader(
			`{"update_id":77,"message":{"message_id":1,"chat":{"id":5,"type":"private"},"from":{"id":5,"first_name":"Ann"},"text":"/help"}}`))
		req.Header.Set(telegram.SecretHeader, cfg.Webhook.SecretToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post(); code != http.StatusServiceUnavailable {
		t.Fatalf("status %d while the inbox fails, want 503", code)
	}
	mu.Lock()
	fail = false
	mu.Unlock()
	if code := post(); code != http.StatusOK {
		t.Fatalf("status %d once the inbox takes it, want 200", code)
	}
	if u := r.next(t); u.ID != "77" || u.Command != "help" {
		t.Fatalf("taken %+v", u)
	}
}
