package core

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
)

// openStages are the stages of a deal in work, in order: a deal moves
// forward and back along them one stage at a time.
var openStages = []Stage{StageNew, StageVerification, StageDocuments, StageApproval, StageSigning, StageActive}

// Next returns the open stage after s; false at the last one (active,
// whose next step is closing as won) and for a closed deal.
func (s Stage) Next() (Stage, bool) {
	i := slices.Index(openStages, s)
	if i < 0 || i+1 >= len(openStages) {
		return "", false
	}
	return openStages[i+1], true
}

// Prev returns the open stage before s; false at the first one and for a
// closed deal.
func (s Stage) Prev() (Stage, bool) {
	i := slices.Index(openStages, s)
	if i <= 0 {
		return "", false
	}
	return openStages[i-1], true
}

// Winnable reports whether a deal at s may be closed as won: once its
// contract is being signed (a one-off contract signed and fulfilled at
// once need not pass «действует») or is in force.
func (s Stage) Winnable() bool { return s == StageSigning || s == StageActive }

// ReopenStage is where reopening a closed deal takes it: the stage it was
// closed from. A deal closed before that was recorded goes back to active
// when it was won and to new when it was lost.
func (d *Deal) ReopenStage() Stage {
	switch {
	case d.ClosedFrom != "":
		return d.ClosedFrom
	case d.Stage == StageClosedWon:
		return StageActive
	}
	return StageNew
}

// StageMove is the kind of a deal's stage change.
type StageMove string

// Stage moves.
const (
	MoveForward StageMove = "forward" // to the next open stage
	MoveBack    StageMove = "back"    // to the open stage before, with a reason
	MoveWon     StageMove = "won"     // closed as won, from signing or active
	MoveLost    StageMove = "lost"    // closed as lost from any open stage, with a reason
	MoveReopen  StageMove = "reopen"  // a closed deal back where it was closed from: heads and admins, with a reason
)

// NeedsReason reports whether the move must say why: going back, losing a
// deal and reopening one.
func (m StageMove) NeedsReason() bool { return m == MoveBack || m == MoveLost || m == MoveReopen }

// auditReason is the reason recorded for a move made without one typed: a
// code that the history shows in the reader's language (reason.stage_…).
func (m StageMove) auditReason() string {
	switch m {
	case MoveForward:
		return "stage_forward"
	case MoveWon:
		return "stage_won"
	}
	return ""
}

// MaxStageReasonLen is the longest reason of a stage change, in characters
// (as long as an edit's reason may be).
const MaxStageReasonLen = 500

// StageTarget is a move someone may make with a deal: its kind and the
// stage it leads to.
type StageTarget struct {
	Move StageMove
	To   Stage
}

// moveOf returns the kind of moving d from its stage to to, false when no
// rule leads there.
func moveOf(d *Deal, to Stage) (StageMove, bool) {
	from := d.Stage
	if from.Closed() {
		return MoveReopen, to == d.ReopenStage()
	}
	switch to {
	case StageClosedWon:
		return MoveWon, from.Winnable()
	case StageClosedLost:
		return MoveLost, true
	}
	if next, ok := from.Next(); ok && to == next {
		return MoveForward, true
	}
	if prev, ok := from.Prev(); ok && to == prev {
		return MoveBack, true
	}
	return "", false
}

// MayMoveDeal reports whether the actor may move the deal through its
// stages: the deal's manager, the deal support officers, heads and admins
// (and the system). Lawyers, underwriters and other managers may not.
// Reopening a closed deal needs more: MayReopenDeal.
func MayMoveDeal(a Actor, d *Deal) bool {
	u := a.User
	if u == nil {
		return true
	}
	if !u.Can(PermEditDeals) {
		return false
	}
	switch u.Role {
	case RoleOfficer, RoleHead, RoleAdmin:
		return true
	case RoleManager:
		return u.ID == d.ManagerID
	}
	return false
}

// MayReopenDeal reports whether the actor may reopen a closed deal: a
// head's or an admin's decision.
func MayReopenDeal(a Actor) bool {
	return a.User == nil || a.User.Active && (a.User.Role == RoleHead || a.User.Role == RoleAdmin)
}

// CheckStageMove checks that the actor may move the deal, as they saw it
// at stage from, to stage to, and returns the kind of the move. It is
// EFORBIDDEN when the actor may not move the deal (or reopen it), ECONFLICT
// when the deal is no longer at from (it moved meanwhile: a stale card's
// button must not move it twice) and EINVALID when no rule leads from its
// stage to to. The reason is MoveDeal's to check.
func CheckStageMove(a Actor, d *Deal, from, to Stage) (StageMove, error) {
	if !MayMoveDeal(a, d) {
		return "", Errorf(EFORBIDDEN, "err.deal.move_forbidden", "Number", d.Number)
	}
	if d.Stage != from {
		return "", Errorf(ECONFLICT, "err.deal.stage_moved", "Number", d.Number, "Stage", string(d.Stage),
			"Seen", string(from))
	}
	m, ok := moveOf(d, to)
	if !ok {
		return "", Errorf(EINVALID, "err.deal.move_invalid", "Number", d.Number, "From", string(from),
			"To", string(to))
	}
	if m == MoveReopen && !MayReopenDeal(a) {
		return "", Errorf(EFORBIDDEN, "err.deal.reopen_forbidden", "Number", d.Number)
	}
	return m, nil
}

// StageMoves lists the moves the actor may make with the deal now, in the
// order a card offers them: forward, won, back, lost, reopen.
func StageMoves(a Actor, d *Deal) []StageTarget {
	var out []StageTarget
	candidates := []Stage{StageClosedWon, StageClosedLost}
	if next, ok := d.Stage.Next(); ok {
		candidates = append([]Stage{next}, candidates...)
	}
	if prev, ok := d.Stage.Prev(); ok {
		candidates = append(candidates, prev)
	}
	if d.Stage.Closed() {
		candidates = []Stage{d.ReopenStage()}
	}
	for _, to := range candidates {
		if m, err := CheckStageMove(a, d, d.Stage, to); err == nil {
			out = append(out, StageTarget{Move: m, To: to})
		}
	}
	order := []StageMove{MoveForward, MoveWon, MoveBack, MoveLost, MoveReopen}
	slices.SortStableFunc(out, func(x, y StageTarget) int {
		return slices.Index(order, x.Move) - slices.Index(order, y.Move)
	})
	return out
}

// MoveDeal moves a deal the actor saw at stage from to stage to: forward
// one stage; back one stage with a reason; closed as won (from signing or
// active) or lost (from any open stage, with a reason); or, for a head or
// an admin, a closed deal reopened with a reason to the stage it was closed
// from (CheckStageMove has the rules). The change is audited with the
// reason (a code for a move that needs none), and the deal's manager is
// told when someone else made it.
func (s *Service) MoveDeal(ctx context.Context, a Actor, id int64, from, to Stage, reason string) (*Deal, error) {
	if err := a.require(PermEditDeals); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if len([]rune(reason)) > MaxStageReasonLen {
		return nil, Errorf(EINVALID, "err.deal.reason_too_long", "Max", MaxStageReasonLen)
	}
	var d *Deal
	err := s.update(ctx, func(tx Tx) (err error) {
		if d, err = tx.DealByID(id); err != nil {
			return err
		}
		if !canSeeDeal(a, d) {
			return Errorf(ENOTFOUND, "err.deal.not_found", "Number", d.Number)
		}
		m, err := CheckStageMove(a, d, from, to)
		if err != nil {
			return err
		}
		if m.NeedsReason() && reason == "" {
			return Errorf(EINVALID, "err.deal.reason_required", "Number", d.Number)
		}
		old := *d
		applyMove(d, m, to, reason, tx.Now())
		if err := tx.UpdateDeal(d); err != nil {
			return err
		}
		audit := reason
		if audit == "" {
			audit = m.auditReason()
		}
		if err := tx.AddChanges(stamp(diffDeal(&old, d), a, audit)...); err != nil {
			return err
		}
		if d.Stage.Closed() {
			// A closed deal is read-only: its pending corrections can never
			// be applied, so they are settled now, their authors, requesters and managers told.
			if err := s.staleCorrectionsOf(tx, a, EntityDeal, d.ID, StaleClosed); err != nil {
				return err
			}
		}
		if d.ManagerID == a.ID() {
			return nil
		}
		return s.notifyUser(tx, d.ManagerID, Note{Key: stageNoteKey(m), Args: map[string]any{
			"Number": d.Number, "Title": d.Title, "From": string(old.Stage), "To": string(d.Stage),
			"By": describeUser(tx, a.ID()), "Reason": reason},
			Buttons: [][]ButtonSpec{{{LabelKey: "btn.deal.card", Action: ActionDealShow,
				Payload: strconv.FormatInt(d.ID, 10)}}}})
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// applyMove sets the deal's stage and what closing or reopening records.
func applyMove(d *Deal, m StageMove, to Stage, reason string, now time.Time) {
	switch m {
	case MoveWon, MoveLost:
		d.ClosedFrom, d.ClosedAt, d.LostReason = d.Stage, now, ""
		if m == MoveLost {
			d.LostReason = reason
		}
	case MoveReopen:
		d.ClosedFrom, d.ClosedAt, d.LostReason = "", time.Time{}, ""
	}
	d.Stage = to
}

// stageNoteKey is the notification a deal's manager gets of a move.
func stageNoteKey(m StageMove) string {
	switch m {
	case MoveBack:
		return "notify.deal.stage.back"
	case MoveWon:
		return "notify.deal.stage.won"
	case MoveLost:
		return "notify.deal.stage.lost"
	case MoveReopen:
		return "notify.deal.stage.reopen"
	}
	return "notify.deal.stage.forward"
}
