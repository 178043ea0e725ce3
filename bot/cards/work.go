package cards

import (
	"strconv"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// WorkButtons is the row of cross-department work on a record's card:
// a request (обращение) to deal support about it, a correction (/fix) and a
// case discussion, each as the user's role allows. entity is
// core.EntityClient, core.EntityDeal or core.EntityDocument (a request only);
// the payload names the record ("deal:5"). A correction is offered only
// where the record may be changed (fixable: not a closed deal).
func WorkButtons(c *bot.Context, entity core.Entity, id int64, fixable bool) []bot.Button {
	ref := string(entity) + ":" + strconv.FormatInt(id, 10)
	var row []bot.Button
	if c.User.Can(core.PermRequests) {
		row = append(row, bot.Button{LabelKey: "btn.work.request", Action: core.ActionRequestNew, Payload: ref})
	}
	if entity == core.EntityDocument {
		return row
	}
	if fixable && c.User.Can(core.PermCorrect) {
		row = append(row, bot.Button{LabelKey: "btn.work.fix", Action: core.ActionFixStart, Payload: ref})
	}
	if c.User.Can(core.PermViewDeals) {
		row = append(row, bot.Button{LabelKey: "btn.work.case", Action: core.ActionCaseOpen, Payload: ref})
	}
	return row
}
