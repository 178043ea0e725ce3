package core_test

import (
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
