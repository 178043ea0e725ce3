package cases

import (
	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// collect takes a plain message written where a case is open (its
// thread, or the chat that keeps it: a plain group, the console) into the
// case, with its files; the bot stays silent about it unless a tag made
// something (a decision, a task) or could not be read. A message anywhere
// else is not its business. Only known, active users' messages come here:
// a stranger's is not even handed to the use cases; and one of someone
// who may not see the case's deal is not collected (a tag in it is
// refused, with why).
func collect(c *bot.Context, text string) (bool, error) {
	u := c.Update
	if _, err := c.Svc.CaseAt(c.Ctx(), c.Actor(), u.Platform, u.ChatID, u.ThreadID); core.IsNotFound(err) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	in := core.CaseInput{Platform: u.Platform, ChatID: u.ChatID, ThreadID: u.ThreadID, PlatformID: u.MessageID, Text: text,
		Talk: c.TalkOnly()}
	// Files are fetched before anything is written, as any call over the
	// network is; one that cannot be fetched is left out, and said.
	var lost []error
	for _, f := range u.Files {
		data, err := c.Download(f)
		if err != nil {
			if core.ErrorCode(err) == core.EINTERNAL {
				return true, err
			}
			lost = append(lost, err)
			continue
		}
		in.Files = append(in.Files, core.CaseFile{Name: f.Name, MIME: f.MIME, Data: data})
	}
	res, err := c.Svc.CollectCaseMessage(c.Ctx(), c.Actor(), in)
	if err != nil || res == nil {
		return res != nil, err
	}
	if res.Duplicate {
		return true, nil
	}
	if res.Message == nil { // not collected: a tag of someone who may not see the deal
		if res.Problem == nil {
			return true, nil
		}
		key, pargs := core.ErrorKey(res.Problem)
		return true, c.Send(bot.Reply{Text: c.T(key, pargs)})
	}
	for _, e := range lost {
		key, args := core.ErrorKey(e)
		if err := c.Reply("msg.case.file_lost", bot.Args{"Why": c.T(key, args)}); err != nil {
			return true, err
		}
	}
	args := bot.Args{"ID": res.Case.ID, "Topic": res.Case.Topic, "OnDeal": res.Case.DealID != 0}
	switch {
	case res.Problem != nil:
		key, pargs := core.ErrorKey(res.Problem)
		return true, c.Send(bot.Reply{Text: c.T(key, pargs) + "\n" + c.T("msg.case.form."+res.ProblemTag, nil)})
	case res.Task != nil:
		t := res.Task
		args["Task"], args["Title"], args["Due"], args["Decision"] = t.ID, t.Title, t.Due, res.Decision != ""
		if who, err := c.Svc.UserByID(c.Ctx(), t.AssigneeID); err == nil {
			args["Who"] = who.Name
		}
		return true, c.Reply("msg.case.task_made", args)
	case res.Decision != "":
		return true, c.Reply("msg.case.decision_made", args)
	}
	return true, nil
}
