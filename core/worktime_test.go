package core_test

import (
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/core/workcal"
)

// TestAddWorkingTimeCountsWorkingHoursOfTheProductionCalendar: a span of
// working time skips nights, weekends and holidays, counts a shortened day
// an hour shorter, starts at the next working hours from outside them,
// ends at a day's end rather than the next morning, and goes backwards for
// a negative span; WorkingTimeBetween gives the span back.
func TestAddWorkingTimeCountsWorkingHoursOfTheProductionCalendar(t *testing.T) {
	cal := workcal.New()
	st := core.DefaultReminderSettings()
	late := st
	late.DayStart, late.DayEnd = 10*60, 19*60
	at := func(y int, m time.Month, d, hh, mm int) time.Time { return time.Date(y, m, d, hh, mm, 0, 0, msk) }
	cases := []struct {
		name string
		st   core.ReminderSettings
		from time.Time
		d    time.Duration
		want time.Time
	}{
		{"within a day", st, at(2026, 11, 30, 10, 0), 4 * time.Hour, at(2026, 11, 30, 14, 0)},
		{"over the night", st, at(2026, 11, 30, 16, 0), 4 * time.Hour, at(2026, 12, 1, 11, 0)},
		{"over a weekend", st, at(2026, 12, 4, 16, 0), 4 * time.Hour, at(2026, 12, 7, 11, 0)},
		{"ends at the day's end", st, at(2026, 12, 4, 17, 0), time.Hour, at(2026, 12, 4, 18, 0)},
		{"from a Saturday", st, at(2026, 11, 28, 12, 0), time.Hour, at(2026, 11, 30, 10, 0)},
		{"before the hours", st, at(2026, 11, 30, 7, 0), 2 * time.Hour, at(2026, 11, 30, 11, 0)},
		{"after the hours", st, at(2026, 11, 30, 19, 0), 2 * time.Hour, at(2026, 12, 1, 11, 0)},
		// 3 November 2026 is shortened (until 17:00), the 4th a holiday.
		{"a shortened day and a holiday", st, at(2026, 11, 3, 15, 0), 4 * time.Hour, at(2026, 11, 5, 11, 0)},
		// 31 December 2026 and 1–10 January 2027 are days off.
		{"the New Year holidays", st, at(2026, 12, 30, 16, 0), 8 * time.Hour, at(2027, 1, 11, 15, 0)},
		{"several days", st, at(2026, 11, 30, 9, 0), 18 * time.Hour, at(2026, 12, 1, 18, 0)},
		{"the department's own hours", late, at(2026, 11, 30, 18, 30), time.Hour, at(2026, 12, 1, 10, 30)},
		{"a time in another zone", st, time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC), time.Hour, at(2026, 11, 30, 10, 0)},
		{"backwards over a weekend", st, at(2026, 11, 30, 10, 0), -2 * time.Hour, at(2026, 11, 27, 17, 0)},
		{"backwards from the night", st, at(2026, 11, 30, 22, 0), -30 * time.Minute, at(2026, 11, 30, 17, 30)},
		{"backwards over a holiday", st, at(2026, 11, 5, 10, 0), -2 * time.Hour, at(2026, 11, 3, 16, 0)},
		{"nothing", st, at(2026, 11, 28, 12, 0), 0, at(2026, 11, 28, 12, 0)},
	}
	for _, tc := range cases {
		got := core.AddWorkingTime(cal, tc.st, msk, tc.from, tc.d)
		if !got.Equal(tc.want) {
			t.Errorf("%s: %v %+v = %v, want %v", tc.name, tc.from, tc.d, got.In(msk), tc.want)
		}
		if tc.d == 0 {
			continue
		}
		// The span between is the span added, whichever way.
		if back := core.WorkingTimeBetween(cal, tc.st, msk, tc.from, got); back != tc.d {
			t.Errorf("%s: between %v and %v = %v, want %v", tc.name, tc.from, got, back, tc.d)
		}
	}
}

// TestWorkingTimeBetweenCountsOnlyWorkingHours: the working time between
// two moments leaves out nights, weekends and holidays, and is negative
// backwards.
func TestWorkingTimeBetweenCountsOnlyWorkingHours(t *testing.T) {
	cal := workcal.New()
	st := core.DefaultReminderSettings()
	at := func(y int, m time.Month, d, hh, mm int) time.Time { return time.Date(y, m, d, hh, mm, 0, 0, msk) }
	cases := []struct {
		name     string
		from, to time.Time
		want     time.Duration
	}{
		{"one afternoon", at(2026, 11, 30, 13, 0), at(2026, 11, 30, 15, 30), 150 * time.Minute},
		{"Friday evening to Monday", at(2026, 12, 4, 17, 0), at(2026, 12, 7, 10, 0), 2 * time.Hour},
		{"a weekend alone", at(2026, 12, 5, 9, 0), at(2026, 12, 6, 18, 0), 0},
		{"a night alone", at(2026, 11, 30, 18, 0), at(2026, 12, 1, 9, 0), 0},
		{"over a shortened day and a holiday", at(2026, 11, 3, 9, 0), at(2026, 11, 5, 9, 0), 8 * time.Hour},
		{"a whole week", at(2026, 11, 30, 0, 0), at(2026, 12, 7, 0, 0), 45 * time.Hour},
		{"backwards", at(2026, 12, 7, 10, 0), at(2026, 12, 4, 17, 0), -2 * time.Hour},
	}
	for _, tc := range cases {
		if got := core.WorkingTimeBetween(cal, st, msk, tc.from, tc.to); got != tc.want {
			t.Errorf("%s: %v", tc.name, got)
		}
	}
}
