package requisite

import "errors"

// Card is a company card (карточка предприятия) as read by ParseCard: the
// requisites of a legal entity or a sole proprietor. Number fields hold
// digits without spaces, exactly as written otherwise (a wrong value is
// kept so that Check can report it); text fields are as written.
type Card struct {
	INN  string // ИНН, 10 digits (legal entity) or 12 (person, IP)
	KPP  string // КПП, legal entities only
	OGRN string // ОГРН (13 digits) or ОГРНИП (15 digits)

	ShortName string // сокращённое наименование, e.g. ПАО Сбербанк
	FullName  string // полное наименование
	Address   string // юридический адрес (место нахождения)

	Director     string // the head's name
	DirectorPost string // the head's post as written, e.g. Генеральный директор; empty if not given

	BIK         string // БИК of the bank
	BankName    string // наименование банка
	CorrAccount string // к/с, or the ЕКС 40102… for a treasury account
	Account     string // р/с, or a treasury account 03…

	Phone string
	Email string

	// Unread holds the non-empty lines, or parts of lines, that ParseCard
	// could not interpret, as written, so the bot can say what it could not
	// read.
	Unread []string
	// Skipped holds the lines ParseCard recognised but does not keep (ОКПО,
	// ОКВЭД, the postal address, the bank's own INN and so on), as written.
	Skipped []string
}

// Problem is one finding of Card.Check, in machine codes only: the bot
// translates them.
type Problem struct {
	// Field is "inn", "kpp", "ogrn", "bik", "account" or "corr_account".
	Field string
	// Code is one of the Code* constants.
	Code string
	// Value is the checked value; empty for CodeMissing.
	Value string
}

// Problem codes.
const (
	CodeMissing      = "missing"       // required for this card and absent
	CodeLength       = "length"        // wrong number of digits
	CodeFormat       = "format"        // wrong characters or structure
	CodeChecksum     = "checksum"      // wrong check digit or control key
	CodeBankMismatch = "bank_mismatch" // к/с of another bank than the BIK's
	CodeKindMismatch = "kind_mismatch" // OGRN of a legal entity with an IP's INN, or back
	CodeUnexpected   = "unexpected"    // KPP given for a sole proprietor
	CodeSwapped      = "swapped"       // a valid к/с in the р/с field, or back
	CodeUnusual      = "unusual"       // KPP starting with 00: allowed, but suspicious
)

// Warning reports whether the problem is only a warning: the card can still
// be used, but a person should look at it.
func (p Problem) Warning() bool {
	switch p.Code {
	case CodeUnexpected, CodeUnusual:
		return true
	case CodeMissing:
		return p.Field == "kpp" || p.Field == "bik"
	}
	return false
}

// Check runs every check on what the card has: INN (missing is a problem),
// KPP (expected for a legal entity, unexpected for a sole proprietor), OGRN
// or OGRNIP (its length must match the INN's kind), BIK, and the settlement
// and correspondent accounts with the BIK. It returns nil for a clean card.
func (c Card) Check() []Problem {
	var ps []Problem
	ps = c.checkINN(ps)
	ps = c.checkOGRN(ps)
	ps = c.checkBank(ps)
	return ps
}

func (c Card) checkINN(ps []Problem) []Problem {
	if c.INN == "" {
		ps = append(ps, Problem{Field: "inn", Code: CodeMissing})
	} else if err := INN(c.INN); err != nil {
		ps = append(ps, Problem{Field: "inn", Code: code(err), Value: c.INN})
	}
	if c.KPP != "" {
		if err := KPP(c.KPP); err != nil {
			ps = append(ps, Problem{Field: "kpp", Code: code(err), Value: c.KPP})
		} else if c.KPP[:2] == "00" {
			ps = append(ps, Problem{Field: "kpp", Code: CodeUnusual, Value: c.KPP})
		}
	}
	switch {
	case len(c.INN) == 10 && c.KPP == "":
		ps = append(ps, Problem{Field: "kpp", Code: CodeMissing})
	case len(c.INN) == 12 && c.KPP != "":
		ps = append(ps, Problem{Field: "kpp", Code: CodeUnexpected, Value: c.KPP})
	}
	return ps
}

func (c Card) checkOGRN(ps []Problem) []Problem {
	if c.OGRN == "" {
		return ps
	}
	if err := OGRN(c.OGRN); err != nil {
		return append(ps, Problem{Field: "ogrn", Code: code(err), Value: c.OGRN})
	}
	// OGRN starts with 1 or 5, OGRNIP with 3; 2, 4, 6–9 are record
	// numbers (ГРН, ГРНИП) of later changes, not the registration number.
	first := c.OGRN[0]
	if (len(c.OGRN) == 13 && first != '1' && first != '5') || (len(c.OGRN) == 15 && first != '3') {
		return append(ps, Problem{Field: "ogrn", Code: CodeFormat, Value: c.OGRN})
	}
	if (len(c.INN) == 10 && len(c.OGRN) != 13) || (len(c.INN) == 12 && len(c.OGRN) != 15) {
		ps = append(ps, Problem{Field: "ogrn", Code: CodeKindMismatch, Value: c.OGRN})
	}
	return ps
}

func (c Card) checkBank(ps []Problem) []Problem {
	switch {
	case c.BIK != "":
		if err := BIK(c.BIK); err != nil {
			ps = append(ps, Problem{Field: "bik", Code: code(err), Value: c.BIK})
		}
	case c.Account != "" || c.CorrAccount != "":
		ps = append(ps, Problem{Field: "bik", Code: CodeMissing})
	}
	if c.Account != "" {
		ps = checkAccount(ps, "account", c.BIK, c.Account, settlementOrTreasury, CorrespondentAccount)
	}
	if c.CorrAccount != "" {
		ps = checkAccount(ps, "corr_account", c.BIK, c.CorrAccount, correspondentOrTreasury, settlementOrTreasury)
	}
	return ps
}

// checkAccount runs check on the account. Without a usable BIK the key is
// not checked (the BIK is reported instead). A failure that the other
// field's check accepts is reported as CodeSwapped.
func checkAccount(ps []Problem, field, bik, account string, check, other func(bik, account string) error) []Problem {
	err := check(bik, account)
	if err == nil || errors.Is(err, ErrNoBIK) {
		return ps
	}
	c := code(err)
	if (c == CodeChecksum || c == CodeFormat) && other(bik, account) == nil {
		c = CodeSwapped
	}
	return append(ps, Problem{Field: field, Code: c, Value: account})
}

func settlementOrTreasury(bik, account string) error {
	if IsTreasuryAccount(account) {
		return TreasuryAccount(bik, account)
	}
	return SettlementAccount(bik, account)
}

func correspondentOrTreasury(bik, account string) error {
	if len(account) >= 5 && account[:5] == "40102" {
		return TreasuryAccount(bik, account)
	}
	return CorrespondentAccount(bik, account)
}

// code maps an error of the checks to a Problem code.
func code(err error) string {
	switch {
	case errors.Is(err, ErrEmpty):
		return CodeMissing
	case errors.Is(err, ErrLength):
		return CodeLength
	case errors.Is(err, ErrChecksum):
		return CodeChecksum
	case errors.Is(err, ErrBankMismatch):
		return CodeBankMismatch
	}
	return CodeFormat // ErrDigits, ErrFormat, ErrNoBIK
}
