package bot

import (
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/core"
)

// history shows the audit trail of a client or deal: /history <INN or number>.
func history(c *Context) error {
	ref := strings.TrimSpace(c.Update.Args)
	if ref == "" {
		return c.Reply("msg.history.usage", nil)
	}
	return c.showHistory(ref)
}

func historyAction(c *Context) error { return c.showHistory(c.Button.Payload) }

// historyMax is how many of the latest changes one reply shows.
const historyMax = 40

func (c *Context) showHistory(ref string) error {
	h, err := c.Svc.FindHistory(c.ctx, c.Actor(), ref)
	if err != nil {
		return err
	}
	names, err := c.Svc.UserNames(c.ctx)
	if err != nil {
		return err
	}
	changes := h.Changes
	var b strings.Builder
	b.WriteString(c.T("msg.history.title", Args{"Title": h.Title, "Count": len(changes)}))
	if len(changes) > historyMax {
		b.WriteString("\n" + c.T("msg.history.more", Args{"Count": len(changes) - historyMax}))
		changes = changes[len(changes)-historyMax:]
	}
	for _, ch := range changes {
		who := names[ch.ActorID]
		if ch.ActorID == 0 {
			who = c.T("msg.history.system", nil)
		}
		b.WriteString("\n")
		b.WriteString(c.T("msg.history.line", Args{"At": ch.At, "Who": who,
			"Entity": c.T("entity."+string(ch.Entity), nil), "ID": ch.EntityID,
			"Field": c.fieldName(ch), "Old": c.fieldValue(ch, ch.Old), "New": c.fieldValue(ch, ch.New)}))
		if ch.Reason != "" && ch.Reason != "created" {
			b.WriteString(" " + c.T("msg.history.reason", Args{"Reason": ch.Reason}))
		}
	}
	return c.Send(Reply{Text: b.String()})
}

func (c *Context) fieldName(ch *core.Change) string {
	key := "field." + string(ch.Entity) + "." + ch.Field
	if c.P.Has(key) {
		return c.T(key, nil)
	}
	return ch.Field
}

// fieldValue shows a value in the user's words where it is a code.
func (c *Context) fieldValue(ch *core.Change, v string) string {
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
