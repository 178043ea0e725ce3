package core

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strconv"
	"time"
)

// WorkCalendar is the production calendar: which days are working days,
// days off and shortened days (a pre-holiday day an hour shorter). Dates
// are read by their year, month and day, whatever their location.
type WorkCalendar interface {
	// Workday reports whether the day is a working day: a weekday that is
	// no holiday, or a weekend day made working by a transfer.
	Workday(day time.Time) bool
	// Shortened reports whether the working day is an hour shorter.
	Shortened(day time.Time) bool
	// HasYear reports whether the calendar knows the year's holidays and
	// transfers; a year it does not know has only weekends off.
	HasYear(year int) bool
}

// WeekendCalendar is a calendar that knows only Saturdays and Sundays: the
// fallback for years no production calendar covers.
type WeekendCalendar struct{}

// Workday reports whether the day is Monday to Friday.
func (WeekendCalendar) Workday(day time.Time) bool {
	wd := day.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// Shortened is always false.
func (WeekendCalendar) Shortened(time.Time) bool { return false }

// HasYear is always false.
func (WeekendCalendar) HasYear(int) bool { return false }

// AddWorkdays returns the day n working days after day (n > 0) or before
// it (n < 0), at day's clock time; n == 0 returns day. Days off in between
// are skipped: «через 5 рабочих дней» from a Friday before a holiday week
// lands after it.
func AddWorkdays(cal WorkCalendar, day time.Time, n int) time.Time {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		day = day.AddDate(0, 0, step)
		if cal.Workday(day) {
			n--
		}
	}
	return day
}

// dayOf is the midnight that starts t's day, in t's location.
func dayOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}

// minuteOf is t's time of day in minutes from midnight.
func minuteOf(t time.Time) int { return t.Hour()*60 + t.Minute() }

// dayEnd is when the working day ends, in minutes from midnight: an hour
// earlier on a shortened day.
func (st ReminderSettings) dayEnd(cal WorkCalendar, day time.Time) int {
	if cal.Shortened(day) {
		return st.DayEnd - 60
	}
	return st.DayEnd
}

// WorkdayOnOrBefore returns day if it is a working day, else the last
// working day before it (at most a month back; past that, day itself).
func WorkdayOnOrBefore(cal WorkCalendar, day time.Time) time.Time {
	for i := 0; i < 31; i++ {
		if d := day.AddDate(0, 0, -i); cal.Workday(d) {
			return d
		}
	}
	return day
}

// WorkdayOnOrAfter returns day if it is a working day, else the first
// working day after it (at most a month on; past that, day itself).
func WorkdayOnOrAfter(cal WorkCalendar, day time.Time) time.Time {
	for i := 0; i < 31; i++ {
		if d := day.AddDate(0, 0, i); cal.Workday(d) {
			return d
		}
	}
	return day
}

// CalendarLoader is a production calendar that takes a year's file at run
// time (an admin loads next year's).
type CalendarLoader interface {
	WorkCalendar
	// Load reads a year file and adds or replaces its year.
	Load(data []byte) (year int, err error)
	// Years lists the years the calendar knows.
	Years() []int
}

// WithCalendar sets the production calendar the reminders and «рабочих
// дней» counts follow; without it only weekends are days off.
func WithCalendar(c WorkCalendar) Option { return func(s *Service) { s.cal = c } }

// calendar is the service's production calendar.
func (s *Service) calendar() WorkCalendar {
	if s.cal == nil {
		return WeekendCalendar{}
	}
	return s.cal
}

// LoadCalendarYear takes a production-calendar year file from an admin (the
// xmlcalendar format), checks it by loading it into the calendar and keeps
// it in the store, so it is loaded again at every start. It returns the
// year.
func (s *Service) LoadCalendarYear(ctx context.Context, a Actor, data []byte) (int, error) {
	if err := a.require(PermAdmin); err != nil {
		return 0, err
	}
	l, ok := s.cal.(CalendarLoader)
	if !ok {
		return 0, Errorf(EINVALID, "err.calendar.fixed")
	}
	year, err := l.Load(data)
	if err != nil {
		return 0, calendarFileError(err)
	}
	err = s.update(ctx, func(tx Tx) error {
		if err := tx.PutCalendarYear(year, data); err != nil {
			return err
		}
		return tx.AddChanges(stamp([]*Change{{Entity: EntitySettings, EntityID: 1, Field: "calendar",
			New: strconv.Itoa(year)}}, a, "calendar")...)
	})
	return year, err
}

// localizedError is an error that names its message in the locale files
// (the production calendar's refusals of a year file do).
type localizedError interface {
	LocaleKey() (key string, args map[string]any)
}

// calendarFileError is the refusal of a year file in the user's language:
// the calendar's own message when its error names one, else the generic
// one with the error's text. The error itself is kept for the log.
func calendarFileError(err error) error {
	var le localizedError
	if !errors.As(err, &le) {
		return Errorf(EINVALID, "err.calendar.bad_file", "Error", err.Error())
	}
	key, args := le.LocaleKey()
	var kv []any
	for _, k := range slices.Sorted(maps.Keys(args)) {
		kv = append(kv, k, args[k])
	}
	e := Errorf(EINVALID, key, kv...)
	e.Err = err
	return e
}

// RestoreCalendar loads the year files admins loaded before into the
// calendar; it runs at start. A stored file the calendar now refuses is
// logged and skipped: the embedded years still hold.
func (s *Service) RestoreCalendar(ctx context.Context) error {
	l, ok := s.cal.(CalendarLoader)
	if !ok {
		return nil
	}
	return s.view(ctx, func(tx Tx) error {
		years, err := tx.CalendarYears()
		if err != nil {
			return err
		}
		for _, y := range years {
			data, err := tx.CalendarYear(y)
			if err != nil {
				return err
			}
			if _, err := l.Load(data); err != nil {
				s.log.Error().Err(err).Int("year", y).Msg("a stored production calendar year is refused")
			}
		}
		return nil
	})
}

// CalendarYears lists the years the production calendar knows.
func (s *Service) CalendarYears() []int {
	if l, ok := s.cal.(CalendarLoader); ok {
		return l.Years()
	}
	return nil
}

// provisionalCalendar is a production calendar that knows some years only
// provisionally: workcal's built-in year made before the government's
// decree on the year's transfers was out.
type provisionalCalendar interface {
	Provisional(year int) bool
}

// CalendarProvisional reports whether the production calendar knows the
// year only provisionally: its holidays are right, but the transfers of
// days off the government's decree will make are missing until an admin
// loads the official file.
func (s *Service) CalendarProvisional(year int) bool {
	p, ok := s.cal.(provisionalCalendar)
	return ok && p.Provisional(year)
}

// CheckCalendar warns the admins, once a day in December, that next year's
// production calendar is missing or only provisional: without the
// official one «рабочих дней» counts and reminders would take only
// weekends (or, provisional, days off without the decree's transfers) as
// days off. It returns 1 when it warned.
func (s *Service) CheckCalendar(ctx context.Context, now time.Time) (int, error) {
	t := now.In(Location(""))
	next := t.Year() + 1
	missing := !s.calendar().HasYear(next)
	provisional := !missing && s.CalendarProvisional(next)
	if t.Month() != time.December || !missing && !provisional {
		return 0, nil
	}
	warned := 0
	err := s.update(ctx, func(tx Tx) error {
		warned = 0
		const job = "calendar_warning"
		r, err := tx.JobRun(job)
		if IsNotFound(err) {
			r = &JobRun{Name: job}
		} else if err != nil {
			return err
		}
		if last := r.LastSuccess.In(Location("")); !r.LastSuccess.IsZero() &&
			last.Year() == t.Year() && last.YearDay() == t.YearDay() {
			return nil // told today
		}
		r.LastSuccess = now
		r.Runs++
		if err := tx.PutJobRun(r); err != nil {
			return err
		}
		warned = 1
		return s.notifyUsersOfRole(tx, RoleAdmin, Note{Key: "notify.calendar.missing",
			Args: map[string]any{"Year": next, "Provisional": provisional}})
	})
	return warned, err
}

// maxWorkSpanDays bounds the days AddWorkingTime and WorkingTimeBetween
// walk: ten years, far beyond any SLA, so that a calendar with no working
// day cannot make them loop for ever.
const maxWorkSpanDays = 3660

// workHours is the working window of day (midnight in its location):
// from the start of the working hours to their end, an hour earlier on a
// shortened day; ok is false on a day off.
func workHours(cal WorkCalendar, st ReminderSettings, day time.Time) (start, end time.Time, ok bool) {
	if !cal.Workday(day) {
		return time.Time{}, time.Time{}, false
	}
	start, end = atMinute(day, st.DayStart), atMinute(day, st.dayEnd(cal, day))
	return start, end, end.After(start)
}

// AddWorkingTime returns the moment d of working time after from (before
// it, when d is negative): only the working hours of working days count,
// in loc, by the production calendar (a shortened day an hour shorter, a
// holiday not at all). From outside the working hours the count starts at
// the next working hours' start (ends at the last one's end, backwards).
// A span that ends exactly at the end of a working day ends there, not at
// the next morning. d == 0 returns from.
func AddWorkingTime(cal WorkCalendar, st ReminderSettings, loc *time.Location, from time.Time, d time.Duration) time.Time {
	if d == 0 {
		return from
	}
	t := from.In(loc)
	if d > 0 {
		for range maxWorkSpanDays {
			day := dayOf(t)
			if start, end, ok := workHours(cal, st, day); ok {
				if t.Before(start) {
					t = start
				}
				if t.Before(end) {
					if left := end.Sub(t); d <= left {
						return t.Add(d)
					}
					d -= end.Sub(t)
				}
			}
			t = day.AddDate(0, 0, 1)
		}
		return t
	}
	d = -d
	for range maxWorkSpanDays {
		day := dayOf(t)
		if start, end, ok := workHours(cal, st, day); ok {
			if t.After(end) {
				t = end
			}
			if t.After(start) {
				if left := t.Sub(start); d <= left {
					return t.Add(-d)
				}
				d -= t.Sub(start)
			}
		}
		t = day.Add(-time.Nanosecond) // the end of the day before
	}
	return t
}

// WorkingTimeBetween is the working time from from to to, as
// AddWorkingTime counts it: AddWorkingTime(from, WorkingTimeBetween(from,
// to)) is to when to falls in working hours. It is negative when to is
// before from.
func WorkingTimeBetween(cal WorkCalendar, st ReminderSettings, loc *time.Location, from, to time.Time) time.Duration {
	if to.Before(from) {
		return -WorkingTimeBetween(cal, st, loc, to, from)
	}
	var sum time.Duration
	t := from.In(loc)
	for range maxWorkSpanDays {
		if !t.Before(to) {
			break
		}
		day := dayOf(t)
		if start, end, ok := workHours(cal, st, day); ok {
			s, e := start, end
			if t.After(s) {
				s = t
			}
			if to.Before(e) {
				e = to
			}
			if e.After(s) {
				sum += e.Sub(s)
			}
		}
		t = day.AddDate(0, 0, 1)
	}
	return sum
}
