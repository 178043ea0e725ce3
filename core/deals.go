package core

import (
	"context"
	"strconv"
	"strings"
)

// CreateDeal opens a deal for a client, numbered D-<year>-<n>, audited; the
// deal's manager (when someone else created it) and the officers' work chat
// are told.
func (s *Service) CreateDeal(ctx context.Context, a Actor, d *Deal) (*Deal, error) {
	if err := a.require(PermEditDeals); err != nil {
		return nil, err
	}
	d.Stage, d.CreatedBy, d.Title = StageNew, a.ID(), strings.TrimSpace(d.Title)
	if d.ClientID == 0 {
		return nil, Errorf(EINVALID, "err.deal.client_required")
	}
	err := s.update(ctx, func(tx Tx) error {
		client, err := tx.ClientByID(d.ClientID)
		if err != nil {
			return err
		}
		if client.MergedInto != 0 {
			return mergedErr(tx, ECONFLICT, client)
		}
		if st := client.Verification.Company; st.BlocksDeals() {
			if !d.Override || !MayOverrideBlock(a.User) {
				return Errorf(EFORBIDDEN, "err.deal.blocked", "Client", client.Name(), "Status", string(st))
			}
		} else {
			d.Override = false
		}
		if err := s.pickManager(tx, a, d, client); err != nil {
			return err
		}
		if err := d.Validate(); err != nil {
			return err
		}
		year := tx.Now().In(Location("")).Year()
		n, err := tx.NextSequence("deal-" + strconv.Itoa(year))
		if err != nil {
			return err
		}
		d.Number = DealNumber(year, n)
		if err := tx.CreateDeal(d); err != nil {
			return err
		}
		reason := "created"
		if d.Override {
			reason = "override"
		}
		if err := tx.AddChanges(stamp(diffDeal(&Deal{}, d), a, reason)...); err != nil {
			return err
		}
		args := map[string]any{"Number": d.Number, "Title": d.Title, "Client": client.Name(),
			"INN": client.INN, "Amount": int64(d.Amount), "By": describeUser(tx, a.ID())}
		if d.ManagerID != a.ID() {
			if err := s.notifyUser(tx, d.ManagerID, Note{Key: "notify.deal.assigned", Args: args}); err != nil {
				return err
			}
		}
		_, err = s.notifyPurpose(tx, PurposeOfficers, Note{Key: "notify.deal.created", Args: args,
			Mentions: []int64{d.ManagerID}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// pickManager sets the deal's manager: the one chosen, else the client's
// responsible manager, else the actor when they lead deals themselves
// (a manager, head or admin). An officer must choose one.
func (s *Service) pickManager(tx Tx, a Actor, d *Deal, client *Client) error {
	if d.ManagerID == 0 {
		d.ManagerID = DealManager(a, client)
	}
	if d.ManagerID == 0 {
		return Errorf(EINVALID, "err.deal.manager_required")
	}
	return checkManager(tx, d.ManagerID)
}

// checkManager returns EINVALID unless the user may lead a deal: an active
// manager, head or admin.
func checkManager(tx Tx, id int64) error {
	m, err := tx.UserByID(id)
	if IsNotFound(err) || (err == nil && (!m.Active || !LeadsDeals(m.Role))) {
		return Errorf(EINVALID, "err.deal.manager_invalid")
	}
	return err
}

// checkDealClient returns an error unless a deal may move to the client:
// ENOTFOUND when there is none, ECONFLICT when it was merged into another.
func checkDealClient(tx Tx, id int64) error {
	c, err := tx.ClientByID(id)
	if err != nil {
		return err
	}
	if c.MergedInto != 0 {
		return mergedErr(tx, ECONFLICT, c)
	}
	return nil
}

// LeadsDeals reports whether a role may be a deal's manager.
func LeadsDeals(r Role) bool { return r == RoleManager || r == RoleHead || r == RoleAdmin }

// DealManager is whom a new deal of the client goes to when nobody was
// chosen: the client's manager, else the actor when they may lead deals;
// 0 when someone must be chosen.
func DealManager(a Actor, client *Client) int64 {
	if client.ManagerID != 0 {
		return client.ManagerID
	}
	if a.User != nil && LeadsDeals(a.User.Role) {
		return a.ID()
	}
	return 0
}

// MayBeGivenDeals reports whether someone may give u a deal to lead: an
// active manager or head (an admin leads only the deals they open).
func MayBeGivenDeals(u *User) bool { return u.Active && LeadsDeals(u.Role) && u.Role != RoleAdmin }

// MayOverrideBlock reports whether u may open a deal with a counterparty
// the registry reports liquidated or bankrupt: a head's or an admin's
// decision, recorded as an override.
func MayOverrideBlock(u *User) bool { return u != nil && (u.Role == RoleHead || u.Role == RoleAdmin) }

// canSeeDeal: managers see their own deals; roles with PermViewAllDeals see all.
func canSeeDeal(a Actor, d *Deal) bool {
	return a.Can(PermViewAllDeals) || (a.Can(PermViewDeals) && a.ID() == d.ManagerID)
}

// FindDealByNumber returns a deal the actor may see.
func (s *Service) FindDealByNumber(ctx context.Context, a Actor, number string) (*Deal, error) {
	canonical, ok := ParseDealNumber(number)
	if !ok {
		return nil, Errorf(EINVALID, "err.deal.number_format", "Number", strings.TrimSpace(number))
	}
	number = canonical
	var d *Deal
	err := s.view(ctx, func(tx Tx) (err error) {
		d, err = tx.DealByNumber(number)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !canSeeDeal(a, d) {
		// Not even the existence of someone else's deal is told.
		return nil, Errorf(ENOTFOUND, "err.deal.not_found", "Number", number)
	}
	return d, nil
}

// DealByID returns a deal the actor may see.
func (s *Service) DealByID(ctx context.Context, a Actor, id int64) (*Deal, error) {
	var d *Deal
	err := s.view(ctx, func(tx Tx) (err error) {
		d, err = tx.DealByID(id)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !canSeeDeal(a, d) {
		return nil, Errorf(ENOTFOUND, "err.deal.not_found", "Number", d.Number)
	}
	return d, nil
}

// FindDeals returns the deals the actor may see that match the filter.
func (s *Service) FindDeals(ctx context.Context, a Actor, f DealFilter) ([]*Deal, error) {
	if err := a.require(PermViewDeals); err != nil {
		return nil, err
	}
	if !a.Can(PermViewAllDeals) {
		f.ManagerID = a.ID()
	}
	var ds []*Deal
	err := s.view(ctx, func(tx Tx) (err error) {
		ds, err = tx.FindDeals(f)
		return err
	})
	return ds, err
}

// UpdateDeal changes a deal with fn, audited with the reason. Its number,
// creator and creation time stay; a new manager must be one who may lead
// deals, and a new client one that exists and is not merged. The stage is
// not changed here but by MoveDeal, under its rules; a closed deal is read
// only (ECONFLICT) until a head reopens it.
func (s *Service) UpdateDeal(ctx context.Context, a Actor, id int64, reason string, fn func(*Deal) error) (*Deal, error) {
	if err := a.require(PermEditDeals); err != nil {
		return nil, err
	}
	var d *Deal
	err := s.update(ctx, func(tx Tx) (err error) {
		if d, err = tx.DealByID(id); err != nil {
			return err
		}
		if !canSeeDeal(a, d) {
			return Errorf(ENOTFOUND, "err.deal.not_found", "Number", d.Number)
		}
		if d.Stage.Closed() {
			return Errorf(ECONFLICT, "err.deal.closed", "Number", d.Number)
		}
		old := *d
		if err := fn(d); err != nil {
			return err
		}
		if d.Stage != old.Stage {
			return Errorf(EINVALID, "err.deal.stage_by_buttons", "Number", old.Number)
		}
		d.ID, d.Number, d.CreatedBy, d.CreatedAt = old.ID, old.Number, old.CreatedBy, old.CreatedAt
		d.ClosedFrom, d.ClosedAt, d.LostReason = old.ClosedFrom, old.ClosedAt, old.LostReason
		if err := d.Validate(); err != nil {
			return err
		}
		// A new manager or client is held to the rules of a new deal.
		if d.ManagerID != old.ManagerID {
			if err := checkManager(tx, d.ManagerID); err != nil {
				return err
			}
		}
		if d.ClientID != old.ClientID {
			if err := checkDealClient(tx, d.ClientID); err != nil {
				return err
			}
		}
		cs := diffDeal(&old, d)
		if len(cs) == 0 {
			return nil
		}
		if err := tx.UpdateDeal(d); err != nil {
			return err
		}
		return tx.AddChanges(stamp(cs, a, reason)...)
	})
	return d, err
}
