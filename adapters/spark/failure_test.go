package spark_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/adapters/spark"
	"github.com/dealdesk/dealdesk/core"
)

const report = "GetCompanyShortReport"

// onReport answers the company report calls with answer while it returns true.
func onReport(f *fakeSpark, answer func(w http.ResponseWriter, r *http.Request, n int) bool) {
	f.onCall(func(w http.ResponseWriter, r *http.Request, method string, n int) bool {
		return method == report && answer(w, r, n)
	})
}

func TestWrongCredentials(t *testing.T) {
	f := newFake(t)
	c := newClient(t, f, func(c *spark.Config) { c.Password = "not-" + testPassword })
	_, err := c.Lookup(context.Background(), sberINN, "")
	wantErr(t, err, core.EUNAVAILABLE, core.ErrRegistryAuth)
	if strings.Contains(err.Error(), "not-"+testPassword) {
		t.Errorf("the error shows the password: %v", err)
	}
	if a, r := f.count("Authmethod"), f.count(report); a != 1 || r != 0 {
		t.Errorf("Authmethod called %d times, the report %d times; want 1 and 0", a, r)
	}
}

// SPARK refusing the session right after a login is not retried forever.
func TestReloginOnlyOnce(t *testing.T) {
	f := newFake(t)
	onReport(f, func(w http.ResponseWriter, _ *http.Request, _ int) bool {
		writeSOAP(w, report, "Authentication error", authErrorDoc)
		return true
	})
	_, err := newClient(t, f, nil).Lookup(context.Background(), sberINN, "")
	wantErr(t, err, core.EUNAVAILABLE, core.ErrRegistryAuth)
	if a, r := f.count("Authmethod"), f.count(report); a != 2 || r != 2 {
		t.Errorf("Authmethod called %d times, the report %d times; want 2 and 2", a, r)
	}
}

func TestInBandErrors(t *testing.T) {
	for _, tt := range []struct {
		name, result, doc, key string
	}{
		{"quota", "False", `<Response><ResultInfo ResultType="Limit exceeded" ExecutionTime="3"/></Response>`, core.ErrRegistryQuota},
		{"denied", "Access denied", "", core.ErrRegistryAuth},
		{"unknown text", "Invalid parameter value", "", core.ErrRegistryBadAnswer},
		{"other INN", "True", sberDoc, core.ErrRegistryBadAnswer},
		{"bad xmlData", "True", `<Response><Data><Report><INN>` + liquidatedINN, core.ErrRegistryBadAnswer},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			onReport(f, func(w http.ResponseWriter, _ *http.Request, _ int) bool {
				writeSOAP(w, report, tt.result, tt.doc)
				return true
			})
			_, err := newClient(t, f, nil).Lookup(context.Background(), liquidatedINN, "")
			wantErr(t, err, core.EUNAVAILABLE, tt.key)
			if n := f.count(report); n != 1 {
				t.Errorf("report called %d times, want 1", n)
			}
		})
	}
}

// Answers that are not SPARK's XML are bad answers, never retried.
func TestBadAnswers(t *testing.T) {
	for _, tt := range []struct {
		name   string
		status int
		body   string
	}{
		{"SOAP fault", http.StatusInternalServerError, faultBody},
		{"HTML", http.StatusOK, "<html><body>Service Unavailable</body></html>"},
		{"truncated", http.StatusOK, `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>`},
		{"empty", http.StatusOK, ""},
		{"no response element", http.StatusOK, `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body/></soap:Envelope>`},
		{"not found URL", http.StatusNotFound, "not found"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			onReport(f, func(w http.ResponseWriter, _ *http.Request, _ int) bool {
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body)
				return true
			})
			_, err := newClient(t, f, nil).Lookup(context.Background(), sberINN, "")
			wantErr(t, err, core.EUNAVAILABLE, core.ErrRegistryBadAnswer)
			if n := f.count(report); n != 1 {
				t.Errorf("report called %d times, want 1", n)
			}
		})
	}
}

func TestRetriesThenSuccess(t *testing.T) {
	f := newFake(t)
	onReport(f, func(w http.ResponseWriter, _ *http.Request, n int) bool {
		if n > 2 {
			return false
		}
		http.Error(w, "<html>Service Unavailable</html>", []int{http.StatusInternalServerError, http.StatusBadGateway}[n-1])
		return true
	})
	got, err := newClient(t, f, nil).Lookup(context.Background(), sberINN, "")
	if err != nil {
		t.Fatal(err)
	}
	if got.ShortName != "ПАО СБЕРБАНК" {
		t.Errorf("ShortName = %q", got.ShortName)
	}
	if n := f.count(report); n != 3 {
		t.Errorf("report called %d times, want 3", n)
	}
}

func TestRetriesExhausted(t *testing.T) {
	for _, tt := range []struct {
		retries, calls int
	}{{0, 3}, {-1, 1}, {4, 5}} {
		f := newFake(t)
		onReport(f, func(w http.ResponseWriter, _ *http.Request, _ int) bool {
			http.Error(w, "busy", http.StatusTooManyRequests)
			return true
		})
		_, err := newClient(t, f, func(c *spark.Config) { c.MaxRetries = tt.retries }).Lookup(context.Background(), sberINN, "")
		wantErr(t, err, core.EUNAVAILABLE, core.ErrRegistryDown)
		if n := f.count(report); n != tt.calls {
			t.Errorf("MaxRetries %d: report called %d times, want %d", tt.retries, n, tt.calls)
		}
	}
}

func TestTimeout(t *testing.T) {
	f := newFake(t)
	onReport(f, func(_ http.ResponseWriter, r *http.Request, _ int) bool {
		<-r.Context().Done() // hang until the client gives up
		return true
	})
	c := newClient(t, f, func(c *spark.Config) { c.Timeout, c.MaxRetries = 200*time.Millisecond, 1 })
	start := time.Now()
	_, err := c.Lookup(context.Background(), sberINN, "")
	wantErr(t, err, core.EUNAVAILABLE, core.ErrRegistryDown)
	// Not a speed target: a client without the timeout would hang until the
	// test's own deadline. The bound is loose for a loaded CI machine.
	if d := time.Since(start); d > 15*time.Second {
		t.Errorf("Lookup took %v: the timeout did not cut the hanging request", d)
	}
	if n := f.count(report); n != 2 {
		t.Errorf("report called %d times, want 2", n)
	}
}

func TestNetworkDown(t *testing.T) {
	f := newFake(t)
	c := newClient(t, f, func(c *spark.Config) { c.URL = "http://127.0.0.1:1/asmx"; c.MaxRetries = -1 })
	_, err := c.Lookup(context.Background(), sberINN, "")
	wantErr(t, err, core.EUNAVAILABLE, core.ErrRegistryDown)
}

func TestHTTPForbidden(t *testing.T) {
	f := newFake(t)
	onReport(f, func(w http.ResponseWriter, _ *http.Request, _ int) bool {
		http.Error(w, "IP address is not allowed", http.StatusForbidden)
		return true
	})
	_, err := newClient(t, f, nil).Lookup(context.Background(), sberINN, "")
	wantErr(t, err, core.EUNAVAILABLE, core.ErrRegistryAuth)
}

func TestBreaker(t *testing.T) {
	f := newFake(t)
	var down atomic.Bool
	down.Store(true)
	onReport(f, func(w http.ResponseWriter, _ *http.Request, _ int) bool {
		if !down.Load() {
			return false
		}
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return true
	})
	c := newClient(t, f, func(c *spark.Config) { c.MaxRetries, c.BreakerCooldown = -1, 100*time.Millisecond })
	ctx := context.Background()
	lookup := func(inn string) error { _, err := c.Lookup(ctx, inn, ""); return err }

	// A lookup that SPARK answers breaks the run of failures.
	for range 4 {
		wantErr(t, lookup(sberINN), core.EUNAVAILABLE, core.ErrRegistryDown)
	}
	if err := lookup(ipINN); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		wantErr(t, lookup(sberINN), core.EUNAVAILABLE, core.ErrRegistryDown)
	}
	if n := f.count(report); n != 9 {
		t.Fatalf("report called %d times before the breaker opened, want 9", n)
	}
	// Open: no call reaches SPARK.
	err := lookup(sberINN)
	wantErr(t, err, core.EUNAVAILABLE, core.ErrRegistryDown)
	if n := f.count(report); n != 9 || !strings.Contains(err.Error(), "circuit breaker") {
		t.Errorf("open breaker: report called %d times, err %v", n, err)
	}
	// Half-open after the cooldown: one trial call closes it again.
	down.Store(false)
	time.Sleep(150 * time.Millisecond)
	if err := lookup(sberINN); err != nil {
		t.Fatal(err)
	}
	if err := lookup(sberINN); err != nil {
		t.Fatal(err)
	}
}

// Lookups the caller cancels say nothing about SPARK: the breaker stays closed.
func TestCallerCancelDoesNotOpenBreaker(t *testing.T) {
	f := newFake(t)
	c := newClient(t, f, func(c *spark.Config) { c.BreakerFailures = 2 })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for range 3 {
		_, err := c.Lookup(ctx, sberINN, "")
		wantErr(t, err, core.EUNAVAILABLE, core.ErrRegistryDown)
	}
	if _, err := c.Lookup(context.Background(), sberINN, ""); err != nil {
		t.Fatal(err)
	}
}
