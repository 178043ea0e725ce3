// Package requisite checks Russian company requisites: INN, KPP, OGRN and
// OGRNIP, BIK, settlement, correspondent and treasury accounts with the BIK;
// ParseCard reads a company card pasted into chat and Card.Check runs every
// check on it. The package is pure (no I/O); facts and test values are in
// shared/docs/external-services.md.
package requisite

import (
	"errors"
	"strings"
)

// Errors returned by the checks. Callers map them to localized messages.
var (
	ErrEmpty    = errors.New("requisite: empty")
	ErrLength   = errors.New("requisite: wrong length")
	ErrDigits   = errors.New("requisite: not only digits")
	ErrChecksum = errors.New("requisite: wrong check digit")
	ErrFormat   = errors.New("requisite: wrong format")
)

// Clean removes the spaces a person may type inside a number.
func Clean(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\u00a0', '\u202f':
			return -1
		}
		return r
	}, s)
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// weighted returns Σ w[i]·s[i] mod 11 mod 10.
func weighted(s string, w []int) byte {
	sum := 0
	for i, k := range w {
		sum += k * int(s[i]-'0')
	}
	return byte(sum % 11 % 10)
}

var (
	inn10w  = []int{2, 4, 10, 3, 5, 9, 4, 6, 8}
	inn12w1 = []int{7, 2, 4, 10, 3, 5, 9, 4, 6, 8}
	inn12w2 = []int{3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8}
)

// INN checks an INN of a legal entity (10 digits) or of a person or sole
// proprietor (12 digits), including the check digits.
func INN(s string) error {
	switch {
	case s == "":
		return ErrEmpty
	case !digits(s):
		return ErrDigits
	case len(s) == 10:
		if weighted(s, inn10w) != s[9]-'0' {
			return ErrChecksum
		}
	case len(s) == 12:
		if weighted(s, inn12w1) != s[10]-'0' || weighted(s, inn12w2) != s[11]-'0' {
			return ErrChecksum
		}
	default:
		return ErrLength
	}
	return nil
}

// IsLegalINN reports whether a (valid) INN belongs to a legal entity.
func IsLegalINN(s string) bool { return len(s) == 10 }

// KPP checks the format of a KPP: NNNNPPXXX, where PP may be digits or
// capital Latin letters (since 2019). A KPP has no check digit.
func KPP(s string) error {
	if s == "" {
		return ErrEmpty
	}
	if len(s) != 9 {
		return ErrLength
	}
	for i := 0; i < 9; i++ {
		c := s[i]
		digit := c >= '0' && c <= '9'
		if !digit && !(i >= 4 && i <= 5 && c >= 'A' && c <= 'Z') {
			return ErrFormat
		}
	}
	return nil
}

// OGRN checks an OGRN (13 digits, mod 11) or an OGRNIP (15 digits, mod 13),
// taking the lowest digit of the remainder as the check digit in both.
func OGRN(s string) error {
	switch {
	case s == "":
		return ErrEmpty
	case !digits(s):
		return ErrDigits
	case len(s) != 13 && len(s) != 15:
		return ErrLength
	case s[0] == '0':
		return ErrFormat
	}
	var n uint64
	for i := 0; i < len(s)-1; i++ {
		n = n*10 + uint64(s[i]-'0')
	}
	mod := uint64(11)
	if len(s) == 15 {
		mod = 13
	}
	if byte(n%mod%10) != s[len(s)-1]-'0' {
		return ErrChecksum
	}
	return nil
}
