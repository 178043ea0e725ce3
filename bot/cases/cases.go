// Package cases is the chat side of case discussions (обсуждения кейсов):
// /case opens one about a deal or a client card in a work chat (a forum
// topic, a Mattermost thread, or the chat itself where it has no threads),
// shows it and closes it with its resolution; /cases lists a record's
// cases; and every message written in an open case's thread is collected
// into the case, its #решение and #задача tags taken.
package cases

import (
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/cards"
	"github.com/dealdesk/dealdesk/core"
)

// Register registers case discussions: /case and /cases, the buttons that
// open, show and close a case, their dialogs and the collection of the
// messages written in a case's thread.
func Register(r *bot.Router) {
	// Opening and closing a case change something: on a platform that
	// cannot prove who typed the command (Mattermost's /crm) it runs once
	// confirmed, which a view's permission would skip. Every role has
	// tasks, and every role may open a case about what it sees.
	r.Command("case", core.PermTasks, caseCmd)
	r.Command("cases", core.PermViewClients, casesCmd)
	r.Action(core.ActionCaseOpen, core.PermTasks, openAction)
	r.View(core.ActionCaseShow, core.PermViewClients, showAction)
	r.Action(core.ActionCaseClose, core.PermTasks, closeAction)
	r.Flow(openFlow())
	r.Flow(closeFlow())
	// A case is collected wherever it is kept: a group's thread or the
	// group itself, and the console's one chat, which is private. A
	// dialog's answer and a command go to their handlers first; in a
	// private chat without a case, collect lets the message go on.
	r.GroupText("", collect)
	r.Text("", collect)
}

// closeWords ask /case to close a case, in both languages.
var closeWords = []string{"close", "закрыть"}

// caseCmd is /case: alone in a case's thread it shows the case; «/case
// close [n]» closes one; «/case #n» shows one; anything else opens one:
// «/case <deal, INN or name> <topic> [+юрист] [+андеррайтер] [+Фамилия]».
func caseCmd(c *bot.Context) error {
	args := strings.TrimSpace(c.Update.Args)
	first, rest := bot.FirstWord(args)
	switch {
	case args == "":
		cs, err := here(c)
		if core.IsNotFound(err) {
			return c.Reply("msg.case.usage", nil)
		} else if err != nil {
			return err
		}
		return show(c, cs.ID)
	case isWord(first, closeWords):
		if rest == "" {
			cs, err := here(c)
			if core.IsNotFound(err) {
				return c.Reply("msg.case.close_usage", nil)
			} else if err != nil {
				return err
			}
			return startClose(c, cs.ID)
		}
		id, err := bot.ParseID(rest, "msg.case.close_usage")
		if err != nil {
			return c.Reply("msg.case.close_usage", nil)
		}
		return startClose(c, id)
	case strings.HasPrefix(first, "#") && rest == "":
		id, err := bot.ParseID(first, "msg.case.usage")
		if err != nil {
			return c.Reply("msg.case.usage", nil)
		}
		return show(c, id)
	}
	return quickOpen(c, args)
}

// here is the open case of the thread (or chat) the update came from: a
// group's, or the console's chat, which keeps a case in itself.
func here(c *bot.Context) (*core.Case, error) {
	u := c.Update
	return c.Svc.CaseAt(c.Ctx(), c.Actor(), u.Platform, u.ChatID, u.ThreadID)
}

func isWord(w string, words []string) bool {
	for _, x := range words {
		if strings.EqualFold(w, x) {
			return true
		}
	}
	return false
}

func showAction(c *bot.Context) error {
	id, err := bot.ParseID(c.Button.Payload, "err.button.expired")
	if err != nil {
		return err
	}
	return show(c, id)
}

// show sends a case's card: what it is about, where it goes on, who takes
// part, its decisions and tasks, and its resolution once closed, with a
// button to close it for whoever may, and the deal and its history.
func show(c *bot.Context, id int64) error {
	r, err := c.Svc.CaseByID(c.Ctx(), c.Actor(), id)
	if err != nil {
		return err
	}
	return c.Send(bot.Reply{Text: cards.CaseCard(c, r), Buttons: caseButtons(c, r)})
}

func caseButtons(c *bot.Context, r *core.CaseReport) [][]bot.Button {
	cs := r.Case
	var row []bot.Button
	if r.MayClose {
		row = append(row, bot.Button{LabelKey: "btn.case.close", Args: bot.Args{"ID": cs.ID}, Action: core.ActionCaseClose,
			Payload: strconv.FormatInt(cs.ID, 10)})
	}
	if r.Deal != nil && c.User.Can(core.PermViewDeals) {
		row = append(row, bot.Button{LabelKey: "btn.deal.open", Args: bot.Args{"Number": r.Deal.Number},
			Action: core.ActionDealShow, Payload: strconv.FormatInt(r.Deal.ID, 10)})
	}
	if c.User.Can(core.PermHistory) {
		ref := ""
		switch {
		case r.Deal != nil:
			ref = r.Deal.Number
		case r.Client != nil:
			ref = r.Client.INN
		}
		if ref != "" {
			row = append(row, bot.Button{LabelKey: "btn.history", Action: core.ActionHistoryShow, Payload: ref})
		}
	}
	if len(row) == 0 {
		return nil
	}
	return [][]bot.Button{row}
}

// maxListed is how many cases /cases lists with a button each.
const maxListed = 10

// casesCmd is /cases <deal, INN or name>: the record's cases, open ones
// first, with their decisions and tasks, each with a button to its card.
func casesCmd(c *bot.Context) error {
	arg := strings.TrimSpace(c.Update.Args)
	if arg == "" {
		return c.Reply("msg.cases.usage", nil)
	}
	subj, rest, err := readSubject(c, strings.Fields(arg))
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return c.Reply("msg.cases.usage", nil)
	}
	if subj.query != "" {
		return core.Errorf(core.EINVALID, "err.case.several_cards", "Query", subj.query, "Names",
			strings.Join(cards.DuplicateNames(subj.choices), "; "))
	}
	list, err := c.Svc.CasesOf(c.Ctx(), c.Actor(), subj.ref)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return c.Reply("msg.cases.none", bot.Args{"Subject": subj.label})
	}
	text := c.T("msg.cases.title", bot.Args{"Subject": subj.label, "Count": len(list)}) + "\n" +
		cards.CaseLines(c, list, len(list))
	var rows [][]bot.Button
	for i, cs := range list {
		if i == maxListed {
			break
		}
		rows = append(rows, bot.Row(bot.Button{LabelKey: "btn.case.show", Args: bot.Args{"ID": cs.ID, "Topic": cs.Topic},
			Action: core.ActionCaseShow, Payload: strconv.FormatInt(cs.ID, 10)}))
	}
	return c.Send(bot.Reply{Text: text, Buttons: rows})
}
