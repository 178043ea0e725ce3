package core

// corrTarget is a record as it is and as a correction would leave it.
type corrTarget struct {
	deal, newDeal     *Deal
	client, newClient *Client
}

// checkCorrection checks a correction against its record as it is now: the
// record is open (a deal not closed, a card not merged), the field still
// has the correction's old value (ECONFLICT "err.edit.stale" otherwise),
// and the record with the new value passes every rule of its fields, the
// identity's too. It returns the record before and after.
func checkCorrection(tx Tx, e *Edit) (*corrTarget, error) {
	if e.Old == e.New {
		return nil, Errorf(EINVALID, "err.edit.same")
	}
	if e.Field == FieldManager {
		if err := checkNewManager(tx, e); err != nil {
			return nil, err
		}
	}
	switch e.Entity {
	case EntityDeal:
		d, err := tx.DealByID(e.ID)
		if err != nil {
			return nil, err
		}
		switch {
		case d.Stage.Closed():
			return nil, Errorf(ECONFLICT, "err.deal.closed", "Number", d.Number)
		case DealEditValue(d, e.Field) != e.Old:
			return nil, Errorf(ECONFLICT, "err.edit.stale", e.labelArgs()...)
		}
		nd := *d
		if err := setDealValue(&nd, e); err != nil {
			return nil, err
		}
		if err := nd.Validate(); err != nil {
			return nil, err
		}
		return &corrTarget{deal: d, newDeal: &nd}, nil
	case EntityClient:
		c, err := tx.ClientByID(e.ID)
		if err != nil {
			return nil, err
		}
		if c.MergedInto != 0 {
			return nil, mergedErr(tx, ECONFLICT, c)
		}
		if err := staleClient(c, e); err != nil {
			return nil, err
		}
		if err := checkItem(c, e); err != nil {
			return nil, err
		}
		nc := cloneClient(c)
		if err := setClientValue(nc, e); err != nil {
			return nil, err
		}
		if err := nc.Validate(); err != nil {
			return nil, err
		}
		if err := checkIdentity(tx, c, nc); err != nil {
			return nil, err
		}
		return &corrTarget{client: c, newClient: nc}, nil
	}
	return nil, Errorf(EINVALID, "err.edit.field_unknown", "Field", e.Field)
}

// staleClient returns ECONFLICT "err.edit.stale" unless the card still has
// the edit's old value (or item).
func staleClient(c *Client, e *Edit) error {
	items := itemStrings(c, e.Field)
	switch e.Op {
	case EditSet, "":
		if ClientEditValue(c, e.Field) == e.Old {
			return nil
		}
	case EditAdd:
		if indexItem(e.Field, items, e.New) < 0 {
			return nil
		}
	default:
		if e.Index >= 0 && e.Index < len(items) && sameItem(e.Field, items[e.Index], e.Old) {
			return nil
		}
	}
	return Errorf(ECONFLICT, "err.edit.stale", e.labelArgs()...)
}

// checkItem checks a contact or account added or changed by an edit: its
// own rules, no second account with its number, no list over its limit.
func checkItem(c *Client, e *Edit) error {
	if e.Op != EditAdd && e.Op != EditChange {
		return nil
	}
	if limit, key := maxItems(e.Field); e.Op == EditAdd && len(itemStrings(c, e.Field)) >= limit {
		return Errorf(EINVALID, key, "Max", limit)
	}
	switch e.Field {
	case FieldContacts:
		if e.Contact == nil {
			return Errorf(EINVALID, "err.contact.name_required")
		}
		return e.Contact.Validate()
	case FieldAccounts:
		if e.Account == nil {
			return Errorf(EINVALID, "err.account.format", "Text", e.New)
		}
		if err := e.Account.Validate(); err != nil {
			return err
		}
		for i, have := range c.Accounts {
			if have.Account == e.Account.Account && (e.Op == EditAdd || i != e.Index) {
				return Errorf(EINVALID, "err.edit.account_exists", "Account", have.Account)
			}
		}
	}
	return nil
}

// checkIdentity holds a card's new INN, KPP and OGRN to the rules of
// identity: the INN keeps the length of the card's kind, no other card has
// the INN and KPP, and the OGRN is not another INN's. A card whose identity
// changes is no longer verified: the registry checked the old one.
func checkIdentity(tx Tx, old, nc *Client) error {
	if nc.INN == old.INN && nc.KPP == old.KPP && nc.OGRN == old.OGRN {
		return nil
	}
	if KindForINN(nc.INN) != old.Kind {
		return Errorf(EINVALID, "err.client.kind_mismatch", "INN", nc.INN)
	}
	if dup, err := tx.ClientByINN(nc.INN, nc.KPP); err == nil && dup.ID != nc.ID {
		return Errorf(ECONFLICT, "err.fix.kpp_taken", "INN", nc.INN, "KPP", nc.KPP, "Name", dup.Name(),
			"Quote", NeedsQuotes(dup.Name()), "ID", dup.ID)
	} else if err != nil && !IsNotFound(err) {
		return err
	}
	if nc.OGRN != "" {
		dup, err := tx.ClientByOGRN(nc.OGRN)
		switch {
		case err == nil && dup.ID != nc.ID && dup.INN != nc.INN:
			return Errorf(ECONFLICT, "err.client.ogrn_taken", "OGRN", nc.OGRN, "Name", dup.Name(),
				"Card", QuoteName(dup.Name()))
		case err != nil && !IsNotFound(err):
			return err
		}
	}
	if nc.Verification.Status != Unverified {
		nc.Verification.Status = Unverified
	}
	return nil
}
