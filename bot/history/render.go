package history

import (
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// valueMax is how many characters of a value an entry shows: a long text
// (a task's result, a card's accounts) is cut, so that entries stay short
// enough for a page of them to fit a message.
const valueMax = 300

// renderer renders a history's entries in the user's language, naming
// records and people instead of their ids.
type renderer struct {
	c *bot.Context
	h *core.History
}

// entry renders one entry: its time, author and record with the reason,
// then what it changed: on the same line when it is one change or the
// record's creation, else one line per field.
func (r *renderer) entry(e *core.HistoryEntry) string {
	c := r.c
	s := c.T("msg.history.head", bot.Args{"At": e.At, "Who": r.who(e.ActorID),
		"Entity": c.T("entity."+string(e.Entity), nil), "Ref": r.record(e.Entity, e.EntityID)})
	if ev, ok := r.event(e); ok {
		return s + " · " + ev
	}
	reason := r.reason(e) + r.links(e.Changes[0], "")
	switch {
	case e.Created:
		var fields []string
		for _, ch := range e.Changes {
			fields = append(fields, r.field(ch)+" "+r.value(ch, ch.New))
		}
		return s + " · " + c.T("msg.history.created", bot.Args{"Fields": strings.Join(fields, "; ")}) + reason
	case len(e.Changes) == 1:
		return s + " · " + r.change(e, e.Changes[0]) + reason
	}
	var b strings.Builder
	b.WriteString(s + reason)
	for _, ch := range e.Changes {
		b.WriteString("\n" + c.T("msg.history.item", bot.Args{"Change": r.change(e, ch)}))
	}
	return b.String()
}

// reason is the entry's reason in the user's words, after a space; none
// for a plain creation. A reason DealDesk gives is a key; one a user typed
// shows as typed.
func (r *renderer) reason(e *core.HistoryEntry) string {
	reason := e.Reason
	if reason == "" || e.Created && reason == "created" {
		return ""
	}
	if r.c.P.Has("reason." + reason) {
		reason = r.c.T("reason."+reason, nil)
	}
	return " " + r.c.T("msg.history.reason", bot.Args{"Reason": cut(reason, valueMax)})
}

// links names what a change was made for and by: the request it answers,
// the correction that made it (and who approved it, when approver is
// set), the change it rolls back; each after « · ».
func (r *renderer) links(ch *core.Change, approver string) string {
	var s string
	if ch.Request != 0 {
		s += " · " + r.c.T("msg.history.request", bot.Args{"ID": ch.Request})
	}
	if ch.Correction != 0 {
		s += " · " + r.c.T("msg.history.correction", bot.Args{"ID": ch.Correction, "Approver": approver})
	}
	if ch.Reverts != 0 {
		s += " · " + r.c.T("msg.history.reverts", bot.Args{"ID": ch.Reverts})
	}
	return s
}

// change renders one changed field of the entry: old → new, a merge
// naming the card, one item of a card's list added, changed or removed, or
// a document's sending.
func (r *renderer) change(e *core.HistoryEntry, ch *core.Change) string {
	if ch.Entity == core.EntityClient && (ch.Field == "merged" || ch.Field == "merged_into") {
		if _, id, ok := core.RefOf(ch.Field, ch.New); ok {
			return r.c.T("msg.history."+ch.Field, bot.Args{"Card": r.record(core.EntityClient, id)})
		}
	}
	if ch.Entity == core.EntityDocument {
		switch ch.Field {
		case "send":
			// Asked to send: "email: a@b.ru, c@d.ru" or "edo: <the box's
			// id>". A box's id means nothing to a person: its title comes
			// as the recipient once the draft is posted.
			channel, to, _ := strings.Cut(ch.New, ": ")
			if core.DocChannel(channel) == core.ChannelEDO {
				to = ""
			}
			return r.c.T("msg.history.doc.send", bot.Args{"Channel": channel, "To": cut(to, valueMax)})
		case "edo_message_id":
			return r.c.T("msg.history.change", bot.Args{"Field": r.field(ch), "Old": r.edoDocument(e, ch.Old, false),
				"New": r.edoDocument(e, ch.New, true)})
		}
	}
	if op := listOp(ch); op != "" {
		return r.c.T("msg.history."+ch.Field+"."+op, bot.Args{"Old": r.value(ch, ch.Old), "New": r.value(ch, ch.New)})
	}
	return r.c.T("msg.history.change", bot.Args{"Field": r.field(ch), "Old": r.value(ch, ch.Old),
		"New": r.value(ch, ch.New)})
}

// listOp says what a change of a card's list did to its item: the audit
// trail writes one change per item (core's diff.list), from "" when it was
// added, to "" when it was removed, old → new when it changed. It is ""
// for any other field.
func listOp(ch *core.Change) string {
	if ch.Entity != core.EntityClient || ch.Field != core.FieldContacts && ch.Field != core.FieldAccounts {
		return ""
	}
	switch {
	case ch.Old == "" && ch.New == "":
		return ""
	case ch.Old == "":
		return "add"
	case ch.New == "":
		return "remove"
	}
	return "change"
}

// who names an entry's author.
func (r *renderer) who(id int64) string {
	if id == 0 {
		return r.c.T("msg.history.system", nil)
	}
	return r.record(core.EntityUser, id)
}

// record names a record or a person as people know them. One the user may
// not see (a colleague's deal) is said to be hidden, never shown by id.
func (r *renderer) record(e core.Entity, id int64) string {
	if label, ok := r.h.Labels[e][id]; ok {
		return label
	}
	if e == core.EntityUser {
		return r.c.T("msg.history.unknown_user", nil)
	}
	return r.c.T("msg.history.hidden", nil)
}

func (r *renderer) field(ch *core.Change) string {
	key := "field." + string(ch.Entity) + "." + ch.Field
	if r.c.P.Has(key) {
		return r.c.T(key, nil)
	}
	return ch.Field
}

// value shows a value: the names of the people, cards and deals it refers
// to by id, the user's words for codes, amounts and dates in the user's
// forms; a long text is cut.
func (r *renderer) value(ch *core.Change, v string) string {
	if _, ok := core.RefEntity(ch.Field); ok {
		if e, id, ok := core.RefOf(ch.Field, v); ok {
			return r.record(e, id)
		}
		if v == "" || v == "0" {
			return "—" // no record, no one
		}
	}
	return cut(r.fieldValue(ch, v), valueMax)
}

// edoDocument says what an EDO operator's document id stood for, instead
// of the id: the draft DealDesk posted (the entry posting it), or the
// letter a person signed and sent from the draft (the operator's event
// that followed the draft to it; isNew), or, replaced by a new posting, the
// letter of an earlier one.
func (r *renderer) edoDocument(e *core.HistoryEntry, id string, isNew bool) string {
	posting := e.Reason == "edo_posted"
	switch {
	case id == "":
		return "—"
	case posting == isNew:
		return r.c.T("msg.history.doc.edo_draft", nil)
	}
	return r.c.T("msg.history.doc.edo_letter", nil)
}

// fieldValue shows a value in the user's words where it is a code.
func (r *renderer) fieldValue(ch *core.Change, v string) string {
	c := r.c
	if v == "" {
		return "—"
	}
	if ch.Entity == core.EntityDocument {
		if s, ok := r.docValue(ch, v); ok {
			return s
		}
	}
	var key string
	switch ch.Field {
	case "stage":
		key = "stage." + v
	case "status":
		key = "task_status." + v
		switch ch.Entity {
		case core.EntityDocument:
			key = "doc.status." + v
		case core.EntityReminder:
			key = "reminder.status." + v
		case core.EntityRequest:
			key = "request.status." + v
		}
	case "type":
		if ch.Entity == core.EntityRequest {
			key = "request.type." + v
		}
	case core.RequestMsgCorrection:
		if ch.Entity == core.EntityRequest {
			key = "fix.status." + v
		}
	case "channel":
		key = "doc.channel." + v
	case "role":
		key = "role." + v
	case "verification":
		key = "verification." + v
	case "company_status":
		key = "company." + v
	case "kind":
		key = "kind." + v
	case "amount":
		n, err := strconv.ParseInt(v, 10, 64)
		switch {
		case err != nil:
			return v
		case n == 0:
			return "—" // no amount given: a deal's amount is never 0
		}
		return c.P.Money(n)
	case "due", "signing_due", "payment_due", "contract_end", "done_at":
		return c.P.DateTime(v)
	case "payments":
		return r.payment(v)
	case "leads":
		return r.leads(v)
	case "muted":
		key = "reminder.name." + v
	case "quiet_hours":
		return strings.Replace(v, "-", "–", 1)
	case "override", "active":
		if b, err := strconv.ParseBool(v); err == nil && b {
			key = "msg.history.yes"
		} else if err == nil {
			key = "msg.history.no"
		}
	}
	if key != "" && c.P.Has(key) {
		return c.T(key, nil)
	}
	return v
}

// docValue shows a document's value in the user's words where it is a
// number of a version, a VAT rate's code, the check's warnings or an error's
// locale key; ok is false for the values shown as any other.
func (r *renderer) docValue(ch *core.Change, v string) (string, bool) {
	c := r.c
	switch ch.Field {
	case "version", "approved", "sent_version":
		if v == "0" {
			return "—", true // no version yet, none approved or sent
		}
	case "vat":
		if v == core.VATNone.Code() {
			return c.T("doc.vat.none", nil), true
		}
		if _, err := strconv.Atoi(v); err == nil {
			return v + " %", true // the field says it is VAT
		}
	case "overridden":
		// The warnings of the check before producing, by their ids:
		// "never_verified, requisite:client.kpp".
		var out []string
		for _, id := range strings.Split(v, ", ") {
			out = append(out, r.warning(id))
		}
		return strings.Join(out, "; "), true
	case "send_error":
		// The mail server's words, or the locale key of the operator's
		// error.
		if strings.Contains(v, ".") && !strings.Contains(v, " ") && c.P.Has(v) {
			return c.T(v, nil), true
		}
	}
	return "", false
}

// warning says a warning of the check before producing by its id: the
// issue's code and the field it is about, "requisite:client.kpp".
func (r *renderer) warning(id string) string {
	code, field, _ := strings.Cut(id, ":")
	key := "doc.issue." + code
	if !r.c.P.Has(key) {
		return id
	}
	name := field
	if f, ok := core.DocFieldByName(field); ok && r.c.P.Has(f.Key()) {
		name = r.c.T(f.Key(), nil)
	}
	// The id keeps no value: a text that would show one ends at its colon.
	return strings.TrimRight(r.c.T(key, bot.Args{"Field": name}), ": ")
}

// payment shows one payment of a deal's schedule as the audit trail keeps
// it ("2026-12-15T15:00:00Z 150000000": its date and amount in kopecks) in
// the user's forms.
func (r *renderer) payment(v string) string {
	due, amount, ok := strings.Cut(v, " ")
	n, err := strconv.ParseInt(amount, 10, 64)
	if !ok || err != nil || r.c.P.Date(due) == "" {
		return v
	}
	return r.c.T("msg.history.payment", bot.Args{"Date": r.c.P.Date(due), "Amount": r.c.P.Money(n)})
}

// leads shows the lead days of key-date reminders as the audit trail
// keeps them ("payment 7,1,0; signing 7,1") in the user's words: «оплата:
// за 7, 1, 0 дн.; подписание: за 7, 1 дн.».
func (r *renderer) leads(v string) string {
	var out []string
	for _, part := range strings.Split(v, "; ") {
		kind, days, _ := strings.Cut(part, " ")
		name := kind
		if key := "reminder.name." + kind; r.c.P.Has(key) {
			name = r.c.T(key, nil)
		}
		text := r.c.T("msg.leads.never", nil)
		if days != "" {
			text = r.c.T("msg.history.days", bot.Args{"Days": strings.ReplaceAll(days, ",", ", ")})
		}
		out = append(out, r.c.T("msg.history.lead", bot.Args{"Kind": name, "Days": text}))
	}
	return strings.Join(out, "; ")
}
