package requisite

import "errors"

// Errors of the bank checks, in addition to the common ones in inn.go.
var (
	// ErrBankMismatch means a correspondent account does not belong to the
	// bank with the given BIK: its last 3 digits differ from the BIK's.
	ErrBankMismatch = errors.New("requisite: account does not match the BIK")
	// ErrNoBIK means the BIK given with an account is not 9 digits, so the
	// account's control key cannot be checked.
	ErrNoBIK = errors.New("requisite: no usable BIK to check the account")
)

// BIK checks the format of a BIK: 9 digits starting with 0. Credit
// institutions start with 04; treasury (UFK/TOFK) BIKs start with 0 and
// another digit (017003983, 004525988). A BIK has no check digit, so only
// the Bank of Russia directory can tell whether it exists.
func BIK(s string) error {
	switch {
	case s == "":
		return ErrEmpty
	case !digits(s):
		return ErrDigits
	case len(s) != 9:
		return ErrLength
	case s[0] != '0':
		return ErrFormat
	}
	return nil
}

// SettlementAccount checks a settlement account (р/с, 20 digits) against
// its bank's BIK: the control key with weights 7-1-3 over BIK[6:9] and the
// account. Only the BIK's shape (9 digits) is needed here; check the BIK
// itself with BIK.
func SettlementAccount(bik, account string) error {
	if err := accountShape(account); err != nil {
		return err
	}
	if !bikShape(bik) {
		return ErrNoBIK
	}
	if !keyOK(bik[6:9], account) {
		return ErrChecksum
	}
	return nil
}

// CorrespondentAccount checks a bank's correspondent account (к/с): 20
// digits starting with 301, the last 3 digits equal to the BIK's last 3
// (ErrBankMismatch otherwise), and the control key over "0"+BIK[4:6].
//
// The tail is checked before the key because the key alone uses only BIK
// digits 5–6: Sberbank's к/с passes the key with Alfa-Bank's BIK.
func CorrespondentAccount(bik, account string) error {
	if err := accountShape(account); err != nil {
		return err
	}
	if account[:3] != "301" {
		return ErrFormat
	}
	if !bikShape(bik) {
		return ErrNoBIK
	}
	if account[17:] != bik[6:] {
		return ErrBankMismatch
	}
	if !keyOK("0"+bik[4:6], account) {
		return ErrChecksum
	}
	return nil
}

// TreasuryAccount checks a treasury account. A single treasury account (ЕКС,
// 40102…) carries the control key over "0"+BIK[4:6]. A treasury account
// 03… carries no control key: it is checked by structure only (20 digits
// starting with 03) and the BIK is not used. Other accounts are ErrFormat.
func TreasuryAccount(bik, account string) error {
	if err := accountShape(account); err != nil {
		return err
	}
	switch {
	case account[:2] == "03":
		return nil
	case account[:5] != "40102":
		return ErrFormat
	case !bikShape(bik):
		return ErrNoBIK
	case !keyOK("0"+bik[4:6], account):
		return ErrChecksum
	}
	return nil
}

// IsTreasuryAccount reports whether an account number is a treasury one
// (03… or a single treasury account 40102…), to be checked by
// TreasuryAccount rather than SettlementAccount.
func IsTreasuryAccount(account string) bool {
	return len(account) >= 5 && (account[:2] == "03" || account[:5] == "40102")
}

func accountShape(account string) error {
	switch {
	case account == "":
		return ErrEmpty
	case !digits(account):
		return ErrDigits
	case len(account) != 20:
		return ErrLength
	}
	return nil
}

func bikShape(bik string) bool { return len(bik) == 9 && digits(bik) }

// keyOK reports whether the 3-digit prefix and the 20-digit account,
// weighted 7,1,3,7,1,3,…, sum to a multiple of 10.
func keyOK(prefix, account string) bool {
	weights := [3]int{7, 1, 3}
	sum := 0
	for i := 0; i < 3; i++ {
		sum += weights[i] * int(prefix[i]-'0')
	}
	for i := 0; i < 20; i++ {
		sum += weights[i%3] * int(account[i]-'0') // (3+i)%3 == i%3
	}
	return sum%10 == 0
}
