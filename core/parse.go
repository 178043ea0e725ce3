package core

import (
	"strconv"
	"strings"
	"time"
)

// ParseMoney reads an amount in rubles as people type it: "1 234 567,89",
// "1234567.89", "150000 ₽", "150 000 руб.". At most two decimals; no floats.
func ParseMoney(s string) (Money, error) {
	in := s
	s = strings.ToLower(strings.TrimSpace(s))
	for _, suffix := range []string{"₽", "руб.", "руб", "rub", "р."} {
		s = strings.TrimSpace(strings.TrimSuffix(s, suffix))
	}
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "'", "").Replace(s)
	s = strings.ReplaceAll(s, ",", ".")
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || len(whole) > 15 || !allDigits(whole) || (hasFrac && (len(frac) == 0 || len(frac) > 2 || !allDigits(frac))) {
		return 0, Errorf(EINVALID, "err.amount.format", "Text", in)
	}
	rub, _ := strconv.ParseInt(whole, 10, 64)
	var kop int64
	if hasFrac {
		kop, _ = strconv.ParseInt(frac, 10, 64)
		if len(frac) == 1 {
			kop *= 10
		}
	}
	return Money(rub*100 + kop), nil
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// ParseDate reads a date, optionally with a time, as people type it:
// "28.11.2026", "28.11" (this year, or the next if it has passed), "2026-11-28",
// "28.11.2026 15:30", "сегодня"/"today", "завтра"/"tomorrow", "+3" (days). A
// date without a time means the end of the working day, 18:00, in loc.
func ParseDate(s string, now time.Time, loc *time.Location) (time.Time, error) {
	in := s
	s = strings.ToLower(strings.TrimSpace(s))
	now = now.In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	datePart, timePart, _ := strings.Cut(s, " ")
	var day time.Time
	switch {
	case datePart == "сегодня" || datePart == "today":
		day = today
	case datePart == "завтра" || datePart == "tomorrow":
		day = today.AddDate(0, 0, 1)
	case strings.HasPrefix(datePart, "+"):
		n, err := strconv.Atoi(datePart[1:])
		if err != nil || n < 0 || n > 3660 {
			return time.Time{}, Errorf(EINVALID, "err.date.format", "Text", in)
		}
		day = today.AddDate(0, 0, n)
	default:
		var ok bool
		if day, ok = parseDay(datePart, today, loc); !ok {
			return time.Time{}, Errorf(EINVALID, "err.date.format", "Text", in)
		}
	}
	h, m := 18, 0
	if timePart = strings.TrimSpace(timePart); timePart != "" {
		t, err := time.Parse("15:04", timePart)
		if err != nil {
			return time.Time{}, Errorf(EINVALID, "err.date.format", "Text", in)
		}
		h, m = t.Hour(), t.Minute()
	}
	return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, loc), nil
}

func parseDay(s string, today time.Time, loc *time.Location) (time.Time, bool) {
	for _, layout := range []string{"02.01.2006", "2.1.2006", "2006-01-02", "02.01.06"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, t.Year() >= 2000 && t.Year() <= 2100
		}
	}
	for _, layout := range []string{"02.01", "2.1"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			// The next such day from today; 29.02 waits for a leap year.
			for y := today.Year(); y <= today.Year()+8; y++ {
				d := time.Date(y, t.Month(), t.Day(), 0, 0, 0, 0, loc)
				if d.Month() == t.Month() && !d.Before(today) {
					return d, true
				}
			}
		}
	}
	return time.Time{}, false
}
