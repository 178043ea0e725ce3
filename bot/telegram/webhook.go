package telegram

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/dealdesk/dealdesk/bot"
)

// SecretHeader is the header in which Telegram sends the webhook's secret
// token.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// maxUpdateSize bounds a webhook request body.
const maxUpdateSize = 1 << 20

func (w *WebhookConfig) validate() error {
	// A short secret can be guessed, and with it updates forged in any
	// user's name.
	const minSecret = 16
	switch {
	case w.ListenAddr == "":
		return errors.New("telegram: webhook: empty listen address")
	case w.PublicURL == "":
		return errors.New("telegram: webhook: empty public URL")
	case len(w.SecretToken) < minSecret || len(w.SecretToken) > 256:
		return fmt.Errorf("telegram: webhook: the secret token must be %d-256 characters", minSecret)
	}
	for _, r := range w.SecretToken {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return errors.New("telegram: webhook: the secret token may hold only A-Z, a-z, 0-9, _ and -")
		}
	}
	return nil
}

// serveWebhook listens on ListenAddr, registers PublicURL with setWebhook
// and serves updates until ctx is done. The webhook stays registered after
// it returns, so Telegram keeps updates until the bot is back.
func (t *Transport) serveWebhook(ctx context.Context, in bot.Inbox) error {
	return t.listenWebhook(ctx, in, true)
}

// ServeWebhook serves the webhook endpoint until ctx is done without
// setting the webhook: with several DealDesk instances behind one public
// URL (WebhookConfig.ServedApart), every instance serves it and the leader's
// Run sets it.
func (t *Transport) ServeWebhook(ctx context.Context, in bot.Inbox) error {
	if t.cfg.Webhook == nil {
		return errors.New("telegram: no webhook configured")
	}
	return t.listenWebhook(ctx, in, false)
}

// keepWebhook sets the webhook and holds until ctx is done: Run's part when
// the endpoint is served apart.
func (t *Transport) keepWebhook(ctx context.Context) error {
	wh := t.cfg.Webhook
	p := tgbotapi.Params{"url": wh.PublicURL, "secret_token": wh.SecretToken, "allowed_updates": allowedUpdates}
	if _, err := t.request(ctx, "setWebhook", p); err != nil {
		return err
	}
	t.log.Info().Msg("webhook set; the endpoint is served by every instance")
	<-ctx.Done()
	return ctx.Err()
}

// listenWebhook serves the endpoint until ctx is done, setting the webhook
// first when set is true.
func (t *Transport) listenWebhook(ctx context.Context, in bot.Inbox, set bool) error {
	wh := t.cfg.Webhook
	ln, err := net.Listen("tcp", wh.ListenAddr)
	if err != nil {
		return fmt.Errorf("telegram: webhook: %w", err)
	}
	srv := &http.Server{
		Handler:           t.webhookHandler(in),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	if set {
		p := tgbotapi.Params{"url": wh.PublicURL, "secret_token": wh.SecretToken, "allowed_updates": allowedUpdates}
		if _, err := t.request(ctx, "setWebhook", p); err != nil {
			_ = srv.Close()
			return err
		}
	}
	t.log.Info().Str("listen_addr", ln.Addr().String()).Msg("receiving updates through the webhook")

	select {
	case err := <-errc:
		return fmt.Errorf("telegram: webhook: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), t.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		t.log.Warn().Err(err).Msg("webhook server shutdown")
	}
	return ctx.Err()
}

// webhookHandler accepts updates posted by Telegram. Telegram retries an
// update until it gets a 2xx answer, so the answer is 200 only once the
// update is stored in the inbox, and 503 when it cannot be.
func (t *Transport) webhookHandler(in bot.Inbox) http.Handler {
	secret := []byte(t.cfg.Webhook.SecretToken)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if subtle.ConstantTimeCompare([]byte(r.Header.Get(SecretHeader)), secret) != 1 {
			t.log.Warn().Str("remote_addr", r.RemoteAddr).Msg("webhook request with a wrong secret token")
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		var u wireUpdate
		if err := json.NewDecoder(io.LimitReader(r.Body, maxUpdateSize)).Decode(&u); err != nil {
			// A malformed update would fail again; accept it to move on.
			t.log.Warn().Err(err).Msg("webhook update does not decode")
			return
		}
		if ups := t.translateAll([]*wireUpdate{&u}); len(ups) > 0 {
			if err := in.Take(r.Context(), nil, ups...); err != nil {
				t.log.Warn().Err(err).Int("update_id", u.UpdateID).Msg("webhook update not taken")
				http.Error(w, "unavailable", http.StatusServiceUnavailable)
				return
			}
		}
		w.WriteHeader(http.StatusOK)
	})
}
