package cards

import (
	"slices"
	"strconv"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// Working drops the cards merged into another: work goes to the card that
// stays. It may return none; cs is left as it was.
func Working(cs []*core.Client) []*core.Client {
	return slices.DeleteFunc(slices.Clone(cs), func(cl *core.Client) bool { return cl.MergedInto != 0 })
}

// ClientChoices are the choices of a dialog's step that pick one of cs
// (btn.client.pick), one a row, the first limit of them; each answers the
// step with prefix and the card's id ("client:12").
func ClientChoices(cs []*core.Client, prefix string, limit int) [][]bot.Button {
	return ClientPicks(cs, limit, bot.ActionFlowInput, func(cl *core.Client) string {
		return prefix + strconv.FormatInt(cl.ID, 10)
	})
}

// ClientPicks are the buttons that pick one of cs (btn.client.pick), one
// a row, the first limit of them; each runs action with the payload that
// payload makes of its card.
func ClientPicks(cs []*core.Client, limit int, action string, payload func(*core.Client) string) [][]bot.Button {
	var rows [][]bot.Button
	for _, cl := range cs[:min(len(cs), limit)] {
		rows = append(rows, bot.Row(bot.Button{LabelKey: "btn.client.pick", Args: ClientChoiceArgs(cl),
			Action: action, Payload: payload(cl)}))
	}
	return rows
}
