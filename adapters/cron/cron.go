// Package cron reads the cron expressions of report schedules
// (core.CronParser) with robfig/cron/v3's standard parser: five fields
// (minute hour day-of-month month day-of-week, with names such as MON or
// JAN) or a descriptor (@yearly, @monthly, @weekly, @daily, @midnight,
// @hourly).
//
// The time zone is the schedule's own: a "TZ=" or "CRON_TZ=" prefix is
// refused, and so is "@every", which is no time of day. An expression is
// computed on the wall clock of the zone, so daylight saving time moves
// no run: a time the spring change skips fires when the clock has jumped
// (02:30 on the day 02:00 becomes 03:00 fires at 03:30, the same instant
// as 02:30 of the old offset), and a time the autumn change repeats fires
// once, at its first occurrence.
package cron

import (
	"fmt"
	"strings"
	"time"

	robfig "github.com/robfig/cron/v3"

	"github.com/dealdesk/dealdesk/core"
)

// Parser is the core.CronParser.
type Parser struct{}

// New returns the parser.
func New() Parser { return Parser{} }

var parser = robfig.NewParser(robfig.Minute | robfig.Hour | robfig.Dom | robfig.Month | robfig.Dow | robfig.Descriptor)

// Next is when expr fires first after after, on the wall clock of loc (nil
// is UTC), in UTC. A bad expression is EINVALID "err.cron.invalid"; one
// that names no date that exists (30 February) "err.cron.never".
func (Parser) Next(expr string, after time.Time, loc *time.Location) (time.Time, error) {
	sched, err := parse(expr)
	if err != nil {
		return time.Time{}, core.Errorf(core.EINVALID, "err.cron.invalid", "Expr", expr)
	}
	if loc == nil {
		loc = time.UTC
	}
	// The schedule runs over the wall clock, written as UTC, where no day
	// is shorter or longer than 24 hours.
	a := after.In(loc)
	wall := time.Date(a.Year(), a.Month(), a.Day(), a.Hour(), a.Minute(), a.Second(), a.Nanosecond(), time.UTC)
	// A wall time in the hour the autumn change repeats may be an instant
	// before after (its first occurrence, when after is in the second):
	// it has fired, the next one is wanted. No zone has repeated more than
	// a day.
	for range 24*60 + 2 {
		wall = sched.Next(wall)
		if wall.IsZero() {
			return time.Time{}, core.Errorf(core.EINVALID, "err.cron.never", "Expr", expr)
		}
		at := instant(wall, loc)
		if at.After(after) {
			return at.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("cron: no run of %q after %v in %s", expr, after, loc)
}

// parse reads an expression, refusing what a schedule cannot use; it
// recovers from a panic of the parser on odd input.
func parse(expr string) (s robfig.Schedule, err error) {
	expr = strings.TrimSpace(expr)
	switch {
	case expr == "":
		return nil, fmt.Errorf("cron: empty")
	case strings.HasPrefix(expr, "TZ=") || strings.HasPrefix(expr, "CRON_TZ="):
		return nil, fmt.Errorf("cron: a time zone of its own in %q", expr)
	case strings.HasPrefix(expr, "@every"):
		return nil, fmt.Errorf("cron: no time of day in %q", expr)
	}
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("cron: %q: %v", expr, r)
		}
	}()
	return parser.Parse(expr)
}

// instant is the first instant whose wall clock in loc is wall (written
// as UTC); in a gap of the spring change, the instant the old offset
// gives, which the new one shows as wall plus the jump (02:30 → 03:30).
func instant(wall time.Time, loc *time.Location) time.Time {
	at := time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), 0, loc)
	// The offset before a change near wall: a day earlier.
	_, before := at.Add(-24 * time.Hour).Zone()
	old := wall.Add(-time.Duration(before) * time.Second).In(loc)
	shows := func(t time.Time) bool {
		return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC).Equal(wall)
	}
	switch {
	case shows(old) && shows(at):
		if old.Before(at) {
			return old
		}
		return at
	case shows(at):
		return at
	default: // old shows wall, or wall is in a gap
		return old
	}
}
