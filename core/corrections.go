package core

import (
	"context"
	"slices"
	"strconv"
	"strings"
)

// PlanCorrection checks a correction (/fix) without writing it, as
// PlanEdit checks an edit, for one who may correct (PermCorrect): any
// editable field and a card's INN, KPP and OGRN, under the same rules, and
// for the identity also the INN's checksum and length for the card's kind,
// the KPP's format and the OGRN's checksum; an INN and KPP that another
// card has, or an OGRN of another INN, are refused. A correction always
// needs a reason (NeedsReason).
func (s *Service) PlanCorrection(ctx context.Context, a Actor, r EditRequest) (*Edit, error) {
	if err := a.require(PermCorrect); err != nil {
		return nil, err
	}
	return s.plan(ctx, a, r, true)
}

// NeedsApproval reports whether a correction of the field waits for a
// second approval: a sensitive field (SensitiveFields) that has a value.
// Filling in what a record lacks (a card's first bank account, a director
// or KPP it has none of, a deal's amount it was opened without) corrects
// nothing and is written at once, audited. A rollback of a sensitive field
// always waits: putting back bank details or a signatory someone removed
// or replaced is a correction of them, whatever the field holds now.
func NeedsApproval(e *Edit, c *Client) bool {
	switch {
	case !IsSensitive(e.Entity, e.Field):
		return false
	case e.Reverts != 0:
		return true
	case e.Op == EditAdd:
		return c == nil || len(itemStrings(c, e.Field)) > 0
	case e.Op == EditSet || e.Op == "":
		return !emptyValue(e.Field, e.Old)
	}
	return true
}

// emptyValue reports whether a field's value, as the audit trail records
// it, is no value: "" or, for a field kept as a number (an amount, a
// person or a record by id), 0.
func emptyValue(field, v string) bool {
	if v == "" {
		return true
	}
	_, ref := RefEntity(field)
	return v == "0" && (ref || EditValueKind(field) == "money")
}

// needsApproval is NeedsApproval with the card read in tx.
func needsApproval(tx Tx, e *Edit) (bool, error) {
	var c *Client
	if e.Entity == EntityClient && e.Op == EditAdd {
		var err error
		if c, err = tx.ClientByID(e.ID); err != nil {
			return false, err
		}
	}
	return NeedsApproval(e, c), nil
}

// Correct makes a correction: a checked edit (PlanCorrection, PlanRevert)
// with its reason, which is required, and the request it answers, which
// must be open and about the record (checkRequest). The field's rules are checked again against the record as
// it is now; a correction that breaks one is refused with the rule and
// nothing changes. One that NeedsApproval is stored as a pending
// Correction: the approvers (WorkSettings.Approvers) are asked by buttons,
// and the requester and the record's manager are told that it waits.
// Any other is written at once, in the same transaction, as
// ApproveCorrection writes one. Either way the request gets a note and the
// correction's number.
func (s *Service) Correct(ctx context.Context, a Actor, e *Edit) (*Correction, error) {
	if err := a.require(PermCorrect); err != nil {
		return nil, err
	}
	e.Reason = strings.TrimSpace(e.Reason)
	switch {
	case e.Reason == "":
		return nil, Errorf(EINVALID, "err.fix.reason_required")
	case len([]rune(e.Reason)) > MaxReasonLen:
		return nil, Errorf(EINVALID, "err.edit.reason_too_long", "Max", MaxReasonLen)
	case !slices.Contains(FixFields[e.Entity], e.Field):
		return nil, Errorf(EINVALID, "err.edit.field_unknown", "Field", e.Field)
	}
	var corr *Correction
	err := s.update(ctx, func(tx Tx) error {
		if e.Entity == EntityDeal {
			d, err := tx.DealByID(e.ID)
			if err != nil {
				return err
			}
			if !canSeeDeal(a, d) {
				return Errorf(ENOTFOUND, "err.deal.not_found", "Number", d.Number)
			}
		}
		approval, err := needsApproval(tx, e)
		if err != nil {
			return err
		}
		if approval {
			corr, err = s.propose(tx, a, e)
			return err
		}
		if err := checkRequest(tx, e); err != nil {
			return err
		}
		if _, err := checkCorrection(tx, e); err != nil {
			return err
		}
		corr = &Correction{Edit: *e, Status: CorrectionApplied, ProposedBy: a.ID()}
		if err := tx.CreateCorrection(corr); err != nil {
			return err
		}
		return s.writeCorrection(tx, a, corr)
	})
	if err != nil {
		return nil, err
	}
	return corr, nil
}

// propose stores a correction that waits for approval, asks the approvers
// and tells the requester and the record's manager, in tx (one asked to
// approve it personally is not told again that it waits). It needs a
// reason: an approver decides on old → new and why.
func (s *Service) propose(tx Tx, a Actor, e *Edit) (*Correction, error) {
	if strings.TrimSpace(e.Reason) == "" {
		return nil, approvalReasonErr(tx)
	}
	if err := checkRequest(tx, e); err != nil {
		return nil, err
	}
	if _, err := checkCorrection(tx, e); err != nil {
		return nil, err
	}
	corr := &Correction{Edit: *e, Status: CorrectionPending, ProposedBy: a.ID()}
	if err := tx.CreateCorrection(corr); err != nil {
		return nil, err
	}
	if err := auditCorrection(tx, a, corr, "", e.Reason); err != nil {
		return nil, err
	}
	if err := s.noteRequest(tx, a, corr); err != nil {
		return nil, err
	}
	args := s.fixArgs(tx, corr)
	asked, personally, err := s.askApprovers(tx, corr, args)
	if err != nil {
		return nil, err
	}
	args["Asked"] = asked
	return corr, s.tellParties(tx, a, corr, "notify.fix.waiting", args, false, personally...)
}

// ApproveCorrection is an approver's «Одобрить»: one of the approving roles
// (or an admin), never the correction's author (four eyes). The
// correction is checked again: when it can no longer be applied — the
// field no longer has the value it was proposed against, its deal was
// closed, its card merged into another — it is marked CorrectionStale
// with why (its Note, see staleCorrection), nothing is written and its
// author, the requester and the manager are told; a rule it breaks now
// refuses it, and it stays pending.
// Otherwise it is written with its audit records (each carrying the
// reason, the request, the correction and the change it reverts) in one
// transaction, and its author, the requester and the manager are told.
// A correction decided already is ECONFLICT, so a button pressed twice
// acts once.
func (s *Service) ApproveCorrection(ctx context.Context, a Actor, id int64) (*Correction, error) {
	var corr *Correction
	err := s.update(ctx, func(tx Tx) (err error) {
		if corr, err = decidable(tx, a, id, true); err != nil {
			return err
		}
		if _, err := checkCorrection(tx, &corr.Edit); err != nil {
			key, _ := ErrorKey(err)
			why, ok := staleWhy[key]
			if !ok {
				return err
			}
			return s.staleCorrection(tx, a, corr, why)
		}
		return s.writeCorrection(tx, a, corr)
	})
	if err != nil {
		return nil, err
	}
	return corr, nil
}

// CorrectionWithdrawn is what became of a correction its own author
// rejected: withdrawn, not refused by an approver. It is the outcome the
// request's thread, the audit trail and the notices report; the
// correction itself is stored as CorrectionRejected, decided by its author
// (Withdrawn).
const CorrectionWithdrawn CorrectionStatus = "withdrawn"

// Withdrawn reports whether the correction was withdrawn by its author
// rather than rejected by an approver.
func (c *Correction) Withdrawn() bool {
	return c.Status == CorrectionRejected && c.DecidedBy != 0 && c.DecidedBy == c.ProposedBy
}

// Outcome is what became of the correction as people are told: its
// status, or CorrectionWithdrawn for one its author withdrew.
func (c *Correction) Outcome() CorrectionStatus {
	if c.Withdrawn() {
		return CorrectionWithdrawn
	}
	return c.Status
}

// RejectCorrection refuses a pending correction with a reason: an approver
// (not its author) rejects it, or its author withdraws it (Withdrawn). Its
// author (of a rejection), the requester and the manager are told which of
// the two it was, and why; the request gets a note, and the audit trail
// records the outcome (rejected or withdrawn) with the reason.
func (s *Service) RejectCorrection(ctx context.Context, a Actor, id int64, reason string) (*Correction, error) {
	reason = strings.TrimSpace(reason)
	if len([]rune(reason)) > MaxReasonLen {
		return nil, Errorf(EINVALID, "err.edit.reason_too_long", "Max", MaxReasonLen)
	}
	var corr *Correction
	err := s.update(ctx, func(tx Tx) (err error) {
		if corr, err = decidable(tx, a, id, false); err != nil {
			return err
		}
		switch {
		case reason == "" && corr.ProposedBy == a.ID():
			return Errorf(EINVALID, "err.fix.withdraw_reason")
		case reason == "":
			return Errorf(EINVALID, "err.fix.reject_reason")
		}
		if err := s.settle(tx, a, corr, CorrectionRejected, reason); err != nil {
			return err
		}
		args := s.fixArgs(tx, corr)
		args["Note"], args["DecidedBy"] = reason, describeUser(tx, a.ID())
		if corr.Withdrawn() {
			return s.tellParties(tx, a, corr, "notify.fix.withdrawn", args, false)
		}
		return s.tellParties(tx, a, corr, "notify.fix.rejected", args, true)
	})
	if err != nil {
		return nil, err
	}
	return corr, nil
}

// CheckDecision says, before a reason is asked, whether the actor may
// approve (approve true) or reject the correction now: nil, or why not.
func (s *Service) CheckDecision(ctx context.Context, a Actor, id int64, approve bool) (*Correction, error) {
	var corr *Correction
	err := s.view(ctx, func(tx Tx) (err error) {
		corr, err = decidable(tx, a, id, approve)
		return err
	})
	return corr, err
}

// decidable reads a pending correction the actor may decide: an approver
// who is not its author, or (to reject it) its author.
func decidable(tx Tx, a Actor, id int64, approve bool) (*Correction, error) {
	corr, err := tx.CorrectionByID(id)
	if err != nil {
		return nil, err
	}
	own := a.User != nil && a.ID() == corr.ProposedBy
	switch {
	case own && approve:
		roles, err := approvers(tx)
		if err != nil {
			return nil, err
		}
		return nil, Errorf(EFORBIDDEN, "err.fix.own", "ID", corr.ID, "Roles", roleCodes(roles))
	case !own:
		if err := mayApprove(tx, a); err != nil {
			return nil, err
		}
	}
	if corr.Status != CorrectionPending {
		return nil, Errorf(ECONFLICT, "err.fix.decided", "ID", corr.ID, "Status", string(corr.Outcome()),
			"By", describeUser(tx, corr.DecidedBy), "Why", corr.Note)
	}
	return corr, nil
}

// Why a correction went stale, its Note and the reason of its audit
// record: its field changed meanwhile, its deal was closed, its card was
// merged into another.
const (
	StaleChanged = "stale"
	StaleClosed  = "deal_closed"
	StaleMerged  = "card_merged"
)

// staleWhy maps the refusals of checkCorrection that leave a pending
// correction stale to why.
var staleWhy = map[string]string{"err.edit.stale": StaleChanged, "err.deal.closed": StaleClosed,
	"err.client.merged": StaleMerged}

// staleCorrection marks a correction that can no longer be applied, why
// (StaleChanged, StaleClosed, StaleMerged) as its Note and its audit
// record's reason, and tells what became of it, with what the field holds
// now or the card its card was merged into: its author (to propose it
// again if it is still needed), and the requester and the record's
// manager, who were told it waits (each once, and none of them the actor,
// who made it stale); nothing of the record is written.
func (s *Service) staleCorrection(tx Tx, a Actor, corr *Correction, why string) error {
	if err := s.settle(tx, a, corr, CorrectionStale, why); err != nil {
		return err
	}
	args := s.fixArgs(tx, corr)
	args["Why"], args["Now"] = why, s.currentValue(tx, &corr.Edit)
	if why == StaleMerged {
		if c, err := tx.ClientByID(corr.Edit.ID); err == nil {
			if into, err := tx.ClientByID(c.MergedInto); err == nil {
				args["Into"], args["IntoQuote"] = clientLabel(into), NeedsQuotes(into.Name())
			}
		}
	}
	if corr.ProposedBy != a.ID() && corr.ProposedBy != 0 {
		if err := s.notifyUser(tx, corr.ProposedBy, Note{Key: "notify.fix.stale", Args: args}); err != nil &&
			!IsNotFound(err) {
			return err
		}
	}
	return s.tellParties(tx, a, corr, "notify.fix.stale_party", args, false, corr.ProposedBy)
}

// staleCorrectionsOf marks stale (why) every correction of a record still
// waiting for approval, in tx: a card merged into another
// (MergeClients), a deal closed.
func (s *Service) staleCorrectionsOf(tx Tx, a Actor, e Entity, id int64, why string) error {
	cs, err := tx.PendingCorrections(e, id)
	if err != nil {
		return err
	}
	for _, corr := range cs {
		if err := s.staleCorrection(tx, a, corr, why); err != nil {
			return err
		}
	}
	return nil
}

// writeCorrection writes a correction checked in tx: the record, its audit
// records (each naming the reason, the request, the correction and the
// change it reverts; made by the correction's author, from the source of
// the message that writes it), the correction as applied, the request's
// note, and the notices.
func (s *Service) writeCorrection(tx Tx, by Actor, corr *Correction) error {
	e := &corr.Edit
	t, err := checkCorrection(tx, e)
	if err != nil {
		return err
	}
	author := by
	if corr.ProposedBy != by.ID() {
		u, err := tx.UserByID(corr.ProposedBy)
		if err != nil {
			return err
		}
		author = Actor{User: u, Source: by.Source}
		corr.DecidedBy, corr.DecidedAt = by.ID(), tx.Now()
	}
	var cs []*Change
	if t.deal != nil {
		if err := tx.UpdateDeal(t.newDeal); err != nil {
			return err
		}
		cs = diffDeal(t.deal, t.newDeal)
	} else {
		if err := tx.UpdateClient(t.newClient); err != nil {
			return err
		}
		cs = diffClient(t.client, t.newClient)
	}
	for _, c := range stamp(cs, author, e.Reason) {
		c.Request, c.Reverts, c.Correction = e.RequestID, e.Reverts, corr.ID
	}
	if err := tx.AddChanges(cs...); err != nil {
		return err
	}
	was := corr.Status
	corr.Status, corr.Changes = CorrectionApplied, nil
	for _, c := range cs {
		corr.Changes = append(corr.Changes, c.ID)
	}
	if err := tx.UpdateCorrection(corr); err != nil {
		return err
	}
	if was == CorrectionPending {
		if err := auditCorrection(tx, by, corr, CorrectionPending, "approved"); err != nil {
			return err
		}
	} else if err := auditCorrection(tx, by, corr, "", e.Reason); err != nil {
		return err
	}
	if err := s.noteRequest(tx, by, corr); err != nil {
		return err
	}
	return s.tellApplied(tx, by, corr, t)
}

// tellApplied tells of a correction written: a new manager and the one
// before as an edit tells them; the author (when someone else approved
// it), the requester and the record's manager with the values.
func (s *Service) tellApplied(tx Tx, by Actor, corr *Correction, t *corrTarget) error {
	args := s.fixArgs(tx, corr)
	if corr.DecidedBy != 0 {
		args["DecidedBy"] = describeUser(tx, corr.DecidedBy)
	}
	if corr.Edit.Field == FieldManager {
		var err error
		if t.deal != nil {
			err = s.tellDealEdit(tx, by, t.deal, t.newDeal, &corr.Edit)
		} else {
			err = s.tellClientEdit(tx, by, t.client, t.newClient, &corr.Edit)
		}
		if err != nil {
			return err
		}
		return s.tellParties(tx, by, corr, "notify.fix.applied", args, false, managerOf(t.deal, t.client),
			managerOf(t.newDeal, t.newClient))
	}
	return s.tellParties(tx, by, corr, "notify.fix.applied", args, true)
}

// managerOf is a deal's or card's manager.
func managerOf(d *Deal, c *Client) int64 {
	if d != nil {
		return d.ManagerID
	}
	if c != nil {
		return c.ManagerID
	}
	return 0
}

// tellParties writes a correction's notice to its author (when author),
// the requester of its request and the record's manager (parties), each
// once and none of them the actor; skip are people told already (asked to
// approve it personally, told of a new manager).
func (s *Service) tellParties(tx Tx, a Actor, corr *Correction, key string, args map[string]any, author bool,
	skip ...int64) error {
	var to []int64
	if author {
		to = append(to, corr.ProposedBy)
	}
	others, err := parties(tx, corr)
	if err != nil {
		return err
	}
	to = append(to, others...)
	told := map[int64]bool{0: true, a.ID(): true}
	for _, id := range skip {
		told[id] = true
	}
	for _, id := range to {
		if told[id] {
			continue
		}
		told[id] = true
		if err := s.notifyUser(tx, id, Note{Key: key, Args: args}); err != nil && !IsNotFound(err) {
			return err
		}
	}
	return nil
}

// parties are those who hear of a correction besides its author and its
// approvers: the requester of its request and the record's manager (0 for
// none).
func parties(tx Tx, corr *Correction) ([]int64, error) {
	var to []int64
	if corr.Edit.RequestID != 0 {
		if r, err := tx.RequestByID(corr.Edit.RequestID); err == nil {
			to = append(to, r.RequesterID)
		} else if !IsNotFound(err) {
			return nil, err
		}
	}
	return append(to, recordManager(tx, &corr.Edit)), nil
}

// recordManager is the manager of the correction's deal or card, 0 when
// none.
func recordManager(tx Tx, e *Edit) int64 {
	if e.Entity == EntityDeal {
		if d, err := tx.DealByID(e.ID); err == nil {
			return d.ManagerID
		}
		return 0
	}
	if c, err := tx.ClientByID(e.ID); err == nil {
		return c.ManagerID
	}
	return 0
}

// fixArgs are a correction's notification arguments: its number, the
// record (LabelArgs: the texts quote it in their language), the field and
// its values as noteValues gives them (people by name), the reason, the
// request, the change it reverts and its author.
func (s *Service) fixArgs(tx Tx, corr *Correction) map[string]any {
	e := &corr.Edit
	args := noteValues(e)
	if args["Kind"] == "user" {
		args["Old"], args["New"] = userValue(tx, e.Old), userValue(tx, e.New)
	}
	// Numbers go as text: a message's arguments come back from JSON as
	// floats, which a template prints as 1.2e+06.
	for k, v := range LabelArgs(e.Entity, e.Label) {
		args[k] = v
	}
	args["ID"], args["Entity"] = itoa64(corr.ID), string(e.Entity)
	args["Reason"], args["Request"], args["Reverts"] = e.Reason, idText(e.RequestID), idText(e.Reverts)
	args["By"] = describeUser(tx, corr.ProposedBy)
	return args
}

// userValue names the user a field's value holds, "" for none.
func userValue(tx Tx, v string) string {
	id, _ := strconv.ParseInt(v, 10, 64)
	if id == 0 {
		return ""
	}
	return describeUser(tx, id)
}

// CurrentValue is an edit's or a correction's field as its record has it
// now, in the form the audit trail records values (see Edit.Old): what a
// correction found stale is shown against. A deal the actor may not see
// is ENOTFOUND.
func (s *Service) CurrentValue(ctx context.Context, a Actor, e *Edit) (string, error) {
	var v string
	err := s.view(ctx, func(tx Tx) (err error) {
		if e.Entity == EntityDeal {
			d, err := tx.DealByID(e.ID)
			if err != nil {
				return err
			}
			if !canSeeDeal(a, d) {
				return Errorf(ENOTFOUND, "err.deal.not_found", "Number", d.Number)
			}
		}
		v, err = recordValue(tx, e)
		return err
	})
	return v, err
}

// recordValue is the edit's field as its record has it now (CurrentValue).
func recordValue(tx Tx, e *Edit) (string, error) {
	if e.Entity == EntityDeal {
		d, err := tx.DealByID(e.ID)
		if err != nil {
			return "", err
		}
		return DealEditValue(d, e.Field), nil
	}
	c, err := tx.ClientByID(e.ID)
	if err != nil {
		return "", err
	}
	return ClientEditValue(c, e.Field), nil
}

// currentValue is the correction's field as the record has it now, shown
// as a notification shows values.
func (s *Service) currentValue(tx Tx, e *Edit) any {
	v, _ := recordValue(tx, e) // a record gone shows as none
	switch EditValueKind(e.Field) {
	case "money":
		n, _ := strconv.ParseInt(v, 10, 64)
		return n
	case "user":
		return userValue(tx, v)
	}
	return v
}

// settle decides a pending correction without writing its edit: rejected
// (or withdrawn) with the reason, or stale with why; audited, and noted on
// its request.
func (s *Service) settle(tx Tx, a Actor, corr *Correction, status CorrectionStatus, note string) error {
	corr.Status, corr.DecidedBy, corr.DecidedAt, corr.Note = status, a.ID(), tx.Now(), note
	if err := tx.UpdateCorrection(corr); err != nil {
		return err
	}
	if err := auditCorrection(tx, a, corr, CorrectionPending, note); err != nil {
		return err
	}
	return s.noteRequest(tx, a, corr)
}

// noteRequest adds a note to the correction's request, naming its record
// unquoted (PlainLabel), and its number to the request's corrections,
// audited.
func (s *Service) noteRequest(tx Tx, a Actor, corr *Correction) error {
	if corr.Edit.RequestID == 0 {
		return nil
	}
	r, err := tx.RequestByID(corr.Edit.RequestID)
	if err != nil {
		return err
	}
	if !slices.Contains(r.Corrections, corr.ID) {
		r.Corrections = append(r.Corrections, corr.ID)
	}
	r.Messages = append(r.Messages, &RequestMessage{At: tx.Now(), UserID: a.ID(), Kind: RequestMsgCorrection,
		Text: PlainLabel(&corr.Edit), Correction: corr.ID, Outcome: corr.Outcome(), Why: corr.Note})
	if err := tx.UpdateRequest(r); err != nil {
		return err
	}
	return tx.AddChanges(stamp([]*Change{{Entity: EntityRequest, EntityID: r.ID, Field: RequestMsgCorrection,
		New: string(corr.Outcome()), Correction: corr.ID}}, a, "correction")...)
}

// auditCorrection records a correction's new status (its Outcome: a
// withdrawal as such).
func auditCorrection(tx Tx, a Actor, corr *Correction, old CorrectionStatus, reason string) error {
	return tx.AddChanges(stamp([]*Change{{Entity: EntityCorrection, EntityID: corr.ID, Field: "status",
		Old: string(old), New: string(corr.Outcome()), Request: corr.Edit.RequestID, Reverts: corr.Edit.Reverts,
		Correction: corr.ID}}, a, reason)...)
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// idText is a record's number as text, "" for none.
func idText(id int64) string {
	if id == 0 {
		return ""
	}
	return itoa64(id)
}

// CorrectionByID returns a correction to one who may see it (see
// Corrections).
func (s *Service) CorrectionByID(ctx context.Context, a Actor, id int64) (*Correction, error) {
	var corr *Correction
	err := s.view(ctx, func(tx Tx) (err error) {
		if corr, err = tx.CorrectionByID(id); err != nil {
			return err
		}
		if !mayListCorrection(tx, a, corr) {
			return Errorf(ENOTFOUND, "err.correction.not_found", "ID", id)
		}
		return nil
	})
	return corr, err
}

// PendingCorrectionsFor lists the corrections waiting for approval, oldest
// first: every one to those who correct or approve; to anyone else those
// they proposed, those of their requests and those of the records they
// lead.
func (s *Service) PendingCorrectionsFor(ctx context.Context, a Actor) ([]*Correction, error) {
	if err := a.require(PermViewClients); err != nil {
		return nil, err
	}
	var out []*Correction
	err := s.view(ctx, func(tx Tx) error {
		cs, err := tx.PendingCorrections("", 0)
		for _, c := range cs {
			if mayListCorrection(tx, a, c) {
				out = append(out, c)
			}
		}
		return err
	})
	return out, err
}

// mayListCorrection reports whether the actor may see a correction.
func mayListCorrection(tx Tx, a Actor, c *Correction) bool {
	if a.Can(PermCorrect) || mayApprove(tx, a) == nil || a.ID() == c.ProposedBy {
		return true
	}
	if c.Edit.RequestID != 0 {
		if r, err := tx.RequestByID(c.Edit.RequestID); err == nil && r.RequesterID == a.ID() {
			return true
		}
	}
	return a.ID() != 0 && recordManager(tx, &c.Edit) == a.ID()
}
