package bolt

import (
	"fmt"

	"github.com/dealdesk/dealdesk/core"
)

// Deal indexes:
//
//	deals_by_number:  number            → id (unique)
//	deals_by_client:  clientID dealID   → nothing
//	deals_by_manager: managerID dealID  → nothing

// DealByID returns the deal with the ID, or ENOTFOUND.
func (tx *Tx) DealByID(id int64) (*core.Deal, error) {
	d := new(core.Deal)
	if ok, err := tx.get(bktDeals, itob(id), d); err != nil {
		return nil, fmt.Errorf("bolt: deal %d: %w", id, err)
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.deal.not_found", "ID", id)
	}
	return d, nil
}

// DealByNumber returns the deal with the number ("D-2026-0001"), or
// ENOTFOUND.
func (tx *Tx) DealByNumber(number string) (*core.Deal, error) {
	v := tx.tx.Bucket(bktDealsByNumber).Get([]byte(number))
	if v == nil {
		return nil, core.Errorf(core.ENOTFOUND, "err.deal.not_found", "Number", number)
	}
	return tx.DealByID(btoi(v))
}

// FindDeals returns the deals that match the filter, newest (highest ID)
// first. The client or manager index narrows the scan when the filter names
// one.
func (tx *Tx) FindDeals(f core.DealFilter) ([]*core.Deal, error) {
	deals := []*core.Deal{}
	match := func(d *core.Deal) bool {
		return (f.ClientID == 0 || d.ClientID == f.ClientID) &&
			(f.ManagerID == 0 || d.ManagerID == f.ManagerID) &&
			(!f.Open || !d.Stage.Closed())
	}
	visit := func(d *core.Deal) bool {
		if match(d) {
			deals = append(deals, d)
		}
		return !limitReached(len(deals), f.Limit)
	}
	var err error
	switch {
	case f.ClientID != 0:
		err = tx.scanDealIndex(bktDealsByClient, f.ClientID, visit)
	case f.ManagerID != 0:
		err = tx.scanDealIndex(bktDealsByManager, f.ManagerID, visit)
	default:
		err = tx.scanReverse(bktDeals, nil, func(_, v []byte) (bool, error) {
			d := new(core.Deal)
			if err := decode(v, d); err != nil {
				return false, err
			}
			return visit(d), nil
		})
	}
	if err != nil {
		return nil, fmt.Errorf("bolt: find deals: %w", err)
	}
	return deals, nil
}

// scanDealIndex visits the deals under owner in a client or manager index,
// newest first, until visit returns false.
func (tx *Tx) scanDealIndex(b []byte, owner int64, visit func(*core.Deal) bool) error {
	return tx.scanReverse(b, itob(owner), func(k, _ []byte) (bool, error) {
		d := new(core.Deal)
		if err := tx.load(bktDeals, k[8:], d); err != nil {
			return false, err
		}
		return visit(d), nil
	})
}

// CreateDeal assigns the deal an ID and stores it. It returns ECONFLICT
// (err.deal.number_taken) when its number belongs to another deal.
func (tx *Tx) CreateDeal(d *core.Deal) (err error) {
	defer wrapf(&err, "create deal")
	if err := tx.checkDealNumber(d.Number, 0); err != nil {
		return err
	}
	if d.ID, err = tx.nextID(bktDeals); err != nil {
		return err
	}
	if d.CreatedAt.IsZero() {
		d.CreatedAt = tx.now
	}
	d.UpdatedAt = tx.now
	if err := tx.put(bktDeals, itob(d.ID), d); err != nil {
		return err
	}
	return tx.reindex(nil, dealEntries(d))
}

// UpdateDeal stores a changed deal and updates its index entries. It returns
// ENOTFOUND for an unknown deal and ECONFLICT for a number that is taken.
func (tx *Tx) UpdateDeal(d *core.Deal) (err error) {
	defer wrapf(&err, "update deal %d", d.ID)
	old, err := tx.DealByID(d.ID)
	if err != nil {
		return err
	}
	if err := tx.checkDealNumber(d.Number, d.ID); err != nil {
		return err
	}
	if d.CreatedAt.IsZero() {
		d.CreatedAt = old.CreatedAt
	}
	d.UpdatedAt = tx.now
	if err := tx.put(bktDeals, itob(d.ID), d); err != nil {
		return err
	}
	return tx.reindex(dealEntries(old), dealEntries(d))
}

// checkDealNumber returns ECONFLICT when number belongs to a deal other than
// self (0 for a new deal).
func (tx *Tx) checkDealNumber(number string, self int64) error {
	if number == "" {
		return nil
	}
	if v := tx.tx.Bucket(bktDealsByNumber).Get([]byte(number)); v != nil && btoi(v) != self {
		return core.Errorf(core.ECONFLICT, "err.deal.number_taken", "Number", number)
	}
	return nil
}

// dealEntries lists the index entries of a deal.
func dealEntries(d *core.Deal) []entry {
	id := itob(d.ID)
	es := []entry{
		{bktDealsByClient, key(itob(d.ClientID), id), nil},
		{bktDealsByManager, key(itob(d.ManagerID), id), nil},
	}
	if d.Number != "" {
		es = append(es, entry{bktDealsByNumber, []byte(d.Number), id})
	}
	return es
}
