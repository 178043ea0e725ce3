package cases

import (
	"strconv"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

func closeAction(c *bot.Context) error {
	id, err := bot.ParseID(c.Button.Payload, "err.button.expired")
	if err != nil {
		return err
	}
	return startClose(c, id)
}

// startClose asks for a case's resolution, once it is known that the user
// may close it.
func startClose(c *bot.Context, id int64) error {
	r, err := c.Svc.CaseByID(c.Ctx(), c.Actor(), id)
	if err != nil {
		return err
	}
	switch {
	case r.Case.Status != core.CaseOpen:
		return core.Errorf(core.ECONFLICT, "err.case.closed", "ID", id)
	case !r.MayClose:
		return core.Errorf(core.EFORBIDDEN, "err.case.close_forbidden", "ID", id)
	}
	return c.Start("case.close", map[string]string{"case_id": strconv.FormatInt(id, 10), "topic": r.Case.Topic})
}

// closeFlow asks for the resolution of a case and closes it: the thread is
// told (core writes it there); asked elsewhere, the user is answered too.
func closeFlow() *bot.Flow {
	return &bot.Flow{Name: "case.close", First: "resolution", Perm: core.PermTasks, Steps: map[string]*bot.Step{
		"resolution": {Prompt: func(c *bot.Context) error {
			return c.Reply("flow.case.resolution", bot.Args{"ID": c.Conv.Data["case_id"], "Topic": c.Conv.Data["topic"]})
		}, Input: bot.FinalInput("err.case.resolution_required", func(c *bot.Context, s string) (*bot.Reply, error) {
			id, _ := strconv.ParseInt(c.Conv.Data["case_id"], 10, 64)
			cs, err := c.Svc.CloseCase(c.Ctx(), c.Actor(), id, s)
			if err != nil {
				return nil, err
			}
			u := c.Update
			if u.Platform == cs.Platform && u.ChatID == cs.ChatID && u.ThreadID == cs.ThreadID {
				return nil, nil // the thread is told
			}
			return &bot.Reply{Key: "msg.case.closed", Args: bot.Args{"ID": cs.ID, "Topic": cs.Topic}}, nil
		})},
	}}
}
