package workcal

import (
	"bytes"
	"errors"
	"maps"
	"strings"
	"testing"
	"time"
)

// file makes a 2026 year file with the given days and holidays.
func file(holidays, days string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<calendar year="2026" lang="ru" date="2025.09.24" country="ru">
<holidays>` + holidays + `</holidays>
<days>` + days + `</days>
</calendar>`
}

const oneHoliday = `<holiday id="1" title="Новогодние каникулы"/>`

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name string
		data string
		want error
		line int    // 0: not checked
		day  string // the offending day
	}{
		{"empty", "", ErrNotXML, 0, ""},
		{"plain text", "Производственный календарь 2026", ErrNotXML, 0, ""},
		{"JSON", `{"year": 2026, "months": []}`, ErrNotXML, 0, ""},
		{"CSV", "Год/Месяц,Январь\n2026,\"1,2,3\"", ErrNotXML, 0, ""},
		{"cut off", `<calendar year="2026" country="ru"><days><day d="01.01" t="1"/>`, ErrNotXML, 0, ""},
		{"broken tag", "<calendar year=\"2026\">\n<days><day d=\"01.01\" t=1/></days></calendar>", ErrNotXML, 2, ""},
		{"a second root", `<calendar year="2026"><days><day d="01.01" t="1"/></days></calendar><calendar/>`, ErrNotXML, 0, ""},
		{"windows-1251", `<?xml version="1.0" encoding="windows-1251"?><calendar year="2026"/>`, ErrEncoding, 0, ""},
		{"cp1251 bytes undeclared", "<calendar year=\"2026\">\n<holidays><holiday id=\"1\" title=\"\xcd\xee\xe2\xfb\xe9 \xe3\xee\xe4\"/></holidays></calendar>",
			ErrEncoding, 2, ""},
		{"HTML page", "<!DOCTYPE html>\n<html><body>404</body></html>", ErrRoot, 2, ""},
		{"another root", `<root><calendar year="2026"/></root>`, ErrRoot, 1, ""},
		{"no year", `<calendar country="ru"><days><day d="01.01" t="1"/></days></calendar>`, ErrYear, 1, ""},
		{"year not a number", `<calendar year="двадцать шестой"/>`, ErrYear, 1, ""},
		{"year 1999", `<calendar year="1999"/>`, ErrYear, 1, ""},
		{"year 2101", `<calendar year="2101"/>`, ErrYear, 1, ""},
		{"Belarus", `<calendar year="2026" lang="ru" country="by"><days><day d="01.01" t="1"/></days></calendar>`, ErrCountry, 1, ""},
		{"Kazakhstan", `<calendar year="2026" country="kz"/>`, ErrCountry, 1, ""},
		{"day without d", file(oneHoliday, `<day t="1"/>`), ErrDate, 4, ""},
		{"day in DD.MM.YYYY", file(oneHoliday, `<day d="01.01.2026" t="1"/>`), ErrDate, 4, "01.01.2026"},
		{"day without zero", file(oneHoliday, `<day d="1.5" t="1"/>`), ErrDate, 4, "1.5"},
		{"day with a dash", file(oneHoliday, `<day d="01-01" t="1"/>`), ErrDate, 4, "01-01"},
		{"month 13", file(oneHoliday, `<day d="13.01" t="1"/>`), ErrDate, 4, "13.01"},
		{"month 00", file(oneHoliday, `<day d="00.10" t="1"/>`), ErrDate, 4, "00.10"},
		{"day 32", file(oneHoliday, `<day d="01.32" t="1"/>`), ErrDate, 4, "01.32"},
		{"30 February", file(oneHoliday, `<day d="02.30" t="1"/>`), ErrNoSuchDate, 4, "02.30"},
		{"31 April", file(oneHoliday, `<day d="04.31" t="2"/>`), ErrNoSuchDate, 4, "04.31"},
		{"29 February in 2026", file(oneHoliday, `<day d="02.29" t="1"/>`), ErrNoSuchDate, 4, "02.29"},
		{"bad from", file(oneHoliday, `<day d="01.09" t="1" f="1.3"/>`), ErrDate, 4, "01.09"},
		{"from a date that does not exist", file(oneHoliday, `<day d="01.09" t="1" f="02.30"/>`), ErrNoSuchDate, 4, "01.09"},
		{"day twice", file(oneHoliday, "<day d=\"01.01\" t=\"1\" h=\"1\"/>\n<day d=\"05.01\" t=\"1\"/>\n<day d=\"01.01\" t=\"1\"/>"),
			ErrDuplicateDay, 6, "01.01"},
		{"type 4", file(oneHoliday, `<day d="01.01" t="4"/>`), ErrDayType, 4, "01.01"},
		{"type 0", file(oneHoliday, `<day d="01.01" t="0"/>`), ErrDayType, 4, "01.01"},
		{"type missing", file(oneHoliday, `<day d="01.01"/>`), ErrDayType, 4, "01.01"},
		{"type a word", file(oneHoliday, `<day d="01.01" t="выходной"/>`), ErrDayType, 4, "01.01"},
		{"holiday not listed", file(oneHoliday, "<day d=\"01.01\" t=\"1\" h=\"1\"/>\n<day d=\"02.23\" t=\"1\" h=\"3\"/>"),
			ErrHoliday, 5, "02.23"},
		{"holiday id not a number", file(oneHoliday, `<day d="01.01" t="1" h="один"/>`), ErrHoliday, 4, "01.01"},
		{"holiday on a working day", file(oneHoliday, `<day d="04.30" t="2" h="1"/>`), ErrHoliday, 4, "04.30"},
		{"holiday id twice", file(oneHoliday+"\n"+`<holiday id="1" title="Рождество Христово"/>`, `<day d="01.01" t="1"/>`),
			ErrHoliday, 4, ""},
		{"holiday without title", file(`<holiday id="1"/>`, `<day d="01.01" t="1"/>`), ErrHoliday, 3, ""},
		{"holiday with a blank title", file(`<holiday id="1" title="  "/>`, `<day d="01.01" t="1"/>`), ErrHoliday, 3, ""},
		{"holiday id 0", file(`<holiday id="0" title="Новый год"/>`, `<day d="01.01" t="1"/>`), ErrHoliday, 3, ""},
		{"holiday title too long", file(`<holiday id="1" title="`+strings.Repeat("я", MaxTitle+1)+`"/>`, `<day d="01.01" t="1"/>`),
			ErrHoliday, 3, ""},
		{"no days", file(oneHoliday, ""), ErrNoDays, 0, ""},
		{"no days element", `<calendar year="2026" country="ru"><holidays/></calendar>`, ErrNoDays, 0, ""},
		{"too large", file(oneHoliday, strings.Repeat(" ", MaxFileSize)), ErrTooLarge, 0, ""},
	}
	sentinels := []error{ErrTooLarge, ErrNotXML, ErrEncoding, ErrRoot, ErrCountry, ErrYear, ErrDate, ErrNoSuchDate,
		ErrDuplicateDay, ErrDayType, ErrHoliday, ErrNoDays}
	for _, tc := range cases {
		y, err := Parse([]byte(tc.data))
		if y != nil || !errors.Is(err, tc.want) {
			t.Errorf("%s: Parse = %v, %v; want %v", tc.name, y, err, tc.want)
			continue
		}
		for _, s := range sentinels {
			if s != tc.want && errors.Is(err, s) {
				t.Errorf("%s: %v is also %v", tc.name, err, s)
			}
		}
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%s: %T is not a *ParseError", tc.name, err)
			continue
		}
		if tc.line != 0 && pe.Line != tc.line {
			t.Errorf("%s: line %d, want %d (%v)", tc.name, pe.Line, tc.line, err)
		}
		if pe.Day != tc.day {
			t.Errorf("%s: day %q, want %q (%v)", tc.name, pe.Day, tc.day, err)
		}
	}
}

// TestParseErrorLocaleKey: every refusal names its message in the locale
// files and gives it the line and the day, not the English detail.
func TestParseErrorLocaleKey(t *testing.T) {
	cases := []struct {
		name, data string
		key        string
		args       map[string]any
	}{
		{"cut off", "<calendar year=\"2026\" country=\"ru\">\n<days>\n<day d=\"01.01\" t=\"1\"/>", "err.calendar.not_xml",
			map[string]any{"Line": 3}},
		{"broken tag", "<calendar year=\"2026\">\n<days><day d=\"01.01\" t=1/></days></calendar>", "err.calendar.not_xml",
			map[string]any{"Line": 2}},
		{"windows-1251", `<?xml version="1.0" encoding="windows-1251"?><calendar year="2026"/>`, "err.calendar.encoding",
			map[string]any{"Encoding": "windows-1251"}},
		{"HTML page", "<!DOCTYPE html>\n<html><body>404</body></html>", "err.calendar.root", map[string]any{"Line": 2}},
		{"Belarus", `<calendar year="2026" country="by"/>`, "err.calendar.country", map[string]any{"Line": 1}},
		{"year 1999", `<calendar year="1999"/>`, "err.calendar.year", map[string]any{"Line": 1}},
		{"day in DD.MM.YYYY", file(oneHoliday, `<day d="01.01.2026" t="1"/>`), "err.calendar.date",
			map[string]any{"Line": 4, "Day": "01.01.2026"}},
		{"30 February", file(oneHoliday, `<day d="02.30" t="1"/>`), "err.calendar.no_such_date",
			map[string]any{"Line": 4, "Day": "02.30"}},
		{"day twice", file(oneHoliday, "<day d=\"01.01\" t=\"1\"/>\n<day d=\"01.01\" t=\"1\"/>"),
			"err.calendar.duplicate_day", map[string]any{"Line": 5, "Day": "01.01"}},
		{"type 4", file(oneHoliday, `<day d="01.01" t="4"/>`), "err.calendar.day_type", map[string]any{"Line": 4, "Day": "01.01"}},
		{"holiday without title", file(`<holiday id="1"/>`, `<day d="01.01" t="1"/>`), "err.calendar.holiday",
			map[string]any{"Line": 3}},
		{"no days", file(oneHoliday, ""), "err.calendar.no_days", map[string]any{}},
		{"too large", file(oneHoliday, strings.Repeat(" ", MaxFileSize)), "err.calendar.too_large",
			map[string]any{"Max": 256}},
	}
	for _, tc := range cases {
		_, err := Parse([]byte(tc.data))
		var k interface {
			LocaleKey() (string, map[string]any)
		}
		if !errors.As(err, &k) {
			t.Errorf("%s: %v has no LocaleKey", tc.name, err)
			continue
		}
		key, args := k.LocaleKey()
		if key != tc.key || !maps.Equal(args, tc.args) {
			t.Errorf("%s: LocaleKey = %s %v, want %s %v", tc.name, key, args, tc.key, tc.args)
		}
	}
	for _, s := range []error{ErrTooLarge, ErrNotXML, ErrEncoding, ErrRoot, ErrCountry, ErrYear, ErrDate,
		ErrNoSuchDate, ErrDuplicateDay, ErrDayType, ErrHoliday, ErrNoDays} {
		k, ok := s.(interface {
			LocaleKey() (string, map[string]any)
		})
		if !ok {
			t.Errorf("%v has no LocaleKey", s)
			continue
		}
		if key, _ := k.LocaleKey(); !strings.HasPrefix(key, "err.calendar.") {
			t.Errorf("%v: key %q", s, key)
		}
	}
}

func TestParseErrorMessage(t *testing.T) {
	_, err := Parse([]byte(file(oneHoliday, `<day d="02.30" t="1"/>`)))
	if got, want := err.Error(), `workcal: line 4: day "02.30": no such date: 2026 has no 02.30`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	_, err = Parse([]byte(file(oneHoliday, "<day d=\"01.01\" t=\"1\"/>\n<day d=\"01.01\" t=\"1\"/>")))
	if got, want := err.Error(), `workcal: line 5: day "01.01": day listed twice: first on line 4`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	_, err = Parse([]byte(`<calendar year="2026" country="ua"/>`))
	if got, want := err.Error(), `workcal: line 1: not the Russian calendar: country="ua"`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

// TestParseAccepts: what real files contain is read.
func TestParseAccepts(t *testing.T) {
	cases := []struct {
		name string
		data string
		days int
	}{
		{"no <holidays>", `<calendar year="2026" lang="ru" date="2025.09.30" country="ru"><days>
			<day d="01.01" t="1" h="1"/><day d="04.30" t="2"/><day d="11.01" t="3" f="11.03"/></days></calendar>`, 3},
		{"no country (older xmlcalendar files)", `<calendar year="2025" lang="ru" date="2024.12.01"><holidays>` + oneHoliday +
			`</holidays><days><day d="01.01" t="1" h="1"/></days></calendar>`, 1},
		{"country in capitals", `<calendar year="2026" country="RU"><days><day d="01.01" t="1"/></days></calendar>`, 1},
		{"byte order mark, comments, spaces in attributes", "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!-- 2026 -->\n" +
			`<calendar year=" 2026 " country="ru"><days><!-- январь --><day d="01.01" t=" 1 " h=" 1 "/></days></calendar>` + "\n<!-- end -->\n", 1},
		{"the schema's namespace", `<cal:calendar xmlns:cal="http://www.xmlcalendar.ru/data" year="2026"><cal:days>
			<cal:day d="01.01" t="1"/></cal:days></cal:calendar>`, 1},
		{"unknown elements and text", `<calendar year="2026"><source>decree 1466</source><days>
			<day d="01.01" t="1"><note>x</note></day><comment/></days></calendar>`, 1},
		{"holidays after days", `<calendar year="2026"><days><day d="02.23" t="1" h="3"/></days>
			<holidays><holiday id="3" title="День защитника Отечества"/></holidays></calendar>`, 1},
		{"29 February in a leap year", `<calendar year="2028"><days><day d="02.29" t="2"/></days></calendar>`, 1},
		{"days out of order", `<calendar year="2026"><days><day d="12.31" t="1"/><day d="01.01" t="1"/></days></calendar>`, 2},
	}
	for _, tc := range cases {
		y, err := Parse([]byte(tc.data))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got := len(y.Days()); got != tc.days {
			t.Errorf("%s: %d days, want %d", tc.name, got, tc.days)
		}
	}
}

func TestParseReadsEveryField(t *testing.T) {
	y, err := Parse([]byte(file(oneHoliday+`<holiday id="8" title="День народного единства"/>`,
		`<day d="11.04" t="1" h="8"/><day d="01.01" t="1" h="1"/><day d="11.03" t="2"/><day d="12.31" t="1" f="01.04"/><day d="11.07" t="3"/>`)))
	if err != nil {
		t.Fatal(err)
	}
	if y.Year() != 2026 || y.Lang() != "ru" || y.Date() != "2025.09.24" || y.Country() != "ru" {
		t.Errorf("header: %d %q %q %q", y.Year(), y.Lang(), y.Date(), y.Country())
	}
	if h := y.Holidays(); len(h) != 2 || h[0] != (Holiday{1, "Новогодние каникулы"}) || h[1] != (Holiday{8, "День народного единства"}) {
		t.Errorf("Holidays = %v", h)
	}
	utc := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
	want := []Day{
		{Date: utc(1, 1), Type: TypeOff, Holiday: 1},
		{Date: utc(11, 3), Type: TypeShortened},
		{Date: utc(11, 4), Type: TypeOff, Holiday: 8},
		{Date: utc(11, 7), Type: TypeWorking},
		{Date: utc(12, 31), Type: TypeOff, From: utc(1, 4)},
	}
	got := y.Days()
	if len(got) != len(want) {
		t.Fatalf("Days = %v", got)
	}
	for i := range want {
		if !got[i].Date.Equal(want[i].Date) || got[i].Type != want[i].Type || got[i].Holiday != want[i].Holiday || !got[i].From.Equal(want[i].From) {
			t.Errorf("day %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if d, ok := y.Day(time.December, 31); !ok || !d.From.Equal(utc(1, 4)) {
		t.Errorf("Day(31 Dec) = %+v, %v", d, ok)
	}
	for _, md := range [][2]int{{12, 30}, {2, 30}, {13, 1}, {0, 1}} {
		if d, ok := y.Day(time.Month(md[0]), md[1]); ok {
			t.Errorf("Day(%d, %d) = %+v", md[0], md[1], d)
		}
	}
	if title, ok := y.Title(8); !ok || title != "День народного единства" {
		t.Errorf("Title(8) = %q, %v", title, ok)
	}
	if _, ok := y.Title(3); ok {
		t.Error("Title(3) found")
	}
	// Days is a copy.
	got[0].Type = TypeWorking
	if d, _ := y.Day(time.January, 1); d.Type != TypeOff {
		t.Error("Days shares the year's slice")
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	for _, b := range builtin {
		raw, _ := data.ReadFile(b.file)
		y, err := Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		enc := y.Encode()
		y2, err := Parse(enc)
		if err != nil {
			t.Fatalf("%s: Encode does not parse: %v\n%s", b.file, err, enc)
		}
		if !bytes.Equal(y2.Encode(), enc) || y2.WorkingDays() != y.WorkingDays() {
			t.Errorf("%s: round trip differs", b.file)
		}
		if !bytes.Contains(enc, []byte(`<day d="05.01" t="1" h="5"/>`)) {
			t.Errorf("%s: Encode lacks 1 May:\n%s", b.file, enc)
		}
	}
	// Titles with quotes and ampersands, and a file without <holidays>.
	y, err := Parse([]byte(`<calendar year="2026" lang="ru"><holidays><holiday id="1" title="«A» &amp; &quot;B&quot; &lt;C&gt;"/></holidays>` +
		`<days><day d="01.01" t="1" h="1"/></days></calendar>`))
	if err != nil {
		t.Fatal(err)
	}
	y2, err := Parse(y.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if title, _ := y2.Title(1); title != `«A» & "B" <C>` {
		t.Errorf("title after round trip = %q", title)
	}
	y, _ = Parse([]byte(`<calendar year="2026"><days><day d="01.01" t="1" h="1"/></days></calendar>`))
	if enc := y.Encode(); bytes.Contains(enc, []byte("holidays")) || bytes.Contains(enc, []byte("country")) {
		t.Errorf("Encode adds what the file lacked:\n%s", enc)
	}
}

func FuzzParse(f *testing.F) {
	for _, b := range builtin {
		raw, _ := data.ReadFile(b.file)
		f.Add(raw)
	}
	f.Add([]byte(official2027))
	f.Add([]byte(file(oneHoliday, `<day d="02.30" t="1"/>`)))
	f.Add([]byte(`<calendar year="2028"><days><day d="02.29" t="2" f="03.01"/></days></calendar>`))
	f.Add([]byte(`<cal:calendar xmlns:cal="x" year="2026"><cal:days><cal:day d="01.01" t="1"/></cal:days></cal:calendar>`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		y, err := Parse(raw)
		if err != nil {
			var pe *ParseError
			if y != nil || !errors.As(err, &pe) || pe.Err == nil {
				t.Fatalf("Parse = %v, %#v", y, err)
			}
			return
		}
		if y.Year() < MinYear || y.Year() > MaxYear || len(y.Days()) == 0 {
			t.Fatalf("year %d with %d days", y.Year(), len(y.Days()))
		}
		days := y.Days()
		for i, d := range days {
			if d.Date.Year() != y.Year() || i > 0 && !days[i-1].Date.Before(d.Date) {
				t.Fatalf("days out of order or year: %v", days)
			}
			if got, ok := y.Day(d.Date.Month(), d.Date.Day()); !ok || got.Type != d.Type {
				t.Fatalf("Day(%v) = %+v, %v", d.Date, got, ok)
			}
		}
		if n := y.WorkingDays(); n < 0 || n > 366 || n+y.DaysOff() != daysIn(y.Year()) {
			t.Fatalf("%d working days, %d off", n, y.DaysOff())
		}
		enc := y.Encode()
		y2, err := Parse(enc)
		if err != nil {
			t.Fatalf("Encode does not parse: %v\n%s", err, enc)
		}
		if !bytes.Equal(y2.Encode(), enc) {
			t.Fatalf("round trip differs:\n%s\n%s", enc, y2.Encode())
		}
		c := New()
		if year, err := c.Load(raw); err != nil || year != y.Year() || !c.HasYear(year) {
			t.Fatalf("Load = %d, %v", year, err)
		}
	})
}
