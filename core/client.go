package core

import (
	"errors"
	"strings"
	"time"

	"github.com/dealdesk/dealdesk/core/requisite"
)

// ClientKind tells a legal entity (ЮЛ) from a sole proprietor (ИП).
type ClientKind string

// Client kinds.
const (
	KindLegal      ClientKind = "legal"
	KindIndividual ClientKind = "individual"
)

// VerificationStatus is how far a client's requisites have been checked.
type VerificationStatus string

// Verification statuses.
const (
	Unverified    VerificationStatus = "unverified"
	Verified      VerificationStatus = "verified"
	ProblemsFound VerificationStatus = "problems"
)

// Verification records the last check of a client's requisites.
type Verification struct {
	Status   VerificationStatus `json:"status"`
	At       time.Time          `json:"at,omitzero"`
	Source   string             `json:"source,omitempty"`
	Problems []string           `json:"problems,omitempty"`
	// Company is the counterparty's state in the registry, Risks its risk
	// signals, as of At.
	Company CompanyStatus `json:"company,omitempty"`
	Risks   []RiskFlag    `json:"risks,omitempty"`
}

// Client is a counterparty: a legal entity or a sole proprietor, keyed by
// INN (plus KPP, since branches share the INN of the head office).
type Client struct {
	ID           int64         `json:"id"`
	Kind         ClientKind    `json:"kind"`
	INN          string        `json:"inn"`
	KPP          string        `json:"kpp,omitempty"`
	OGRN         string        `json:"ogrn,omitempty"` // OGRN or OGRNIP
	ShortName    string        `json:"short_name"`
	FullName     string        `json:"full_name,omitempty"`
	Address      string        `json:"address,omitempty"`
	Director     string        `json:"director,omitempty"`
	Accounts     []BankAccount `json:"accounts,omitempty"`
	Contacts     []Contact     `json:"contacts,omitempty"`
	ManagerID    int64         `json:"manager_id,omitempty"`
	Verification Verification  `json:"verification"`
	MergedInto   int64         `json:"merged_into,omitempty"` // the survivor, once merged
	// Drift is a registry change found by the periodic re-check and not yet
	// accepted into the card.
	Drift     *Drift    `json:"drift,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Name is the name to show: the short one, else the full one.
func (c *Client) Name() string {
	if c.ShortName != "" {
		return c.ShortName
	}
	return c.FullName
}

// EmailContact is the contact documents and reports are sent to: the first
// of the card's contacts with an e-mail, or nil when none has one.
func (c *Client) EmailContact() *Contact {
	for i := range c.Contacts {
		if c.Contacts[i].Email != "" {
			return &c.Contacts[i]
		}
	}
	return nil
}

// Validate checks the client's fields.
func (c *Client) Validate() error {
	if err := ValidateINN(c.INN); err != nil {
		return err
	}
	switch c.Kind {
	case KindLegal:
		if !requisite.IsLegalINN(c.INN) {
			return Errorf(EINVALID, "err.client.kind_mismatch", "INN", c.INN)
		}
	case KindIndividual:
		if requisite.IsLegalINN(c.INN) {
			return Errorf(EINVALID, "err.client.kind_mismatch", "INN", c.INN)
		}
		if c.KPP != "" {
			return Errorf(EINVALID, "err.client.kpp_individual")
		}
	default:
		return Errorf(EINVALID, "err.client.kind_unknown")
	}
	if c.KPP != "" {
		if err := ValidateKPP(c.KPP); err != nil {
			return err
		}
	}
	if c.OGRN != "" {
		if err := ValidateOGRN(c.OGRN, c.Kind); err != nil {
			return err
		}
	}
	if strings.TrimSpace(c.Name()) == "" {
		return Errorf(EINVALID, "err.client.name_required")
	}
	if err := ValidateClientName(c.ShortName); err != nil {
		return err
	}
	switch {
	case len([]rune(c.FullName)) > MaxFullNameLen:
		return Errorf(EINVALID, "err.client.full_name_too_long", "Max", MaxFullNameLen)
	case len([]rune(c.Address)) > MaxAddressLen:
		return Errorf(EINVALID, "err.client.address_too_long", "Max", MaxAddressLen)
	case len([]rune(c.Director)) > MaxNameLen:
		return Errorf(EINVALID, "err.client.director_too_long", "Max", MaxNameLen)
	}
	return nil
}

// Limits of a client card's text fields, in characters: generous for real
// names and addresses, and short enough for a card to fit in one chat
// message. A refusal names the limit.
const (
	MaxNameLen     = 250 // a short name, a director's name
	MaxFullNameLen = 500 // a full name
	MaxAddressLen  = 500
)

// ValidateClientName checks a client's name as typed: not empty, at most
// MaxNameLen characters.
func ValidateClientName(name string) error {
	switch n := len([]rune(strings.TrimSpace(name))); {
	case name != "" && n == 0:
		return Errorf(EINVALID, "err.client.name_required")
	case n > MaxNameLen:
		return Errorf(EINVALID, "err.client.name_too_long", "Max", MaxNameLen)
	}
	return nil
}

// ValidateINN checks an INN and says what is wrong in the user's words.
func ValidateINN(inn string) error {
	switch err := requisite.INN(inn); {
	case err == nil:
		return nil
	case errors.Is(err, requisite.ErrEmpty):
		return Errorf(EINVALID, "err.inn.empty")
	case errors.Is(err, requisite.ErrChecksum):
		return Errorf(EINVALID, "err.inn.checksum", "INN", inn)
	case errors.Is(err, requisite.ErrDigits):
		return Errorf(EINVALID, "err.inn.digits", "INN", inn)
	default:
		return Errorf(EINVALID, "err.inn.length", "INN", inn, "Count", len([]rune(inn)))
	}
}

// ValidateKPP checks a KPP's format.
func ValidateKPP(kpp string) error {
	if requisite.KPP(kpp) != nil {
		return Errorf(EINVALID, "err.kpp.format", "KPP", kpp)
	}
	return nil
}

// ValidateOGRN checks an OGRN (legal entity, 13 digits) or OGRNIP (sole
// proprietor, 15 digits) with its check digit.
func ValidateOGRN(ogrn string, kind ClientKind) error {
	want := 13
	if kind == KindIndividual {
		want = 15
	}
	switch err := requisite.OGRN(ogrn); {
	case err == nil && len(ogrn) == want:
		return nil
	case errors.Is(err, requisite.ErrChecksum):
		return Errorf(EINVALID, "err.ogrn.checksum", "OGRN", ogrn)
	default:
		return Errorf(EINVALID, "err.ogrn.format", "OGRN", ogrn, "Count", want)
	}
}

// KindForINN returns the client kind an INN implies.
func KindForINN(inn string) ClientKind {
	if requisite.IsLegalINN(inn) {
		return KindLegal
	}
	return KindIndividual
}

// NormalizeName folds a company name for search: lower case, ё→е, quotes
// and repeated spaces removed.
func NormalizeName(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		switch r {
		case 'ё':
			r = 'е'
		case '"', '«', '»', '„', '“', '”', '\'', '`':
			continue
		}
		if r == ' ' || r == '\t' || r == '\n' || r == '\u00a0' {
			if !space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return strings.TrimRight(b.String(), " ")
}
