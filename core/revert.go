package core

import (
	"context"
	"slices"
	"strings"
)

// PlanRevert builds the correction that rolls an audited change back, for
// one who may correct: the field put back to the change's old value (a
// contact or account added is removed, one removed is added back, one
// changed is changed back), its old value the field's value now, Reverts
// the change. A deal's stage, a merge, a record's creation and fields that
// are not corrected are refused, as is a change whose value is there
// already.
func (s *Service) PlanRevert(ctx context.Context, a Actor, changeID int64) (*Edit, error) {
	if err := a.require(PermCorrect); err != nil {
		return nil, err
	}
	var e *Edit
	err := s.view(ctx, func(tx Tx) error {
		ch, err := tx.ChangeByID(changeID)
		if err != nil {
			return err
		}
		e, err = planRevert(tx, a, ch)
		return err
	})
	return e, err
}

// RevertChange rolls an audited change back with a reason, as a
// correction (Correct): a sensitive field waits for approval. Its audit
// records name the change they revert.
func (s *Service) RevertChange(ctx context.Context, a Actor, changeID int64, reason string) (*Correction, error) {
	e, err := s.PlanRevert(ctx, a, changeID)
	if err != nil {
		return nil, err
	}
	e.Reason = reason
	return s.Correct(ctx, a, e)
}

// createdBy reports whether ch is one of the changes that created its
// record: written with the record's first one, by the same action, from
// no value ("" or, for a number such as an amount or a manager, 0).
func createdBy(first, ch *Change) bool {
	return first != nil && emptyValue(ch.Field, ch.Old) && ch.At.Equal(first.At) && ch.ActorID == first.ActorID &&
		ch.Source == first.Source && ch.Reason == first.Reason && ch.Correction == first.Correction
}

// planRevert builds the edit that reverts ch.
func planRevert(tx Tx, a Actor, ch *Change) (*Edit, error) {
	cs, err := tx.Changes(ch.Entity, ch.EntityID)
	if err != nil {
		return nil, err
	}
	if len(cs) > 0 && createdBy(cs[0], ch) {
		return nil, Errorf(EINVALID, "err.fix.revert_created")
	}
	switch {
	case ch.Entity == EntityDeal && ch.Field == "stage":
		return nil, Errorf(EINVALID, "err.fix.revert_stage")
	case ch.Entity == EntityClient && (ch.Field == "merged" || ch.Field == "merged_into"):
		return nil, Errorf(EINVALID, "err.fix.revert_merge")
	case ch.Entity != EntityDeal && ch.Entity != EntityClient || !slices.Contains(FixFields[ch.Entity], ch.Field):
		return nil, Errorf(EINVALID, "err.fix.revert_field", "Field", string(ch.Entity)+"."+ch.Field)
	}
	e := &Edit{Entity: ch.Entity, ID: ch.EntityID, Field: ch.Field, Op: EditSet, New: ch.Old, Reverts: ch.ID,
		NeedsReason: true}
	if ch.Entity == EntityDeal {
		d, err := tx.DealByID(ch.EntityID)
		if err != nil {
			return nil, err
		}
		if !canSeeDeal(a, d) {
			return nil, Errorf(ENOTFOUND, "err.deal.not_found", "Number", d.Number)
		}
		if d.Stage.Closed() {
			return nil, Errorf(ECONFLICT, "err.deal.closed", "Number", d.Number)
		}
		e.Label, e.Old = RecordLabel(d, nil), DealEditValue(d, ch.Field)
	} else {
		c, err := tx.ClientByID(ch.EntityID)
		if err != nil {
			return nil, err
		}
		if c.MergedInto != 0 {
			return nil, mergedErr(tx, ECONFLICT, c)
		}
		e.Label, e.Old = RecordLabel(nil, c), ClientEditValue(c, ch.Field)
		if ch.Field == FieldContacts || ch.Field == FieldAccounts {
			return e, revertItem(c, ch, e)
		}
	}
	if e.Old == e.New {
		return nil, Errorf(EINVALID, "err.fix.revert_nothing")
	}
	return e, nil
}

// revertItem makes e the edit of a card's list that reverts ch: the item
// added is removed, the item removed is added back, the item changed is
// changed back, each read back from the audit's words.
func revertItem(c *Client, ch *Change, e *Edit) error {
	items := itemStrings(c, ch.Field)
	switch {
	case ch.Old == "" && ch.New == "":
		return Errorf(EINVALID, "err.fix.revert_nothing")
	case ch.Old == "":
		e.Op, e.Index, e.New = EditRemove, indexItem(ch.Field, items, ch.New), ""
	case indexItem(ch.Field, items, ch.Old) >= 0:
		return Errorf(EINVALID, "err.fix.revert_nothing")
	case ch.New == "":
		e.Op, e.Index = EditAdd, 0
	default:
		e.Op, e.Index = EditChange, indexItem(ch.Field, items, ch.New)
	}
	if e.Op != EditAdd {
		if e.Index < 0 {
			return Errorf(ECONFLICT, "err.fix.revert_item_gone", "Item", ch.New)
		}
		e.Old = items[e.Index]
	} else {
		e.Old = ""
	}
	if e.Op == EditRemove {
		return nil
	}
	if ch.Field == FieldContacts {
		ct := ParseAuditContact(ch.Old)
		e.Contact, e.New = &ct, ct.String()
		return nil
	}
	acc := ParseAuditAccount(ch.Old)
	if acc.CorrAccount == "" {
		// Audited before the correspondent account was part of an account's
		// words: it is the bank's, so the card's account at the same bank
		// has it.
		for i, have := range c.Accounts {
			if have.BIK == acc.BIK && have.CorrAccount != "" && (acc.CorrAccount == "" || i == e.Index) {
				acc.CorrAccount = have.CorrAccount
			}
		}
	}
	e.Account, e.New = &acc, acc.String()
	return nil
}

// ParseAuditAccount reads an account as the audit trail writes it
// (BankAccount.String: «40702810938000000001 (ПАО Сбербанк, 044525225,
// 30101810400000000225)»). Records written before the correspondent
// account was part of those words («… (ПАО Сбербанк, 044525225)») read
// without it.
func ParseAuditAccount(s string) BankAccount {
	s = strings.TrimSpace(s)
	number, bank, ok := strings.Cut(s, " (")
	if !ok {
		return BankAccount{Account: s}
	}
	bank = strings.TrimSuffix(bank, ")")
	acc := BankAccount{Account: number}
	if i := strings.LastIndex(bank, ", "); i >= 0 && isCorrAccount(bank[i+2:]) {
		acc.CorrAccount, bank = bank[i+2:], bank[:i]
	}
	acc.BIK = bank
	if i := strings.LastIndex(bank, ", "); i >= 0 {
		acc.BankName, acc.BIK = bank[:i], bank[i+2:]
	}
	return acc
}

// isCorrAccount reports whether s reads as a correspondent account: 20
// digits starting with 301.
func isCorrAccount(s string) bool {
	return len(s) == 20 && strings.HasPrefix(s, "301") && allDigits(s)
}

// ParseAuditContact reads a contact as the audit trail writes it
// (Contact.String: name, position, phone and e-mail, those set, joined by
// commas): the e-mail has an @, the phone starts with +, the first part is
// the name and what is left the position.
func ParseAuditContact(s string) Contact {
	parts := strings.Split(strings.TrimSpace(s), ", ")
	var c Contact
	if n := len(parts); n > 1 && strings.Contains(parts[n-1], "@") {
		c.Email, parts = parts[n-1], parts[:n-1]
	}
	if n := len(parts); n > 1 && strings.HasPrefix(parts[n-1], "+") {
		c.Phone, parts = parts[n-1], parts[:n-1]
	}
	c.Name, c.Position = parts[0], strings.Join(parts[1:], ", ")
	return c
}
