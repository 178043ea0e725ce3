package core_test

import (
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// TestNormalizePhone: Russian numbers in any usual form become
// +7 XXX XXX-XX-XX; other countries' keep + and digits; anything else is
// refused.
func TestNormalizePhone(t *testing.T) {
	for in, want := range map[string]string{
		"+7 999 123-45-67":          "+7 999 123-45-67",
		"8 (999) 123 45 67":         "+7 999 123-45-67",
		"89991234567":               "+7 999 123-45-67",
		"79991234567":               "+7 999 123-45-67",
		"9991234567":                "+7 999 123-45-67",
		"+7(495)500-55-50 доб. 123": "+7 495 500-55-50 доб. 123",
		"8 495 500 55 50, ext 12":   "+7 495 500-55-50 доб. 12",
		"+375 29 123-45-67":         "+375291234567",
		"+7 727 123 45 67":          "+7 727 123-45-67", // Kazakhstan, on the +7 plan
		"8\u00a0800\u00a0555-35-35": "+7 800 555-35-35",
	} {
		got, err := core.NormalizePhone(in)
		if err != nil || got != want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "12345", "+7 999 123-45", "8 999 123 45 678", "+8 999 123 45 67",
		"1234567890", "+7 099 123 45 67", "позвонить", "+7 999 1234567 доб", "+44"} {
		if got, err := core.NormalizePhone(in); core.ErrorCode(err) != core.EINVALID {
			t.Errorf("NormalizePhone(%q) = %q, %v; want EINVALID", in, got, err)
		}
	}
}

// TestNormalizeEmail: one address, its domain lower-cased; lists and
// non-addresses are refused.
func TestNormalizeEmail(t *testing.T) {
	for in, want := range map[string]string{
		"ivanov@example.ru":             "ivanov@example.ru",
		" Ivanov@Example.RU ":           "ivanov@example.ru",
		"Иван Иванов <ivan@example.ru>": "ivan@example.ru",
	} {
		got, err := core.NormalizeEmail(in)
		if err != nil || got != want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "ivanov", "ivanov@", "@example.ru", "ivanov@example", "a@b.ru, c@d.ru",
		"ivanov@example.ru ivanov@example.com", "ivanov@.ru"} {
		if got, err := core.NormalizeEmail(in); core.ErrorCode(err) != core.EINVALID {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want EINVALID", in, got, err)
		}
	}
}

// TestParseContact: the parts are told apart by what they look like, in
// any order after the name; a changed contact keeps what was not typed.
func TestParseContact(t *testing.T) {
	for in, want := range map[string]core.Contact{
		"Иванов Иван; директор по закупкам; +7 999 123-45-67; ivanov@example.ru": {Name: "Иванов Иван",
			Position: "директор по закупкам", Phone: "+7 999 123-45-67", Email: "ivanov@example.ru"},
		"Иванов Иван\nivanov@example.ru\nтел. 8 999 123 45 67": {Name: "Иванов Иван", Phone: "+7 999 123-45-67",
			Email: "ivanov@example.ru"},
		"Петров Пётр, бухгалтер":             {Name: "Петров Пётр", Position: "бухгалтер"},
		"Телегин Иван; Тел. 8 999 123 45 67": {Name: "Телегин Иван", Phone: "+7 999 123-45-67"},
		"  Сидорова   Анна  ":                {Name: "Сидорова Анна"},
	} {
		got, err := core.ParseContact(in, nil)
		if err != nil || got != want {
			t.Errorf("ParseContact(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	base := core.Contact{Name: "Иванов Иван", Position: "директор", Phone: "+7 999 123-45-67"}
	got, err := core.ParseContact("ivanov@example.ru", &base)
	if want := (core.Contact{Name: "Иванов Иван", Position: "директор", Phone: "+7 999 123-45-67",
		Email: "ivanov@example.ru"}); err != nil || got != want {
		t.Errorf("change = %+v, %v", got, err)
	}
	for in, key := range map[string]string{
		"":                 "err.contact.name_required",
		"+7 999 123-45-67": "err.contact.name_required",
		"Иванов; директор; склад; все":         "err.contact.format",
		"Иванов; 8 999 12":                     "err.contact.phone",
		"Иванов; a@b.ru, c@d.ru":               "err.contact.email",
		strings.Repeat("я", core.MaxNameLen+1): "err.contact.too_long",
	} {
		_, err := core.ParseContact(in, nil)
		if k, _ := core.ErrorKey(err); core.ErrorCode(err) != core.EINVALID || k != key {
			t.Errorf("ParseContact(%q): %v, want %s", in, err, key)
		}
	}
}

// FuzzNormalizePhone: a number is refused with EINVALID or normalized to a
// form that normalizes to itself.
func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"+7 999 123-45-67", "8 (999) 123 45 67", "9991234567", "+375 29 123-45-67",
		"+7(495)500-55-50 доб. 123", "8 495 500 55 50, ext 12", "+8 999 123 45 67", "", "+", "доб. 1", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := core.NormalizePhone(s)
		if err != nil {
			if core.ErrorCode(err) != core.EINVALID || got != "" {
				t.Fatalf("NormalizePhone(%q) = %q, %v", s, got, err)
			}
			return
		}
		if again, err := core.NormalizePhone(got); err != nil || again != got {
			t.Fatalf("NormalizePhone(%q) = %q, which normalizes to %q, %v", s, got, again, err)
		}
	})
}

// FuzzParseContact: a contact is refused with EINVALID or has a name with a
// letter, a normalized phone and a checked e-mail.
func FuzzParseContact(f *testing.F) {
	for _, s := range []string{"Иванов Иван; директор; +7 999 123-45-67; ivanov@example.ru", "Петров, бухгалтер",
		"; директор", "тел. 8 999 123 45 67", "a@b.ru", "Иванов;;;", "\n\n", "Телегин Иван; Тел. 89991234567"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := core.ParseContact(s, nil)
		if err != nil {
			if core.ErrorCode(err) != core.EINVALID {
				t.Fatalf("ParseContact(%q): %v", s, err)
			}
			return
		}
		if c.Validate() != nil {
			t.Fatalf("ParseContact(%q) = %+v, not valid", s, c)
		}
		if c.Phone != "" {
			if p, err := core.NormalizePhone(c.Phone); err != nil || p != c.Phone {
				t.Fatalf("ParseContact(%q): phone %q not normalized", s, c.Phone)
			}
		}
		if c.Email != "" {
			if e, err := core.NormalizeEmail(c.Email); err != nil || e != c.Email {
				t.Fatalf("ParseContact(%q): e-mail %q not normalized", s, c.Email)
			}
		}
	})
}

// FuzzParseBankAccount: an account is refused with EINVALID or passes its
// checks.
func FuzzParseBankAccount(f *testing.F) {
	for _, s := range []string{sberBIK + " " + sberAccount, "БИК 044525225 р/с 4070 2810 9380 0000 0001",
		sberAccount + " " + sberBIK + " к/с " + sberCorr + " ПАО Сбербанк", "", "044525225", "1 2 3 4 5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := core.ParseBankAccount(s)
		if err != nil {
			if core.ErrorCode(err) != core.EINVALID {
				t.Fatalf("ParseBankAccount(%q): %v", s, err)
			}
			return
		}
		if b.Validate() != nil || len(b.BIK) != 9 || len(b.Account) != 20 {
			t.Fatalf("ParseBankAccount(%q) = %+v", s, b)
		}
	})
}

// TestContactWithout (review of issue 8): the refused phone or e-mail is
// taken out of a typed contact; the rest reads as before.
func TestContactWithout(t *testing.T) {
	for _, tc := range []struct{ in, bad, rest string }{
		{"Петров Пётр; главбух; 89161234567; petrov@mail", "petrov@mail", "Петров Пётр; главбух; 89161234567"},
		{"Петров Пётр; главбух; тел. 12345; petrov@mail.ru", "12345", "Петров Пётр; главбух; petrov@mail.ru"},
		{"Петров Пётр, 12345", "12345", "Петров Пётр"},
		{"Петров Пётр; ; +7 916 123-45-67; e-mail: a@b", "a@b", "Петров Пётр; ; +7 916 123-45-67"},
	} {
		rest, ok := core.ContactWithout(tc.in, tc.bad)
		if !ok || rest != tc.rest {
			t.Errorf("ContactWithout(%q, %q) = %q, %v; want %q", tc.in, tc.bad, rest, ok, tc.rest)
		}
		if _, err := core.ParseContact(tc.in, nil); core.ErrorCode(err) != core.EINVALID {
			t.Errorf("%q reads: %v", tc.in, err)
		} else if _, args := core.ErrorKey(err); args["Text"] != tc.bad {
			t.Errorf("%q: the rule names %v, not %q", tc.in, args["Text"], tc.bad)
		}
	}
	if rest, ok := core.ContactWithout("Петров Пётр; главбух", "x@y"); ok || rest != "Петров Пётр; главбух" {
		t.Errorf("no such part: %q, %v", rest, ok)
	}
}
