package dadata

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cenkalti/backoff/v5"
	"github.com/rs/zerolog"
	"github.com/sony/gobreaker/v2"

	"github.com/dealdesk/dealdesk/core"
)

const (
	// maxBody caps what is read of an answer; a full party record with
	// founders and branches stays far below it.
	maxBody = 4 << 20
	// maxRetryAfter is the longest Retry-After worth waiting for inside a
	// lookup; a longer one fails the lookup at once.
	maxRetryAfter = 10 * time.Second
)

// httpError is a non-200 answer; Body is a scrubbed, shortened excerpt.
type httpError struct {
	Status     int
	Body       string
	RetryAfter time.Duration
}

func (e *httpError) Error() string {
	if e.Body == "" {
		return fmt.Sprintf("HTTP %d", e.Status)
	}
	return fmt.Sprintf("HTTP %d: %s", e.Status, e.Body)
}

// callerGone marks a failure caused by the caller's context: it says
// nothing about the registry, so the breaker ignores it.
type callerGone struct{ err error }

func (e *callerGone) Error() string { return e.err.Error() }
func (e *callerGone) Unwrap() error { return e.err }

// retryLater carries a registry failure together with the wait the
// registry asked for (Retry-After), which backoff.Retry honours.
type retryLater struct {
	err   error
	after *backoff.RetryAfterError
}

func (e *retryLater) Error() string   { return e.err.Error() }
func (e *retryLater) Unwrap() []error { return []error{e.err, e.after} }

// newBreaker builds the circuit breaker: only "registry down" failures
// count; an answer of any kind (auth, quota, not found, unreadable) shows
// the registry is up.
func newBreaker(failures uint32, cooldown time.Duration, log zerolog.Logger) *gobreaker.CircuitBreaker[[]byte] {
	return gobreaker.NewCircuitBreaker[[]byte](gobreaker.Settings{
		Name:    Name,
		Timeout: cooldown,
		ReadyToTrip: func(c gobreaker.Counts) bool {
			return c.ConsecutiveFailures >= failures
		},
		IsSuccessful: func(err error) bool { return !isDown(err) },
		IsExcluded: func(err error) bool {
			var g *callerGone
			return errors.As(err, &g)
		},
		OnStateChange: func(_ string, from, to gobreaker.State) {
			log.Warn().Str("from", from.String()).Str("to", to.String()).Msg("circuit breaker state changed")
		},
	})
}

// isDown reports whether err is a "registry down" core error.
func isDown(err error) bool {
	var e *core.Error
	return errors.As(err, &e) && e.Key == core.ErrRegistryDown
}

// fail builds an EUNAVAILABLE registry error with its cause.
func fail(key string, cause error) *core.Error {
	return core.Wrap(core.EUNAVAILABLE, key, cause, "Source", Name)
}

// call posts payload to findById/party with retries behind the breaker
// and returns the body of a 200 answer.
func (c *Client) call(ctx context.Context, payload []byte) ([]byte, error) {
	op := func() ([]byte, error) {
		body, err := c.breaker.Execute(func() ([]byte, error) { return c.attempt(ctx, payload) })
		return body, c.retryable(ctx, err)
	}
	b := &backoff.ExponentialBackOff{
		InitialInterval:     c.wait,
		RandomizationFactor: 0.5,
		Multiplier:          2,
		MaxInterval:         maxRetryAfter,
	}
	body, err := backoff.Retry(ctx, op,
		backoff.WithBackOff(b),
		backoff.WithMaxTries(c.tries),
		backoff.WithNotify(func(err error, wait time.Duration) {
			c.log.Warn().Err(err).Dur("wait", wait).Msg("registry request failed, retrying")
		}))
	if err == nil {
		return body, nil
	}
	var e *core.Error
	if errors.As(err, &e) {
		return nil, e
	}
	// The caller's context ended while waiting between attempts.
	return nil, fail(core.ErrRegistryDown, fmt.Errorf("dadata: findById/party: %w", err))
}

// retryable tells backoff.Retry what to do with an attempt's error:
// only "registry down" is retried, after Retry-After when one was given.
func (c *Client) retryable(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, gobreaker.ErrOpenState) || errors.Is(err, gobreaker.ErrTooManyRequests) {
		return backoff.Permanent(fail(core.ErrRegistryDown, fmt.Errorf("dadata: %w", err)))
	}
	var g *callerGone
	if errors.As(err, &g) {
		return backoff.Permanent(g.err)
	}
	if !isDown(err) || ctx.Err() != nil {
		return backoff.Permanent(err)
	}
	var he *httpError
	if errors.As(err, &he) && he.RetryAfter > 0 {
		if he.RetryAfter > maxRetryAfter {
			return backoff.Permanent(err)
		}
		return &retryLater{err: err, after: &backoff.RetryAfterError{Duration: he.RetryAfter}}
	}
	return err
}

// attempt makes one request within the per-attempt timeout.
func (c *Client) attempt(ctx context.Context, payload []byte) ([]byte, error) {
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, c.url, bytes.NewReader(payload))
	if err != nil {
		return nil, core.Wrap(core.EINTERNAL, "err.internal", fmt.Errorf("dadata: %w", err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Token "+c.key)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.gone(ctx, fail(core.ErrRegistryDown, fmt.Errorf("dadata: findById/party: %w", err)))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, c.gone(ctx, fail(core.ErrRegistryDown, fmt.Errorf("dadata: findById/party: read: %w", err)))
	}
	if resp.StatusCode == http.StatusOK {
		return body, nil
	}
	return nil, c.statusError(resp, body)
}

// gone marks err as the caller's when the caller's context has ended.
func (c *Client) gone(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return &callerGone{err: err}
	}
	return err
}

// statusError maps a non-200 answer: 401 and 403 are a refused key, 402
// and a 403 about a disabled feature or a limit are the quota, 429 and 5xx
// are "down" (retried), anything else is an answer we cannot use.
func (c *Client) statusError(resp *http.Response, body []byte) error {
	he := &httpError{Status: resp.StatusCode, Body: c.excerpt(body)}
	cause := fmt.Errorf("dadata: findById/party: %w", he)
	switch s := resp.StatusCode; {
	case s == http.StatusPaymentRequired, s == http.StatusForbidden && quotaText(body):
		return fail(core.ErrRegistryQuota, cause)
	case s == http.StatusUnauthorized, s == http.StatusForbidden:
		return fail(core.ErrRegistryAuth, cause)
	case s == http.StatusTooManyRequests, s >= 500:
		he.RetryAfter = retryAfter(resp.Header.Get("Retry-After"), c.clock.Now())
		return fail(core.ErrRegistryDown, cause)
	default:
		return fail(core.ErrRegistryBadAnswer, cause)
	}
}

// quotaText reports whether a 403 body speaks of a disabled feature or a
// used-up limit rather than of a bad key.
func quotaText(body []byte) bool {
	s := strings.ToLower(string(body))
	for _, w := range []string{"disabled", "limit", "quota", "exceeded", "лимит", "исчерпан", "превышен"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// retryAfter parses a Retry-After header (seconds or an HTTP date).
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil {
		return time.Duration(max(n, 0)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}

// excerpt returns the start of a body for an error text, without the key
// (DaData's quota message may quote the token).
func (c *Client) excerpt(body []byte) string {
	s := strings.TrimSpace(string(body))
	if c.key != "" {
		s = strings.ReplaceAll(s, c.key, "***")
	}
	if len(s) > 300 {
		s = strings.ToValidUTF8(s[:300], "") + "…"
	}
	return s
}
