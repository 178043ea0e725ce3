package core_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

func TestParseMoney(t *testing.T) {
	tests := []struct {
		in, lang string
		want     core.Money
		key      string // the error's key; "" when read
	}{
		{"1 234 567,89", "ru", 123456789, ""},
		{"1234567.89", "ru", 123456789, ""},
		{"150000 ₽", "ru", 15000000, ""},
		{"150 000 руб.", "ru", 15000000, ""},
		{"10,5", "ru", 1050, ""},
		{"0", "ru", 0, ""}, // a number; ValidateAmount refuses it for a deal
		{"", "ru", 0, "err.amount.format"},
		{"1,234", "ru", 0, "err.amount.ambiguous"},
		{"abc", "ru", 0, "err.amount.format"},
		{"1.", "ru", 0, "err.amount.format"},
		{"9999999999999999", "ru", 0, "err.amount.too_large"},
		// Both languages' forms, in either language (issue 8, item 4).
		{"1,234,567.89", "en", 123456789, ""},
		{"1,234,567.89", "ru", 123456789, ""},
		{"₽1,234,567.89", "en", 123456789, ""},
		{"1,234,567.89 RUB", "en", 123456789, ""},
		{"1\u00a0234\u00a0567,89\u00a0₽", "en", 123456789, ""},
		{"1\u202f234\u202f567,89 руб.", "ru", 123456789, ""},
		{"1.234.567,89", "ru", 123456789, ""},
		{"1,234,567", "ru", 123456700, ""},
		{"10.5", "en", 1050, ""},
		{"10,50", "en", 1050, ""},
		// Three digits after one separator: the language decides.
		{"1,234", "en", 123400, ""},
		{"1.234", "en", 0, "err.amount.ambiguous"},
		{"1.234", "ru", 0, "err.amount.ambiguous"},
		{"12345,678", "en", 0, "err.amount.format"},
		{"12345,678", "ru", 0, "err.amount.format"},
		// Thousands groups are checked.
		{"1,23,456", "en", 0, "err.amount.format"},
		{"1,234.5.6", "en", 0, "err.amount.format"},
		{"1.234,567", "ru", 0, "err.amount.format"},
		// The rule, not «I don't understand» (issue 8, item 10).
		{"-100", "ru", 0, "err.amount.negative"},
		{"−100 ₽", "ru", 0, "err.amount.negative"},
		{"-₽100.00", "en", 0, "err.amount.negative"},
		{"12345678901234567890123456", "ru", 0, "err.amount.too_large"},
		{"999 999 999 999 999,99", "ru", core.MaxAmount, ""},
	}
	for _, tt := range tests {
		got, err := core.ParseMoney(tt.in, tt.lang)
		key, _ := core.ErrorKey(err)
		if err == nil {
			key = ""
		}
		if got != tt.want || key != tt.key {
			t.Errorf("ParseMoney(%q, %s) = %d, %v; want %d, %q", tt.in, tt.lang, got, err, tt.want, tt.key)
		}
		if err != nil && core.ErrorCode(err) != core.EINVALID {
			t.Errorf("ParseMoney(%q) code = %s", tt.in, core.ErrorCode(err))
		}
	}
}

// TestValidateAmount: a deal's amount is more than zero and at most
// MaxAmount, each refusal with its own rule.
func TestValidateAmount(t *testing.T) {
	for m, key := range map[core.Money]string{0: "err.amount.zero", -1: "err.amount.negative",
		core.MaxAmount + 1: "err.amount.too_large", 1: "", core.MaxAmount: ""} {
		err := core.ValidateAmount(m)
		if got, _ := core.ErrorKey(err); err != nil && got != key || err == nil && key != "" {
			t.Errorf("ValidateAmount(%d) = %v; want %q", m, err, key)
		}
	}
}

func TestParseDate(t *testing.T) {
	loc := core.Location("")
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, loc)
	tests := []struct {
		in        string
		want      time.Time
		defaulted bool // no time was typed: 18:00
		ok        bool
	}{
		{"05.12.2026", time.Date(2026, 12, 5, 18, 0, 0, 0, loc), true, true},
		{"2026-12-05", time.Date(2026, 12, 5, 18, 0, 0, 0, loc), true, true},
		{"05.12.2026 09:30", time.Date(2026, 12, 5, 9, 30, 0, 0, loc), false, true},
		{"05.12.2026 18:00", time.Date(2026, 12, 5, 18, 0, 0, 0, loc), false, true},
		{"01.02", time.Date(2027, 2, 1, 18, 0, 0, 0, loc), true, true},
		{"30.11", time.Date(2026, 11, 30, 18, 0, 0, 0, loc), true, true},
		{"завтра", time.Date(2026, 11, 29, 18, 0, 0, 0, loc), true, true},
		{"Today 12:00", time.Date(2026, 11, 28, 12, 0, 0, 0, loc), false, true},
		{"+3", time.Date(2026, 12, 1, 18, 0, 0, 0, loc), true, true},
		{"31.02.2026", time.Time{}, false, false},
		{"yesterday", time.Time{}, false, false},
		{"05.12.2026 25:00", time.Time{}, false, false},
	}
	for _, tt := range tests {
		got, defaulted, err := core.ParseDate(tt.in, now, loc)
		if (err == nil) != tt.ok || !got.Equal(tt.want) || defaulted != tt.defaulted {
			t.Errorf("ParseDate(%q) = %v, %v, %v; want %v, %v, ok=%v", tt.in, got, defaulted, err, tt.want, tt.defaulted, tt.ok)
		}
	}
}

// TestValidateDeadline: a deadline that has passed is refused with the
// rule, naming it and now; now itself and later pass.
func TestValidateDeadline(t *testing.T) {
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	err := core.ValidateDeadline(now.Add(-time.Minute), now)
	if key, args := core.ErrorKey(err); key != "err.date.past" || args["Now"] != now {
		t.Fatalf("past deadline = %v; want err.date.past naming now", err)
	}
	for _, ok := range []time.Time{now, now.Add(time.Minute), {}} {
		if err := core.ValidateDeadline(ok, now); err != nil {
			t.Errorf("ValidateDeadline(%v) = %v", ok, err)
		}
	}
}

func TestNormalizeName(t *testing.T) {
	got := core.NormalizeName("  ООО  «Ёлка-Палка»\t")
	if want := "ооо елка-палка"; got != want {
		t.Fatalf("NormalizeName = %q, want %q", got, want)
	}
}

func TestParseDateLeapDay(t *testing.T) {
	loc := core.Location("")
	got, _, err := core.ParseDate("29.02", time.Date(2026, 11, 28, 10, 0, 0, 0, loc), loc)
	if want := time.Date(2028, 2, 29, 18, 0, 0, 0, loc); err != nil || !got.Equal(want) {
		t.Fatalf("29.02 = %v, %v; want %v", got, err, want)
	}
}

func TestParseDealNumber(t *testing.T) {
	for in, want := range map[string]string{"D-2026-0001": "D-2026-0001", "d-2026-1": "D-2026-0001",
		" D-2027-12345 ": "D-2027-12345", "Д-2026-7": "D-2026-0007"} {
		if got, ok := core.ParseDealNumber(in); !ok || got != want {
			t.Errorf("ParseDealNumber(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, bad := range []string{"D-2026-0001 extra", "D-1", "foo", "D-1999-1", "D-2026-0"} {
		if got, ok := core.ParseDealNumber(bad); ok {
			t.Errorf("ParseDealNumber(%q) = %q, accepted", bad, got)
		}
	}
}

func TestNameKey(t *testing.T) {
	for in, want := range map[string]string{
		"ООО «Ромашка»": "ромашка",
		`Общество с ограниченной ответственностью "РОМАШКА"`: "ромашка",
		"ПАО Сбербанк": "сбербанк",
		"Публичное акционерное общество «Сбербанк России»": "сбербанк россии",
		"ИП Иванов Иван Иванович":                          "иванов иван иванович",
		"АО «Ёлка-Палка»":                                  "елка палка",
		"Ромашка, ООО":                                     "ромашка",
		"Аорта":                                            "аорта",
		"Федеральное государственное унитарное предприятие «Почта»": "почта",
		"OOO «Ромашка»": "ромашка", // Latin O's
	} {
		if got := core.NameKey(in); got != want {
			t.Errorf("NameKey(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestParseDeadline: deadlines as written in a sentence, in both languages,
// from Saturday 28.11.2026 10:00 in Moscow; a day alone gets the default
// time and says so.
func TestParseDeadline(t *testing.T) {
	loc := core.Location("")
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, loc)
	at := func(day, h, m int) time.Time { return time.Date(2026, 11, day, h, m, 0, 0, loc) }
	tests := []struct {
		in        string
		want      time.Time
		defaulted bool
	}{
		{"до завтра 12:00", at(29, 12, 0), false},
		{"до 15.12.2026", time.Date(2026, 12, 15, 18, 0, 0, 0, loc), true},
		{"до 15.12.", time.Date(2026, 12, 15, 18, 0, 0, 0, loc), true},
		{"до пятницы", at(34, 18, 0), true},
		{"к пятнице", at(34, 18, 0), true},
		{"в пятницу в 12:00", at(34, 12, 0), false},
		{"в пт 9:30", at(34, 9, 30), false},
		{"в субботу", at(35, 18, 0), true}, // today is Saturday: the next one
		{"к среде", at(32, 18, 0), true},
		{"сегодня 18:00", at(28, 18, 0), false},
		{"Сегодня в 18:00,", at(28, 18, 0), false},
		{"послезавтра", at(30, 18, 0), true},
		{"через 3 дня", at(31, 18, 0), true},
		{"через неделю в 10:00", at(35, 10, 0), false},
		{"до 15:00", at(28, 15, 0), false},
		{"на завтра", at(29, 18, 0), true},
		{"by tomorrow 12:00", at(29, 12, 0), false},
		{"by Friday", at(34, 18, 0), true},
		{"on Monday at 9:30", at(30, 9, 30), false},
		{"until 15.12.2026 17:00", time.Date(2026, 12, 15, 17, 0, 0, 0, loc), false},
		{"in 2 days", at(30, 18, 0), true},
		{"in a week", at(35, 18, 0), true},
		{"tomorrow at 9:05", at(29, 9, 5), false},
	}
	for _, tt := range tests {
		got, defaulted, err := core.ParseDeadline(tt.in, now, loc)
		if err != nil || !got.Equal(tt.want) || defaulted != tt.defaulted {
			t.Errorf("ParseDeadline(%q) = %v, %v, %v; want %v, %v", tt.in, got, defaulted, err, tt.want, tt.defaulted)
		}
	}
	for _, bad := range []string{"", "до", "до офиса", "в среде", "в тестовой среде", "пятница 25:00", "завтра утром",
		"через три дня", "31.02.2026", "yesterday", "до завтра 12:00 D-2026-0001"} {
		if got, _, err := core.ParseDeadline(bad, now, loc); core.ErrorCode(err) != core.EINVALID {
			t.Errorf("ParseDeadline(%q) = %v, %v; want err.date.format", bad, got, err)
		} else if key, _ := core.ErrorKey(err); key != "err.date.format" {
			t.Errorf("ParseDeadline(%q): key %s", bad, key)
		}
	}
}

// TestParseDeadlineReadsWhatParseDateReads: the sentence form is a
// superset, so the due step of a dialog loses nothing it read before.
func TestParseDeadlineReadsWhatParseDateReads(t *testing.T) {
	loc := core.Location("")
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, loc)
	for _, in := range []string{"05.12.2026", "2026-12-05", "05.12.2026 09:30", "01.02", "30.11", "29.02", "завтра",
		"Today 12:00", "tomorrow 9:05", "+3", "+0", "05.12.26", "5.1.2027"} {
		want, wantDefault, err := core.ParseDate(in, now, loc)
		if err != nil {
			t.Fatalf("ParseDate(%q): %v", in, err)
		}
		if got, defaulted, err := core.ParseDeadline(in, now, loc); err != nil || !got.Equal(want) || defaulted != wantDefault {
			t.Errorf("ParseDeadline(%q) = %v, %v, %v; ParseDate gives %v, %v", in, got, defaulted, err, want, wantDefault)
		}
	}
}

// TestCutDeadline: a deadline at the end or the start of a sentence is cut
// off; a date that is part of the title, or words that only look like a
// day, stay; a deadline clearly meant but wrong is an error.
func TestCutDeadline(t *testing.T) {
	loc := core.Location("")
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, loc)
	tests := []struct {
		in, rest, text string
		want           time.Time
		defaulted      bool
	}{
		{"Позвонить клиенту до завтра 12:00", "Позвонить клиенту", "до завтра 12:00",
			time.Date(2026, 11, 29, 12, 0, 0, 0, loc), false},
		{"до пятницы подготовить договор", "подготовить договор", "до пятницы",
			time.Date(2026, 12, 4, 18, 0, 0, 0, loc), true},
		{"Отправить КП сегодня 18:00", "Отправить КП", "сегодня 18:00", time.Date(2026, 11, 28, 18, 0, 0, 0, loc), false},
		{"Отправить КП  до 15.12.2026.", "Отправить КП", "до 15.12.2026.", time.Date(2026, 12, 15, 18, 0, 0, 0, loc), true},
		{"Созвон в пятницу в 11:30", "Созвон", "в пятницу в 11:30", time.Date(2026, 12, 4, 11, 30, 0, 0, loc), false},
		{"Call the client by tomorrow 12:00", "Call the client", "by tomorrow 12:00",
			time.Date(2026, 11, 29, 12, 0, 0, 0, loc), false},
		{"Send the contract on Friday", "Send the contract", "on Friday", time.Date(2026, 12, 4, 18, 0, 0, 0, loc), true},
		{"Позвонить +3", "Позвонить", "+3", time.Date(2026, 12, 1, 18, 0, 0, 0, loc), true},
		{"до завтра", "", "до завтра", time.Date(2026, 11, 29, 18, 0, 0, 0, loc), true}, // the title is asked
		// A date alone at the end is the deadline (review of issue 8).
		{"Подписать договор 15.12.2026", "Подписать договор", "15.12.2026", time.Date(2026, 12, 15, 18, 0, 0, 0, loc), true},
		{"Отправить КП 15.12", "Отправить КП", "15.12", time.Date(2026, 12, 15, 18, 0, 0, 0, loc), true},
		{"Отправить КП 15.12.", "Отправить КП", "15.12.", time.Date(2026, 12, 15, 18, 0, 0, 0, loc), true},
		{"Send the offer 2026-12-15", "Send the offer", "2026-12-15", time.Date(2026, 12, 15, 18, 0, 0, 0, loc), true},
		{"Проверить платёж от 01.12.2026 до 15.12", "Проверить платёж от 01.12.2026", "до 15.12",
			time.Date(2026, 12, 15, 18, 0, 0, 0, loc), true},
	}
	for _, tt := range tests {
		rest, d, found, err := core.CutDeadline(tt.in, now, loc)
		if err != nil || !found || rest != tt.rest || d.Text != tt.text || !d.At.Equal(tt.want) || d.Defaulted != tt.defaulted {
			t.Errorf("CutDeadline(%q) = %q, %+v, %v, %v; want %q, %q at %v (default %v)", tt.in, rest, d, found, err,
				tt.rest, tt.text, tt.want, tt.defaulted)
		}
	}
	for _, keep := range []string{"Проверить платёж от 01.12.2026", "Развернуть в тестовой среде", "Довезти документы до офиса",
		"Настроить среду", "Обсудить договор № 15", "Проверить платёж от 01.12.2026 12:00", "Сверить отчёт за 01.12",
		"Check the invoice of 01.12.2026", "Акт № 15.12", "15.12 отправить КП", "Обновить прайс 2026"} {
		if rest, d, found, err := core.CutDeadline(keep, now, loc); found || err != nil || rest != keep {
			t.Errorf("CutDeadline(%q) = %q, %+v, %v, %v; want no deadline", keep, rest, d, found, err)
		}
	}
	for _, wrong := range []string{"Позвонить до 31.02", "Call by 15.13.2026 12:00"} {
		if _, _, found, err := core.CutDeadline(wrong, now, loc); !found || core.ErrorCode(err) != core.EINVALID {
			t.Errorf("CutDeadline(%q) = %v, %v; want a wrong deadline", wrong, found, err)
		}
	}
}

// FuzzCutDeadline: a deadline cut from any sentence is a whole minute in
// the zone, at the default hour when defaulted, reads back from its text
// as the same moment, and the rest is the sentence without those words.
func FuzzCutDeadline(f *testing.F) {
	for _, s := range []string{"Позвонить клиенту до завтра 12:00", "до пятницы подготовить договор", "Созвон в пт 9:30",
		"Call the client by tomorrow 12:00", "Проверить платёж от 01.12.2026", "Позвонить до 31.02", "в среде", "к среде",
		"через 3 дня", "in a week", "+3", "12:00", "до", "", " \t ", "до 15.12.2026.", "Call by 15.13.2026 12:00",
		"Созвон сегодня в 25:00", "через 99999999999999999999 дней", "\xff до завтра"} {
		f.Add(s)
	}
	loc := core.Location("")
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, loc)
	f.Fuzz(func(t *testing.T, s string) {
		rest, d, found, err := core.CutDeadline(s, now, loc)
		if err != nil {
			if !found || core.ErrorCode(err) != core.EINVALID || !d.At.IsZero() {
				t.Fatalf("CutDeadline(%q) = %q, %+v, %v, %v", s, rest, d, found, err)
			}
			return
		}
		if !found {
			if rest != strings.Join(strings.Fields(s), " ") {
				t.Fatalf("CutDeadline(%q) found nothing but changed it to %q", s, rest)
			}
			return
		}
		if d.At.Location() != loc || d.At.Second() != 0 || d.At.Nanosecond() != 0 ||
			d.Defaulted && (d.At.Hour() != core.DefaultHour || d.At.Minute() != 0) {
			t.Fatalf("CutDeadline(%q) = %+v", s, d)
		}
		if back, defaulted, err := core.ParseDeadline(d.Text, now, loc); err != nil || !back.Equal(d.At) || defaulted != d.Defaulted {
			t.Fatalf("CutDeadline(%q) = %+v, which reads back as %v, %v, %v", s, d, back, defaulted, err)
		}
		whole := strings.Fields(s)
		cut := strings.Fields(d.Text)
		left := strings.Fields(rest)
		if len(left)+len(cut) != len(whole) || !(slices.Equal(whole[:len(left)], left) && slices.Equal(whole[len(left):], cut) ||
			slices.Equal(whole[:len(cut)], cut) && slices.Equal(whole[len(cut):], left)) {
			t.Fatalf("CutDeadline(%q) = %q + %q: not the sentence cut at one end", s, rest, d.Text)
		}
	})
}
