// Package history shows the change history of cards and deals.
package history

import (
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// Register registers the change history of cards and deals.
func Register(r *bot.Router) {
	r.Command("history", core.PermHistory, history)
	r.View(core.ActionHistoryShow, core.PermHistory, historyAction)
}

// historyMax is how many of the latest changes one reply shows.
const historyMax = 40

// history shows the audit trail of a client or deal: /history <INN or number>.
func history(c *bot.Context) error {
	ref := strings.TrimSpace(c.Update.Args)
	if ref == "" {
		return c.Reply("msg.history.usage", nil)
	}
	return showHistory(c, ref)
}

func historyAction(c *bot.Context) error { return showHistory(c, c.Button.Payload) }

func showHistory(c *bot.Context, ref string) error {
	h, err := c.Svc.FindHistory(c.Ctx(), c.Actor(), ref)
	if err != nil {
		return err
	}
	names, err := c.Svc.UserNames(c.Ctx())
	if err != nil {
		return err
	}
	changes := h.Changes
	var b strings.Builder
	b.WriteString(c.T("msg.history.title", bot.Args{"Title": h.Title, "Count": len(changes)}))
	if len(changes) > historyMax {
		b.WriteString("\n" + c.T("msg.history.more", bot.Args{"Count": len(changes) - historyMax}))
		changes = changes[len(changes)-historyMax:]
	}
	for i := 0; i < len(changes); i++ {
		ch := changes[i]
		who := names[ch.ActorID]
		if ch.ActorID == 0 {
			who = c.T("msg.history.system", nil)
		}
		ref := h.Labels[ch.Entity][ch.EntityID]
		if ref == "" {
			ref = "#" + strconv.FormatInt(ch.EntityID, 10)
		}
		args := bot.Args{"At": ch.At, "Who": who, "Entity": c.T("entity."+string(ch.Entity), nil), "Ref": ref}
		b.WriteString("\n")
		if ch.Reason == "created" {
			// A new record's fields are written one change each: show them as one line.
			var fields []string
			for ; i < len(changes) && sameCreation(changes[i], ch); i++ {
				fields = append(fields, fieldName(c, changes[i])+" "+value(c, changes[i], changes[i].New, h, names))
			}
			i--
			args["Fields"] = strings.Join(fields, "; ")
			b.WriteString(c.T("msg.history.created", args))
			continue
		}
		if key, card, ok := mergeLine(ch, h.Labels); ok {
			args["Card"] = card
			b.WriteString(c.T(key, args))
		} else {
			args["Field"], args["Old"], args["New"] = fieldName(c, ch), value(c, ch, ch.Old, h, names),
				value(c, ch, ch.New, h, names)
			b.WriteString(c.T("msg.history.line", args))
		}
		if reason := ch.Reason; reason != "" {
			if c.P.Has("reason." + reason) { // a reason the system gave, as a code
				reason = c.T("reason."+reason, nil)
			}
			b.WriteString(" " + c.T("msg.history.reason", bot.Args{"Reason": reason}))
		}
	}
	return c.Send(bot.Reply{Text: b.String()})
}

func sameCreation(a, b *core.Change) bool {
	return a.Reason == "created" && a.Entity == b.Entity && a.EntityID == b.EntityID && a.At.Equal(b.At)
}

func fieldName(c *bot.Context, ch *core.Change) string {
	key := "field." + string(ch.Entity) + "." + ch.Field
	if c.P.Has(key) {
		return c.T(key, nil)
	}
	return ch.Field
}

// mergeLine is the line of a merge on either card: the duplicate merged
// into this card, or this card merged into another, named by name and INN.
func mergeLine(ch *core.Change, labels map[core.Entity]map[int64]string) (key, card string, ok bool) {
	if ch.Entity != core.EntityClient || ch.Field != "merged" && ch.Field != "merged_into" {
		return "", "", false
	}
	_, id, ok := core.RefOf(ch.Field, ch.New)
	if !ok {
		return "", "", false // not a merge: a card taken out of one
	}
	card = labels[core.EntityClient][id]
	if card == "" {
		card = "#" + strconv.FormatInt(id, 10)
	}
	return "msg.history." + ch.Field, card, true
}

// value shows a value, with people's names for user ids and the names of
// the cards and numbers of the deals it refers to.
func value(c *bot.Context, ch *core.Change, v string, h *core.History, names map[int64]string) string {
	switch ch.Field {
	case "manager_id", "assignee_id", "created_by", "head_id":
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && names[id] != "" {
			return names[id]
		}
	}
	if _, ok := core.RefEntity(ch.Field); ok && (v == "" || v == "0") {
		return "—" // no record
	}
	if e, id, ok := core.RefOf(ch.Field, v); ok {
		if label := h.Labels[e][id]; label != "" {
			return label
		}
		return "#" + strconv.FormatInt(id, 10)
	}
	return fieldValue(c, ch, v)
}

// fieldValue shows a value in the user's words where it is a code.
func fieldValue(c *bot.Context, ch *core.Change, v string) string {
	if v == "" {
		return "—"
	}
	var key string
	switch ch.Field {
	case "stage":
		key = "stage." + v
	case "status":
		key = "task_status." + v
	case "role":
		key = "role." + v
	case "verification":
		key = "verification." + v
	case "kind":
		key = "kind." + v
	case "amount":
		n, _ := strconv.ParseInt(v, 10, 64)
		return c.P.Money(n)
	case "due", "signing_due", "payment_due", "contract_end", "done_at":
		return c.P.DateTime(v)
	}
	if key != "" && c.P.Has(key) {
		return c.T(key, nil)
	}
	return v
}
