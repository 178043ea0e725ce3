package requisite

import "testing"

// TestKey runs the 7-1-3 key on every account of section 1.7 of
// external-services.md with both prefixes, as the reference script does
// (rs_ok: BIK[6:9], ks_ok: "0"+BIK[4:6]), so that a change in keyOK shows
// up here even where the public checks stop earlier (tail, prefix).
func TestKey(t *testing.T) {
	tests := []struct {
		bik, acc string
		rs, ks   bool
	}{
		{"044525225", "30101810400000000225", false, true},
		{"044525593", "30101810200000000593", false, true},
		{"044525187", "30101810700000000187", false, true},
		{"044525974", "30101810145250000974", false, true},
		{"017003983", "40102810445370000059", false, true},
		{"024501901", "40102810045370000002", false, true},
		{"004525988", "40102810545370000003", false, true},
		{"044525225", "30101810500000000225", false, false}, // wrong key
		{"044030653", "30101810400000000225", false, false}, // other digits 5–6
		{"044525593", "30101810400000000225", false, true},  // the Alfa-Bank trap: the key alone passes
		{"017003983", "03100643000000018500", false, false}, // 03…: no key with either prefix
		{"823397286", "50286516400000008106", true, true},
		{"044525225", "40702810938000012345", true, false},
		{"823397286", "50286516400000008107", false, false},
	}
	for _, tt := range tests {
		if got := keyOK(tt.bik[6:9], tt.acc); got != tt.rs {
			t.Errorf("key(BIK[6:9] of %s, %s) = %v, want %v", tt.bik, tt.acc, got, tt.rs)
		}
		if got := keyOK("0"+tt.bik[4:6], tt.acc); got != tt.ks {
			t.Errorf("key(0+BIK[4:6] of %s, %s) = %v, want %v", tt.bik, tt.acc, got, tt.ks)
		}
	}
}
