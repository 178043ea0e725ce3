package core

import (
	"sync"
	"time"
)

// locations caches the zones Location loaded: loading one reads and parses
// its tzdata file, and a tick asks for each recipient's.
var locations sync.Map

// Clock tells the time. Services take it by injection so tests can fix it.
type Clock interface {
	Now() time.Time
}

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }

// DefaultTimeZone is the zone of users who have not chosen one.
const DefaultTimeZone = "Europe/Moscow"

// Location returns the time zone named tz, falling back to Moscow time when
// the name is empty or unknown.
func Location(tz string) *time.Location {
	if tz == "" {
		tz = DefaultTimeZone
	}
	if loc, ok := locations.Load(tz); ok {
		return loc.(*time.Location)
	}
	if loc, err := time.LoadLocation(tz); err == nil {
		locations.Store(tz, loc)
		return loc
	}
	if loc, err := time.LoadLocation(DefaultTimeZone); err == nil {
		return loc
	}
	return time.FixedZone("MSK", 3*60*60)
}
