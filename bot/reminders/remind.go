package reminders

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/cards"
	"github.com/dealdesk/dealdesk/core"
)

// maxNameWords is the most words of a client's name before the time.
const maxNameWords = 4

// maxChoices is the most cards offered to pick from.
const maxChoices = 8

// maxListed is the most pending reminders /remind lists, and maxCancel the
// most of them that get a cancel button (any other is cancelled by
// «/remind отменить <n>»).
const (
	maxListed = 30
	maxCancel = 10
)

// subject is what a reminder is about, read from /remind.
type subject struct {
	dealID, taskID, clientID int64
	about                    string // as the echo names it
	query                    string // a name or INN that several cards share: they are offered
}

// remind sets a custom reminder from one message:
//
//	/remind [deal number | task #id | client's INN or name] <when> <text>
//
// and echoes the time it understood with its weekday and time zone, with
// «Исправить» and «Отменить». /remind alone lists the user's pending
// reminders.
func remind(c *bot.Context) error {
	args := strings.TrimSpace(c.Update.Args)
	if args == "" {
		return list(c)
	}
	words := strings.Fields(args)
	if n, ok := cancelRef(words); ok {
		return cancelNth(c, n)
	}
	subj, words, err := cutSubject(c, words)
	if err != nil {
		return err
	}
	now, clock := c.Now(), dayStart(c)
	cal, loc := c.Svc.Calendar(), c.P.Location()
	w, text, found, err := core.CutWhen(strings.Join(words, " "), now, loc, cal, clock)
	if !found && subj == nil {
		// A client's name may come before the time: «ромашка завтра 10:00
		// позвонить».
		for n := 1; n <= maxNameWords && n < len(words); n++ {
			nw, ntext, nfound, nerr := core.CutWhen(strings.Join(words[n:], " "), now, loc, cal, clock)
			if !nfound || nerr != nil {
				continue
			}
			name := normWord(strings.Join(words[:n], " "))
			cs, lerr := cards.LookupClients(c, name, 2*maxChoices)
			if lerr != nil {
				break // not a client: the time is not where it should be
			}
			if subj, err = clientSubject(c, name, cs); err != nil {
				return err
			}
			w, text, found, err = nw, ntext, true, nil
			break
		}
	}
	switch {
	case err != nil:
		return err // a time meant but wrong («31.02», «завтра 25:00»), said with the forms that are read
	case !found:
		return c.Reply("msg.remind.unreadable", bot.Args{"Text": strings.Join(words, " ")})
	case !w.At.After(now):
		args := whenArgs(c, w.At)
		args["Text"] = w.Text
		return c.Reply("msg.remind.past", args)
	case strings.TrimSpace(text) == "":
		return c.Reply("msg.remind.no_text", bot.Args{"When": w.Text})
	}
	if subj != nil && subj.query != "" {
		return c.Start("reminder.client", map[string]string{"at": w.At.Format(time.RFC3339), "text": text,
			"given": strconv.FormatBool(w.TimeGiven), "query": subj.query})
	}
	return create(c, subj, w.At, w.TimeGiven, text)
}

// create sets the reminder and echoes it.
func create(c *bot.Context, subj *subject, at time.Time, given bool, text string) error {
	cr := core.CustomReminder{At: at, Text: text}
	about := ""
	if subj != nil {
		cr.DealID, cr.TaskID, cr.ClientID, about = subj.dealID, subj.taskID, subj.clientID, subj.about
	}
	r, err := c.Svc.CreateReminder(c.Ctx(), c.Actor(), cr)
	if err != nil {
		return err
	}
	return echo(c, r, given, about)
}

// echo says when a custom reminder will fire, in the user's time zone and
// words, with the buttons to correct its time or cancel it.
func echo(c *bot.Context, r *core.Reminder, given bool, about string) error {
	args := whenArgs(c, r.DueAt)
	args["Text"], args["About"], args["Default"] = r.Text, about, !given
	id := strconv.FormatInt(r.ID, 10)
	return c.Reply("msg.remind.set", args, bot.Row(
		bot.Button{LabelKey: "btn.remind.retime", Action: core.ActionReminderRetime, Payload: id},
		bot.Button{LabelKey: "btn.remind.cancel", Action: core.ActionReminderCancel, Payload: id}))
}

// cutSubject takes what the reminder is about from the start of the
// words: a deal number, a task («#12», «задача 12», "task #12") or a
// client's INN. A name is found later, before the time.
func cutSubject(c *bot.Context, words []string) (*subject, []string, error) {
	first := strings.Trim(words[0], ",.;:")
	if _, ok := core.ParseDealNumber(first); ok {
		d, err := c.Svc.FindDealByNumber(c.Ctx(), c.Actor(), first)
		if err != nil {
			return nil, nil, err
		}
		return &subject{dealID: d.ID, about: c.T("msg.remind.about_deal", bot.Args{"Number": d.Number,
			"Title": d.Title})}, words[1:], nil
	}
	if id, n, ok := taskRef(words); ok {
		t, err := c.Svc.TaskByID(c.Ctx(), c.Actor(), id)
		if err != nil {
			return nil, nil, err
		}
		return &subject{taskID: t.ID, about: c.T("msg.remind.about_task", bot.Args{"ID": t.ID,
			"Title": t.Title})}, words[n:], nil
	}
	if cards.INNShaped(first) && len(words) > 1 {
		cs, err := cards.LookupClients(c, first, 2*maxChoices)
		if err != nil {
			return nil, nil, err
		}
		s, err := clientSubject(c, first, cs)
		return s, words[1:], err
	}
	return nil, words, nil
}

// taskWords are the words that may name a task before its number.
var taskWords = []string{"задача", "задаче", "задачи", "задачу", "task"}

// taskRef reads a task reference at the start of the words: «#12», or a
// task word and the number («задача #12», "task 12"). It returns the id
// and how many words it took.
func taskRef(words []string) (id int64, n int, ok bool) {
	num := func(s string, hash bool) (int64, bool) {
		s = strings.Trim(s, ",.;:")
		if hash {
			var cut bool
			if s, cut = strings.CutPrefix(s, "#"); !cut {
				return 0, false
			}
		} else {
			s = strings.TrimPrefix(s, "#")
		}
		v, err := strconv.ParseInt(s, 10, 64)
		return v, err == nil && v > 0
	}
	if v, ok := num(words[0], true); ok {
		return v, 1, true
	}
	if len(words) > 1 && slices.Contains(taskWords, normWord(words[0])) {
		if v, ok := num(words[1], false); ok {
			return v, 2, true
		}
	}
	return 0, 0, false
}

// clientSubject makes the cards found for what was typed the reminder's
// client: one working card is taken; several are offered.
func clientSubject(c *bot.Context, query string, cs []*core.Client) (*subject, error) {
	w := cards.Working(cs)
	switch len(w) {
	case 0:
		return nil, cards.MergedError(c, cs[0])
	case 1:
		return &subject{clientID: w[0].ID, about: clientAbout(c, w[0])}, nil
	}
	return &subject{query: query}, nil
}

// aboutOf names what a reminder is about, from its message's arguments,
// as the echo does.
func aboutOf(c *bot.Context, args map[string]any) string {
	switch {
	case args["Task"] != nil:
		return c.T("msg.remind.about_task", bot.Args{"ID": args["Task"], "Title": args["TaskTitle"]})
	case args["Deal"] != nil:
		return c.T("msg.remind.about_deal", bot.Args{"Number": args["Deal"], "Title": args["DealTitle"]})
	case args["Client"] != nil:
		return c.T("msg.remind.about_client", bot.Args{"Name": args["Client"]})
	}
	return ""
}

func clientAbout(c *bot.Context, cl *core.Client) string {
	return c.T("msg.remind.about_client", bot.Args{"Name": cl.Name(), "INN": cl.INN})
}

// clientFlow asks which of several cards a reminder is about.
func clientFlow() *bot.Flow {
	return &bot.Flow{Name: "reminder.client", First: "client", Perm: core.PermTasks, Steps: map[string]*bot.Step{
		"client": {Prompt: func(c *bot.Context) error {
			q := c.Conv.Data["query"]
			cs, err := cards.LookupClients(c, q, 2*maxChoices)
			if err != nil {
				return err
			}
			rows := append(cards.ClientChoices(cards.Working(cs), "client:", maxChoices),
				bot.Row(bot.Choice("btn.remind.no_client", nil, bot.Skip)))
			return c.Reply("flow.remind.client", bot.Args{"Query": q}, rows...)
		}, Input: func(c *bot.Context, s string) (string, error) {
			d := c.Conv.Data
			var subj *subject
			if !bot.IsSkip(s) {
				id, ok := strings.CutPrefix(s, "client:")
				n, err := strconv.ParseInt(id, 10, 64)
				if !ok || err != nil {
					return "", core.Errorf(core.EINVALID, "err.choose.button")
				}
				cl, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), n)
				if err != nil {
					return "", bot.AsInvalid(err)
				}
				subj = &subject{clientID: cl.ID, about: clientAbout(c, cl)}
			}
			at, _ := time.Parse(time.RFC3339, d["at"])
			given := d["given"] == "true"
			if err := c.Finish(); err != nil {
				return "", err
			}
			return "", create(c, subj, at, given, d["text"])
		}},
	}}
}

// list answers /remind alone: how to set a reminder, and the user's
// pending reminders, with a button to cancel each of their own (the first
// maxCancel; any other by «/remind отменить <n>»).
func list(c *bot.Context) error {
	rs, err := c.Svc.MyReminders(c.Ctx(), c.Actor())
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString(c.T("msg.remind.usage", nil))
	if len(rs) == 0 {
		b.WriteString("\n\n" + c.T("msg.remind.none", nil))
		return c.Send(bot.Reply{Text: b.String()})
	}
	b.WriteString("\n\n" + c.T("msg.remind.pending", bot.Args{"Count": len(rs)}))
	var rows [][]bot.Button
	unbuttoned := false
	for i, r := range rs {
		if i == maxListed {
			b.WriteString("\n" + c.T("msg.remind.more", bot.Args{"Count": len(rs) - maxListed}))
			break
		}
		v, err := c.Svc.ShowReminder(c.Ctx(), c.Actor(), r.ID)
		if err != nil {
			return err
		}
		args := whenArgs(c, r.DueAt)
		args["N"] = i + 1
		if r.Kind != core.ReminderCustom {
			args["What"] = what(c, v)
			b.WriteString("\n" + c.T("msg.remind.line", args))
			continue
		}
		// One's own: its text and what it is about; its time is the line's.
		args["Text"], args["About"] = r.Text, aboutOf(c, v.Args)
		b.WriteString("\n" + c.T("msg.remind.line_custom", args))
		if len(rows) == maxCancel {
			unbuttoned = true
			continue
		}
		rows = append(rows, bot.Row(bot.Button{LabelKey: "btn.remind.cancel_n", Args: bot.Args{"N": i + 1},
			Action: core.ActionReminderCancel, Payload: strconv.FormatInt(r.ID, 10)}))
	}
	if unbuttoned {
		b.WriteString("\n\n" + c.T("msg.remind.cancel_hint", nil))
	}
	return c.Send(bot.Reply{Text: b.String(), Buttons: rows})
}

// cancelWords start «/remind отменить <n>».
var cancelWords = []string{"отменить", "отмени", "отмена", "cancel"}

// cancelRef reads «отменить <n>» (n as /remind lists it, «№5» and «#5»
// too).
func cancelRef(words []string) (int, bool) {
	if len(words) != 2 || !slices.Contains(cancelWords, normWord(words[0])) {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimLeft(normWord(words[1]), "№#"))
	return n, err == nil
}

// cancelNth cancels one's own pending reminder by its number in /remind's
// list, which it reads again (the echo names the one cancelled).
func cancelNth(c *bot.Context, n int) error {
	rs, err := c.Svc.MyReminders(c.Ctx(), c.Actor())
	if err != nil {
		return err
	}
	if n < 1 || n > len(rs) {
		return core.Errorf(core.EINVALID, "err.remind.cancel_n", "N", n, "Count", len(rs))
	}
	r := rs[n-1]
	if r.Kind != core.ReminderCustom {
		return core.Errorf(core.EINVALID, "err.remind.cancel_kind", "N", n)
	}
	if r, err = c.Svc.CancelReminder(c.Ctx(), c.Actor(), r.ID); err != nil {
		return err
	}
	args := whenArgs(c, r.DueAt)
	args["Text"] = r.Text
	return c.Reply("msg.remind.cancelled", args)
}

// ownPending reads the custom reminder a button names, the user's own and
// not fired yet; one that fired or was cancelled meanwhile is refused with
// a pop-up.
func ownPending(c *bot.Context) (*core.Reminder, error) {
	id, err := strconv.ParseInt(c.Button.Payload, 10, 64)
	if err != nil || id <= 0 {
		return nil, core.Errorf(core.EINVALID, "err.button.expired")
	}
	r, err := c.Svc.ReminderByID(c.Ctx(), c.Actor(), id)
	if err != nil {
		return nil, err
	}
	if r.UserID != c.User.ID || r.Kind != core.ReminderCustom {
		return nil, core.Errorf(core.ENOTFOUND, "err.reminder.not_found")
	}
	if r.Status != core.ReminderPending {
		return nil, core.Errorf(core.EINVALID, "err.button.reminder_not_pending")
	}
	return r, nil
}

// notPending makes core's refusal of a reminder that is no longer pending
// a refusal of the press.
func notPending(err error) error {
	if key, _ := core.ErrorKey(err); key == "err.reminder.answered" {
		return core.Errorf(core.EINVALID, "err.button.reminder_not_pending")
	}
	return err
}

// cancelAction cancels one's own pending reminder.
func cancelAction(c *bot.Context) error {
	r, err := ownPending(c)
	if err != nil {
		return err
	}
	if r, err = c.Svc.CancelReminder(c.Ctx(), c.Actor(), r.ID); err != nil {
		return notPending(err)
	}
	args := whenArgs(c, r.DueAt)
	args["Text"] = r.Text
	return c.Reply("msg.remind.cancelled", args)
}

// retimeAction asks for the new time of a reminder just set.
func retimeAction(c *bot.Context) error {
	r, err := ownPending(c)
	if err != nil {
		return err
	}
	v, err := c.Svc.ShowReminder(c.Ctx(), c.Actor(), r.ID)
	if err != nil {
		return err
	}
	return c.Start("reminder.retime", map[string]string{"id": strconv.FormatInt(r.ID, 10), "text": r.Text,
		"about": aboutOf(c, v.Args)})
}

// retimeFlow takes the corrected time, in the same words as /remind.
func retimeFlow() *bot.Flow {
	return &bot.Flow{Name: "reminder.retime", First: "when", Perm: core.PermTasks, Steps: map[string]*bot.Step{
		"when": {Prompt: func(c *bot.Context) error {
			return c.Reply("flow.remind.retime", bot.Args{"Text": c.Conv.Data["text"]})
		}, Input: func(c *bot.Context, s string) (string, error) {
			now := c.Now()
			w, err := core.ParseWhen(s, now, c.P.Location(), c.Svc.Calendar(), dayStart(c))
			if err != nil {
				return "", err
			}
			if !w.At.After(now) {
				args := whenArgs(c, w.At)
				args["Text"] = w.Text
				return "", core.Errorf(core.EINVALID, "err.remind.past", "Date", args["Date"],
					"Weekday", args["Weekday"], "Clock", args["Clock"], "Zone", args["Zone"])
			}
			r, err := c.Svc.RetimeReminder(c.Ctx(), c.Actor(), convID(c), w.At)
			if err != nil {
				if core.ErrorCode(err) == core.EINVALID {
					return "", err
				}
				return endWith(c, err)
			}
			about := c.Conv.Data["about"]
			if err := c.Finish(); err != nil {
				return "", err
			}
			return "", echo(c, r, w.TimeGiven, about)
		}},
	}}
}
