package fnsapi_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/adapters/fnsapi"
	"github.com/dealdesk/dealdesk/core"
)

const unavailable = `<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>`

func TestLookup_RetriesServerErrors(t *testing.T) {
	egr := fixture(t, "egr_sberbank.json")
	s := NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n <= 2 {
			answer(http.StatusBadGateway, unavailable)(w, r, n)
			return
		}
		egr(w, r, n)
	}, fixture(t, "check_sberbank.json"))
	got, err := MustNewClient(t, s, nil, nil).Lookup(context.Background(), "7707083893", "")
	if err != nil {
		t.Fatal(err)
	}
	if got.ShortName != "ПАО СБЕРБАНК" || got.Risks != nil {
		t.Errorf("got %q %v", got.ShortName, got.Risks)
	}
	if n := len(s.Requests()); n != 4 {
		t.Errorf("got %d requests, want 3 egr and 1 check", n)
	}
}

func TestLookup_RetriesRunOut(t *testing.T) {
	for _, tt := range []struct {
		retries, want int
	}{{0, 3}, {2, 3}, {-1, 1}} {
		s := NewServer(t, answer(http.StatusInternalServerError, unavailable), fixture(t, "check_sberbank.json"))
		c := MustNewClient(t, s, nil, func(c *fnsapi.Config) { c.MaxRetries = tt.retries })
		_, err := c.Lookup(context.Background(), "7707083893", "")
		MustHaveError(t, err, core.EUNAVAILABLE, core.ErrRegistryDown)
		if n := len(s.Requests()); n != tt.want {
			t.Errorf("MaxRetries %d: got %d requests, want %d", tt.retries, n, tt.want)
		}
	}
}

// TestLookup_RetryAfter answers 429 with Retry-After as an HTTP date one
// second after the client's clock.
func TestLookup_RetryAfter(t *testing.T) {
	egr := fixture(t, "egr_sberbank.json")
	s := NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.Header().Set("Retry-After", fetched.Add(time.Second).Format(http.TimeFormat))
			answer(http.StatusTooManyRequests, `{"error":"Too Many Requests"}`)(w, r, n)
			return
		}
		egr(w, r, n)
	}, fixture(t, "check_sberbank.json"))
	start := time.Now()
	if _, err := MustNewClient(t, s, nil, nil).Lookup(context.Background(), "7707083893", ""); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 950*time.Millisecond {
		t.Errorf("retried after %v, want Retry-After's 1s", d)
	}
	if n := len(s.Requests()); n != 3 {
		t.Errorf("got %d requests, want 2 egr and 1 check", n)
	}
}

func TestLookup_RetryAfterTooLong(t *testing.T) {
	s := NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Retry-After", "86400")
		answer(http.StatusTooManyRequests, `{"error":"Too Many Requests"}`)(w, r, n)
	}, fixture(t, "check_sberbank.json"))
	_, err := MustNewClient(t, s, nil, nil).Lookup(context.Background(), "7707083893", "")
	MustHaveError(t, err, core.EUNAVAILABLE, core.ErrRegistryDown)
	if n := len(s.Requests()); n != 1 {
		t.Errorf("got %d requests, want 1: a day is not waited for", n)
	}
}

// TestLookup_Timeout also checks that the key, which Go's URL errors
// quote with the whole URL, is scrubbed from the error and the log.
func TestLookup_Timeout(t *testing.T) {
	var log bytes.Buffer
	s := NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		select {
		case <-r.Context().Done():
		case <-time.After(30 * time.Second):
		}
	}, fixture(t, "check_sberbank.json"))
	c := MustNewClient(t, s, &log, func(c *fnsapi.Config) { c.Timeout = 200 * time.Millisecond; c.MaxRetries = 1 })
	start := time.Now()
	_, err := c.Lookup(context.Background(), "7707083893", "")
	MustHaveError(t, err, core.EUNAVAILABLE, core.ErrRegistryDown)
	if d := time.Since(start); d > 15*time.Second { // loose: not a speed target
		t.Errorf("took %v: the 200ms timeout was not applied", d)
	}
	if n := len(s.Requests()); n != 2 {
		t.Errorf("got %d requests, want 2 (a timeout is retried)", n)
	}
	if strings.Contains(err.Error(), testKey) || strings.Contains(log.String(), testKey) {
		t.Errorf("the key leaks: %v\n%s", err, log.String())
	}
	if !strings.Contains(err.Error(), "/api/egr?") {
		t.Errorf("got %v, want the URL (without the key) in the cause", err)
	}
}

func TestLookup_ConnectionRefused(t *testing.T) {
	s := NewServer(t, fixture(t, "egr_sberbank.json"), fixture(t, "check_sberbank.json"))
	c := MustNewClient(t, s, nil, func(c *fnsapi.Config) { c.MaxRetries = -1 })
	s.Close()
	_, err := c.Lookup(context.Background(), "7707083893", "")
	MustHaveError(t, err, core.EUNAVAILABLE, core.ErrRegistryDown)
	if strings.Contains(err.Error(), testKey) {
		t.Errorf("the key leaks: %v", err)
	}
}

func TestLookup_Breaker(t *testing.T) {
	egr := fixture(t, "egr_sberbank.json")
	s := NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n <= 5 {
			answer(http.StatusServiceUnavailable, unavailable)(w, r, n)
			return
		}
		egr(w, r, n)
	}, fixture(t, "check_sberbank.json"))
	c := MustNewClient(t, s, nil, func(c *fnsapi.Config) {
		c.MaxRetries = -1
		c.BreakerCooldown = 100 * time.Millisecond
	})
	ctx := context.Background()
	for range 5 {
		_, err := c.Lookup(ctx, "7707083893", "")
		MustHaveError(t, err, core.EUNAVAILABLE, core.ErrRegistryDown)
	}
	// Open: answered at once, API-ФНС is not asked.
	_, err := c.Lookup(ctx, "7707083893", "")
	MustHaveError(t, err, core.EUNAVAILABLE, core.ErrRegistryDown)
	if n := len(s.Requests()); n != 5 {
		t.Fatalf("got %d requests, want 5: the open breaker let one through", n)
	}
	time.Sleep(150 * time.Millisecond)
	for range 2 { // half-open lets egr through; its success closes the breaker
		got, err := c.Lookup(ctx, "7707083893", "")
		if err != nil {
			t.Fatal(err)
		}
		if got.Risks != nil {
			t.Errorf("got risks %v: check did not get through", got.Risks)
		}
	}
	if n := len(s.Requests()); n != 9 {
		t.Errorf("got %d requests, want 9", n)
	}
}

func TestLookup_BreakerIgnoresAnswers(t *testing.T) {
	for _, a := range []struct {
		status int
		body   string
	}{
		{http.StatusForbidden, `{"error":"Неверный ключ"}`},
		{http.StatusOK, `{"error":"Превышен лимит запросов"}`},
		{http.StatusOK, `{"items":[]}`},
		{http.StatusOK, `<html></html>`},
	} {
		s := NewServer(t, answer(a.status, a.body), fixture(t, "check_sberbank.json"))
		c := MustNewClient(t, s, nil, func(c *fnsapi.Config) { c.MaxRetries = -1 })
		for range 8 {
			if _, err := c.Lookup(context.Background(), "7707083893", ""); err == nil || core.ErrorCode(err) == core.EINTERNAL {
				t.Fatalf("%d %s: got %v", a.status, a.body, err)
			}
		}
		if n := len(s.Requests()); n != 8 {
			t.Errorf("%d %s: got %d requests, want 8: the breaker opened", a.status, a.body, n)
		}
	}
}

func TestLookup_CallerCancels(t *testing.T) {
	s := NewServer(t, answer(http.StatusOK, `{"items":[]}`), fixture(t, "check_sberbank.json"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c := MustNewClient(t, s, nil, func(c *fnsapi.Config) { c.MaxRetries = -1 })
	for range 6 {
		_, err := c.Lookup(ctx, "7707083893", "")
		MustHaveError(t, err, core.EUNAVAILABLE, core.ErrRegistryDown)
	}
	// Cancellations say nothing about API-ФНС: the breaker stays closed.
	if _, err := c.Lookup(context.Background(), "7707083893", ""); !core.IsNotFound(err) {
		t.Errorf("got %v, want not found", err)
	}
}
