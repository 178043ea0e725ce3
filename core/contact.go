package core

import (
	"net/mail"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dealdesk/dealdesk/core/requisite"
)

// BankAccount is a client's bank account.
type BankAccount struct {
	BIK         string `json:"bik"`
	BankName    string `json:"bank_name,omitempty"`
	CorrAccount string `json:"corr_account,omitempty"`
	Account     string `json:"account"`
}

// String is the account as the audit trail and lists show it, in no
// language's words: the number, then the bank's name, BIK and
// correspondent account, those it has («40702810938000000001 (ПАО
// Сбербанк, 044525225, 30101810400000000225)»), so that an account read
// back from the audit (ParseAuditAccount) is the account written.
func (b BankAccount) String() string {
	bank := b.BIK
	if name := strings.TrimSpace(b.BankName); name != "" {
		bank = name + ", " + b.BIK
	}
	if b.CorrAccount != "" {
		bank += ", " + b.CorrAccount
	}
	return b.Account + " (" + bank + ")"
}

// Contact is a person at the client.
type Contact struct {
	Name     string `json:"name"`
	Position string `json:"position,omitempty"`
	Phone    string `json:"phone,omitempty"`
	Email    string `json:"email,omitempty"`
}

// String is the contact as the audit trail and lists show it: name,
// position, phone and e-mail, those that are set, separated by commas.
func (c Contact) String() string {
	parts := []string{c.Name}
	for _, p := range []string{c.Position, c.Phone, c.Email} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// Limits of a card's lists, so that a card fits in one chat message.
const (
	MaxContacts = 20
	MaxAccounts = 10
)

// ParseContact reads a contact as typed: name; position; phone; e-mail,
// separated by semicolons or new lines (or by commas when there is neither).
// A part with an @ is the e-mail, a part of digits and phone punctuation the
// phone, the first other part the name and the next one the position. The
// phone is normalized (NormalizePhone) and the e-mail checked
// (NormalizeEmail). With base, the contact changed: the parts typed replace
// its fields and the rest stay, so "+7 999 123-45-67" alone changes only the
// phone. A contact needs a name.
func ParseContact(s string, base *Contact) (Contact, error) {
	var c Contact
	if base != nil {
		c = *base
	}
	texts := 0
	for _, part := range splitContact(s) {
		if rest := contactLabel.ReplaceAllString(part, ""); rest != part && (phoneShaped(rest) || strings.Contains(rest, "@")) {
			part = rest
		}
		switch {
		case strings.Contains(part, "@"):
			email, err := NormalizeEmail(part)
			if err != nil {
				return Contact{}, err
			}
			c.Email = email
		case phoneShaped(part):
			phone, err := NormalizePhone(part)
			if err != nil {
				return Contact{}, err
			}
			c.Phone = phone
		case part == "":
			// An empty name or position («; директор»): its place is kept,
			// so that the next text is not taken for it.
			texts = min(texts+1, 2)
		default:
			texts++
			switch texts {
			case 1:
				c.Name = part
			case 2:
				c.Position = part
			default:
				return Contact{}, Errorf(EINVALID, "err.contact.format", "Text", strings.TrimSpace(s))
			}
		}
	}
	return c, c.Validate()
}

// ContactWithout is a typed contact (as ParseContact reads it) without the
// part bad: the phone or e-mail a rule refused, as the error's Text gives
// it. The rest is joined by "; ", so that a dialog can keep what was right
// and ask the refused part alone again. ok is false when no part is bad.
func ContactWithout(s, bad string) (rest string, ok bool) {
	bad = strings.TrimSpace(bad)
	var kept []string
	for _, part := range splitContact(s) {
		if stripped := strings.TrimSpace(contactLabel.ReplaceAllString(part, "")); !ok && bad != "" &&
			(part == bad || stripped == bad) {
			ok = true
			continue
		}
		kept = append(kept, part)
	}
	if !ok {
		return s, false
	}
	for len(kept) > 0 && kept[len(kept)-1] == "" {
		kept = kept[:len(kept)-1]
	}
	return strings.Join(kept, "; "), true
}

// Validate checks a contact: a name with a letter in it, a name and a
// position of at most MaxNameLen characters each.
func (c *Contact) Validate() error {
	switch {
	case strings.IndexFunc(c.Name, unicode.IsLetter) < 0:
		return Errorf(EINVALID, "err.contact.name_required")
	case len([]rune(c.Name)) > MaxNameLen || len([]rune(c.Position)) > MaxNameLen:
		return Errorf(EINVALID, "err.contact.too_long", "Max", MaxNameLen)
	}
	return nil
}

// splitContact splits a typed contact into its parts, spaces trimmed; a
// part between two separators is "".
func splitContact(s string) []string {
	sep := func(r rune) bool { return r == ';' || r == '\n' }
	if !strings.ContainsAny(s, ";\n") {
		sep = func(r rune) bool { return r == ',' }
	}
	var out []string
	for p := range splitFunc(strings.TrimSpace(s), sep) {
		out = append(out, strings.Join(strings.Fields(p), " "))
	}
	return out
}

// splitFunc yields the parts of s between the runes sep accepts, empty
// ones included.
func splitFunc(s string, sep func(rune) bool) func(func(string) bool) {
	return func(yield func(string) bool) {
		for {
			i := strings.IndexFunc(s, sep)
			if i < 0 {
				yield(s)
				return
			}
			if !yield(s[:i]) {
				return
			}
			_, size := utf8.DecodeRuneInString(s[i:])
			s = s[i+size:]
		}
	}
}

// contactLabel is a label typed before a part of a contact: «тел.», «e-mail:».
var contactLabel = regexp.MustCompile(`(?i)^(?:тел(?:ефон)?|моб(?:ильный)?|tel|phone|mob(?:ile)?|e-?mail|почта|эл\.?\s?почта)(?:[.:]+\s*|\s+)`)

// phoneExt is an extension typed after a phone number: «доб. 123», «ext 5».
var phoneExt = regexp.MustCompile(`(?i)[,;]?\s*(?:доб(?:авочный)?|ext|вн)\.?\s*(\d{1,6})\s*$`)

// phoneShaped reports whether a part of a typed contact is meant as a phone
// number: digits (five at least) with + ( ) - . and spaces, perhaps with an
// extension.
func phoneShaped(s string) bool {
	s = phoneExt.ReplaceAllString(s, "")
	n := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			n++
		case !strings.ContainsRune(" +()-‐–—.\u00a0", r):
			return false
		}
	}
	return n >= 5
}

// NormalizePhone reads a phone number. A Russian one (10 digits, after +7, 7
// or 8, or alone) is written +7 XXX XXX-XX-XX; another country's, typed with
// + and its code, as + and its 8 to 15 digits. An extension («доб. 12»)
// stays, written « доб. 12». Anything else is refused with the rule.
func NormalizePhone(s string) (string, error) {
	in := strings.TrimSpace(s)
	bad := Errorf(EINVALID, "err.contact.phone", "Text", in)
	num, ext := in, ""
	if m := phoneExt.FindStringSubmatchIndex(in); m != nil {
		num, ext = in[:m[0]], " доб. "+in[m[2]:m[3]]
	}
	var digits []byte
	plus := false
	for _, r := range strings.TrimSpace(num) {
		switch {
		case r >= '0' && r <= '9':
			digits = append(digits, byte(r))
		case r == '+' && len(digits) == 0 && !plus:
			plus = true
		case !strings.ContainsRune(" ()-‐–—.\u00a0", r):
			return "", bad
		}
	}
	var local []byte // the 10 digits of a Russian number
	switch {
	case len(digits) == 11 && (digits[0] == '7' || digits[0] == '8' && !plus):
		local = digits[1:]
	case len(digits) == 10 && !plus:
		local = digits
	case plus && len(digits) == 11 && digits[0] == '8' && digits[1] == '9':
		// «+8 9XX…»: a Russian mobile with 8 typed for 7 (no country code
		// starts with 89), not to be guessed.
		return "", bad
	case plus && len(digits) >= 8 && len(digits) <= 15 && digits[0] != '7' && digits[0] != '0':
		return "+" + string(digits) + ext, nil
	default:
		return "", bad
	}
	// Russian area and mobile codes start with 3, 4, 8 or 9 (7: Kazakhstan,
	// on the same +7 plan).
	if !strings.ContainsRune("34789", rune(local[0])) {
		return "", bad
	}
	l := string(local)
	return "+7 " + l[:3] + " " + l[3:6] + "-" + l[6:8] + "-" + l[8:] + ext, nil
}

// NormalizeEmail checks an e-mail: one address (a display name before it
// in <> is dropped), with a dot in its domain, in lower case.
func NormalizeEmail(s string) (string, error) {
	in := strings.TrimSpace(s)
	addr, err := mail.ParseAddress(in)
	if err != nil {
		return "", Errorf(EINVALID, "err.contact.email", "Text", in)
	}
	local, domain, _ := strings.Cut(addr.Address, "@")
	dot := strings.LastIndexByte(domain, '.')
	if local == "" || dot <= 0 || dot == len(domain)-1 || strings.ContainsAny(addr.Address, " \t") {
		return "", Errorf(EINVALID, "err.contact.email", "Text", in)
	}
	// Mail servers take the local part in any case; one case keeps one
	// address from being two contacts.
	return strings.ToLower(local + "@" + domain), nil
}

// bankLabels are words typed with bank details that are not the bank's name.
var bankLabels = map[string]bool{"бик": true, "bik": true, "р/с": true, "рс": true, "р/сч": true, "р.с.": true,
	"к/с": true, "кс": true, "к/сч": true, "к.с.": true, "счет": true, "счёт": true, "account": true,
	"acc": true, "bank": true, "банк": true, "corr": true, "№": true}

// ParseBankAccount reads a bank account as typed: the BIK and the account
// in any order, optionally the correspondent account and the bank's name,
// with or without labels («БИК 044525225 р/с 40702810938000000001»). A
// number typed in groups («4070 2810 …») is joined. The BIK, the account's
// key with the BIK and the correspondent account are checked as on a
// company card; a problem is refused naming the field and what is wrong.
func ParseBankAccount(s string) (BankAccount, error) {
	var b BankAccount
	var name []string
	var group string // digits typed in short groups, being joined
	numbers := []string{}
	flush := func() {
		if group != "" {
			numbers = append(numbers, group)
			group = ""
		}
	}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == ',' || r == ';' }) {
		word := strings.Trim(f, ":")
		switch {
		case word == "":
		case allDigits(word) && len(word) <= 5 && len(group) < 20:
			group += word
		case allDigits(word):
			flush()
			numbers = append(numbers, word)
		case bankLabels[strings.ToLower(word)]:
			flush()
		default:
			flush()
			name = append(name, f)
		}
	}
	flush()
	for _, n := range numbers {
		switch {
		case len(n) == 9 && b.BIK == "":
			b.BIK = n
		case len(n) == 20 && strings.HasPrefix(n, "301") && b.CorrAccount == "":
			b.CorrAccount = n
		case b.Account == "":
			b.Account = n
		default:
			return BankAccount{}, Errorf(EINVALID, "err.account.format", "Text", strings.TrimSpace(s))
		}
	}
	b.BankName = strings.Join(name, " ")
	return b, b.Validate()
}

// Validate checks a bank account as a company card's bank details are
// checked: the BIK, the account's key with the BIK (a treasury account by
// its structure), the correspondent account with the BIK.
func (b *BankAccount) Validate() error {
	if b.Account == "" {
		return Errorf(EINVALID, "err.account.problem", "Field", "account", "Code", requisite.CodeMissing, "Value", "")
	}
	if b.BIK == "" {
		return Errorf(EINVALID, "err.account.problem", "Field", "bik", "Code", requisite.CodeMissing, "Value", "")
	}
	if len([]rune(b.BankName)) > MaxNameLen {
		return Errorf(EINVALID, "err.account.bank_too_long", "Max", MaxNameLen)
	}
	card := requisite.Card{BIK: b.BIK, Account: b.Account, CorrAccount: b.CorrAccount}
	for _, p := range card.Check() {
		if p.Field == "bik" || p.Field == "account" || p.Field == "corr_account" {
			return Errorf(EINVALID, "err.account.problem", "Field", p.Field, "Code", p.Code, "Value", p.Value)
		}
	}
	return nil
}
