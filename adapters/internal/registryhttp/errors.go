package registryhttp

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dealdesk/dealdesk/adapters/internal/retryafter"
	"github.com/dealdesk/dealdesk/core"
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

// isDown reports whether err is a "registry down" core error.
func isDown(err error) bool {
	var e *core.Error
	return errors.As(err, &e) && e.Key == core.ErrRegistryDown
}

// Fail builds an EUNAVAILABLE registry error with the key, its cause and
// the registry's name as the argument Source.
func (c *Caller) Fail(key string, cause error) *core.Error {
	return core.Wrap(core.EUNAVAILABLE, key, cause, "Source", c.name)
}

// statusError maps a non-200 answer: Classify's key when it gives one,
// else 402 is the quota, 401 and 403 are a refused key, 429 and 5xx are
// "down" (retried, after Retry-After when given), anything else is an
// answer we cannot use.
func (c *Caller) statusError(op string, resp *http.Response, body []byte) error {
	he := &httpError{Status: resp.StatusCode, Body: c.Excerpt(body)}
	cause := fmt.Errorf("%s: %s: %w", c.name, op, he)
	key := ""
	if c.classify != nil {
		key = c.classify(resp.StatusCode, body)
	}
	if key == "" {
		key = statusKey(resp.StatusCode)
	}
	if key == core.ErrRegistryDown {
		he.RetryAfter = retryafter.Parse(resp.Header.Get("Retry-After"), c.clock.Now())
	}
	return c.Fail(key, cause)
}

// statusKey is the default core error key of a non-200 status.
func statusKey(status int) string {
	switch {
	case status == http.StatusPaymentRequired:
		return core.ErrRegistryQuota
	case status == http.StatusUnauthorized, status == http.StatusForbidden:
		return core.ErrRegistryAuth
	case status == http.StatusTooManyRequests, status >= 500:
		return core.ErrRegistryDown
	default:
		return core.ErrRegistryBadAnswer
	}
}

// Excerpt returns the start of a body (or of a registry's text) for an
// error text, without the secret: a refusal may quote the key.
func (c *Caller) Excerpt(body []byte) string {
	s := c.scrub(strings.TrimSpace(string(body)))
	if len(s) > 300 {
		s = strings.ToValidUTF8(s[:300], "") + "…"
	}
	return s
}

// redact takes the secret out of an error: Go's *url.Error quotes the
// whole URL, query string included. Other errors keep their chain when
// the secret is not in their text.
func (c *Caller) redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = &url.Error{Op: ue.Op, URL: c.scrub(ue.URL), Err: ue.Err}
	}
	if s := c.scrub(err.Error()); s != err.Error() {
		return errors.New(s)
	}
	return err
}

// scrub replaces the secret, raw and URL-escaped, in s.
func (c *Caller) scrub(s string) string {
	if c.secret == "" {
		return s
	}
	s = strings.ReplaceAll(s, c.secret, "***")
	return strings.ReplaceAll(s, url.QueryEscape(c.secret), "***")
}
