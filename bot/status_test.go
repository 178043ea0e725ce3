package bot_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// TestStatus: /status shows an admin every job's last run (a success, a
// failure with its error, the watchdog's open incident), the outbox's
// backlog by platform with its oldest message's age, the reminders waiting
// and the calendar's loaded years, in the admin's language and time zone;
// anyone else is refused.
func TestStatus(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	t0 := h.clock.Now() // 28.11.2026 09:00 UTC, 12:00 in Moscow
	record := func(name string, at time.Time, err error) {
		t.Helper()
		if err := h.svc.RecordJobRun(ctx, name, at, err); err != nil {
			t.Fatal(err)
		}
	}
	record("purge_inbox", t0.Add(-2*time.Hour), nil)
	record("purge_inbox", t0.Add(-time.Hour), nil)
	record("registry_recheck", t0.Add(-26*time.Hour), nil)
	record("registry_recheck", t0.Add(-2*time.Hour), errors.New("dadata: 503 Service Unavailable"))
	record("edo_poll", t0.Add(-time.Hour), errors.New("diadoc: timeout"))
	// The watchdog finds edo_poll stale (it never succeeded in 3 intervals).
	if _, err := h.svc.CheckJobs(ctx, t0, map[string]time.Duration{"edo_poll": 10 * time.Minute},
		t0.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	// The admin has had the watchdog's notice.
	if _, err := h.bot.DeliverDue(ctx, "test"); err != nil {
		t.Fatal(err)
	}
	if got := h.rec.take(); len(got) != 1 || !strings.Contains(got[0].Text, "edo_poll") {
		t.Fatalf("the watchdog's notice: %s", dump(got))
	}
	// Messages wait for a platform that does not run here: two for
	// Telegram since 40 minutes ago, one for Mattermost.
	err := h.db.Update(ctx, func(tx core.Tx) error {
		for _, m := range []*core.OutboxMessage{{Platform: "telegram", ChatID: "5", Text: "a"},
			{Platform: "telegram", ChatID: "6", Text: "b"}, {Platform: "mattermost", ChatID: "x", Text: "c"}} {
			m.Status = core.OutboxPending
			if err := tx.Enqueue(m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	h.clock.Add(40 * time.Minute)
	now := h.clock.Now()

	got := h.say("admin", "/status")
	if len(got) != 1 {
		t.Fatalf("/status answered %d messages: %s", len(got), dump(got))
	}
	text := got[0].Text
	p := h.p
	want := []string{
		p.T("msg.status.title", bot.Args{"At": now.Add(time.Millisecond)}),
		p.T("msg.status.job_ok", bot.Args{"Job": "purge_inbox (" + p.T("job.purge_inbox", nil) + ")",
			"Last": t0.Add(-time.Hour), "Runs": 2}),
		p.T("msg.status.job_failing", bot.Args{"Job": "registry_recheck (" + p.T("job.registry_recheck", nil) + ")",
			"ErrorAt": t0.Add(-2 * time.Hour), "Error": "dadata: 503 Service Unavailable",
			"Last": t0.Add(-26 * time.Hour), "Runs": 2}),
		p.T("msg.status.job_failing", bot.Args{"Job": "edo_poll (" + p.T("job.edo_poll", nil) + ")",
			"ErrorAt": t0.Add(-time.Hour), "Error": "diadoc: timeout", "Runs": 1}),
		p.T("msg.status.job_stale", bot.Args{"AlertedAt": t0}),
		p.T("msg.status.outbox", bot.Args{"N": 3, "Platforms": "mattermost — 1, telegram — 2",
			"Oldest": t0, "Age": "40 мин"}),
		p.T("msg.status.reminders", bot.Args{"N": 0}),
		p.T("msg.status.calendar_none", nil),
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Fatalf("/status lacks %q:\n%s", w, text)
		}
	}
	// Moscow time, the Russian forms.
	for _, w := range []string{"28.11.2026 12:40", "28.11.2026 11:00", "Успешных запусков не было", "⚠️"} {
		if !strings.Contains(text, w) {
			t.Fatalf("/status lacks %q:\n%s", w, text)
		}
	}

	// In English and another time zone.
	h.say("admin", "/lang en")
	h.say("admin", "/tz Asia/Yekaterinburg")
	text = h.say("admin", "/status")[0].Text
	for _, w := range []string{"DealDesk's status at 2026-11-28 14:40", "purge_inbox (deleting long-handled incoming updates): last successful run 2026-11-28 13:00",
		"the oldest has waited 40 min, since 2026-11-28 14:00", "mattermost: 1, telegram: 2"} {
		if !strings.Contains(text, w) {
			t.Fatalf("English /status lacks %q:\n%s", w, text)
		}
	}

	// Only admins.
	h.addUser("m", "Максим", core.RoleManager)
	h.want(h.say("m", "/status"), "err.forbidden", nil)
}

// TestStatus_Empty: with nothing run and nothing waiting, /status says so.
func TestStatus_Empty(t *testing.T) {
	h := newHarness(t)
	text := h.say("admin", "/status")[0].Text
	for _, key := range []string{"msg.status.jobs_none", "msg.status.outbox_empty", "msg.status.calendar_none"} {
		if w := h.p.T(key, nil); !strings.Contains(text, w) {
			t.Fatalf("/status lacks %s %q:\n%s", key, w, text)
		}
	}
}
