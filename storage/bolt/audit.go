package bolt

import (
	"fmt"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// Audit indexes:
//
//	changes_by_entity: entity sep entityID changeID → nothing
//	changes_by_time:   timeKey(at) changeID → nothing (since schema 12)

// AddChanges stores audit records, assigning each an ID and, where zero,
// At = Now. They commit or roll back with the rest of the transaction.
func (tx *Tx) AddChanges(cs ...*core.Change) (err error) {
	defer wrapf(&err, "add changes")
	for _, c := range cs {
		if c.ID, err = tx.nextID(bktChanges); err != nil {
			return err
		}
		if c.At.IsZero() {
			c.At = tx.now
		}
		if err := tx.put(bktChanges, itob(c.ID), c); err != nil {
			return err
		}
		if err := tx.reindex(nil, changeEntries(c)); err != nil {
			return err
		}
	}
	return nil
}

// Changes returns the history of an entity, oldest first.
func (tx *Tx) Changes(e core.Entity, id int64) ([]*core.Change, error) {
	cs := []*core.Change{}
	prefix := key(str(string(e)), itob(id))
	err := tx.scan(bktChangesByEntity, prefix, func(k, _ []byte) (bool, error) {
		c := new(core.Change)
		if err := tx.load(bktChanges, k[len(k)-8:], c); err != nil {
			return false, err
		}
		cs = append(cs, c)
		return true, nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: changes of %s %d: %w", e, id, err)
	}
	return cs, nil
}

// changeEntries lists the index entries of a change: by its entity and by
// its time.
func changeEntries(c *core.Change) []entry {
	return []entry{
		{bktChangesByEntity, changeKey(c.Entity, c.EntityID, c.ID), nil},
		{bktChangesByTime, key(timeKey(c.At), itob(c.ID)), nil},
	}
}

// changeTime reads the time of an encoded change without decoding the
// rest of it into strings.
func changeTime(v []byte) (time.Time, error) {
	var c struct {
		At time.Time `json:"at"`
	}
	if err := decode(v, &c); err != nil {
		return time.Time{}, err
	}
	return c.At, nil
}

// changeKey is the key of the entity index of a change.
func changeKey(e core.Entity, entityID, changeID int64) []byte {
	return key(str(string(e)), itob(entityID), itob(changeID))
}
