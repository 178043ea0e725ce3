package core

import (
	"context"
	"strings"
)

// recordSend records the outcome of a send in one transaction: done (the
// document sent, or posted to EDO as a draft for the box chosen),
// tried again later, or given up (the document send_failed); audited, the
// officer and the manager told. drop gives the send up without touching
// its document.
func (s *Service) recordSend(ctx context.Context, send *DocSend, posted *EDOPosted, sendErr error, drop bool) error {
	return s.update(ctx, func(tx Tx) error {
		cur, err := tx.DocSendByID(send.ID)
		if err != nil || cur.Status != SendPending {
			return err
		}
		send = cur
		now := tx.Now()
		if drop {
			send.Status, send.LastError = SendFailed, sendErr.Error()
			return tx.UpdateDocSend(send)
		}
		d, err := tx.DocumentByID(send.DocID)
		if err != nil {
			return err
		}
		deal, err := tx.DealByID(d.DealID)
		if err != nil {
			return err
		}
		a := Actor{Source: send.Source}
		if send.RequestedBy != 0 {
			if u, err := tx.UserByID(send.RequestedBy); err == nil {
				a.User = u
			}
		}
		switch {
		case sendErr == nil:
			send.Status, send.LastError = SendDone, ""
			if err := tx.UpdateDocSend(send); err != nil {
				return err
			}
			return s.sent(tx, a, d, deal, send, posted)
		case temporary(sendErr) && send.Attempts+1 < DocSendMaxAttempts:
			send.Attempts++
			send.NextAttemptAt, send.LastError = now.Add(DocSendBackoff(send.Attempts)), sendErr.Error()
			s.log.Warn().Err(sendErr).Int64("doc_id", d.ID).Int("attempts", send.Attempts).
				Msg("document send failed; it is tried again later")
			return tx.UpdateDocSend(send)
		}
		send.Attempts++
		send.Status, send.LastError = SendFailed, sendErr.Error()
		if err := tx.UpdateDocSend(send); err != nil {
			return err
		}
		return s.sendFailed(tx, a, d, deal, send, sendErr)
	})
}

// sent records a document that went out: by email it is sent to the
// addresses; posted to EDO it waits, as a draft, for a person to sign and
// send it there. The recipient (SentTo) is what people read: the
// addresses, or the EDO box's title as it was chosen, never the box's id,
// which EDOBoxID keeps.
func (s *Service) sent(tx Tx, a Actor, d *Document, deal *Deal, send *DocSend, posted *EDOPosted) error {
	old := *d
	d.SendID, d.SendError, d.Channel, d.SentVersion = 0, "", send.Channel, send.Version
	key := "notify.doc.sent"
	if send.Channel == ChannelEmail {
		d.Status, d.SentTo = DocSent, strings.Join(send.To, ", ")
	} else {
		d.SentTo, d.EDOBoxID = send.BoxTitle, send.BoxID
		if posted != nil {
			d.EDOMessageID, d.EDOEntityID = posted.MessageID, posted.EntityID
		}
		if d.Status == DocSendFailed {
			d.Status = s.readyStatus(d)
		}
		key = "notify.doc.edo_posted"
	}
	if err := tx.UpdateDocument(d); err != nil {
		return err
	}
	reason := "email"
	if send.Channel == ChannelEDO {
		reason = "edo_posted"
	}
	if err := tx.AddChanges(stamp(diffDocument(&old, d), a, reason)...); err != nil {
		return err
	}
	if d.Status == DocSent {
		// The task's result is the recipient as people read it; the
		// document's own entry says how it went.
		if err := s.closeDocTask(tx, a, d, TaskDone, d.SentTo); err != nil {
			return err
		}
	}
	args := docNoteArgs(tx, d, deal, a)
	args["Channel"], args["To"] = string(send.Channel), d.SentTo
	return s.notifyDoc(tx, d, deal, Actor{}, Note{Key: key, Args: args, Buttons: showButton(d)})
}

// readyStatus is the status of a document ready to go out again.
func (s *Service) readyStatus(d *Document) DocStatus {
	if cur := d.Current(); cur != nil && d.Approved == cur.N {
		return DocApproved
	}
	return DocDraft
}

// sendFailed records a send given up: the document is send_failed with
// the server's words, and the officer and the manager are told.
func (s *Service) sendFailed(tx Tx, a Actor, d *Document, deal *Deal, send *DocSend, sendErr error) error {
	text, key := sendFailure(sendErr)
	old := *d
	d.Status, d.SendID, d.SendError = DocSendFailed, 0, text
	if d.SendError == "" {
		d.SendError = key
	}
	if err := tx.UpdateDocument(d); err != nil {
		return err
	}
	if err := tx.AddChanges(stamp(diffDocument(&old, d), a, "send_failed")...); err != nil {
		return err
	}
	args := docNoteArgs(tx, d, deal, a)
	args["Channel"], args["Error"], args["ErrorKey"] = string(send.Channel), text, key
	return s.notifyDoc(tx, d, deal, Actor{}, Note{Key: "notify.doc.send_failed", Args: args, Buttons: showButton(d)})
}

// mayMarkDocument reports whether the actor may record what happened to a
// document on paper: who produces documents, and the deal's manager.
func mayMarkDocument(a Actor, deal *Deal) bool {
	return a.Can(PermDocuments) || (a.Can(PermEditDeals) && a.ID() == deal.ManagerID)
}

// MarkPaperSigned records that the client signed a document on paper: one
// that went out, one ready to (approved where its kind needs it) that was
// handed over, or one waiting in EDO as a draft that was signed on paper
// meanwhile. A signed contract or supplementary agreement moves its
// deal to «действует» when it is before that stage.
func (s *Service) MarkPaperSigned(ctx context.Context, a Actor, docID int64) (*Document, error) {
	return s.markPaper(ctx, a, docID, func(d *Document) error {
		switch d.Status {
		case DocSent, DocDelivered:
			return nil
		case DocApproved, DocDraft, DocSendFailed:
			if d.SendID == 0 && (d.WaitsInEDO() || s.CheckSendable(d) == nil) {
				return nil
			}
		}
		return Errorf(ECONFLICT, "err.doc.not_signable", "Number", d.Number, "Status", string(d.Status))
	}, DocSigned, "paper_signed")
}

// MarkOriginalReceived records that the signed original came back.
func (s *Service) MarkOriginalReceived(ctx context.Context, a Actor, docID int64) (*Document, error) {
	return s.markPaper(ctx, a, docID, func(d *Document) error {
		if d.Status == DocSigned || d.Status == DocDisagreed {
			return nil
		}
		return Errorf(ECONFLICT, "err.doc.not_signed", "Number", d.Number, "Status", string(d.Status))
	}, DocOriginal, "original_received")
}

// markPaper moves a document to status when allowed says it may; audited
// with reason, the deal moved on a signature, the manager and officer
// told.
func (s *Service) markPaper(ctx context.Context, a Actor, docID int64, allowed func(*Document) error,
	status DocStatus, reason string) (*Document, error) {
	if err := a.require(PermViewDeals); err != nil {
		return nil, err
	}
	var d *Document
	err := s.update(ctx, func(tx Tx) error {
		doc, deal, err := visibleDocument(tx, a, docID)
		if err != nil {
			return err
		}
		d = doc
		if !mayMarkDocument(a, deal) {
			return Errorf(EFORBIDDEN, "err.forbidden")
		}
		if err := allowed(d); err != nil {
			return err
		}
		old := *d
		d.Status = status
		if d.Channel == "" {
			d.Channel = ChannelPaper
		}
		if d.SentVersion == 0 {
			d.SentVersion = d.Current().N
		}
		return s.moveDocument(tx, a, &old, d, deal, reason, "")
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// moveDocument writes a document's status change (from old), audited with
// reason; a signature moves the deal, sending closes the task, and the
// manager and officer are told (comment: the client's words).
func (s *Service) moveDocument(tx Tx, a Actor, old, d *Document, deal *Deal, reason, comment string) error {
	if err := tx.UpdateDocument(d); err != nil {
		return err
	}
	if err := tx.AddChanges(stamp(diffDocument(old, d), a, reason)...); err != nil {
		return err
	}
	if d.Status.sentRank() > 0 {
		// Its result in words: the recipient (none on paper); the
		// document's own entry says the status.
		if err := s.closeDocTask(tx, a, d, TaskDone, d.SentTo); err != nil {
			return err
		}
	}
	moved := false
	if d.Status == DocSigned && d.Kind.NeedsSignature() {
		var err error
		if moved, err = s.signDeal(tx, a, deal); err != nil {
			return err
		}
	}
	args := docNoteArgs(tx, d, deal, a)
	args["Comment"], args["DealMoved"] = comment, moved
	return s.notifyDoc(tx, d, deal, a, Note{Key: "notify.doc.status", Args: args, Buttons: showButton(d)})
}

// signDeal moves a deal whose contract was signed to «действует» when it
// is open and before that stage, audited with the reason
// "document_signed"; it reports whether it moved.
func (s *Service) signDeal(tx Tx, a Actor, deal *Deal) (bool, error) {
	i, active := -1, -1
	for n, st := range openStages {
		if st == deal.Stage {
			i = n
		}
		if st == StageActive {
			active = n
		}
	}
	if i < 0 || i >= active {
		return false, nil
	}
	old := *deal
	applyMove(deal, MoveForward, StageActive, "", tx.Now())
	if err := tx.UpdateDeal(deal); err != nil {
		return false, err
	}
	return true, tx.AddChanges(stamp(diffDeal(&old, deal), a, "document_signed")...)
}
