package core

import (
	"context"
	"slices"
)

// checkRequest refuses a correction for a request that does not exist,
// is closed, or is about another record (requestAbout). A closed or
// another record's request is EINVALID: the request named is the one to
// change, and the rest of the correction stands.
func checkRequest(tx Tx, e *Edit) error {
	if e.RequestID == 0 {
		return nil
	}
	r, err := tx.RequestByID(e.RequestID)
	if err != nil {
		return err
	}
	if r.Status.Closed() {
		return Errorf(EINVALID, "err.fix.request_closed", "ID", r.ID, "Status", string(r.Status))
	}
	ok, err := requestAbout(tx, r, e)
	if err != nil || ok {
		return err
	}
	about, quote := requestRecord(tx, r)
	return Errorf(EINVALID, "err.fix.request_other", append([]any{"ID", r.ID, "About", about, "AboutQuote", quote},
		e.labelArgs()...)...)
}

// requestAbout reports whether a request may be answered by a correction
// of the edit's record: a request about nothing in particular by any; one
// about a card (or a duplicate merged into it) by a correction of the
// card or of one of its deals; one about a deal, or a document of it, by a
// correction of that deal or of the card it belongs to now.
func requestAbout(tx Tx, r *Request, e *Edit) (bool, error) {
	dealID := r.DealID
	if dealID == 0 && r.DocumentID != 0 {
		doc, err := tx.DocumentByID(r.DocumentID)
		if err != nil {
			return false, err
		}
		dealID = doc.DealID
	}
	if dealID == 0 && r.ClientID == 0 {
		return true, nil
	}
	card, deal := e.ID, int64(0)
	if e.Entity == EntityDeal {
		d, err := tx.DealByID(e.ID)
		if err != nil {
			return false, err
		}
		card, deal = d.ClientID, d.ID
	}
	if dealID != 0 {
		if deal != 0 {
			return dealID == deal, nil
		}
		d, err := tx.DealByID(dealID)
		if IsNotFound(err) {
			return false, nil
		} else if err != nil {
			return false, err
		}
		return liveCard(tx, d.ClientID) == card, nil
	}
	return liveCard(tx, r.ClientID) == card, nil
}

// liveCard is the card a card's id stands for now: the card its duplicate
// was merged into, else itself.
func liveCard(tx Tx, id int64) int64 {
	for range 10 { // a merged card is merged into a live one; the bound guards a broken chain
		c, err := tx.ClientByID(id)
		if err != nil || c.MergedInto == 0 {
			return id
		}
		id = c.MergedInto
	}
	return id
}

// requestRecord names what a request is about, as its refusal names it: a
// deal's number, else a card's name and INN, unquoted, with whether a text
// quotes it (a card's name without quotes of its own).
func requestRecord(tx Tx, r *Request) (string, bool) {
	if r.DealID != 0 {
		if d, err := tx.DealByID(r.DealID); err == nil {
			return d.Number, false
		}
	}
	if r.ClientID != 0 {
		if c, err := tx.ClientByID(r.ClientID); err == nil {
			return clientLabel(c), NeedsQuotes(c.Name())
		}
	}
	return "", false
}

// CorrectionRequests are the open requests a correction of a card or deal
// may answer (requestAbout), oldest first: for a card those about it and
// its deals; for a deal those about it and those about its client's card
// alone.
func (s *Service) CorrectionRequests(ctx context.Context, a Actor, e Entity, id int64) ([]*Request, error) {
	if err := a.require(PermCorrect); err != nil {
		return nil, err
	}
	var out []*Request
	err := s.view(ctx, func(tx Tx) (err error) {
		if e != EntityDeal {
			out, err = tx.Requests(RequestFilter{Open: true, ClientID: id})
			return err
		}
		d, err := tx.DealByID(id)
		if err != nil {
			return err
		}
		if out, err = tx.Requests(RequestFilter{Open: true, DealID: id}); err != nil {
			return err
		}
		card, err := tx.Requests(RequestFilter{Open: true, ClientID: d.ClientID})
		for _, r := range card {
			if r.DealID == 0 && r.DocumentID == 0 {
				out = append(out, r)
			}
		}
		slices.SortStableFunc(out, func(x, y *Request) int { return compareAt(x.CreatedAt, x.ID, y.CreatedAt, y.ID) })
		return err
	})
	return out, err
}
