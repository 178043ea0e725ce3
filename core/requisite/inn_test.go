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

func TestKPP(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"773601001", nil},
		{"770401001", nil},
		{"7736AB001", nil},
		{"7736ab001", requisite.ErrFormat},
		{"77360100", requisite.ErrLength},
		{"", requisite.ErrEmpty},
		{"77A601001", requisite.ErrFormat},
	}
	for _, tt := range tests {
		if got := requisite.KPP(tt.in); !errors.Is(got, tt.want) {
			t.Errorf("KPP(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestOGRN(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"1027700132195", nil},
		{"1027700229193", nil},
		{"1027700070518", nil},
		{"1022200525819", nil},
		{"304500116000157", nil},
		{"385768585948949", nil},
		{"304500116000050", nil}, // remainder 10: the lowest digit counts
		{"1022500001328", requisite.ErrChecksum},
		{"1027700132196", requisite.ErrChecksum},
		{"304500116000158", requisite.ErrChecksum},
		{"3045001160001", requisite.ErrChecksum},
		{"30450011600015", requisite.ErrLength},
		{"0027700132195", requisite.ErrFormat},
		{"", requisite.ErrEmpty},
	}
	for _, tt := range tests {
		if got := requisite.OGRN(tt.in); !errors.Is(got, tt.want) {
			t.Errorf("OGRN(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
