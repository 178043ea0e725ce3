package metrics_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dealdesk/dealdesk/adapters/metrics"
)

func get(t *testing.T, h http.Handler, path string) (int, string, http.Header) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	body, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, string(body), rec.Result().Header
}

func TestHealthz(t *testing.T) {
	code, body, _ := get(t, metrics.Healthz(), "/healthz")
	if code != http.StatusOK || strings.TrimSpace(body) != "ok" {
		t.Fatalf("GET /healthz = %d %q", code, body)
	}
}

// /readyz is 200 when the store answers and its migrations are applied,
// whatever the role (a standby is ready to take over), and 503 otherwise;
// it names the role and the leader, and never shows a password.
func TestReadyz(t *testing.T) {
	for _, tc := range []struct {
		name     string
		rd       metrics.Readiness
		code     int
		status   string
		store    string
		notInAll []string
	}{
		{name: "leader", rd: metrics.Readiness{Schema: "5/5", Migrated: true, Role: "leader", Leader: "dd-a"},
			code: 200, status: "ready", store: "ok"},
		{name: "standby", rd: metrics.Readiness{Schema: "5/5", Migrated: true, Role: "standby", Leader: "dd-a"},
			code: 200, status: "ready", store: "ok"},
		{name: "not migrated", rd: metrics.Readiness{Schema: "3/5", Migrated: false, Role: "standby"},
			code: 503, status: "not ready", store: "ok"},
		{name: "store down", rd: metrics.Readiness{
			Store: errors.New(`connect postgres://dealdesk:s3cret@db:5432/dealdesk?sslmode=disable: password=s3cret refused`),
			Role:  "single"},
			code: 503, status: "not ready", store: "connect postgres://***@db:5432/dealdesk?sslmode=disable: password=*** refused",
			notInAll: []string{"s3cret"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var gotCtx context.Context
			h := metrics.Readyz(func(ctx context.Context) metrics.Readiness { gotCtx = ctx; return tc.rd })
			code, body, hdr := get(t, h, "/readyz")
			if code != tc.code {
				t.Fatalf("code = %d, want %d: %s", code, tc.code, body)
			}
			if _, ok := gotCtx.Deadline(); !ok {
				t.Error("the check has no deadline")
			}
			if ct := hdr.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			var got map[string]any
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatalf("%v: %s", err, body)
			}
			if got["status"] != tc.status || got["store"] != tc.store || got["migrated"] != tc.rd.Migrated ||
				got["role"] != tc.rd.Role {
				t.Errorf("body = %s", body)
			}
			if tc.rd.Leader != "" && got["leader"] != tc.rd.Leader {
				t.Errorf("leader = %v, want %s", got["leader"], tc.rd.Leader)
			}
			if tc.rd.Schema != "" && got["schema"] != tc.rd.Schema {
				t.Errorf("schema = %v, want %s", got["schema"], tc.rd.Schema)
			}
			for _, s := range tc.notInAll {
				if strings.Contains(body, s) {
					t.Errorf("body shows %q: %s", s, body)
				}
			}
		})
	}
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u:p@h/db":                                    "postgres://***@h/db",
		"postgresql://user@h:5432/db":                            "postgresql://***@h:5432/db",
		"host=h user=u password=secret dbname=d":                 "host=h user=u password=*** dbname=d",
		"host=h password='se cret' dbname=d":                     "host=h password=*** dbname=d",
		"postgres://h/db?user=u&password=secret&x=1":             "postgres://h/db?user=u&password=***&x=1",
		"dial tcp 10.0.0.1:5432: connection refused":             "dial tcp 10.0.0.1:5432: connection refused",
		"failed to connect to `user=dealdesk database=dealdesk`": "failed to connect to `user=dealdesk database=dealdesk`",
	} {
		if got := metrics.Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
	long := strings.Repeat("ж", 400)
	if got := metrics.Redact(long); len(got) > 310 || !utf8.ValidString(got) || !strings.HasSuffix(got, "…") || !strings.HasPrefix(got, "жж") {
		t.Errorf("long message = %d bytes", len(got))
	}
}
