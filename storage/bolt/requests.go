package bolt

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"

	"github.com/dealdesk/dealdesk/core"
)

// Request indexes (every key ends in timeKey(CreatedAt) and the ID, so a
// scan is in result order, oldest first):
//
//	requests_open:         timeKey(created) id → nothing (open only)
//	requests_by_requester: requesterID open timeKey(created) id → nothing
//	requests_by_assignee:  assigneeID open timeKey(created) id → nothing (assigned only)
//	requests_by_client:    clientID timeKey(created) id → nothing
//	requests_by_deal:      dealID timeKey(created) id → nothing
//
// open is one byte, 1 for an open request and 0 for a closed one, so a
// person's open requests are read without their closed ones. The settings
// bucket holds the work settings as JSON under keyWorkSettings.

// keyWorkSettings is the settings bucket's key of the work settings.
var keyWorkSettings = []byte("work")

// RequestByID returns the request with the ID, or ENOTFOUND.
func (tx *Tx) RequestByID(id int64) (*core.Request, error) {
	r := new(core.Request)
	if ok, err := tx.get(bktRequests, itob(id), r); err != nil {
		return nil, fmt.Errorf("bolt: request %d: %w", id, err)
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.request.not_found", "ID", id)
	}
	return r, nil
}

// CreateRequest assigns the request the next number, the one its intake
// gets too, and stores it. CreatedAt is Now when zero.
func (tx *Tx) CreateRequest(r *core.Request) (err error) {
	defer wrapf(&err, "create request")
	if r.ID, err = tx.nextID(bktRequests); err != nil {
		return err
	}
	if r.CreatedAt.IsZero() {
		r.CreatedAt = tx.now
	}
	r.UpdatedAt = tx.now
	if err := tx.put(bktRequests, itob(r.ID), r); err != nil {
		return err
	}
	return tx.reindex(nil, requestEntries(r))
}

// UpdateRequest stores a changed request and moves its index entries: a
// closed one leaves the open index, a reassigned one moves to its new
// assignee. An unknown request is ENOTFOUND.
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
	if err := tx.put(bktRequests, itob(r.ID), r); err != nil {
		return err
	}
	return tx.reindex(requestEntries(old), requestEntries(r))
}

// Requests returns the requests the filter selects, oldest first (ties by
// ID), at most f.Limit when it is positive. It reads the index of the
// filter's most selective field — the deal, the client, the requester, the
// assignee, else the open requests — in result order and stops at the
// limit; the other fields are filtered as it goes. Only a filter with none
// of them (by type alone, or none) reads every request.
func (tx *Tx) Requests(f core.RequestFilter) ([]*core.Request, error) {
	rs := []*core.Request{}
	collect := func(k []byte) (bool, error) {
		if len(k) < 16 {
			return false, fmt.Errorf("malformed entry %x", k)
		}
		r := new(core.Request)
		if err := tx.load(bktRequests, k[len(k)-8:], r); err != nil {
			return false, err
		}
		if requestMatches(r, f) {
			rs = append(rs, r)
		}
		return !limitReached(len(rs), f.Limit), nil
	}
	// person reads a requester's or an assignee's requests: only the open
	// part when the filter wants open ones, else both parts, merged.
	person := func(b []byte, id int64) error {
		if f.Open {
			return tx.scan(b, key(itob(id), []byte{1}), func(k, _ []byte) (bool, error) { return collect(k) })
		}
		return tx.scan(b, itob(id), func(k, _ []byte) (bool, error) {
			_, err := collect(k)
			return true, err
		})
	}
	var err error
	sorted := true
	switch {
	case f.DealID != 0:
		err = tx.scan(bktRequestsByDeal, itob(f.DealID), func(k, _ []byte) (bool, error) { return collect(k) })
	case f.ClientID != 0:
		err = tx.scan(bktRequestsByClient, itob(f.ClientID), func(k, _ []byte) (bool, error) { return collect(k) })
	case f.RequesterID != 0:
		err, sorted = person(bktRequestsByRequester, f.RequesterID), f.Open
	case f.AssigneeID != 0:
		err, sorted = person(bktRequestsByAssignee, f.AssigneeID), f.Open
	case f.Open:
		err = tx.scan(bktRequestsOpen, nil, func(k, _ []byte) (bool, error) { return collect(k) })
	default:
		sorted = false
		err = tx.scan(bktRequests, nil, func(_, v []byte) (bool, error) {
			r := new(core.Request)
			if err := decode(v, r); err != nil {
				return false, err
			}
			if requestMatches(r, f) {
				rs = append(rs, r)
			}
			return true, nil
		})
	}
	if err != nil {
		return nil, fmt.Errorf("bolt: requests: %w", err)
	}
	if !sorted {
		slices.SortStableFunc(rs, compareRequests)
		if limitReached(len(rs), f.Limit) {
			rs = rs[:f.Limit]
		}
	}
	return rs, nil
}

// requestMatches reports whether a request passes the filter.
func requestMatches(r *core.Request, f core.RequestFilter) bool {
	return (!f.Open || !r.Status.Closed()) &&
		(f.RequesterID == 0 || r.RequesterID == f.RequesterID) &&
		(f.AssigneeID == 0 || r.AssigneeID == f.AssigneeID) &&
		(f.ClientID == 0 || r.ClientID == f.ClientID) &&
		(f.DealID == 0 || r.DealID == f.DealID) &&
		(f.Type == "" || r.Type == f.Type)
}

// compareRequests orders requests by CreatedAt, then ID: the order of the
// indexes.
func compareRequests(a, b *core.Request) int {
	if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// requestEntries lists the index entries of a request.
func requestEntries(r *core.Request) []entry {
	id := itob(r.ID)
	created := timeKey(r.CreatedAt)
	open := []byte{0}
	es := make([]entry, 0, 5)
	if !r.Status.Closed() {
		open[0] = 1
		es = append(es, entry{bktRequestsOpen, key(created, id), nil})
	}
	es = append(es, entry{bktRequestsByRequester, key(itob(r.RequesterID), open, created, id), nil})
	if r.AssigneeID != 0 {
		es = append(es, entry{bktRequestsByAssignee, key(itob(r.AssigneeID), open, created, id), nil})
	}
	if r.ClientID != 0 {
		es = append(es, entry{bktRequestsByClient, key(itob(r.ClientID), created, id), nil})
	}
	if r.DealID != 0 {
		es = append(es, entry{bktRequestsByDeal, key(itob(r.DealID), created, id), nil})
	}
	return es
}

// WorkSettings returns the stored work settings, or zero settings when
// none were stored.
func (tx *Tx) WorkSettings() (core.WorkSettings, error) {
	var s core.WorkSettings
	if _, err := tx.get(bktSettings, keyWorkSettings, &s); err != nil {
		return core.WorkSettings{}, fmt.Errorf("bolt: work settings: %w", err)
	}
	return s, nil
}

// PutWorkSettings stores the work settings (SLAs as nanoseconds).
func (tx *Tx) PutWorkSettings(s core.WorkSettings) (err error) {
	defer wrapf(&err, "put work settings")
	return tx.put(bktSettings, keyWorkSettings, s)
}

// isWorkSettings reports whether a settings key is the work settings'.
func isWorkSettings(k []byte) bool { return bytes.Equal(k, keyWorkSettings) }
