package workcal

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// DayType is what a listed day is (the t attribute).
type DayType int

// Day types of the xmlcalendar format.
const (
	// TypeOff is a day off: a holiday, or a day off moved from another day.
	TypeOff DayType = 1
	// TypeShortened is a working day an hour shorter (before a holiday);
	// on a Saturday or Sunday it is a working weekend day as well.
	TypeShortened DayType = 2
	// TypeWorking is a working day, on a Saturday or Sunday a working
	// weekend day (a transfer).
	TypeWorking DayType = 3
)

// Working reports whether a day of the type is worked.
func (t DayType) Working() bool { return t == TypeShortened || t == TypeWorking }

// Limits of a year file.
const (
	// MinYear and MaxYear bound the years a file may be for.
	MinYear = 2000
	MaxYear = 2100
	// MaxFileSize is the largest file Parse reads; a real one is about
	// 2 KB.
	MaxFileSize = 256 << 10
	// MaxTitle is the longest holiday title, in characters.
	MaxTitle = 500
)

// Holiday is one entry of a file's <holidays>.
type Holiday struct {
	ID    int
	Title string
}

// Day is one listed day of a year (a <day> element). Date and From are
// midnight UTC.
type Day struct {
	Date time.Time
	Type DayType
	// Holiday is the holiday's id (h), 0 for none.
	Holiday int
	// From is the day a day off was moved from (f), zero for none.
	From time.Time
}

// Year is one parsed year file. It is never changed once parsed, so it may
// be shared between goroutines.
type Year struct {
	year     int
	lang     string
	date     string
	country  string
	holidays []Holiday // sorted by ID; nil when the file has no <holidays>
	titled   bool      // the file has <holidays>
	days     []Day     // sorted by date
	index    [367]int16
}

// Parse reads one year of the Russian production calendar in xmlcalendar's
// exchange format:
//
//	<calendar year="2026" lang="ru" date="2025.09.24" country="ru">
//	  <holidays><holiday id="1" title="Новогодние каникулы"/>…</holidays>
//	  <days><day d="01.01" t="1" h="1"/>…<day d="04.30" t="2"/>…</days>
//	</calendar>
//
// d is MM.DD; t is 1 (day off), 2 (shortened working day) or 3 (working
// day); h names a holiday of <holidays>; f is the day a day off was moved
// from. <holidays> may be left out (then h is not checked). A missing
// country is taken as ru. Unknown elements are skipped. Any other fault is
// a *ParseError wrapping one of the Err sentinels, with the line and the
// offending day where there is one.
func Parse(data []byte) (*Year, error) {
	if len(data) > MaxFileSize {
		return nil, &ParseError{Err: ErrTooLarge, Detail: fmt.Sprintf("%d bytes, at most %d", len(data), MaxFileSize),
			args: map[string]any{"Max": MaxFileSize >> 10}}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a byte order mark, as Windows editors save
	p := &parser{dec: xmlDecoder(data)}
	return p.parse()
}

// Year is the year the file is for.
func (y *Year) Year() int { return y.year }

// Lang is the language of the holiday titles ("ru"), as the file says.
func (y *Year) Lang() string { return y.lang }

// Date is when the file was made (YYYY.MM.DD), as the file says.
func (y *Year) Date() string { return y.date }

// Country is the file's country attribute; "" when it has none (taken as
// ru).
func (y *Year) Country() string { return y.country }

// Holidays returns the file's holidays by id (a copy).
func (y *Year) Holidays() []Holiday { return slices.Clone(y.holidays) }

// Days returns the listed days in date order (a copy).
func (y *Year) Days() []Day { return slices.Clone(y.days) }

// Day returns the listed day of the month and day, if it is listed.
func (y *Year) Day(month time.Month, day int) (Day, bool) {
	t := time.Date(y.year, month, day, 0, 0, 0, 0, time.UTC)
	if t.Year() != y.year || t.Month() != month || t.Day() != day {
		return Day{}, false
	}
	return y.at(t.YearDay())
}

// at returns the listed day of a day of the year (1–366).
func (y *Year) at(yearDay int) (Day, bool) {
	if yearDay < 1 || yearDay >= len(y.index) || y.index[yearDay] == 0 {
		return Day{}, false
	}
	return y.days[y.index[yearDay]-1], true
}

// Title returns the title of a holiday id.
func (y *Year) Title(id int) (string, bool) {
	i, ok := slices.BinarySearchFunc(y.holidays, id, func(h Holiday, id int) int { return h.ID - id })
	if !ok {
		return "", false
	}
	return y.holidays[i].Title, true
}

// workday reports whether a day of the year is worked: a listed day by its
// type, any other by its weekday.
func (y *Year) workday(yearDay int, wd time.Weekday) bool {
	if d, ok := y.at(yearDay); ok {
		return d.Type.Working()
	}
	return weekday(wd)
}

// WorkingDays counts the year's working days (shortened ones included).
func (y *Year) WorkingDays() int {
	n := 0
	jan1 := time.Date(y.year, time.January, 1, 0, 0, 0, 0, time.UTC)
	for i := 1; i <= daysIn(y.year); i++ {
		if y.workday(i, jan1.AddDate(0, 0, i-1).Weekday()) {
			n++
		}
	}
	return n
}

// DaysOff counts the year's days off (weekends and holidays).
func (y *Year) DaysOff() int { return daysIn(y.year) - y.WorkingDays() }

// ShortenedDays counts the year's shortened working days.
func (y *Year) ShortenedDays() int {
	n := 0
	for _, d := range y.days {
		if d.Type == TypeShortened {
			n++
		}
	}
	return n
}

// Encode writes the year in the xmlcalendar format, as Parse reads it
// (comments and unknown elements of the file it came from are not kept).
func (y *Year) Encode() []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	fmt.Fprintf(&b, `<calendar year="%d"`, y.year)
	for _, a := range [][2]string{{"lang", y.lang}, {"date", y.date}, {"country", y.country}} {
		if a[1] != "" {
			fmt.Fprintf(&b, ` %s="%s"`, a[0], escape(a[1]))
		}
	}
	b.WriteString(">\n")
	if y.titled {
		b.WriteString("    <holidays>\n")
		for _, h := range y.holidays {
			fmt.Fprintf(&b, "        <holiday id=\"%d\" title=\"%s\"/>\n", h.ID, escape(h.Title))
		}
		b.WriteString("    </holidays>\n")
	}
	b.WriteString("    <days>\n")
	for _, d := range y.days {
		fmt.Fprintf(&b, `        <day d="%s" t="%d"`, monthDay(d.Date), d.Type)
		if d.Holiday != 0 {
			fmt.Fprintf(&b, ` h="%d"`, d.Holiday)
		}
		if !d.From.IsZero() {
			fmt.Fprintf(&b, ` f="%s"`, monthDay(d.From))
		}
		b.WriteString("/>\n")
	}
	b.WriteString("    </days>\n</calendar>\n")
	return b.Bytes()
}

// Parse errors: a *ParseError wraps one of them (errors.Is). Each has a
// locale key too (LocaleKey), for the message a user reads in their own
// language.
var (
	ErrTooLarge     error = &sentinel{"file too large", "err.calendar.too_large"}
	ErrNotXML       error = &sentinel{"not an XML document", "err.calendar.not_xml"}
	ErrEncoding     error = &sentinel{"not UTF-8", "err.calendar.encoding"}
	ErrRoot         error = &sentinel{"root element is not <calendar>", "err.calendar.root"}
	ErrCountry      error = &sentinel{"not the Russian calendar", "err.calendar.country"}
	ErrYear         error = &sentinel{"year missing or outside 2000-2100", "err.calendar.year"}
	ErrDate         error = &sentinel{"bad day, want MM.DD", "err.calendar.date"}
	ErrNoSuchDate   error = &sentinel{"no such date", "err.calendar.no_such_date"}
	ErrDuplicateDay error = &sentinel{"day listed twice", "err.calendar.duplicate_day"}
	ErrDayType      error = &sentinel{"unknown day type, want t=1, 2 or 3", "err.calendar.day_type"}
	ErrHoliday      error = &sentinel{"bad holiday", "err.calendar.holiday"}
	ErrNoDays       error = &sentinel{"no days listed", "err.calendar.no_days"}
)

// localized is an error with a message in DealDesk's locale files.
type localized interface {
	LocaleKey() (key string, args map[string]any)
}

// sentinel is one of the Err values: an English message for logs and the
// locale key of the message for users.
type sentinel struct{ msg, key string }

func (e *sentinel) Error() string { return e.msg }

// LocaleKey returns the key of the fault's message in DealDesk's locale
// files, with no arguments.
func (e *sentinel) LocaleKey() (key string, args map[string]any) { return e.key, nil }

// ParseError is what Parse returns for a file it refuses.
type ParseError struct {
	// Err is one of the Err sentinels.
	Err error
	// Line is the file's line, 0 when the fault is not on one.
	Line int
	// Day is the offending day's d attribute as written, "" when the
	// fault is not a day's.
	Day string
	// Detail says more, for logs.
	Detail string
	// args are the message's arguments besides Line and Day.
	args map[string]any
}

func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString("workcal: ")
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Day != "" {
		fmt.Fprintf(&b, "day %q: ", e.Day)
	}
	b.WriteString(e.Err.Error())
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	return b.String()
}

// LocaleKey returns the key of the fault's message in DealDesk's locale
// files (err.calendar.…, one per sentinel) and its arguments: Line (the
// file's line) and Day (the day as written) where the fault has them, Max
// (kilobytes) for a file too large, Encoding for an encoding declared that
// is not UTF-8. Detail is English and for logs only: it is not among them.
func (e *ParseError) LocaleKey() (key string, args map[string]any) {
	key = "err.calendar.not_xml"
	var k localized
	if errors.As(e.Err, &k) {
		key, _ = k.LocaleKey()
	}
	args = map[string]any{}
	for n, v := range e.args {
		args[n] = v
	}
	if e.Line > 0 {
		args["Line"] = e.Line
	}
	if e.Day != "" {
		args["Day"] = e.Day
	}
	return key, args
}

// Unwrap returns the sentinel.
func (e *ParseError) Unwrap() error { return e.Err }

// parser reads one file.
type parser struct {
	dec   decoder
	y     *Year
	lines map[int]int // the line each listed day is on, by day of the year
}

func (p *parser) fail(err error, line int, day, format string, args ...any) *ParseError {
	return &ParseError{Err: err, Line: line, Day: day, Detail: fmt.Sprintf(format, args...)}
}

func (p *parser) parse() (*Year, error) {
	root, err := p.root()
	if err != nil {
		return nil, err
	}
	if err := p.header(root); err != nil {
		return nil, err
	}
	p.lines = map[int]int{}
	if err := p.body(); err != nil {
		return nil, err
	}
	if err := p.trailer(); err != nil {
		return nil, err
	}
	y := p.y
	if len(y.days) == 0 {
		return nil, p.fail(ErrNoDays, 0, "", "the file has no <day> in <days>")
	}
	slices.SortFunc(y.holidays, func(a, b Holiday) int { return a.ID - b.ID })
	slices.SortFunc(y.days, func(a, b Day) int { return a.Date.Compare(b.Date) })
	for i, d := range y.days {
		y.index[d.Date.YearDay()] = int16(i + 1)
	}
	if y.titled {
		for _, d := range y.days {
			if _, ok := y.Title(d.Holiday); d.Holiday != 0 && !ok {
				return nil, p.fail(ErrHoliday, p.lines[d.Date.YearDay()], monthDay(d.Date),
					"h=%d is not in <holidays>", d.Holiday)
			}
		}
	}
	return y, nil
}

// root reads up to the root element.
func (p *parser) root() (startElement, error) {
	for {
		tok, err := p.dec.next()
		if err == io.EOF {
			return startElement{}, p.fail(ErrNotXML, 0, "", "no element")
		}
		if err != nil {
			return startElement{}, p.syntax(err)
		}
		switch tok.kind {
		case tokStart:
			if tok.start.name != "calendar" {
				return startElement{}, p.fail(ErrRoot, tok.line, "", "found <%s>", tok.start.name)
			}
			return tok.start, nil
		case tokText:
			if strings.TrimSpace(tok.text) != "" {
				return startElement{}, p.fail(ErrNotXML, tok.line, "", "text before the first element")
			}
		}
	}
}

// header reads the root's attributes.
func (p *parser) header(root startElement) error {
	if c, ok := root.attr("country"); ok && !strings.EqualFold(strings.TrimSpace(c), "ru") {
		return p.fail(ErrCountry, root.line, "", "country=%q", c)
	}
	ys, ok := root.attr("year")
	if !ok {
		return p.fail(ErrYear, root.line, "", "<calendar> has no year")
	}
	year, err := strconv.Atoi(strings.TrimSpace(ys))
	if err != nil || year < MinYear || year > MaxYear {
		return p.fail(ErrYear, root.line, "", "year=%q", ys)
	}
	p.y = &Year{year: year}
	p.y.lang, _ = root.attr("lang")
	p.y.date, _ = root.attr("date")
	p.y.country, _ = root.attr("country")
	return nil
}

// body reads the root's content up to its end.
func (p *parser) body() error {
	for {
		tok, err := p.dec.next()
		if err != nil {
			return p.syntax(err)
		}
		switch tok.kind {
		case tokEnd:
			return nil
		case tokStart:
			switch tok.start.name {
			case "holidays":
				p.y.titled = true
				err = p.children("holiday", p.holiday)
			case "days":
				err = p.children("day", p.day)
			default:
				err = p.dec.skip()
				if err != nil {
					err = p.syntax(err)
				}
			}
			if err != nil {
				return err
			}
		}
	}
}

// children reads an element's content, handing each child named name to
// read and skipping any other.
func (p *parser) children(name string, read func(startElement) error) error {
	for {
		tok, err := p.dec.next()
		if err != nil {
			return p.syntax(err)
		}
		switch tok.kind {
		case tokEnd:
			return nil
		case tokStart:
			if tok.start.name == name {
				if err := read(tok.start); err != nil {
					return err
				}
			}
			if err := p.dec.skip(); err != nil {
				return p.syntax(err)
			}
		}
	}
}

// trailer checks that nothing but comments and white space follows the
// root.
func (p *parser) trailer() error {
	for {
		tok, err := p.dec.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return p.syntax(err)
		}
		if tok.kind == tokStart || tok.kind == tokText && strings.TrimSpace(tok.text) != "" {
			return p.fail(ErrNotXML, tok.line, "", "content after </calendar>")
		}
	}
}

func (p *parser) holiday(e startElement) error {
	ids, _ := e.attr("id")
	id, err := strconv.Atoi(strings.TrimSpace(ids))
	if err != nil || id <= 0 || id > 1000 {
		return p.fail(ErrHoliday, e.line, "", "id=%q, want a number from 1", ids)
	}
	if slices.ContainsFunc(p.y.holidays, func(h Holiday) bool { return h.ID == id }) {
		return p.fail(ErrHoliday, e.line, "", "id %d listed twice", id)
	}
	title, _ := e.attr("title")
	title = strings.TrimSpace(title)
	switch n := utf8.RuneCountInString(title); {
	case n == 0:
		return p.fail(ErrHoliday, e.line, "", "id %d has no title", id)
	case n > MaxTitle:
		return p.fail(ErrHoliday, e.line, "", "id %d: title longer than %d characters", id, MaxTitle)
	}
	p.y.holidays = append(p.y.holidays, Holiday{ID: id, Title: title})
	return nil
}

func (p *parser) day(e startElement) error {
	ds, ok := e.attr("d")
	if !ok {
		return p.fail(ErrDate, e.line, "", "<day> has no d")
	}
	date, err := p.monthDay(ds, e.line, ds)
	if err != nil {
		return err
	}
	if line, dup := p.lines[date.YearDay()]; dup {
		return p.fail(ErrDuplicateDay, e.line, ds, "first on line %d", line)
	}
	d := Day{Date: date}
	ts, _ := e.attr("t")
	switch strings.TrimSpace(ts) {
	case "1":
		d.Type = TypeOff
	case "2":
		d.Type = TypeShortened
	case "3":
		d.Type = TypeWorking
	default:
		return p.fail(ErrDayType, e.line, ds, "t=%q", ts)
	}
	if hs, ok := e.attr("h"); ok {
		h, err := strconv.Atoi(strings.TrimSpace(hs))
		if err != nil || h <= 0 || h > 1000 {
			return p.fail(ErrHoliday, e.line, ds, "h=%q, want a holiday id", hs)
		}
		if d.Type != TypeOff {
			return p.fail(ErrHoliday, e.line, ds, "h=%d on a working day (t=%d)", h, d.Type)
		}
		d.Holiday = h
	}
	if fs, ok := e.attr("f"); ok {
		if d.From, err = p.monthDay(fs, e.line, ds); err != nil {
			return err
		}
	}
	p.lines[date.YearDay()] = e.line
	p.y.days = append(p.y.days, d)
	return nil
}

// monthDay reads MM.DD in the parsed year; day names the day for errors.
func (p *parser) monthDay(s string, line int, day string) (time.Time, error) {
	if len(s) != 5 || s[2] != '.' || !digits(s[:2]) || !digits(s[3:]) {
		return time.Time{}, p.fail(ErrDate, line, day, "%q", s)
	}
	m, _ := strconv.Atoi(s[:2])
	d, _ := strconv.Atoi(s[3:])
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, p.fail(ErrDate, line, day, "%q", s)
	}
	t := time.Date(p.y.year, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Month() != time.Month(m) {
		return time.Time{}, p.fail(ErrNoSuchDate, line, day, "%s has no %s", strconv.Itoa(p.y.year), s)
	}
	return t, nil
}

// syntax turns a decoder error into a ParseError: a file in another
// encoding than UTF-8 (declared, or bytes that are not UTF-8) is
// ErrEncoding, any other fault of the XML ErrNotXML.
func (p *parser) syntax(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return p.fail(ErrNotXML, 0, "", "the file ends inside an element")
	}
	var ce *charsetError
	if errors.As(err, &ce) {
		pe := p.fail(ErrEncoding, 0, "", "encoding %q declared, want UTF-8", ce.charset)
		pe.args = map[string]any{"Encoding": ce.charset}
		return pe
	}
	var se *syntaxError
	if errors.As(err, &se) {
		if strings.Contains(se.Msg, "invalid UTF-8") {
			return p.fail(ErrEncoding, se.Line, "", "%s", se.Msg)
		}
		return p.fail(ErrNotXML, se.Line, "", "%s", se.Msg)
	}
	return p.fail(ErrNotXML, 0, "", "%v", err)
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func monthDay(t time.Time) string { return fmt.Sprintf("%02d.%02d", int(t.Month()), t.Day()) }

func daysIn(year int) int { return time.Date(year, time.December, 31, 0, 0, 0, 0, time.UTC).YearDay() }

func weekday(wd time.Weekday) bool { return wd != time.Saturday && wd != time.Sunday }
