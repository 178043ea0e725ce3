package requisite_test

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dealdesk/dealdesk/core/requisite"
)

func FuzzBIK(f *testing.F) {
	for _, s := range []string{"044525225", "017003983", "004525988", "823397286", "", "04452522", "0445252250", "04452522a", "٠٤٤٥٢٥٢٢٥"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if requisite.BIK(s) == nil && (len(s) != 9 || s[0] != '0' || strings.Trim(s, "0123456789") != "") {
			t.Fatalf("BIK(%q) accepted", s)
		}
	})
}

// refKey is the reference 7-1-3 key, written apart from the package's.
func refKey(prefix, account string) bool {
	d := prefix + account
	sum := 0
	for i, c := range d {
		sum += []int{7, 1, 3}[i%3] * int(c-'0')
	}
	return sum%10 == 0
}

func FuzzAccounts(f *testing.F) {
	f.Add("044525225", "40702810938000012345")
	f.Add("044525225", "30101810400000000225")
	f.Add("044525593", "30101810400000000225")
	f.Add("017003983", "40102810445370000059")
	f.Add("017003983", "03100643000000018500")
	f.Add("", "")
	f.Add("0445252", "301")
	f.Fuzz(func(t *testing.T, bik, acc string) {
		usable := len(bik) == 9 && strings.Trim(bik, "0123456789") == ""
		shape := len(acc) == 20 && strings.Trim(acc, "0123456789") == ""
		if requisite.SettlementAccount(bik, acc) == nil {
			if !usable || !shape || !refKey(bik[6:], acc) {
				t.Fatalf("SettlementAccount(%q, %q) accepted", bik, acc)
			}
			for i := 0; i < 20; i++ { // the key catches every single-digit change
				b := []byte(acc)
				b[i] = '0' + (b[i]-'0'+1)%10
				if requisite.SettlementAccount(bik, string(b)) == nil {
					t.Fatalf("SettlementAccount(%q, %q) accepted after changing digit %d", bik, b, i)
				}
			}
		}
		if requisite.CorrespondentAccount(bik, acc) == nil {
			if !usable || !shape || acc[:3] != "301" || acc[17:] != bik[6:] || !refKey("0"+bik[4:6], acc) {
				t.Fatalf("CorrespondentAccount(%q, %q) accepted", bik, acc)
			}
		}
		if requisite.TreasuryAccount(bik, acc) == nil {
			ekc := strings.HasPrefix(acc, "40102") && usable && refKey("0"+bik[4:6], acc)
			if !shape || !(strings.HasPrefix(acc, "03") || ekc) {
				t.Fatalf("TreasuryAccount(%q, %q) accepted", bik, acc)
			}
		}
		_ = requisite.IsTreasuryAccount(acc)
	})
}

func FuzzParseCard(f *testing.F) {
	for _, c := range cards {
		f.Add(c.text)
	}
	for _, s := range []string{"", "\n\n", "ИНН", "ИНН\n", "ИНН/КПП /", "р/с в", "Банк", "в ", "|\t|", "ИНН\xff7707083893",
		"ё\u00a0Ё\u202f", "1. ", "• Реквизиты:", "\"\"\"\"", "Директор: ,", "e-mail: @", "ОГРН от 1", "ИНН/КПП/ОГРН/БИК 1/2/3/4/5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		c := requisite.ParseCard(text)
		_ = c.Check()
		if again := requisite.ParseCard(text); !reflect.DeepEqual(c, again) {
			t.Fatalf("ParseCard is not deterministic on %q", text)
		}
		valid := strings.ToValidUTF8(text, "\uFFFD")
		// Never invent: what is reported was in the text, and every number
		// is digits of the text with only spaces removed.
		for _, list := range [][]string{c.Unread, c.Skipped} {
			for _, s := range list {
				if s == "" || s != strings.TrimSpace(s) || !strings.Contains(valid, s) {
					t.Fatalf("ParseCard(%q): reported %q", text, s)
				}
			}
		}
		cleaned := requisite.Clean(valid)
		for _, n := range []string{c.INN, c.KPP, c.OGRN, c.BIK, c.Account, c.CorrAccount} {
			if strings.ContainsAny(n, " \t") || !strings.Contains(cleaned, n) {
				t.Fatalf("ParseCard(%q): number %q is not from the text", text, n)
			}
		}
		for _, s := range []string{c.ShortName, c.FullName, c.Address, c.Director, c.DirectorPost, c.BankName, c.Phone, c.Email} {
			if !utf8.ValidString(s) || s != strings.TrimSpace(s) {
				t.Fatalf("ParseCard(%q): text %q", text, s)
			}
			for _, w := range strings.Fields(s) {
				if !strings.Contains(w, `"`) && !strings.Contains(valid, w) {
					t.Fatalf("ParseCard(%q): word %q of %q is not from the text", text, w, s)
				}
			}
		}
	})
}
