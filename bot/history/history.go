// Package history shows the change history of cards and deals.
package history

import (
	"slices"
	"strings"
	"unicode/utf16"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/cards"
	"github.com/dealdesk/dealdesk/core"
)

// Register registers the change history of cards and deals.
func Register(r *bot.Router) {
	r.Command("history", core.PermHistory, history)
	r.View(core.ActionHistoryShow, core.PermHistory, historyAction)
	r.View(core.ActionHistoryMore, core.PermHistory, moreAction)
}

const (
	// pageEntries is how many entries one page shows at most.
	pageEntries = 10
	// pickMax is how many cards a name fragment offers at most.
	pickMax = 8
)

// history shows the audit trail of a deal (by number) or a client (by INN
// or a fragment of the name): /history <INN, number or name>.
func history(c *bot.Context) error {
	ref := strings.TrimSpace(c.Update.Args)
	if ref == "" {
		return c.Reply("msg.history.usage", nil)
	}
	if rec, field, ok := cutField(ref); ok {
		return fieldHistory(c, rec, field)
	}
	if _, ok := core.ParseDealNumber(ref); ok {
		return showPage(c, ref, core.HistoryCursor{})
	}
	found, err := cards.LookupClients(c, ref, pickMax*2)
	if code := core.ErrorCode(err); code == core.ENOTFOUND || code == core.EINVALID {
		// Nothing is named by all of it: a record followed by a field it
		// does not have is said to be so, rather than not found.
		if ferr := unknownField(c, ref); ferr != nil {
			return ferr
		}
		return err
	} else if err != nil {
		return err
	}
	picks := oneByINN(found)
	if len(picks) == 1 {
		return showPage(c, picks[0].INN, core.HistoryCursor{})
	}
	rows := cards.ClientPicks(picks, pickMax, core.ActionHistoryShow, func(cl *core.Client) string { return cl.INN })
	return c.Reply("msg.history.pick", bot.Args{"Query": ref}, rows...)
}

// oneByINN keeps the first card of each INN: a history is an INN's, its
// head office and branches together.
func oneByINN(cs []*core.Client) []*core.Client {
	var picks []*core.Client
	for _, cl := range cs {
		if !slices.ContainsFunc(picks, func(p *core.Client) bool { return p.INN == cl.INN }) {
			picks = append(picks, cl)
		}
	}
	return picks
}

// historyAction shows the latest page of a history: the «История» button
// of a card or a deal, or a card picked by name. A payload "<ref> <field>"
// asks for one field's history.
func historyAction(c *bot.Context) error {
	if ref, field, ok := strings.Cut(c.Button.Payload, " "); ok {
		return showFieldPage(c, ref, field, core.HistoryCursor{})
	}
	return showPage(c, c.Button.Payload, core.HistoryCursor{})
}

// moreAction shows the page before the one whose «Ранее» was pressed. The
// payload is the cursor of that page's first entry and the history's ref,
// and the field of a field's history.
func moreAction(c *bot.Context) error {
	parts := strings.SplitN(c.Button.Payload, " ", 3)
	cur, err := core.ParseHistoryCursor(parts[0])
	if err != nil || len(parts) < 2 {
		return core.Errorf(core.EINVALID, "err.button.expired")
	}
	if len(parts) == 3 {
		return showFieldPage(c, parts[1], parts[2], cur)
	}
	return showPage(c, parts[1], cur)
}

// showPage shows the entries before the cursor, newest page first: as many
// as fit pageEntries and one message, oldest first, with «Ранее» when
// there are earlier ones.
func showPage(c *bot.Context, ref string, cur core.HistoryCursor) error {
	h, err := c.Svc.FindHistory(c.Ctx(), c.Actor(), ref)
	if err != nil {
		return err
	}
	r := &renderer{c: c, h: h}
	end := h.Before(cur)
	if end == 0 {
		// Nothing the user may see is before the cursor any more (a deal
		// given to a colleague): the latest page.
		end = len(h.Entries)
	}
	// The longest header this page may get, so that the page fits under it.
	longest := c.T("msg.history.title", bot.Args{"Title": h.Title, "Count": len(h.Entries)}) +
		c.T("msg.history.shown", bot.Args{"From": end, "To": end})
	budget := bot.MaxTextLen - bot.TextLen(longest)
	var texts []string
	size := 0
	from := end
	for from > 0 && len(texts) < pageEntries {
		t := r.entry(h.Entries[from-1])
		n := bot.TextLen(t) + 1 // and its line break
		if size+n > budget {
			if len(texts) > 0 {
				break
			}
			t = cut(t, budget-1) // one entry longer than a message
			n = bot.TextLen(t) + 1
		}
		texts = append(texts, t)
		size += n
		from--
	}
	var b strings.Builder
	b.WriteString(header(c, h, from+1, end))
	for i := len(texts) - 1; i >= 0; i-- {
		b.WriteString("\n" + texts[i])
	}
	var rows [][]bot.Button
	if from > 0 {
		rows = append(rows, bot.Row(bot.Button{LabelKey: "btn.history.more", Action: core.ActionHistoryMore,
			Payload: h.Entries[from].Cursor().String() + " " + h.Ref}))
	}
	return c.Send(bot.Reply{Text: b.String(), Buttons: rows})
}

// header names the history, counts its entries and, when not all are
// shown, says which are: entries from..to, counted from the first.
func header(c *bot.Context, h *core.History, from, to int) string {
	s := c.T("msg.history.title", bot.Args{"Title": h.Title, "Count": len(h.Entries)})
	switch {
	case from == 1 && to == len(h.Entries):
	case from == to:
		s += c.T("msg.history.shown_one", bot.Args{"From": from})
	default:
		s += c.T("msg.history.shown", bot.Args{"From": from, "To": to})
	}
	return s
}

// cut shortens s to at most limit UTF-16 code units, ending with «…».
func cut(s string, limit int) string {
	if bot.TextLen(s) <= limit {
		return s
	}
	n := 0
	for i, r := range s {
		w := max(utf16.RuneLen(r), 1)
		if n+w > limit-1 {
			return s[:i] + "…"
		}
		n += w
	}
	return s
}
