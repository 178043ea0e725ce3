// Package documents is the chat side of documents: a manager asks for a
// КП, contract, supplementary agreement or invoice of a deal; an officer
// takes the request, produces it from the kind's template (the check before
// producing shown first), gets its DOCX and PDF, submits it to the lawyers,
// who decide by buttons, and sends it by e-mail or to EDO; the paper
// signature and the original are recorded by buttons; every document's card
// shows its status line, versions, history and next step. Admins add
// templates by sending a .docx.
package documents

import (
	"path"
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// Register registers documents: /doc, /docs, /templates, /template, the
// document buttons and their dialogs, and a .docx an admin sends on its
// own.
func Register(r *bot.Router) {
	r.Command("doc", core.PermViewDeals, doc)
	r.Variant("doc", "request", core.PermEditDeals)
	r.Variant("doc", "запрос", core.PermEditDeals)
	r.Command("docs", core.PermViewDeals, docs)
	r.Command("templates", core.PermViewDeals, templates)
	r.Command("template", core.PermAdmin, addTemplate)

	r.View(core.ActionDocRequest, core.PermEditDeals, requestAction)
	r.View(core.ActionDocShow, core.PermViewDeals, showAction)
	r.Action(core.ActionDocTake, core.PermDocuments, takeAction)
	r.Action(core.ActionDocProduce, core.PermDocuments, produceAction)
	r.Action(core.ActionDocSubmit, core.PermDocuments, submitAction)
	r.Action(core.ActionDocApprove, core.PermApprove, approveAction)
	r.Action(core.ActionDocRework, core.PermApprove, decideAction(core.DecisionRework))
	r.Action(core.ActionDocReject, core.PermApprove, decideAction(core.DecisionReject))
	r.View(core.ActionDocSend, core.PermDocuments, sendAction)
	r.Action(core.ActionDocPaperSigned, core.PermViewDeals, paperSignedAction)
	r.Action(core.ActionDocOriginal, core.PermViewDeals, originalAction)

	r.Flow(requestFlow())
	r.Flow(overrideFlow())
	r.Flow(decideFlow())
	r.Flow(emailFlow())
	r.Flow(edoFlow())
	r.Flow(templateKindFlow())
	r.Flow(previewFlow())
	r.Text(core.PermAdmin, sentTemplate)
}

// doc is /doc: /doc request <deal> <kind> [comment] asks for a document,
// /doc <number> [version] shows one (with a version: its files), /doc
// <deal> lists a deal's documents, /doc cancel <number> <reason> withdraws
// one that has not gone out, /doc vat <number> <rate> sets its VAT rate.
func doc(c *bot.Context) error {
	arg := strings.TrimSpace(c.Update.Args)
	if arg == "" {
		return c.Reply("msg.doc.usage", nil)
	}
	first, rest := bot.FirstWord(arg)
	switch strings.ToLower(first) {
	case "request", "запрос", "запросить":
		return request(c, rest)
	case "cancel", "отменить", "отмена":
		return cancelDoc(c, rest)
	case "vat", "ндс":
		return setVAT(c, rest)
	}
	if _, _, _, _, ok := core.ParseDocNumber(first); ok {
		d, err := c.Svc.DocumentByNumber(c.Ctx(), c.Actor(), first)
		if err != nil {
			return err
		}
		if rest != "" {
			n, err := parseVersion(rest)
			if err != nil {
				return err
			}
			return sendVersion(c, d, n)
		}
		return showDoc(c, d)
	}
	if _, ok := core.ParseDealNumber(first); ok {
		return listDocs(c, first)
	}
	return core.Errorf(core.EINVALID, "err.doc.number_format", "Number", first)
}

// parseVersion reads a version as typed: 2, v2, в2, версия 2.
func parseVersion(s string) (int, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	for _, p := range []string{"version", "версия", "v", "в"} {
		t = strings.TrimSpace(strings.TrimPrefix(t, p))
	}
	n, err := strconv.Atoi(t)
	if err != nil || n <= 0 {
		return 0, core.Errorf(core.EINVALID, "err.doc.version_format", "Text", strings.TrimSpace(s))
	}
	return n, nil
}

// docs is /docs <deal>: the deal's documents with their status lines.
func docs(c *bot.Context) error {
	arg := strings.TrimSpace(c.Update.Args)
	if arg == "" {
		return c.Reply("msg.docs.usage", nil)
	}
	return listDocs(c, arg)
}

// maxListButtons is how many documents of a list get a button.
const maxListButtons = 8

func listDocs(c *bot.Context, number string) error {
	deal, err := c.Svc.FindDealByNumber(c.Ctx(), c.Actor(), number)
	if err != nil {
		return err
	}
	ds, err := c.Svc.Documents(c.Ctx(), c.Actor(), deal.ID)
	if err != nil {
		return err
	}
	var rows [][]bot.Button
	if c.User.Can(core.PermEditDeals) && !deal.Stage.Closed() {
		rows = append(rows, bot.Row(requestButton(deal)))
	}
	if len(ds) == 0 {
		return c.Reply("msg.docs.none", bot.Args{"Deal": deal.Number, "Title": deal.Title}, rows...)
	}
	var b strings.Builder
	b.WriteString(c.T("msg.docs.title", bot.Args{"Deal": deal.Number, "Title": deal.Title, "Count": len(ds)}))
	var open [][]bot.Button
	for i := len(ds) - 1; i >= 0; i-- { // the newest first
		d := ds[i]
		b.WriteString("\n\n" + c.T("msg.docs.line", bot.Args{"Number": d.Number, "Kind": kindName(c, d.Kind),
			"Version": versionOf(d)}))
		b.WriteString("\n" + statusLine(c, d))
		if len(open) < maxListButtons {
			open = append(open, bot.Row(bot.Button{LabelKey: "btn.doc.open", Args: bot.Args{"Number": d.Number},
				Action: core.ActionDocShow, Payload: strconv.FormatInt(d.ID, 10)}))
		}
	}
	return c.Send(bot.Reply{Text: b.String(), Buttons: append(open, rows...)})
}

// requestButton asks for a document of a deal: the deal card's
// «Запросить документ».
func requestButton(deal *core.Deal) bot.Button {
	return bot.Button{LabelKey: "btn.doc.request", Action: core.ActionDocRequest, Payload: strconv.FormatInt(deal.ID, 10)}
}

func versionOf(d *core.Document) int {
	if v := d.Current(); v != nil {
		return v.N
	}
	return 0
}

// kindName is a kind in the user's words: договор, счёт.
func kindName(c *bot.Context, k core.DocKind) string { return c.T("doc.kind."+string(k), nil) }

// docID reads a button's payload: a document's id.
func docID(c *bot.Context) (int64, error) {
	id, _, _ := strings.Cut(c.Button.Payload, ".")
	return bot.ParseID(id, "err.button.expired")
}

// buttonDoc reads the document of a button's payload.
func buttonDoc(c *bot.Context) (*core.Document, error) {
	id, err := docID(c)
	if err != nil {
		return nil, err
	}
	return c.Svc.DocumentByID(c.Ctx(), c.Actor(), id)
}

// showAction shows a document's card («Открыть»), or the files of its
// current version (payload "<id>.files").
func showAction(c *bot.Context) error {
	d, err := buttonDoc(c)
	if err != nil {
		return err
	}
	if strings.HasSuffix(c.Button.Payload, ".files") {
		return sendVersion(c, d, versionOf(d))
	}
	return showDoc(c, d)
}

// showDoc sends a document's card with the buttons of its next steps.
func showDoc(c *bot.Context, d *core.Document) error {
	return c.Send(bot.Reply{Text: card(c, d), Buttons: buttons(c, d)})
}

// sendVersion sends the files of a version with a line that names it.
func sendVersion(c *bot.Context, d *core.Document, n int) error {
	v := d.Version(n)
	if v == nil {
		return core.Errorf(core.ENOTFOUND, "err.doc.version_not_found", "Number", d.Number, "Version", n,
			"Count", len(d.Versions))
	}
	return c.Send(bot.Reply{Key: "msg.doc.files", Args: bot.Args{"Number": d.Number, "Version": v.N,
		"At": v.CreatedAt, "NoPDF": v.NoPDF}, Files: versionFiles(d, v)})
}

// versionFiles are a version's DOCX and PDF, by reference: the reply
// carries their SHA-256 and the outbox reads them when it delivers it. d
// was read for the user, so they may see its files.
func versionFiles(d *core.Document, v *core.DocVersion) []bot.File {
	var out []bot.File
	for _, f := range v.FileRefs() {
		name := f.Name
		if len(d.Versions) > 1 {
			// Versions of one document are told apart by their names.
			ext := path.Ext(name)
			name = strings.TrimSuffix(name, ext) + "-v" + strconv.Itoa(v.N) + ext
		}
		out = append(out, bot.File{Name: name, MIME: f.MIME, SHA256: f.SHA256})
	}
	return out
}

// cancelDoc is /doc cancel <number> <reason>.
func cancelDoc(c *bot.Context, args string) error {
	number, reason := bot.FirstWord(args)
	if number == "" || reason == "" {
		return c.Reply("msg.doc.cancel_usage", nil)
	}
	d, err := c.Svc.DocumentByNumber(c.Ctx(), c.Actor(), number)
	if err != nil {
		return err
	}
	if d, err = c.Svc.CancelDocument(c.Ctx(), c.Actor(), d.ID, reason); err != nil {
		return err
	}
	return c.Send(bot.Reply{Text: c.T("msg.doc.cancelled", bot.Args{"Number": d.Number}) + "\n\n" + card(c, d)})
}

// setVAT is /doc vat <number> <rate>: the rate the next version is filled
// with (22, 10, 0 or «без НДС»).
func setVAT(c *bot.Context, args string) error {
	number, rate := bot.FirstWord(args)
	if number == "" || rate == "" {
		return c.Reply("msg.doc.vat_usage", nil)
	}
	r, err := core.ParseVATRate(rate)
	if err != nil {
		return err
	}
	d, err := c.Svc.DocumentByNumber(c.Ctx(), c.Actor(), number)
	if err != nil {
		return err
	}
	if d, err = c.Svc.SetDocumentVAT(c.Ctx(), c.Actor(), d.ID, r); err != nil {
		return err
	}
	return c.Send(bot.Reply{Text: c.T("msg.doc.vat_set", bot.Args{"Number": d.Number, "VAT": vatText(c, r),
		"Produced": len(d.Versions) > 0}), Buttons: buttons(c, d)})
}
