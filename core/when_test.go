package core_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// whenCalendar is a production calendar for the tests of «рабочих дней»:
// weekends, 4 November 2026 (Day of National Unity) and the New Year break
// of 1–11 January 2027 are days off.
type whenCalendar struct{}

func (whenCalendar) Workday(d time.Time) bool {
	y, m, day := d.Date()
	if y == 2026 && m == time.November && day == 4 || y == 2027 && m == time.January && day <= 11 {
		return false
	}
	return core.WeekendCalendar{}.Workday(d)
}

func (whenCalendar) Shortened(time.Time) bool { return false }
func (whenCalendar) HasYear(int) bool         { return true }

func whenZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("time zone %s: %v", name, err)
	}
	return loc
}

// whenDefaultClock is the working day's start the caller passes: 9:00.
const whenDefaultClock = 9 * 60

// whenCase is one phrase and the moment it means, written in the zone's
// wall clock ("2006-01-02 15:04:05").
type whenCase struct {
	in    string
	want  string
	given bool
}

func checkWhen(t *testing.T, loc *time.Location, now time.Time, tests []whenCase) {
	t.Helper()
	for _, tc := range tests {
		got, err := core.ParseWhen(tc.in, now, loc, whenCalendar{}, whenDefaultClock)
		if err != nil {
			t.Errorf("ParseWhen(%q) at %v: %v", tc.in, now, err)
			continue
		}
		want, err := time.ParseInLocation("2006-01-02 15:04:05", tc.want, loc)
		if err != nil {
			t.Fatalf("bad want %q: %v", tc.want, err)
		}
		if !got.At.Equal(want) || got.TimeGiven != tc.given {
			t.Errorf("ParseWhen(%q) at %v = %v (time given %v), want %v (time given %v)", tc.in, now,
				got.At.In(loc), got.TimeGiven, want, tc.given)
		}
		if got.At.Location() != loc {
			t.Errorf("ParseWhen(%q): At is in %v, want %v", tc.in, got.At.Location(), loc)
		}
		if got.Text != tc.in {
			t.Errorf("ParseWhen(%q).Text = %q", tc.in, got.Text)
		}
	}
}

// TestWhenMoscow reads every form the issue names, and more, on Tuesday
// 3 November 2026 at 10:15:30 in Moscow; 4 November is a holiday.
func TestWhenMoscow(t *testing.T) {
	loc := whenZone(t, "Europe/Moscow")
	now := time.Date(2026, 11, 3, 10, 15, 30, 0, loc)
	checkWhen(t, loc, now, []whenCase{
		// A day and a time.
		{"завтра 10:00", "2026-11-04 10:00:00", true},
		{"завтра в 10:00", "2026-11-04 10:00:00", true},
		{"завтра в 10", "2026-11-04 10:00:00", true},
		{"завтра в 10 утра", "2026-11-04 10:00:00", true},
		{"завтра в 10 часов утра", "2026-11-04 10:00:00", true},
		{"завтра в 10.30", "2026-11-04 10:30:00", true},
		{"Завтра В 10:00", "2026-11-04 10:00:00", true},
		{"на завтра", "2026-11-04 09:00:00", false},
		{"сегодня в 3 часа дня", "2026-11-03 15:00:00", true},
		{"сегодня в 18:30", "2026-11-03 18:30:00", true},
		{"в 10:00 завтра", "2026-11-04 10:00:00", true},
		{"в 10 утра в пятницу", "2026-11-06 10:00:00", true},
		{"послезавтра", "2026-11-05 09:00:00", false},
		{"послезавтра в 7 вечера", "2026-11-05 19:00:00", true},
		{"+3", "2026-11-06 09:00:00", false},
		// A time alone: today, or tomorrow when it has passed.
		{"в 15 часов", "2026-11-03 15:00:00", true},
		{"в 15:00", "2026-11-03 15:00:00", true},
		{"в 10:16", "2026-11-03 10:16:00", true},
		{"10:00", "2026-11-04 10:00:00", true},
		{"в 9:00", "2026-11-04 09:00:00", true},
		{"в 10:15", "2026-11-04 10:15:00", true}, // 10:15:00 is before 10:15:30
		{"в 10 часов 30 минут", "2026-11-03 10:30:00", true},
		{"в 3", "2026-11-03 15:00:00", true}, // a bare hour of 1–6 is in the afternoon
		{"в 3 часа", "2026-11-03 15:00:00", true},
		{"в 3 часа ночи", "2026-11-04 03:00:00", true},
		{"в 2 ночи", "2026-11-04 02:00:00", true},
		{"в 12 ночи", "2026-11-04 00:00:00", true},
		{"в 11 ночи", "2026-11-03 23:00:00", true},
		{"в 7", "2026-11-04 07:00:00", true},
		{"в 7 вечера", "2026-11-03 19:00:00", true},
		{"в час дня", "2026-11-03 13:00:00", true},
		{"в полдень", "2026-11-03 12:00:00", true},
		{"в 03:00", "2026-11-04 03:00:00", true}, // a time with minutes is as written
		{"на 11:00", "2026-11-03 11:00:00", true},
		// Counts from now.
		{"через 3 дня", "2026-11-06 09:00:00", false},
		{"через 3 дня в 14:00", "2026-11-06 14:00:00", true},
		{"через 2 дня, в 10:00", "2026-11-05 10:00:00", true},
		{"через 3 дня в 10 часов вечера", "2026-11-06 22:00:00", true},
		{"через день", "2026-11-04 09:00:00", false},
		{"через два дня", "2026-11-05 09:00:00", false},
		{"через 2 часа", "2026-11-03 12:15:30", true},
		{"через час", "2026-11-03 11:15:30", true},
		{"через пару часов", "2026-11-03 12:15:30", true},
		{"через 30 минут", "2026-11-03 10:45:30", true},
		{"через 30 мин", "2026-11-03 10:45:30", true},
		{"через минуту", "2026-11-03 10:16:30", true},
		{"через полчаса", "2026-11-03 10:45:30", true},
		{"через полтора часа", "2026-11-03 11:45:30", true},
		{"через 1,5 часа", "2026-11-03 11:45:30", true},
		{"через 2.5 часа", "2026-11-03 12:45:30", true},
		{"через неделю", "2026-11-10 09:00:00", false},
		{"через 2 недели", "2026-11-17 09:00:00", false},
		{"через месяц", "2026-12-03 09:00:00", false},
		{"через 3 месяца в 10:00", "2027-02-03 10:00:00", true},
		{"через год", "2027-11-03 09:00:00", false},
		// Working days skip 4 November.
		{"через 5 рабочих дней", "2026-11-11 09:00:00", false},
		{"через 3 рабочих дня", "2026-11-09 09:00:00", false},
		{"через 3 рабочих дня в 14:00", "2026-11-09 14:00:00", true},
		{"через рабочий день", "2026-11-05 09:00:00", false},
		{"через 1 рабочий день", "2026-11-05 09:00:00", false},
		// Days of the week (today is Tuesday).
		{"в пятницу", "2026-11-06 09:00:00", false},
		{"в пт", "2026-11-06 09:00:00", false},
		{"пятница", "2026-11-06 09:00:00", false},
		{"в пятницу в 11:30", "2026-11-06 11:30:00", true},
		{"во вторник", "2026-11-10 09:00:00", false}, // today is Tuesday: the next one
		{"в этот вторник", "2026-11-03 09:00:00", false},
		{"в эту пятницу", "2026-11-06 09:00:00", false},
		{"в ближайшую пятницу", "2026-11-06 09:00:00", false},
		{"в следующую пятницу", "2026-11-13 09:00:00", false},
		{"в следующий понедельник", "2026-11-09 09:00:00", false},
		{"в следующий вторник", "2026-11-10 09:00:00", false},
		{"в следующее воскресенье", "2026-11-15 09:00:00", false},
		{"в понедельник в 9:00", "2026-11-09 09:00:00", true},
		{"в среду", "2026-11-04 09:00:00", false},
		{"на следующей неделе", "2026-11-09 09:00:00", false},
		{"в пятницу на следующей неделе", "2026-11-13 09:00:00", false},
		{"в пятницу на следующей неделе в 10", "2026-11-13 10:00:00", true},
		// Dates.
		{"1 декабря", "2026-12-01 09:00:00", false},
		{"1 декабря 2026", "2026-12-01 09:00:00", false},
		{"1 декабря 2026 г.", "2026-12-01 09:00:00", false},
		{"1 декабря 2026 года", "2026-12-01 09:00:00", false},
		{"1-го декабря", "2026-12-01 09:00:00", false},
		{"1 дек", "2026-12-01 09:00:00", false},
		{"1 дек.", "2026-12-01 09:00:00", false},
		{"1 Декабрь", "2026-12-01 09:00:00", false},
		{"1 декабря в 9:30", "2026-12-01 09:30:00", true},
		{"01.12.2026 9:30", "2026-12-01 09:30:00", true},
		{"01.12.2026 в 9.30", "2026-12-01 09:30:00", true},
		{"01.12 9:30", "2026-12-01 09:30:00", true},
		{"1.12", "2026-12-01 09:00:00", false},
		{"2026-12-01 09:30", "2026-12-01 09:30:00", true},
		{"2026-12-01T09:30", "2026-12-01 09:30:00", true},
		{"на 01.12", "2026-12-01 09:00:00", false},
		{"29 февраля", "2028-02-29 09:00:00", false},
		// Past this year: next year; explicitly dated in the past: as typed.
		{"1 ноября", "2027-11-01 09:00:00", false},
		{"01.11", "2027-11-01 09:00:00", false},
		{"01.11.2026", "2026-11-01 09:00:00", false},
		{"3 ноября", "2026-11-03 09:00:00", false}, // today: not moved a year
		{"3 ноября в 10:00", "2026-11-03 10:00:00", true},
		{"сегодня", "2026-11-03 09:00:00", false},
		{"сегодня в 8:00", "2026-11-03 08:00:00", true},
	})
}

// TestWhenEnglish reads the English forms at the same moment.
func TestWhenEnglish(t *testing.T) {
	loc := whenZone(t, "Europe/Moscow")
	now := time.Date(2026, 11, 3, 10, 15, 30, 0, loc)
	checkWhen(t, loc, now, []whenCase{
		{"tomorrow 10:00", "2026-11-04 10:00:00", true},
		{"tomorrow at 10am", "2026-11-04 10:00:00", true},
		{"Tomorrow at 10 AM", "2026-11-04 10:00:00", true},
		{"tomorrow at 10:30 p.m.", "2026-11-04 22:30:00", true},
		{"at 10am tomorrow", "2026-11-04 10:00:00", true},
		{"today at noon", "2026-11-03 12:00:00", true},
		{"at 3", "2026-11-03 15:00:00", true},
		{"at 3pm", "2026-11-03 15:00:00", true},
		{"12am", "2026-11-04 00:00:00", true},
		{"12pm", "2026-11-03 12:00:00", true},
		{"the day after tomorrow", "2026-11-05 09:00:00", false},
		{"day after tomorrow at 9", "2026-11-05 09:00:00", true},
		{"in 2 hours", "2026-11-03 12:15:30", true},
		{"in an hour", "2026-11-03 11:15:30", true},
		{"in half an hour", "2026-11-03 10:45:30", true},
		{"in 30 minutes", "2026-11-03 10:45:30", true},
		{"in 1.5 hours", "2026-11-03 11:45:30", true},
		{"in 3 days", "2026-11-06 09:00:00", false},
		{"in two weeks", "2026-11-17 09:00:00", false},
		{"in a week", "2026-11-10 09:00:00", false},
		{"in a month", "2026-12-03 09:00:00", false},
		{"next monday", "2026-11-09 09:00:00", false},
		{"next friday", "2026-11-13 09:00:00", false},
		{"next week", "2026-11-09 09:00:00", false},
		{"friday next week", "2026-11-13 09:00:00", false},
		{"this friday", "2026-11-06 09:00:00", false},
		{"on friday", "2026-11-06 09:00:00", false},
		{"on Friday at 9:30", "2026-11-06 09:30:00", true},
		{"fri", "2026-11-06 09:00:00", false},
		{"december 1", "2026-12-01 09:00:00", false},
		{"1 december", "2026-12-01 09:00:00", false},
		{"dec 1 9:30", "2026-12-01 09:30:00", true},
		{"December 1st, 2026 at 9:30", "2026-12-01 09:30:00", true},
		{"on dec 1", "2026-12-01 09:00:00", false},
		{"in 5 working days", "2026-11-11 09:00:00", false},
		{"in 5 business days", "2026-11-11 09:00:00", false},
		{"in 3 workdays", "2026-11-09 09:00:00", false},
	})
}

// TestWhenMonths reads every case and short form of the months, with ё or
// е.
func TestWhenMonths(t *testing.T) {
	loc := whenZone(t, "Europe/Moscow")
	now := time.Date(2026, 11, 3, 10, 15, 30, 0, loc)
	forms := map[time.Month][]string{
		time.January:   {"январь", "января", "январю", "январём", "январем", "январе", "янв", "Jan", "january"},
		time.February:  {"февраль", "февраля", "февралём", "феврале", "фев", "февр", "feb"},
		time.March:     {"март", "марта", "марту", "мартом", "марте", "мар", "march"},
		time.April:     {"апрель", "апреля", "апр", "april"},
		time.May:       {"май", "мая", "мае", "may"},
		time.June:      {"июнь", "июня", "июн", "june"},
		time.July:      {"июль", "июля", "июл", "jul"},
		time.August:    {"август", "августа", "авг", "aug"},
		time.September: {"сентябрь", "сентября", "сентябрём", "сен", "сент", "sep", "sept"},
		time.October:   {"октябрь", "октября", "окт", "oct"},
		time.November:  {"ноябрь", "ноября", "ноя", "нояб", "nov"},
		time.December:  {"декабрь", "декабря", "дек", "dec", "DECEMBER"},
	}
	for m, names := range forms {
		year := 2027 // the 10th of a month before November has passed this year
		if m >= time.November {
			year = 2026
		}
		want := time.Date(year, m, 10, 9, 0, 0, 0, loc)
		for _, name := range names {
			for _, s := range []string{"10 " + name, name + " 10"} {
				got, err := core.ParseWhen(s, now, loc, whenCalendar{}, whenDefaultClock)
				if err != nil || !got.At.Equal(want) {
					t.Errorf("ParseWhen(%q) = %v, %v; want %v", s, got.At, err, want)
				}
			}
		}
	}
}

// TestWhenHolidays counts working days across the New Year break.
func TestWhenHolidays(t *testing.T) {
	loc := whenZone(t, "Europe/Moscow")
	checkWhen(t, loc, time.Date(2026, 12, 29, 16, 0, 0, 0, loc), []whenCase{
		{"через 3 рабочих дня", "2027-01-12 09:00:00", false},
		{"через 2 рабочих дня в 10:00", "2026-12-31 10:00:00", true},
		{"через 3 дня", "2027-01-01 09:00:00", false}, // calendar days are not skipped
	})
	// On a weekend, one working day is Monday.
	checkWhen(t, loc, time.Date(2026, 11, 7, 12, 0, 0, 0, loc), []whenCase{
		{"через рабочий день", "2026-11-09 09:00:00", false},
	})
	// Without a calendar, weekends alone are days off.
	got, err := core.ParseWhen("через 3 рабочих дня", time.Date(2026, 11, 3, 10, 0, 0, 0, loc), loc, nil,
		whenDefaultClock)
	if want := time.Date(2026, 11, 6, 9, 0, 0, 0, loc); err != nil || !got.At.Equal(want) {
		t.Errorf("no calendar: %v, %v; want %v", got.At, err, want)
	}
}

// TestWhenMonthEnd: a month from the 31st is the last day of a shorter
// month.
func TestWhenMonthEnd(t *testing.T) {
	loc := whenZone(t, "Europe/Moscow")
	checkWhen(t, loc, time.Date(2027, 1, 31, 12, 0, 0, 0, loc), []whenCase{
		{"через месяц", "2027-02-28 09:00:00", false},
		{"через 2 месяца", "2027-03-31 09:00:00", false},
	})
	checkWhen(t, loc, time.Date(2028, 2, 29, 12, 0, 0, 0, loc), []whenCase{
		{"через год", "2029-02-28 09:00:00", false},
	})
}

// TestWhenBerlinSpring: Berlin skips 02:00–03:00 on 29 March 2026. A wall
// clock time in the gap is moved forward by it, as time.Date does; counts
// of hours are exact.
func TestWhenBerlinSpring(t *testing.T) {
	loc := whenZone(t, "Europe/Berlin")
	checkWhen(t, loc, time.Date(2026, 3, 28, 12, 0, 0, 0, loc), []whenCase{
		{"завтра в 2:30", "2026-03-29 03:30:00", true},
		{"завтра в 10:00", "2026-03-29 10:00:00", true},
		{"через 1 день", "2026-03-29 09:00:00", false},
		{"через 24 часа", "2026-03-29 13:00:00", true}, // 24 hours, not the same clock
	})
	now := time.Date(2026, 3, 29, 1, 30, 0, 0, loc) // CET, 00:30 UTC
	checkWhen(t, loc, now, []whenCase{
		{"через 2 часа", "2026-03-29 04:30:00", true},
		{"в 2:30", "2026-03-29 03:30:00", true},
	})
	got, _ := core.ParseWhen("завтра в 2:30", time.Date(2026, 3, 28, 12, 0, 0, 0, loc), loc, nil, whenDefaultClock)
	if want := time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC); !got.At.Equal(want) {
		t.Errorf("02:30 in the gap = %v (%v UTC), want 01:30 UTC", got.At, got.At.UTC())
	}
}

// TestWhenBerlinAutumn: Berlin goes through 02:00–03:00 twice on 25
// October 2026. A wall clock time in it is the second one (CET), as
// time.Date does; counts of hours are exact, so an hour from 01:30 CEST is
// the first 02:30 (CEST).
func TestWhenBerlinAutumn(t *testing.T) {
	loc := whenZone(t, "Europe/Berlin")
	day := time.Date(2026, 10, 24, 12, 0, 0, 0, loc)
	for _, tc := range []struct {
		in   string
		now  time.Time
		want time.Time // UTC
	}{
		{"завтра в 2:30", day, time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC)},
		{"завтра в 10:00", day, time.Date(2026, 10, 25, 9, 0, 0, 0, time.UTC)},
		{"через 24 часа", day, time.Date(2026, 10, 25, 10, 0, 0, 0, time.UTC)}, // 11:00 CET
		{"через 1 день", day, time.Date(2026, 10, 25, 8, 0, 0, 0, time.UTC)},   // 09:00 CET
		{"через час", time.Date(2026, 10, 24, 23, 30, 0, 0, time.UTC), time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC)},
		{"в 2:30", time.Date(2026, 10, 24, 23, 30, 0, 0, time.UTC), time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC)},
	} {
		got, err := core.ParseWhen(tc.in, tc.now, loc, nil, whenDefaultClock)
		if err != nil || !got.At.Equal(tc.want) {
			t.Errorf("ParseWhen(%q) at %v = %v (%v UTC), %v; want %v UTC", tc.in, tc.now, got.At, got.At.UTC(), err,
				tc.want)
		}
	}
}

// TestWhenYekaterinburg: the user's zone decides what today is and which
// times have passed.
func TestWhenYekaterinburg(t *testing.T) {
	ekb := whenZone(t, "Asia/Yekaterinburg")
	msk := whenZone(t, "Europe/Moscow")
	now := time.Date(2026, 11, 3, 10, 15, 30, 0, msk) // 12:15:30 in Yekaterinburg
	checkWhen(t, ekb, now, []whenCase{
		{"в 11:00", "2026-11-04 11:00:00", true},
		{"завтра в 10:00", "2026-11-04 10:00:00", true},
		{"через 2 часа", "2026-11-03 14:15:30", true},
	})
	checkWhen(t, msk, now, []whenCase{{"в 11:00", "2026-11-03 11:00:00", true}})
	late := time.Date(2026, 11, 3, 23, 30, 0, 0, msk) // 01:30 on the 4th in Yekaterinburg
	checkWhen(t, ekb, late, []whenCase{
		{"завтра", "2026-11-05 09:00:00", false},
		{"через 3 рабочих дня", "2026-11-09 09:00:00", false},
	})
	checkWhen(t, msk, late, []whenCase{{"завтра", "2026-11-04 09:00:00", false}})
	got, _ := core.ParseWhen("завтра в 10:00", now, ekb, nil, whenDefaultClock)
	if want := time.Date(2026, 11, 4, 5, 0, 0, 0, time.UTC); !got.At.Equal(want) {
		t.Errorf("10:00 in Yekaterinburg = %v UTC, want 05:00 UTC", got.At.UTC())
	}
}

// TestWhenDefaultClock: a day without a time gets the clock the caller
// passes, kept within the day.
func TestWhenDefaultClock(t *testing.T) {
	loc := whenZone(t, "Europe/Moscow")
	now := time.Date(2026, 11, 3, 10, 15, 30, 0, loc)
	for clock, want := range map[int]time.Time{
		10*60 + 30: time.Date(2026, 11, 4, 10, 30, 0, 0, loc),
		-5:         time.Date(2026, 11, 4, 0, 0, 0, 0, loc),
		5000:       time.Date(2026, 11, 4, 23, 59, 0, 0, loc),
	} {
		got, err := core.ParseWhen("завтра", now, loc, nil, clock)
		if err != nil || !got.At.Equal(want) || got.TimeGiven {
			t.Errorf("default clock %d: %v, %v, time given %v; want %v", clock, got.At, err, got.TimeGiven, want)
		}
	}
}

// TestWhenErrors: what is not a moment is err.when.format with the text;
// nothing is err.when.empty.
// TestWhenPartsOfTheDayAndWeekdaysWithDates: a part of the day in a word
// after a day is a time (alone its usual hour, with an hour the half of
// the day it is in); a weekday with a date is the date when they agree.
// On Tuesday the 3rd of November 2026; Friday is the 6th.
func TestWhenPartsOfTheDayAndWeekdaysWithDates(t *testing.T) {
	loc := whenZone(t, "Europe/Moscow")
	now := time.Date(2026, 11, 3, 10, 15, 30, 0, loc)
	checkWhen(t, loc, now, []whenCase{
		{"завтра утром", "2026-11-04 09:00:00", true},
		{"завтра с утра", "2026-11-04 09:00:00", true},
		{"послезавтра днём", "2026-11-05 13:00:00", true},
		{"послезавтра днем", "2026-11-05 13:00:00", true},
		{"в пятницу вечером", "2026-11-06 18:00:00", true},
		{"через 3 дня утром", "2026-11-06 09:00:00", true},
		{"1 декабря вечером", "2026-12-01 18:00:00", true},
		{"завтра утром в 10", "2026-11-04 10:00:00", true},
		{"завтра утром в 5", "2026-11-04 05:00:00", true},
		{"завтра вечером в 7", "2026-11-04 19:00:00", true},
		{"завтра вечером в 19:30", "2026-11-04 19:30:00", true},
		{"завтра днём в 2", "2026-11-04 14:00:00", true},
		{"завтра ночью в 2", "2026-11-04 02:00:00", true},
		{"в пятницу в 7 вечером", "2026-11-06 19:00:00", true},
		{"tomorrow morning", "2026-11-04 09:00:00", true},
		{"tomorrow in the afternoon", "2026-11-04 13:00:00", true},
		{"friday evening at 7", "2026-11-06 19:00:00", true},
		{"tomorrow at night at 11", "2026-11-04 23:00:00", true},
		{"в пятницу 6 ноября", "2026-11-06 09:00:00", false},
		{"в пятницу, 6 ноября, в 15:00", "2026-11-06 15:00:00", true},
		{"в пт 06.11", "2026-11-06 09:00:00", false},
		{"6 ноября в пятницу", "2026-11-06 09:00:00", false},
		{"06.11, пятница, 12:00", "2026-11-06 12:00:00", true},
		{"friday november 6", "2026-11-06 09:00:00", false},
		{"в пятницу 10.30", "2026-11-06 10:30:00", true}, // not a date: a time
		{"в пятницу 12.10", "2026-11-06 12:10:00", true}, // 12 October is no Friday: a time
	})
	for _, tc := range []struct{ in, key, text string }{
		{"в пятницу 7 ноября", "err.when.weekday", "в пятницу 7 ноября"},
		{"7 ноября в пятницу", "err.when.weekday", "7 ноября в пятницу"},
		{"в пт 07.11.2026 10:00", "err.when.weekday", "в пт 07.11.2026"},
		{"в пятницу 31 ноября", "err.when.format", "в пятницу 31 ноября"},
		{"завтра ночью", "err.when.format", "завтра ночью"},
		{"завтра утром в 13", "err.when.format", "завтра утром в 13"},
		{"утром", "err.when.format", "утром"},
	} {
		_, err := core.ParseWhen(tc.in, now, loc, whenCalendar{}, whenDefaultClock)
		var e *core.Error
		if !errors.As(err, &e) || e.Code != core.EINVALID || e.Key != tc.key || e.Args["Text"] != tc.text {
			t.Errorf("ParseWhen(%q) error = %v, want EINVALID %s of %q", tc.in, err, tc.key, tc.text)
		}
	}
	_, err := core.ParseWhen("в пятницу 7 ноября", now, loc, whenCalendar{}, whenDefaultClock)
	var e *core.Error
	if errors.As(err, &e) && (e.Args["Actual"] != int(time.Saturday) || e.Args["Said"] != int(time.Friday) ||
		!e.Args["Date"].(time.Time).Equal(time.Date(2026, 11, 7, 12, 0, 0, 0, loc))) {
		t.Errorf("weekday args %v", e.Args)
	}
}

func TestWhenErrors(t *testing.T) {
	loc := whenZone(t, "Europe/Moscow")
	now := time.Date(2026, 11, 3, 10, 15, 30, 0, loc)
	for _, tc := range []struct{ in, key, text string }{
		{"", "err.when.empty", ""},
		{"   ", "err.when.empty", ""},
		{"позвонить", "err.when.format", "позвонить"},
		{"завтра позвонить", "err.when.format", "завтра позвонить"},
		{"через 3 попугая", "err.when.format", "через 3 попугая"},
		{"31.02 10:00", "err.when.format", "31.02 10:00"},
		{"31.02.2026", "err.when.format", "31.02.2026"},
		{"2026-13-01", "err.when.format", "2026-13-01"},
		{"2026-12-01T25:00", "err.when.format", "2026-12-01T25:00"},
		{"01/12/2026", "err.when.format", "01/12/2026"},
		{"31 февраля", "err.when.format", "31 февраля"},
		{"31 апреля 2027", "err.when.format", "31 апреля 2027"},
		{"1 декабря 1999", "err.when.format", "1 декабря 1999"},
		{"завтра 25:00", "err.when.format", "завтра 25:00"},
		{"завтра в 25:00", "err.when.format", "завтра в 25:00"},
		{"завтра в 10:75", "err.when.format", "завтра в 10:75"},
		{"завтра в 25", "err.when.format", "завтра в 25"},
		{"в 15 утра", "err.when.format", "в 15 утра"},
		{"13pm", "err.when.format", "13pm"},
		{"через 0 часов", "err.when.format", "через 0 часов"},
		{"через 0 дней", "err.when.format", "через 0 дней"},
		{"через 0,0 часа", "err.when.format", "через 0,0 часа"},
		{"через 1,5 дня", "err.when.format", "через 1,5 дня"},
		{"через 3 рабочих часа", "err.when.format", "через 3 рабочих часа"},
		{"через 100000 дней", "err.when.format", "через 100000 дней"},
		{"через 99999999999999999999 минут", "err.when.format", "через 99999999999999999999 минут"},
		{"через 2 часа в 10:00", "err.when.format", "через 2 часа в 10:00"},
		{"10.30", "err.when.format", "10.30"}, // at the start a point makes a date
		{"в среде", "err.when.format", "в среде"},
	} {
		_, err := core.ParseWhen(tc.in, now, loc, whenCalendar{}, whenDefaultClock)
		var e *core.Error
		if !errors.As(err, &e) || e.Code != core.EINVALID || e.Key != tc.key {
			t.Errorf("ParseWhen(%q) error = %v, want EINVALID %s", tc.in, err, tc.key)
			continue
		}
		if tc.key == "err.when.format" && e.Args["Text"] != tc.text {
			t.Errorf("ParseWhen(%q) Text = %q, want %q", tc.in, e.Args["Text"], tc.text)
		}
	}
}

// TestCutWhen takes the longest moment at the start of a reminder's words.
func TestCutWhen(t *testing.T) {
	loc := whenZone(t, "Europe/Moscow")
	now := time.Date(2026, 11, 3, 10, 15, 30, 0, loc)
	at := func(s string) time.Time {
		t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			panic(err)
		}
		return t
	}
	for _, tc := range []struct {
		in, text, rest string
		at             time.Time
	}{
		{"через 3 рабочих дня позвонить", "через 3 рабочих дня", "позвонить", at("2026-11-09 09:00")},
		{"через 3 рабочих дня в 11:00 позвонить", "через 3 рабочих дня в 11:00", "позвонить", at("2026-11-09 11:00")},
		{"завтра в 10 — позвонить клиенту", "завтра в 10", "позвонить клиенту", at("2026-11-04 10:00")},
		{"завтра в 10:00, позвонить", "завтра в 10:00", "позвонить", at("2026-11-04 10:00")},
		{"завтра:  проверить   оплату", "завтра", "проверить оплату", at("2026-11-04 09:00")},
		{"в пятницу в 10 утра отправить КП", "в пятницу в 10 утра", "отправить КП", at("2026-11-06 10:00")},
		{"1 декабря 2026 подписать договор", "1 декабря 2026", "подписать договор", at("2026-12-01 09:00")},
		{"2026-12-01T09:30 созвон", "2026-12-01T09:30", "созвон", at("2026-12-01 09:30")},
		{"завтра утром позвонить", "завтра утром", "позвонить", at("2026-11-04 09:00")},
		{"в пятницу 6 ноября позвонить", "в пятницу 6 ноября", "позвонить", at("2026-11-06 09:00")},
		{"завтра 2 документа подписать", "завтра", "2 документа подписать", at("2026-11-04 09:00")},
		{"завтра 3 дня отпуска оформить", "завтра", "3 дня отпуска оформить", at("2026-11-04 09:00")},
		{"завтра в офис заехать", "завтра", "в офис заехать", at("2026-11-04 09:00")},
		{"в пятницу на почту", "в пятницу", "на почту", at("2026-11-06 09:00")},
		{"завтра пт-отчёт сдать", "завтра", "пт-отчёт сдать", at("2026-11-04 09:00")},
		{"in 2 hours in the office", "in 2 hours", "in the office", now.Add(2 * time.Hour)},
		{"завтра в 25 экземплярах", "завтра", "в 25 экземплярах", at("2026-11-04 09:00")},
		{"tomorrow at 10am call the client", "tomorrow at 10am", "call the client", at("2026-11-04 10:00")},
		{"in 5 business days send the invoice", "in 5 business days", "send the invoice", at("2026-11-11 09:00")},
		{"сегодня", "сегодня", "", at("2026-11-03 09:00")},
	} {
		w, rest, found, err := core.CutWhen(tc.in, now, loc, whenCalendar{}, whenDefaultClock)
		if err != nil || !found || w.Text != tc.text || rest != tc.rest || !w.At.Equal(tc.at) {
			t.Errorf("CutWhen(%q) = %q at %v, rest %q, found %v, %v; want %q at %v, rest %q", tc.in, w.Text, w.At, rest,
				found, err, tc.text, tc.at, tc.rest)
		}
	}
	// Not a moment at the start: the words come back, their spaces single.
	for _, in := range []string{"позвонить завтра", "через Иванова  передать", "в 25 экземплярах", "в среде разработки",
		"3 дня подряд", "in the office", ""} {
		w, rest, found, err := core.CutWhen(in, now, loc, whenCalendar{}, whenDefaultClock)
		if found || err != nil || w != (core.When{}) || rest != joinFields(in) {
			t.Errorf("CutWhen(%q) = %+v, %q, %v, %v; want not found", in, w, rest, found, err)
		}
	}
	// Meant and wrong: found, with the words that are wrong.
	for _, tc := range []struct{ in, text string }{
		{"31.02 10:00 позвонить", "31.02 10:00"},
		{"завтра 25:00 позвонить", "завтра 25:00"},
		{"через 0 часов позвонить", "через 0 часов"},
		{"31 февраля позвонить", "31 февраля"},
		{"в 15 утра позвонить", "в 15 утра"},
		// What goes on with the moment is not left in the text.
		{"через 2 часа в 10:00", "через 2 часа в 10:00"},
		{"через 2 часа 30 минут позвонить", "через 2 часа 30 минут"},
		{"через 2 часа утром позвонить", "через 2 часа утром"},
		{"завтра в пятницу позвонить", "завтра в пятницу"},
		{"завтра 4 декабря позвонить", "завтра 4 декабря"},
		{"завтра, 04.12.2026 позвонить", "завтра, 04.12.2026"},
		{"через неделю в пятницу созвон", "через неделю в пятницу"},
		{"завтра послезавтра созвон", "завтра послезавтра"},
		{"завтра через 2 часа созвон", "завтра через 2 часа"},
		{"в 10:00 11:00 созвон", "в 10:00 11:00"},
		{"завтра ночью позвонить", "завтра ночью"},
		{"tomorrow next week call", "tomorrow next week"},
	} {
		_, _, found, err := core.CutWhen(tc.in, now, loc, whenCalendar{}, whenDefaultClock)
		var e *core.Error
		if !found || !errors.As(err, &e) || e.Key != "err.when.format" || e.Args["Text"] != tc.text {
			t.Errorf("CutWhen(%q) = found %v, %v; want err.when.format of %q", tc.in, found, err, tc.text)
		}
	}
	// «в пятницу 4 декабря» on the 30th of December: the next 4 December
	// is a Saturday; neither the Friday nor the date is taken.
	dec30 := time.Date(2026, 12, 30, 10, 0, 0, 0, loc)
	_, rest, found, err := core.CutWhen("в пятницу 4 декабря позвонить", dec30, loc, whenCalendar{}, whenDefaultClock)
	var e *core.Error
	if !found || !errors.As(err, &e) || e.Key != "err.when.weekday" || e.Args["Text"] != "в пятницу 4 декабря" ||
		rest != "в пятницу 4 декабря позвонить" {
		t.Errorf("CutWhen on the 30th of December = %q, %v, %v", rest, found, err)
	}
}

func joinFields(s string) string { return strings.Join(strings.Fields(s), " ") }

// FuzzParseWhen: ParseWhen never panics; what it reads re-parses to the
// same moment from its Text, and to the same wall clock from its formatted
// form (a doubled hour of a DST change keeps its wall clock, not its
// offset); CutWhen takes the same phrase whole.
func FuzzParseWhen(f *testing.F) {
	for _, s := range []string{"завтра 10:00", "завтра в 10 утра", "сегодня в 3 часа дня", "в 15 часов", "послезавтра",
		"через 3 дня", "через 2 часа", "через полчаса", "через месяц", "в пятницу", "в следующий понедельник",
		"в эту пятницу", "1 декабря", "1 декабря 2026 г.", "01.12.2026 9:30", "01.12 9:30", "2026-12-01T09:30",
		"через 5 рабочих дней", "в понедельник в 9:00", "tomorrow at 10am", "in 2 hours", "next monday",
		"dec 1 9:30", "December 1st, 2026 at 9:30", "in 5 business days", "31.02 10:00", "завтра 25:00",
		"через 0 часов", "в 2:30", "+3", "12am", "в 12 ночи", "", "через", "в", "1-го", "29 февраля",
		"через 2500 рабочих дней", "через 10 лет", "+3660", "в 10 часов 99 минут", "\xff", "ЁЁ", "DeC 1 ,"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	msk, berlin := whenZone(f, "Europe/Moscow"), whenZone(f, "Europe/Berlin")
	f.Fuzz(func(t *testing.T, s string, inBerlin bool) {
		loc, now := msk, time.Date(2026, 11, 3, 10, 15, 30, 0, msk)
		if inBerlin {
			loc, now = berlin, time.Date(2026, 10, 24, 23, 30, 0, 0, berlin)
		}
		w, err := core.ParseWhen(s, now, loc, whenCalendar{}, whenDefaultClock)
		cut, rest, found, cutErr := core.CutWhen(s, now, loc, whenCalendar{}, whenDefaultClock)
		if err != nil {
			if core.ErrorCode(err) != core.EINVALID {
				t.Fatalf("ParseWhen(%q): %v", s, err)
			}
			if found && cutErr == nil && rest == "" {
				t.Fatalf("CutWhen(%q) takes it all (%+v) but ParseWhen refuses: %v", s, cut, err)
			}
			return
		}
		if !found || cutErr != nil || rest != "" || !cut.At.Equal(w.At) || cut.Text != w.Text {
			t.Fatalf("ParseWhen(%q) = %+v but CutWhen = %+v, rest %q, %v, %v", s, w, cut, rest, found, cutErr)
		}
		if w.At.Location() != loc || w.At.Year() < 2000 || w.At.Year() > 2100 {
			t.Fatalf("ParseWhen(%q) = %v", s, w.At)
		}
		again, err := core.ParseWhen(w.Text, now, loc, whenCalendar{}, whenDefaultClock)
		if err != nil || !again.At.Equal(w.At) || again.TimeGiven != w.TimeGiven {
			t.Fatalf("ParseWhen(%q) = %+v, but its Text gives %+v, %v", s, w, again, err)
		}
		const layout = "02.01.2006 15:04"
		formatted := w.At.Format(layout)
		again, err = core.ParseWhen(formatted, now, loc, whenCalendar{}, whenDefaultClock)
		if err != nil || again.At.Format(layout) != formatted || !again.TimeGiven {
			t.Fatalf("ParseWhen(%q) = %v, but %q gives %+v, %v", s, w.At, formatted, again, err)
		}
	})
}
