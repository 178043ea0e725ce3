package cron

import (
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

var _ core.CronParser = Parser{}

func TestNextMoscow(t *testing.T) {
	msk := zone(t, "Europe/Moscow")
	// Tuesday 1 December 2026, 10:00 in Moscow (07:00 UTC).
	after := time.Date(2026, 12, 1, 7, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		expr string
		want time.Time // UTC
	}{
		{"0 9 * * 1", time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)},   // Monday 09:00 MSK
		{"0 9 * * MON", time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)}, // the same by name
		{"30 10 * * *", time.Date(2026, 12, 1, 7, 30, 0, 0, time.UTC)},
		{"0 10 * * *", time.Date(2026, 12, 2, 7, 0, 0, 0, time.UTC)}, // 10:00 is not after 10:00
		{"0 9 * * 1-5", time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)},
		{"0 9 1 * *", time.Date(2027, 1, 1, 6, 0, 0, 0, time.UTC)},
		{"*/15 * * * *", time.Date(2026, 12, 1, 7, 15, 0, 0, time.UTC)},
		{"0 0 * * *", time.Date(2026, 12, 1, 21, 0, 0, 0, time.UTC)}, // midnight MSK is 21:00 UTC
		{"@daily", time.Date(2026, 12, 1, 21, 0, 0, 0, time.UTC)},
		{"@weekly", time.Date(2026, 12, 5, 21, 0, 0, 0, time.UTC)}, // Sunday 00:00 MSK
		{"@monthly", time.Date(2026, 12, 31, 21, 0, 0, 0, time.UTC)},
		{"@hourly", time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)},
		{"  0 9 * * 1  ", time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)},
		{"0 9 29 2 *", time.Date(2028, 2, 29, 6, 0, 0, 0, time.UTC)},
	} {
		got, err := New().Next(tc.expr, after, msk)
		if err != nil {
			t.Errorf("%q: %v", tc.expr, err)
			continue
		}
		if !got.Equal(tc.want) || got.Location() != time.UTC {
			t.Errorf("%q: %v, want %v", tc.expr, got, tc.want)
		}
	}
}

// The same expression fires at 09:00 of each zone's own clock.
func TestNextFollowsTheZone(t *testing.T) {
	after := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for name, want := range map[string]time.Time{
		"Europe/Moscow":      time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC),
		"Asia/Yekaterinburg": time.Date(2026, 12, 1, 4, 0, 0, 0, time.UTC),
		"Asia/Vladivostok":   time.Date(2026, 12, 1, 23, 0, 0, 0, time.UTC),
		"UTC":                time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC),
	} {
		got, err := New().Next("0 9 * * *", after, zone(t, name))
		if err != nil || !got.Equal(want) {
			t.Errorf("%s: %v, %v; want %v", name, got, err, want)
		}
	}
	// A nil zone is UTC.
	if got, _ := New().Next("0 9 * * *", after, nil); !got.Equal(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("nil zone: %v", got)
	}
}

// Europe/Berlin: on 29 March 2026 02:00 CET becomes 03:00 CEST; on 25
// October 2026 03:00 CEST becomes 02:00 CET.
func TestNextAcrossDaylightSaving(t *testing.T) {
	ber := zone(t, "Europe/Berlin")
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, ber) }
	for _, tc := range []struct {
		name  string
		expr  string
		after time.Time
		want  time.Time
	}{
		// 09:00 every day is 08:00 UTC before the change and 07:00 after.
		{"morning before spring", "0 9 * * *", at(2026, 3, 28, 10, 0), time.Date(2026, 3, 29, 7, 0, 0, 0, time.UTC)},
		{"morning after spring", "0 9 * * *", at(2026, 3, 29, 10, 0), time.Date(2026, 3, 30, 7, 0, 0, 0, time.UTC)},
		{"weekly across spring", "0 9 * * 1", at(2026, 3, 27, 12, 0), time.Date(2026, 3, 30, 7, 0, 0, 0, time.UTC)},
		// 02:30 does not exist on 29 March: it fires when the clock has
		// jumped, at 03:30 CEST, instead of skipping the day.
		{"skipped time", "30 2 * * *", at(2026, 3, 29, 0, 0), time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC)},
		{"day after skipped time", "30 2 * * *", time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC), time.Date(2026, 3, 30, 0, 30, 0, 0, time.UTC)},
		{"hour after the jump", "0 3 * * *", at(2026, 3, 29, 1, 59), time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC)},
		// 02:30 happens twice on 25 October: it fires once, at the first.
		{"repeated time", "30 2 * * *", at(2026, 10, 25, 0, 0), time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC)},
		{"repeated time, second pass", "30 2 * * *", time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC), time.Date(2026, 10, 26, 1, 30, 0, 0, time.UTC)},
		{"inside the repeated hour", "30 2 * * *", time.Date(2026, 10, 25, 1, 10, 0, 0, time.UTC), time.Date(2026, 10, 26, 1, 30, 0, 0, time.UTC)},
		{"hourly in the repeated hour", "0 * * * *", time.Date(2026, 10, 25, 1, 10, 0, 0, time.UTC), time.Date(2026, 10, 25, 2, 0, 0, 0, time.UTC)},
		{"morning after autumn", "0 9 * * *", at(2026, 10, 25, 0, 0), time.Date(2026, 10, 25, 8, 0, 0, 0, time.UTC)},
	} {
		got, err := New().Next(tc.expr, tc.after, ber)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if !got.Equal(tc.want) {
			t.Errorf("%s: %q after %v = %v (%v), want %v", tc.name, tc.expr, tc.after.In(ber), got, got.In(ber), tc.want.In(ber))
		}
	}
}

// Moscow keeps one offset all year: 09:00 is 06:00 UTC in winter and
// summer alike, also on the days Berlin changes.
func TestNextMoscowAllYear(t *testing.T) {
	msk := zone(t, "Europe/Moscow")
	for _, day := range []time.Time{time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC), time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 10, 25, 0, 0, 0, 0, time.UTC)} {
		got, err := New().Next("0 9 * * *", day, msk)
		if err != nil || !got.Equal(day.Add(6*time.Hour)) {
			t.Errorf("%v: %v, %v", day, got, err)
		}
	}
}

func TestInvalid(t *testing.T) {
	after := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for _, expr := range []string{
		"", "   ", "0 9 * *", "0 0 9 * * 1", "60 9 * * 1", "0 24 * * *", "0 9 32 * *", "0 9 * 13 *", "0 9 * * 8",
		"каждый понедельник", "0 9 * * ПН", "@every 1h", "@every 1s", "@reboot", "@weekly 9",
		"TZ=Europe/Moscow 0 9 * * 1", "CRON_TZ=UTC 0 9 * * 1", "TZ=Europe/Moscow", "*/0 * * * *", "5-3 * * * *",
		"- * * * *", "0 9 * * 1/", "99999999999999999999 * * * *",
	} {
		_, err := New().Next(expr, after, time.UTC)
		if core.ErrorCode(err) != core.EINVALID {
			t.Errorf("%q: %v", expr, err)
			continue
		}
		if e := err.(*core.Error); e.Key != "err.cron.invalid" || e.Args["Expr"] != expr {
			t.Errorf("%q: key %q, args %v", expr, e.Key, e.Args)
		}
	}
}

func TestNever(t *testing.T) {
	for _, expr := range []string{"0 9 30 2 *", "0 9 31 4 *"} {
		_, err := New().Next(expr, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), time.UTC)
		e, ok := err.(*core.Error)
		if !ok || e.Code != core.EINVALID || e.Key != "err.cron.never" || e.Args["Expr"] != expr {
			t.Errorf("%q: %v", expr, err)
		}
	}
}

// Whatever a user types, the parser answers without panicking, and a
// time it returns is after the one given.
func FuzzNext(f *testing.F) {
	for _, s := range []string{"0 9 * * 1", "@weekly", "TZ=", "*/5 1-3 1,15 JAN-MAR MON-FRI", "@every 1h", "0 0 30 2 *"} {
		f.Add(s)
	}
	after := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	msk := zone(f, "Europe/Moscow")
	f.Fuzz(func(t *testing.T, expr string) {
		got, err := New().Next(expr, after, msk)
		if err != nil {
			if core.ErrorCode(err) != core.EINVALID {
				t.Fatalf("%q: %v", expr, err)
			}
			return
		}
		if !got.After(after) {
			t.Fatalf("%q: %v is not after %v", expr, got, after)
		}
	})
}

// Day after day through a year with both changes, 09:00 stays 09:00 on
// the zone's clock and no day is skipped or fired twice.
func TestDailyThroughAYear(t *testing.T) {
	for _, name := range []string{"Europe/Berlin", "America/New_York", "Europe/Moscow"} {
		loc := zone(t, name)
		at := time.Date(2026, 1, 1, 0, 0, 0, 0, loc)
		for day := range 365 {
			next, err := New().Next("0 9 * * *", at, loc)
			if err != nil {
				t.Fatal(err)
			}
			l := next.In(loc)
			want := time.Date(2026, 1, 1+day, 9, 0, 0, 0, loc)
			if l.Hour() != 9 || l.Minute() != 0 || l.YearDay() != want.YearDay() {
				t.Fatalf("%s, day %d: %v", name, day, l)
			}
			at = next
		}
	}
}
