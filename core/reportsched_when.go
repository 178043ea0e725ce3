package core

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ParseScheduleWhen reads when a scheduled report goes, in Russian or
// English, as a five-field cron expression (minute hour day month
// weekday):
//
//	каждый понедельник 09:00, по понедельникам в 9:00   → 0 9 * * 1
//	по понедельникам и четвергам 9:00                    → 0 9 * * 1,4
//	ежедневно в 8:30, каждый день 8:30                   → 30 8 * * *
//	по будням 9:00, каждый рабочий день 9:00             → 0 9 * * 1-5
//	1 числа 10:00, каждое 1 число 10:00                  → 0 10 1 * *
//	every monday at 9:00, mondays 9am, daily 18:30,
//	weekdays 9:00, monthly on the 1st 10:00              → the same
//
// A time left out is 9:00, the start of the working day. Five fields of a
// cron expression pass through as they are (the cron parser checks them
// when the schedule is saved). Anything else is EINVALID with the text.
//
// ParseScheduleWhen gives the expression only; ParseSchedule also tells
// whether the schedule keeps to the production calendar.
func ParseScheduleWhen(text string) (string, error) {
	cron, _, err := ParseSchedule(text)
	return cron, err
}

// ParseSchedule reads when a scheduled report goes, as ParseScheduleWhen
// does, and tells whether the schedule keeps to the production calendar
// (ReportSchedule.WorkDays): people's words for working days («по
// будням», «каждый рабочий день»), weekdays («каждый понедельник») or a
// day of the month («1 числа») do — the working days are the calendar's,
// and a run whose day is a day off goes out on the next working day at
// the same time; «ежедневно» means every day, and a cron expression is
// taken literally.
func ParseSchedule(text string) (cron string, workDays bool, err error) {
	s := strings.Join(strings.Fields(text), " ")
	if cronLike(s) {
		return s, false, nil
	}
	bad := Errorf(EINVALID, "err.delivery.schedule_when", "Text", s)
	p := whenParser{hour: 9}
	toks := whenTokens(s)
	if len(toks) == 0 {
		return "", false, bad
	}
	for i := 0; i < len(toks); i++ {
		n, ok := p.take(toks, i)
		if !ok {
			return "", false, bad
		}
		i += n
	}
	cron, err = p.cron()
	if err != nil {
		return "", false, err
	}
	return cron, p.weekdays || len(p.days) > 0 || p.monthDay != 0, nil
}

// cronExpr matches five fields of a cron expression: numbers, *, ranges,
// lists, steps, and the English names of months and weekdays.
var cronExpr = regexp.MustCompile(`^([0-9*,/\-]+|[0-9*,/\-]*[a-zA-Z]{3}[a-zA-Z0-9*,/\-]*)( ([0-9*,/\-]+|[0-9*,/\-]*[a-zA-Z]{3}[a-zA-Z0-9*,/\-]*)){4}$`)

// cronLike reports whether s is a cron expression: five fields, the first
// two (minute and hour) numeric.
func cronLike(s string) bool {
	f := strings.Fields(s)
	if len(f) != 5 || !cronExpr.MatchString(s) {
		return false
	}
	return strings.Trim(f[0], "0123456789*,/-") == "" && strings.Trim(f[1], "0123456789*,/-") == ""
}

// whenParser collects what the words say.
type whenParser struct {
	hour, minute int
	timeSet      bool
	days         []int // weekdays, 0 Sunday … 6 Saturday
	weekdays     bool  // Monday to Friday
	daily        bool
	monthDay     int
}

// whenTokens lowers the text, reads ё as е and splits it into words and
// times, dropping commas.
func whenTokens(s string) []string {
	s = strings.ToLower(strings.ReplaceAll(strings.ReplaceAll(s, "ё", "е"), "Ё", "Е"))
	s = strings.NewReplacer(",", " ", ";", " ", "«", " ", "»", " ", "\"", " ").Replace(s)
	return strings.Fields(s)
}

// whenFiller are the words that say nothing by themselves.
var whenFiller = map[string]bool{
	"каждый": true, "каждую": true, "каждое": true, "каждые": true, "каждого": true, "по": true, "в": true,
	"во": true, "и": true, "а": true, "также": true, "месяца": true, "месяц": true, "ежемесячно": true,
	"неделю": true, "еженедельно": true,
	"every": true, "each": true, "on": true, "at": true, "the": true, "and": true, "of": true, "month": true,
	"monthly": true, "weekly": true, "week": true,
}

// whenDaily are the words of every day.
var whenDaily = map[string]bool{"ежедневно": true, "день": true, "дням": true, "daily": true, "day": true,
	"days": true, "everyday": true}

// whenWorkdays are the words of Monday to Friday.
var whenWorkdays = map[string]bool{"будни": true, "будням": true, "будний": true, "будние": true, "рабочий": true,
	"рабочим": true, "рабочие": true, "weekday": true, "weekdays": true, "workday": true, "workdays": true,
	"business": true}

// weekdayStems are the beginnings of the weekdays' names in any of their
// forms (понедельник, по понедельникам, в среду, mondays), Sunday 0.
var weekdayStems = []struct {
	stem string
	day  int
}{
	{"понедельн", 1}, {"вторник", 2}, {"сред", 3}, {"четверг", 4}, {"пятниц", 5}, {"суббот", 6},
	{"воскресен", 0}, {"monday", 1}, {"tuesday", 2}, {"wednesday", 3}, {"thursday", 4}, {"friday", 5},
	{"saturday", 6}, {"sunday", 0},
}

// weekdayShort are the weekdays' abbreviations.
var weekdayShort = map[string]int{"пн": 1, "вт": 2, "ср": 3, "чт": 4, "пт": 5, "сб": 6, "вс": 0,
	"mon": 1, "tue": 2, "tues": 2, "wed": 3, "thu": 4, "thurs": 4, "fri": 5, "sat": 6, "sun": 0}

// scheduleHourWords follow an hour: what they make of it.
var scheduleHourWords = map[string]string{"ч": ":00", "час": ":00", "часа": ":00", "часов": ":00", "утра": "am",
	"вечера": "pm", "o'clock": ":00"}

var (
	clockTime  = regexp.MustCompile(`^(\d{1,2})(?:[:.](\d{2}))?(am|pm)?$`)
	ordinalDay = regexp.MustCompile(`^(\d{1,2})(?:-?го|-?е|st|nd|rd|th)$`)
)

// take reads the word at i (and what belongs to it after), returning how
// many words after i it used.
func (p *whenParser) take(toks []string, i int) (int, bool) {
	t := toks[i]
	next := ""
	if i+1 < len(toks) {
		next = toks[i+1]
	}
	switch {
	case whenFiller[t]:
		return 0, true
	case whenWorkdays[t]:
		p.weekdays = true
		return 0, true
	case whenDaily[t]:
		if t == "day" && isNumber(next) { // "day 1", "on day 15"
			return 1, p.setMonthDay(next)
		}
		p.daily = true
		return 0, true
	case t == "числа" || t == "число":
		return 0, p.monthDay != 0
	}
	if d, ok := weekdayOf(t); ok {
		if !slices.Contains(p.days, d) {
			p.days = append(p.days, d)
		}
		return 0, true
	}
	if m := ordinalDay.FindStringSubmatch(t); m != nil {
		return 0, p.setMonthDay(m[1])
	}
	if isNumber(t) && (next == "числа" || next == "число" || next == "-го") {
		return 1, p.setMonthDay(t)
	}
	if clockTime.MatchString(t) && (next == "am" || next == "pm") { // "9 am", "6:30 pm"
		return 1, p.setTime(t + next)
	}
	if isNumber(t) && scheduleHourWords[next] != "" { // «в 9 утра», «в 6 вечера», «в 10 ч»
		return 1, p.setTime(t + scheduleHourWords[next])
	}
	if m := clockTime.FindStringSubmatch(t); m != nil && (m[2] != "" || m[3] != "" || p.expectsHour(toks, i)) {
		return 0, p.setTime(t)
	}
	return 0, false
}

// expectsHour reports whether a bare number is an hour: after «в» or
// "at", or last in the text.
func (p *whenParser) expectsHour(toks []string, i int) bool {
	return i > 0 && (toks[i-1] == "в" || toks[i-1] == "at") || i == len(toks)-1 && p.hasDay()
}

func (p *whenParser) hasDay() bool {
	return p.daily || p.weekdays || len(p.days) > 0 || p.monthDay != 0
}

// setTime reads "9:00", "09.30", "9", "9am", "6:30pm".
func (p *whenParser) setTime(t string) bool {
	m := clockTime.FindStringSubmatch(t)
	if m == nil || p.timeSet {
		return false
	}
	h, _ := strconv.Atoi(m[1])
	mins := 0
	if m[2] != "" {
		mins, _ = strconv.Atoi(m[2])
	}
	switch m[3] {
	case "am":
		if h < 1 || h > 12 {
			return false
		}
		h %= 12
	case "pm":
		if h < 1 || h > 12 {
			return false
		}
		h = h%12 + 12
	}
	if h > 23 || mins > 59 {
		return false
	}
	p.hour, p.minute, p.timeSet = h, mins, true
	return true
}

// setMonthDay reads a day of the month, 1 to 31.
func (p *whenParser) setMonthDay(t string) bool {
	d, err := strconv.Atoi(t)
	if err != nil || d < 1 || d > 31 || p.monthDay != 0 {
		return false
	}
	p.monthDay = d
	return true
}

// cron is what the words said, as a cron expression; days of the week
// and of the month together are refused (cron would fire on either).
func (p *whenParser) cron() (string, error) {
	hm := strconv.Itoa(p.minute) + " " + strconv.Itoa(p.hour)
	days := p.days
	if p.weekdays {
		for d := 1; d <= 5; d++ {
			if !slices.Contains(days, d) {
				days = append(days, d)
			}
		}
	}
	switch {
	case p.monthDay != 0 && len(days) > 0:
		return "", Errorf(EINVALID, "err.delivery.schedule_both", "Day", p.monthDay)
	case p.monthDay != 0:
		return hm + " " + strconv.Itoa(p.monthDay) + " * *", nil
	case len(days) > 0:
		return hm + " * * " + dayList(days), nil
	case p.daily:
		return hm + " * * *", nil
	}
	return "", Errorf(EINVALID, "err.delivery.schedule_when_day")
}

// dayList writes weekdays as a cron field: Monday first, runs as ranges
// ("1-5"), Sunday as 0.
func dayList(days []int) string {
	ds := slices.Clone(days)
	slices.SortFunc(ds, func(a, b int) int { return (a+6)%7 - (b+6)%7 })
	var parts []string
	for i := 0; i < len(ds); {
		j := i
		for j+1 < len(ds) && ds[j+1] == ds[j]+1 {
			j++
		}
		switch {
		case j-i >= 2:
			parts = append(parts, strconv.Itoa(ds[i])+"-"+strconv.Itoa(ds[j]))
		default:
			for k := i; k <= j; k++ {
				parts = append(parts, strconv.Itoa(ds[k]))
			}
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}

// weekdayOf reads a weekday's name in any of its forms.
func weekdayOf(t string) (int, bool) {
	if d, ok := weekdayShort[strings.TrimSuffix(t, ".")]; ok {
		return d, true
	}
	for _, w := range weekdayStems {
		if strings.HasPrefix(t, w.stem) {
			return w.day, true
		}
	}
	// "mondays", "fridays"
	for _, w := range weekdayStems {
		if strings.TrimSuffix(t, "s") == w.stem {
			return w.day, true
		}
	}
	return 0, false
}

func isNumber(t string) bool {
	_, err := strconv.Atoi(t)
	return err == nil && t != ""
}

// Schedule frequency and the production calendar.
const (
	// MinScheduleGap is the shortest time allowed between two runs of a
	// schedule: every run stores a file and posts it, so a report goes
	// out at most once an hour.
	MinScheduleGap = time.Hour
	// scheduleProbe is how many runs ahead the gap is checked: enough to
	// see two runs in one hour of any expression that has them.
	scheduleProbe = 12
	// workdayProbe bounds the runs nextRun skips looking for a working
	// day: a year of daily runs.
	workdayProbe = 400
)

// checkFrequency refuses an expression that fires more often than once in
// MinScheduleGap, from after on, in loc.
func (s *Service) checkFrequency(expr string, after time.Time, loc *time.Location) error {
	prev, err := s.reports.cron.Next(expr, after, loc)
	if err != nil {
		return Errorf(EINVALID, "err.delivery.schedule_cron", "Cron", expr)
	}
	for range scheduleProbe {
		next, err := s.reports.cron.Next(expr, prev, loc)
		if err != nil {
			return nil // no run after prev: a run that never repeats
		}
		if next.Sub(prev) < MinScheduleGap {
			return Errorf(EINVALID, "err.delivery.schedule_too_often", "Cron", expr,
				"Minutes", int(next.Sub(prev)/time.Minute))
		}
		prev = next
	}
	return nil
}

// nextRun is when a schedule fires first after after, in UTC: its cron
// expression on the wall clock of its zone; for a schedule that keeps to
// the production calendar (WorkDays), the calendar's working days — a
// schedule of the working week («по будням») fires on every working day,
// transferred working Saturdays included, and on no holiday; any other
// moves a run whose day is a day off to the next working day at the same
// time (the Monday pipeline on a holiday Monday goes out on Tuesday).
func (s *Service) nextRun(sch *ReportSchedule, after time.Time) (time.Time, error) {
	loc := Location(sch.TimeZone)
	if !sch.WorkDays {
		return s.reports.cron.Next(sch.Cron, after, loc)
	}
	cal := s.calendar()
	if expr, ok := everyWorkday(sch.Cron); ok {
		t := after
		for range workdayProbe {
			next, err := s.reports.cron.Next(expr, t, loc)
			if err != nil {
				return time.Time{}, err
			}
			if cal.Workday(next.In(loc)) {
				return next.UTC(), nil
			}
			t = next
		}
		return time.Time{}, Errorf(EINVALID, "err.delivery.schedule_cron", "Cron", sch.Cron)
	}
	next, err := s.reports.cron.Next(sch.Cron, after, loc)
	if err != nil {
		return time.Time{}, err
	}
	w := next.In(loc)
	if cal.Workday(w) {
		return next.UTC(), nil
	}
	day := WorkdayOnOrAfter(cal, dayOf(w))
	return time.Date(day.Year(), day.Month(), day.Day(), w.Hour(), w.Minute(), w.Second(), 0, loc).UTC(), nil
}

// everyWorkday reports whether expr fires on the working week (Monday to
// Friday, every month and day), and returns it firing every day, for
// nextRun to keep to the calendar's working days instead.
func everyWorkday(expr string) (string, bool) {
	f := strings.Fields(expr)
	if len(f) != 5 || f[2] != "*" || f[3] != "*" {
		return "", false
	}
	switch strings.ToLower(f[4]) {
	case "1-5", "1,2,3,4,5", "mon-fri":
		return strings.Join([]string{f[0], f[1], "*", "*", "*"}, " "), true
	}
	return "", false
}

// ScheduleWords say a schedule's time as /schedule shows it, in lang:
// when («каждый понедельник в 09:00», «по будням в 09:00», a cron
// expression that says no simple rule as it is) and its zone («Москва»,
// «Asia/Yekaterinburg, UTC+5» at the time at).
func (s *Service) ScheduleWords(lang string, sch *ReportSchedule, at time.Time) (when, zone string) {
	return s.cronWords(lang, sch.Cron), s.zoneWords(lang, Location(sch.TimeZone), at)
}

// cronWords say a cron expression in words: daily, on weekdays, on one
// weekday or several, monthly on a day; anything else as it is.
func (s *Service) cronWords(lang, expr string) string {
	raw := s.text(lang, "msg.reports.cron.raw", map[string]any{"Cron": expr})
	f := strings.Fields(expr)
	if len(f) != 5 || f[3] != "*" {
		return raw
	}
	minute, err1 := strconv.Atoi(f[0])
	hour, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil || minute < 0 || minute > 59 || hour < 0 || hour > 23 {
		return raw
	}
	args := map[string]any{"Clock": time.Date(2000, 1, 1, hour, minute, 0, 0, time.UTC).Format("15:04")}
	dom, dow := f[2], f[4]
	switch {
	case dom == "*" && dow == "*":
		return s.text(lang, "msg.reports.cron.daily", args)
	case dom == "*":
		if _, ok := everyWorkday(expr); ok {
			return s.text(lang, "msg.reports.cron.weekdays", args)
		}
		days, ok := cronDays(dow)
		if !ok {
			return raw
		}
		if len(days) == 1 {
			args["Day"] = days[0]
			return s.text(lang, "msg.reports.cron.weekly", args)
		}
		var names []string
		for _, d := range days {
			names = append(names, s.text(lang, "remind.wd."+strconv.Itoa(d), nil))
		}
		args["Days"] = strings.Join(names, ", ")
		return s.text(lang, "msg.reports.cron.days", args)
	case dow == "*":
		if d, err := strconv.Atoi(dom); err == nil && d >= 1 && d <= 31 {
			args["Day"] = d
			return s.text(lang, "msg.reports.cron.monthly", args)
		}
	}
	return raw
}

// cronDays reads a cron weekday field of days and ranges ("1", "1,3,5",
// "1-3"; 7 is Sunday too), Sunday as 0, Monday first.
func cronDays(field string) ([]int, bool) {
	var out []int
	for part := range strings.SplitSeq(field, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		b := a
		if err == nil && isRange {
			b, err = strconv.Atoi(hi)
		}
		if err != nil || a < 0 || b > 7 || a > b {
			return nil, false
		}
		for d := a; d <= b; d++ {
			if !slices.Contains(out, d%7) {
				out = append(out, d%7)
			}
		}
	}
	slices.SortFunc(out, func(a, b int) int { return (a+6)%7 - (b+6)%7 })
	return out, len(out) > 0
}

// zoneWords name a schedule's time zone: «Москва», or its name and
// offset from UTC at the time at.
func (s *Service) zoneWords(lang string, loc *time.Location, at time.Time) string {
	if loc.String() == DefaultTimeZone {
		return s.text(lang, "msg.reports.zone_moscow", nil)
	}
	_, off := at.In(loc).Zone()
	offset := "UTC"
	if off != 0 {
		sign := "+"
		if off < 0 {
			sign, off = "-", -off
		}
		offset += sign + strconv.Itoa(off/3600)
		if m := off % 3600 / 60; m != 0 {
			offset += ":" + strconv.Itoa(m/10) + strconv.Itoa(m%10)
		}
	}
	return s.text(lang, "msg.reports.zone", map[string]any{"Name": loc.String(), "Offset": offset})
}
