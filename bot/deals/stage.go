package deals

import (
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// forwardLabels are the buttons that move a deal to the next stage.
var forwardLabels = map[core.Stage]string{
	core.StageVerification: "btn.deal.to.verification",
	core.StageDocuments:    "btn.deal.to.documents",
	core.StageApproval:     "btn.deal.to.approval",
	core.StageSigning:      "btn.deal.to.signing",
	core.StageActive:       "btn.deal.to.active",
}

// stageButtons are the moves the user may make with the deal, as card
// buttons: forward and won on one row, back and lost on the next, reopen
// on its own. A button names the stage the card shows, so that a stale
// card cannot move the deal twice.
func stageButtons(c *bot.Context, d *core.Deal) [][]bot.Button {
	var ahead, behind []bot.Button
	for _, m := range core.StageMoves(c.Actor(), d) {
		b := bot.Button{Action: core.ActionDealStage, Payload: stagePayload(d.ID, d.Stage, m.To)}
		switch m.Move {
		case core.MoveForward:
			b.LabelKey = forwardLabels[m.To]
			ahead = append(ahead, b)
		case core.MoveWon:
			b.LabelKey = "btn.deal.won"
			ahead = append(ahead, b)
		case core.MoveBack:
			b.LabelKey, b.Args = "btn.deal.back", bot.Args{"Stage": stageName(c, m.To)}
			behind = append(behind, b)
		case core.MoveLost:
			b.LabelKey = "btn.deal.lost"
			behind = append(behind, b)
		case core.MoveReopen:
			b.LabelKey = "btn.deal.reopen"
			behind = append(behind, b)
		}
	}
	var rows [][]bot.Button
	for _, row := range [][]bot.Button{ahead, behind} {
		if len(row) > 0 {
			rows = append(rows, row)
		}
	}
	return rows
}

func stageName(c *bot.Context, s core.Stage) string { return c.T("stage."+string(s), nil) }

// stagePayload is "<deal id>/<stage seen>/<stage to>".
func stagePayload(id int64, from, to core.Stage) string {
	return strconv.FormatInt(id, 10) + "/" + string(from) + "/" + string(to)
}

func parseStagePayload(p string) (id int64, from, to core.Stage, err error) {
	parts := strings.Split(p, "/")
	if len(parts) == 3 {
		id, err = strconv.ParseInt(parts[0], 10, 64)
		from, to = core.Stage(parts[1]), core.Stage(parts[2])
	}
	if len(parts) != 3 || err != nil || !from.Valid() || !to.Valid() {
		return 0, "", "", core.Errorf(core.EINVALID, "err.button.expired")
	}
	return id, from, to, nil
}

// stageAction moves a deal by a card's button: a forward move or closing
// as won at once, with the new card; a move that needs a reason asks it
// first (the deal.stage dialog).
func stageAction(c *bot.Context) error {
	id, from, to, err := parseStagePayload(c.Button.Payload)
	if err != nil {
		return err
	}
	d, err := c.Svc.DealByID(c.Ctx(), c.Actor(), id)
	if err != nil {
		return err
	}
	m, err := core.CheckStageMove(c.Actor(), d, from, to)
	if err != nil {
		return stageRefused(c, d, err)
	}
	if m.NeedsReason() {
		return c.Start("deal.stage", map[string]string{"deal_id": strconv.FormatInt(id, 10), "number": d.Number,
			"title": d.Title, "from": string(from), "to": string(to), "move": string(m)})
	}
	moved, err := c.Svc.MoveDeal(c.Ctx(), c.Actor(), id, from, to, "")
	if err != nil {
		return stageRefused(c, d, err)
	}
	return showMoved(c, moved, m)
}

// stageRefused answers a refused move; when the deal moved meanwhile, its
// card as it is now follows, with the buttons that apply to it.
func stageRefused(c *bot.Context, d *core.Deal, err error) error {
	if core.ErrorCode(err) != core.ECONFLICT {
		return err
	}
	key, args := core.ErrorKey(err)
	if err := c.Reply(key, args); err != nil {
		return err
	}
	fresh, ferr := c.Svc.DealByID(c.Ctx(), c.Actor(), d.ID)
	if ferr != nil {
		return ferr
	}
	return showDeal(c, fresh)
}

// showMoved says what the move did, above the deal's new card.
func showMoved(c *bot.Context, d *core.Deal, m core.StageMove) error {
	var key string
	switch m {
	case core.MoveBack:
		key = "msg.deal.stage.back"
	case core.MoveWon:
		key = "msg.deal.stage.won"
	case core.MoveLost:
		key = "msg.deal.stage.lost"
	case core.MoveReopen:
		key = "msg.deal.stage.reopen"
	default:
		key = "msg.deal.stage.forward"
	}
	head := c.T(key, bot.Args{"Number": d.Number, "Stage": stageName(c, d.Stage)})
	return c.Send(bot.Reply{Text: head + "\n\n" + dealCard(c, d), Buttons: dealButtons(c, d)})
}

// cancelReason is the value of the reason step's Cancel button; typed, it
// would be the /cancel command, so only the button sends it here.
const cancelReason = "/cancel"

// stageFlow asks the reason of a move back, a loss or a reopening, then
// makes the move.
func stageFlow() *bot.Flow {
	return &bot.Flow{Name: "deal.stage", First: "reason", Perm: core.PermEditDeals, Steps: map[string]*bot.Step{
		"reason": {Prompt: askReason, Input: moveWithReason},
	}}
}

func askReason(c *bot.Context) error {
	d := c.Conv.Data
	var key string
	switch core.StageMove(d["move"]) {
	case core.MoveLost:
		key = "flow.deal.reason.lost"
	case core.MoveReopen:
		key = "flow.deal.reason.reopen"
	default:
		key = "flow.deal.reason.back"
	}
	return c.Reply(key, bot.Args{"Number": d["number"], "Title": d["title"], "Stage": stageName(c, core.Stage(d["to"]))},
		bot.Row(bot.Choice("btn.cancel", nil, cancelReason)))
}

// moveWithReason makes the move with the reason typed. A wrong reason asks
// again; any other refusal ends the dialog and says why.
func moveWithReason(c *bot.Context, s string) (string, error) {
	d := c.Conv.Data
	id, _ := strconv.ParseInt(d["deal_id"], 10, 64)
	if s == cancelReason {
		if err := c.Finish(); err != nil {
			return "", err
		}
		if err := c.Reply("msg.cancel.done", nil); err != nil {
			return "", err
		}
		deal, err := c.Svc.DealByID(c.Ctx(), c.Actor(), id)
		if err != nil {
			return "", err
		}
		return "", showDeal(c, deal)
	}
	if bot.IsSkip(s) {
		s = ""
	}
	moved, err := c.Svc.MoveDeal(c.Ctx(), c.Actor(), id, core.Stage(d["from"]), core.Stage(d["to"]), s)
	if key, _ := core.ErrorKey(err); key == "err.deal.reason_required" || key == "err.deal.reason_too_long" {
		return "", err
	}
	if ferr := c.Finish(); err == nil {
		err = ferr
	}
	if err != nil {
		if core.ErrorCode(err) == core.ECONFLICT {
			return "", stageRefused(c, &core.Deal{ID: id}, err)
		}
		return "", err
	}
	return "", showMoved(c, moved, core.StageMove(d["move"]))
}
