package history

import (
	"slices"
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/cards"
	"github.com/dealdesk/dealdesk/core"
)

// cutField reads a field's name at the end of /history's argument
// («7707083893 счета», «D-2026-0001 сумма», «ромашка кпп»), by the longest
// name of up to three words that leaves a record before it.
func cutField(args string) (ref, field string, ok bool) {
	words := strings.Fields(args)
	entity := core.EntityClient
	if _, deal := core.ParseDealNumber(words[0]); deal {
		entity = core.EntityDeal
	}
	for n := min(maxFieldWords, len(words)-1); n >= 1; n-- {
		name := strings.Join(words[len(words)-n:], " ")
		if _, err := core.ParseHistoryField(entity, name); err == nil {
			return strings.Join(words[:len(words)-n], " "), name, true
		}
	}
	return "", "", false
}

// unknownField reads /history's argument as a record followed by a name
// that is no field of it («7707083893 сумма», «D-2026-0001 цвет»): it
// returns the refusal that names the record and lists its fields, the
// refusal of the deal's number when there is no such deal, or nil when the
// argument does not start with a deal's number or an INN of cards.
func unknownField(c *bot.Context, args string) error {
	words := strings.Fields(args)
	if len(words) < 2 {
		return nil
	}
	if _, ok := core.ParseDealNumber(words[0]); ok {
		d, err := c.Svc.FindDealByNumber(c.Ctx(), c.Actor(), words[0])
		if err != nil {
			return err
		}
		return unknownFieldOf(c, core.EntityDeal, d.Number+" "+core.QuoteName(d.Title), strings.Join(words[1:], " "))
	}
	if !cards.INNShaped(words[0]) {
		return nil // a name fragment: the words after it may be a part of the name
	}
	found, err := cards.LookupClients(c, words[0], pickMax*2)
	if err != nil {
		return nil
	}
	return unknownFieldOf(c, core.EntityClient, core.QuoteName(found[0].Name()+", "+found[0].INN),
		strings.Join(words[1:], " "))
}

// maxFieldWords is how many words a field's name has at most («окончание
// договора», «полное наименование»).
const maxFieldWords = 3

// unknownFieldOf refuses a field the record has no history of, listing
// the fields it has: those a correction changes and a deal's stage.
func unknownFieldOf(c *bot.Context, e core.Entity, label, field string) error {
	fields := core.FixFields[e]
	if e == core.EntityDeal {
		fields = append(slices.Clone(fields), "stage")
	}
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = fieldName(c, e, f)
	}
	return core.Errorf(core.EINVALID, "err.edit.field_unknown_in", "Entity", string(e), "Label", label,
		"Field", field, "Fields", strings.Join(names, ", "))
}

// fieldHistory shows the history of one field of a deal (by number) or of
// a card (by INN or a fragment of its name; several cards are offered as
// buttons).
func fieldHistory(c *bot.Context, ref, field string) error {
	if _, ok := core.ParseDealNumber(ref); ok {
		return showFieldPage(c, ref, field, core.HistoryCursor{})
	}
	found, err := cards.LookupClients(c, ref, pickMax*2)
	if err != nil {
		return err
	}
	picks := oneByINN(found)
	if len(picks) == 1 {
		return showFieldPage(c, picks[0].INN, field, core.HistoryCursor{})
	}
	rows := cards.ClientPicks(picks, pickMax, core.ActionHistoryShow, func(cl *core.Client) string {
		return cl.INN + " " + field
	})
	return c.Reply("msg.history.pick", bot.Args{"Query": ref}, rows...)
}

// showFieldPage shows the changes of a field before the cursor, as many
// as fit pageEntries and one message, oldest first, each with its number,
// who, when, old → new, the reason, the request, the correction (and who
// approved it) and the change it rolls back; «Откатить» under each change
// the user may roll back; «Ранее» when there are earlier ones.
func showFieldPage(c *bot.Context, ref, field string, cur core.HistoryCursor) error {
	fh, err := c.Svc.FieldHistory(c.Ctx(), c.Actor(), ref, field)
	if err != nil {
		return err
	}
	name := fieldName(c, fh.Entity, fh.Field)
	if len(fh.Changes) == 0 {
		return c.Reply("msg.history.field_none", bot.Args{"Field": name, "Title": fh.Title})
	}
	end := len(fh.Changes)
	if cur.ID != 0 {
		for end > 0 && !before(fh.Changes[end-1].Change, cur) {
			end--
		}
		if end == 0 {
			end = len(fh.Changes)
		}
	}
	r := &renderer{c: c, h: &core.History{Labels: fh.Labels}}
	title := c.T("msg.history.field_title", bot.Args{"Field": name, "Title": fh.Title, "Count": len(fh.Changes)})
	budget := bot.MaxTextLen - bot.TextLen(title)
	var texts []string
	var revert []bot.Button
	size, from := 0, end
	for from > 0 && len(texts) < pageEntries {
		fc := fh.Changes[from-1]
		t := r.fieldEntry(fh, fc)
		n := bot.TextLen(t) + 1
		if size+n > budget {
			if len(texts) > 0 {
				break
			}
			t = cut(t, budget-1)
			n = bot.TextLen(t) + 1
		}
		texts, size = append(texts, t), size+n
		if fc.Revertible && c.User.Can(core.PermCorrect) {
			revert = append([]bot.Button{{LabelKey: "btn.history.revert", Args: bot.Args{"ID": fc.ID},
				Action: core.ActionChangeRevert, Payload: itoa(fc.ID)}}, revert...)
		}
		from--
	}
	var b strings.Builder
	b.WriteString(title)
	for i := len(texts) - 1; i >= 0; i-- {
		b.WriteString("\n" + texts[i])
	}
	var rows [][]bot.Button
	for i := 0; i < len(revert); i += 2 {
		rows = append(rows, revert[i:min(i+2, len(revert))])
	}
	if from > 0 {
		first := fh.Changes[from].Change
		rows = append(rows, bot.Row(bot.Button{LabelKey: "btn.history.more", Action: core.ActionHistoryMore,
			Payload: core.HistoryCursor{At: first.At, ID: first.ID}.String() + " " + fh.Ref + " " + fh.Field}))
	}
	return c.Send(bot.Reply{Text: b.String(), Buttons: rows})
}

// before reports whether a change comes before the cursor.
func before(ch *core.Change, cur core.HistoryCursor) bool {
	if !ch.At.Equal(cur.At) {
		return ch.At.Before(cur.At)
	}
	return ch.ID < cur.ID
}

// fieldEntry renders one change of a field's history.
func (r *renderer) fieldEntry(fh *core.FieldHistory, fc *core.FieldChange) string {
	c := r.c
	ch := fc.Change
	what := r.change(&core.HistoryEntry{At: ch.At, Entity: ch.Entity, EntityID: ch.EntityID, Reason: ch.Reason,
		Changes: []*core.Change{ch}}, ch)
	if fc.Created {
		what = c.T("msg.history.created", bot.Args{"Fields": r.field(ch) + " " + r.value(ch, ch.New)})
	}
	var record string
	if len(fh.Labels[core.EntityClient]) > 1 {
		record = r.record(ch.Entity, ch.EntityID) // several cards: say whose change it is
	}
	reason := r.reason(&core.HistoryEntry{Reason: ch.Reason, Created: fc.Created})
	approver := ""
	if fc.ApprovedBy != 0 {
		approver = r.who(fc.ApprovedBy)
	}
	links := r.links(ch, approver)
	return c.T("msg.history.field_entry", bot.Args{"ID": ch.ID, "At": ch.At, "Who": r.who(ch.ActorID),
		"Record": record, "Change": what}) + reason + links
}

// fieldName is a field's name as the history shows it.
func fieldName(c *bot.Context, e core.Entity, field string) string {
	if key := "field." + string(e) + "." + field; c.P.Has(key) {
		return c.T(key, nil)
	}
	return field
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
