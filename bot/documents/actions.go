package documents

import (
	"context"
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// request is /doc request <deal> <kind> [comment]: what is missing is
// asked step by step.
func request(c *bot.Context, args string) error {
	if args == "" {
		return c.Start("doc.request", nil)
	}
	number, rest := bot.FirstWord(args)
	deal, err := c.Svc.FindDealByNumber(c.Ctx(), c.Actor(), number)
	if err != nil {
		return err
	}
	data := map[string]string{"deal_id": strconv.FormatInt(deal.ID, 10)}
	if rest == "" {
		return c.Start("doc.request", data)
	}
	kind, comment, err := parseKind(rest)
	if err != nil {
		return err
	}
	return requestDoc(c, deal.ID, kind, comment)
}

// parseKind reads a kind at the start of s (one to three words: «договор»,
// «доп. соглашение», «счёт на оплату») and returns the rest as the comment.
func parseKind(s string) (core.DocKind, string, error) {
	words := strings.Fields(s)
	var firstErr error
	for n := min(3, len(words)); n >= 1; n-- {
		k, err := core.ParseDocKind(strings.Join(words[:n], " "))
		if err == nil {
			// The comment keeps its own spacing and lines.
			rest := s
			for range n {
				_, rest = bot.FirstWord(rest)
			}
			return k, rest, nil
		}
		if n == 1 {
			firstErr = err
		}
	}
	return "", "", firstErr
}

// requestDoc asks for the document and says so.
func requestDoc(c *bot.Context, dealID int64, kind core.DocKind, comment string) error {
	d, err := c.Svc.RequestDocument(c.Ctx(), c.Actor(), dealID, kind, comment)
	if err != nil {
		return err
	}
	return c.Send(bot.Reply{Key: "msg.doc.requested", Args: bot.Args{"Number": d.Number, "Kind": kindName(c, d.Kind)},
		Buttons: [][]bot.Button{bot.Row(bot.Button{LabelKey: "btn.doc.open", Args: bot.Args{"Number": d.Number},
			Action: core.ActionDocShow, Payload: strconv.FormatInt(d.ID, 10)})}})
}

// requestAction is the deal card's «Запросить документ»: the kind, then a
// comment or «Пропустить».
func requestAction(c *bot.Context) error {
	if _, err := bot.ParseID(c.Button.Payload, "err.button.expired"); err != nil {
		return err
	}
	return c.Start("doc.request", map[string]string{"deal_id": c.Button.Payload})
}

func requestFlow() *bot.Flow {
	return &bot.Flow{Name: "doc.request", First: "deal", Perm: core.PermEditDeals, Steps: map[string]*bot.Step{
		"deal": {
			Prompt: func(c *bot.Context) error {
				if c.Conv.Data["deal_id"] != "" {
					return c.Goto("kind") // the deal is known: from its card, or typed
				}
				return c.Reply("flow.doc.deal", nil)
			},
			Input: func(c *bot.Context, s string) (string, error) {
				deal, err := c.Svc.FindDealByNumber(c.Ctx(), c.Actor(), s)
				if err != nil {
					return "", bot.AsInvalid(err)
				}
				c.Conv.Data["deal_id"] = strconv.FormatInt(deal.ID, 10)
				return "kind", nil
			},
		},
		"kind": {
			Prompt: func(c *bot.Context) error {
				id, _ := strconv.ParseInt(c.Conv.Data["deal_id"], 10, 64)
				number := ""
				if deal, err := c.Svc.DealByID(c.Ctx(), c.Actor(), id); err == nil {
					number = deal.Number + " «" + deal.Title + "»"
				}
				var rows [][]bot.Button
				for _, k := range core.DocKinds {
					rows = append(rows, bot.Row(bot.Choice("doc.kind_title."+string(k), nil, string(k))))
				}
				return c.Reply("flow.doc.kind", bot.Args{"Deal": number}, rows...)
			},
			Input: func(c *bot.Context, s string) (string, error) {
				k, err := core.ParseDocKind(s)
				if err != nil {
					return "", err
				}
				c.Conv.Data["kind"] = string(k)
				return "comment", nil
			},
		},
		"comment": {
			Prompt: bot.Ask("flow.doc.comment", true),
			Input: func(c *bot.Context, s string) (string, error) {
				if bot.IsSkip(s) {
					s = ""
				}
				if n := len([]rune(s)); n > core.MaxDocCommentLen {
					return "", core.Errorf(core.EINVALID, "err.doc.comment_too_long", "Max", core.MaxDocCommentLen)
				}
				id, _ := strconv.ParseInt(c.Conv.Data["deal_id"], 10, 64)
				kind := core.DocKind(c.Conv.Data["kind"])
				if err := c.Finish(); err != nil {
					return "", err
				}
				return "", requestDoc(c, id, kind, s)
			},
		},
	}}
}

// stepAction is a button that moves the document of its payload one step
// with step and answers with msgKey's message (the document's number and
// current version) above the document's card and buttons.
func stepAction(msgKey string, step func(*core.Service, context.Context, core.Actor, int64) (*core.Document, error)) bot.Handler {
	return func(c *bot.Context) error {
		id, err := docID(c)
		if err != nil {
			return err
		}
		d, err := step(c.Svc, c.Ctx(), c.Actor(), id)
		if err != nil {
			return err
		}
		return c.Send(bot.Reply{Text: c.T(msgKey, bot.Args{"Number": d.Number, "Version": versionOf(d)}) + "\n\n" +
			card(c, d), Buttons: buttons(c, d)})
	}
}

// takeAction is «Взять»: the officer takes the request.
var takeAction = stepAction("msg.doc.taken", (*core.Service).TakeDocument)

// produceAction is «Сформировать»: the check before producing first. What
// is missing refuses the document with the list (and a button to check
// again once it is filled); warnings ask whether to produce all the same,
// with a reason; with neither the document is produced at once.
func produceAction(c *bot.Context) error {
	id, err := docID(c)
	if err != nil {
		return err
	}
	check, d, err := checkDoc(c, id)
	if err != nil {
		return err
	}
	if len(check.Missing) > 0 {
		return c.Send(bot.Reply{Text: missingText(c, d, check), Buttons: [][]bot.Button{bot.Row(bot.Button{
			LabelKey: "btn.doc.check_again", Action: core.ActionDocProduce, Payload: strconv.FormatInt(d.ID, 10)})}})
	}
	if len(check.Warnings) > 0 {
		return c.Start("doc.override", map[string]string{"doc_id": strconv.FormatInt(d.ID, 10),
			"warnings": strings.Join(check.WarningIDs(), "\n")})
	}
	return produce(c, id, nil, "")
}

// checkDoc runs the check before producing on a document and reads the
// document.
func checkDoc(c *bot.Context, id int64) (*core.DocCheck, *core.Document, error) {
	check, err := c.Svc.CheckDocument(c.Ctx(), c.Actor(), id)
	if err != nil {
		return nil, nil, err
	}
	d, err := c.Svc.DocumentByID(c.Ctx(), c.Actor(), id)
	if err != nil {
		return nil, nil, err
	}
	return check, d, nil
}

// produce makes the new version and sends its files with the card.
func produce(c *bot.Context, id int64, override []string, reason string) error {
	d, err := c.Svc.ProduceDocument(c.Ctx(), c.Actor(), id, override, reason)
	if err != nil {
		return err
	}
	v := d.Current()
	text := c.T("msg.doc.produced", bot.Args{"Number": d.Number, "Version": v.N, "NoPDF": v.NoPDF})
	if err := c.Send(bot.Reply{Text: text, Files: versionFiles(d, v)}); err != nil {
		return err
	}
	return showDoc(c, d)
}

// missingText lists what a document lacks, each field in words.
func missingText(c *bot.Context, d *core.Document, check *core.DocCheck) string {
	var lines []string
	for _, m := range check.Missing {
		lines = append(lines, issueText(c, m))
	}
	return c.T("msg.doc.missing", bot.Args{"Number": d.Number, "Kind": kindName(c, d.Kind), "Lines": lines,
		"Template": check.Template.Name})
}

// issueText renders a finding of the check before producing.
func issueText(c *bot.Context, i core.DocIssue) string {
	args := bot.Args{"Field": fieldName(c, i.Field), "Value": i.Value, "At": bot.OptTime(i.At)}
	if i.Detail != "" && c.P.Has("problem."+i.Detail) {
		args["Detail"] = c.T("problem."+i.Detail, nil)
	}
	if i.Code == core.IssueCompany && c.P.Has("company."+i.Value) {
		args["Value"] = c.T("company."+i.Value, nil)
	}
	return c.T("doc.issue."+i.Code, args)
}

// fieldName is a placeholder's description, else its name.
func fieldName(c *bot.Context, name string) string {
	if name == "" {
		return ""
	}
	if f, ok := core.DocFieldByName(name); ok && c.P.Has(f.Key()) {
		return c.T(f.Key(), nil)
	}
	return name
}

// overrideFlow asks whether to produce a document despite the warnings of
// the check, and why.
func overrideFlow() *bot.Flow {
	return &bot.Flow{Name: "doc.override", First: "confirm", Perm: core.PermDocuments, Steps: map[string]*bot.Step{
		"confirm": {
			Prompt: func(c *bot.Context) error {
				id, _ := strconv.ParseInt(c.Conv.Data["doc_id"], 10, 64)
				check, d, err := checkDoc(c, id)
				if err != nil {
					return err
				}
				var lines []string
				for _, w := range check.Warnings {
					lines = append(lines, issueText(c, w))
				}
				return c.Reply("flow.doc.warnings", bot.Args{"Number": d.Number, "Lines": lines},
					bot.Row(bot.Choice("btn.doc.produce_anyway", nil, "yes"), bot.Choice("btn.cancel", nil, "no")))
			},
			Input: func(c *bot.Context, s string) (string, error) {
				if ok, err := bot.Confirmed(c, s); !ok || err != nil {
					return "", err
				}
				return "reason", nil
			},
		},
		"reason": {
			Prompt: bot.Ask("flow.doc.override_reason", false),
			Input: func(c *bot.Context, s string) (string, error) {
				if s == "" || bot.IsSkip(s) {
					return "", core.Errorf(core.EINVALID, "err.doc.override_reason")
				}
				id, _ := strconv.ParseInt(c.Conv.Data["doc_id"], 10, 64)
				override := strings.Split(c.Conv.Data["warnings"], "\n")
				// Produced before the dialog ends: the PDF is made before
				// the unit writes anything.
				err := produce(c, id, override, s)
				if core.ErrorCode(err) == core.EINVALID {
					return "", err
				}
				if ferr := c.Finish(); ferr != nil {
					return "", ferr
				}
				return "", err
			},
		},
	}}
}

// submitAction is «На согласование».
var submitAction = stepAction("msg.doc.submitted", (*core.Service).SubmitForApproval)

// decisionPayload reads a decision button's document and version.
func decisionPayload(c *bot.Context) (int64, int, error) {
	id, v, err := core.ParseDocPayload(c.Button.Payload)
	if err != nil {
		return 0, 0, core.Errorf(core.EINVALID, "err.button.expired")
	}
	return id, v, nil
}

// approveAction is a lawyer's «Согласовать».
func approveAction(c *bot.Context) error {
	id, v, err := decisionPayload(c)
	if err != nil {
		return err
	}
	return decide(c, id, v, core.DecisionApprove, "")
}

// decideAction is «На доработку» or «Отклонить»: the comment is asked
// first.
func decideAction(decision core.DocDecision) bot.Handler {
	return func(c *bot.Context) error {
		id, v, err := decisionPayload(c)
		if err != nil {
			return err
		}
		// A decision on an outdated version is refused before the comment
		// is asked for.
		d, err := c.Svc.DocumentByID(c.Ctx(), c.Actor(), id)
		if err != nil {
			return err
		}
		if err := decidable(d, v); err != nil {
			return err
		}
		return c.Start("doc.decide", map[string]string{"doc_id": strconv.FormatInt(id, 10),
			"version": strconv.Itoa(v), "decision": string(decision)})
	}
}

// decidable returns core's refusal of a decision on the version now.
func decidable(d *core.Document, version int) error {
	if cur := d.Current(); cur != nil && cur.N != version {
		return core.Errorf(core.ECONFLICT, "err.doc.outdated_version", "Number", d.Number, "Version", version,
			"Current", cur.N)
	}
	if d.Status != core.DocApproval {
		return core.Errorf(core.ECONFLICT, "err.doc.not_on_approval", "Number", d.Number, "Status", string(d.Status))
	}
	return nil
}

func decideFlow() *bot.Flow {
	return &bot.Flow{Name: "doc.decide", First: "comment", Perm: core.PermApprove, Steps: map[string]*bot.Step{
		"comment": {
			Prompt: func(c *bot.Context) error {
				return c.Reply("flow.doc.decide."+c.Conv.Data["decision"], nil)
			},
			Input: func(c *bot.Context, s string) (string, error) {
				if s == "" || bot.IsSkip(s) {
					return "", core.Errorf(core.EINVALID, "err.doc.comment_required")
				}
				id, _ := strconv.ParseInt(c.Conv.Data["doc_id"], 10, 64)
				v, _ := strconv.Atoi(c.Conv.Data["version"])
				decision := core.DocDecision(c.Conv.Data["decision"])
				err := decide(c, id, v, decision, s)
				if core.ErrorCode(err) == core.EINVALID {
					return "", err // a comment too long: asked again
				}
				if ferr := c.Finish(); ferr != nil {
					return "", ferr
				}
				return "", err
			},
		},
	}}
}

// decide records a lawyer's decision and says it where it was made.
func decide(c *bot.Context, id int64, version int, decision core.DocDecision, comment string) error {
	d, err := c.Svc.DecideDocument(c.Ctx(), c.Actor(), id, version, decision, comment)
	if err != nil {
		return err
	}
	return c.Reply("msg.doc.decided."+string(decision), bot.Args{"Number": d.Number, "Version": version,
		"Kind": kindName(c, d.Kind), "Comment": comment, "By": c.User.Name})
}

// paperSignedAction is «Подписан на бумаге».
var paperSignedAction = stepAction("msg.doc.paper_signed", (*core.Service).MarkPaperSigned)

// originalAction is «Оригинал получен».
var originalAction = stepAction("msg.doc.original", (*core.Service).MarkOriginalReceived)
