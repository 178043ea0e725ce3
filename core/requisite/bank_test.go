package requisite_test

import (
	"errors"
	"testing"

	"github.com/dealdesk/dealdesk/core/requisite"
)

// Values from shared/docs/external-services.md, section 1.6–1.7.

func TestBIK(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"044525225", nil},                 // Sberbank, Moscow
		{"044525593", nil},                 // Alfa-Bank
		{"044525187", nil},                 // VTB
		{"044525974", nil},                 // T-Bank
		{"017003983", nil},                 // UFK Tula
		{"024501901", nil},                 // treasury
		{"004525988", nil},                 // treasury, leading 00
		{"044030653", nil},                 // Sberbank, St Petersburg
		{"823397286", requisite.ErrFormat}, // synthetic BIK of the open-condo sample: not 0…
		{"04452522", requisite.ErrLength},
		{"0445252250", requisite.ErrLength},
		{"04452522a", requisite.ErrDigits},
		{"044 525 225", requisite.ErrDigits}, // Clean first
		{"", requisite.ErrEmpty},
	}
	for _, tt := range tests {
		if got := requisite.BIK(tt.in); !errors.Is(got, tt.want) {
			t.Errorf("BIK(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestSettlementAccount(t *testing.T) {
	tests := []struct {
		bik, acc string
		want     error
	}{
		{"823397286", "50286516400000008106", nil}, // open-condo sample (synthetic BIK: the key needs only 9 digits)
		{"044525225", "40702810938000012345", nil}, // synthetic р/с at Sberbank
		{"823397286", "50286516400000008107", requisite.ErrChecksum},
		{"044525225", "40702810938000012346", requisite.ErrChecksum},
		{"044525593", "40702810938000012345", requisite.ErrChecksum}, // same account, another bank
		{"044525225", "4070281093800001234", requisite.ErrLength},
		{"044525225", "407028109380000123456", requisite.ErrLength},
		{"044525225", "4070281093800001234O", requisite.ErrDigits},
		{"044525225", "", requisite.ErrEmpty},
		{"", "40702810938000012345", requisite.ErrNoBIK},
		{"04452522", "40702810938000012345", requisite.ErrNoBIK},
		{"04452522x", "40702810938000012345", requisite.ErrNoBIK},
	}
	for _, tt := range tests {
		if got := requisite.SettlementAccount(tt.bik, tt.acc); !errors.Is(got, tt.want) {
			t.Errorf("SettlementAccount(%q, %q) = %v, want %v", tt.bik, tt.acc, got, tt.want)
		}
	}
}

func TestCorrespondentAccount(t *testing.T) {
	tests := []struct {
		bik, acc string
		want     error
	}{
		{"044525225", "30101810400000000225", nil},                   // Sberbank
		{"044525593", "30101810200000000593", nil},                   // Alfa-Bank
		{"044525187", "30101810700000000187", nil},                   // VTB
		{"044525974", "30101810145250000974", nil},                   // T-Bank
		{"044525225", "30101810500000000225", requisite.ErrChecksum}, // wrong key
		// The trap: Sberbank's к/с passes the key with Alfa-Bank's BIK
		// (same digits 5–6); only the tail tells them apart.
		{"044525593", "30101810400000000225", requisite.ErrBankMismatch},
		// Sberbank's к/с with a BIK with other digits 5–6: the key fails
		// too, the tail is reported first.
		{"044030653", "30101810400000000225", requisite.ErrBankMismatch},
		{"044525225", "40702810938000012345", requisite.ErrFormat}, // a р/с, not 301…
		{"044525225", "30101810400000000226", requisite.ErrBankMismatch},
		{"044525225", "3010181040000000022", requisite.ErrLength},
		{"044525225", "301018104000000002x5", requisite.ErrDigits},
		{"044525225", "", requisite.ErrEmpty},
		{"", "30101810400000000225", requisite.ErrNoBIK},
	}
	for _, tt := range tests {
		if got := requisite.CorrespondentAccount(tt.bik, tt.acc); !errors.Is(got, tt.want) {
			t.Errorf("CorrespondentAccount(%q, %q) = %v, want %v", tt.bik, tt.acc, got, tt.want)
		}
	}
}

func TestTreasuryAccount(t *testing.T) {
	tests := []struct {
		bik, acc string
		want     error
	}{
		{"017003983", "40102810445370000059", nil}, // ЕКС for tax payments (ЕНП)
		{"024501901", "40102810045370000002", nil},
		{"004525988", "40102810545370000003", nil},
		{"017003983", "03100643000000018500", nil}, // treasury account: structure only
		{"", "03100643000000018500", nil},          // the BIK is not used for 03…
		{"017003983", "40102810445370000058", requisite.ErrChecksum},
		{"024501901", "40102810445370000059", requisite.ErrChecksum}, // ЕКС of another TOFK
		{"", "40102810445370000059", requisite.ErrNoBIK},
		{"017003983", "0310064300000001850", requisite.ErrLength},
		{"017003983", "0310064300000001850X", requisite.ErrDigits},
		{"044525225", "40702810938000012345", requisite.ErrFormat}, // not a treasury account
		{"044525225", "30101810400000000225", requisite.ErrFormat},
		{"017003983", "", requisite.ErrEmpty},
	}
	for _, tt := range tests {
		if got := requisite.TreasuryAccount(tt.bik, tt.acc); !errors.Is(got, tt.want) {
			t.Errorf("TreasuryAccount(%q, %q) = %v, want %v", tt.bik, tt.acc, got, tt.want)
		}
	}
}

func TestIsTreasuryAccount(t *testing.T) {
	for acc, want := range map[string]bool{
		"03100643000000018500": true,
		"40102810445370000059": true,
		"40702810938000012345": false,
		"30101810400000000225": false,
		"0310":                 false,
		"":                     false,
	} {
		if got := requisite.IsTreasuryAccount(acc); got != want {
			t.Errorf("IsTreasuryAccount(%q) = %v, want %v", acc, got, want)
		}
	}
}
