package core

import (
	"context"
	"time"
)

// CompanyStatus is a counterparty's state in the state register.
type CompanyStatus string

// Company statuses, normalized from each registry's own codes.
const (
	StatusActive       CompanyStatus = "active"
	StatusLiquidating  CompanyStatus = "liquidating"
	StatusLiquidated   CompanyStatus = "liquidated"
	StatusBankrupt     CompanyStatus = "bankrupt"
	StatusReorganizing CompanyStatus = "reorganizing"
	StatusUnknown      CompanyStatus = "unknown"
)

// BlocksDeals reports whether a counterparty in this state may get no new
// deal unless a head overrides it.
func (s CompanyStatus) BlocksDeals() bool { return s == StatusLiquidated || s == StatusBankrupt }

// Risk is a normalized risk signal about a counterparty.
type Risk string

// Risk signals. Registries name them differently; adapters map theirs here
// and keep the registry's own words in RiskFlag.Text. RiskOther covers a
// signal with no code of its own.
const (
	RiskMassAddress          Risk = "mass_address"
	RiskMassDirector         Risk = "mass_director"
	RiskMassFounder          Risk = "mass_founder"
	RiskDisqualifiedDirector Risk = "disqualified_director"
	RiskUnreliableAddress    Risk = "unreliable_address"
	RiskUnreliableDirector   Risk = "unreliable_director"
	RiskUnreliableFounder    Risk = "unreliable_founder"
	RiskTaxDebt              Risk = "tax_debt"
	RiskBlockedAccounts      Risk = "blocked_accounts"
	RiskBankruptcy           Risk = "bankruptcy"
	RiskLiquidation          Risk = "liquidation"
	RiskReorganization       Risk = "reorganization"
	RiskNoReporting          Risk = "no_reporting"
	RiskRecentlyRegistered   Risk = "recently_registered"
	RiskDueDiligence         Risk = "due_diligence" // SPARK's due diligence index is high
	RiskOther                Risk = "other"
)

// Risks lists every risk code.
var Risks = []Risk{RiskMassAddress, RiskMassDirector, RiskMassFounder, RiskDisqualifiedDirector,
	RiskUnreliableAddress, RiskUnreliableDirector, RiskUnreliableFounder, RiskTaxDebt, RiskBlockedAccounts,
	RiskBankruptcy, RiskLiquidation, RiskReorganization, RiskNoReporting, RiskRecentlyRegistered,
	RiskDueDiligence, RiskOther}

// RiskFlag is one risk signal with the registry's own words.
type RiskFlag struct {
	Code Risk   `json:"code"`
	Text string `json:"text,omitempty"`
}

// RegistryRecord is a company or sole proprietor as a registry knows it,
// normalized. Empty fields are unknown to that registry (never invented).
type RegistryRecord struct {
	Source       string        `json:"source"` // "dadata", "fnsapi", "spark"
	Kind         ClientKind    `json:"kind"`
	INN          string        `json:"inn"`
	KPP          string        `json:"kpp,omitempty"`
	OGRN         string        `json:"ogrn,omitempty"` // OGRN or OGRNIP
	ShortName    string        `json:"short_name,omitempty"`
	FullName     string        `json:"full_name,omitempty"`
	Address      string        `json:"address,omitempty"`
	Director     string        `json:"director,omitempty"` // full name; the owner for a sole proprietor
	DirectorPost string        `json:"director_post,omitempty"`
	RegisteredAt time.Time     `json:"registered_at,omitzero"`
	LiquidatedAt time.Time     `json:"liquidated_at,omitzero"`
	Status       CompanyStatus `json:"status"`
	StatusText   string        `json:"status_text,omitempty"` // the registry's own words
	OKVED        string        `json:"okved,omitempty"`
	OKVEDName    string        `json:"okved_name,omitempty"`
	Branch       bool          `json:"branch,omitempty"`
	Risks        []RiskFlag    `json:"risks,omitempty"`
	// Partial is set when part of the registry's answer could not be had
	// (api-fns' counterparty check failed while the register record came):
	// what is there is true, but the risks are unknown. Such a record is not
	// cached, and the verification counts as incomplete.
	Partial   bool      `json:"partial,omitempty"`
	FetchedAt time.Time `json:"fetched_at"`
}

// Registry finds a company or sole proprietor by INN (and, for a branch,
// KPP) in a state register or a service built on it. Errors:
//   - ENOTFOUND "err.registry.not_found" when the registry has no such INN;
//   - EUNAVAILABLE "err.registry.down" (network, timeouts, 5xx, 429: worth
//     retrying later), "err.registry.auth" (the key is refused),
//     "err.registry.quota" (the plan's limit is used up) or
//     "err.registry.bad_answer" (an answer that cannot be read);
//
// each with the argument "Source" (the registry's name).
type Registry interface {
	// Name is the registry's name: "dadata", "fnsapi", "spark".
	Name() string
	// Lookup returns the registry's record of the INN (and KPP).
	Lookup(ctx context.Context, inn, kpp string) (*RegistryRecord, error)
}

// Registry error keys.
const (
	ErrRegistryNotFound  = "err.registry.not_found"
	ErrRegistryDown      = "err.registry.down"
	ErrRegistryAuth      = "err.registry.auth"
	ErrRegistryQuota     = "err.registry.quota"
	ErrRegistryBadAnswer = "err.registry.bad_answer"
	ErrRegistryPartial   = "err.registry.partial"
)
