package requests

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/cards"
	"github.com/dealdesk/dealdesk/core"
)

// newFlow asks for a new request's type, what it is about and its text,
// each only when it is not known yet: a one-message /request or a card's
// «Обращение» button fills some of them before the dialog starts.
func newFlow() *bot.Flow {
	return &bot.Flow{Name: "request.new", First: "start", Perm: core.PermRequests, Steps: map[string]*bot.Step{
		"start": {Prompt: advance, Input: func(c *bot.Context, _ string) (string, error) { return next(c) }},
		"type":  {Prompt: askType, Input: typeInput},
		"ref":   {Prompt: askRef, Input: refInput},
		"text":  {Prompt: askText, Input: textInput, Files: true},
	}}
}

// steps are the questions of a new request, in order.
var steps = []string{"type", "ref", "text"}

// missing is the first step whose answer is not in d yet, "" when none.
func missing(d map[string]string) string {
	for _, st := range steps {
		switch {
		case st == "type" && d["type"] != "":
		case st == "ref" && (d["ref"] != "" || d["client_id"] != "" || d["deal_id"] != "" || d["document_id"] != ""):
		case st == "text" && d["text"] != "":
		default:
			return st
		}
	}
	return ""
}

// advance asks the next question, or files the request when nothing is
// missing.
func advance(c *bot.Context) error {
	if st := missing(c.Conv.Data); st != "" {
		return c.Goto(st)
	}
	_, err := file(c)
	return err
}

// next is the step after an answer: the next question, or none once the
// request is filed.
func next(c *bot.Context) (string, error) {
	if st := missing(c.Conv.Data); st != "" {
		return st, nil
	}
	return file(c)
}

func askType(c *bot.Context) error {
	var row []bot.Button
	for _, t := range core.RequestTypes {
		if t.Filable() {
			row = append(row, bot.Choice("request.type."+string(t), nil, string(t)))
		}
	}
	return c.Reply("flow.request.type", nil, row[:2], row[2:])
}

// askRef asks what the request is about; when an INN typed with the
// command has several cards (a head office and branches), it offers them.
func askRef(c *bot.Context) error {
	if q := c.Conv.Data["ref_query"]; q != "" {
		if cs, err := cards.LookupClients(c, q, 2*maxChoices); err == nil {
			if rows := clientChoices(cs); len(rows) > 1 {
				return c.Reply("flow.request.ref_pick", bot.Args{"Query": q}, rows...)
			}
		}
	}
	// A correction is always about something: «Ни к чему не привязано»,
	// which it would refuse, is not offered.
	if c.Conv.Data["type"] == string(core.RequestCorrection) {
		return c.Reply("flow.request.ref", bot.Args{"Correction": true})
	}
	return c.Reply("flow.request.ref", nil, bot.Row(bot.Choice("btn.request.no_ref", nil, bot.Skip)))
}

func typeInput(c *bot.Context, s string) (string, error) {
	t, ok := parseType(s)
	switch {
	case !ok:
		return "", core.Errorf(core.EINVALID, "err.request.type_choose")
	case t == core.RequestIntake:
		return "", core.Errorf(core.EINVALID, "err.request.type_intake")
	}
	c.Conv.Data["type"] = string(t)
	return next(c)
}

// refInput takes what the request is about: a deal's or a document's
// number, an INN or a part of a client's name (several matching cards are
// offered as buttons), a picked card, or «-» for nothing (not for a
// correction).
func refInput(c *bot.Context, s string) (string, error) {
	d := c.Conv.Data
	if bot.IsSkip(s) || s == "" {
		if d["type"] == string(core.RequestCorrection) {
			return "", core.Errorf(core.EINVALID, "err.request.ref_required")
		}
		d["ref"] = "none"
		return next(c)
	}
	if id, ok := strings.CutPrefix(s, "client:"); ok {
		delete(d, "ref_query")
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return "", core.Errorf(core.EINVALID, "err.button.expired")
		}
		cl, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), n)
		if err != nil {
			return "", bot.AsInvalid(err)
		}
		if err := takeClient(c, d, cl); err != nil {
			return "", err
		}
		return next(c)
	}
	picked, err := takeRef(c, d, s)
	if err != nil {
		return "", err
	}
	if !picked {
		return bot.Stay, nil // several cards: the choice is offered
	}
	return next(c)
}

// maxChoices is the most cards offered to pick from.
const maxChoices = 8

// takeRef reads what a request is about into d: a deal's or a document's
// number, an INN or a name. A name (or an INN of several cards) matching
// several cards offers them as buttons and reports false. What the user
// may not see, or what is not there, is a wrong answer.
func takeRef(c *bot.Context, d map[string]string, s string) (bool, error) {
	for _, k := range []string{"client_id", "deal_id", "document_id", "ref", "ref_query"} {
		delete(d, k)
	}
	switch {
	case isDealNumber(s):
		deal, err := c.Svc.FindDealByNumber(c.Ctx(), c.Actor(), s)
		if err != nil {
			return false, bot.AsInvalid(err)
		}
		d["deal_id"] = strconv.FormatInt(deal.ID, 10)
		return true, nil
	case isDocNumber(s):
		doc, err := c.Svc.DocumentByNumber(c.Ctx(), c.Actor(), s)
		if err != nil {
			return false, bot.AsInvalid(err)
		}
		d["document_id"] = strconv.FormatInt(doc.ID, 10)
		return true, nil
	}
	cs, err := cards.LookupClients(c, s, 2*maxChoices)
	if err != nil {
		return false, bot.AsInvalid(err)
	}
	working := cards.Working(cs)
	switch len(working) {
	case 0:
		return false, takeClient(c, d, cs[0]) // merged only: refused, naming the card that stays
	case 1:
		return true, takeClient(c, d, working[0])
	}
	d["ref_query"] = s
	if c.Conv == nil {
		return false, nil // a one-message request: the dialog offers them
	}
	return false, c.Reply("flow.request.ref_pick", bot.Args{"Query": s}, clientChoices(working)...)
}

// clientChoices are the buttons that pick one of the working cards.
func clientChoices(cs []*core.Client) [][]bot.Button {
	return cards.ClientChoices(cards.Working(cs), "client:", maxChoices)
}

// takeClient ties the request to a card; a card merged into another is
// refused with the card that stays.
func takeClient(c *bot.Context, d map[string]string, cl *core.Client) error {
	if cl.MergedInto != 0 {
		return cards.MergedError(c, cl)
	}
	d["client_id"] = strconv.FormatInt(cl.ID, 10)
	return nil
}

// askText asks for the request's text, saying that files may come with
// it (and how many have come).
func askText(c *bot.Context) error {
	args := bot.Args{"Type": c.Conv.Data["type"], "Files": fileCount(c.Conv.Data["files"])}
	return c.Send(bot.Reply{Text: c.T("flow.request.text", args) + "\n" + c.T("flow.request.text_files", nil)})
}

// textInput takes the request's text, with the files sent with it (the
// text their caption); files sent without a caption are kept and the text
// is asked for again.
func textInput(c *bot.Context, s string) (string, error) {
	if err := keepFiles(c); err != nil {
		return "", err
	}
	if bot.IsSkip(s) || strings.TrimSpace(s) == "" {
		if len(c.Update.Files) > 0 {
			return "text", nil // the files are kept: the text is asked again, counting them
		}
		return "", core.Errorf(core.EINVALID, "err.request.text_required")
	}
	if err := checkText(s); err != nil {
		return "", err
	}
	c.Conv.Data["text"] = s
	return next(c)
}

// keepFiles adds the files of the message answering a step that takes
// files to those kept in the dialog's data (fetched when the step is
// done); more than a request takes are refused, and none is kept.
func keepFiles(c *bot.Context) error {
	if len(c.Update.Files) == 0 {
		return nil
	}
	var fs []bot.IncomingFile
	if raw := c.Conv.Data["files"]; raw != "" {
		if err := json.Unmarshal([]byte(raw), &fs); err != nil {
			return core.Errorf(core.EINVALID, "err.button.expired")
		}
	}
	for _, f := range c.Update.Files {
		// What can be told before fetching is told now, not at the end.
		if f.Size > bot.MaxDownload {
			return core.Errorf(core.EINVALID, "err.file.too_large", "Name", f.Name, "Size", bot.FileSize(c.P, f.Size),
				"Max", bot.FileSize(c.P, bot.MaxDownload))
		}
	}
	fs = append(fs, c.Update.Files...)
	if len(fs) > core.MaxRequestFiles {
		return core.Errorf(core.EINVALID, "err.request.files_too_many", "Max", core.MaxRequestFiles)
	}
	b, err := json.Marshal(fs)
	if err != nil {
		return err
	}
	c.Conv.Data["files"] = string(b)
	return nil
}

// fileRefused reports whether an error refuses a file sent: it cannot be
// fetched (err.file.…), or a request does not take it.
func fileRefused(err error) bool {
	key, _ := core.ErrorKey(err)
	if core.ErrorCode(err) != core.EINVALID {
		return false
	}
	switch key {
	case "err.request.file_empty", "err.request.file_too_large", "err.request.files_too_many":
		return true
	}
	return strings.HasPrefix(key, "err.file.")
}

// file files the request the dialog has gathered, with the files sent
// with the command and to the text step, and ends the dialog, filed or
// not (an error says why it could not be).
func file(c *bot.Context) (string, error) {
	d := c.Conv.Data
	in := core.NewRequest{Type: core.RequestType(d["type"]), Text: d["text"]}
	in.Ref.ClientID, _ = strconv.ParseInt(d["client_id"], 10, 64)
	in.Ref.DealID, _ = strconv.ParseInt(d["deal_id"], 10, 64)
	in.Ref.DocumentID, _ = strconv.ParseInt(d["document_id"], 10, 64)
	files, err := attachments(c, d["files"])
	var r *core.Request
	if err == nil {
		in.Files = files
		r, err = c.Svc.CreateRequest(c.Ctx(), c.Actor(), in)
	}
	if ferr := c.Finish(); err == nil {
		err = ferr
	}
	if err != nil {
		return "", err
	}
	// What it is about, as the card says it: a name read from a one-message
	// request shows which card it was taken for.
	lines := append([]string{c.T("msg.request.created", bot.Args{"ID": r.ID, "Type": string(r.Type),
		"Due": bot.OptTime(r.Due), "Files": len(files)})}, aboutLines(c, r)...)
	return "", c.Send(bot.Reply{Text: strings.Join(lines, "\n"), Buttons: [][]bot.Button{bot.Row(showButton(r.ID))}})
}

// passFlow asks whom to pass a request to: the officers and heads, as
// buttons.
func passFlow() *bot.Flow {
	return &bot.Flow{Name: "request.pass", First: "to", Perm: core.PermVerify, Steps: map[string]*bot.Step{
		"to": {Prompt: askAssignee, Input: passInput},
	}}
}

// candidates are the people a request may be passed to: not the one who
// has it.
func candidates(c *bot.Context) (*core.Request, []*core.User, error) {
	id, _ := strconv.ParseInt(c.Conv.Data["id"], 10, 64)
	r, err := c.Svc.ShowRequest(c.Ctx(), c.Actor(), id)
	if err != nil {
		return nil, nil, err
	}
	us, err := c.Svc.RequestAssignees(c.Ctx(), c.Actor())
	if err != nil {
		return nil, nil, err
	}
	return r, slices.DeleteFunc(us, func(u *core.User) bool { return u.ID == r.AssigneeID }), nil
}

func askAssignee(c *bot.Context) error {
	r, us, err := candidates(c)
	if err != nil {
		_ = c.Finish()
		return err
	}
	if len(us) == 0 {
		if err := c.Finish(); err != nil {
			return err
		}
		return c.Reply("msg.request.pass_nobody", bot.Args{"ID": r.ID})
	}
	var rows [][]bot.Button
	for i, u := range us {
		if i == 9 {
			break
		}
		rows = append(rows, bot.Row(bot.Choice("btn.user", bot.Args{"Name": u.Name, "Role": c.Role(u.Role)},
			"id:"+strconv.FormatInt(u.ID, 10))))
	}
	names, err := c.Svc.UserNames(c.Ctx())
	if err != nil {
		return err
	}
	return c.Reply("flow.request.pass", bot.Args{"ID": r.ID, "Assignee": othersName(c, r, names)}, rows...)
}

// othersName names the officer who has a request when that is not the
// user, who is about to act on a colleague's request (that colleague is
// told); nil otherwise.
func othersName(c *bot.Context, r *core.Request, names map[int64]string) any {
	if r.AssigneeID == 0 || r.AssigneeID == c.User.ID {
		return nil
	}
	return names[r.AssigneeID]
}

// passInput passes the request to the person chosen, or typed by a part
// of their name that names one of the candidates alone.
func passInput(c *bot.Context, s string) (string, error) {
	r, us, err := candidates(c)
	if err != nil {
		_ = c.Finish()
		return "", err
	}
	var to *core.User
	if id, ok := strings.CutPrefix(s, "id:"); ok {
		n, _ := strconv.ParseInt(id, 10, 64)
		if i := slices.IndexFunc(us, func(u *core.User) bool { return u.ID == n }); i >= 0 {
			to = us[i]
		}
	} else if q := strings.ToLower(strings.TrimSpace(s)); q != "" {
		for _, u := range us {
			if strings.Contains(strings.ToLower(u.Name), q) {
				if to != nil {
					to = nil
					break
				}
				to = u
			}
		}
	}
	if to == nil {
		return "", core.Errorf(core.EINVALID, "err.request.pass_choose")
	}
	if _, err := c.Svc.PassRequest(c.Ctx(), c.Actor(), r.ID, to.ID); err != nil {
		if core.ErrorCode(err) != core.EINVALID {
			_ = c.Finish()
		}
		return "", err
	}
	if err := c.Finish(); err != nil {
		return "", err
	}
	return "", c.Reply("msg.request.passed", bot.Args{"ID": r.ID, "Name": to.Name}, bot.Row(showButton(r.ID)))
}

// textFlow is a dialog of one question whose answer a step of the
// request takes: the question to its requester, their answer, the result,
// the reason of a rejection. take makes the step and says what to reply
// once the dialog has ended (bot.FinalInput). The requester's answer may
// carry files, as /request N ответ does: sent with the answer as their
// caption, or before it (kept, and the answer asked for again); its
// prompt says so (flow.request.answer_files, in place of the prompt
// given, which sends files only with the command).
func textFlow(name, prompt string, perm core.Permission,
	take func(c *bot.Context, id int64, text string) (*bot.Reply, error)) *bot.Flow {
	files := name == "request.answer"
	if files {
		prompt = "flow.request.answer_files"
	}
	final := bot.FinalInput("", func(c *bot.Context, s string) (*bot.Reply, error) {
		id, _ := strconv.ParseInt(c.Conv.Data["id"], 10, 64)
		return take(c, id, s)
	})
	input := final
	if files {
		input = func(c *bot.Context, s string) (string, error) {
			if err := keepFiles(c); err != nil {
				return "", err
			}
			if len(c.Update.Files) > 0 && (s == "" || bot.IsSkip(s)) {
				return "text", nil // the files are kept: the answer is asked again, counting them
			}
			next, err := final(c, s)
			if err != nil && c.Conv != nil && c.Conv.Data["files"] != "" && fileRefused(err) {
				// A kept file that cannot be taken would refuse every
				// answer: it is let go, with why, and the answer asked again.
				delete(c.Conv.Data, "files")
				key, args := core.ErrorKey(err)
				if err := c.Reply(key, args); err != nil {
					return "", err
				}
				return "text", nil
			}
			return next, err
		}
	}
	return &bot.Flow{Name: name, First: "text", Perm: perm, Steps: map[string]*bot.Step{
		"text": {Files: files, Prompt: func(c *bot.Context) error {
			id, _ := strconv.ParseInt(c.Conv.Data["id"], 10, 64)
			r, err := c.Svc.ShowRequest(c.Ctx(), c.Actor(), id)
			if err != nil {
				_ = c.Finish()
				return err
			}
			names, err := c.Svc.UserNames(c.Ctx())
			if err != nil {
				return err
			}
			args := bot.Args{"ID": r.ID, "Type": string(r.Type), "Requester": names[r.RequesterID],
				"Text": core.CutText(r.Text, 300)}
			if q := lastQuestion(r); q != nil {
				args["Question"] = core.CutText(q.Text, 1000)
			}
			if files {
				args["Files"] = fileCount(c.Conv.Data["files"])
			} else {
				args["Assignee"] = othersName(c, r, names)
			}
			return c.Reply(prompt, args)
		}, Input: input},
	}}
}

// lastQuestion is the last question of a request's thread.
func lastQuestion(r *core.Request) *core.RequestMessage {
	for i := len(r.Messages) - 1; i >= 0; i-- {
		if r.Messages[i].Kind == core.RequestMsgQuestion {
			return r.Messages[i]
		}
	}
	return nil
}

func ask(c *bot.Context, id int64, text string) (*bot.Reply, error) {
	r, err := c.Svc.AskRequest(c.Ctx(), c.Actor(), id, text)
	if err != nil {
		return nil, err
	}
	names, err := c.Svc.UserNames(c.Ctx())
	if err != nil {
		return nil, err
	}
	return reply("msg.request.asked", bot.Args{"ID": r.ID, "Requester": names[r.RequesterID]}, r.ID), nil
}

// answer answers the request's question with the files sent in the
// dialog.
func answer(c *bot.Context, id int64, text string) (*bot.Reply, error) {
	files, err := attachments(c, c.Conv.Data["files"])
	if err != nil {
		return nil, err
	}
	r, err := c.Svc.AnswerRequest(c.Ctx(), c.Actor(), id, text, files)
	if err != nil {
		return nil, err
	}
	return reply("msg.request.answered", bot.Args{"ID": r.ID, "Files": len(files)}, r.ID), nil
}

func done(c *bot.Context, id int64, text string) (*bot.Reply, error) {
	r, err := c.Svc.DoneRequest(c.Ctx(), c.Actor(), id, text)
	if err != nil {
		return nil, err
	}
	return reply("msg.request.done", bot.Args{"ID": r.ID}, r.ID), nil
}

func reject(c *bot.Context, id int64, text string) (*bot.Reply, error) {
	r, err := c.Svc.RejectRequest(c.Ctx(), c.Actor(), id, text)
	if err != nil {
		return nil, err
	}
	return reply("msg.request.rejected", bot.Args{"ID": r.ID, "Intake": r.Type == core.RequestIntake}, r.ID), nil
}

// reply says what was done with a request, with «Открыть» under it.
func reply(key string, args bot.Args, id int64) *bot.Reply {
	return &bot.Reply{Key: key, Args: args, Buttons: [][]bot.Button{bot.Row(showButton(id))}}
}
