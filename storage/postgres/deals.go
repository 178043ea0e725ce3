package postgres

import (
	"fmt"
	"strings"

	"github.com/dealdesk/dealdesk/core"
)

// DealByID returns the deal with the ID, or ENOTFOUND.
func (tx *Tx) DealByID(id int64) (d *core.Deal, err error) {
	defer wrapf(&err, "deal %d", id)
	d = new(core.Deal)
	if ok, err := tx.get(d, `SELECT doc FROM deals WHERE id = $1`, id); err != nil {
		return nil, err
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.deal.not_found", "ID", id)
	}
	return d, nil
}

// DealByNumber returns the deal with the number ("D-2026-0001"), or
// ENOTFOUND.
func (tx *Tx) DealByNumber(number string) (d *core.Deal, err error) {
	defer wrapf(&err, "deal %q", number)
	d = new(core.Deal)
	if ok, err := tx.get(d, `SELECT doc FROM deals WHERE number = $1`, number); err != nil {
		return nil, err
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.deal.not_found", "Number", number)
	}
	return d, nil
}

// FindDeals returns the deals that match the filter, newest (highest ID)
// first, at most f.Limit of them (all when it is <= 0).
func (tx *Tx) FindDeals(f core.DealFilter) (deals []*core.Deal, err error) {
	defer wrapf(&err, "find deals")
	var where []string
	var args []any
	if f.ClientID != 0 {
		args = append(args, f.ClientID)
		where = append(where, fmt.Sprintf("client_id = $%d", len(args)))
	}
	if f.ManagerID != 0 {
		args = append(args, f.ManagerID)
		where = append(where, fmt.Sprintf("manager_id = $%d", len(args)))
	}
	if f.Open {
		where = append(where, "NOT closed")
	}
	sql := "SELECT doc FROM deals"
	if len(where) > 0 {
		sql += " WHERE " + strings.Join(where, " AND ")
	}
	args = append(args, sqlLimit(f.Limit))
	sql += fmt.Sprintf(" ORDER BY id DESC LIMIT $%d", len(args))
	return list[core.Deal](tx, sql, args...)
}

// CreateDeal assigns the deal an ID and stores it. It returns ECONFLICT
// (err.deal.number_taken) when its number belongs to another deal.
func (tx *Tx) CreateDeal(d *core.Deal) (err error) {
	defer wrapf(&err, "create deal")
	if err := tx.checkDealNumber(d.Number, 0); err != nil {
		return err
	}
	if d.ID, err = tx.nextID("deals"); err != nil {
		return err
	}
	if d.CreatedAt.IsZero() {
		d.CreatedAt = tx.now
	}
	d.UpdatedAt = tx.now
	return tx.putDeal(d)
}

// UpdateDeal stores a changed deal and its key columns. It returns ENOTFOUND
// for an unknown deal and ECONFLICT for a number that is taken.
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
	return tx.putDeal(d)
}

// checkDealNumber returns ECONFLICT when number belongs to a deal other than
// self (0 for a new deal).
func (tx *Tx) checkDealNumber(number string, self int64) error {
	if number == "" {
		return nil
	}
	var owner int64
	if ok, err := tx.scalar(&owner, `SELECT id FROM deals WHERE number = $1`, number); err != nil {
		return err
	} else if ok && owner != self {
		return core.Errorf(core.ECONFLICT, "err.deal.number_taken", "Number", number)
	}
	return nil
}

// putDeal writes a deal as it is (ID kept) with its key columns.
func (tx *Tx) putDeal(d *core.Deal) error {
	doc, err := encode(d)
	if err != nil {
		return err
	}
	var number any
	if d.Number != "" {
		number = d.Number
	}
	return tx.exec(`INSERT INTO deals (id, number, client_id, manager_id, stage, closed, created_at, doc)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (id) DO UPDATE SET number = EXCLUDED.number, client_id = EXCLUDED.client_id,
			manager_id = EXCLUDED.manager_id, stage = EXCLUDED.stage, closed = EXCLUDED.closed,
			created_at = EXCLUDED.created_at, doc = EXCLUDED.doc`,
		d.ID, number, d.ClientID, d.ManagerID, string(d.Stage), d.Stage.Closed(), d.CreatedAt, doc)
}
