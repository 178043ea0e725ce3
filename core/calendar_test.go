package core_test

import (
	"context"
	"maps"
	"testing"

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
