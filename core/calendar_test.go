package core_test

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/core/workcal"
)

// TestACalendarFileRefusedIsSaidInTheUsersWords: a year file the
// production calendar refuses comes back as the calendar's own locale
// key with the line and the day, never as its English text; nothing is
// stored.
func TestACalendarFileRefusedIsSaidInTheUsersWords(t *testing.T) {
	o := newOffice(t, core.WithCalendar(workcal.New()))
	ctx := context.Background()
	cases := []struct {
		name, file string
		key        string
		args       map[string]any
	}{
		{"cut off", "<?xml version=\"1.0\"?>\n<calendar year=\"2028\" country=\"ru\">\n<days>\n<day d=\"01.01\" t=\"1\"/>",
			"err.calendar.not_xml", map[string]any{"Line": 4}},
		{"30 February", "<calendar year=\"2028\">\n<days>\n<day d=\"02.30\" t=\"1\"/>\n</days></calendar>",
			"err.calendar.no_such_date", map[string]any{"Line": 3, "Day": "02.30"}},
		{"windows-1251", `<?xml version="1.0" encoding="windows-1251"?><calendar year="2028"/>`,
			"err.calendar.encoding", map[string]any{"Encoding": "windows-1251"}},
	}
	for _, tc := range cases {
		_, err := o.svc.LoadCalendarYear(ctx, o.admin, []byte(tc.file))
		key, args := core.ErrorKey(err)
		if core.ErrorCode(err) != core.EINVALID || key != tc.key || !maps.Equal(args, tc.args) {
			t.Errorf("%s: %v (key %s %v), want %s %v", tc.name, err, key, args, tc.key, tc.args)
		}
	}
	if ys := o.svc.CalendarYears(); len(ys) != 2 || ys[0] != 2026 || ys[1] != 2027 {
		t.Errorf("years %v after refused files", ys)
	}
}

// TestDecemberWarnsWhileNextYearIsOnlyProvisional: next year's built-in
// calendar made before the decree does not count as loaded: in December
// the admins hear, once a day, that it is provisional; with the official
// file loaded they hear nothing. Not in November.
func TestDecemberWarnsWhileNextYearIsOnlyProvisional(t *testing.T) {
	cal := workcal.New()
	o := newOffice(t, core.WithCalendar(cal))
	if !o.svc.CalendarProvisional(2027) || o.svc.CalendarProvisional(2026) || o.svc.CalendarProvisional(2030) {
		t.Fatal("2027 alone is provisional")
	}
	check := func(at time.Time) int {
		t.Helper()
		n, err := o.svc.CheckCalendar(context.Background(), at)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := check(time.Date(2026, 11, 30, 10, 0, 0, 0, msk)); n != 0 {
		t.Fatalf("warned in November: %d", n)
	}
	dec := time.Date(2026, 12, 1, 10, 0, 0, 0, msk)
	if n := check(dec); n != 1 {
		t.Fatalf("CheckCalendar = %d in December with 2027 provisional", n)
	}
	if n := check(dec.Add(time.Hour)); n != 0 {
		t.Fatalf("warned twice in a day")
	}
	ms := withKey(o.messages(), "notify.calendar.missing")
	if len(ms) != 1 || ms[0].Args["Year"] != float64(2027) && ms[0].Args["Year"] != 2027 || ms[0].Args["Provisional"] != true {
		t.Fatalf("warnings %+v", ms)
	}

	y, _ := cal.Year(2027)
	if _, err := o.svc.LoadCalendarYear(context.Background(), o.admin, y.Encode()); err != nil {
		t.Fatal(err)
	}
	if o.svc.CalendarProvisional(2027) {
		t.Fatal("the loaded 2027 is still provisional")
	}
	if n := check(dec.AddDate(0, 0, 1)); n != 0 {
		t.Fatalf("warned with the official year loaded")
	}
}
