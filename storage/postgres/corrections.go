package postgres

import (
	"cmp"
	"slices"

	"github.com/dealdesk/dealdesk/core"
)

// The corrections table has the record a correction edits (entity,
// entity_id), its status and created_at; corrections_by_record indexes
// every correction of a record, corrections_pending the pending ones.

// CorrectionByID returns the correction with the ID, or ENOTFOUND.
func (tx *Tx) CorrectionByID(id int64) (_ *core.Correction, err error) {
	defer wrapf(&err, "correction %d", id)
	c := new(core.Correction)
	if ok, err := tx.get(c, `SELECT doc FROM corrections WHERE id = $1`, id); err != nil {
		return nil, err
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.correction.not_found", "ID", id)
	}
	return c, nil
}

// CreateCorrection assigns the correction an ID and stores it. CreatedAt
// is Now when zero; UpdatedAt is Now.
func (tx *Tx) CreateCorrection(c *core.Correction) (err error) {
	defer wrapf(&err, "create correction")
	if c.ID, err = tx.nextID("corrections"); err != nil {
		return err
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = tx.now
	}
	c.UpdatedAt = tx.now
	return tx.putCorrection(c)
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
	return tx.putCorrection(c)
}

// PendingCorrections returns the corrections waiting for approval, oldest
// first (ties by ID): those of one record, or every one when entity is "".
// It reads the pending index only.
func (tx *Tx) PendingCorrections(entity core.Entity, id int64) (cs []*core.Correction, err error) {
	defer wrapf(&err, "pending corrections of %s %d", entity, id)
	if entity == "" {
		cs, err = list[core.Correction](tx, `SELECT doc FROM corrections WHERE status = 'pending'
			ORDER BY created_at, id`)
	} else {
		cs, err = list[core.Correction](tx, `SELECT doc FROM corrections
			WHERE status = 'pending' AND entity = $1 AND entity_id = $2 ORDER BY created_at, id`, string(entity), id)
	}
	if err != nil {
		return nil, err
	}
	sortCorrections(cs)
	return cs, nil
}

// CorrectionsOf returns every correction of the records of an entity,
// whatever its status, oldest first (ties by ID).
func (tx *Tx) CorrectionsOf(entity core.Entity, ids ...int64) (cs []*core.Correction, err error) {
	defer wrapf(&err, "corrections of %s %v", entity, ids)
	if len(ids) == 0 {
		return []*core.Correction{}, nil
	}
	cs, err = list[core.Correction](tx, `SELECT doc FROM corrections
		WHERE entity = $1 AND entity_id = ANY($2) ORDER BY created_at, id`, string(entity), ids)
	if err != nil {
		return nil, err
	}
	sortCorrections(cs)
	return cs, nil
}

// sortCorrections puts corrections in the order of their full-precision
// CreatedAt, then ID (the column keeps microseconds).
func sortCorrections(cs []*core.Correction) {
	slices.SortStableFunc(cs, func(a, b *core.Correction) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
}

// putCorrection writes a correction under its ID, replacing one there.
func (tx *Tx) putCorrection(c *core.Correction) error {
	doc, err := encode(c)
	if err != nil {
		return err
	}
	return tx.exec(`INSERT INTO corrections (id, entity, entity_id, status, created_at, doc)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (id) DO UPDATE SET entity = EXCLUDED.entity, entity_id = EXCLUDED.entity_id,
			status = EXCLUDED.status, created_at = EXCLUDED.created_at, doc = EXCLUDED.doc`,
		c.ID, string(c.Edit.Entity), c.Edit.ID, string(c.Status), c.CreatedAt, doc)
}
