package core

import (
	"strings"
	"time"
)

// IntakeStatus is where an intake request stands.
type IntakeStatus string

// Intake statuses.
const (
	IntakeOpen     IntakeStatus = "open"     // waiting for an officer
	IntakeDone     IntakeStatus = "done"     // the card is created or updated
	IntakeReturned IntakeStatus = "returned" // sent back to the manager with the reasons
)

// Requisites are a counterparty's requisites as someone gave them: typed,
// pasted from a company card, or taken from a registry.
type Requisites struct {
	INN         string `json:"inn"`
	KPP         string `json:"kpp,omitempty"`
	OGRN        string `json:"ogrn,omitempty"`
	ShortName   string `json:"short_name,omitempty"`
	FullName    string `json:"full_name,omitempty"`
	Address     string `json:"address,omitempty"`
	Director    string `json:"director,omitempty"`
	BIK         string `json:"bik,omitempty"`
	BankName    string `json:"bank_name,omitempty"`
	CorrAccount string `json:"corr_account,omitempty"`
	Account     string `json:"account,omitempty"`
	Phone       string `json:"phone,omitempty"`
	Email       string `json:"email,omitempty"`
}

// Name is the short name, else the full one.
func (r Requisites) Name() string {
	if r.ShortName != "" {
		return r.ShortName
	}
	return r.FullName
}

// Intake is a manager's request to add or check a counterparty: what they
// gave, the officers' task, the last verification and the outcome.
type Intake struct {
	ID         int64         `json:"id"`
	ManagerID  int64         `json:"manager_id"`
	Given      Requisites    `json:"given"`
	Unread     []string      `json:"unread,omitempty"` // lines of a pasted card that could not be read
	TaskID     int64         `json:"task_id"`
	ClientID   int64         `json:"client_id,omitempty"` // the card created or updated
	Status     IntakeStatus  `json:"status"`
	Report     *VerifyReport `json:"report,omitempty"`
	ReturnNote string        `json:"return_note,omitempty"`
	CreatedAt  time.Time     `json:"created_at"`
	UpdatedAt  time.Time     `json:"updated_at"`
}

// CheckProblem is one failed requisites check: the field, a machine code
// ("checksum", "length", "format", "bank_mismatch", "missing",
// "unexpected") and the value.
type CheckProblem struct {
	Field string `json:"field"`
	Code  string `json:"code"`
	Value string `json:"value,omitempty"`
}

// FieldDiff is a field whose value differs between what was given (or the
// card) and a registry.
type FieldDiff struct {
	Field    string `json:"field"` // "short_name", "kpp", "ogrn", "address", "director"
	Given    string `json:"given,omitempty"`
	Registry string `json:"registry"`
	Source   string `json:"source"`
}

// RegistryFailure is a registry that could not answer.
type RegistryFailure struct {
	Source string `json:"source"`
	Key    string `json:"key"` // ErrRegistryDown, ErrRegistryAuth, ...
}

// VerifyReport is the outcome of checking requisites: checksums, every
// configured registry, the differences, the risks and the duplicates.
type VerifyReport struct {
	At         time.Time         `json:"at"`
	Problems   []CheckProblem    `json:"problems,omitempty"`
	Records    []*RegistryRecord `json:"records,omitempty"`
	NotFound   []string          `json:"not_found,omitempty"` // registries without the INN
	Failures   []RegistryFailure `json:"failures,omitempty"`
	Diffs      []FieldDiff       `json:"diffs,omitempty"`
	Status     CompanyStatus     `json:"status,omitempty"` // the worst status any registry gave
	Risks      []RiskFlag        `json:"risks,omitempty"`
	Duplicates []int64           `json:"duplicates,omitempty"` // client ids
	Existing   int64             `json:"existing,omitempty"`   // the card with this INN and KPP, to be updated
	// Configured is false when no registry is configured: only the
	// checksums were checked.
	Configured bool `json:"configured"`
}

// Best is the record to fill a card from: the first registry's that found
// the INN (registries are asked in the configured order of trust).
func (r *VerifyReport) Best() *RegistryRecord {
	if r == nil || len(r.Records) == 0 {
		return nil
	}
	return r.Records[0]
}

// Incomplete reports whether some registry could not answer.
func (r *VerifyReport) Incomplete() bool { return r != nil && len(r.Failures) > 0 }

// statusRank orders statuses from harmless to blocking.
var statusRank = map[CompanyStatus]int{StatusUnknown: 0, StatusActive: 1, StatusReorganizing: 2,
	StatusLiquidating: 3, StatusBankrupt: 4, StatusLiquidated: 5}

// worse returns the worse of two statuses.
func worse(a, b CompanyStatus) CompanyStatus {
	if statusRank[b] > statusRank[a] {
		return b
	}
	return a
}

// differ reports whether two values of a field differ once normalized.
func differ(field, a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	switch field {
	case "short_name", "full_name":
		return NameKey(a) != NameKey(b)
	case "address":
		return addressKey(a) != addressKey(b)
	case "director":
		return NameKey(a) != NameKey(b)
	}
	return strings.TrimSpace(a) != strings.TrimSpace(b)
}

// addressKey folds an address for comparison: no postcode, punctuation,
// case or the usual abbreviations' dots ("г. Москва" = "г Москва").
func addressKey(a string) string {
	var words []string
	for _, w := range strings.Fields(NameKey(a)) {
		if len(w) == 6 && strings.Trim(w, "0123456789") == "" {
			continue // a postcode
		}
		words = append(words, w)
	}
	return strings.Join(words, " ")
}
