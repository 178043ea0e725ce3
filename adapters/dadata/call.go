package dadata

import (
	"bytes"
	"context"
	"net/http"
	"strings"

	"github.com/dealdesk/dealdesk/core"
)

// maxBody caps what is read of an answer; a full party record with
// founders and branches stays far below it.
const maxBody = 4 << 20

// call posts payload to findById/party with retries behind the breaker
// (registryhttp) and returns the body of a 200 answer.
func (c *Client) call(ctx context.Context, payload []byte) ([]byte, error) {
	return c.caller.Do(ctx, "findById/party", func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(payload))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		req.Header.Set("Authorization", "Token "+c.key)
		return req, nil
	})
}

// classify tells a used-up quota from a refused key: besides 402, which
// registryhttp maps to the quota, a 403 about a disabled feature or a
// limit is the quota; any other 403 stays a refused key.
func classify(status int, body []byte) string {
	if status == http.StatusForbidden && quotaText(body) {
		return core.ErrRegistryQuota
	}
	return ""
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
