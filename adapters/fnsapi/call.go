package fnsapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/dealdesk/dealdesk/core"
)

// maxBody caps what is read of an answer; a full egr record with
// founders and activities stays far below it.
const maxBody = 8 << 20

// call GETs method?req=inn&key=… with retries behind the breaker
// (registryhttp) and returns the body of a 200 answer. The key in the URL
// is registryhttp's Secret: it is scrubbed from the URL errors quote.
func (c *Client) call(ctx context.Context, method, inn string) ([]byte, error) {
	return c.caller.Do(ctx, method, func(ctx context.Context) (*http.Request, error) {
		q := url.Values{"req": {inn}, "key": {c.key}}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+method+"?"+q.Encode(), nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", "application/json")
		return req, nil
	})
}

// classify tells a used-up quota from a refused key: besides 402, which
// registryhttp maps to the quota, a 401 or 403 that speaks of a limit is
// the quota; other 401 and 403 stay a refused key.
func classify(status int, body []byte) string {
	if (status == http.StatusUnauthorized || status == http.StatusForbidden) && quotaText(body) {
		return core.ErrRegistryQuota
	}
	return ""
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
		return c.caller.Fail(core.ErrRegistryQuota, fmt.Errorf("fnsapi: %s: %s", method, c.caller.Excerpt([]byte(r.text))))
	case errors.As(err, &r):
		return c.caller.Fail(core.ErrRegistryAuth, fmt.Errorf("fnsapi: %s: %s", method, c.caller.Excerpt([]byte(r.text))))
	}
	return c.caller.Fail(core.ErrRegistryBadAnswer, fmt.Errorf("fnsapi: %s: %w", method, err))
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
