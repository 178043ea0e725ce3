package postgres

import (
	"github.com/jackc/pgx/v5"

	"github.com/dealdesk/dealdesk/core"
)

// The audit trail is the changes table: id, entity, entity_id, at and the
// record in doc, indexed by (entity, entity_id, id) and (at, id).

// AddChanges stores audit records, assigning each an ID and, where zero,
// At = Now. They commit or roll back with the rest of the transaction.
//
// A use case writes several at once (a deal's creation, six): their IDs are
// taken with one step of the counter and the rows sent in one round trip.
func (tx *Tx) AddChanges(cs ...*core.Change) (err error) {
	defer wrapf(&err, "add changes")
	if len(cs) == 0 {
		return nil
	}
	var last int64
	err = tx.tx.QueryRow(tx.ctx, `INSERT INTO counters (name, value) VALUES ('id:changes', $1)
		ON CONFLICT (name) DO UPDATE SET value = counters.value + $1 RETURNING value`, int64(len(cs))).Scan(&last)
	if err != nil {
		return err
	}
	batch := &pgx.Batch{}
	for i, c := range cs {
		c.ID = last - int64(len(cs)) + 1 + int64(i)
		if c.At.IsZero() {
			c.At = tx.now
		}
		doc, err := encode(c)
		if err != nil {
			return err
		}
		batch.Queue(insertChange, c.ID, string(c.Entity), c.EntityID, c.At, doc)
	}
	return tx.tx.SendBatch(tx.ctx, batch).Close()
}

// insertChange writes an audit record under its ID, replacing one there.
const insertChange = `INSERT INTO changes (id, entity, entity_id, at, doc) VALUES ($1, $2, $3, $4, $5)
	ON CONFLICT (id) DO UPDATE SET entity = EXCLUDED.entity, entity_id = EXCLUDED.entity_id,
		at = EXCLUDED.at, doc = EXCLUDED.doc`

// Changes returns the history of an entity, oldest first (by ID).
func (tx *Tx) Changes(e core.Entity, id int64) (cs []*core.Change, err error) {
	defer wrapf(&err, "changes of %s %d", e, id)
	return list[core.Change](tx, `SELECT doc FROM changes WHERE entity = $1 AND entity_id = $2 ORDER BY id`, string(e), id)
}

// ChangeByID returns one audit record, or ENOTFOUND.
func (tx *Tx) ChangeByID(id int64) (_ *core.Change, err error) {
	defer wrapf(&err, "change %d", id)
	c := new(core.Change)
	if ok, err := tx.get(c, `SELECT doc FROM changes WHERE id = $1`, id); err != nil {
		return nil, err
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.change.not_found", "ID", id)
	}
	return c, nil
}

// putChange writes an audit record under its ID, replacing one there.
func (tx *Tx) putChange(c *core.Change) error {
	doc, err := encode(c)
	if err != nil {
		return err
	}
	return tx.exec(insertChange, c.ID, string(c.Entity), c.EntityID, c.At, doc)
}
