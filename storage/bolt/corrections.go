package bolt

import (
	"bytes"
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

// CorrectionsOf returns every correction of the records of an entity,
// whatever its status, oldest first (ties by ID). There is no index by
// record for all statuses (corrections_pending holds the pending ones
// only): it reads every correction once, but decodes only those of the
// records (correctionOf).
func (tx *Tx) CorrectionsOf(entity core.Entity, ids ...int64) ([]*core.Correction, error) {
	cs := []*core.Correction{}
	if len(ids) == 0 {
		return cs, nil
	}
	err := tx.scan(bktCorrections, nil, func(k, v []byte) (bool, error) {
		e, eid, err := correctionOf(v)
		if err != nil {
			return false, fmt.Errorf("%s %x: %w", bktCorrections, k, err)
		}
		if string(e) != string(entity) || !slices.Contains(ids, eid) {
			return true, nil
		}
		c := new(core.Correction)
		if err := decode(v, c); err != nil {
			return false, fmt.Errorf("%s %x: %w", bktCorrections, k, err)
		}
		cs = append(cs, c)
		return true, nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: corrections of %s %v: %w", entity, ids, err)
	}
	slices.SortStableFunc(cs, func(a, b *core.Correction) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	return cs, nil
}

// editPrefix starts a stored correction's record: its Edit's entity and
// id come first, as encoding/json writes the struct's fields in order.
// Outside a string, where quotes are escaped, it can only be the key.
var editPrefix = []byte(`"edit":{"entity":"`)

// correctionOf reads which record a stored correction is of, without
// decoding the rest of it: from its Edit's first fields where they are
// written so, else by decoding. The entity is a part of v.
func correctionOf(v []byte) ([]byte, int64, error) {
	if i := bytes.Index(v, editPrefix); i >= 0 {
		rest := v[i+len(editPrefix):]
		if j := bytes.IndexByte(rest, '"'); j >= 0 {
			entity, rest := rest[:j], rest[j+1:]
			if num, ok := bytes.CutPrefix(rest, []byte(`,"id":`)); ok {
				var id int64
				n := 0
				for ; n < len(num) && n < 18 && num[n] >= '0' && num[n] <= '9'; n++ {
					id = id*10 + int64(num[n]-'0')
				}
				if n > 0 && n < len(num) && (num[n] == ',' || num[n] == '}') {
					return entity, id, nil
				}
			}
		}
	}
	var of struct {
		Edit struct {
			Entity string `json:"entity"`
			ID     int64  `json:"id"`
		} `json:"edit"`
	}
	if err := decode(v, &of); err != nil {
		return nil, 0, err
	}
	return []byte(of.Edit.Entity), of.Edit.ID, nil
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
