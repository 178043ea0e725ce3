package fnsapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cenkalti/backoff/v5"
	"github.com/rs/zerolog"
	"github.com/sony/gobreaker/v2"

	"github.com/dealdesk/dealdesk/core"
)

const (
	// maxBody caps what is read of an answer; a full egr record with
	// founders and activities stays far below it.
	maxBody = 8 << 20
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

// call GETs method?req=inn&key=… with retries behind the breaker and
// returns the body of a 200 answer.
func (c *Client) call(ctx context.Context, method, inn string) ([]byte, error) {
	op := func() ([]byte, error) {
		body, err := c.breaker.Execute(func() ([]byte, error) { return c.attempt(ctx, method, inn) })
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
			c.log.Warn().Err(err).Str("method", method).Dur("wait", wait).Msg("registry request failed, retrying")
		}))
	if err == nil {
		return body, nil
	}
	var e *core.Error
	if errors.As(err, &e) {
		return nil, e
	}
	// The caller's context ended while waiting between attempts.
	return nil, fail(core.ErrRegistryDown, fmt.Errorf("fnsapi: %s: %w", method, err))
}

// retryable tells backoff.Retry what to do with an attempt's error:
// only "registry down" is retried, after Retry-After when one was given.
func (c *Client) retryable(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, gobreaker.ErrOpenState) || errors.Is(err, gobreaker.ErrTooManyRequests) {
		return backoff.Permanent(fail(core.ErrRegistryDown, fmt.Errorf("fnsapi: %w", err)))
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
func (c *Client) attempt(ctx context.Context, method, inn string) ([]byte, error) {
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	q := url.Values{"req": {inn}, "key": {c.key}}
	req, err := http.NewRequestWithContext(actx, http.MethodGet, c.base+method+"?"+q.Encode(), nil)
	if err != nil {
		return nil, core.Wrap(core.EINTERNAL, "err.internal", fmt.Errorf("fnsapi: %w", c.redact(err)))
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, c.gone(ctx, fail(core.ErrRegistryDown, fmt.Errorf("fnsapi: %s: %w", method, c.redact(err))))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, c.gone(ctx, fail(core.ErrRegistryDown, fmt.Errorf("fnsapi: %s: read: %w", method, c.redact(err))))
	}
	if resp.StatusCode == http.StatusOK {
		return body, nil
	}
	return nil, c.statusError(method, resp, body)
}

// redact takes the key out of an error: Go's *url.Error quotes the whole
// URL, query string included. Other errors keep their chain when the key
// is not in their text.
func (c *Client) redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = &url.Error{Op: ue.Op, URL: c.scrub(ue.URL), Err: ue.Err}
	}
	if c.key != "" && strings.Contains(err.Error(), c.key) {
		return errors.New(c.scrub(err.Error()))
	}
	return err
}

// scrub replaces the key, raw and URL-escaped, in s.
func (c *Client) scrub(s string) string {
	if c.key == "" {
		return s
	}
	s = strings.ReplaceAll(s, c.key, "***")
	return strings.ReplaceAll(s, url.QueryEscape(c.key), "***")
}

// gone marks err as the caller's when the caller's context has ended.
func (c *Client) gone(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return &callerGone{err: err}
	}
	return err
}

// statusError maps a non-200 answer: 402 and a 401 or 403 that speaks
// of a limit are the quota, other 401 and 403 are a refused key, 429 and
// 5xx are "down" (retried), anything else is an answer we cannot use.
func (c *Client) statusError(method string, resp *http.Response, body []byte) error {
	he := &httpError{Status: resp.StatusCode, Body: c.excerpt(body)}
	cause := fmt.Errorf("fnsapi: %s: %w", method, he)
	switch s := resp.StatusCode; {
	case s == http.StatusPaymentRequired, (s == http.StatusUnauthorized || s == http.StatusForbidden) && quotaText(body):
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

// answerError maps a 200 answer that decoding refused: no such INN, a
// refusal written in the body (a used-up limit, a bad key), or something
// unreadable.
func (c *Client) answerError(method, inn string, err error) error {
	var r *refusal
	switch {
	case errors.Is(err, errNotFound):
		return core.Errorf(core.ENOTFOUND, core.ErrRegistryNotFound, "Source", Name, "INN", inn)
	case errors.As(err, &r) && r.quota:
		return fail(core.ErrRegistryQuota, fmt.Errorf("fnsapi: %s: %s", method, c.excerpt([]byte(r.text))))
	case errors.As(err, &r):
		return fail(core.ErrRegistryAuth, fmt.Errorf("fnsapi: %s: %s", method, c.excerpt([]byte(r.text))))
	}
	return fail(core.ErrRegistryBadAnswer, fmt.Errorf("fnsapi: %s: %w", method, err))
}

// quotaWords are the words of a refusal for a used-up limit or an unpaid
// plan. API-ФНС's own texts are [UNCONFIRMED]; these cover the usual ones.
var quotaWords = []string{"limit", "quota", "exceeded", "лимит", "исчерпан", "превышен", "закончил", "оплат"}

// quotaText reports whether a body speaks of a used-up limit or an
// unpaid plan rather than of a bad key.
func quotaText(body []byte) bool { return mentionsQuota(bodyText(body)) }

// mentionsQuota reports whether a text has one of quotaWords.
func mentionsQuota(s string) bool {
	s = strings.ToLower(s)
	return slices.ContainsFunc(quotaWords, func(w string) bool { return strings.Contains(s, w) })
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

// excerpt returns the start of a body for an error text, without the key.
func (c *Client) excerpt(body []byte) string {
	s := c.scrub(strings.TrimSpace(string(body)))
	if len(s) > 300 {
		s = strings.ToValidUTF8(s[:300], "") + "…"
	}
	return s
}
