package core_test

import (
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

func TestParseMoney(t *testing.T) {
	tests := []struct {
		in   string
		want core.Money
		ok   bool
	}{
		{"1 234 567,89", 123456789, true},
		{"1234567.89", 123456789, true},
		{"150000 ₽", 15000000, true},
		{"150 000 руб.", 15000000, true},
		{"10,5", 1050, true},
		{"0", 0, true},
		{"", 0, false},
		{"-5", 0, false},
		{"1,234", 0, false},
		{"abc", 0, false},
		{"1.", 0, false},
		{"9999999999999999", 0, false},
	}
	for _, tt := range tests {
		got, err := core.ParseMoney(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseMoney(%q) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && core.ErrorCode(err) != core.EINVALID {
			t.Errorf("ParseMoney(%q) code = %s", tt.in, core.ErrorCode(err))
		}
	}
}

func TestParseDate(t *testing.T) {
	loc := core.Location("")
	now := time.Date(2026, 11, 28, 10, 0, 0, 0, loc)
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"05.12.2026", time.Date(2026, 12, 5, 18, 0, 0, 0, loc), true},
		{"2026-12-05", time.Date(2026, 12, 5, 18, 0, 0, 0, loc), true},
		{"05.12.2026 09:30", time.Date(2026, 12, 5, 9, 30, 0, 0, loc), true},
		{"01.02", time.Date(2027, 2, 1, 18, 0, 0, 0, loc), true},
		{"30.11", time.Date(2026, 11, 30, 18, 0, 0, 0, loc), true},
		{"завтра", time.Date(2026, 11, 29, 18, 0, 0, 0, loc), true},
		{"Today 12:00", time.Date(2026, 11, 28, 12, 0, 0, 0, loc), true},
		{"+3", time.Date(2026, 12, 1, 18, 0, 0, 0, loc), true},
		{"31.02.2026", time.Time{}, false},
		{"yesterday", time.Time{}, false},
		{"05.12.2026 25:00", time.Time{}, false},
	}
	for _, tt := range tests {
		got, err := core.ParseDate(tt.in, now, loc)
		if (err == nil) != tt.ok || !got.Equal(tt.want) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
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
	got, err := core.ParseDate("29.02", time.Date(2026, 11, 28, 10, 0, 0, 0, loc), loc)
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
