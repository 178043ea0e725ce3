package core

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// When is a moment a person typed for a reminder, read by ParseWhen or
// CutWhen.
type When struct {
	// At is the moment, in the location the phrase was read in.
	At time.Time
	// TimeGiven is set when the phrase says the time of day («в 10:00»,
	// «в 3 часа дня», "10am") or counts hours or minutes from now («через 2
	// часа»); otherwise At has the default clock of the day it names.
	TimeGiven bool
	// Text is the words taken, as typed (single spaces, without a comma,
	// a semicolon or a colon after them).
	Text string
}

// ParseWhen reads the whole of s as a moment, in Russian or English, the
// way people write when they want to be reminded:
//
//   - a day: «сегодня», «завтра», «послезавтра», "today", "tomorrow", "the
//     day after tomorrow", «+3» (days);
//   - a day of the week, with or without «в»/«во»/«на»/"on", full or short:
//     «в пятницу», «в пт», «во вторник», "on friday", "fri" — the next such
//     day after today (on a Friday, «в пятницу» is the Friday of next
//     week); «в эту пятницу», «в ближайшую пятницу», "this friday" — the
//     nearest one, today included; «в следующий понедельник», "next
//     monday" — that day of next week (weeks start on Monday); «на
//     следующей неделе», "next week" — Monday of next week; «в пятницу на
//     следующей неделе», "friday next week" — that day of next week;
//   - a date: «01.12.2026», «1.12.26», «01.12», «2026-12-01», «1 декабря»,
//     «1 декабря 2026 (г., года)», «1 дек», «1-го декабря», "december 1",
//     "1 december", "dec 1st, 2026" (months in any case, short or full);
//     without a year, the next such day from today on (29 February waits
//     for a leap year);
//   - a count from now: «через 3 дня», «через день», «через 2 недели»,
//     «через неделю», «через месяц» (the same day of the month, or the last
//     one of a shorter month), «через год», «через 5 рабочих дней» (working
//     days of cal: AddWorkdays from today), "in 3 days", "in a week", "in
//     5 working days" ("business days", "workdays"); numbers in digits or
//     words up to ten («через два дня», «через пару недель», "in two
//     weeks");
//   - a time of day, after a day (with «в», «во», "at" or nothing) or on
//     its own, or before a day («в 10:00 завтра», "at 9am on friday"):
//     «10:00», «9:30», «в 10.30» (a point only after «в»/"at" or a day),
//     «в 10», «в 10 утра», «в 3 часа дня», «в 9 вечера», «в 2 ночи», «в 15
//     часов», «в 10 часов 30 минут», «в час дня», «в полдень», "10am",
//     "10:30 pm", "at 10", "noon", and the ISO form «2026-12-01T09:30».
//     A bare hour from 1 to 6 («в 3», «в 5 часов», "at 3") is in the
//     afternoon (15:00, 17:00): nobody sets a work reminder for three at
//     night without saying «ночи»;
//   - hours and minutes from now: «через 2 часа», «через час», «через 30
//     минут», «через полчаса», «через полтора часа», «через 1,5 часа», "in
//     2 hours", "in an hour", "in 30 minutes", "in half an hour", "in 1.5
//     hours": exact from now, with TimeGiven set;
//   - a part of the day in a word after a day: «завтра утром», «с утра»
//     (9:00), «днём» (13:00), «вечером» (18:00), "tomorrow morning", "in
//     the afternoon", "friday evening", with TimeGiven set; with an hour
//     the part says which half of the day it is in («завтра вечером в 7»
//     is 19:00, «утром в 5» 05:00, «в 7 вечером» 19:00); «ночью» and "at
//     night" need an hour («ночью в 2»);
//   - a weekday and a date together, either way round: «в пятницу 4
//     декабря», «4 декабря, пятница», «04.12 в пт» — the date, when it is
//     that weekday, else EINVALID with err.when.weekday (Text, Date, and
//     the weekdays Actual and Said as numbers, Sunday 0). After a weekday
//     a day and a month with a point that are also a time are the time
//     unless the date is that weekday («в пятницу 10.30» is 10:30).
//
// A day without a time gets defaultClock (minutes from midnight: the
// working day's start; outside 0…1439 it is clamped), and TimeGiven is
// false. A time alone is today, or tomorrow if it has passed. Nothing else
// is moved: ParseWhen returns a moment in the past only when the phrase
// names a day that is past or today explicitly («01.12.2025», «сегодня в
// 9:00» at 10:00, «01.12 9:30» on the first of December at 10:00, «сегодня»
// after defaultClock) — it is the caller's to refuse it with its message.
//
// At is built with time.Date in loc (nil: Moscow time): a wall-clock time
// that a daylight-saving change skips is moved forward by the gap (02:30 on
// the last Sunday of March in Berlin is 03:30 CEST), and one that happens
// twice is the second of the two, in standard time (02:30 on the last
// Sunday of October in Berlin is 02:30 CET). Counts of hours and minutes
// are exact durations across such changes; counts of days keep the wall
// clock.
//
// Letters may be upper or lower case, «ё» or «е»; commas, points and
// colons after a word are ignored. A phrase that cannot be read is EINVALID with
// err.when.format (Text: s), an empty one err.when.empty.
//
// What it deliberately does not read: a part of the day without a day
// («утром» alone: this morning or tomorrow's?), times with minutes as a
// bare number («в 9 30», «в половине десятого», «в 10-00»), dates with
// slashes (01/12/2026: day/month or month/day is a guess), dates without
// a day («в декабре»), counts back («3 дня назад»), ranges and repeats
// («каждый понедельник»), a count and then a day or a time («через неделю
// в пятницу», «через 2 часа в 10:00»), hours and minutes counted together
// («через 2 часа 30 минут»), fractions of anything but hours («через 1,5 дня»),
// numbers in words above ten, seconds and time zones in the ISO form or
// in words («в 10:00 по Москве»: the time is always in loc), and anything
// more than about ten years ahead. A point between hour and
// minutes at the very start is a date («10.05» is the 10th of May); after
// «в», "at" or a day it is a time («в 10.30», «завтра 10.30»).
func ParseWhen(s string, now time.Time, loc *time.Location, cal WorkCalendar, defaultClock int) (When, error) {
	r := newWhenReader(s, now, loc, cal, defaultClock)
	if len(r.words) == 0 {
		return When{}, Errorf(EINVALID, "err.when.empty")
	}
	p, st := r.read(0)
	if st == whenBad && r.err != nil {
		return When{}, r.err
	}
	if st != whenRead || len(r.tail(p)) > 0 {
		return When{}, Errorf(EINVALID, "err.when.format", "Text", strings.Join(r.fields, " "))
	}
	return r.when(p), nil
}

// CutWhen reads the longest phrase at the start of s that is a moment (see
// ParseWhen) and returns it and the rest of s, the words after it with
// single spaces (a dash or a colon that separates them from the phrase is
// dropped): `через 3 рабочих дня позвонить` is a When of «через 3 рабочих
// дня» and the rest «позвонить».
//
// found is false, and rest is s with single spaces, when s does not start
// with a moment. When a moment was clearly meant but is wrong — a date or
// a time written with digits that does not exist («31.02 10:00», «завтра
// 25:00», «2026-13-01»), a count of zero or of more than about ten years
// («через 0 часов»), an hour that its part of the day does not have («в 15
// утра») — found is set, rest is s with single spaces, and err is EINVALID
// with err.when.format, Text the words that are wrong. A moment that reads
// is never refused for being past: that is the caller's to say.
//
// A moment followed by words that go on with it, which ParseWhen does not
// read with it — another date or day («завтра в пятницу», «завтра 4
// декабря»), a time («через 2 часа в 10:00»), minutes («через 2 часа 30
// минут»), a part of the day («через 2 часа утром») — is refused too:
// taking the moment and leaving the rest as the text would misread it.
// found is set and err is err.when.format with Text the moment and what
// goes on with it. A weekday and a date that disagree are
// err.when.weekday (see ParseWhen).
func CutWhen(s string, now time.Time, loc *time.Location, cal WorkCalendar, defaultClock int) (w When, rest string, found bool, err error) {
	r := newWhenReader(s, now, loc, cal, defaultClock)
	all := strings.Join(r.fields, " ")
	p, st := r.read(0)
	switch st {
	case whenNone:
		return When{}, all, false, nil
	case whenBad:
		if r.err != nil {
			return When{}, all, true, r.err
		}
		return When{}, all, true, Errorf(EINVALID, "err.when.format", "Text", r.text(0, p.end))
	}
	if end, ok := r.continues(p.end); ok {
		// «в пятницу 4 декабря», «через 2 часа 30 минут», «завтра в 10
		// в пятницу»: taking the first part and leaving the rest in the
		// text would be a silent misreading.
		return When{}, all, true, Errorf(EINVALID, "err.when.format", "Text", r.text(0, end))
	}
	return r.when(p), strings.Join(r.tail(p), " "), true, nil
}

// continues reports whether the words at k go on with the moment read
// before them: a part of the day («утром», "in the evening"), minutes
// («30 минут»), another count from now, a time of day, or another day — a
// date, or a day after a preposition («в пятницу», «на завтра»), or a day
// word that cannot begin a reminder's text («сегодня», «пятница»). It
// returns the end of what continues.
func (r *whenReader) continues(k int) (int, bool) {
	if k >= len(r.words) {
		return 0, false
	}
	saved := r.err
	defer func() { r.err = saved }()
	if _, end, ok := r.partOfDay(k); ok {
		return end, true
	}
	if allDigits(r.word(k)) && whenUnits[r.word(k+1)] == unitMinute {
		return k + 2, true
	}
	if p, st := r.relative(k); st != whenNone {
		return max(p.end, k+1), true
	}
	if p, st := r.timeFirst(k); st != whenNone {
		return max(p.end, k+1), true
	}
	j, prep := k, dayPrepositions[r.word(k)]
	if prep {
		j++
	}
	if _, _, end, st := r.explicitDate(j); st != whenNone {
		return end, true
	}
	if _, _, end, st := r.day(j); st == whenRead {
		w := r.word(j)
		_, rel := relativeDays[w]
		_, wd := weekdays[w]
		if prep || rel || nextWords[w] || thisWords[w] || wd && len([]rune(w)) > 3 {
			return end, true
		}
	}
	return 0, false
}

// tail is the words after a moment, without a separator before them.
func (r *whenReader) tail(p whenPart) []string {
	tail := r.fields[p.end:]
	if len(tail) > 0 && whenSeparators[tail[0]] {
		tail = tail[1:]
	}
	return tail
}

// whenSeparators are the words that may stand between a reminder's moment
// and its text: «завтра в 10 — позвонить».
var whenSeparators = map[string]bool{"-": true, "–": true, "—": true, ":": true, ",": true}

// Limits of counts from now: about ten years ahead.
const (
	whenMaxDays     = 3660
	whenMaxWorkdays = 2500
)

// whenStatus is what a reader found at a position.
type whenStatus int

const (
	// whenNone: no moment starts there.
	whenNone whenStatus = iota
	// whenRead: a moment was read.
	whenRead
	// whenBad: a moment was clearly meant and is wrong; the part's end
	// marks the words that are.
	whenBad
)

// whenPart is a moment read from words[start:end].
type whenPart struct {
	at        time.Time
	timeGiven bool
	end       int
}

// civil is a day of the calendar, with no time or zone: days are counted
// on it so that a daylight-saving change cannot move them.
type civil struct {
	y int
	m time.Month
	d int
}

func civilOf(t time.Time) civil { return civil{t.Year(), t.Month(), t.Day()} }

// noon is the day at noon UTC, for counting and for the calendar (which
// reads a date by its year, month and day).
func (c civil) noon() time.Time { return time.Date(c.y, c.m, c.d, 12, 0, 0, 0, time.UTC) }

func (c civil) add(days int) civil { return civilOf(c.noon().AddDate(0, 0, days)) }

func (c civil) weekday() time.Weekday { return c.noon().Weekday() }

// addMonths is the same day n months later, or the last day of that month
// when it is shorter (31 January and a month is 28 or 29 February).
func (c civil) addMonths(n int) civil {
	first := time.Date(c.y, c.m+time.Month(n), 1, 12, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	return civil{first.Year(), first.Month(), min(c.d, last)}
}

// before reports whether c is an earlier day than o.
func (c civil) before(o civil) bool { return c.noon().Before(o.noon()) }

// validDate returns the day y-m-d and whether it exists.
func validDate(y int, m time.Month, d int) (civil, bool) {
	c := civilOf(time.Date(y, m, d, 12, 0, 0, 0, time.UTC))
	return c, c == civil{y, m, d}
}

// whenReader reads a moment from the words of a phrase.
type whenReader struct {
	fields   []string // as typed
	words    []string // lower case, ё as е, without the punctuation after them
	now      time.Time
	today    civil
	loc      *time.Location
	cal      WorkCalendar
	defClock int // minutes from midnight of a day without a time
	// err is a refusal more precise than err.when.format, of the phrase
	// read last that was wrong (a weekday that is not the date's).
	err error
}

func newWhenReader(s string, now time.Time, loc *time.Location, cal WorkCalendar, defaultClock int) *whenReader {
	if loc == nil {
		loc = Location("")
	}
	if cal == nil {
		cal = WeekendCalendar{}
	}
	fields := strings.Fields(s)
	words := make([]string, len(fields))
	for i, f := range fields {
		// As deadlineWords (and a colon: «завтра: позвонить»), one field
		// at a time so that words and fields stay aligned whatever
		// lower-casing does to the bytes.
		w := strings.ToLower(f)
		if t := strings.TrimRight(w, ",;:!?."); t != "" {
			w = t
		}
		words[i] = strings.ReplaceAll(w, "ё", "е")
	}
	now = now.In(loc)
	return &whenReader{fields: fields, words: words, now: now, today: civilOf(now), loc: loc, cal: cal,
		defClock: min(max(defaultClock, 0), 24*60-1)}
}

// word is the i-th word, or "" past the end.
func (r *whenReader) word(i int) string {
	if i < 0 || i >= len(r.words) {
		return ""
	}
	return r.words[i]
}

// text is words[from:to] as typed.
func (r *whenReader) text(from, to int) string {
	to = min(to, len(r.fields))
	return strings.TrimRight(strings.Join(r.fields[from:to], " "), ",;:")
}

func (r *whenReader) when(p whenPart) When {
	return When{At: p.at, TimeGiven: p.timeGiven, Text: r.text(0, p.end)}
}

// at is the moment of a day at a clock time (minutes from midnight).
func (r *whenReader) at(c civil, clock int) time.Time {
	return time.Date(c.y, c.m, c.d, clock/60, clock%60, 0, 0, r.loc)
}

// read reads the longest moment at words[i:]: a count from now, a day
// (perhaps with a time) or a time (perhaps with a day). A wrong phrase
// counts only when nothing reads.
func (r *whenReader) read(i int) (whenPart, whenStatus) {
	var best, bad whenPart
	st := whenNone
	for _, alt := range []func(int) (whenPart, whenStatus){r.relative, r.dayFirst, r.timeFirst} {
		p, s := alt(i)
		switch {
		case s == whenRead && (st != whenRead || p.end > best.end):
			best, st = p, whenRead
		case s == whenBad && st == whenNone:
			bad, st = p, whenBad
		}
	}
	if st == whenBad {
		return bad, whenBad
	}
	return best, st
}

// whenUnit is a unit of a count from now.
type whenUnit int

const (
	unitMinute whenUnit = iota + 1
	unitHour
	unitDay
	unitWeek
	unitMonth
	unitYear
	unitWorkday
)

// whenUnits are the words of the units, in every form a count puts them.
var whenUnits = func() map[string]whenUnit {
	m := map[string]whenUnit{}
	for u, ws := range map[whenUnit][]string{
		unitMinute:  {"минуту", "минуты", "минут", "мин", "minute", "minutes", "min", "mins"},
		unitHour:    {"час", "часа", "часов", "ч", "hour", "hours", "hr", "hrs", "h"},
		unitDay:     {"день", "дня", "дней", "дн", "сутки", "суток", "day", "days"},
		unitWeek:    {"неделю", "недели", "недель", "нед", "week", "weeks"},
		unitMonth:   {"месяц", "месяца", "месяцев", "мес", "month", "months"},
		unitYear:    {"год", "года", "лет", "year", "years"},
		unitWorkday: {"workday", "workdays"},
	} {
		for _, w := range ws {
			m[w] = u
		}
	}
	return m
}()

// singularUnits may follow «через» with no number: «через час».
var singularUnits = map[string]bool{"минуту": true, "час": true, "день": true, "сутки": true, "неделю": true,
	"месяц": true, "год": true}

// workWords turn a count of days into one of working days.
var workWords = map[string]bool{"рабочих": true, "рабочий": true, "рабочие": true, "рабочего": true, "раб": true,
	"working": true, "business": true, "work": true}

// numerals are the numbers a count may say in words.
var numerals = map[string]int{
	"один": 1, "одну": 1, "одна": 1, "одни": 1, "два": 2, "две": 2, "пару": 2, "пара": 2, "три": 3, "четыре": 4,
	"пять": 5, "шесть": 6, "семь": 7, "восемь": 8, "девять": 9, "десять": 10,
	"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
	"nine": 9, "ten": 10,
}

// maxCount is the largest count of a unit: about ten years.
func (u whenUnit) maxCount() int {
	switch u {
	case unitMinute:
		return whenMaxDays * 24 * 60
	case unitHour:
		return whenMaxDays * 24
	case unitWeek:
		return whenMaxDays / 7
	case unitMonth:
		return 120
	case unitYear:
		return 10
	case unitWorkday:
		return whenMaxWorkdays
	}
	return whenMaxDays
}

// relative reads a count from now: «через 3 дня», "in 2 hours".
func (r *whenReader) relative(i int) (whenPart, whenStatus) {
	if w := r.word(i); w != "через" && w != "in" {
		return whenPart{}, whenNone
	}
	j := i + 1
	exact := func(d time.Duration, end int) (whenPart, whenStatus) {
		return whenPart{at: r.now.Add(d), timeGiven: true, end: end}, whenRead
	}
	switch w := r.word(j); {
	case w == "полчаса":
		return exact(30*time.Minute, j+1)
	case (w == "полтора" || w == "полторы") && whenUnits[r.word(j+1)] == unitHour:
		return exact(90*time.Minute, j+2)
	case w == "half" && r.word(j+1) == "an" && r.word(j+2) == "hour":
		return exact(30*time.Minute, j+3)
	}
	n, counted, tenths := 1, false, -1
	if w := r.word(j); allDigits(w) {
		v, err := strconv.Atoi(w)
		if err != nil {
			v = -1 // too many digits: refused below with the unit
		}
		n, counted = v, true
		j++
	} else if m := tenthsRE.FindStringSubmatch(w); m != nil {
		// «через 1,5 часа»: hours only, in tenths (6 minutes each).
		n, _ = strconv.Atoi(m[1])
		tenths, _ = strconv.Atoi(m[2])
		counted = true
		j++
	} else if v, ok := numerals[w]; ok {
		n, counted = v, true
		j++
	}
	work := workWords[r.word(j)]
	if work {
		j++
	}
	u, ok := whenUnits[r.word(j)]
	if !ok || !counted && !work && !singularUnits[r.word(j)] {
		return whenPart{}, whenNone
	}
	j++
	if u == unitWorkday {
		work, u = true, unitDay
	}
	if tenths >= 0 {
		if u != unitHour || work || n*10+tenths == 0 || n > u.maxCount() {
			return whenPart{end: j}, whenBad // «через 1,5 дня», «через 0,0 часа»
		}
		return exact(time.Duration(n*10+tenths)*6*time.Minute, j)
	}
	if work && u != unitDay || n <= 0 || work && n > whenMaxWorkdays || !work && n > u.maxCount() {
		// «через 3 рабочих часа», «через 0 дней», «через 100000 лет».
		return whenPart{end: j}, whenBad
	}
	switch u {
	case unitMinute:
		return exact(time.Duration(n)*time.Minute, j)
	case unitHour:
		return exact(time.Duration(n)*time.Hour, j)
	}
	var day civil
	switch {
	case work:
		day = civilOf(AddWorkdays(r.cal, r.today.noon(), n))
	case u == unitDay:
		day = r.today.add(n)
	case u == unitWeek:
		day = r.today.add(7 * n)
	case u == unitMonth:
		day = r.today.addMonths(n)
	default:
		day = r.today.addMonths(12 * n)
	}
	return r.withTime(day, j)
}

// withTime is a day with the time of day that follows it at words[j:], or
// at the default clock when none does.
func (r *whenReader) withTime(day civil, j int) (whenPart, whenStatus) {
	clock, end, st := r.slot(j)
	switch st {
	case whenBad:
		return whenPart{end: end}, whenBad
	case whenRead:
		return whenPart{at: r.at(day, clock), timeGiven: true, end: end}, whenRead
	}
	return whenPart{at: r.at(day, r.defClock), end: j}, whenRead
}

// dayPrepositions may come before a day: «в пятницу», «на завтра», "on
// friday".
var dayPrepositions = map[string]bool{"в": true, "во": true, "на": true, "on": true}

// dayFirst reads a day, perhaps after a preposition, and the time that
// may follow it.
func (r *whenReader) dayFirst(i int) (whenPart, whenStatus) {
	j := i
	if dayPrepositions[r.word(j)] {
		j++
	}
	day, clock, end, st := r.day(j)
	switch st {
	case whenNone:
		return whenPart{}, whenNone
	case whenBad:
		// «31.02 10:00»: the time belongs to the wrong phrase.
		if _, e, s := r.slot(end); s != whenNone {
			end = e
		}
		return whenPart{end: end}, whenBad
	}
	if clock >= 0 {
		return whenPart{at: r.at(day, clock), timeGiven: true, end: end}, whenRead
	}
	return r.withTime(day, end)
}

// timeFirst reads a time of day, perhaps after «в», "at" or «на», and the
// day that may follow it; a time alone is today, or tomorrow when it has
// passed.
func (r *whenReader) timeFirst(i int) (whenPart, whenStatus) {
	j, prep := i, false
	switch r.word(i) {
	case "в", "во", "at":
		j, prep = i+1, true
	case "на":
		j = i + 1
	}
	clock, end, st := r.clock(j, prep, false, "")
	switch st {
	case whenNone:
		return whenPart{}, whenNone
	case whenBad:
		return whenPart{end: end}, whenBad
	}
	k := end
	if dayPrepositions[r.word(k)] {
		k++
	}
	day, dayClock, dayEnd, st := r.day(k)
	switch {
	case st == whenBad:
		return whenPart{end: dayEnd}, whenBad
	case st == whenRead && dayClock < 0:
		return whenPart{at: r.at(day, clock), timeGiven: true, end: dayEnd}, whenRead
	}
	at := r.at(r.today, clock)
	if !at.After(r.now) {
		at = r.at(r.today.add(1), clock)
	}
	return whenPart{at: at, timeGiven: true, end: end}, whenRead
}

// timePrepositions may come between a day and its time: «завтра в 10»,
// "tomorrow at 10am".
var timePrepositions = map[string]bool{"в": true, "во": true, "at": true, ",": true}

// slot reads the time of day after a day, with or without «в» or "at",
// or a part of the day said in a word, alone («завтра утром»: 9:00, «днём»
// 13:00, «вечером» 18:00; «ночью» alone is refused) or with an hour in it
// («утром в 10», «вечером в 7»: 19:00).
func (r *whenReader) slot(j int) (clock, end int, st whenStatus) {
	hint := ""
	if part, e, ok := r.partOfDay(j); ok {
		hint, j = part, e
	}
	k, prep := j, false
	if timePrepositions[r.word(k)] {
		k, prep = k+1, true
	}
	clock, end, st = r.clock(k, prep, true, hint)
	switch {
	case st != whenNone:
		return clock, end, st
	case hint == "":
		return 0, j, whenNone
	}
	c, ok := partClocks[hint]
	if !ok {
		return 0, j, whenBad // «завтра ночью»: at what hour?
	}
	return c, j, whenRead
}

// partWords say the part of the day in a word, by the part's word after
// an hour: «утром» is «утра» («в 10 утра»).
var partWords = map[string]string{"утром": "утра", "днем": "дня", "вечером": "вечера", "ночью": "ночи",
	"morning": "утра", "afternoon": "дня", "evening": "вечера", "night": "ночи"}

// partClocks are the times a part of the day said alone means: the working
// morning's start, after lunch, the working day's end.
var partClocks = map[string]int{"утра": 9 * 60, "дня": 13 * 60, "вечера": 18 * 60}

// partOfDay reads a part of the day in words at words[j:]: «утром», «с
// утра», «днём», «вечером», «ночью», "morning", "in the evening", "at
// night". It returns the part as an hour's word («утра») and the end.
func (r *whenReader) partOfDay(j int) (part string, end int, ok bool) {
	switch w := r.word(j); {
	case partWords[w] != "":
		return partWords[w], j + 1, true
	case w == "с" && r.word(j+1) == "утра":
		return "утра", j + 2, true
	case w == "in" && r.word(j+1) == "the" && partWords[r.word(j+2)] != "" && r.word(j+2) != "night":
		return partWords[r.word(j+2)], j + 3, true
	case w == "at" && r.word(j+1) == "night":
		return "ночи", j + 2, true
	}
	return "", j, false
}

var (
	// clockRE is a time of day with digits: 9:30, 09:30, and after «в»,
	// "at" or a day also 9.30.
	clockRE = regexp.MustCompile(`^(\d{1,2})([:.])(\d{2})$`)
	// meridiemRE is a time with am or pm stuck to it: 10am, 9:30pm.
	meridiemRE = regexp.MustCompile(`^(\d{1,2})(?::(\d{2}))?(am|pm|a\.m|p\.m)$`)
	// tenthsRE is a count of hours with a tenth: 1,5 or 1.5.
	tenthsRE = regexp.MustCompile(`^(\d{1,6})[.,](\d)$`)
	// isoRE is the ISO form of a date with a time: 2026-12-01t09:30.
	isoRE = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})t(\d{1,2}):(\d{2})$`)
)

// dayParts are the words that say which part of the day an hour is in:
// «10 утра», «3 часа дня», "10 pm".
var dayParts = map[string]bool{"утра": true, "дня": true, "вечера": true, "ночи": true,
	"am": true, "pm": true, "a.m": true, "p.m": true}

// hourWords follow an hour: «в 15 часов», «в 10 ч».
var hourWords = map[string]bool{"час": true, "часа": true, "часов": true, "ч": true}

// minuteWords follow the minutes of «в 10 часов 30 минут».
var minuteWords = map[string]bool{"минут": true, "минуты": true, "минута": true, "мин": true}

// inPart returns the hour of the day (0…23) that h means in a part of the
// day, and whether the part has it: «10 утра» is 10, «3 дня» 15, «9
// вечера» 21, «12 ночи» 0, «2 ночи» 2, "12am" 0, "12pm" 12.
func inPart(h int, part string) (int, bool) {
	switch part {
	case "утра":
		return h, h >= 1 && h <= 11
	case "дня":
		switch {
		case h >= 1 && h <= 5:
			return h + 12, true
		case h >= 12 && h <= 17:
			return h, true
		}
	case "вечера":
		switch {
		case h >= 4 && h <= 11:
			return h + 12, true
		case h >= 16 && h <= 23:
			return h, true
		}
	case "ночи":
		switch {
		case h == 12:
			return 0, true
		case h >= 0 && h <= 5, h >= 21 && h <= 23:
			return h, true
		case h >= 9 && h <= 11:
			return h + 12, true
		}
	case "am", "a.m":
		switch {
		case h == 12:
			return 0, true
		case h >= 1 && h <= 11:
			return h, true
		}
	case "pm", "p.m":
		switch {
		case h == 12:
			return 12, true
		case h >= 1 && h <= 11:
			return h + 12, true
		}
	}
	return 0, false
}

// clock reads a time of day at words[j:] (see ParseWhen) and returns it in
// minutes from midnight. prep says that «в» or "at" came before it, slot
// that a day did: then a bare hour («в 10») and a point («10.30») are a
// time too. hint is the part of the day said before it («вечером в 7»,
// as an hour's word: «вечера»), "" for none: an hour without a part of its
// own is in it.
func (r *whenReader) clock(j int, prep, slot bool, hint string) (clock, end int, st whenStatus) {
	w := r.word(j)
	switch w {
	case "полдень", "noon", "midday":
		return 12 * 60, j + 1, whenRead
	}
	if m := meridiemRE.FindStringSubmatch(w); m != nil {
		h, _ := strconv.Atoi(m[1])
		mins, _ := strconv.Atoi(m[2])
		h, ok := inPart(h, m[3])
		if !ok || mins > 59 {
			return 0, j + 1, whenBad
		}
		return h*60 + mins, j + 1, whenRead
	}
	if m := clockRE.FindStringSubmatch(w); m != nil {
		if m[2] == "." && !prep && !slot {
			return 0, j, whenNone // 10.05 at the start is a date
		}
		h, _ := strconv.Atoi(m[1])
		mins, _ := strconv.Atoi(m[3])
		end := j + 1
		part := r.word(end)
		if g, ok := partWords[part]; ok {
			part = g
		}
		if dayParts[part] {
			end++
		} else {
			part = hint
		}
		if part != "" {
			var ok bool
			if h, ok = inPart(h, part); !ok {
				return 0, end, whenBad
			}
		}
		if h > 23 || mins > 59 {
			return 0, end, whenBad
		}
		return h*60 + mins, end, whenRead
	}
	var h int
	switch {
	case allDigits(w) && len(w) <= 2:
		h, _ = strconv.Atoi(w)
	case w == "час" && prep: // «в час дня»
		h = 1
	default:
		return 0, j, whenNone
	}
	k := j + 1
	hourWord := w == "час"
	if !hourWord && hourWords[r.word(k)] {
		hourWord = true
		k++
	}
	mins := 0
	if hourWord && allDigits(r.word(k)) && len(r.word(k)) <= 2 && minuteWords[r.word(k+1)] {
		mins, _ = strconv.Atoi(r.word(k))
		k += 2
	}
	part := r.word(k)
	// «дня» alone after a number is a count of days («3 дня»), not «3 часа
	// дня».
	hasPart := dayParts[part] && (part != "дня" || prep || hourWord)
	if g, ok := partWords[part]; ok {
		part, hasPart = g, true // «в 7 вечером»
	}
	if hasPart {
		k++
	} else if hint != "" {
		part, hasPart = hint, true
	}
	if !prep && !hourWord && !hasPart {
		return 0, j, whenNone
	}
	if hasPart {
		var ok bool
		if h, ok = inPart(h, part); !ok || mins > 59 {
			return 0, k, whenBad
		}
		return h*60 + mins, k, whenRead
	}
	if h > 23 || mins > 59 {
		if hourWord {
			return 0, k, whenBad
		}
		return 0, j, whenNone // «в 25 экземплярах»
	}
	if h >= 1 && h <= 6 {
		h += 12 // «в 3» at work is 15:00
	}
	return h*60 + mins, k, whenRead
}

// months are the names of the months in both languages, in every case
// and short.
var months = func() map[string]time.Month {
	m := map[string]time.Month{}
	soft := map[string]time.Month{"январ": time.January, "феврал": time.February, "апрел": time.April,
		"июн": time.June, "июл": time.July, "сентябр": time.September, "октябр": time.October,
		"ноябр": time.November, "декабр": time.December}
	for stem, mo := range soft {
		for _, end := range []string{"ь", "я", "ю", "ем", "е"} {
			m[stem+end] = mo
		}
	}
	for stem, mo := range map[string]time.Month{"март": time.March, "август": time.August} {
		for _, end := range []string{"", "а", "у", "ом", "е"} {
			m[stem+end] = mo
		}
	}
	for _, w := range []string{"май", "мая", "маю", "маем", "мае"} {
		m[w] = time.May
	}
	for w, mo := range map[string]time.Month{"янв": 1, "фев": 2, "февр": 2, "мар": 3, "апр": 4, "июн": 6,
		"июл": 7, "авг": 8, "сен": 9, "сент": 9, "окт": 10, "ноя": 11, "нояб": 11, "дек": 12} {
		m[w] = mo
	}
	for mo := time.January; mo <= time.December; mo++ {
		name := strings.ToLower(mo.String())
		m[name], m[name[:3]] = mo, mo
	}
	m["sept"] = time.September
	return m
}()

// thisWords before a weekday mean the nearest one, today included; nextWords
// the one of next week.
var (
	thisWords = map[string]bool{"эту": true, "этот": true, "это": true, "ближайшую": true, "ближайший": true,
		"ближайшее": true, "this": true, "coming": true}
	nextWords = map[string]bool{"следующую": true, "следующий": true, "следующее": true, "следующей": true,
		"next": true}
)

// dayOfMonth reads the number of a day: «1», «01», «1-го», "1st".
func dayOfMonth(w string) (int, bool) {
	for _, suffix := range []string{"-го", "-е", "-ое", "st", "nd", "rd", "th"} {
		if s, ok := strings.CutSuffix(w, suffix); ok {
			w = s
			break
		}
	}
	if !allDigits(w) || len(w) > 2 {
		return 0, false
	}
	d, _ := strconv.Atoi(w)
	return d, d >= 1 && d <= 31
}

// day reads a day at words[j:] (see ParseWhen). clock is the time the ISO
// form «2026-12-01T09:30» carries with the day, or -1.
func (r *whenReader) day(j int) (day civil, clock, end int, st whenStatus) {
	w := r.word(j)
	if d, ok := relativeDays[w]; ok {
		return r.today.add(d), -1, j + 1, whenRead
	}
	k := j
	if w == "the" {
		k++
	}
	if r.word(k) == "day" && r.word(k+1) == "after" && r.word(k+2) == "tomorrow" {
		return r.today.add(2), -1, k + 3, whenRead
	}
	if rest, ok := strings.CutPrefix(w, "+"); ok && allDigits(rest) {
		n, err := strconv.Atoi(rest)
		if err != nil || n > whenMaxDays {
			return civil{}, -1, j + 1, whenBad
		}
		return r.today.add(n), -1, j + 1, whenRead
	}
	sinceMonday := (int(r.today.weekday()) + 6) % 7
	if nextWords[w] {
		next := r.word(j + 1)
		if wd, ok := weekdays[next]; ok {
			return r.today.add(7 - sinceMonday + (int(wd)+6)%7), -1, j + 2, whenRead
		}
		if next == "неделе" || next == "week" {
			return r.today.add(7 - sinceMonday), -1, j + 2, whenRead
		}
	}
	if thisWords[w] {
		if wd, ok := weekdays[r.word(j+1)]; ok {
			return r.today.add((int(wd) - int(r.today.weekday()) + 7) % 7), -1, j + 2, whenRead
		}
	}
	// «в среде» is «in the environment»; Wednesday is «в среду».
	if wd, ok := weekdays[w]; ok && w != "среде" {
		// «в пятницу на следующей неделе», "friday next week".
		if a, b, c := r.word(j+1), r.word(j+2), r.word(j+3); a == "на" && b == "следующей" && c == "неделе" {
			return r.today.add(7 - sinceMonday + (int(wd)+6)%7), -1, j + 4, whenRead
		} else if a == "next" && b == "week" {
			return r.today.add(7 - sinceMonday + (int(wd)+6)%7), -1, j + 3, whenRead
		}
		// «в пятницу 4 декабря»: the date, when it is that weekday.
		if d, clock, end, st := r.explicitDate(j + 1); st != whenNone {
			switch {
			case st == whenRead && d.weekday() == wd:
				return d, clock, end, whenRead
			case pointClock(r.word(j + 1)):
				// «в пятницу 10.30», «в пятницу 12.10» (not a Friday):
				// the time of that Friday.
			case st == whenBad:
				return civil{}, -1, end, whenBad
			default:
				return civil{}, -1, end, r.wrongWeekday(d, wd, end)
			}
		}
		return r.today.add((int(wd)-int(r.today.weekday())+6)%7 + 1), -1, j + 1, whenRead
	}
	if d, clock, end, st := r.explicitDate(j); st != whenNone {
		if st == whenRead {
			// «4 декабря в пятницу», «04.12, пятница»: the weekday must
			// be the date's.
			k := end
			if p := r.word(k); p == "в" || p == "во" || p == "on" {
				k++
			}
			if wd, ok := weekdays[r.word(k)]; ok && r.word(k) != "среде" {
				if wd != d.weekday() {
					return civil{}, -1, k + 1, r.wrongWeekday(d, wd, k+1)
				}
				end = k + 1
			}
		}
		return d, clock, end, st
	}
	if looksLikeDay(w) {
		return civil{}, -1, j + 1, whenBad // «2026-13-01», «01/12»
	}
	return civil{}, -1, j, whenNone
}

// dateLikeRE is a day and a month with digits and points, with or without
// a year: a date meant, whether it exists or not.
var dateLikeRE = regexp.MustCompile(`^\d{1,2}\.\d{1,2}(\.\d{2}|\.\d{4})?$`)

// explicitDate reads a date written as one at words[j:]: «01.12.2026»,
// «01.12», «2026-12-01», «2026-12-01T09:30» (with its clock), «1
// декабря [2026]», "december 1". A date meant and wrong («31.02», «31
// февраля») is whenBad.
func (r *whenReader) explicitDate(j int) (day civil, clock, end int, st whenStatus) {
	w := r.word(j)
	if m := isoRE.FindStringSubmatch(w); m != nil {
		t, err := time.Parse("2006-01-02", m[1])
		h, _ := strconv.Atoi(m[2])
		mins, _ := strconv.Atoi(m[3])
		if err != nil || t.Year() < 2000 || t.Year() > 2100 || h > 23 || mins > 59 {
			return civil{}, -1, j + 1, whenBad
		}
		return civilOf(t), h*60 + mins, j + 1, whenRead
	}
	if t, ok := parseDay(w, r.at(r.today, 0), r.loc); ok {
		return civilOf(t), -1, j + 1, whenRead
	}
	if n, ok := dayOfMonth(w); ok {
		if mo, ok := months[r.word(j+1)]; ok {
			return r.dayMonth(n, mo, j+2)
		}
	}
	if mo, ok := months[w]; ok {
		if n, ok := dayOfMonth(r.word(j + 1)); ok {
			return r.dayMonth(n, mo, j+2)
		}
	}
	if dateLikeRE.MatchString(w) {
		return civil{}, -1, j + 1, whenBad // «31.02», «01.13.2026»
	}
	return civil{}, -1, j, whenNone
}

// pointClock reports whether a word is a time of day with a point that
// exists («10.30», «04.12»).
func pointClock(w string) bool {
	m := clockRE.FindStringSubmatch(w)
	if m == nil || m[2] != "." {
		return false
	}
	h, _ := strconv.Atoi(m[1])
	mins, _ := strconv.Atoi(m[3])
	return h <= 23 && mins <= 59
}

// wrongWeekday refuses a date said with a weekday that is not its own
// («в пятницу 4 декабря» when the 4th is a Saturday): err.when.weekday,
// with the phrase up to end, the date, its weekday and the one said.
func (r *whenReader) wrongWeekday(d civil, said time.Weekday, end int) whenStatus {
	r.err = Errorf(EINVALID, "err.when.weekday", "Text", r.text(0, end), "Date", r.at(d, 12*60),
		"Actual", int(d.weekday()), "Said", int(said))
	return whenBad
}

// dayMonth is day d of month m, with the year that may follow at
// words[k:] («1 декабря 2026 г.»), else the next such day from today on.
func (r *whenReader) dayMonth(d int, m time.Month, k int) (civil, int, int, whenStatus) {
	w := r.word(k)
	y, stuck := strings.CutSuffix(w, "г")
	if len(y) == 4 && allDigits(y) {
		year, _ := strconv.Atoi(y)
		k++
		if !stuck {
			switch r.word(k) {
			case "г", "года", "год":
				k++
			}
		}
		day, ok := validDate(year, m, d)
		if !ok || year < 2000 || year > 2100 {
			return civil{}, -1, k, whenBad
		}
		return day, -1, k, whenRead
	}
	for y := r.today.y; y <= r.today.y+8; y++ {
		if day, ok := validDate(y, m, d); ok && !day.before(r.today) {
			return day, -1, k, whenRead
		}
	}
	return civil{}, -1, k, whenBad // «31 февраля»
}
