package dadata

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// This file is the only place that knows DaData's wire format. Field names
// come from DaData's public typings (shared/docs/external-services.md §2);
// the parsing is tolerant: a field of an unexpected type is skipped, never
// fatal, and a missing field stays empty.

// errNoParty means DaData answered 200 with no suggestions: no such party.
var errNoParty = errors.New("no suggestions")

// partyAnswer is the body of findById/party. Suggestions is a pointer so
// that an answer without the field is told from an empty list.
type partyAnswer struct {
	Suggestions *[]suggestion `json:"suggestions"`
}

type suggestion struct {
	Value             string    `json:"value"`
	UnrestrictedValue string    `json:"unrestricted_value"`
	Data              partyData `json:"data"`
}

type partyData struct {
	INN        string `json:"inn"`
	KPP        string `json:"kpp"`
	OGRN       string `json:"ogrn"`
	OGRNDate   msTime `json:"ogrn_date"`
	Type       string `json:"type"` // LEGAL, INDIVIDUAL
	BranchType string `json:"branch_type"`
	Name       struct {
		FullWithOPF  string `json:"full_with_opf"`
		ShortWithOPF string `json:"short_with_opf"`
		Full         string `json:"full"`
		Short        string `json:"short"`
	} `json:"name"`
	State struct {
		Status           string `json:"status"`
		RegistrationDate msTime `json:"registration_date"`
		LiquidationDate  msTime `json:"liquidation_date"`
	} `json:"state"`
	Address struct {
		Value             string `json:"value"`
		UnrestrictedValue string `json:"unrestricted_value"`
	} `json:"address"`
	Management struct {
		Name string `json:"name"`
		Post string `json:"post"`
	} `json:"management"`
	FIO struct {
		Surname    string `json:"surname"`
		Name       string `json:"name"`
		Patronymic string `json:"patronymic"`
	} `json:"fio"`
	OKVED  string `json:"okved"`
	OKVEDs []struct {
		Main bool   `json:"main"`
		Code string `json:"code"`
		Name string `json:"name"`
	} `json:"okveds"`
}

// msTime is a DaData date: Unix time in milliseconds. Null, a numeric
// string or anything unreadable is accepted; what cannot be read is zero,
// and so is a time outside the years 1-9999, which no register date is
// and which the record's JSON (RFC 3339) cannot hold.
type msTime struct{ time.Time }

// maxMillis bounds the milliseconds read: beyond it a float does not
// convert to int64 exactly, and every such time is out of range anyway.
const maxMillis = 1 << 53

// UnmarshalJSON implements json.Unmarshaler and never fails.
func (t *msTime) UnmarshalJSON(b []byte) error {
	s := string(bytes.Trim(b, `"`))
	ms, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.Abs(f) > maxMillis {
			return nil
		}
		ms = int64(f)
	}
	if tm := time.UnixMilli(ms).UTC(); tm.Year() >= 1 && tm.Year() <= 9999 {
		t.Time = tm
	}
	return nil
}

// statuses maps state.status. BANKRUPT appeared later than the others;
// a value missing here becomes StatusUnknown with DaData's word kept.
var statuses = map[string]core.CompanyStatus{
	"ACTIVE":       core.StatusActive,
	"LIQUIDATING":  core.StatusLiquidating,
	"LIQUIDATED":   core.StatusLiquidated,
	"BANKRUPT":     core.StatusBankrupt,
	"REORGANIZING": core.StatusReorganizing,
}

// decodeParty reads a findById/party answer to a query for inn. It returns
// errNoParty for an empty list, an error for a body that is not such an
// answer or that is about another INN, and skipped (non-nil) when some
// fields had an unexpected type and were left out of an otherwise good
// record. A party without an INN is taken as inn's, as it was asked for.
func decodeParty(body []byte, inn string) (rec *core.RegistryRecord, skipped, err error) {
	var a partyAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) {
			return nil, nil, err
		}
		skipped = err
	}
	if a.Suggestions == nil {
		return nil, nil, errors.New("no suggestions field in the answer")
	}
	if len(*a.Suggestions) == 0 {
		return nil, nil, errNoParty
	}
	rec = partyRecord((*a.Suggestions)[0], inn)
	if rec.INN != inn {
		return nil, nil, fmt.Errorf("asked for INN %s, got a party with INN %q", inn, rec.INN)
	}
	return rec, skipped, nil
}

// partyRecord maps one suggestion; inn, the INN asked for, stands in for
// a missing one. Source and FetchedAt are the caller's.
func partyRecord(s suggestion, inn string) *core.RegistryRecord {
	d := s.Data
	d.INN = first(strings.TrimSpace(d.INN), inn)
	rec := &core.RegistryRecord{
		Kind:         partyKind(d.Type, d.INN),
		INN:          d.INN,
		KPP:          d.KPP,
		OGRN:         d.OGRN,
		ShortName:    first(d.Name.ShortWithOPF, s.Value, d.Name.FullWithOPF, d.Name.Short, d.Name.Full),
		FullName:     first(d.Name.FullWithOPF, d.Name.Full),
		Address:      first(d.Address.UnrestrictedValue, d.Address.Value),
		RegisteredAt: first(d.OGRNDate.Time, d.State.RegistrationDate.Time),
		LiquidatedAt: d.State.LiquidationDate.Time,
		Status:       core.StatusUnknown,
		StatusText:   d.State.Status,
		OKVED:        d.OKVED,
		Branch:       d.BranchType == "BRANCH",
	}
	if st, ok := statuses[strings.ToUpper(d.State.Status)]; ok {
		rec.Status = st
	}
	if rec.Kind == core.KindIndividual {
		fio := strings.Join(strings.Fields(d.FIO.Surname+" "+d.FIO.Name+" "+d.FIO.Patronymic), " ")
		rec.Director = first(fio, d.Name.Full)
	} else {
		rec.Director, rec.DirectorPost = d.Management.Name, d.Management.Post
	}
	for _, o := range d.OKVEDs {
		if o.Main && (rec.OKVED == "" || o.Code == rec.OKVED) {
			rec.OKVED, rec.OKVEDName = o.Code, o.Name
			break
		}
	}
	return rec
}

// partyKind reads type; without it the INN's length decides (12 digits
// belong to a person, so to a sole proprietor here).
func partyKind(typ, inn string) core.ClientKind {
	switch {
	case typ == "INDIVIDUAL":
		return core.KindIndividual
	case typ == "LEGAL":
		return core.KindLegal
	case len(inn) == 12:
		return core.KindIndividual
	case len(inn) == 10:
		return core.KindLegal
	}
	return ""
}

// first returns the first non-zero value.
func first[T comparable](vs ...T) T {
	var zero T
	for _, v := range vs {
		if v != zero {
			return v
		}
	}
	return zero
}
