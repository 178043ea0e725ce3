// Package retryafter reads an HTTP Retry-After header, for the adapters
// that wait as a server asks before they call it again.
package retryafter

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Parse reads a Retry-After value: seconds or an HTTP date. It is 0 when
// the value is absent or unreadable, and never negative (a date already
// past is 0).
func Parse(v string, now time.Time) time.Duration {
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
