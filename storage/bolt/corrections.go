package bolt

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/dealdesk/dealdesk/core"
)

// Correction index:
//
//	corrections_pending: entity sep entityID correctionID → nothing (pending only)

// CorrectionByID returns the correction with the ID, or ENOTFOUND.
func (tx *Tx) CorrectionByID(id int64) (*core.Correction, error) {
	c := new(core.Correction)
	if ok, err := tx.get(bktCorrections, itob(id), c); err != nil {
		return nil, fmt.Errorf("bolt: correction %d: %w", id, err)
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.correction.not_found", "ID", id)
	}
	return c, nil
}

// CreateCorrection assigns the correction an ID and stores it. CreatedAt
// is Now when zero.
func (tx *Tx) CreateCorrection(c *core.Correction) (err error) {
	defer wrapf(&err, "create correction")
	if c.ID, err = tx.nextID(bktCorrections); err != nil {
		return err
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = tx.now
	}
	c.UpdatedAt = tx.now
	if err := tx.put(bktCorrections, itob(c.ID), c); err != nil {
		return err
	}
	return tx.reindex(nil, correctionEntries(c))
}

// UpdateCorrection stores a changed correction; one no longer pending
// leaves the pending index. An unknown correction is ENOTFOUND.
func (tx *Tx) UpdateCorrection(c *core.Correction) (err error) {
	defer wrapf(&err, "update correction %d", c.ID)
	old, err := tx.CorrectionByID(c.ID)
	if err != nil {
		return err
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = old.CreatedAt
	}
	c.UpdatedAt = tx.now
	if err := tx.put(bktCorrections, itob(c.ID), c); err != nil {
		return err
	}
	return tx.reindex(correctionEntries(old), correctionEntries(c))
}

// PendingCorrections returns the corrections waiting for approval, oldest
// first (ties by ID): those of one record, or every one when entity is "".
// It reads the pending index only.
func (tx *Tx) PendingCorrections(entity core.Entity, id int64) ([]*core.Correction, error) {
	var prefix []byte
	if entity != "" {
		prefix = key(str(string(entity)), itob(id))
	}
	cs := []*core.Correction{}
	err := tx.scan(bktCorrectionsPending, prefix, func(k, _ []byte) (bool, error) {
		if len(k) < len(prefix)+8 {
			return false, fmt.Errorf("%s: malformed entry %x", bktCorrectionsPending, k)
		}
		c := new(core.Correction)
		if err := tx.load(bktCorrections, k[len(k)-8:], c); err != nil {
			return false, err
		}
		cs = append(cs, c)
		return true, nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: pending corrections of %s %d: %w", entity, id, err)
	}
	slices.SortStableFunc(cs, func(a, b *core.Correction) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return cs, nil
}

// ChangeByID returns one audit record, or ENOTFOUND.
func (tx *Tx) ChangeByID(id int64) (*core.Change, error) {
	c := new(core.Change)
	if ok, err := tx.get(bktChanges, itob(id), c); err != nil {
		return nil, fmt.Errorf("bolt: change %d: %w", id, err)
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.change.not_found", "ID", id)
	}
	return c, nil
}

// correctionEntries lists the index entries of a correction.
func correctionEntries(c *core.Correction) []entry {
	if c.Status != core.CorrectionPending {
		return nil
	}
	return []entry{{bktCorrectionsPending, key(str(string(c.Edit.Entity)), itob(c.Edit.ID), itob(c.ID)), nil}}
}
