package cards

import (
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// maxCaseLines is how many cases a deal's or a card's message lists; the
// rest are counted.
const maxCaseLines = 5

// CaseSection is the part of a deal's or a card's message that lists its
// case discussions (a card's own and those of its deals the user may
// see): a title and a line each, open ones first; "" when there are none
// or they cannot be read now (the card is shown without them).
func CaseSection(c *bot.Context, ref core.CaseRef) string {
	list, err := c.Svc.CasesOf(c.Ctx(), c.Actor(), ref)
	if err != nil || len(list) == 0 {
		return ""
	}
	return c.T("card.case.section", bot.Args{"Count": len(list)}) + "\n" + caseLines(c, list, maxCaseLines, ref.DealID == 0)
}

// CaseLines renders cases one a line, as CasesOf orders them (open ones
// first): its number, topic, whether it goes on, its decisions and tasks,
// and, unless all are about one deal, the deal a case is about; at most
// limit lines, the rest counted.
func CaseLines(c *bot.Context, cases []*core.Case, limit int) string {
	oneDeal := len(cases) > 0 && cases[0].DealID != 0
	for _, cs := range cases {
		oneDeal = oneDeal && cs.DealID == cases[0].DealID
	}
	return caseLines(c, cases, limit, !oneDeal)
}

func caseLines(c *bot.Context, cases []*core.Case, limit int, withDeal bool) string {
	var lines []string
	numbers := map[int64]string{}
	for i, cs := range cases {
		if i == limit {
			lines = append(lines, c.T("card.case.more", bot.Args{"Count": len(cases) - i}))
			break
		}
		args := bot.Args{"ID": cs.ID, "Topic": cs.Topic, "Open": cs.Status == core.CaseOpen,
			"Decisions": cs.Decisions, "Tasks": len(cs.Tasks)}
		if withDeal && cs.DealID != 0 {
			n, ok := numbers[cs.DealID]
			if !ok {
				if d, err := c.Svc.DealByID(c.Ctx(), c.Actor(), cs.DealID); err == nil {
					n = d.Number
				}
				numbers[cs.DealID] = n
			}
			args["Deal"] = n
		}
		lines = append(lines, c.T("card.case.line", args))
	}
	return strings.Join(lines, "\n")
}

// CaseCard renders a case: what it is about, where it goes on, who opened
// it and takes part, how many messages it collected, its decisions and
// tasks, and its resolution once closed.
func CaseCard(c *bot.Context, r *core.CaseReport) string {
	cs := r.Case
	var b strings.Builder
	b.WriteString(c.T("card.case.title", bot.Args{"ID": cs.ID, "Topic": cs.Topic, "Open": cs.Status == core.CaseOpen}))
	switch {
	case r.Deal != nil:
		args := bot.Args{"Deal": r.Deal.Number, "Title": r.Deal.Title}
		if r.Client != nil {
			args["Client"] = r.Client.Name()
		}
		b.WriteString("\n" + c.T("card.case.deal", args))
	case r.Client != nil:
		b.WriteString("\n" + c.T("card.case.client", bot.Args{"Client": r.Client.Name(), "INN": r.Client.INN}))
	}
	if cs.Status == core.CaseOpen {
		b.WriteString("\n" + c.T("card.case.where", bot.Args{"Opening": cs.Opening, "Thread": cs.ThreadID != "",
			"Chat": r.Chat}))
	}
	b.WriteString("\n" + c.T("card.case.opened", bot.Args{"By": r.Names[cs.OpenedBy], "At": cs.CreatedAt}))
	var people []string
	for _, id := range cs.Participants {
		people = append(people, r.Names[id])
	}
	if len(people) > 0 {
		b.WriteString("\n" + c.T("card.case.people", bot.Args{"Names": strings.Join(people, ", ")}))
	}
	b.WriteString("\n" + c.T("card.case.messages", bot.Args{"Count": cs.Messages}))
	if len(r.Decisions) > 0 {
		b.WriteString("\n" + c.T("card.case.decisions", bot.Args{"Count": len(r.Decisions)}))
		for _, m := range r.Decisions {
			b.WriteString("\n" + c.T("card.case.decision", bot.Args{"At": m.At, "By": r.Names[m.UserID],
				"Text": core.DecisionText(m)}))
		}
	}
	if len(r.Tasks) > 0 {
		b.WriteString("\n" + c.T("card.case.tasks", bot.Args{"Count": len(r.Tasks)}))
		for _, t := range r.Tasks {
			b.WriteString("\n" + c.T("card.case.task", bot.Args{"ID": t.ID, "Title": t.Title, "Who": r.Names[t.AssigneeID],
				"Due": bot.OptTime(t.Due), "Status": c.T("task_status."+string(t.Status), nil)}))
		}
	}
	if cs.Status == core.CaseClosed {
		b.WriteString("\n" + c.T("card.case.resolution", bot.Args{"By": r.Names[cs.ClosedBy], "At": cs.ClosedAt,
			"Resolution": cs.Resolution}))
	}
	return b.String()
}
