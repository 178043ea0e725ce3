package telegramtest

import (
	"bytes"
	"context"
	"net/http"
	"time"
)

// SecretHeader is the header carrying the webhook's secret token.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// deliver posts pending updates to the webhook while one is set, in order,
// each until it is answered with a 2xx status, as Telegram does.
func (s *Server) deliver() {
	defer s.deliverer.Done()
	client := &http.Client{Timeout: 5 * time.Second}
	for {
		s.mu.Lock()
		for !s.closed && (s.hook.url == "" || len(s.pending) == 0) {
			ch := s.changed
			s.mu.Unlock()
			<-ch
			s.mu.Lock()
		}
		if s.closed {
			s.mu.Unlock()
			return
		}
		u, hook := s.pending[0], s.hook
		s.mu.Unlock()

		if post(s.stop, client, hook, u) {
			s.mu.Lock()
			if len(s.pending) > 0 && s.pending[0].id == u.id {
				s.pending = s.pending[1:]
			}
			s.notify()
			s.mu.Unlock()
			continue
		}
		select {
		case <-time.After(50 * time.Millisecond):
		case <-s.stop.Done():
		}
	}
}

func post(ctx context.Context, client *http.Client, hook webhook, u update) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.url, bytes.NewReader(u.raw))
	if err != nil {
		return false
	}
	req.Header.Set("Content-Type", "application/json")
	if hook.secret != "" {
		req.Header.Set(SecretHeader, hook.secret)
	}
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode >= 200 && resp.StatusCode < 300
}
