package documents

import (
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// sendAction is «Отправить по e-mail» (payload "<id>.email": the client's
// addresses offered as buttons, or one typed) and «Отправить в Диадок»
// ("<id>.edo": the client's box, chosen when there are several). It only
// opens the choice, so the card keeps its buttons.
func sendAction(c *bot.Context) error {
	d, err := buttonDoc(c)
	if err != nil {
		return err
	}
	if err := c.Svc.CheckSendable(d); err != nil {
		return err
	}
	data := map[string]string{"doc_id": strconv.FormatInt(d.ID, 10)}
	if strings.HasSuffix(c.Button.Payload, ".edo") {
		return sendEDO(c, d, data)
	}
	if !c.Svc.MailAvailable() {
		return core.Errorf(core.EUNAVAILABLE, "err.doc.mail_unavailable")
	}
	return c.Start("doc.email", data)
}

// emailFlow asks where to send a document: the client's e-mails as
// buttons, or addresses typed (several separated by commas).
func emailFlow() *bot.Flow {
	return &bot.Flow{Name: "doc.email", First: "to", Perm: core.PermDocuments, Steps: map[string]*bot.Step{
		"to": {
			Prompt: func(c *bot.Context) error {
				d, cl, err := docClient(c)
				if err != nil {
					return err
				}
				var rows [][]bot.Button
				seen := map[string]bool{}
				for _, ct := range cl.Contacts {
					if e := strings.ToLower(ct.Email); e != "" && !seen[e] && len(rows) < 6 {
						seen[e] = true
						rows = append(rows, bot.Row(bot.Choice("btn.doc.email_to", bot.Args{"Email": ct.Email,
							"Name": ct.Name}, ct.Email)))
					}
				}
				key := "flow.doc.email"
				if len(rows) == 0 {
					key = "flow.doc.email_none"
				}
				return c.Reply(key, bot.Args{"Number": d.Number, "Client": cl.Name()}, rows...)
			},
			Input: func(c *bot.Context, s string) (string, error) {
				to := splitAddresses(s)
				if len(to) == 0 {
					return "", core.Errorf(core.EINVALID, "err.doc.email_required")
				}
				id, _ := strconv.ParseInt(c.Conv.Data["doc_id"], 10, 64)
				d, err := c.Svc.SendDocumentEmail(c.Ctx(), c.Actor(), id, to)
				if core.ErrorCode(err) == core.EINVALID {
					return "", err // an address that does not read: asked again
				}
				if ferr := c.Finish(); ferr != nil {
					return "", ferr
				}
				if err != nil {
					return "", err
				}
				return "", c.Reply("msg.doc.email_queued", bot.Args{"Number": d.Number, "To": strings.Join(to, ", ")})
			},
		},
	}}
}

// splitAddresses reads the addresses typed: separated by commas,
// semicolons or spaces.
func splitAddresses(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\t' })
}

// docClient reads the dialog's document and its client.
func docClient(c *bot.Context) (*core.Document, *core.Client, error) {
	id, _ := strconv.ParseInt(c.Conv.Data["doc_id"], 10, 64)
	d, err := c.Svc.DocumentByID(c.Ctx(), c.Actor(), id)
	if err != nil {
		return nil, nil, err
	}
	deal, err := c.Svc.DealByID(c.Ctx(), c.Actor(), d.DealID)
	if err != nil {
		return nil, nil, err
	}
	cl, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), deal.ClientID)
	if err != nil {
		return nil, nil, err
	}
	return d, cl, nil
}

// maxBoxes is how many boxes are offered to choose from.
const maxBoxes = 8

// sendEDO posts the document to the client's EDO box: at once when the
// client has one box, else after it is chosen.
func sendEDO(c *bot.Context, d *core.Document, data map[string]string) error {
	boxes, err := c.Svc.EDOBoxes(c.Ctx(), c.Actor(), d.ID)
	if err != nil {
		return err
	}
	if len(boxes) == 1 {
		return postEDO(c, d.ID, boxes[0])
	}
	var lines []string
	for _, b := range boxes[:min(len(boxes), maxBoxes)] {
		lines = append(lines, b.ID+"\t"+b.Title+"\t"+b.KPP)
	}
	data["boxes"] = strings.Join(lines, "\n")
	return c.Start("doc.edo", data)
}

// boxTitle names a box in the user's language: its title and KPP.
func boxTitle(c *bot.Context, b core.EDOBox) string {
	return c.T("doc.box.title", bot.Args{"Title": b.Title, "KPP": b.KPP})
}

// postEDO records the intent to post the draft and says what follows: a
// person with a qualified signature signs and sends it in the operator's
// application.
func postEDO(c *bot.Context, id int64, box core.EDOBox) error {
	d, err := c.Svc.SendDocumentEDO(c.Ctx(), c.Actor(), id, box)
	if err != nil {
		return err
	}
	return c.Reply("msg.doc.edo_queued", bot.Args{"Number": d.Number, "Box": boxTitle(c, box), "Operator": operator(c)})
}

// operator is the EDO operator's name as people know it («Диадок»); an
// operator the locales do not name is shown by its own name.
func operator(c *bot.Context) string {
	name, _ := c.Svc.EDOAvailable()
	key := "edo.operator." + name
	if t := c.T(key, nil); t != key {
		return t
	}
	return name
}

// edoFlow chooses the client's box when there are several.
func edoFlow() *bot.Flow {
	return &bot.Flow{Name: "doc.edo", First: "box", Perm: core.PermDocuments, Steps: map[string]*bot.Step{
		"box": {
			Prompt: func(c *bot.Context) error {
				var rows [][]bot.Button
				for _, b := range flowBoxes(c) {
					rows = append(rows, bot.Row(bot.Choice("btn.doc.box", bot.Args{"Title": boxTitle(c, b)}, b.ID)))
				}
				return c.Reply("flow.doc.box", bot.Args{"Operator": operator(c), "Count": len(rows)}, rows...)
			},
			Input: func(c *bot.Context, s string) (string, error) {
				boxes := flowBoxes(c)
				i := -1
				for n, b := range boxes {
					if b.ID == s {
						i = n
					}
				}
				if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= len(boxes) {
					i = n - 1 // typed as its number in the list
				}
				if i < 0 {
					return "", core.Errorf(core.EINVALID, "err.choose.button")
				}
				id, _ := strconv.ParseInt(c.Conv.Data["doc_id"], 10, 64)
				if err := c.Finish(); err != nil {
					return "", err
				}
				return "", postEDO(c, id, boxes[i])
			},
		},
	}}
}

// flowBoxes are the boxes the dialog offers.
func flowBoxes(c *bot.Context) []core.EDOBox {
	var out []core.EDOBox
	for _, line := range strings.Split(c.Conv.Data["boxes"], "\n") {
		if f := strings.Split(line, "\t"); len(f) == 3 {
			out = append(out, core.EDOBox{ID: f[0], Title: f[1], KPP: f[2]})
		}
	}
	return out
}
