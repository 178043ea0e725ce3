package core

import (
	"context"
	"regexp"
	"slices"
	"strings"

	"github.com/dealdesk/dealdesk/core/requisite"
)

// ApplyIntake creates or updates the card of an intake's counterparty from
// the registry's values (what the manager gave where the registry has
// none, and the bank account they gave), audited with the reason
// ("registry" unless the officer gave one). When a registry could not
// answer or none is configured, the card is saved as unverified and the
// intake and its task stay open, to be verified again. The manager is told.
//
// With keepGiven the officer chose the manager's values over the registry's
// where both have one; that needs their reason.
//
// Nothing bypasses the second approval: on a card that exists, a sensitive
// field (SensitiveFields) that has a value is written by the intake only
// with a value the intake's registry record confirms, the registry being
// authoritative. A value only the manager gave (a pasted bank account on a
// card that has one, a director or an OGRN the registry does not confirm)
// is held: it becomes a pending correction proposed by the officer, for
// the intake's request, with the officer's reason or "intake", and the
// card keeps what it has until an approver decides (see holdSensitive).
// Filling in an empty field is written at once, as before.
func (s *Service) ApplyIntake(ctx context.Context, a Actor, id int64, reason string, keepGiven bool) (*Intake, *Client, error) {
	if err := a.require(PermVerify); err != nil {
		return nil, nil, err
	}
	reason = strings.TrimSpace(reason)
	switch {
	case keepGiven && reason == "":
		return nil, nil, Errorf(EINVALID, "err.intake.note_required")
	case reason == "":
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
		if in.Report == nil {
			return Errorf(EINVALID, "err.intake.verify_first", "ID", in.ID)
		}
		if card, err = s.saveCard(tx, a, in, reason, keepGiven); err != nil {
			return err
		}
		in.ClientID = card.ID
		key := "notify.intake.done"
		switch {
		case in.Report.Incomplete():
			// A registry was down: saved unverified, the request stays open
			// to be verified again.
			key = "notify.intake.saved_unverified"
		case in.Report.Best() == nil:
			// No registry is configured or none knows the INN: retrying will
			// not help, so the request closes with an unverified card.
			key = "notify.intake.saved_no_registry"
		}
		if key != "notify.intake.saved_unverified" {
			in.Status = IntakeDone
			if err := s.closeIntakeTask(tx, a, in, card.Name()+", "+card.INN); err != nil {
				return err
			}
		}
		if err := tx.UpdateIntake(in); err != nil {
			return err
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
func (s *Service) saveCard(tx Tx, a Actor, in *Intake, reason string, keepGiven bool) (*Client, error) {
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
		if old.MergedInto != 0 {
			return nil, mergedErr(tx, ECONFLICT, old)
		}
		cp := *old
		c = &cp
	}
	fillCard(c, in, keepGiven)
	if old == nil && c.ManagerID == 0 {
		if m, err := tx.UserByID(in.ManagerID); err == nil && m.Active && LeadsDeals(m.Role) {
			c.ManagerID = m.ID
		}
	}
	if err := c.Validate(); err != nil {
		if ErrorCode(err) == EINVALID && strings.TrimSpace(c.Name()) == "" {
			return nil, Errorf(EINVALID, "err.intake.no_name", "ID", in.ID)
		}
		return nil, err
	}
	if old == nil {
		if c.OGRN != "" {
			if dup, err := tx.ClientByOGRN(c.OGRN); err == nil && dup.INN != c.INN {
				return nil, Errorf(ECONFLICT, "err.client.ogrn_taken", "OGRN", c.OGRN, "Name", dup.Name(), "Card", QuoteName(dup.Name()))
			}
		}
		if err := tx.CreateClient(c); err != nil {
			return nil, err
		}
		return c, tx.AddChanges(stamp(diffClient(&Client{}, c), a, reason)...)
	}
	held := holdSensitive(old, c, in)
	if err := tx.UpdateClient(c); err != nil {
		return nil, err
	}
	if err := tx.AddChanges(stamp(diffClient(old, c), a, reason)...); err != nil {
		return nil, err
	}
	return c, s.proposeHeld(tx, a, in, c, held, reason, keepGiven)
}

// holdSensitive takes out of the card c, the existing card old as the
// intake would leave it, the sensitive values that need a second
// approval, and returns them as edits of the card as it stays: a field
// that had a value and would get one the intake's registry record does not
// confirm, and an account added to a card that has accounts (registries
// know no accounts). What is left is written by the intake.
func holdSensitive(old, c *Client, in *Intake) []*Edit {
	rec := in.Report.Best()
	var held []*Edit
	for _, f := range SensitiveFields[EntityClient] {
		p, was := clientText(c, f), clientText(old, f)
		if p == nil || *was == "" || *p == *was || registryConfirms(rec, f, *p) {
			continue
		}
		held = append(held, &Edit{Entity: EntityClient, ID: old.ID, Field: f, Op: EditSet, Old: *was, New: *p})
		*p = *was
	}
	if len(old.Accounts) > 0 {
		keep := c.Accounts[:0:0]
		for _, acc := range c.Accounts {
			if hasAccount(old.Accounts, acc.Account) {
				keep = append(keep, acc)
				continue
			}
			acc := acc
			held = append(held, &Edit{Entity: EntityClient, ID: old.ID, Field: FieldAccounts, Op: EditAdd,
				New: acc.String(), Account: &acc})
		}
		c.Accounts = keep
	}
	return held
}

// registryConfirms reports whether the registry's record has the card's
// field's value: the same requisite, or, for the director, the same person
// (with or without the post the card writes after the name).
func registryConfirms(rec *RegistryRecord, field, v string) bool {
	if rec == nil {
		return false
	}
	switch field {
	case FieldINN:
		return v == rec.INN
	case FieldKPP:
		return v == rec.KPP
	case FieldOGRN:
		return v == rec.OGRN
	case FieldDirector:
		name, _ := directorContact(v)
		return rec.Director != "" && foldName(name) == foldName(rec.Director)
	}
	return false
}

// foldName is a person's name as compared: case, ё and spacing ignored.
func foldName(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(strings.ToLower(s), "ё", "е")), " ")
}

// proposeHeld makes the values holdSensitive held pending corrections of
// the card, proposed by the officer applying the intake, for the intake's
// request while it is open, with the officer's reason when they chose the
// manager's values, else "intake". A value that waits already (the intake
// applied again) is not proposed twice, and one that breaks a rule of the
// card (an account without its BIK, an OGRN another INN has) is not
// proposed at all: the card keeps its value, and the intake keeps what the
// manager gave.
func (s *Service) proposeHeld(tx Tx, a Actor, in *Intake, c *Client, held []*Edit, reason string, keepGiven bool) error {
	if len(held) == 0 {
		return nil
	}
	if !keepGiven {
		reason = "intake"
	}
	var request int64
	if r, err := intakeRequest(tx, in); err != nil {
		return err
	} else if r != nil && !r.Status.Closed() {
		request = r.ID
	}
	waiting, err := tx.PendingCorrections(EntityClient, c.ID)
	if err != nil {
		return err
	}
	for _, e := range held {
		if slices.ContainsFunc(waiting, func(w *Correction) bool {
			return w.Edit.Field == e.Field && w.Edit.Op == e.Op && w.Edit.New == e.New
		}) {
			continue
		}
		e.Label, e.Reason, e.RequestID, e.NeedsReason = RecordLabel(nil, c), reason, request, true
		if _, err := checkCorrection(tx, e); err != nil {
			if code := ErrorCode(err); code == EINVALID || code == ECONFLICT {
				continue
			}
			return err
		}
		if _, err := s.propose(tx, a, e); err != nil {
			return err
		}
	}
	return nil
}

// fillCard sets a card's fields from the registry's record, else from what
// was given, and its verification from the report.
func fillCard(c *Client, in *Intake, keepGiven bool) {
	g, rec := in.Given, in.Report.Best()
	verified := rec != nil && !in.Report.Incomplete()
	if rec == nil {
		rec = &RegistryRecord{}
	}
	if c.ID != 0 && !verified {
		// An existing card is not overwritten by unchecked values, and keeps
		// its last verification (and so a registry's block).
		fillEmpty(c, g)
		return
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
	// A branch keeps its own KPP: registries answer with the head office's.
	pick(&c.KPP, g.KPP, c.KPP, rec.KPP)
	director := rec.Director
	if director != "" && rec.DirectorPost != "" {
		director += " (" + strings.ToLower(rec.DirectorPost) + ")"
	}
	// first orders a field's sources: the registry's value before the one
	// given, or the other way round when the officer chose so.
	first := func(registry, given string) (string, string) {
		if keepGiven {
			return given, registry
		}
		return registry, given
	}
	x, y := first(rec.OGRN, g.OGRN)
	pick(&c.OGRN, x, y, c.OGRN)
	x, y = first(rec.ShortName, g.ShortName)
	pick(&c.ShortName, x, y, c.ShortName, rec.FullName, g.FullName)
	x, y = first(rec.FullName, g.FullName)
	pick(&c.FullName, x, y, c.FullName)
	x, y = first(rec.Address, g.Address)
	pick(&c.Address, x, y, c.Address)
	x, y = first(director, g.Director)
	pick(&c.Director, x, y, c.Director)
	if c.Kind == KindIndividual {
		c.KPP = ""
	}
	if g.Account != "" && !hasAccount(c.Accounts, g.Account) && accountOK(g) {
		c.Accounts = append(c.Accounts, BankAccount{BIK: g.BIK, BankName: g.BankName, CorrAccount: g.CorrAccount,
			Account: g.Account})
	}
	addGivenContact(c, g)
	rep := in.Report
	switch {
	case rep == nil || rep.Best() == nil || rep.Incomplete():
		c.Verification = Verification{Status: Unverified}
	default:
		v := Verification{Status: Verified, At: rep.At, Source: rep.Best().Source, Company: rep.Status, Risks: rep.Risks}
		ps := cardProblems(c, g)
		if len(rep.Risks) > 0 || rep.Status.BlocksDeals() || len(ps) > 0 {
			v.Status = ProblemsFound
		}
		for _, p := range ps {
			v.Problems = append(v.Problems, p.Field+":"+p.Code)
		}
		c.Verification = v
	}
}

// cardProblems are the problems of what was given that the card still has:
// a requisite missing from what was given but filled from the registry
// (a KPP, when only the INN was sent) is no problem of the card.
func cardProblems(c *Client, g Requisites) []CheckProblem {
	return slices.DeleteFunc(CheckRequisites(g), func(p CheckProblem) bool {
		if p.Code != requisite.CodeMissing {
			return false
		}
		switch p.Field {
		case "kpp":
			return c.KPP != ""
		case "ogrn":
			return c.OGRN != ""
		}
		return false
	})
}

// fillEmpty fills only the card's empty fields from what was given, and
// adds the phone and e-mail given as a contact (addGivenContact).
func fillEmpty(c *Client, g Requisites) {
	for _, f := range []struct {
		dst *string
		v   string
	}{{&c.OGRN, g.OGRN}, {&c.ShortName, g.ShortName},
		{&c.FullName, g.FullName}, {&c.Address, g.Address}, {&c.Director, g.Director}} {
		if *f.dst == "" {
			*f.dst = strings.TrimSpace(f.v)
		}
	}
	if g.Account != "" && !hasAccount(c.Accounts, g.Account) && accountOK(g) {
		c.Accounts = append(c.Accounts, BankAccount{BIK: g.BIK, BankName: g.BankName, CorrAccount: g.CorrAccount,
			Account: g.Account})
	}
	addGivenContact(c, g)
}

// accountOK reports whether the bank details given pass their checks: an
// account with a wrong key is never written to a card.
func accountOK(g Requisites) bool {
	for _, p := range CheckRequisites(g) {
		if (p.Field == "account" || p.Field == "corr_account" || p.Field == "bik") && p.Code != "missing" {
			return false
		}
	}
	return true
}

func hasAccount(as []BankAccount, account string) bool {
	for _, a := range as {
		if a.Account == account {
			return true
		}
	}
	return false
}

// addGivenContact saves the phone and e-mail given with the requisites (a
// pasted company card has them) as a contact on the card, named after the
// card's director (with the post a registry gave as the position), or after
// the company when the card has no director. A phone or e-mail that does
// not read (NormalizePhone, NormalizeEmail) is left out and does not stop
// the intake. What the card's contacts already have is not added again: a
// contact that has the given phone (or e-mail) takes the e-mail (or phone)
// when it has none, else a new contact gets what is new. A card with
// MaxContacts contacts gets no new one.
func addGivenContact(c *Client, g Requisites) {
	phone := givenPhone(g.Phone)
	email, err := NormalizeEmail(g.Email)
	if err != nil {
		email = ""
	}
	owner := -1 // the contact that already has the given phone or e-mail
	for i, ct := range c.Contacts {
		if phone != "" && samePhone(ct.Phone, phone) {
			phone, owner = "", i
		}
		if email != "" && strings.EqualFold(strings.TrimSpace(ct.Email), email) {
			email, owner = "", i
		}
	}
	if phone == "" && email == "" {
		return
	}
	// The card may share its list with the card as it was (saveCard copies
	// the struct): a contact is changed in a copy, or the audit sees no change.
	if owner >= 0 {
		ct := c.Contacts[owner]
		switch {
		case phone != "" && ct.Phone == "" && email == "":
			ct.Phone = phone
		case email != "" && ct.Email == "" && phone == "":
			ct.Email = email
		default:
			owner = -1
		}
		if owner >= 0 {
			c.Contacts = slices.Clone(c.Contacts)
			c.Contacts[owner] = ct
			return
		}
	}
	if len(c.Contacts) >= MaxContacts {
		return
	}
	name, position := directorContact(c.Director)
	ct := Contact{Name: name, Position: position, Phone: phone, Email: email}
	if ct.Validate() != nil {
		ct.Name, ct.Position = cutRunes(c.Name(), MaxNameLen), ""
		if ct.Validate() != nil {
			return
		}
	}
	c.Contacts = append(slices.Clone(c.Contacts), ct)
}

// givenPhone is the phone given with the requisites, normalized: the whole
// value, else the first of the numbers it lists («+7 495 500-55-50,
// +7 495 500-55-51»; «… или …»; «…/…») that reads; "" when none does.
func givenPhone(v string) string {
	if strings.TrimSpace(v) == "" {
		return ""
	}
	if p, err := NormalizePhone(v); err == nil {
		return p
	}
	for _, part := range phoneSeparators.Split(v, -1) {
		if p, err := NormalizePhone(part); err == nil {
			return p
		}
	}
	return ""
}

// phoneSeparators separate the numbers of a company card's phone.
var phoneSeparators = regexp.MustCompile(`[,;/]|\s+или\s+`)

// samePhone reports whether a contact's phone is the given one, normalized.
func samePhone(have, given string) bool {
	if p, err := NormalizePhone(have); err == nil {
		have = p
	}
	return strings.TrimSpace(have) == given
}

// directorContact reads a card's director as a contact's name and position:
// «Греф Герман Оскарович (президент)», as a registry's director is written,
// is the name and the post.
func directorContact(d string) (name, position string) {
	d = strings.TrimSpace(d)
	if i := strings.LastIndex(d, " ("); i > 0 && strings.HasSuffix(d, ")") {
		return strings.TrimSpace(d[:i]), strings.TrimSpace(d[i+2 : len(d)-1])
	}
	return d, ""
}

// cutRunes returns s cut to at most n characters.
func cutRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
