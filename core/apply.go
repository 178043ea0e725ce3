package core

import (
	"context"
	"strings"
)

// ApplyIntake creates or updates the card of an intake's counterparty from
// the registry's values (what the manager gave where the registry has
// none, and the bank account they gave), audited with the reason
// ("registry" unless the officer gave one). When a registry could not
// answer or none is configured, the card is saved as unverified and the
// intake and its task stay open, to be verified again. The manager is told.
func (s *Service) ApplyIntake(ctx context.Context, a Actor, id int64, reason string) (*Intake, *Client, error) {
	if err := a.require(PermVerify); err != nil {
		return nil, nil, err
	}
	if reason = strings.TrimSpace(reason); reason == "" {
		reason = "registry"
	}
	var in *Intake
	var card *Client
	err := s.update(ctx, func(tx Tx) (err error) {
		if in, err = tx.IntakeByID(id); err != nil {
			return err
		}
		if in.Status != IntakeOpen {
			return Errorf(ECONFLICT, "err.intake.closed", "ID", in.ID)
		}
		if card, err = s.saveCard(tx, a, in, reason); err != nil {
			return err
		}
		in.ClientID = card.ID
		verified := in.Report != nil && in.Report.Best() != nil && !in.Report.Incomplete()
		if verified {
			in.Status = IntakeDone
			if err := s.closeIntakeTask(tx, a, in, "card "+card.INN); err != nil {
				return err
			}
		}
		if err := tx.UpdateIntake(in); err != nil {
			return err
		}
		key := "notify.intake.done"
		if !verified {
			key = "notify.intake.saved_unverified"
		}
		return s.notifyUser(tx, in.ManagerID, Note{Key: key, Args: map[string]any{"ID": in.ID, "INN": card.INN,
			"Name": card.Name(), "By": describeUser(tx, a.ID())}})
	})
	if err != nil {
		return nil, nil, err
	}
	return in, card, nil
}

// saveCard writes the card in the transaction, audited.
func (s *Service) saveCard(tx Tx, a Actor, in *Intake, reason string) (*Client, error) {
	var old *Client
	if in.Report != nil && in.Report.Existing != 0 {
		o, err := tx.ClientByID(in.Report.Existing)
		if err != nil {
			return nil, err
		}
		old = o
	} else if o, err := tx.ClientByINN(in.Given.INN, in.Given.KPP); err == nil {
		old = o
	} else if !IsNotFound(err) {
		return nil, err
	}
	c := &Client{}
	if old != nil {
		cp := *old
		c = &cp
	}
	fillCard(c, in)
	if old == nil && c.ManagerID == 0 {
		c.ManagerID = in.ManagerID
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if old == nil {
		if err := tx.CreateClient(c); err != nil {
			return nil, err
		}
		return c, tx.AddChanges(stamp(diffClient(&Client{}, c), a, reason)...)
	}
	if err := tx.UpdateClient(c); err != nil {
		return nil, err
	}
	return c, tx.AddChanges(stamp(diffClient(old, c), a, reason)...)
}

// fillCard sets a card's fields from the registry's record, else from what
// was given, and its verification from the report.
func fillCard(c *Client, in *Intake) {
	g, rec := in.Given, in.Report.Best()
	if rec == nil {
		rec = &RegistryRecord{}
	}
	pick := func(dst *string, values ...string) {
		for _, v := range values {
			if v = strings.TrimSpace(v); v != "" {
				*dst = v
				return
			}
		}
	}
	c.INN = g.INN
	c.Kind = KindForINN(g.INN)
	pick(&c.KPP, rec.KPP, g.KPP, c.KPP)
	pick(&c.OGRN, rec.OGRN, g.OGRN, c.OGRN)
	pick(&c.ShortName, rec.ShortName, g.ShortName, c.ShortName, rec.FullName, g.FullName)
	pick(&c.FullName, rec.FullName, g.FullName, c.FullName)
	pick(&c.Address, rec.Address, g.Address, c.Address)
	pick(&c.Director, rec.Director, g.Director, c.Director)
	if c.Kind == KindIndividual {
		c.KPP = ""
	}
	if g.Account != "" && !hasAccount(c.Accounts, g.Account) {
		c.Accounts = append(c.Accounts, BankAccount{BIK: g.BIK, BankName: g.BankName, CorrAccount: g.CorrAccount,
			Account: g.Account})
	}
	rep := in.Report
	switch {
	case rep == nil || rep.Best() == nil || rep.Incomplete():
		c.Verification = Verification{Status: Unverified}
	default:
		v := Verification{Status: Verified, At: rep.At, Source: rep.Best().Source, Company: rep.Status, Risks: rep.Risks}
		if len(rep.Risks) > 0 || rep.Status.BlocksDeals() || len(CheckRequisites(g)) > 0 {
			v.Status = ProblemsFound
		}
		for _, p := range CheckRequisites(g) {
			v.Problems = append(v.Problems, p.Field+":"+p.Code)
		}
		c.Verification = v
	}
}

func hasAccount(as []BankAccount, account string) bool {
	for _, a := range as {
		if a.Account == account {
			return true
		}
	}
	return false
}
