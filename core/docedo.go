package core

import (
	"context"
	"time"
)

// maxEDOPages bounds the pages one PollEDO call reads, so that a feed that
// never ends cannot hold the job.
const maxEDOPages = 50

// edoStatuses maps an operator's statuses to the document's.
var edoStatuses = map[EDOStatus]DocStatus{EDOSent: DocSent, EDODelivered: DocDelivered, EDOSigned: DocSigned,
	EDODisagreements: DocDisagreed, EDORejected: DocRefused}

// EDOBoxes finds the boxes of a document's client at the EDO operator: by
// INN and KPP, else by the INN alone (a branch, roaming).
func (s *Service) EDOBoxes(ctx context.Context, a Actor, docID int64) ([]EDOBox, error) {
	if err := a.require(PermDocuments); err != nil {
		return nil, err
	}
	if s.docs.edo == nil {
		return nil, Errorf(EUNAVAILABLE, "err.doc.edo_unavailable")
	}
	var c *Client
	err := s.view(ctx, func(tx Tx) error {
		_, deal, err := visibleDocument(tx, a, docID)
		if err != nil {
			return err
		}
		c, err = tx.ClientByID(deal.ClientID)
		return err
	})
	if err != nil {
		return nil, err
	}
	boxes, err := s.docs.edo.Boxes(ctx, c.INN, c.KPP)
	if err == nil && len(boxes) == 0 && c.KPP != "" {
		boxes, err = s.docs.edo.Boxes(ctx, c.INN, "")
	}
	if err != nil {
		return nil, err
	}
	if len(boxes) == 0 {
		return nil, Errorf(ENOTFOUND, "err.doc.no_box", "Client", c.Name(), "INN", c.INN)
	}
	return boxes, nil
}

// PollEDO reads the EDO operator's event feed from the stored cursor, page
// by page, and applies each page in one transaction with the cursor after
// it: a document posted from DealDesk moves to sent, delivered, signed,
// signed with disagreements or refused (never back), audited, its manager
// and officer told; a signed contract moves its deal. Events about other
// documents only move the cursor. It returns how many events it read; the
// scheduler calls it (job edo_poll).
func (s *Service) PollEDO(ctx context.Context, _ time.Time) (int, error) {
	if s.docs.edo == nil {
		return 0, nil
	}
	name := s.docs.edo.Name()
	total := 0
	for range maxEDOPages {
		var cursor string
		if err := s.view(ctx, func(tx Tx) (err error) {
			cursor, err = tx.EDOCursor(name)
			return err
		}); err != nil {
			return total, err
		}
		events, next, err := s.docs.edo.Events(ctx, cursor)
		if err != nil {
			return total, err
		}
		if next == "" {
			next = cursor
		}
		if len(events) == 0 && next == cursor {
			return total, nil // the end of the feed for now
		}
		if err := s.applyEDOPage(ctx, name, cursor, next, events); err != nil {
			return total, err
		}
		total += len(events)
		if next == cursor {
			return total, nil
		}
	}
	return total, nil
}

// applyEDOPage applies a page of events and stores the cursor after it,
// in one transaction; a cursor that moved meanwhile (another poll) leaves
// the page to that poll.
func (s *Service) applyEDOPage(ctx context.Context, name, cursor, next string, events []EDOEvent) error {
	return s.update(ctx, func(tx Tx) error {
		if stored, err := tx.EDOCursor(name); err != nil || stored != cursor {
			return err
		}
		a := Actor{Source: "job:edo_poll"}
		ptx := &pageTx{Tx: tx, deals: map[int64]*Deal{}, clients: map[int64]*Client{}, users: map[int64]*User{}}
		for _, ev := range events {
			if err := s.applyEDOEvent(ptx, a, ev); err != nil {
				return err
			}
		}
		return tx.PutEDOCursor(name, next)
	})
}

// applyEDOEvent moves the document an event is about, if the event brings
// news. The draft DealDesk posted becomes, once a person signs and sends
// it, a letter with ids of its own: the letter's first event names the
// draft (DraftID), and the document takes the letter's message and entity
// ids then (the store indexes it by them, in the page's transaction), so
// that the letter's later events, which name only the letter, find it.
func (s *Service) applyEDOEvent(tx Tx, a Actor, ev EDOEvent) error {
	status, ok := edoStatuses[ev.Status]
	if !ok {
		return nil
	}
	d, err := tx.DocumentByEDO(ev.MessageID)
	fromDraft := false
	if IsNotFound(err) && ev.DraftID != "" && ev.MessageID != "" && ev.DraftID != ev.MessageID {
		d, err = tx.DocumentByEDO(ev.DraftID)
		fromDraft = err == nil
	}
	if IsNotFound(err) {
		return nil // not posted from DealDesk
	} else if err != nil {
		return err
	}
	old := *d
	if fromDraft {
		d.EDOMessageID, d.EDOEntityID = ev.MessageID, ev.EntityID
	} else if ev.EntityID != "" && d.EDOEntityID != "" && ev.EntityID != d.EDOEntityID {
		return nil // another document of the letter
	}
	reason := "edo"
	if d.Status == DocCancelled || d.Status == DocRejected || status.sentRank() <= d.Status.sentRank() {
		if !fromDraft {
			return nil // late news
		}
		// Nothing new about the status (the document was signed on paper
		// meanwhile), but it is the letter's now.
		if err := tx.UpdateDocument(d); err != nil {
			return err
		}
		return tx.AddChanges(stamp(diffDocument(&old, d), a, reason)...)
	}
	deal, err := tx.DealByID(d.DealID)
	if err != nil {
		return err
	}
	d.Status = status
	if ev.Comment != "" {
		reason = ev.Comment
	}
	return s.moveDocument(tx, a, &old, d, deal, reason, ev.Comment)
}

// pageTx remembers the deals, clients and users read while a page of
// events is applied: a page is mostly about a few deals and people, each
// read once. What is written through it is remembered as written.
type pageTx struct {
	Tx
	deals   map[int64]*Deal
	clients map[int64]*Client
	users   map[int64]*User
}

func (t *pageTx) DealByID(id int64) (*Deal, error) { return remember(t.deals, id, t.Tx.DealByID) }

func (t *pageTx) ClientByID(id int64) (*Client, error) {
	return remember(t.clients, id, t.Tx.ClientByID)
}

func (t *pageTx) UserByID(id int64) (*User, error) { return remember(t.users, id, t.Tx.UserByID) }

func (t *pageTx) UpdateDeal(d *Deal) error {
	if err := t.Tx.UpdateDeal(d); err != nil {
		return err
	}
	t.deals[d.ID] = d
	return nil
}

// remember returns the record with the id from seen, or reads it with get
// and keeps it.
func remember[T any](seen map[int64]*T, id int64, get func(int64) (*T, error)) (*T, error) {
	if r, ok := seen[id]; ok {
		return r, nil
	}
	r, err := get(id)
	if err == nil {
		seen[id] = r
	}
	return r, err
}
