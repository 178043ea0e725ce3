package core

import (
	"context"
	"slices"
	"time"

	"github.com/dealdesk/dealdesk/core/requisite"
)

// WithRegistries sets the registries to verify requisites against, most
// trusted first.
func WithRegistries(rs ...Registry) Option { return func(s *Service) { s.registries = rs } }

// WithRegistryTTL sets how long a registry's answer is reused from the
// cache (default 24 hours).
func WithRegistryTTL(d time.Duration) Option { return func(s *Service) { s.registryTTL = d } }

// DefaultRegistryTTL is how long registry answers are cached by default.
const DefaultRegistryTTL = 24 * time.Hour

// Registries returns the names of the configured registries.
func (s *Service) Registries() []string {
	var names []string
	for _, r := range s.registries {
		names = append(names, r.Name())
	}
	return names
}

// RequisitesFromCard takes the requisites of a parsed company card.
func RequisitesFromCard(c requisite.Card) Requisites {
	return Requisites{INN: c.INN, KPP: c.KPP, OGRN: c.OGRN, ShortName: c.ShortName, FullName: c.FullName,
		Address: c.Address, Director: c.Director, BIK: c.BIK, BankName: c.BankName, CorrAccount: c.CorrAccount,
		Account: c.Account, Phone: c.Phone, Email: c.Email}
}

// Card is the requisites as a company card, for requisite's checks.
func (r Requisites) Card() requisite.Card {
	return requisite.Card{INN: r.INN, KPP: r.KPP, OGRN: r.OGRN, ShortName: r.ShortName, FullName: r.FullName,
		Address: r.Address, Director: r.Director, BIK: r.BIK, BankName: r.BankName, CorrAccount: r.CorrAccount,
		Account: r.Account, Phone: r.Phone, Email: r.Email}
}

// CheckRequisites runs every checksum and format check on what was given
// (requisite.Card.Check): INN, KPP, OGRN/OGRNIP, BIK and the accounts'
// control keys with the BIK.
func CheckRequisites(r Requisites) []CheckProblem {
	var out []CheckProblem
	for _, p := range r.Card().Check() {
		out = append(out, CheckProblem{Field: p.Field, Code: p.Code, Value: p.Value})
	}
	return out
}

// checkGiven is CheckRequisites, except that when only an INN was given,
// what is not there is for the registry to tell, not a mistake.
func checkGiven(given Requisites) []CheckProblem {
	ps := CheckRequisites(given)
	if given.Name() == "" && given.Account == "" {
		ps = slices.DeleteFunc(ps, func(p CheckProblem) bool { return p.Code == "missing" && p.Field != "inn" })
	}
	return ps
}

// VerifyRequisites checks requisites: the checksums, every configured
// registry (answers cached for the TTL), the differences between what was
// given and the registry, the counterparty's status and risks, and the
// clients that look like duplicates (exclude: the card being checked).
func (s *Service) VerifyRequisites(ctx context.Context, a Actor, given Requisites, exclude int64) (*VerifyReport, error) {
	if err := a.require(PermViewClients); err != nil {
		return nil, err
	}
	rep := &VerifyReport{Problems: checkGiven(given), Configured: len(s.registries) > 0}
	if ValidateINN(given.INN) == nil {
		for _, r := range s.registries {
			rec, err := s.lookup(ctx, r, given.INN, given.KPP)
			switch {
			case err == nil:
				rep.Records = append(rep.Records, rec)
				if rec.Partial {
					rep.Failures = append(rep.Failures, RegistryFailure{Source: r.Name(), Key: ErrRegistryPartial})
				}
			case IsNotFound(err):
				rep.NotFound = append(rep.NotFound, r.Name())
			case ErrorCode(err) == EUNAVAILABLE:
				key, _ := ErrorKey(err)
				rep.Failures = append(rep.Failures, RegistryFailure{Source: r.Name(), Key: key})
			default:
				return nil, err
			}
		}
	}
	compare(rep, given)
	err := s.view(ctx, func(tx Tx) error {
		rep.At = tx.Now()
		dups, err := duplicates(tx, given, exclude)
		for _, d := range dups {
			rep.Duplicates = append(rep.Duplicates, d.ID)
		}
		return err
	})
	return rep, err
}

// compare fills the differences, the worst status and the risks.
func compare(rep *VerifyReport, given Requisites) {
	seen := map[RiskFlag]bool{}
	for _, rec := range rep.Records {
		rep.Status = worse(rep.Status, rec.Status)
		for _, f := range rec.Risks {
			if !seen[f] {
				seen[f] = true
				rep.Risks = append(rep.Risks, f)
			}
		}
	}
	best := rep.Best()
	if best == nil {
		return
	}
	for _, f := range []struct{ field, given, registry string }{
		{"short_name", given.Name(), best.ShortName}, {"kpp", given.KPP, best.KPP}, {"ogrn", given.OGRN, best.OGRN},
		{"address", given.Address, best.Address}, {"director", given.Director, best.Director},
	} {
		if differ(f.field, f.given, f.registry) {
			rep.Diffs = append(rep.Diffs, FieldDiff{Field: f.field, Given: f.given, Registry: f.registry, Source: best.Source})
		}
	}
}

// lookup asks a registry, reusing a cached answer younger than the TTL.
func (s *Service) lookup(ctx context.Context, r Registry, inn, kpp string) (*RegistryRecord, error) {
	ttl := s.registryTTL
	if ttl <= 0 {
		ttl = DefaultRegistryTTL
	}
	var cached *RegistryRecord
	err := s.view(ctx, func(tx Tx) error {
		rec, err := tx.CachedRecord(r.Name(), inn, kpp)
		if err == nil && tx.Now().Sub(rec.FetchedAt) < ttl {
			cached = rec
		} else if err != nil && !IsNotFound(err) {
			return err
		}
		return nil
	})
	if err != nil || cached != nil {
		return cached, err
	}
	rec, err := r.Lookup(ctx, inn, kpp)
	if err != nil || rec.Partial {
		return rec, err // an incomplete answer is asked again next time
	}
	err = s.sideUpdate(ctx, func(tx Tx) error {
		rec.FetchedAt = tx.Now()
		return tx.PutCachedRecord(inn, kpp, rec)
	})
	return rec, err
}

// duplicates finds the clients that look like the same counterparty: the
// same INN and KPP, the same OGRN under another INN, or the same name once
// legal forms, quotes and case are dropped.
func duplicates(tx Tx, r Requisites, exclude int64) ([]*Client, error) {
	var out []*Client
	add := func(c *Client) {
		if c.ID != exclude && c.MergedInto == 0 && !slices.ContainsFunc(out, func(o *Client) bool { return o.ID == c.ID }) {
			out = append(out, c)
		}
	}
	if r.INN != "" {
		if c, err := tx.ClientByINN(r.INN, r.KPP); err == nil {
			add(c)
		} else if !IsNotFound(err) {
			return nil, err
		}
	}
	if r.OGRN != "" {
		if c, err := tx.ClientByOGRN(r.OGRN); err == nil && c.INN != r.INN {
			add(c)
		}
	}
	for _, name := range []string{r.ShortName, r.FullName} {
		if key := NameKey(name); key != "" {
			cs, err := tx.ClientsByNameKey(key)
			if err != nil {
				return nil, err
			}
			for _, c := range cs {
				add(c)
			}
		}
	}
	return out, nil
}

// FindDuplicates returns the clients that look like the counterparty of
// the requisites (see VerifyRequisites), except the card exclude.
func (s *Service) FindDuplicates(ctx context.Context, a Actor, r Requisites, exclude int64) ([]*Client, error) {
	if err := a.require(PermViewClients); err != nil {
		return nil, err
	}
	var out []*Client
	err := s.view(ctx, func(tx Tx) (err error) {
		out, err = duplicates(tx, r, exclude)
		return err
	})
	return out, err
}
