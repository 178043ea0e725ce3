package core

import (
	"context"
	"strconv"
	"strings"
)

// visibleDocument reads a document and its deal; ENOTFOUND when the
// actor may not see the deal.
func visibleDocument(tx Tx, a Actor, id int64) (*Document, *Deal, error) {
	d, err := tx.DocumentByID(id)
	if err != nil {
		return nil, nil, err
	}
	deal, err := tx.DealByID(d.DealID)
	if err != nil {
		return nil, nil, err
	}
	if !canSeeDeal(a, deal) {
		return nil, nil, Errorf(ENOTFOUND, "err.doc.not_found", "ID", id)
	}
	return d, deal, nil
}

// updateDocument runs fn on a document the actor may see (ENOTFOUND
// otherwise) and its deal in one transaction, and returns the document.
func (s *Service) updateDocument(ctx context.Context, a Actor, docID int64, fn func(tx Tx, d *Document, deal *Deal) error) (*Document, error) {
	var d *Document
	err := s.update(ctx, func(tx Tx) error {
		doc, deal, err := visibleDocument(tx, a, docID)
		if err != nil {
			return err
		}
		d = doc
		return fn(tx, d, deal)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// dealClient is the client of a document's deal: the one its documents
// are made for (Document.ClientID is the client when it was asked for; a
// merge moves the deal to the card that stays).
func dealClient(tx Tx, d *Document) (*Client, error) {
	deal, err := tx.DealByID(d.DealID)
	if err != nil {
		return nil, err
	}
	return tx.ClientByID(deal.ClientID)
}

// activeTemplate is the template a kind's documents are made from: the
// latest active one.
func activeTemplate(tx Tx, k DocKind) (*DocTemplate, error) {
	ts, err := tx.Templates()
	if err != nil {
		return nil, err
	}
	for i := len(ts) - 1; i >= 0; i-- {
		if ts[i].Kind == k && ts[i].Active {
			return ts[i], nil
		}
	}
	return nil, Errorf(ENOTFOUND, "err.doc.no_template", "Kind", string(k))
}

// diffDocument lists the changed fields of a document.
func diffDocument(a, b *Document) []*Change {
	d := &diff{entity: EntityDocument, id: b.ID}
	d.add("number", a.Number, b.Number)
	d.add("kind", a.Kind, b.Kind)
	d.add("deal_id", a.DealID, b.DealID)
	d.add("client_id", a.ClientID, b.ClientID)
	d.add("status", a.Status, b.Status)
	d.add("comment", a.Comment, b.Comment)
	d.add("requested_by", a.RequestedBy, b.RequestedBy)
	d.add("officer_id", a.OfficerID, b.OfficerID)
	d.add("version", len(a.Versions), len(b.Versions))
	d.add("approved", a.Approved, b.Approved)
	d.add("vat", vatCode(a.VAT), vatCode(b.VAT))
	d.add("channel", a.Channel, b.Channel)
	d.add("sent_to", a.SentTo, b.SentTo)
	d.add("sent_version", a.SentVersion, b.SentVersion)
	d.add("edo_message_id", a.EDOMessageID, b.EDOMessageID)
	d.add("send_error", a.SendError, b.SendError)
	return d.changes
}

func vatCode(r *VATRate) string {
	if r == nil {
		return ""
	}
	return r.Code()
}

// docNoteArgs are the arguments every notification about a document has.
func docNoteArgs(tx Tx, d *Document, deal *Deal, a Actor) map[string]any {
	args := map[string]any{"ID": d.ID, "Number": d.Number, "Kind": string(d.Kind), "Status": string(d.Status),
		"Deal": deal.Number, "Title": deal.Title, "By": ""}
	if a.User != nil {
		args["By"] = a.User.Name
	}
	if c, err := tx.ClientByID(deal.ClientID); err == nil {
		args["Client"] = c.Name()
	}
	if v := d.Current(); v != nil {
		args["Version"] = v.N
	}
	return args
}

// showButton opens a document's card.
func showButton(d *Document) [][]ButtonSpec {
	return [][]ButtonSpec{{{LabelKey: "btn.doc.show", Action: ActionDocShow, Payload: strconv.FormatInt(d.ID, 10)}}}
}

// reachable reports whether a notification to a role would reach anyone:
// a work chat bound to purpose p, or an active user of role r (the ones
// notifyRole tells).
func (s *Service) reachable(tx Tx, p ChatPurpose, r Role) (bool, error) {
	chats, err := tx.WorkChatsByPurpose(p)
	if err != nil || len(chats) > 0 {
		return len(chats) > 0, err
	}
	users, err := tx.ListUsers()
	if err != nil {
		return false, err
	}
	for _, u := range users {
		if u.Role == r && u.Active {
			return true, nil
		}
	}
	return false, nil
}

// checkDealOpen refuses to work on the documents of a closed deal (won or
// lost): nothing is produced, submitted or sent for it.
func checkDealOpen(deal *Deal) error {
	if deal.Stage.Closed() {
		return Errorf(ECONFLICT, "err.doc.deal_closed", "Deal", deal.Number, "Stage", string(deal.Stage))
	}
	return nil
}

// notifyDoc tells the deal's manager and the document's officer, except
// the actor, about a change of the document.
func (s *Service) notifyDoc(tx Tx, d *Document, deal *Deal, a Actor, n Note) error {
	told := map[int64]bool{a.ID(): true, 0: true}
	for _, id := range []int64{deal.ManagerID, d.OfficerID} {
		if told[id] {
			continue
		}
		told[id] = true
		if err := s.notifyUser(tx, id, n); err != nil {
			return err
		}
	}
	return nil
}

// RequestDocument asks deal support for a document of a deal: it is
// numbered (КП-2026-0001), put in the officers' queue as a task, and the
// officers' work chat (or each officer) is told with a button to take it.
// The deal must be open and the actor one who may edit it; with no
// officers' chat and no active officer it is refused, unless the actor
// produces documents themselves.
func (s *Service) RequestDocument(ctx context.Context, a Actor, dealID int64, kind DocKind, comment string) (*Document, error) {
	if err := a.require(PermEditDeals); err != nil {
		return nil, err
	}
	if !kind.Valid() {
		return nil, Errorf(EINVALID, "err.doc.kind_unknown", "Kind", string(kind))
	}
	comment = strings.TrimSpace(comment)
	var d *Document
	err := s.update(ctx, func(tx Tx) error {
		deal, err := tx.DealByID(dealID)
		if err != nil {
			return err
		}
		if !canSeeDeal(a, deal) {
			return Errorf(ENOTFOUND, "err.deal.not_found", "Number", deal.Number)
		}
		if deal.Stage.Closed() {
			return Errorf(ECONFLICT, "err.deal.closed", "Number", deal.Number)
		}
		// Nobody would hear of the request: refuse it rather than let it
		// wait in a queue nobody reads (unless the actor makes documents).
		if ok, err := s.reachable(tx, PurposeOfficers, RoleOfficer); err != nil || !ok && !a.Can(PermDocuments) {
			if err == nil {
				err = Errorf(ECONFLICT, "err.doc.no_officers", "Number", deal.Number)
			}
			return err
		}
		year := tx.Now().In(Location("")).Year()
		n, err := tx.NextSequence(docCounter(kind, year))
		if err != nil {
			return err
		}
		d = &Document{Number: DocNumber(kind, year, n), Kind: kind, DealID: deal.ID, ClientID: deal.ClientID,
			Status: DocRequested, Comment: comment, RequestedBy: a.ID()}
		if err := d.Validate(); err != nil {
			return err
		}
		if err := tx.CreateDocument(d); err != nil {
			return err
		}
		t := &Task{Title: d.Number + " " + deal.Number + " " + deal.Title, Queue: PurposeOfficers,
			Status: TaskOpen, CreatedBy: a.ID(), DealID: deal.ID, ClientID: deal.ClientID}
		if len([]rune(t.Title)) > MaxTitleLen {
			t.Title = string([]rune(t.Title)[:MaxTitleLen])
		}
		if err := tx.CreateTask(t); err != nil {
			return err
		}
		d.TaskID = t.ID
		if err := tx.UpdateDocument(d); err != nil {
			return err
		}
		if err := tx.AddChanges(stamp(diffDocument(&Document{}, d), a, "requested")...); err != nil {
			return err
		}
		if err := tx.AddChanges(stamp(diffTask(&Task{}, t), a, "requested")...); err != nil {
			return err
		}
		args := docNoteArgs(tx, d, deal, a)
		args["Comment"] = comment
		n2 := Note{Key: "notify.doc.requested", Args: args, Mentions: []int64{deal.ManagerID},
			Buttons: [][]ButtonSpec{{{LabelKey: "btn.doc.take", Action: ActionDocTake,
				Payload: strconv.FormatInt(d.ID, 10)}}}}
		if err := s.notifyRole(tx, PurposeOfficers, RoleOfficer, n2); err != nil {
			return err
		}
		if deal.ManagerID == a.ID() {
			return nil
		}
		return s.notifyUser(tx, deal.ManagerID, Note{Key: "notify.doc.requested_for", Args: args,
			Buttons: showButton(d)})
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// TakeDocument records that the officer takes a document's request (and
// its task); the one who asked for it is told. Taking one's own again does
// nothing; one taken by someone else is ECONFLICT.
func (s *Service) TakeDocument(ctx context.Context, a Actor, docID int64) (*Document, error) {
	if err := a.require(PermDocuments); err != nil {
		return nil, err
	}
	return s.updateDocument(ctx, a, docID, func(tx Tx, d *Document, deal *Deal) error {
		switch {
		case d.OfficerID == a.ID():
			return nil
		case d.OfficerID != 0:
			return Errorf(ECONFLICT, "err.doc.taken", "Number", d.Number, "By", describeUser(tx, d.OfficerID))
		case d.Status.Final():
			return Errorf(ECONFLICT, "err.doc.closed", "Number", d.Number, "Status", string(d.Status))
		}
		return s.take(tx, a, d, deal)
	})
}

// take makes the actor the document's officer, with its task, audited;
// the one who asked for it is told.
func (s *Service) take(tx Tx, a Actor, d *Document, deal *Deal) error {
	old := *d
	d.OfficerID = a.ID()
	if err := tx.UpdateDocument(d); err != nil {
		return err
	}
	if err := tx.AddChanges(stamp(diffDocument(&old, d), a, "doc_taken")...); err != nil {
		return err
	}
	if d.TaskID != 0 {
		if err := s.takeTask(tx, a, d.TaskID); err != nil {
			return err
		}
	}
	if d.RequestedBy == a.ID() || d.RequestedBy == 0 {
		return nil
	}
	return s.notifyUser(tx, d.RequestedBy, Note{Key: "notify.doc.taken", Args: docNoteArgs(tx, d, deal, a),
		Buttons: showButton(d)})
}

// closeDocTask ends a document's task: done with a result, or cancelled.
func (s *Service) closeDocTask(tx Tx, a Actor, d *Document, status TaskStatus, result string) error {
	if d.TaskID == 0 {
		return nil
	}
	t, err := tx.TaskByID(d.TaskID)
	if err != nil || t.Status != TaskOpen {
		return err
	}
	old := *t
	t.Status, t.Result, t.DoneAt = status, truncateText(result, 4000), tx.Now()
	if t.AssigneeID == 0 && a.User != nil {
		t.AssigneeID = a.ID()
	}
	if err := tx.UpdateTask(t); err != nil {
		return err
	}
	return tx.AddChanges(stamp(diffTask(&old, t), a, "document")...)
}

// DocumentByID returns a document of a deal the actor may see.
func (s *Service) DocumentByID(ctx context.Context, a Actor, id int64) (*Document, error) {
	if err := a.require(PermViewDeals); err != nil {
		return nil, err
	}
	var d *Document
	err := s.view(ctx, func(tx Tx) (err error) {
		d, _, err = visibleDocument(tx, a, id)
		return err
	})
	return d, err
}

// DocumentByNumber returns a document by its number as typed
// ("дг-2026-1"); EINVALID for no number, ENOTFOUND for one the actor may
// not see.
func (s *Service) DocumentByNumber(ctx context.Context, a Actor, number string) (*Document, error) {
	if err := a.require(PermViewDeals); err != nil {
		return nil, err
	}
	canonical, _, _, _, ok := ParseDocNumber(number)
	if !ok {
		return nil, Errorf(EINVALID, "err.doc.number_format", "Number", strings.TrimSpace(number))
	}
	var d *Document
	err := s.view(ctx, func(tx Tx) error {
		doc, err := tx.DocumentByNumber(canonical)
		if err != nil {
			return err
		}
		d, _, err = visibleDocument(tx, a, doc.ID)
		if IsNotFound(err) {
			return Errorf(ENOTFOUND, "err.doc.not_found", "Number", canonical)
		}
		return err
	})
	return d, err
}

// Documents returns a deal's documents, oldest first.
func (s *Service) Documents(ctx context.Context, a Actor, dealID int64) ([]*Document, error) {
	if err := a.require(PermViewDeals); err != nil {
		return nil, err
	}
	var ds []*Document
	err := s.view(ctx, func(tx Tx) error {
		deal, err := tx.DealByID(dealID)
		if err != nil {
			return err
		}
		if !canSeeDeal(a, deal) {
			return Errorf(ENOTFOUND, "err.deal.not_found", "Number", deal.Number)
		}
		ds, err = tx.DocumentsByDeal(dealID)
		return err
	})
	return ds, err
}

// SetDocumentVAT sets the VAT rate a document is produced with, before it
// is produced again; audited.
func (s *Service) SetDocumentVAT(ctx context.Context, a Actor, docID int64, rate VATRate) (*Document, error) {
	if err := a.require(PermDocuments); err != nil {
		return nil, err
	}
	if _, err := ParseVATRate(rate.Code()); err != nil {
		return nil, err
	}
	var d *Document
	err := s.update(ctx, func(tx Tx) (err error) {
		if d, _, err = visibleDocument(tx, a, docID); err != nil {
			return err
		}
		if d.Status.sentRank() > 0 || d.Status.Final() {
			return Errorf(ECONFLICT, "err.doc.closed", "Number", d.Number, "Status", string(d.Status))
		}
		old := *d
		d.VAT = &rate
		cs := diffDocument(&old, d)
		if len(cs) == 0 {
			return nil
		}
		if err := tx.UpdateDocument(d); err != nil {
			return err
		}
		return tx.AddChanges(stamp(cs, a, "")...)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}
