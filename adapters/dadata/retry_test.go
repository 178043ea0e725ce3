package dadata_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/adapters/dadata"
	"github.com/dealdesk/dealdesk/core"
)

func TestLookup_RetriesServerErrors(t *testing.T) {
	ok := fixture(t, "sberbank.json")
	s := NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch n {
		case 1:
			answer(http.StatusServiceUnavailable, `{"family":"SERVER_ERROR","reason":"Service Unavailable"}`)(w, r, n)
		case 2:
			answer(http.StatusBadGateway, `<html>502 Bad Gateway</html>`)(w, r, n)
		default:
			ok(w, r, n)
		}
	})
	got, err := MustNewClient(t, s, nil, nil).Lookup(context.Background(), "7707083893", "")
	if err != nil {
		t.Fatal(err)
	}
	if got.ShortName != "ПАО СБЕРБАНК" {
		t.Errorf("got %q", got.ShortName)
	}
	if n := len(s.Requests()); n != 3 {
		t.Errorf("got %d requests, want 3", n)
	}
}

func TestLookup_RetriesRunOut(t *testing.T) {
	for _, tt := range []struct {
		retries, want int
	}{{0, 3}, {1, 2}, {-1, 1}} {
		s := NewServer(t, answer(http.StatusInternalServerError, `{"family":"SERVER_ERROR"}`))
		c := MustNewClient(t, s, nil, func(c *dadata.Config) { c.MaxRetries = tt.retries })
		_, err := c.Lookup(context.Background(), "7707083893", "")
		MustHaveError(t, err, core.EUNAVAILABLE, core.ErrRegistryDown)
		if n := len(s.Requests()); n != tt.want {
			t.Errorf("MaxRetries %d: got %d requests, want %d", tt.retries, n, tt.want)
		}
	}
}

func TestLookup_RetryAfter(t *testing.T) {
	ok := fixture(t, "sberbank.json")
	s := NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			answer(http.StatusTooManyRequests, `{"family":"CLIENT_ERROR","reason":"Too Many Requests"}`)(w, r, n)
			return
		}
		ok(w, r, n)
	})
	start := time.Now()
	if _, err := MustNewClient(t, s, nil, nil).Lookup(context.Background(), "7707083893", ""); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 950*time.Millisecond {
		t.Errorf("retried after %v, want Retry-After's 1s", d)
	}
	if n := len(s.Requests()); n != 2 {
		t.Errorf("got %d requests, want 2", n)
	}
}

func TestLookup_RetryAfterTooLong(t *testing.T) {
	s := NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Retry-After", "3600")
		answer(http.StatusTooManyRequests, `{"family":"CLIENT_ERROR","reason":"Too Many Requests"}`)(w, r, n)
	})
	_, err := MustNewClient(t, s, nil, nil).Lookup(context.Background(), "7707083893", "")
	MustHaveError(t, err, core.EUNAVAILABLE, core.ErrRegistryDown)
	if n := len(s.Requests()); n != 1 {
		t.Errorf("got %d requests, want 1: an hour is not waited for", n)
	}
}

// TestLookup_Timeout runs the client's own HTTP client and a caller's
// one without a timeout: Timeout bounds each attempt either way.
func TestLookup_Timeout(t *testing.T) {
	for name, hc := range map[string]*http.Client{"own client": nil, "caller's client": {}} {
		t.Run(name, func(t *testing.T) {
			s := NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				select {
				case <-r.Context().Done():
				case <-time.After(30 * time.Second):
				}
			})
			c := MustNewClient(t, s, nil, func(c *dadata.Config) {
				c.Timeout, c.MaxRetries, c.HTTPClient = 200*time.Millisecond, 1, hc
			})
			start := time.Now()
			_, err := c.Lookup(context.Background(), "7707083893", "")
			MustHaveError(t, err, core.EUNAVAILABLE, core.ErrRegistryDown)
			if d := time.Since(start); d > 15*time.Second { // loose: not a speed target
				t.Errorf("took %v: the 200ms timeout was not applied", d)
			}
			if n := len(s.Requests()); n != 2 {
				t.Errorf("got %d requests, want 2 (a timeout is retried)", n)
			}
		})
	}
}

func TestLookup_ConnectionRefused(t *testing.T) {
	s := NewServer(t, answer(http.StatusOK, `{"suggestions":[]}`))
	c := MustNewClient(t, s, nil, func(c *dadata.Config) { c.MaxRetries = -1 })
	s.Close()
	_, err := c.Lookup(context.Background(), "7707083893", "")
	MustHaveError(t, err, core.EUNAVAILABLE, core.ErrRegistryDown)
}

func TestLookup_CallerCancels(t *testing.T) {
	s := NewServer(t, answer(http.StatusOK, `{"suggestions":[]}`))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c := MustNewClient(t, s, nil, func(c *dadata.Config) { c.MaxRetries = -1 })
	for range 6 {
		_, err := c.Lookup(ctx, "7707083893", "")
		MustHaveError(t, err, core.EUNAVAILABLE, core.ErrRegistryDown)
	}
	// Cancellations say nothing about DaData: the breaker stays closed.
	if _, err := c.Lookup(context.Background(), "7707083893", ""); !core.IsNotFound(err) {
		t.Errorf("got %v, want not found", err)
	}
}

func TestLookup_Breaker(t *testing.T) {
	ok := fixture(t, "sberbank.json")
	s := NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n <= 5 {
			answer(http.StatusInternalServerError, `{"family":"SERVER_ERROR"}`)(w, r, n)
			return
		}
		ok(w, r, n)
	})
	c := MustNewClient(t, s, nil, func(c *dadata.Config) {
		c.MaxRetries = -1
		c.BreakerCooldown = 100 * time.Millisecond
	})
	ctx := context.Background()
	for range 5 {
		_, err := c.Lookup(ctx, "7707083893", "")
		MustHaveError(t, err, core.EUNAVAILABLE, core.ErrRegistryDown)
	}
	// Open: answered at once, DaData is not asked.
	_, err := c.Lookup(ctx, "7707083893", "")
	MustHaveError(t, err, core.EUNAVAILABLE, core.ErrRegistryDown)
	if n := len(s.Requests()); n != 5 {
		t.Fatalf("got %d requests, want 5: the open breaker let one through", n)
	}
	time.Sleep(150 * time.Millisecond)
	for range 2 { // half-open lets one through; its success closes the breaker
		if _, err := c.Lookup(ctx, "7707083893", ""); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(s.Requests()); n != 7 {
		t.Errorf("got %d requests, want 7", n)
	}
}

func TestLookup_BreakerIgnoresAnswers(t *testing.T) {
	bodies := map[int]string{
		http.StatusUnauthorized: `{"family":"CLIENT_ERROR","reason":"Unauthorized"}`,
		http.StatusForbidden:    `{"family":"CLIENT_ERROR","message":"Feature 'SUGGESTIONS' disabled for token x"}`,
		http.StatusBadRequest:   `{"family":"CLIENT_ERROR","reason":"Bad Request"}`,
		http.StatusOK:           `{"suggestions":[]}`,
	}
	for status, body := range bodies {
		s := NewServer(t, answer(status, body))
		c := MustNewClient(t, s, nil, func(c *dadata.Config) { c.MaxRetries = -1 })
		for range 8 {
			if _, err := c.Lookup(context.Background(), "7707083893", ""); err == nil || core.ErrorCode(err) == core.EINTERNAL {
				t.Fatalf("HTTP %d: got %v", status, err)
			}
		}
		if n := len(s.Requests()); n != 8 {
			t.Errorf("HTTP %d: got %d requests, want 8: the breaker opened", status, n)
		}
	}
}
