package requisite_test

import (
	"errors"
	"testing"

	"github.com/dealdesk/dealdesk/core/requisite"
)

func TestINN(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"7707083893", nil}, // Sberbank
		{"7736207543", nil}, // Yandex
		{"7736050003", nil}, // Gazprom
		{"1234567894", nil},
		{"123456789047", nil},
		{"1234567895", requisite.ErrChecksum},
		{"7707083894", requisite.ErrChecksum},
		{"123456789037", requisite.ErrChecksum},
		{"123456789057", requisite.ErrChecksum},
		{"770708389", requisite.ErrLength},
		{"77070838931", requisite.ErrLength},
		{"77070838a3", requisite.ErrDigits},
		{"", requisite.ErrEmpty},
	}
	for _, tt := range tests {
		if got := requisite.INN(tt.in); !errors.Is(got, tt.want) {
			t.Errorf("INN(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestClean(t *testing.T) {
	if got, want := requisite.Clean(" 7707 083\u00a0893 "), "7707083893"; got != want {
		t.Fatalf("Clean = %q, want %q", got, want)
	}
}

func FuzzINN(f *testing.F) {
	for _, s := range []string{"7707083893", "123456789047", "", "abc", "12345678901234"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if requisite.INN(s) == nil && len(s) != 10 && len(s) != 12 {
			t.Fatalf("INN(%q) accepted a value of length %d", s, len(s))
		}
	})
}
