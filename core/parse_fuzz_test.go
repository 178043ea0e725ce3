package core_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/locales"
)

var fuzzLocales = locales.MustLoad()

// maxMoney is the largest amount ParseMoney reads: 15 digits of rubles.
const maxMoney = core.MaxAmount

func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"1 234 567,89", "1234567.89", "150000 ₽", "150 000 руб.", "10,5", "0", "0,01",
		"1\u00a0234\u00a0567,89\u00a0₽", "1\u202f000 р.", "1'000'000 RUB", "999999999999999,99", "  7 руб  ",
		"", "-5", "1,234", "abc", "1.", ".5", "1..2", "9999999999999999", "₽", "руб.", "1,2,3", "+5", "1e3",
		"５", "١٢٣", "1 000,000", "0x10", "\xff", "1\t000", "1,234,567.89", "₽1,234.00", "1.234,56", "1,234",
		"1.234", "−100", "-₽5", "1,23,456", "12345678901234567890123456"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, english bool) {
		lang := "ru"
		if english {
			lang = "en"
		}
		m, err := core.ParseMoney(s, lang)
		if err != nil {
			if m != 0 || core.ErrorCode(err) != core.EINVALID {
				t.Fatalf("ParseMoney(%q) = %d, %v; want 0 and an EINVALID error", s, m, err)
			}
			return
		}
		if m < 0 || m > maxMoney {
			t.Fatalf("ParseMoney(%q) = %d, out of range", s, m)
		}
		// What is shown to the user, in either language, reads back as the
		// same amount in either language.
		for _, shownIn := range locales.Languages {
			shown := fuzzLocales.Printer(shownIn, nil).Money(m)
			for _, readIn := range locales.Languages {
				if back, err := core.ParseMoney(shown, readIn); err != nil || back != m {
					t.Fatalf("ParseMoney(%q) = %d, shown as %q, which reads back in %s as %d, %v", s, m, shown, readIn, back, err)
				}
			}
		}
		// A plain form of it too.
		plain := strconv.FormatInt(int64(m)/100, 10) + "," + strconv.FormatInt(int64(m)%100/10, 10) + strconv.FormatInt(int64(m)%10, 10)
		if back, err := core.ParseMoney(plain, lang); err != nil || back != m {
			t.Fatalf("ParseMoney(%q) = %d; %q reads back as %d, %v", s, m, plain, back, err)
		}
		if again, err := core.ParseMoney(s, lang); err != nil || again != m {
			t.Fatalf("ParseMoney(%q) is not deterministic: %d then %d, %v", s, m, again, err)
		}
	})
}

// FuzzMoneyRoundTrip checks the other direction: every amount ParseMoney
// can hold, as either language's printer shows it, reads back unchanged in
// either language.
func FuzzMoneyRoundTrip(f *testing.F) {
	for _, n := range []int64{0, 1, 99, 100, 123456789, 15000000, int64(maxMoney), int64(maxMoney) + 1, -1, -100} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, n int64) {
		m := core.Money(n)
		for _, shownIn := range locales.Languages {
			shown := fuzzLocales.Printer(shownIn, nil).Money(m)
			for _, readIn := range locales.Languages {
				back, err := core.ParseMoney(shown, readIn)
				switch {
				case m < 0 || m > maxMoney:
					if err == nil {
						t.Fatalf("%d shown as %q read back in %s as %d; want an error", m, shown, readIn, back)
					}
				case err != nil || back != m:
					t.Fatalf("%d shown as %q reads back in %s as %d, %v", m, shown, readIn, back, err)
				}
			}
		}
	})
}

// fuzzZones are time zones to read dates in: the default, UTC and zones
// with daylight saving time (Sao Paulo's used to start at midnight).
var fuzzZones = func() []*time.Location {
	zones := []*time.Location{core.Location(""), time.UTC}
	for _, name := range []string{"Europe/Berlin", "America/Sao_Paulo", "Asia/Kolkata"} {
		if loc, err := time.LoadLocation(name); err == nil {
			zones = append(zones, loc)
		}
	}
	return zones
}()

func FuzzParseDate(f *testing.F) {
	base := time.Date(2026, 11, 28, 10, 0, 0, 0, core.Location("")).Unix()
	for _, s := range []string{"05.12.2026", "2026-12-05", "05.12.2026 09:30", "01.02", "30.11", "29.02", "5.1", "5.1.2027",
		"05.12.26", "завтра", "Сегодня", "Today 12:00", "tomorrow 9:05", "+3", "+0", "+3660", "+3661", "31.02.2026",
		"yesterday", "05.12.2026 25:00", "05.12.2026 12:60", "", " ", "+", "+-1", "1999-12-31", "2101-01-01",
		"00.00", "32.01", "05.12.2026  15:30", "05.12.2026 15:30 extra", "29.02.2027", "+99999999999999999999", "\xff"} {
		f.Add(s, int64(0), uint8(0))
	}
	f.Add("31.03", int64(-3600*24*300), uint8(2))
	f.Add("+1 02:30", int64(3600*24*122), uint8(2)) // the night clocks go forward in Berlin
	f.Fuzz(func(t *testing.T, s string, shift int64, zone uint8) {
		loc := fuzzZones[int(zone)%len(fuzzZones)]
		// The clock stays within 2000-2080: DealDesk runs now, and the
		// parser reads years up to 2100.
		const span = 80 * 365 * 24 * 3600
		now := time.Unix(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).Unix()+((base-946684800+shift)%span+span)%span, 0)
		got, defaulted, err := core.ParseDate(s, now, loc)
		if err != nil {
			if !got.IsZero() || defaulted || core.ErrorCode(err) != core.EINVALID {
				t.Fatalf("ParseDate(%q) = %v, %v; want a zero time and an EINVALID error", s, got, err)
			}
			return
		}
		if got.Location() != loc || got.Second() != 0 || got.Nanosecond() != 0 {
			t.Fatalf("ParseDate(%q, %v, %v) = %v: not a whole minute in the zone", s, now, loc, got)
		}
		today := time.Date(now.In(loc).Year(), now.In(loc).Month(), now.In(loc).Day(), 0, 0, 0, 0, loc)
		if got.Year() < 2000 || got.Year() > 2100 && got.After(today.AddDate(10, 1, 2)) {
			t.Fatalf("ParseDate(%q, %v) = %v: out of range", s, now, got)
		}
		// The default time is said exactly when no time was typed.
		if typedTime := strings.Contains(strings.TrimSpace(s), " "); defaulted == typedTime ||
			defaulted && (got.Hour() != core.DefaultHour || got.Minute() != 0) {
			t.Fatalf("ParseDate(%q) = %v, defaulted %v", s, got, defaulted)
		}
		// Shown to the user, in either language, the date reads back as
		// the same moment; shown without the time, as that day at 18:00.
		for _, lang := range locales.Languages {
			p := fuzzLocales.Printer(lang, loc)
			shown := p.DateTime(got)
			if back, _, err := core.ParseDate(shown, now, loc); err != nil || !back.Equal(got) {
				t.Fatalf("ParseDate(%q, %v, %v) = %v, shown as %q, which reads back as %v, %v", s, now, loc, got, shown, back, err)
			}
			day := p.Date(got)
			want := time.Date(got.Year(), got.Month(), got.Day(), 18, 0, 0, 0, loc)
			if back, _, err := core.ParseDate(day, now, loc); err != nil || !back.Equal(want) {
				t.Fatalf("ParseDate(%q) = %v, its day %q reads back as %v, %v; want %v", s, got, day, back, err, want)
			}
		}
		// Case and outer space do not matter.
		if again, _, err := core.ParseDate("  "+strings.ToUpper(s)+"\t", now, loc); err != nil || !again.Equal(got) {
			t.Fatalf("ParseDate(%q) = %v, but the upper-case form gives %v, %v", s, got, again, err)
		}
	})
}

var canonicalDeal = regexp.MustCompile(`^D-(\d{4})-(\d{4,6})$`)

func FuzzParseDealNumber(f *testing.F) {
	for _, s := range []string{"D-2026-0001", "d-2026-1", " D-2027-12345 ", "Д-2026-7", "д-2030-000123", "D-2026-999999",
		"D-2026-0001 extra", "D-1", "foo", "D-1999-1", "D-2026-0", "D-2026-1234567", "D-20260-1", "D–2026–1", "D-٢٠٢٦-1",
		"D-2026-", "-2026-1", "DD-2026-1", "", "\u00a0D-2026-1\u00a0", "D-2026-0001\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := core.ParseDealNumber(s)
		if !ok {
			if got != "" {
				t.Fatalf("ParseDealNumber(%q) = %q, refused", s, got)
			}
			return
		}
		m := canonicalDeal.FindStringSubmatch(got)
		if m == nil {
			t.Fatalf("ParseDealNumber(%q) = %q, not canonical", s, got)
		}
		y, _ := strconv.Atoi(m[1])
		n, _ := strconv.ParseUint(m[2], 10, 64)
		if y < 2000 || n == 0 || core.DealNumber(y, n) != got {
			t.Fatalf("ParseDealNumber(%q) = %q", s, got)
		}
		// The number typed is the number given, leading zeros aside.
		typed := strings.TrimSpace(s)
		if i := strings.LastIndexByte(typed, '-'); strings.TrimLeft(typed[i+1:], "0") != strings.TrimLeft(m[2], "0") ||
			!strings.Contains(typed, "-"+m[1]+"-") {
			t.Fatalf("ParseDealNumber(%q) = %q: another number", s, got)
		}
		for _, again := range []string{got, strings.ToLower(got), "Д" + got[1:], " " + got + "\n"} {
			if back, ok := core.ParseDealNumber(again); !ok || back != got {
				t.Fatalf("ParseDealNumber(%q) = %q, but %q gives %q, %v", s, got, again, back, ok)
			}
		}
	})
}
