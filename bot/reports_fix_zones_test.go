package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// TestScheduleTimeZoneTyped: a schedule's time zone may be typed — a city
// («по Екатеринбургу»), an offset from Moscow or UTC, an IANA name — after
// the time or at the end; it is named as people say it; without one, a
// chat's schedule is in the owner's zone and the echo says so and how to
// name another.
func TestScheduleTimeZoneTyped(t *testing.T) {
	d := newReportDesk(t)
	for _, c := range []struct {
		text, tz, zone string
	}{
		{"/schedule воронка каждый понедельник 09:00 по Екатеринбургу руководители", "Asia/Yekaterinburg", "(Екатеринбург)"},
		{"/schedule воронка каждый понедельник 09:00 руководители по екатеринбургу", "Asia/Yekaterinburg", "(Екатеринбург)"},
		{"/schedule воронка каждый понедельник 09:00 Asia/Yekaterinburg руководители", "Asia/Yekaterinburg", "(Екатеринбург)"},
		{"/schedule воронка каждый понедельник 09:00 МСК+2 руководители", "Asia/Yekaterinburg", "(Екатеринбург)"},
		{"/schedule воронка каждый понедельник 09:00 по московскому времени руководители", "Europe/Moscow", "(Москва)"},
		{"/schedule воронка каждый понедельник 09:00 UTC+5 руководители", "Etc/GMT-5", "(UTC+5)"},
		{"/schedule воронка каждый понедельник 09:00 по Владивостоку мне", "Asia/Vladivostok", "(Владивосток)"},
	} {
		msgs := d.say("o", c.text)
		containsAll(t, msgs, "Воронка — каждый понедельник в 09:00, с учётом праздников "+c.zone)
		if strings.Contains(dump(msgs), "по вашему часовому поясу") {
			t.Errorf("%s: a zone typed is said to be the owner's: %s", c.text, dump(msgs))
		}
		if got := lastSchedule(t, d).TimeZone; got != c.tz {
			t.Errorf("%s: zone %q, want %q", c.text, got, c.tz)
		}
	}
	// None typed: the owner's, said so with how to name another.
	d.say("o", "/tz Asia/Yekaterinburg")
	msgs := d.say("o", "/schedule воронка каждый понедельник 09:00 руководители")
	containsAll(t, msgs, "(Екатеринбург)", "Время — по вашему часовому поясу (Екатеринбург)", "«09:00 по Екатеринбургу»")
	if got := lastSchedule(t, d).TimeZone; got != "Asia/Yekaterinburg" {
		t.Errorf("zone %q, want the owner's", got)
	}
	// One person's schedule: in their zone, said so.
	d.say("hd", "/tz Asia/Omsk")
	msgs = d.say("o", "/schedule воронка каждый понедельник 09:00 руководителю")
	containsAll(t, msgs, "(Омск)", "Время — по часовому поясу получателя (Геннадий: Омск).")
	if strings.Contains(dump(msgs), "по вашему часовому поясу") {
		t.Errorf("a recipient's zone is said to be the owner's: %s", dump(msgs))
	}
	// Step by step, the zone typed with the time.
	d.say("o", "/schedule новое")
	d.say("o", "воронка")
	d.say("o", "по понедельникам 9:00 по Самаре")
	msgs = d.say("o", "мне")
	containsAll(t, msgs, "(Самара)")
	if got := lastSchedule(t, d).TimeZone; got != "Europe/Samara" {
		t.Errorf("zone %q, want Europe/Samara", got)
	}
}

func lastSchedule(t *testing.T, d *reportDesk) *core.ReportSchedule {
	t.Helper()
	all, err := d.svc.ReportSchedules(context.Background(), core.Actor{User: d.admin, Source: "test"})
	if err != nil || len(all) == 0 {
		t.Fatalf("no schedules: %v", err)
	}
	last := all[0]
	for _, s := range all {
		if s.ID > last.ID {
			last = s
		}
	}
	return last
}
