package workcal

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

// The methods core.WorkCalendar asks for (core is not imported here: this
// package must not depend on it).
var _ interface {
	Workday(time.Time) bool
	Shortened(time.Time) bool
	HasYear(int) bool
} = (*Calendar)(nil)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }

// dayCase is one day of a production calendar as the law and the decree
// give it.
type dayCase struct {
	day       time.Time
	workday   bool
	shortened bool
	holiday   string    // the holiday's title, "" for none
	from      time.Time // where a day off was moved from
}

func checkDays(t *testing.T, c *Calendar, cases []dayCase) {
	t.Helper()
	for _, tc := range cases {
		name := tc.day.Format("2006-01-02 Mon")
		if got := c.Workday(tc.day); got != tc.workday {
			t.Errorf("%s: Workday = %v, want %v", name, got, tc.workday)
		}
		if got := c.Shortened(tc.day); got != tc.shortened {
			t.Errorf("%s: Shortened = %v, want %v", name, got, tc.shortened)
		}
		title, ok := c.Holiday(tc.day)
		if title != tc.holiday || ok != (tc.holiday != "") {
			t.Errorf("%s: Holiday = %q, %v, want %q", name, title, ok, tc.holiday)
		}
		d, _ := c.Day(tc.day)
		if !d.From.Equal(tc.from) {
			t.Errorf("%s: moved from %v, want %v", name, d.From, tc.from)
		}
	}
}

func from(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// TestCalendar2026 follows the Labour Code (art. 112, 95) and the decree of
// 24.09.2025 No. 1466: 3 January → 9 January, 4 January → 31 December.
func TestCalendar2026(t *testing.T) {
	const (
		newYear   = "Новогодние каникулы"
		christmas = "Рождество Христово"
	)
	checkDays(t, New(), []dayCase{
		// The New Year break: 1–11 January, 9 January moved from Saturday 3 January.
		{day: date(2026, 1, 1), holiday: newYear},
		{day: date(2026, 1, 2), holiday: newYear},
		{day: date(2026, 1, 3), holiday: newYear},
		{day: date(2026, 1, 4), holiday: newYear},
		{day: date(2026, 1, 5), holiday: newYear},
		{day: date(2026, 1, 6), holiday: newYear},
		{day: date(2026, 1, 7), holiday: christmas},
		{day: date(2026, 1, 8), holiday: newYear},
		{day: date(2026, 1, 9), from: from(2026, 1, 3)},
		{day: date(2026, 1, 10)},
		{day: date(2026, 1, 11)},
		{day: date(2026, 1, 12), workday: true},
		// 23 February is a Monday; the Friday before is a full day.
		{day: date(2026, 2, 20), workday: true},
		{day: date(2026, 2, 21)},
		{day: date(2026, 2, 23), holiday: "День защитника Отечества"},
		{day: date(2026, 2, 24), workday: true},
		// 8 March is a Sunday: the day off moves to Monday 9 March.
		{day: date(2026, 3, 6), workday: true},
		{day: date(2026, 3, 8), holiday: "Международный женский день"},
		{day: date(2026, 3, 9), from: from(2026, 3, 8)},
		{day: date(2026, 3, 10), workday: true},
		// 1 May is a Friday; Thursday 30 April is shortened.
		{day: date(2026, 4, 29), workday: true},
		{day: date(2026, 4, 30), workday: true, shortened: true},
		{day: date(2026, 5, 1), holiday: "Праздник Весны и Труда"},
		{day: date(2026, 5, 4), workday: true},
		// 9 May is a Saturday: Friday 8 May is shortened, Monday 11 May off.
		{day: date(2026, 5, 8), workday: true, shortened: true},
		{day: date(2026, 5, 9), holiday: "День Победы"},
		{day: date(2026, 5, 11), from: from(2026, 5, 9)},
		{day: date(2026, 5, 12), workday: true},
		// 12 June is a Friday; Thursday 11 June is shortened.
		{day: date(2026, 6, 11), workday: true, shortened: true},
		{day: date(2026, 6, 12), holiday: "День России"},
		{day: date(2026, 6, 15), workday: true},
		// 4 November is a Wednesday; Tuesday 3 November is shortened.
		{day: date(2026, 11, 3), workday: true, shortened: true},
		{day: date(2026, 11, 4), holiday: "День народного единства"},
		{day: date(2026, 11, 5), workday: true},
		// 31 December is off, moved from Sunday 4 January; 30 December
		// is a full day (31 December is a day off, not a holiday).
		{day: date(2026, 12, 30), workday: true},
		{day: date(2026, 12, 31), from: from(2026, 1, 4)},
		// Plain days.
		{day: date(2026, 7, 15), workday: true},
		{day: date(2026, 7, 18)},
		{day: date(2026, 7, 19)},
	})
}

// TestCalendar2026NoWorkingWeekends: the 2026 decree makes no Saturday or
// Sunday a working day.
func TestCalendar2026NoWorkingWeekends(t *testing.T) {
	c := New()
	for d := date(2026, 1, 1); d.Year() == 2026; d = d.AddDate(0, 0, 1) {
		if !weekday(d.Weekday()) && c.Workday(d) {
			t.Errorf("%s is a working %s", d.Format("2006-01-02"), d.Weekday())
		}
	}
}

// TestCalendar2027 follows the Labour Code alone (the built-in 2027 file
// is provisional: no decree yet).
func TestCalendar2027(t *testing.T) {
	c := New()
	if !c.HasYear(2027) || !c.Provisional(2027) || c.Provisional(2026) {
		t.Fatalf("HasYear(2027) = %v, Provisional(2027) = %v, Provisional(2026) = %v, want true, true, false",
			c.HasYear(2027), c.Provisional(2027), c.Provisional(2026))
	}
	checkDays(t, c, []dayCase{
		// 1–8 January are holidays, 9–10 January a weekend.
		{day: date(2027, 1, 1), holiday: "Новогодние каникулы"},
		{day: date(2027, 1, 4), holiday: "Новогодние каникулы"},
		{day: date(2027, 1, 7), holiday: "Рождество Христово"},
		{day: date(2027, 1, 8), holiday: "Новогодние каникулы"},
		{day: date(2027, 1, 10)},
		{day: date(2027, 1, 11), workday: true},
		// 23 February is a Tuesday; Monday 22 February is shortened.
		{day: date(2027, 2, 22), workday: true, shortened: true},
		{day: date(2027, 2, 23), holiday: "День защитника Отечества"},
		// 8 March is a Monday; the Friday before is a full day.
		{day: date(2027, 3, 5), workday: true},
		{day: date(2027, 3, 8), holiday: "Международный женский день"},
		{day: date(2027, 3, 9), workday: true},
		// 1 May is a Saturday: Friday 30 April shortened, Monday 3 May off.
		{day: date(2027, 4, 30), workday: true, shortened: true},
		{day: date(2027, 5, 1), holiday: "Праздник Весны и Труда"},
		{day: date(2027, 5, 3), from: from(2027, 5, 1)},
		{day: date(2027, 5, 4), workday: true},
		// 9 May is a Sunday: Monday 10 May off; Friday 7 May a full day.
		{day: date(2027, 5, 7), workday: true},
		{day: date(2027, 5, 9), holiday: "День Победы"},
		{day: date(2027, 5, 10), from: from(2027, 5, 9)},
		{day: date(2027, 5, 11), workday: true},
		// 12 June is a Saturday: Friday 11 June shortened, Monday 14 June off.
		{day: date(2027, 6, 11), workday: true, shortened: true},
		{day: date(2027, 6, 12), holiday: "День России"},
		{day: date(2027, 6, 14), from: from(2027, 6, 12)},
		// 4 November is a Thursday; Wednesday 3 November is shortened.
		{day: date(2027, 11, 3), workday: true, shortened: true},
		{day: date(2027, 11, 4), holiday: "День народного единства"},
		{day: date(2027, 11, 5), workday: true},
		// Until a decree says otherwise, Friday 31 December is a working
		// day, shortened before the 1 January holiday.
		{day: date(2027, 12, 31), workday: true, shortened: true},
	})
}

// TestWorkingDayCounts: the official norm for 2026 (a 40-hour week) is 247
// working days, 118 days off and 1972 hours. 2027 has no decree yet: its
// provisional file gives 249 working days, 116 days off, 1987 hours.
func TestWorkingDayCounts(t *testing.T) {
	c := New()
	if got, want := c.Years(), []int{2026, 2027}; !slices.Equal(got, want) {
		t.Fatalf("Years = %v, want %v", got, want)
	}
	for _, tc := range []struct{ year, working, off, shortened, hours40 int }{
		{2026, 247, 118, 4, 1972},
		{2027, 249, 116, 5, 1987},
	} {
		y, ok := c.Year(tc.year)
		if !ok {
			t.Fatalf("%d not built in", tc.year)
		}
		working, off, short := y.WorkingDays(), y.DaysOff(), y.ShortenedDays()
		if working != tc.working || off != tc.off || short != tc.shortened || 8*working-short != tc.hours40 {
			t.Errorf("%d: %d working, %d off, %d shortened, %d hours; want %d, %d, %d, %d", tc.year,
				working, off, short, 8*working-short, tc.working, tc.off, tc.shortened, tc.hours40)
		}
		// WorkingDays agrees with Workday day by day.
		n := 0
		for d := date(tc.year, 1, 1); d.Year() == tc.year; d = d.AddDate(0, 0, 1) {
			if c.Workday(d) {
				n++
			}
		}
		if n != working {
			t.Errorf("%d: Workday counts %d days, WorkingDays %d", tc.year, n, working)
		}
	}
}

func TestBuiltinFilesParse(t *testing.T) {
	for _, b := range builtin {
		raw, err := data.ReadFile(b.file)
		if err != nil {
			t.Fatal(err)
		}
		y, err := Parse(raw)
		if err != nil {
			t.Fatalf("%s: %v", b.file, err)
		}
		if want := fmt.Sprintf("data/%d.xml", y.Year()); b.file != want {
			t.Errorf("%s holds year %d", b.file, y.Year())
		}
		if y.Country() != "ru" || y.Lang() != "ru" || len(y.Holidays()) != 8 {
			t.Errorf("%s: country %q, lang %q, %d holidays", b.file, y.Country(), y.Lang(), len(y.Holidays()))
		}
	}
}

// TestUnknownYearWeekendsOnly: a year the calendar does not know has only
// Saturdays and Sundays off, nothing shortened and no holidays.
func TestUnknownYearWeekendsOnly(t *testing.T) {
	c := New()
	for _, y := range []int{2025, 2028} {
		if c.HasYear(y) {
			t.Errorf("HasYear(%d) = true", y)
		}
	}
	checkDays(t, c, []dayCase{
		{day: date(2028, 1, 1)},                  // Saturday
		{day: date(2028, 1, 3), workday: true},   // Monday, though a holiday in law
		{day: date(2028, 3, 8), workday: true},   // Wednesday
		{day: date(2025, 12, 31), workday: true}, // Wednesday
		{day: date(2025, 12, 28)},                // Sunday
	})
	if from, to, ok := c.WorkingHours(date(2028, 1, 3), 9*60, 18*60); !ok || from != 540 || to != 1080 {
		t.Errorf("WorkingHours(2028-01-03) = %d, %d, %v", from, to, ok)
	}
	if _, _, ok := c.WorkingHours(date(2028, 1, 1), 9*60, 18*60); ok {
		t.Error("WorkingHours on a Saturday of an unknown year: ok")
	}
}

// TestDayReadInItsLocation: a day is its date where it is, not in UTC.
func TestDayReadInItsLocation(t *testing.T) {
	c := New()
	msk := time.FixedZone("MSK", 3*3600)
	vl := time.FixedZone("VLAT", 10*3600)
	cases := []struct {
		t    time.Time
		want bool
	}{
		{time.Date(2026, 1, 12, 0, 30, 0, 0, msk), true},   // Monday 12 Jan; in UTC Sunday 11 Jan
		{time.Date(2026, 1, 11, 23, 30, 0, 0, msk), false}, // Sunday
		{time.Date(2027, 1, 1, 5, 0, 0, 0, vl), false},     // 1 Jan 2027 there; 31 Dec 2026 in UTC, off as well
		{time.Date(2026, 12, 30, 23, 0, 0, 0, time.FixedZone("UTC-2", -2*3600)), true},
	}
	for _, tc := range cases {
		if got := c.Workday(tc.t); got != tc.want {
			t.Errorf("Workday(%v) = %v, want %v", tc.t, got, tc.want)
		}
	}
	if !c.Shortened(time.Date(2026, 5, 8, 23, 59, 0, 0, msk)) { // 8 May 20:59 UTC
		t.Error("8 May 2026 23:59 MSK not shortened")
	}
	if c.Shortened(time.Date(2026, 5, 9, 1, 0, 0, 0, msk)) { // 8 May 22:00 UTC
		t.Error("9 May 2026 01:00 MSK shortened")
	}
}

func TestWorkingHours(t *testing.T) {
	c := New()
	cases := []struct {
		name       string
		day        time.Time
		start, end int
		from, to   int
		ok         bool
	}{
		{"working day", date(2026, 7, 15), 540, 1080, 540, 1080, true},
		{"shortened day ends an hour earlier", date(2026, 4, 30), 540, 1080, 540, 1020, true},
		{"shortened, minutes kept", date(2026, 11, 3), 9*60 + 30, 18*60 + 15, 570, 17*60 + 15, true},
		{"holiday", date(2026, 5, 1), 540, 1080, 0, 0, false},
		{"moved day off", date(2026, 1, 9), 540, 1080, 0, 0, false},
		{"weekend", date(2026, 7, 18), 540, 1080, 0, 0, false},
		{"day ending at midnight", date(2026, 7, 15), 0, 1440, 0, 1440, true},
		{"shortened, one hour left", date(2026, 6, 11), 540, 660, 540, 600, true},
		{"shortened, nothing left", date(2026, 6, 11), 540, 600, 0, 0, false},
		{"start after end", date(2026, 7, 15), 1080, 540, 0, 0, false},
		{"empty hours", date(2026, 7, 15), 540, 540, 0, 0, false},
		{"negative start", date(2026, 7, 15), -60, 540, 0, 0, false},
		{"end past midnight", date(2026, 7, 15), 540, 1441, 0, 0, false},
	}
	for _, tc := range cases {
		from, to, ok := c.WorkingHours(tc.day, tc.start, tc.end)
		if ok != tc.ok || ok && (from != tc.from || to != tc.to) {
			t.Errorf("%s: WorkingHours(%s, %d, %d) = %d, %d, %v; want %d, %d, %v", tc.name,
				tc.day.Format("2006-01-02"), tc.start, tc.end, from, to, ok, tc.from, tc.to, tc.ok)
		}
	}
}

// official2027 is a made-up «official» 2027 file for the Load tests: it
// moves 2 and 3 January onto 5 November and 31 December. It is test data,
// not the decree.
const official2027 = `<?xml version="1.0" encoding="UTF-8"?>
<calendar year="2027" lang="ru" date="2026.12.20" country="ru">
  <holidays><holiday id="1" title="Новогодние каникулы"/><holiday id="8" title="День народного единства"/></holidays>
  <days>
    <day d="01.01" t="1" h="1"/><day d="01.02" t="1" h="1"/><day d="01.03" t="1" h="1"/>
    <day d="11.03" t="2"/><day d="11.04" t="1" h="8"/>
    <day d="11.05" t="1" f="01.02"/><day d="11.13" t="3"/><day d="12.31" t="1" f="01.03"/>
  </days>
</calendar>`

func TestLoadReplacesYear(t *testing.T) {
	c := New()
	year, err := c.Load([]byte(official2027))
	if err != nil || year != 2027 {
		t.Fatalf("Load = %d, %v", year, err)
	}
	if c.Provisional(2027) {
		t.Error("a loaded 2027 is still provisional")
	}
	checkDays(t, c, []dayCase{
		{day: date(2027, 11, 5), from: from(2027, 1, 2)},
		{day: date(2027, 11, 13), workday: true}, // a working Saturday
		{day: date(2027, 12, 31), from: from(2027, 1, 3)},
		{day: date(2027, 5, 3), workday: true}, // the whole year is replaced: not in the loaded file
	})
	// Other calendars keep the built-in year.
	if other := New(); !other.Workday(date(2027, 11, 5)) || !other.Provisional(2027) {
		t.Error("Load changed another calendar")
	}
	// A new year is added.
	next := `<calendar year="2028" country="ru"><days><day d="01.03" t="1" h="1"/><day d="02.29" t="2"/></days></calendar>`
	if year, err := c.Load([]byte(next)); err != nil || year != 2028 {
		t.Fatalf("Load 2028 = %d, %v", year, err)
	}
	if got := c.Years(); !slices.Equal(got, []int{2026, 2027, 2028}) {
		t.Errorf("Years = %v", got)
	}
	if c.Workday(date(2028, 1, 3)) || !c.Shortened(date(2028, 2, 29)) {
		t.Error("loaded 2028 not used")
	}
	if _, ok := c.Holiday(date(2028, 1, 3)); ok {
		t.Error("a file without <holidays> has holiday titles")
	}
	// A bad file changes nothing.
	if _, err := c.Load([]byte(`<calendar year="2026"><days/></calendar>`)); !errors.Is(err, ErrNoDays) {
		t.Errorf("Load of an empty 2026 = %v, want ErrNoDays", err)
	}
	if !c.Shortened(date(2026, 4, 30)) || c.Workday(date(2026, 1, 9)) {
		t.Error("a refused file changed 2026")
	}
}

// TestLoadConcurrent runs Load against readers (for go test -race).
func TestLoadConcurrent(t *testing.T) {
	c := New()
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 200 {
				if i == 0 && j%10 == 0 {
					if _, err := c.Load([]byte(official2027)); err != nil {
						t.Error(err)
						return
					}
				}
				d := date(2027, 1, 1+j%28)
				c.Workday(d)
				c.Shortened(d)
				c.Holiday(d)
				c.WorkingHours(d, 540, 1080)
				c.Years()
				if !c.HasYear(2026) {
					t.Error("2026 lost")
					return
				}
			}
		}()
	}
	wg.Wait()
	if c.Workday(date(2027, 12, 31)) {
		t.Error("the loaded 2027 is not in place")
	}
}
