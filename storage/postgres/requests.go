package postgres

import (
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/core"
)

// Requests are in the requests table with their type, whether they are open
// (not done or rejected), requester, assignee, client, deal and creation
// time as key columns; each index ends in (created_at, id), the order of the
// results. The settings table holds the work settings as JSON under "work".

// settingsWork is the settings table's name of the work settings.
const settingsWork = "work"

// RequestByID returns the request with the ID, or ENOTFOUND.
func (tx *Tx) RequestByID(id int64) (r *core.Request, err error) {
	defer wrapf(&err, "request %d", id)
	r = new(core.Request)
	if ok, err := tx.get(r, `SELECT doc FROM requests WHERE id = $1`, id); err != nil {
		return nil, err
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.request.not_found", "ID", id)
	}
	return r, nil
}

// CreateRequest assigns the request the next number, the one its intake
// gets too, and stores it. CreatedAt is Now when zero.
func (tx *Tx) CreateRequest(r *core.Request) (err error) {
	defer wrapf(&err, "create request")
	if r.ID, err = tx.nextID("requests"); err != nil {
		return err
	}
	if r.CreatedAt.IsZero() {
		r.CreatedAt = tx.now
	}
	r.UpdatedAt = tx.now
	return tx.putRequest(r)
}

// UpdateRequest stores a changed request; its key columns move with it (a
// closed one leaves the open index, a reassigned one moves to its new
// assignee). An unknown request is ENOTFOUND.
func (tx *Tx) UpdateRequest(r *core.Request) (err error) {
	defer wrapf(&err, "update request %d", r.ID)
	old, err := tx.RequestByID(r.ID)
	if err != nil {
		return err
	}
	if r.CreatedAt.IsZero() {
		r.CreatedAt = old.CreatedAt
	}
	r.UpdatedAt = tx.now
	return tx.putRequest(r)
}

// putRequest writes a request as it is, ID and times kept. Create, Update
// and the copier from bbolt use it.
func (tx *Tx) putRequest(r *core.Request) error {
	data, err := encode(r)
	if err != nil {
		return err
	}
	return tx.exec(`INSERT INTO requests (id, type, open, requester_id, assignee_id, client_id, deal_id, created_at, doc)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (id) DO UPDATE SET type = EXCLUDED.type, open = EXCLUDED.open,
			requester_id = EXCLUDED.requester_id, assignee_id = EXCLUDED.assignee_id, client_id = EXCLUDED.client_id,
			deal_id = EXCLUDED.deal_id, created_at = EXCLUDED.created_at, doc = EXCLUDED.doc`,
		r.ID, string(r.Type), !r.Status.Closed(), r.RequesterID, r.AssigneeID, r.ClientID, r.DealID, r.CreatedAt, data)
}

// Requests returns the requests the filter selects, oldest first (ties by
// ID), at most f.Limit when it is positive. Only the filter's fields are in
// the query, so PostgreSQL reads the index of the most selective one — the
// deal, the client, the requester, the assignee, else the open requests —
// in result order and stops at the limit.
func (tx *Tx) Requests(f core.RequestFilter) (rs []*core.Request, err error) {
	defer wrapf(&err, "requests")
	var where []string
	var args []any
	cond := func(sql string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(sql, "$", "$"+strconv.Itoa(len(args))))
	}
	if f.Open {
		where = append(where, "open")
	}
	if f.RequesterID != 0 {
		cond("requester_id = $", f.RequesterID)
	}
	if f.AssigneeID != 0 {
		cond("assignee_id = $", f.AssigneeID)
	}
	if f.ClientID != 0 {
		cond("client_id = $", f.ClientID)
	}
	if f.DealID != 0 {
		cond("deal_id = $", f.DealID)
	}
	if f.Type != "" {
		cond("type = $", string(f.Type))
	}
	sql := "SELECT doc FROM requests"
	if len(where) > 0 {
		sql += " WHERE " + strings.Join(where, " AND ")
	}
	sql += " ORDER BY created_at, id"
	if f.Limit > 0 {
		args = append(args, f.Limit)
		sql += " LIMIT $" + strconv.Itoa(len(args))
	}
	return list[core.Request](tx, sql, args...)
}

// WorkSettings returns the stored work settings, or zero settings when
// none were stored.
func (tx *Tx) WorkSettings() (s core.WorkSettings, err error) {
	defer wrapf(&err, "work settings")
	if _, err := tx.get(&s, `SELECT doc FROM settings WHERE name = $1`, settingsWork); err != nil {
		return core.WorkSettings{}, err
	}
	return s, nil
}

// PutWorkSettings stores the work settings (SLAs as nanoseconds).
func (tx *Tx) PutWorkSettings(s core.WorkSettings) (err error) {
	defer wrapf(&err, "put work settings")
	return tx.putSetting(settingsWork, s)
}
