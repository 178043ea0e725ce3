package core

import (
	"context"
	"strings"
)

// DocDecision is a lawyer's decision on a version of a document.
type DocDecision string

// Decisions.
const (
	DecisionApprove DocDecision = "approve" // согласовать
	DecisionRework  DocDecision = "rework"  // на доработку, with a comment
	DecisionReject  DocDecision = "reject"  // отклонить, with a comment
)

// status is the document's status after the decision.
func (d DocDecision) status() (DocStatus, bool) {
	switch d {
	case DecisionApprove:
		return DocApproved, true
	case DecisionRework:
		return DocRework, true
	case DecisionReject:
		return DocRejected, true
	}
	return "", false
}

// NeedsComment reports whether the decision must say why: rework and
// reject.
func (d DocDecision) NeedsComment() bool { return d == DecisionRework || d == DecisionReject }

// DecideDocument records a lawyer's decision on a version of a document on
// approval: approved, back for rework or rejected (the last two with a
// comment). Only those who approve documents decide; a decision on a
// version that is no longer the current one, or on a document no longer on
// approval, is ECONFLICT. The decision is audited with its comment, the
// officer and the deal's manager are told; a rejected document's task is
// closed.
func (s *Service) DecideDocument(ctx context.Context, a Actor, docID int64, version int, decision DocDecision,
	comment string) (*Document, error) {
	if err := a.require(PermApprove); err != nil {
		return nil, err
	}
	status, ok := decision.status()
	if !ok {
		return nil, Errorf(EINVALID, "err.doc.decision_unknown", "Decision", string(decision))
	}
	comment = strings.TrimSpace(comment)
	switch {
	case decision.NeedsComment() && comment == "":
		return nil, Errorf(EINVALID, "err.doc.comment_required")
	case len([]rune(comment)) > MaxDocCommentLen:
		return nil, Errorf(EINVALID, "err.doc.comment_too_long", "Max", MaxDocCommentLen)
	}
	return s.updateDocument(ctx, a, docID, func(tx Tx, d *Document, deal *Deal) error {
		cur := d.Current()
		switch {
		case cur != nil && cur.N != version:
			return Errorf(ECONFLICT, "err.doc.outdated_version", "Number", d.Number, "Version", version,
				"Current", cur.N)
		case d.Status != DocApproval:
			return Errorf(ECONFLICT, "err.doc.not_on_approval", "Number", d.Number, "Status", string(d.Status))
		}
		old := *d
		d.Status, d.Remark = status, comment
		if decision == DecisionApprove {
			d.Approved = version
		}
		if err := tx.UpdateDocument(d); err != nil {
			return err
		}
		reason := comment
		if reason == "" {
			reason = "approved"
		}
		if err := tx.AddChanges(stamp(diffDocument(&old, d), a, reason)...); err != nil {
			return err
		}
		if decision == DecisionReject {
			if err := s.closeDocTask(tx, a, d, TaskCancelled, comment); err != nil {
				return err
			}
		}
		args := docNoteArgs(tx, d, deal, a)
		args["Decision"], args["Comment"] = string(decision), comment
		return s.notifyDoc(tx, d, deal, a, Note{Key: "notify.doc.decided", Args: args, Buttons: showButton(d)})
	})
}

// CancelDocument withdraws a document that has not gone out: the manager
// who asked for it, its officer, or anyone who may produce documents, with
// a reason; its task is cancelled and the manager and officer are told.
func (s *Service) CancelDocument(ctx context.Context, a Actor, docID int64, reason string) (*Document, error) {
	if err := a.require(PermViewDeals); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, Errorf(EINVALID, "err.doc.reason_required")
	}
	return s.updateDocument(ctx, a, docID, func(tx Tx, d *Document, deal *Deal) error {
		if !a.Can(PermDocuments) && a.ID() != d.RequestedBy && !(a.Can(PermEditDeals) && a.ID() == deal.ManagerID) {
			return Errorf(EFORBIDDEN, "err.forbidden")
		}
		if d.Status.sentRank() > 0 || d.Status.Final() || d.SendID != 0 {
			return Errorf(ECONFLICT, "err.doc.closed", "Number", d.Number, "Status", string(d.Status))
		}
		old := *d
		d.Status = DocCancelled
		if err := tx.UpdateDocument(d); err != nil {
			return err
		}
		if err := tx.AddChanges(stamp(diffDocument(&old, d), a, reason)...); err != nil {
			return err
		}
		if err := s.closeDocTask(tx, a, d, TaskCancelled, reason); err != nil {
			return err
		}
		args := docNoteArgs(tx, d, deal, a)
		args["Reason"] = reason
		return s.notifyDoc(tx, d, deal, a, Note{Key: "notify.doc.cancelled", Args: args})
	})
}
