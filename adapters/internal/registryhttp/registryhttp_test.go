package registryhttp_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/adapters/internal/registryhttp"
	"github.com/dealdesk/dealdesk/core"
)

// secret has characters that URL-escaping changes, so both of its forms
// can be looked for.
const secret = "s3cr/et+key=0123456789abcdef"

var now = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

type fixedClock struct{}

func (fixedClock) Now() time.Time { return now }

// Server is a fake registry that counts its requests; n counts from 1.
type Server struct {
	*httptest.Server
	n atomic.Int32
}

// NewServer starts a fake registry answering with h.
func NewServer(tb testing.TB, h func(w http.ResponseWriter, r *http.Request, n int)) *Server {
	tb.Helper()
	s := &Server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h(w, r, int(s.n.Add(1)))
	}))
	tb.Cleanup(s.Close)
	return s
}

// Requests returns how many requests the server has seen.
func (s *Server) Requests() int { return int(s.n.Load()) }

// Get builds a GET of the server's /api/lookup with the secret in the
// query string, as API-ФНС wants its key.
func (s *Server) Get(ctx context.Context) (*http.Request, error) {
	q := url.Values{"req": {"7707083893"}, "key": {secret}}
	return http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/api/lookup?"+q.Encode(), nil)
}

// MustNewCaller returns a Caller named "test" with fast retries; edit
// changes cfg.
func MustNewCaller(tb testing.TB, log io.Writer, edit func(*registryhttp.Config)) *registryhttp.Caller {
	tb.Helper()
	cfg := registryhttp.Config{
		Name:      "test",
		Timeout:   2 * time.Second,
		RetryWait: 5 * time.Millisecond,
		Clock:     fixedClock{},
		Secret:    secret,
	}
	if edit != nil {
		edit(&cfg)
	}
	if log == nil {
		log = io.Discard
	}
	return registryhttp.New(cfg, zerolog.New(log))
}

// answer answers with a status and a body.
func answer(status int, body string) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// hang answers only when the request's context ends.
func hang(_ http.ResponseWriter, r *http.Request, _ int) {
	select {
	case <-r.Context().Done():
	case <-time.After(30 * time.Second):
	}
}

// MustHaveError fails unless err is a core.Error with code and key and
// the argument Source "test".
func MustHaveError(tb testing.TB, err error, code, key string) *core.Error {
	tb.Helper()
	var e *core.Error
	if !errors.As(err, &e) {
		tb.Fatalf("got %v, want a core.Error %s %s", err, code, key)
	}
	if e.Code != code || e.Key != key || e.Args["Source"] != "test" {
		tb.Fatalf("got %s %s %v (%v), want %s %s Source=test", e.Code, e.Key, e.Args, err, code, key)
	}
	return e
}

func TestDo_RetriesDownThenSucceeds(t *testing.T) {
	s := NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch n {
		case 1:
			answer(http.StatusServiceUnavailable, `{"error":"Service Unavailable"}`)(w, r, n)
		case 2:
			answer(http.StatusTooManyRequests, `{"error":"Too Many Requests"}`)(w, r, n)
		default:
			answer(http.StatusOK, `{"ok":true}`)(w, r, n)
		}
	})
	body, err := MustNewCaller(t, nil, nil).Do(context.Background(), "lookup", s.Get)
	if err != nil {
		t.Fatal(err)
	}
	if string(body) != `{"ok":true}` {
		t.Errorf("got body %q", body)
	}
	if n := s.Requests(); n != 3 {
		t.Errorf("got %d requests, want 3", n)
	}
}

func TestDo_RetriesRunOut(t *testing.T) {
	for _, tt := range []struct {
		retries, want int
	}{{0, 3}, {1, 2}, {-1, 1}} {
		s := NewServer(t, answer(http.StatusInternalServerError, `<html>500</html>`))
		c := MustNewCaller(t, nil, func(c *registryhttp.Config) { c.MaxRetries = tt.retries })
		_, err := c.Do(context.Background(), "lookup", s.Get)
		MustHaveError(t, err, core.EUNAVAILABLE, core.ErrRegistryDown)
		if got, want := err.Error(), "test: lookup: HTTP 500: <html>500</html>"; !strings.Contains(got, want) {
			t.Errorf("MaxRetries %d: got %q, want it to contain %q", tt.retries, got, want)
		}
		if n := s.Requests(); n != tt.want {
			t.Errorf("MaxRetries %d: got %d requests, want %d", tt.retries, n, tt.want)
		}
	}
}

// TestDo_StatusKeys checks the mapping of non-200 answers, with and
// without Classify, and that only "down" is retried.
func TestDo_StatusKeys(t *testing.T) {
	quota := func(status int, body []byte) string {
		if status == http.StatusForbidden && bytes.Contains(body, []byte("limit")) {
			return core.ErrRegistryQuota
		}
		if status == http.StatusTeapot {
			return core.ErrRegistryDown
		}
		return ""
	}
	for _, tt := range []struct {
		name     string
		status   int
		body     string
		classify func(int, []byte) string
		key      string
		requests int
	}{
		{"401", http.StatusUnauthorized, `bad key`, nil, core.ErrRegistryAuth, 1},
		{"403", http.StatusForbidden, `forbidden`, nil, core.ErrRegistryAuth, 1},
		{"403 limit, default", http.StatusForbidden, `daily limit exceeded`, nil, core.ErrRegistryAuth, 1},
		{"403 limit, classified", http.StatusForbidden, `daily limit exceeded`, quota, core.ErrRegistryQuota, 1},
		{"403 other, classified", http.StatusForbidden, `forbidden`, quota, core.ErrRegistryAuth, 1},
		{"402", http.StatusPaymentRequired, ``, nil, core.ErrRegistryQuota, 1},
		{"400", http.StatusBadRequest, `bad request`, nil, core.ErrRegistryBadAnswer, 1},
		{"404", http.StatusNotFound, `not found`, quota, core.ErrRegistryBadAnswer, 1},
		{"429", http.StatusTooManyRequests, ``, nil, core.ErrRegistryDown, 2},
		{"502", http.StatusBadGateway, `nginx`, nil, core.ErrRegistryDown, 2},
		{"418 classified down", http.StatusTeapot, ``, quota, core.ErrRegistryDown, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := NewServer(t, answer(tt.status, tt.body))
			c := MustNewCaller(t, nil, func(c *registryhttp.Config) { c.MaxRetries, c.Classify = 1, tt.classify })
			_, err := c.Do(context.Background(), "lookup", s.Get)
			MustHaveError(t, err, core.EUNAVAILABLE, tt.key)
			if n := s.Requests(); n != tt.requests {
				t.Errorf("got %d requests, want %d", n, tt.requests)
			}
		})
	}
}

// TestDo_RetryAfter answers 429 with Retry-After in both of its forms:
// seconds, and an HTTP date one second after the Caller's clock.
func TestDo_RetryAfter(t *testing.T) {
	for name, v := range map[string]string{
		"seconds": "1",
		"date":    now.Add(time.Second).Format(http.TimeFormat),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n == 1 {
					w.Header().Set("Retry-After", v)
					answer(http.StatusTooManyRequests, `Too Many Requests`)(w, r, n)
					return
				}
				answer(http.StatusOK, `ok`)(w, r, n)
			})
			start := time.Now()
			if _, err := MustNewCaller(t, nil, nil).Do(context.Background(), "lookup", s.Get); err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d < 950*time.Millisecond {
				t.Errorf("retried after %v, want Retry-After's 1s", d)
			}
			if n := s.Requests(); n != 2 {
				t.Errorf("got %d requests, want 2", n)
			}
		})
	}
}

// TestDo_RetryAfterCapped checks that a Retry-After beyond MaxRetryAfter
// fails the call at once instead of waiting.
func TestDo_RetryAfterCapped(t *testing.T) {
	s := NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Retry-After", "11")
		answer(http.StatusServiceUnavailable, `maintenance`)(w, r, n)
	})
	start := time.Now()
	_, err := MustNewCaller(t, nil, nil).Do(context.Background(), "lookup", s.Get)
	MustHaveError(t, err, core.EUNAVAILABLE, core.ErrRegistryDown)
	if n := s.Requests(); n != 1 {
		t.Errorf("got %d requests, want 1: 11s is more than MaxRetryAfter", n)
	}
	if d := time.Since(start); d > 5*time.Second { // loose: not a speed target
		t.Errorf("took %v: the Retry-After was waited for", d)
	}
}

func TestDo_Timeout(t *testing.T) {
	for name, hc := range map[string]*http.Client{"own client": nil, "caller's client": {}} {
		t.Run(name, func(t *testing.T) {
			s := NewServer(t, hang)
			c := MustNewCaller(t, nil, func(c *registryhttp.Config) {
				c.Timeout, c.MaxRetries, c.HTTPClient = 100*time.Millisecond, 1, hc
			})
			start := time.Now()
			_, err := c.Do(context.Background(), "lookup", s.Get)
			MustHaveError(t, err, core.EUNAVAILABLE, core.ErrRegistryDown)
			if d := time.Since(start); d > 15*time.Second { // loose: not a speed target
				t.Errorf("took %v: the 100ms timeout was not applied", d)
			}
			if n := s.Requests(); n != 2 {
				t.Errorf("got %d requests, want 2 (a timeout is retried)", n)
			}
		})
	}
}

func TestDo_BreakerOpensOnDown(t *testing.T) {
	s := NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n <= 3 {
			answer(http.StatusInternalServerError, `down`)(w, r, n)
			return
		}
		answer(http.StatusOK, `ok`)(w, r, n)
	})
	c := MustNewCaller(t, nil, func(c *registryhttp.Config) {
		c.MaxRetries, c.BreakerFailures, c.BreakerCooldown = -1, 3, 100*time.Millisecond
	})
	ctx := context.Background()
	for range 3 {
		_, err := c.Do(ctx, "lookup", s.Get)
		MustHaveError(t, err, core.EUNAVAILABLE, core.ErrRegistryDown)
	}
	// Open: answered at once, the registry is not asked.
	_, err := c.Do(ctx, "lookup", s.Get)
	MustHaveError(t, err, core.EUNAVAILABLE, core.ErrRegistryDown)
	if !strings.Contains(err.Error(), "test: circuit breaker is open") {
		t.Errorf("got %v, want the open breaker named", err)
	}
	if n := s.Requests(); n != 3 {
		t.Fatalf("got %d requests, want 3: the open breaker let one through", n)
	}
	time.Sleep(150 * time.Millisecond)
	for range 2 { // half-open lets one through; its success closes the breaker
		if _, err := c.Do(ctx, "lookup", s.Get); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.Requests(); n != 5 {
		t.Errorf("got %d requests, want 5", n)
	}
}

// TestDo_BreakerCountsRetries checks that retries count as failures: one
// call with many retries opens the breaker and stops there.
func TestDo_BreakerCountsRetries(t *testing.T) {
	s := NewServer(t, answer(http.StatusBadGateway, `nginx`))
	c := MustNewCaller(t, nil, func(c *registryhttp.Config) { c.MaxRetries, c.BreakerFailures = 10, 3 })
	_, err := c.Do(context.Background(), "lookup", s.Get)
	MustHaveError(t, err, core.EUNAVAILABLE, core.ErrRegistryDown)
	if n := s.Requests(); n != 3 {
		t.Errorf("got %d requests, want 3: the breaker opened on the third", n)
	}
}

func TestDo_BreakerIgnoresAnswers(t *testing.T) {
	quota := func(status int, body []byte) string {
		if status == http.StatusForbidden {
			return core.ErrRegistryQuota
		}
		return ""
	}
	for _, a := range []struct {
		status int
		body   string
	}{
		{http.StatusUnauthorized, `bad key`},
		{http.StatusForbidden, `limit exceeded`},
		{http.StatusPaymentRequired, `pay`},
		{http.StatusBadRequest, `bad request`},
		{http.StatusNotFound, `no such method`},
		{http.StatusOK, `<html></html>`},
	} {
		s := NewServer(t, answer(a.status, a.body))
		c := MustNewCaller(t, nil, func(c *registryhttp.Config) {
			c.MaxRetries, c.BreakerFailures, c.Classify = -1, 2, quota
		})
		for range 6 {
			_, err := c.Do(context.Background(), "lookup", s.Get)
			var e *core.Error
			if err != nil && (!errors.As(err, &e) || e.Code != core.EUNAVAILABLE || e.Key == core.ErrRegistryDown) {
				t.Fatalf("HTTP %d: got %v", a.status, err)
			}
		}
		if n := s.Requests(); n != 6 {
			t.Errorf("HTTP %d: got %d requests, want 6: the breaker opened", a.status, n)
		}
	}
}

// TestDo_CallerCancels cancels before a call and during one: the calls
// fail as "down", but the breaker, which opens on one failure here, does
// not count them.
func TestDo_CallerCancels(t *testing.T) {
	s := NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.URL.Query().Get("hang") != "" {
			hang(w, r, n)
			return
		}
		answer(http.StatusOK, `ok`)(w, r, n)
	})
	c := MustNewCaller(t, nil, func(c *registryhttp.Config) { c.BreakerFailures = 1 })
	hanging := func(ctx context.Context) (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/api/lookup?hang=1", nil)
	}

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for range 3 {
		_, err := c.Do(cancelled, "lookup", s.Get)
		MustHaveError(t, err, core.EUNAVAILABLE, core.ErrRegistryDown)
	}
	during, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err := c.Do(during, "lookup", hanging)
	MustHaveError(t, err, core.EUNAVAILABLE, core.ErrRegistryDown)

	// Cancellations say nothing about the registry: the breaker stays closed.
	before := s.Requests()
	if _, err := c.Do(context.Background(), "lookup", s.Get); err != nil {
		t.Fatalf("got %v, want the registry asked", err)
	}
	if n := s.Requests(); n != before+1 {
		t.Errorf("got %d requests, want %d", n, before+1)
	}
}

// TestDo_SecretScrubbed checks that the secret, raw or URL-escaped,
// reaches neither an error nor the log: from a URL error (the key is in
// the query string), from an answer that quotes it, or from build.
func TestDo_SecretScrubbed(t *testing.T) {
	leaks := func(s string) bool {
		return strings.Contains(s, secret) || strings.Contains(s, url.QueryEscape(secret))
	}
	t.Run("URL error", func(t *testing.T) {
		var log bytes.Buffer
		s := NewServer(t, answer(http.StatusOK, `ok`))
		s.Close()
		c := MustNewCaller(t, &log, func(c *registryhttp.Config) { c.MaxRetries = 1 })
		_, err := c.Do(context.Background(), "lookup", s.Get)
		MustHaveError(t, err, core.EUNAVAILABLE, core.ErrRegistryDown)
		if leaks(err.Error()) || leaks(log.String()) {
			t.Errorf("the secret leaks: %v\n%s", err, log.String())
		}
		if !strings.Contains(err.Error(), "test: lookup: ") || !strings.Contains(err.Error(), "/api/lookup?") {
			t.Errorf("got %v, want the URL (without the secret) in the cause", err)
		}
		if !strings.Contains(log.String(), `"method":"lookup"`) {
			t.Errorf("the retry is not logged: %s", log.String())
		}
	})
	t.Run("answer", func(t *testing.T) {
		var log bytes.Buffer
		s := NewServer(t, answer(http.StatusForbidden, `{"message":"disabled for `+secret+` (`+url.QueryEscape(secret)+`)"}`))
		_, err := MustNewCaller(t, &log, nil).Do(context.Background(), "lookup", s.Get)
		MustHaveError(t, err, core.EUNAVAILABLE, core.ErrRegistryAuth)
		if leaks(err.Error()) || leaks(log.String()) {
			t.Errorf("the secret leaks: %v\n%s", err, log.String())
		}
		if !strings.Contains(err.Error(), "disabled for ***") {
			t.Errorf("got %v, want the answer's text in the cause", err)
		}
	})
	t.Run("build", func(t *testing.T) {
		_, err := MustNewCaller(t, nil, nil).Do(context.Background(), "lookup", func(ctx context.Context) (*http.Request, error) {
			return http.NewRequestWithContext(ctx, http.MethodGet, "http://[::1/?key="+secret, nil)
		})
		if core.ErrorCode(err) != core.EINTERNAL {
			t.Fatalf("got %v, want EINTERNAL", err)
		}
		if leaks(err.Error()) {
			t.Errorf("the secret leaks: %v", err)
		}
	})
}

func TestDo_MaxBody(t *testing.T) {
	s := NewServer(t, answer(http.StatusOK, strings.Repeat("x", 100)))
	body, err := MustNewCaller(t, nil, func(c *registryhttp.Config) { c.MaxBody = 10 }).Do(context.Background(), "lookup", s.Get)
	if err != nil {
		t.Fatal(err)
	}
	if len(body) != 10 {
		t.Errorf("got %d bytes, want MaxBody's 10", len(body))
	}
}

func TestExcerpt(t *testing.T) {
	c := MustNewCaller(t, nil, nil)
	got := c.Excerpt([]byte("  " + secret + strings.Repeat("я", 300) + "\n"))
	if !strings.HasPrefix(got, "***я") || !strings.HasSuffix(got, "…") || !utf8.ValidString(got) || len(got) > 300+len("…") {
		t.Errorf("got %q, want a scrubbed, shortened, valid excerpt", got)
	}
	if got := c.Excerpt([]byte(" short \n")); got != "short" {
		t.Errorf("got %q, want %q", got, "short")
	}
}
