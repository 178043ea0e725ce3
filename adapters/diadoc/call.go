package diadoc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dealdesk/dealdesk/adapters/internal/retryafter"
	"github.com/dealdesk/dealdesk/core"
)

// maxBody caps what is read of an answer: a page of 100 events with their
// documents' metadata stays far below it.
const maxBody = 32 << 20

// request is one API call.
type request struct {
	op          string // the method's name, for errors and logs
	method      string
	path        string
	query       url.Values
	body        []byte
	contentType string
}

// response is a 2xx answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends r, tried again (up to MaxRetries times) after a network
// failure, a 5xx or a 429: after the Retry-After the answer gives, else
// after a pause that doubles each time. It returns the 2xx answer (200,
// 204 …) or a core error (see errors.go).
func (c *Client) do(ctx context.Context, r request) (*response, error) {
	var last error
	for attempt := 0; ; attempt++ {
		resp, wait, err := c.attempt(ctx, r)
		if err == nil {
			return resp, nil
		}
		if wait < 0 {
			return nil, err // not worth another try
		}
		last = err
		if attempt >= c.retries {
			break
		}
		if wait == 0 {
			wait = c.backoff(attempt)
		}
		if wait > c.maxWait {
			c.log.Warn().Str("method", r.op).Dur("retry_after", wait).Msg("diadoc asks to wait longer than DealDesk waits within a call")
			break
		}
		c.log.Warn().Str("method", r.op).Err(err).Dur("wait", wait).Int("attempt", attempt+1).Msg("diadoc request failed, retrying")
		if err := c.sleep(ctx, wait); err != nil {
			return nil, c.fail(core.EUNAVAILABLE, ErrUnavailable, r.op, err, "")
		}
	}
	return nil, last
}

// attempt sends r once. wait is how long to wait before another try: -1
// when another try would not help, 0 when the answer gave no
// Retry-After.
func (c *Client) attempt(ctx context.Context, r request) (resp *response, wait time.Duration, err error) {
	u := c.base + r.path
	if len(r.query) > 0 {
		// Encode escapes every reserved character of the values, so an
		// IndexKey with "+" or "/" arrives as it is (Diadoc answers an
		// unescaped "+" with "cursor must have valid value").
		u += "?" + r.query.Encode()
	}
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u, body)
	if err != nil {
		return nil, -1, core.Wrap(core.EINTERNAL, "err.internal", fmt.Errorf("diadoc: %s: %w", r.op, err))
	}
	req.Header.Set("Authorization", c.authorization())
	req.Header.Set("Accept", "application/json")
	if r.body != nil {
		req.Header.Set("Content-Type", r.contentType)
	}
	start := time.Now()
	res, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, -1, c.fail(core.EUNAVAILABLE, ErrUnavailable, r.op, ctx.Err(), "")
		}
		return nil, 0, c.fail(core.EUNAVAILABLE, ErrUnavailable, r.op, c.redactErr(err), "")
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, maxBody))
	if err != nil {
		return nil, 0, c.fail(core.EUNAVAILABLE, ErrUnavailable, r.op, c.redactErr(err), "")
	}
	c.log.Debug().Str("method", r.op).Int("status", res.StatusCode).Int("bytes", len(b)).
		Dur("took", time.Since(start)).Msg("diadoc request")
	switch {
	case res.StatusCode >= 200 && res.StatusCode < 300:
		return &response{status: res.StatusCode, header: res.Header, body: b}, 0, nil
	case res.StatusCode == http.StatusTooManyRequests || res.StatusCode >= 500:
		after := retryafter.Parse(res.Header.Get("Retry-After"), time.Now())
		key := ErrUnavailable
		if res.StatusCode == http.StatusTooManyRequests {
			key = ErrRateLimited
		}
		return nil, after, c.statusError(core.EUNAVAILABLE, key, r.op, res.StatusCode, b)
	}
	return nil, -1, c.refusal(r.op, res.StatusCode, b)
}

// authorization is the Authorization header: the legacy DiadocAuth scheme
// with the developer key and the token, or the OIDC access token.
func (c *Client) authorization() string {
	if c.bearer {
		return "Bearer " + c.token
	}
	return "DiadocAuth ddauth_api_client_id=" + c.clientID + ",ddauth_token=" + c.token
}

// backoff is the pause before try attempt+2 without Retry-After: RetryWait
// doubled each time, ±25 % so that parallel callers spread.
func (c *Client) backoff(attempt int) time.Duration {
	d := c.retryWait << min(attempt, 10)
	return time.Duration(float64(d) * (0.75 + rand.Float64()/2))
}

// getJSON calls a GET method and decodes its 200 answer into v.
func (c *Client) getJSON(ctx context.Context, op, path string, q url.Values, v any) error {
	resp, err := c.do(ctx, request{op: op, method: http.MethodGet, path: path, query: q})
	if err != nil {
		return err
	}
	return c.decode(op, resp, v)
}

// decode reads a 200 answer's JSON into v.
func (c *Client) decode(op string, resp *response, v any) error {
	if resp.status != http.StatusOK {
		return c.statusError(core.EUNAVAILABLE, ErrBadAnswer, op, resp.status, resp.body)
	}
	if err := json.Unmarshal(resp.body, v); err != nil {
		return c.fail(core.EUNAVAILABLE, ErrBadAnswer, op, fmt.Errorf("unreadable answer: %w", err), "")
	}
	return nil
}

// redactErr takes the token out of an error's text.
func (c *Client) redactErr(err error) error {
	if s := c.scrub(err.Error()); s != err.Error() {
		return errors.New(s)
	}
	return err
}

// scrub replaces the token, raw and URL-escaped, in s.
func (c *Client) scrub(s string) string {
	for _, secret := range []string{c.token, url.QueryEscape(c.token)} {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "***")
		}
	}
	return s
}
