package core

import (
	"regexp"
	"slices"
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

// deadlinePrepositions are the words that may come before a deadline in a
// sentence: «до пятницы», «к 15.12», «в пятницу», «на завтра», «by
// Friday», «until 15.12.2026», «on Monday».
var deadlinePrepositions = map[string]bool{"до": true, "к": true, "ко": true, "в": true, "во": true, "на": true,
	"by": true, "until": true, "till": true, "on": true, "due": true}

// strongPrepositions say on their own that a deadline follows, so that a
// date after them that cannot be read is a mistake, not part of a title.
var strongPrepositions = map[string]bool{"до": true, "к": true, "ко": true, "by": true, "until": true, "till": true,
	"due": true}

// weekdays are the names of the days of the week in both languages, in
// the cases a deadline puts them in (до пятницы, к пятнице, в пятницу),
// and their short forms.
var weekdays = func() map[string]time.Weekday {
	m := map[string]time.Weekday{}
	for day, names := range map[time.Weekday][]string{
		time.Monday:    {"понедельник", "понедельника", "понедельнику", "пн", "monday", "mon"},
		time.Tuesday:   {"вторник", "вторника", "вторнику", "вт", "tuesday", "tue", "tues"},
		time.Wednesday: {"среда", "среды", "среду", "среде", "ср", "wednesday", "wed"},
		time.Thursday:  {"четверг", "четверга", "четвергу", "чт", "thursday", "thu", "thurs"},
		time.Friday:    {"пятница", "пятницы", "пятницу", "пятнице", "пт", "friday", "fri"},
		time.Saturday:  {"суббота", "субботы", "субботу", "субботе", "сб", "saturday", "sat"},
		time.Sunday:    {"воскресенье", "воскресенья", "воскресенью", "вс", "sunday", "sun"},
	} {
		for _, n := range names {
			m[n] = day
		}
	}
	return m
}()

// relativeDays are the words for a day counted from today.
var relativeDays = map[string]int{"сегодня": 0, "today": 0, "завтра": 1, "tomorrow": 1, "послезавтра": 2}

// ParseDeadline reads a deadline as people write it in a sentence, in
// either language. It reads what ParseDate reads, and also:
//   - a preposition before it: «до завтра», «к 15.12», «в пятницу», «by
//     tomorrow», «until 15.12.2026», «on Friday»;
//   - «послезавтра» and the days of the week, in any case and short
//     («до пятницы», «к пятнице», «в пт», «by Friday», «fri»): the next
//     such day after today;
//   - «через 3 дня», «через неделю», «in 3 days», «in a week»;
//   - a time after the day with or without «в»/«at» («завтра в 12:00»,
//     «tomorrow at 9:30»), or a time alone, which is today («до 15:00»).
//
// A day without a time gets DefaultHour:00 and defaulted is set, as in
// ParseDate. Whether the deadline has passed is ValidateDeadline's to say.
func ParseDeadline(s string, now time.Time, loc *time.Location) (t time.Time, defaulted bool, err error) {
	words := deadlineWords(s)
	t, defaulted, ok := readDeadline(words, now, loc)
	if !ok {
		return time.Time{}, false, Errorf(EINVALID, "err.date.format", "Text", strings.TrimSpace(s))
	}
	return t, defaulted, nil
}

// deadlineWords splits s into lower-case words without the punctuation a
// sentence puts after them («до пятницы,» «15.12.»).
func deadlineWords(s string) []string {
	words := strings.Fields(strings.ToLower(s))
	for i, w := range words {
		if t := strings.TrimRight(w, ",;!?."); t != "" {
			words[i] = t
		}
	}
	return words
}

// readDeadline reads a whole deadline from words (see ParseDeadline).
func readDeadline(words []string, now time.Time, loc *time.Location) (time.Time, bool, bool) {
	prep := ""
	if len(words) > 0 && deadlinePrepositions[words[0]] {
		prep, words = words[0], words[1:]
	}
	// «в среде» is «in the environment»; Wednesday is «в среду», «к среде».
	if len(words) == 0 || words[0] == "среде" && prep != "к" && prep != "ко" {
		return time.Time{}, false, false
	}
	now = now.In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	day, n, ok := readDay(words, today, loc)
	if !ok {
		return time.Time{}, false, false
	}
	words = words[n:]
	if len(words) > 1 && (words[0] == "в" || words[0] == "во" || words[0] == "at") {
		words = words[1:]
	}
	h, m, defaulted := DefaultHour, 0, true
	switch len(words) {
	case 0:
	case 1:
		clock, err := time.Parse("15:04", words[0])
		if err != nil {
			return time.Time{}, false, false
		}
		h, m, defaulted = clock.Hour(), clock.Minute(), false
	default:
		return time.Time{}, false, false
	}
	return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, loc), defaulted, true
}

// readDay reads the day a deadline starts with and says how many words it
// took: none when the deadline is a time alone (today).
func readDay(words []string, today time.Time, loc *time.Location) (time.Time, int, bool) {
	w := words[0]
	if d, ok := relativeDays[w]; ok {
		return today.AddDate(0, 0, d), 1, true
	}
	if wd, ok := weekdays[w]; ok {
		ahead := (int(wd)-int(today.Weekday())+6)%7 + 1 // 1…7: the next such day after today
		return today.AddDate(0, 0, ahead), 1, true
	}
	if w == "через" || w == "in" {
		if len(words) >= 2 && (words[1] == "неделю" || words[1] == "week") {
			return today.AddDate(0, 0, 7), 2, true
		}
		if len(words) >= 3 && (words[1] == "a" || words[1] == "one") && words[2] == "week" {
			return today.AddDate(0, 0, 7), 3, true
		}
		if len(words) >= 3 && isDaysWord(words[2]) {
			if n, err := strconv.Atoi(words[1]); err == nil && n >= 0 && n <= 3660 {
				return today.AddDate(0, 0, n), 3, true
			}
		}
		return time.Time{}, 0, false
	}
	if rest, ok := strings.CutPrefix(w, "+"); ok {
		n, err := strconv.Atoi(rest)
		if err != nil || n < 0 || n > 3660 || rest == "" || rest[0] == '+' || rest[0] == '-' {
			return time.Time{}, 0, false
		}
		return today.AddDate(0, 0, n), 1, true
	}
	if _, err := time.Parse("15:04", w); err == nil {
		return today, 0, true
	}
	d, ok := parseDay(w, today, loc)
	return d, 1, ok
}

func isDaysWord(w string) bool {
	switch w {
	case "день", "дня", "дней", "дн", "day", "days":
		return true
	}
	return false
}

// Deadline is a deadline found in a sentence by CutDeadline.
type Deadline struct {
	// Text is the deadline as it was typed («до завтра 12:00»).
	Text string
	// At is the moment it means; Defaulted is set when no time was typed
	// and At has DefaultHour:00.
	At        time.Time
	Defaulted bool
}

// CutDeadline finds a deadline at the end or, failing that, at the start
// of a sentence («Позвонить клиенту до завтра 12:00», «до пятницы
// подготовить договор») and returns the sentence without it. What may be a
// deadline there (see ParseDeadline):
//   - a phrase after a preposition: «до 15.12.2026», «в пятницу», «by
//     Friday», «к 12:00»;
//   - a day said as a word, with or without a time: «сегодня 18:00»,
//     «завтра», «tomorrow 9:30»;
//   - a date with a time, or a time: «15.12 12:00», «15:00»;
//   - «+3», «через 3 дня», «in 3 days»;
//   - a date alone (15.12.2026, 15.12, 2026-12-15) at the end of the
//     sentence: «Подписать договор 15.12.2026».
//
// A date that follows a word that makes it part of the title (titleDateWords:
// «платёж от 01.12.2026», «отчёт за 01.12», "invoice of 01.12.2026") is not
// taken, with or without a time; nor is a date alone at the start, nor a
// weekday alone («настроить среду»). The whole sentence may be the deadline
// (rest is then empty).
// When a deadline is clearly meant («до» or «by» and a date, perhaps with a
// time) but cannot be read («до 31.02»), found is set and err is EINVALID
// with err.date.format. found is false when there is no deadline; the
// sentence comes back as it was, its spaces single.
func CutDeadline(s string, now time.Time, loc *time.Location) (rest string, d Deadline, found bool, err error) {
	fields := strings.Fields(s)
	words := deadlineWords(s)
	const longest = 6 // «до 15.12.2026 в 12:00», «через 3 дня в 9:00»
	try := func(from, to int) (bool, error) {
		ws := words[from:to]
		if !deadlineShaped(ws) && !(to == len(words) && len(ws) == 1 && plainDate(ws[0])) {
			return false, nil
		}
		if from > 0 && (plainDate(ws[0]) && titleDateWords[words[from-1]] || isClock(ws[0]) && plainDate(words[from-1])) {
			// «платёж от 01.12.2026 (12:00)»: the date is the title's; and
			// a time after a date not taken is not a deadline of its own.
			return false, nil
		}
		t, defaulted, ok := readDeadline(ws, now, loc)
		if !ok {
			if meantDeadline(ws) {
				// «до 31.02», «by 15.13.2026 12:00»: a deadline was meant,
				// and is wrong; a shorter phrase inside it is not the one.
				return true, Errorf(EINVALID, "err.date.format", "Text", strings.Join(fields[from:to], " "))
			}
			return false, nil
		}
		rest = strings.Join(append(slices.Clone(fields[:from]), fields[to:]...), " ")
		d = Deadline{Text: strings.Join(fields[from:to], " "), At: t, Defaulted: defaulted}
		return true, nil
	}
	// The longest phrase at the end, then at the start.
	for n := min(longest, len(words)); n >= 1; n-- {
		if ok, err := try(len(words)-n, len(words)); ok {
			if err != nil {
				return strings.Join(fields, " "), Deadline{}, true, err
			}
			return rest, d, true, nil
		}
	}
	for n := min(longest, len(words)); n >= 1; n-- {
		if ok, err := try(0, n); ok {
			if err != nil {
				return strings.Join(fields, " "), Deadline{}, true, err
			}
			return rest, d, true, nil
		}
	}
	return strings.Join(fields, " "), Deadline{}, false, nil
}

// meantDeadline reports whether words that do not read as a deadline were
// clearly meant as one: «до» or «by» and a date, perhaps with a time.
func meantDeadline(ws []string) bool {
	if len(ws) < 2 || !strongPrepositions[ws[0]] || !looksLikeDay(ws[1]) {
		return false
	}
	rest := ws[2:]
	if len(rest) == 2 && (rest[0] == "в" || rest[0] == "at") {
		rest = rest[1:]
	}
	switch len(rest) {
	case 0:
		return true
	case 1:
		h, m, ok := strings.Cut(rest[0], ":")
		return ok && allDigits(h) && allDigits(m)
	}
	return false
}

// deadlineShaped reports whether words may be a deadline in a sentence
// (see CutDeadline): after a preposition, a day said as a word, or a day
// with a time.
func deadlineShaped(ws []string) bool {
	if len(ws) == 0 {
		return false
	}
	if deadlinePrepositions[ws[0]] {
		return len(ws) > 1
	}
	if _, ok := relativeDays[ws[0]]; ok {
		return true
	}
	if ws[0] == "через" || ws[0] == "in" || strings.HasPrefix(ws[0], "+") {
		return true
	}
	_, err := time.Parse("15:04", ws[len(ws)-1])
	return err == nil
}

// titleDateWords are the words after which a date belongs to the title
// rather than being its deadline: «платёж от 01.12.2026», «отчёт за
// 01.12», «акт № 15.12», "invoice of 01.12.2026", "report for 01.12".
var titleDateWords = map[string]bool{"от": true, "за": true, "с": true, "со": true, "по": true, "№": true,
	"from": true, "of": true, "dated": true, "since": true, "for": true, "no": true}

// plainDateRE is a date written with digits alone: 15.12.2026, 15.12.26,
// 15.12, 2026-12-15.
var plainDateRE = regexp.MustCompile(`^(\d{1,2}\.\d{2}(\.\d{2}|\.\d{4})?|\d{4}-\d{2}-\d{2})$`)

// plainDate reports whether a word is a date written with digits alone.
func plainDate(w string) bool { return plainDateRE.MatchString(w) }

// isClock reports whether a word is a time of day («12:00»).
func isClock(w string) bool {
	_, err := time.Parse("15:04", w)
	return err == nil
}

// looksLikeDay reports whether a word is meant as a date: digits with a
// point, a dash or a slash («31.02», «2026-13-01»), or a plus.
func looksLikeDay(w string) bool {
	return w != "" && (w[0] >= '0' && w[0] <= '9' && strings.ContainsAny(w, ".-/") || w[0] == '+')
}
