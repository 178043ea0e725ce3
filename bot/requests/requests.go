// Package requests is the chat side of requests (обращения) to deal
// support: /request files one (in one message or step by step, with the
// files sent with it), /requests lists the open ones, a request's card
// shows its thread with the buttons of the next steps (take, pass, ask,
// answer, done, reject), and /sla sets each type's time to answer.
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

// Register registers requests: /request, /requests, /sla, the buttons of
// the notices and cards, and the dialogs that ask what a step needs.
func Register(r *bot.Router) {
	r.Command("request", core.PermRequests, request)
	r.Command("requests", core.PermRequests, list)
	for _, all := range scopeAllWords {
		r.Variant("requests", all, core.PermVerify)
	}
	r.Command("sla", core.PermAdmin, sla)
	r.View(core.ActionRequestNew, core.PermRequests, newAction)
	r.View(core.ActionRequestShow, core.PermRequests, showAction)
	// «Взять» is a view, not a decision the framework closes: core says
	// who has the request when someone took it first, and that it is
	// already theirs when the same officer presses it again.
	r.View(core.ActionRequestTake, core.PermVerify, takeAction)
	// The steps that need words only start a dialog: a dialog left with
	// /cancel leaves nothing done, so the button works again (a request
	// closed meanwhile is refused by startStep).
	r.View(core.ActionRequestPass, core.PermVerify, stepAction("request.pass"))
	r.View(core.ActionRequestAsk, core.PermVerify, stepAction("request.ask"))
	r.View(core.ActionRequestAnswer, core.PermRequests, stepAction("request.answer"))
	r.View(core.ActionRequestDone, core.PermVerify, stepAction("request.done"))
	r.View(core.ActionRequestReject, core.PermVerify, stepAction("request.reject"))
	r.Flow(newFlow())
	r.Flow(passFlow())
	r.Flow(textFlow("request.ask", "flow.request.ask", core.PermVerify, ask))
	r.Flow(textFlow("request.answer", "flow.request.answer", core.PermRequests, answer))
	r.Flow(textFlow("request.done", "flow.request.done", core.PermVerify, done))
	r.Flow(textFlow("request.reject", "flow.request.reject", core.PermVerify, reject))
}

// typeWords are the words of the request types, in both languages.
var typeWords = map[string]core.RequestType{
	"исправление": core.RequestCorrection, "исправить": core.RequestCorrection,
	"корректировка": core.RequestCorrection, "correction": core.RequestCorrection, "fix": core.RequestCorrection,
	"вопрос": core.RequestQuestion, "question": core.RequestQuestion,
	"документ": core.RequestDocument, "document": core.RequestDocument,
	"другое": core.RequestOther, "other": core.RequestOther,
	"приём": core.RequestIntake, "прием": core.RequestIntake, "intake": core.RequestIntake,
}

// parseType reads a request type typed or chosen ("correction").
func parseType(s string) (core.RequestType, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if t, ok := typeWords[s]; ok {
		return t, true
	}
	for _, t := range core.RequestTypes {
		if string(t) == s {
			return t, true
		}
	}
	return "", false
}

// request files a request or shows one:
//
//	/request                                    step by step
//	/request корректировка 7707083893 неверный счёт   in one message (what is missing is asked)
//	/request вопрос Ромашка какой лимит?         a client by name (several: offered to choose)
//	/request 12                                 the request's card
//	/request 12 файлы                           its files
//	/request 12 ответ <text>                    answer its question (files may come with it)
func request(c *bot.Context) error {
	first, rest := bot.FirstWord(c.Update.Args)
	if first == "" {
		return c.Start("request.new", filesData(c, nil))
	}
	if id, err := bot.ParseID(first, "msg.request.usage"); err == nil {
		word, text := bot.FirstWord(rest)
		switch strings.ToLower(word) {
		case "":
			return showCard(c, id, "", nil)
		case "файлы", "files":
			return sendFiles(c, id)
		case "ответ", "answer":
			return answerNow(c, id, text)
		}
		return c.Reply("msg.request.usage", nil)
	}
	t, ok := parseType(first)
	switch {
	case !ok:
		return c.Reply("msg.request.usage", nil)
	case t == core.RequestIntake:
		return core.Errorf(core.EINVALID, "err.request.type_intake")
	}
	d := filesData(c, map[string]string{"type": string(t)})
	if rest != "" {
		text, ok, err := quickRef(c, d, rest)
		if err != nil {
			return err
		}
		if !ok && t != core.RequestCorrection {
			d["ref"] = "none" // a question about nothing in particular
		}
		if text != "" {
			if err := checkText(text); err != nil {
				return err
			}
			d["text"] = text
		}
	}
	return c.Start("request.new", d)
}

// maxNameWords is the most words of a client's name a one-message request
// starts with.
const maxNameWords = 3

// quickRef reads what a one-message request is about from the start of
// rest, as /case and /fix read their record: «-» for nothing (not for a
// correction: it is refused at once, the text after it kept and what the
// correction is about asked next), a deal's or
// a document's number, an INN, or a client's name of up to three words
// («Ромашка», «ПАО Сбербанк»). It returns the text after it and reports
// whether it read one (a name of several cards leaves them to be chosen,
// d["ref_query"]). A number or an INN that names nothing the user may see
// is refused; words that name no card are the request's text.
func quickRef(c *bot.Context, d map[string]string, rest string) (string, bool, error) {
	word, text := bot.FirstWord(rest)
	switch {
	case bot.IsSkip(word) && d["type"] == string(core.RequestCorrection):
		return text, false, c.Reply("msg.request.ref_skip", bot.Args{"Text": core.CutText(text, 200)})
	case bot.IsSkip(word):
		d["ref"] = "none"
		return text, true, nil
	case isDealNumber(word), isDocNumber(word), cards.INNShaped(word):
		picked, err := takeRef(c, d, word)
		return text, picked || d["ref_query"] != "", err
	}
	words := strings.Fields(rest)
	for n := min(maxNameWords, len(words)); n >= 1; n-- {
		name := trimWord(strings.Join(words[:n], " "))
		cs, err := namedCards(c, name)
		if err != nil {
			return "", false, err
		}
		if len(cs) == 0 {
			continue
		}
		text := bot.AfterWords(rest, n)
		working := cards.Working(cs)
		switch len(working) {
		case 0:
			return "", false, takeClient(c, d, cs[0]) // merged only: refused, naming the card that stays
		case 1:
			return text, true, takeClient(c, d, working[0])
		}
		d["ref_query"] = name
		return text, true, nil
	}
	return rest, false, nil
}

// namedCards are the cards a name typed at the start of a request means:
// those with a word of their name that the name starts (a word typed
// whole, or four letters or more of it), so that «Банк просит…» is not
// about «ПАО Сбербанк» nor «Как…» about «Каскад».
func namedCards(c *bot.Context, name string) ([]*core.Client, error) {
	q := core.NormalizeName(name)
	if len([]rune(q)) < 2 || strings.Trim(q, "0123456789 ") == "" {
		return nil, nil
	}
	cs, err := cards.LookupClients(c, name, 2*maxChoices)
	if code := core.ErrorCode(err); code == core.ENOTFOUND || code == core.EINVALID {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(cs, func(cl *core.Client) bool {
		return !startsWord(cl.ShortName, q) && !startsWord(cl.FullName, q)
	}), nil
}

// startsWord reports whether the normalized q starts a word of the name
// and is either whole words or at least four letters.
func startsWord(name, q string) bool {
	n := " " + core.NormalizeName(name) + " "
	i := strings.Index(n, " "+q)
	if i < 0 {
		return false
	}
	return len([]rune(q)) >= 4 || strings.HasPrefix(n[i+1+len(q):], " ")
}

// trimWord drops the punctuation a sentence puts after a name: «ПАО
// Сбербанк: …».
func trimWord(w string) string { return strings.Trim(w, ",.;:!?()") }

func isDealNumber(s string) bool { _, ok := core.ParseDealNumber(s); return ok }

func isDocNumber(s string) bool { _, _, _, _, ok := core.ParseDocNumber(s); return ok }

// filesData keeps the files sent with the command in the dialog's data,
// to be fetched and stored when the request is filed.
func filesData(c *bot.Context, d map[string]string) map[string]string {
	if d == nil {
		d = map[string]string{}
	}
	if fs := c.Update.Files; len(fs) > 0 {
		if b, err := json.Marshal(fs); err == nil {
			d["files"] = string(b)
		}
	}
	return d
}

// fileCount counts the files kept in the dialog's data.
func fileCount(raw string) int {
	var fs []bot.IncomingFile
	if raw == "" || json.Unmarshal([]byte(raw), &fs) != nil {
		return 0
	}
	return len(fs)
}

// attachments fetches the files kept in the dialog's data (or sent with
// the update) from the chat.
func attachments(c *bot.Context, raw string) ([]core.Attachment, error) {
	var fs []bot.IncomingFile
	if raw != "" {
		if err := json.Unmarshal([]byte(raw), &fs); err != nil {
			return nil, core.Errorf(core.EINVALID, "err.button.expired")
		}
	}
	if len(fs) > core.MaxRequestFiles {
		return nil, core.Errorf(core.EINVALID, "err.request.files_too_many", "Max", core.MaxRequestFiles)
	}
	var out []core.Attachment
	for _, f := range fs {
		data, err := c.Download(f)
		if err != nil {
			return nil, err
		}
		out = append(out, core.Attachment{Name: f.Name, MIME: f.MIME, Data: data})
	}
	return out, nil
}

// checkText refuses a text longer than a request takes.
func checkText(s string) error {
	if len([]rune(s)) > core.MaxRequestTextLen {
		return core.Errorf(core.EINVALID, "err.request.text_too_long", "Max", core.MaxRequestTextLen)
	}
	return nil
}

// newAction starts a request about the card, deal or document whose
// button was pressed (payload "client:12", "deal:5", "document:7").
func newAction(c *bot.Context) error {
	kind, id, ok := strings.Cut(c.Button.Payload, ":")
	n, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil || n <= 0 {
		return core.Errorf(core.EINVALID, "err.button.expired")
	}
	d := map[string]string{}
	switch kind {
	case "client":
		cl, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), n)
		if err != nil {
			return err
		}
		if cl.MergedInto != 0 {
			return cards.MergedError(c, cl)
		}
		d["client_id"] = id
	case "deal":
		if _, err := c.Svc.DealByID(c.Ctx(), c.Actor(), n); err != nil {
			return err
		}
		d["deal_id"] = id
	case "document":
		if _, err := c.Svc.DocumentByID(c.Ctx(), c.Actor(), n); err != nil {
			return err
		}
		d["document_id"] = id
	default:
		return core.Errorf(core.EINVALID, "err.button.expired")
	}
	return c.Start("request.new", d)
}

// requestID reads the request's number from a button's payload.
func requestID(c *bot.Context) (int64, string, error) {
	first, rest := bot.FirstWord(c.Button.Payload)
	id, err := bot.ParseID(first, "err.button.expired")
	return id, rest, err
}

// showAction shows a request's card, or its files (payload "12 files").
func showAction(c *bot.Context) error {
	id, rest, err := requestID(c)
	if err != nil {
		return err
	}
	if rest == "files" {
		return sendFiles(c, id)
	}
	return showCard(c, id, "", nil)
}

// takeAction takes a new request and shows its card. Once it is taken —
// now, or by someone before (core says who) — the pressed message loses
// its buttons, as a decided question does; a press refused for the
// presser's role keeps them for whoever may take it.
func takeAction(c *bot.Context) error {
	id, _, err := requestID(c)
	if err != nil {
		return err
	}
	r, err := c.Svc.TakeRequest(c.Ctx(), c.Actor(), id)
	if err == nil || core.ErrorCode(err) == core.ECONFLICT {
		if c.Update.MessageID != "" {
			if err := c.Send(bot.Reply{Edit: true}); err != nil {
				return err
			}
		}
	}
	if err != nil {
		return err
	}
	return showCard(c, r.ID, "msg.request.taken", r)
}

// stepAction starts the dialog of a step that needs words: the officer
// to pass it to, the question, the answer, the result, the reason. The
// request must be open (and, to answer, waiting for its requester).
func stepAction(flow string) bot.Handler {
	return func(c *bot.Context) error {
		id, _, err := requestID(c)
		if err != nil {
			return err
		}
		return startStep(c, flow, id)
	}
}

func startStep(c *bot.Context, flow string, id int64) error {
	r, err := c.Svc.ShowRequest(c.Ctx(), c.Actor(), id)
	if err != nil {
		return err
	}
	if r.Status.Closed() {
		return core.Errorf(core.ECONFLICT, "err.request.closed", "ID", r.ID, "Status", string(r.Status))
	}
	if flow == "request.answer" {
		switch {
		case r.RequesterID != c.User.ID:
			return core.Errorf(core.EFORBIDDEN, "err.request.not_requester", "ID", r.ID)
		case r.Status != core.RequestWaiting:
			return core.Errorf(core.ECONFLICT, "err.request.not_waiting", "ID", r.ID)
		}
	}
	if flow == "request.done" && r.Type == core.RequestIntake {
		return core.Errorf(core.EINVALID, "err.request.intake_done", "ID", r.ID)
	}
	return c.Start(flow, map[string]string{"id": strconv.FormatInt(r.ID, 10)})
}

// answerNow answers a request's question in one message, with the files
// sent with it: /request 12 ответ <text>.
func answerNow(c *bot.Context, id int64, text string) error {
	if strings.TrimSpace(text) == "" {
		if len(c.Update.Files) > 0 {
			return core.Errorf(core.EINVALID, "err.request.answer_required")
		}
		return startStep(c, "request.answer", id)
	}
	files, err := attachments(c, filesData(c, nil)["files"])
	if err != nil {
		return err
	}
	r, err := c.Svc.AnswerRequest(c.Ctx(), c.Actor(), id, text, files)
	if err != nil {
		return err
	}
	return c.Reply("msg.request.answered", bot.Args{"ID": r.ID, "Files": len(files)},
		bot.Row(showButton(r.ID)))
}

// sendFiles sends the files of a request and of its thread.
func sendFiles(c *bot.Context, id int64) error {
	r, err := c.Svc.ShowRequest(c.Ctx(), c.Actor(), id)
	if err != nil {
		return err
	}
	var files []bot.File
	add := func(fs []core.FileRef) {
		for _, f := range fs {
			files = append(files, bot.File{Name: f.Name, MIME: f.MIME, SHA256: f.SHA256})
		}
	}
	add(r.Files)
	for _, m := range r.Messages {
		add(m.Files)
	}
	if len(files) == 0 {
		return c.Reply("msg.request.no_files", bot.Args{"ID": r.ID})
	}
	return c.Send(bot.Reply{Key: "msg.request.files", Args: bot.Args{"ID": r.ID, "Count": len(files)}, Files: files})
}

// showButton opens a request's card.
func showButton(id int64) bot.Button {
	return bot.Button{LabelKey: "btn.request.show", Action: core.ActionRequestShow, Payload: strconv.FormatInt(id, 10)}
}
