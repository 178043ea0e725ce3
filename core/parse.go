package core

import (
	"strconv"
	"strings"
	"time"
)

// MaxAmountDigits is the most digits of whole rubles an amount may have.
const MaxAmountDigits = 15

// MaxAmount is the largest amount DealDesk reads or stores:
// 999 999 999 999 999,99 ₽.
const MaxAmount = Money(999_999_999_999_999_99)

// currencyMarks are the ways an amount says it is in rubles, before or
// after the number, as both languages print and type them.
var currencyMarks = []string{"₽", "руб.", "руб", "rub.", "rub", "rur", "р.", "р"}

// ParseMoney reads an amount in rubles as people type it in either
// language: «1 234 567,89», «150 000 руб.», «1 234,5 ₽» (spaces may be
// non-breaking or narrow), «1,234,567.89», «₽1,234.00», «1234567.89 RUB».
// At most two decimals; no floats. The rule for separators:
//   - both a comma and a point: the later one marks kopecks, the other
//     groups thousands («1,234.56» and «1.234,56» are both 1 234,56 ₽);
//   - one kind, more than once: it groups thousands («1,234,567»);
//   - one kind, once, with one or two digits after it: kopecks («10,5»,
//     «10.50»);
//   - once, with three digits after it («1,234», «1.234»): only the user's
//     language decides. In English (lang "en") a comma groups thousands, so
//     «1,234» is 1 234 ₽; a point marks decimals, and three of them are not
//     kopecks, so «1.234» is refused as ambiguous. In Russian the comma is
//     the decimal mark and thousands are grouped by spaces, so both «1,234»
//     and «1.234» are refused as ambiguous, with a hint how to write either.
//
// Thousands groups are checked (1-3 digits, then groups of 3). A minus
// sign is refused with the rule that amounts are not negative; more than
// MaxAmountDigits digits of rubles with the largest amount.
func ParseMoney(s, lang string) (Money, error) {
	in := strings.TrimSpace(s)
	bad := Errorf(EINVALID, "err.amount.format", "Text", in)
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "\u2009", "", "'", "", "’", "").
		Replace(strings.ToLower(in))
	s = trimCurrency(s)
	neg := false
	for _, minus := range []string{"-", "−", "–"} {
		if rest, ok := strings.CutPrefix(s, minus); ok {
			neg, s = true, trimCurrency(rest)
			break
		}
	}
	whole, frac, err := splitAmount(s, lang, in)
	if err != nil {
		return 0, err
	}
	if !allDigits(whole) || (frac != "" && !allDigits(frac)) {
		return 0, bad
	}
	if neg {
		return 0, Errorf(EINVALID, "err.amount.negative")
	}
	if len(strings.TrimLeft(whole, "0")) > MaxAmountDigits {
		return 0, Errorf(EINVALID, "err.amount.too_large", "Max", int64(MaxAmount))
	}
	rub, _ := strconv.ParseInt(whole, 10, 64)
	var kop int64
	if frac != "" {
		kop, _ = strconv.ParseInt(frac, 10, 64)
		if len(frac) == 1 {
			kop *= 10
		}
	}
	return Money(rub*100 + kop), nil
}

// trimCurrency removes a ruble mark from either end of s.
func trimCurrency(s string) string {
	for _, m := range currencyMarks {
		if rest, ok := strings.CutPrefix(s, m); ok {
			s = rest
			break
		}
	}
	for _, m := range currencyMarks {
		if rest, ok := strings.CutSuffix(s, m); ok {
			s = rest
			break
		}
	}
	return s
}

// splitAmount splits a number without spaces or currency into whole rubles
// (thousands separators removed) and kopecks, by the rule of ParseMoney.
func splitAmount(s, lang, in string) (whole, frac string, err error) {
	bad := Errorf(EINVALID, "err.amount.format", "Text", in)
	comma, point := strings.LastIndexByte(s, ','), strings.LastIndexByte(s, '.')
	switch {
	case comma < 0 && point < 0:
		return s, "", nil
	case comma >= 0 && point >= 0:
		dec, group := max(comma, point), byte(',')
		if dec == comma {
			group = '.'
		}
		whole, frac = s[:dec], s[dec+1:]
		if strings.IndexByte(whole, s[dec]) >= 0 || len(frac) == 0 || len(frac) > 2 {
			return "", "", bad
		}
		whole, ok := ungroup(whole, group)
		if !ok {
			return "", "", bad
		}
		return whole, frac, nil
	}
	sep := byte(',')
	if point >= 0 {
		sep = '.'
	}
	if strings.Count(s, string(sep)) > 1 {
		whole, ok := ungroup(s, sep)
		if !ok {
			return "", "", bad
		}
		return whole, "", nil
	}
	whole, frac, _ = strings.Cut(s, string(sep))
	switch {
	case whole == "" || frac == "" || len(frac) > 3:
		return "", "", bad
	case len(frac) < 3:
		return whole, frac, nil
	case lang == "en" && sep == ',':
		whole, ok := ungroup(s, sep)
		if !ok {
			return "", "", bad
		}
		return whole, "", nil
	}
	if !allDigits(whole) || len(whole) > 3 || !allDigits(frac) {
		return "", "", bad // not a thousands group: three decimals
	}
	return "", "", Errorf(EINVALID, "err.amount.ambiguous", "Text", in)
}

// ungroup removes thousands separators from s, checking the groups: one to
// three digits, then groups of exactly three.
func ungroup(s string, sep byte) (string, bool) {
	groups := strings.Split(s, string(sep))
	for i, g := range groups {
		if !allDigits(g) || len(g) > 3 || i > 0 && len(g) != 3 {
			return "", false
		}
	}
	return strings.Join(groups, ""), true
}

// ValidateAmount checks the amount of a deal as a person gives it: more than
// zero and at most MaxAmount. (A deal made by code may have 0 while its
// amount is unknown; Deal.Validate allows that, not a negative amount.)
func ValidateAmount(m Money) error {
	switch {
	case m < 0:
		return Errorf(EINVALID, "err.amount.negative")
	case m == 0:
		return Errorf(EINVALID, "err.amount.zero")
	case m > MaxAmount:
		return Errorf(EINVALID, "err.amount.too_large", "Max", int64(MaxAmount))
	}
	return nil
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
// date without a time means the end of the working day, DefaultHour:00, in
// loc; defaulted reports that, so that a reply can say the time was not typed.
func ParseDate(s string, now time.Time, loc *time.Location) (t time.Time, defaulted bool, err error) {
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
			return time.Time{}, false, Errorf(EINVALID, "err.date.format", "Text", in)
		}
		day = today.AddDate(0, 0, n)
	default:
		var ok bool
		if day, ok = parseDay(datePart, today, loc); !ok {
			return time.Time{}, false, Errorf(EINVALID, "err.date.format", "Text", in)
		}
	}
	h, m := DefaultHour, 0
	defaulted = true
	if timePart = strings.TrimSpace(timePart); timePart != "" {
		t, err := time.Parse("15:04", timePart)
		if err != nil {
			return time.Time{}, false, Errorf(EINVALID, "err.date.format", "Text", in)
		}
		h, m, defaulted = t.Hour(), t.Minute(), false
	}
	return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, loc), defaulted, nil
}

// DefaultHour is the time of day of a deadline typed as a date alone: the
// end of the working day. The deadline is stored and shown with this time,
// and the reply that records it says the time is the default.
const DefaultHour = 18

// ValidateDeadline checks a deadline a person gives: it must not have
// passed at now. A past deadline is refused, not confirmed: a task or a
// deal date that is overdue the moment it is set is almost always a typo
// (a wrong year or month), and today after DefaultHour:00 can be given
// with a time ("сегодня 20:00").
func ValidateDeadline(t, now time.Time) error {
	if !t.IsZero() && t.Before(now) {
		return Errorf(EINVALID, "err.date.past", "Date", t, "Now", now)
	}
	return nil
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
