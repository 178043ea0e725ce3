package documents

import (
	"slices"
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/cards"
	"github.com/dealdesk/dealdesk/core"
)

// card renders a document's card: number, kind and version, its deal and
// client, the status line, who asked and who works on it, the lawyer's
// remark, how it went out, its versions, its latest history and the next
// step.
func card(c *bot.Context, d *core.Document) string {
	var b strings.Builder
	b.WriteString(c.T("card.doc.title", bot.Args{"Number": d.Number, "Kind": kindName(c, d.Kind), "Version": versionOf(d)}))
	deal, err := c.Svc.DealByID(c.Ctx(), c.Actor(), d.DealID)
	var cl *core.Client
	if err == nil {
		client := ""
		if cl, err = c.Svc.ClientByID(c.Ctx(), c.Actor(), deal.ClientID); err == nil {
			client = cl.Name()
		}
		b.WriteString("\n" + c.T("card.doc.deal", bot.Args{"Deal": deal.Number, "Title": deal.Title, "Client": client}))
	}
	b.WriteString("\n" + statusLine(c, d))
	if deal != nil && deal.Stage.Closed() && workable(d) {
		b.WriteString("\n" + c.T("card.doc.deal_closed", bot.Args{"Stage": string(deal.Stage), "Number": d.Number,
			"Open": d.SendID == 0}))
	} else if line := staleLine(c, d, deal, cl); line != "" {
		b.WriteString("\n" + line)
	}
	b.WriteString("\n" + c.T("card.doc.requested", bot.Args{"By": userName(c, d.RequestedBy), "At": d.CreatedAt,
		"Comment": d.Comment}))
	if d.OfficerID != 0 {
		b.WriteString("\n" + c.T("card.doc.officer", bot.Args{"Name": userName(c, d.OfficerID)}))
	}
	if d.Remark != "" {
		b.WriteString("\n" + c.T("card.doc.remark", bot.Args{"Text": d.Remark,
			"Status": c.T("doc.status."+string(d.Status), nil)}))
	}
	if d.SentVersion != 0 {
		b.WriteString("\n" + c.T("card.doc.sent", bot.Args{"Channel": string(d.Channel), "To": d.SentTo,
			"Version": d.SentVersion}))
	}
	if d.SendID != 0 {
		b.WriteString("\n" + c.T("card.doc.sending", nil))
	}
	if d.Status == core.DocSendFailed && d.SendError != "" {
		text := d.SendError
		if c.P.Has(text) {
			text = c.T(text, nil) // the operator's error, as a locale key
		}
		b.WriteString("\n" + c.T("card.doc.send_error", bot.Args{"Text": text}))
	}
	if len(d.Versions) > 0 {
		b.WriteString("\n" + c.T("card.doc.versions", nil))
		for i := len(d.Versions) - 1; i >= 0 && i >= len(d.Versions)-maxVersionsShown; i-- {
			v := d.Versions[i]
			b.WriteString("\n" + c.T("card.doc.version", bot.Args{"N": v.N, "At": v.CreatedAt, "By": userName(c, v.CreatedBy),
				"PDF": v.PDF != nil, "NoPDF": v.NoPDF, "VAT": vatText(c, v.VAT), "Approved": d.Approved == v.N,
				"Overridden": len(v.Overridden) > 0, "Reason": v.Reason}))
		}
	}
	if deal != nil && c.User.Can(core.PermHistory) {
		if lines := historyLines(c, d, deal); len(lines) > 0 {
			b.WriteString("\n" + c.T("card.doc.history", nil))
			for _, l := range lines {
				b.WriteString("\n" + l)
			}
		}
	}
	b.WriteString("\n" + c.T("card.doc.next", bot.Args{"Text": nextStep(c, d, deal)}))
	return b.String()
}

// workable reports whether a document is still worked on before it goes
// out: asked for, a draft, on approval or approved, back for rework, or
// failed to send.
func workable(d *core.Document) bool {
	return slices.Contains([]core.DocStatus{core.DocRequested, core.DocDraft, core.DocRework, core.DocApproval,
		core.DocApproved, core.DocSendFailed}, d.Status) && !d.WaitsInEDO()
}

// staleLine warns that the deal or the client card changed after the
// current version was made, while the document has not gone out: the
// version no longer says what the deal does, and is made again.
func staleLine(c *bot.Context, d *core.Document, deal *core.Deal, cl *core.Client) string {
	cur := d.Current()
	if cur == nil || deal == nil || !workable(d) {
		return ""
	}
	dealChanged := deal.UpdatedAt.After(cur.CreatedAt)
	clientChanged := cl != nil && cl.UpdatedAt.After(cur.CreatedAt)
	if !dealChanged && !clientChanged {
		return ""
	}
	return c.T("card.doc.stale", bot.Args{"Version": cur.N, "Deal": dealChanged, "Client": clientChanged})
}

// dealClosed reports whether the document's deal is closed (won or lost):
// its documents are no longer produced, submitted or sent.
func dealClosed(c *bot.Context, d *core.Document) bool {
	deal, err := c.Svc.DealByID(c.Ctx(), c.Actor(), d.DealID)
	return err == nil && deal.Stage.Closed()
}

// maxVersionsShown and maxHistoryShown bound the card's lists.
const (
	maxVersionsShown = 5
	maxHistoryShown  = 12
)

func userName(c *bot.Context, id int64) string {
	if id == 0 {
		return c.T("msg.doc.nobody", nil)
	}
	if u, err := c.Svc.UserByID(c.Ctx(), id); err == nil {
		return u.Name
	}
	return "#" + strconv.FormatInt(id, 10)
}

// vatText is a rate in the user's words: «22 %», «без НДС».
func vatText(c *bot.Context, r core.VATRate) string {
	if r == core.VATNone {
		return c.T("doc.vat.none", nil)
	}
	return c.T("doc.vat.rate", bot.Args{"Rate": int(r)})
}

// statusLine renders a document's one status line, the current step in
// brackets: черновик → [на согласовании] → согласован → отправлен →
// доставлен → подписан → оригинал получен. Its steps follow the document:
// the approval steps where its kind is approved (or it was), the branch it
// took (на доработке, отклонён, отказ, не отправлен), and the signature
// steps only for a kind the client signs (a proposal or an invoice ends at
// доставлен).
func statusLine(c *bot.Context, d *core.Document) string {
	steps := statusPath(d, c.Svc.DocConfig().NeedsApproval(d.Kind))
	words := make([]string, len(steps))
	for i, st := range steps {
		words[i] = c.T("doc.status."+string(st), nil)
		if st == d.Status {
			words[i] = "[" + words[i] + "]"
		}
	}
	return strings.Join(words, " → ")
}

// statusPath is the steps of a document's status line, its current status
// among them.
func statusPath(d *core.Document, approval bool) []core.DocStatus {
	st := d.Status
	var path []core.DocStatus
	if st == core.DocRequested || st == core.DocCancelled && len(d.Versions) == 0 {
		path = append(path, core.DocRequested)
	}
	if st == core.DocCancelled {
		if len(d.Versions) > 0 {
			path = append(path, core.DocDraft)
		}
		return append(path, core.DocCancelled)
	}
	path = append(path, core.DocDraft)
	if approval || d.Approved != 0 || slices.Contains([]core.DocStatus{core.DocApproval, core.DocApproved,
		core.DocRework, core.DocRejected}, st) {
		path = append(path, core.DocApproval)
		switch st {
		case core.DocRework:
			path = append(path, core.DocRework)
		case core.DocRejected:
			return append(path, core.DocRejected)
		default:
			path = append(path, core.DocApproved)
		}
	}
	if st == core.DocSendFailed {
		path = append(path, core.DocSendFailed)
	} else {
		path = append(path, core.DocSent)
	}
	path = append(path, core.DocDelivered)
	switch st {
	case core.DocRefused:
		return append(path, core.DocRefused)
	case core.DocDisagreed:
		path = append(path, core.DocDisagreed)
	case core.DocSigned, core.DocOriginal:
		path = append(path, core.DocSigned)
	default:
		// A proposal or an invoice is not signed: its line ends at
		// «доставлен» unless the client signed it all the same (in EDO).
		if !d.Kind.NeedsSignature() {
			return path
		}
		path = append(path, core.DocSigned)
	}
	return append(path, core.DocOriginal)
}

// nextStep says what happens next to the document, and who does it; when
// it is to go to the client, which channels are not set up.
func nextStep(c *bot.Context, d *core.Document, deal *core.Deal) string {
	key := "doc.next." + string(d.Status)
	switch {
	case deal != nil && deal.Stage.Closed() && workable(d) && d.SendID == 0:
		key = "doc.next.deal_closed"
	case d.SendID != 0:
		key = "doc.next.sending"
	case d.Status == core.DocRequested && d.OfficerID != 0:
		key = "doc.next.requested_taken"
	case d.Status == core.DocDraft && c.Svc.DocConfig().NeedsApproval(d.Kind):
		key = "doc.next.draft_approval"
	case d.WaitsInEDO():
		key = "doc.next.edo_posted"
	}
	text := c.T(key, bot.Args{"Officer": userName(c, d.OfficerID)})
	if key == "doc.next.deal_closed" || !sendable(c, d) {
		return text
	}
	_, edo := c.Svc.EDOAvailable()
	mail := c.Svc.MailAvailable()
	if mail && edo {
		return text
	}
	if !mail && !edo && key != "doc.next.send_failed" {
		text = c.T("doc.next.paper_only", nil)
	}
	return text + c.T("doc.next.channels_off", bot.Args{"Mail": !mail, "EDO": !edo})
}

// buttons are the next steps of a document that the user may take.
func buttons(c *bot.Context, d *core.Document) [][]bot.Button {
	id := strconv.FormatInt(d.ID, 10)
	btn := func(key, action, payload string) bot.Button {
		return bot.Button{LabelKey: key, Action: action, Payload: payload}
	}
	var rows [][]bot.Button
	var row []bot.Button
	cur := d.Current()
	docs := c.User.Can(core.PermDocuments)
	closed := dealClosed(c, d)
	if docs && d.SendID == 0 && !closed {
		switch d.Status {
		case core.DocRequested:
			if d.OfficerID == 0 {
				row = append(row, btn("btn.doc.take", core.ActionDocTake, id))
			}
			row = append(row, btn("btn.doc.produce", core.ActionDocProduce, id))
		case core.DocDraft, core.DocRework:
			row = append(row, btn("btn.doc.produce_again", core.ActionDocProduce, id))
			if d.Status == core.DocDraft && c.Svc.DocConfig().NeedsApproval(d.Kind) {
				row = append(row, btn("btn.doc.submit", core.ActionDocSubmit, id))
			}
		case core.DocApproved:
			// A new version goes to the lawyer again; one posted to EDO
			// waits there and is not made again.
			if !d.WaitsInEDO() {
				row = append(row, btn("btn.doc.produce_again", core.ActionDocProduce, id))
			}
		}
	}
	if len(row) > 0 {
		rows, row = append(rows, row), nil
	}
	if c.User.Can(core.PermApprove) && d.Status == core.DocApproval && cur != nil {
		p := core.DocPayload(d.ID, cur.N)
		rows = append(rows, bot.Row(btn("btn.doc.approve", core.ActionDocApprove, p)),
			bot.Row(btn("btn.doc.rework", core.ActionDocRework, p), btn("btn.doc.reject", core.ActionDocReject, p)))
	}
	if docs && !closed && sendable(c, d) {
		if c.Svc.MailAvailable() && d.Status != core.DocSent {
			row = append(row, btn("btn.doc.send_email", core.ActionDocSend, id+".email"))
		}
		if _, ok := c.Svc.EDOAvailable(); ok {
			row = append(row, bot.Button{LabelKey: "btn.doc.send_edo", Args: bot.Args{"Operator": operator(c)},
				Action: core.ActionDocSend, Payload: id + ".edo"})
		}
	}
	if len(row) > 0 {
		rows, row = append(rows, row), nil
	}
	// Only what the client signs is signed on paper and its original kept.
	if mayMark(c, d) && d.Kind.NeedsSignature() {
		switch {
		case d.Status == core.DocSent || d.Status == core.DocDelivered || sendable(c, d) || d.WaitsInEDO():
			row = append(row, btn("btn.doc.paper_signed", core.ActionDocPaperSigned, id))
		case d.Status == core.DocSigned || d.Status == core.DocDisagreed:
			row = append(row, btn("btn.doc.original", core.ActionDocOriginal, id))
		}
	}
	if cur != nil {
		row = append(row, btn("btn.doc.files", core.ActionDocShow, id+".files"))
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	if work := cards.WorkButtons(c, core.EntityDocument, d.ID, false); len(work) > 0 {
		rows = append(rows, work)
	}
	return rows
}

// sendable reports whether the document's current version may go to the
// client now (core's rule: approved where its kind needs it, no send under
// way, not waiting in EDO as a draft).
func sendable(c *bot.Context, d *core.Document) bool { return c.Svc.CheckSendable(d) == nil }

// mayMark reports whether the user may record what happened on paper: who
// produces documents, and the deal's manager.
func mayMark(c *bot.Context, d *core.Document) bool {
	if c.User.Can(core.PermDocuments) {
		return true
	}
	if !c.User.Can(core.PermEditDeals) {
		return false
	}
	deal, err := c.Svc.DealByID(c.Ctx(), c.Actor(), d.DealID)
	return err == nil && deal.ManagerID == c.User.ID
}

// historyLines are the latest entries of a document's history: when, who,
// and what changed in the words of the status line.
func historyLines(c *bot.Context, d *core.Document, deal *core.Deal) []string {
	h, err := c.Svc.FindHistory(c.Ctx(), c.Actor(), deal.Number)
	if err != nil {
		return nil
	}
	var lines []string
	for _, e := range h.Entries {
		if e.Entity != core.EntityDocument || e.EntityID != d.ID {
			continue
		}
		what := entryText(c, h, e)
		if what == "" {
			continue
		}
		who := c.T("msg.doc.system", nil)
		if e.ActorID != 0 {
			if name, ok := h.Labels[core.EntityUser][e.ActorID]; ok {
				who = name
			} else {
				who = userName(c, e.ActorID)
			}
		}
		reason := ""
		if e.Reason != "" && !c.P.Has("reason."+e.Reason) {
			reason = e.Reason // a person's words: a comment, an override's reason
		}
		lines = append(lines, c.T("card.doc.history_line", bot.Args{"At": e.At, "Who": who, "What": what, "Reason": reason}))
	}
	if len(lines) > maxHistoryShown {
		lines = lines[len(lines)-maxHistoryShown:]
	}
	return lines
}

// entryText says what an entry of a document's history did.
func entryText(c *bot.Context, h *core.History, e *core.HistoryEntry) string {
	var parts []string
	for _, ch := range e.Changes {
		switch ch.Field {
		case "status":
			parts = append(parts, c.T("doc.status."+ch.New, nil))
		case "version":
			parts = append(parts, c.T("card.doc.history_version", bot.Args{"N": ch.New}))
		case "officer_id":
			id, err := strconv.ParseInt(ch.New, 10, 64)
			switch {
			case err != nil || id == 0:
			case id == e.ActorID:
				parts = append(parts, c.T("card.doc.history_took", nil))
			default:
				name := h.Labels[core.EntityUser][id]
				if name == "" {
					name = userName(c, id)
				}
				parts = append(parts, c.T("card.doc.history_officer", bot.Args{"Name": name}))
			}
		case "send":
			// "email: a@b.ru" or "edo: <box id>"
			channel, to, _ := strings.Cut(ch.New, ": ")
			if core.DocChannel(channel) == core.ChannelEDO {
				to = "" // a box id: the card names the recipient elsewhere
			}
			parts = append(parts, c.T("card.doc.history_send", bot.Args{"Channel": channel, "To": to}))
		case "overridden":
			parts = append(parts, c.T("card.doc.history_overridden", nil))
		case "vat":
			rate := ch.New + " %"
			if ch.New == core.VATNone.Code() {
				rate = c.T("doc.vat.none", nil)
			}
			parts = append(parts, c.T("card.doc.history_vat", bot.Args{"Rate": rate}))
		}
	}
	return strings.Join(parts, ", ")
}
