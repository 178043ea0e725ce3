package history

import (
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// Events: the entries that are not edits of a field but steps of a request,
// of a correction or of a case discussion. They read as what happened
// («взято в работу», «отклонена — не подтверждено», «открыт кейс #1
// «Скидка 15%»»), not as a field's old → new.

// event renders an entry that is an event, after its head: what happened,
// with its reason where the event does not say it already and the
// request and the change it is linked to. ok is false for any other entry.
func (r *renderer) event(e *core.HistoryEntry) (string, bool) {
	switch e.Entity {
	case core.EntityRequest:
		return r.requestEvent(e), true
	case core.EntityCorrection:
		return r.correctionEvent(e)
	case core.EntityDeal, core.EntityClient:
		if len(e.Changes) == 1 && !e.Created {
			return r.caseEvent(e.Changes[0])
		}
	}
	return "", false
}

// requestSteps are the reasons of a request's steps: the step says them.
var requestSteps = map[string]bool{"created": true, "request_taken": true, "request_passed": true,
	"request_asked": true, "request_answered": true, "request_done": true, "correction": true, "taken": true}

// requestEvent says what an entry did to a request: filed it, took it,
// passed it, asked or answered, closed it, noted a correction made for it,
// moved its deadline.
func (r *renderer) requestEvent(e *core.HistoryEntry) string {
	c := r.c
	byField := map[string]*core.Change{}
	for _, ch := range e.Changes {
		if byField[ch.Field] == nil {
			byField[ch.Field] = ch
		}
	}
	if t := byField["type"]; e.Created && t != nil && t.Old == "" {
		// Filed: an intake's request made by the upgrade to schema 11 has
		// no such entry, its first is a later step.
		return r.requestCreated(e) + r.links(e.Changes[0], "")
	}
	status := byField["status"]
	closed := status != nil && (status.New == string(core.RequestDone) || status.New == string(core.RequestRejected))
	var parts []string
	if a := byField["assignee_id"]; a != nil && !closed {
		switch _, old, _ := core.RefOf(a.Field, a.Old); {
		case old == 0 && a.New == strconv.FormatInt(e.ActorID, 10) && byField["note"] == nil:
			parts = append(parts, c.T("msg.history.req.taken", nil))
		default:
			prev := ""
			if old != 0 {
				prev = r.value(a, a.Old)
			}
			parts = append(parts, c.T("msg.history.req.passed", bot.Args{"Old": prev, "New": r.value(a, a.New)}))
		}
	}
	for _, ch := range e.Changes {
		switch ch.Field {
		case "assignee_id":
			continue // said first
		case "status":
			switch {
			case closed:
				result := ""
				if res := byField["result"]; res != nil {
					result = cut(res.New, valueMax)
				}
				parts = append(parts, c.T("msg.history.req."+ch.New, bot.Args{"Text": result}))
				continue
			case ch.New == string(core.RequestInWork) && (byField["assignee_id"] != nil || byField["answer"] != nil),
				ch.New == string(core.RequestWaiting) && byField["question"] != nil:
				continue // taking, passing, answering or asking says it
			}
		case "result":
			if closed {
				continue
			}
		case "due":
			if status != nil {
				continue // the clock stopped, resumed or ended with the status
			}
		case "note":
			if byField["assignee_id"] != nil {
				continue // «→ name» of a pass
			}
			parts = append(parts, c.T("msg.history.req.note", bot.Args{"Text": cut(ch.New, valueMax)}))
			continue
		case core.RequestMsgQuestion, core.RequestMsgAnswer:
			parts = append(parts, c.T("msg.history.req."+ch.Field, bot.Args{"Text": cut(ch.New, valueMax)}))
			continue
		case core.RequestMsgCorrection:
			parts = append(parts, c.T("msg.history.req.correction", bot.Args{"ID": ch.Correction,
				"Outcome": r.fixStatus(ch.New)}))
			continue
		}
		parts = append(parts, r.change(e, ch))
	}
	s := strings.Join(parts, "; ")
	if !requestSteps[e.Reason] && !closed {
		s += r.reason(e)
	}
	return s
}

// requestCreated says what a request was filed for: its type, the deal or
// document it is about, its text, its files and when it is due.
func (r *renderer) requestCreated(e *core.HistoryEntry) string {
	args := bot.Args{}
	var files []string
	for _, ch := range e.Changes {
		switch ch.Field {
		case "type":
			args["Type"] = r.fieldValue(ch, ch.New)
		case "text":
			args["Text"] = cut(ch.New, valueMax)
		case "files":
			files = append(files, ch.New)
		case "due":
			args["Due"] = r.c.P.DateTime(ch.New)
		case "deal_id", "document_id":
			if _, _, ok := core.RefOf(ch.Field, ch.New); ok {
				args["About"] = r.value(ch, ch.New) // the document's, else the deal's
			}
		}
	}
	if len(files) > 0 {
		args["Files"] = cut(strings.Join(files, ", "), valueMax)
	}
	return r.c.T("msg.history.req.created", args)
}

// correctionEvent says what became of a correction: proposed (with the
// change it proposes and why), approved and applied, rejected or withdrawn
// (and why), or not applied (and why). ok is false for a change that is
// not of its status.
func (r *renderer) correctionEvent(e *core.HistoryEntry) (string, bool) {
	var parts []string
	showReason := false
	for _, ch := range e.Changes {
		if ch.Field != "status" {
			return "", false
		}
		var s string
		switch {
		case ch.Old == "" && ch.New == string(core.CorrectionPending):
			s = r.c.T("msg.history.fix.proposed", bot.Args{"Line": r.fixLine(ch.EntityID)})
			showReason = true
		case ch.Old != string(core.CorrectionPending):
			s = r.c.T("msg.history.change", bot.Args{"Field": r.field(ch), "Old": r.fixStatus(ch.Old),
				"New": r.fixStatus(ch.New)})
			showReason = true
		case ch.New == string(core.CorrectionApplied):
			s = r.c.T("msg.history.fix.approved", nil)
		case ch.New == string(core.CorrectionStale):
			why := ch.Reason
			if r.c.P.Has("reason." + why) {
				why = r.c.T("reason."+why, nil)
			}
			s = r.c.T("msg.history.fix.stale", bot.Args{"Why": why})
		case ch.New == string(core.CorrectionRejected) || ch.New == string(core.CorrectionWithdrawn):
			s = r.c.T("msg.history.fix."+ch.New, bot.Args{"Note": cut(ch.Reason, valueMax)})
		default:
			s = r.c.T("msg.history.change", bot.Args{"Field": r.field(ch), "Old": r.fixStatus(ch.Old),
				"New": r.fixStatus(ch.New)})
			showReason = true
		}
		parts = append(parts, s)
	}
	s := strings.Join(parts, "; ")
	if showReason {
		s += r.reason(e)
	}
	link := *e.Changes[0]
	link.Correction = 0 // the entry is the correction's own
	return s + r.links(&link, ""), true
}

// fixLine shows what a correction proposes: a field's old → new, or a
// card's list item to add, replace or remove; "" for a correction the
// history does not hold.
func (r *renderer) fixLine(id int64) string {
	corr := r.h.Corrections[id]
	if corr == nil {
		return ""
	}
	ed := &corr.Edit
	ch := &core.Change{Entity: ed.Entity, EntityID: ed.ID, Field: ed.Field, Old: ed.Old, New: ed.New}
	if op := listOp(ch); op != "" {
		return r.c.T("msg.history.fix."+ed.Field+"."+op, bot.Args{"Old": r.value(ch, ch.Old), "New": r.value(ch, ch.New)})
	}
	return r.c.T("msg.history.change", bot.Args{"Field": r.field(ch), "Old": r.value(ch, ch.Old),
		"New": r.value(ch, ch.New)})
}

// fixStatus names a correction's status (or what became of it) in the
// user's words.
func (r *renderer) fixStatus(s string) string {
	if s == "" {
		return "—"
	}
	if key := "fix.status." + s; r.c.P.Has(key) {
		return r.c.T(key, nil)
	}
	return s
}

// caseEvent says what a change of a deal or a card did in a case
// discussion: a case opened on it (New: the case's «#N topic»), closed
// with its resolution (Old: the case, New: the resolution), not opened
// after all (Old: the case), or a decision taken in it (New: the decision,
// the reason: the case). ok is false for any other change, and for a case
// its label does not name.
func (r *renderer) caseEvent(ch *core.Change) (string, bool) {
	var label, key string
	args := bot.Args{}
	switch {
	case ch.Field == "decision":
		label, key, args["Text"] = ch.Reason, "decision", cut(ch.New, valueMax)
	case ch.Field != "case":
	case ch.Old == "" && ch.New != "":
		label, key = ch.New, "opened"
	case ch.Old != "" && ch.New != "":
		label, key, args["Resolution"] = ch.Old, "closed", cut(ch.New, valueMax)
	case ch.Old != "":
		label, key = ch.Old, "not_opened"
	}
	id, topic, ok := caseOf(label)
	if !ok {
		return "", false
	}
	args["ID"], args["Topic"] = id, topic
	args["Quoted"] = core.QuoteName(topic) == topic // it has quotes of its own
	return r.c.T("msg.history.case."+key, args), true
}

// caseOf reads a case's label as the audit trail keeps it, «#1 Скидка
// 15%»: its number and topic.
func caseOf(label string) (id int64, topic string, ok bool) {
	num, topic, _ := strings.Cut(strings.TrimPrefix(label, "#"), " ")
	id, err := strconv.ParseInt(num, 10, 64)
	if !strings.HasPrefix(label, "#") || err != nil || id <= 0 {
		return 0, "", false
	}
	return id, strings.TrimSpace(topic), true
}
