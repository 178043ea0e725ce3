// Package workcal is the Russian production calendar (производственный
// календарь): which days are days off, which are shortened and which
// weekend days are worked, by year, read from year files in xmlcalendar's
// exchange format. The years 2026 and 2027 are built in; an admin may load
// any other year's file, or an official one in place of a built-in one, at
// run time.
//
// It depends on the standard library only. *Calendar satisfies
// core.WorkCalendar.
package workcal

import (
	"embed"
	"fmt"
	"slices"
	"sync"
	"time"
)

// The built-in year files. 2026 follows the government decree of
// 24.09.2025 No. 1466. 2027 is provisional: no decree on the 2027
// transfers was published when it was written (December 2026), so its file
// holds only what the Labour Code fixes (the holidays, the automatic
// transfer of a holiday that falls on a weekend, the shortened days before
// holidays) and leaves out where Saturday 2 and Sunday 3 January move to;
// see the comment in data/2027.xml. Load the official file once the decree
// is out.
//
//go:embed data/*.xml
var data embed.FS

var builtin = []struct {
	file        string
	provisional bool
}{
	{"data/2026.xml", false},
	{"data/2027.xml", true},
}

// builtinYears parses the built-in files once; the years are immutable and
// shared by every Calendar.
var builtinYears = sync.OnceValue(func() map[int]entry {
	years := map[int]entry{}
	for _, b := range builtin {
		raw, err := data.ReadFile(b.file)
		if err != nil {
			panic(fmt.Sprintf("workcal: built-in %s: %v", b.file, err))
		}
		y, err := Parse(raw)
		if err != nil {
			panic(fmt.Sprintf("workcal: built-in %s: %v", b.file, err))
		}
		years[y.Year()] = entry{year: y, provisional: b.provisional}
	}
	return years
})

type entry struct {
	year        *Year
	provisional bool
}

// Calendar is the production calendar over the years it knows; a year it
// does not know has only Saturdays and Sundays off. Days are read by their
// year, month and day in their own location. It is safe for concurrent
// use.
type Calendar struct {
	mu    sync.RWMutex
	years map[int]entry
}

// New returns a calendar with the built-in years (2026, 2027).
func New() *Calendar {
	c := &Calendar{years: map[int]entry{}}
	for y, e := range builtinYears() {
		c.years[y] = e
	}
	return c
}

// Load parses a year file (see Parse) and adds its year to the calendar,
// in place of the one it knew, built-in or loaded. A file that does not
// parse changes nothing.
func (c *Calendar) Load(data []byte) (year int, err error) {
	y, err := Parse(data)
	if err != nil {
		return 0, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.years[y.Year()] = entry{year: y}
	return y.Year(), nil
}

// HasYear reports whether the calendar knows the year's holidays and
// transfers.
func (c *Calendar) HasYear(year int) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	_, ok := c.years[year]
	return ok
}

// Provisional reports whether the year is the built-in file made without
// the government's decree (2027 until an official file is loaded): its
// holidays are right, but transfers the decree will make are missing.
func (c *Calendar) Provisional(year int) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.years[year].provisional
}

// Years returns the years the calendar knows, in order.
func (c *Calendar) Years() []int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	years := make([]int, 0, len(c.years))
	for y := range c.years {
		years = append(years, y)
	}
	slices.Sort(years)
	return years
}

// Year returns the parsed file of a year the calendar knows.
func (c *Calendar) Year(year int) (*Year, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.years[year]
	return e.year, ok
}

// Day returns the day's entry in its year's file: a holiday, a day off
// moved from another day (From), a shortened or a working weekend day.
// Plain weekdays and weekends, and days of years the calendar does not
// know, are not listed.
func (c *Calendar) Day(day time.Time) (Day, bool) {
	y, ok := c.Year(day.Year())
	if !ok {
		return Day{}, false
	}
	return y.at(day.YearDay())
}

// Workday reports whether the day is a working day: a listed day by its
// type (t=1 off, t=2 and t=3 worked, whatever the weekday), any other
// Monday to Friday. In a year the calendar does not know, Monday to
// Friday.
func (c *Calendar) Workday(day time.Time) bool {
	y, ok := c.Year(day.Year())
	if !ok {
		return weekday(day.Weekday())
	}
	return y.workday(day.YearDay(), day.Weekday())
}

// Shortened reports whether the day is a working day an hour shorter (the
// day before a holiday).
func (c *Calendar) Shortened(day time.Time) bool {
	d, ok := c.Day(day)
	return ok && d.Type == TypeShortened
}

// Holiday returns the title of the holiday on the day, as its year's file
// names it («День Победы»). A day off moved from another day has none:
// Day tells where it came from.
func (c *Calendar) Holiday(day time.Time) (title string, ok bool) {
	y, known := c.Year(day.Year())
	if !known {
		return "", false
	}
	d, listed := y.at(day.YearDay())
	if !listed || d.Holiday == 0 {
		return "", false
	}
	return y.Title(d.Holiday)
}

// WorkingHours returns the working time of the day for working hours from
// start to end (minutes from midnight, 0 ≤ start < end ≤ 1440): start and
// end on a working day, end an hour earlier on a shortened one (never
// before start). ok is false on a day off, when start and end are not such
// hours, or when nothing is left of a shortened day.
func (c *Calendar) WorkingHours(day time.Time, start, end int) (from, to int, ok bool) {
	if start < 0 || end > 24*60 || start >= end {
		return 0, 0, false
	}
	y, known := c.Year(day.Year())
	if !known {
		if !weekday(day.Weekday()) {
			return 0, 0, false
		}
		return start, end, true
	}
	if !y.workday(day.YearDay(), day.Weekday()) {
		return 0, 0, false
	}
	if d, listed := y.at(day.YearDay()); listed && d.Type == TypeShortened {
		end = max(end-60, start)
	}
	return start, end, end > start
}
