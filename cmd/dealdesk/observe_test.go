package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/bot/telegram/telegramtest"
)

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// TestHealthReadinessAndMetrics: a running DealDesk answers /healthz,
// /readyz (store, schema, role) and /metrics with what it did: the command
// handled, the reply delivered, the outbox's backlog, the jobs.
func TestHealthReadinessAndMetrics(t *testing.T) {
	srv := telegramtest.NewServer(t)
	r := startTelegram(t, t.TempDir(), srv)
	expect(t, r.say(adminTG, adminTG, "/help"), "DealDesk — команды")
	base := "http://" + r.m.HTTPAddr()

	if code, body := httpGet(t, base+"/healthz"); code != http.StatusOK || strings.TrimSpace(body) != "ok" {
		t.Fatalf("/healthz = %d %q", code, body)
	}
	code, body := httpGet(t, base+"/readyz")
	var ready map[string]any
	if err := json.Unmarshal([]byte(body), &ready); err != nil || code != http.StatusOK {
		t.Fatalf("/readyz = %d %q (%v)", code, body, err)
	}
	wantRole := "single"
	if onPostgres() {
		wantRole = "leader"
	}
	if !strings.Contains(body, `"`+wantRole+`"`) || strings.Contains(body, "password") {
		t.Fatalf("/readyz = %s: want role %s", body, wantRole)
	}
	if onPostgres() && !strings.Contains(body, r.m.Config.Instance) {
		t.Fatalf("/readyz = %s: the leader is not named", body)
	}

	_, metrics := httpGet(t, base+"/metrics")
	for _, want := range []string{
		`dealdesk_updates_handled_total{command="help",outcome="ok",platform="telegram"} 1`,
		`dealdesk_outbox_deliveries_total{outcome="sent",platform="telegram"}`,
		`dealdesk_outbox_pending_messages`,
		`dealdesk_outbox_oldest_message_age_seconds`,
		`dealdesk_job_interval_seconds{job_name="remind_tick"}`,
		`dealdesk_reply_duration_seconds_count{platform="telegram"}`,
		`dealdesk_store_transaction_duration_seconds_count{kind="update"}`,
		`dealdesk_role{role="` + wantRole + `"} 1`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
