package metrics

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"time"
	"unicode/utf8"
)

// Readiness is what an instance's readiness check found.
type Readiness struct {
	// Store is the error of reaching the store; nil when it answered.
	Store error
	// Schema is how far the database's migrations are applied, e.g. "5/5".
	Schema string
	// Migrated says that every migration the program knows is applied.
	Migrated bool
	// Role is the instance's role: "leader", "standby" or "single".
	Role string
	// Leader is the name of the leader instance, when known.
	Leader string
}

// ReadyTimeout bounds a readiness check.
const ReadyTimeout = 5 * time.Second

// Healthz answers 200 "ok" while the process is alive (GET /healthz).
func Healthz() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("ok\n"))
	})
}

// readyBody is the JSON that Readyz answers.
type readyBody struct {
	Status   string `json:"status"`           // "ready" or "not ready"
	Store    string `json:"store"`            // "ok", or why it is not reachable
	Schema   string `json:"schema,omitempty"` // "5/5"
	Migrated bool   `json:"migrated"`
	Role     string `json:"role,omitempty"`
	Leader   string `json:"leader,omitempty"`
}

// Readyz answers GET /readyz with the result of check as JSON: 200 when
// the store is reachable and its migrations are applied (a standby is
// ready too: it is there to take over), 503 otherwise. The store's error
// is shown with any password or URL credentials blanked out.
func Readyz(check func(ctx context.Context) Readiness) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), ReadyTimeout)
		defer cancel()
		rd := check(ctx)
		body := readyBody{Status: "ready", Store: "ok", Schema: rd.Schema, Migrated: rd.Migrated,
			Role: rd.Role, Leader: rd.Leader}
		code := http.StatusOK
		if rd.Store != nil {
			body.Store = Redact(rd.Store.Error())
		}
		if rd.Store != nil || !rd.Migrated {
			body.Status, code = "not ready", http.StatusServiceUnavailable
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(body)
	})
}

var (
	// userinfo is a URL's user:password@ (postgres://u:p@host/db).
	userinfo = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://)[^/@\s]*@`)
	// keyValue is a connection string's password=… (quoted or not).
	keyValue = regexp.MustCompile(`(?i)\b(password|passwd|pwd|sslpassword)\s*=\s*('(?:[^'\\]|\\.)*'|"[^"]*"|[^\s&]+)`)
	// query is a URL's ?password=… or &password=….
	query = regexp.MustCompile(`(?i)([?&](?:password|sslpassword)=)[^&\s]*`)
)

// Redact blanks out credentials in a message: the user and password of a
// URL, and password=… in a connection string or a URL's query.
func Redact(s string) string {
	s = userinfo.ReplaceAllString(s, "${1}***@")
	s = query.ReplaceAllString(s, "${1}***")
	s = keyValue.ReplaceAllString(s, "${1}=***")
	const maxLen = 300
	if len(s) > maxLen {
		n := maxLen
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		s = s[:n] + "…"
	}
	return s
}
