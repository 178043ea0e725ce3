package intake

import (
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/cards"
	"github.com/dealdesk/dealdesk/core"
)

// maxChoices is the most cards offered as buttons to pick from.
const maxChoices = 8

// nameQuery reports whether what was sent where an INN or a company card
// is asked is a part of a name: one line with a letter in it.
func nameQuery(text string) bool {
	return !strings.Contains(strings.TrimSpace(text), "\n") && strings.IndexFunc(text, unicode.IsLetter) >= 0
}

// lookupWorking finds the cards a user means (cards.LookupClients) that
// work may go to; when only merged cards match, it says which card stayed.
func lookupWorking(c *bot.Context, query string) ([]*core.Client, error) {
	cs, err := cards.LookupClients(c, query, 2*maxChoices)
	if err != nil {
		return nil, err
	}
	w := cards.Working(cs)
	if len(w) == 0 {
		return nil, cards.MergedError(c, cs[0])
	}
	return w, nil
}

// choices are the buttons that pick one of the cards at a step.
func choices(cs []*core.Client) [][]bot.Button { return cards.ClientChoices(cs, "", maxChoices) }

// others are the cards but the one with the id.
func others(cs []*core.Client, id int64) []*core.Client {
	return slices.DeleteFunc(slices.Clone(cs), func(cl *core.Client) bool { return cl.ID == id })
}

// pickedCard reads a step's answer: the id of one of the cards offered.
func pickedCard(cs []*core.Client, s string) (*core.Client, error) {
	id, err := bot.ParseID(s, "err.client.pick")
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(cs, func(cl *core.Client) bool { return cl.ID == id })
	if i < 0 {
		return nil, core.Errorf(core.EINVALID, "err.client.pick", "Text", s)
	}
	return cs[i], nil
}

// intakeByName hands over to deal support the card a name fragment
// matches (/intake ромашка), to be checked against the registries again;
// several matching cards are offered as buttons.
func intakeByName(c *bot.Context, query string) error {
	cs, err := lookupWorking(c, query)
	if err != nil {
		return err
	}
	if len(cs) == 1 {
		return createIntake(c, core.Requisites{INN: cs[0].INN, KPP: cs[0].KPP}, nil)
	}
	return c.Start("intake.pick", map[string]string{"query": query})
}

// intakePickFlow asks which of the cards a name matches goes to deal
// support.
func intakePickFlow() *bot.Flow {
	return &bot.Flow{Name: "intake.pick", First: "card", Perm: core.PermEditClients, Steps: map[string]*bot.Step{
		"card": {Prompt: func(c *bot.Context) error {
			q := c.Conv.Data["query"]
			cs, err := lookupWorking(c, q)
			if err != nil {
				return err
			}
			return c.Reply("flow.intake.pick", bot.Args{"Query": q}, choices(cs)...)
		}, Input: func(c *bot.Context, s string) (string, error) {
			cs, err := lookupWorking(c, c.Conv.Data["query"])
			if err != nil {
				return "", err
			}
			cl, err := pickedCard(cs, s)
			if err != nil {
				return "", err
			}
			if err := c.Finish(); err != nil {
				return "", err
			}
			return "", createIntake(c, core.Requisites{INN: cl.INN, KPP: cl.KPP}, nil)
		}},
	}}
}

// cardRef reads a card named in /merge: its id (12 or #12) or an INN that
// has one working card. ok is false when s is neither, so that the words
// are read as a name.
func cardRef(c *bot.Context, s string) (id int64, ok bool, err error) {
	if cards.INNShaped(s) {
		cs, err := c.Svc.FindClientsByINN(c.Ctx(), c.Actor(), s)
		if err != nil {
			return 0, true, err
		}
		w := cards.Working(cs)
		switch len(w) {
		case 0:
			return 0, true, cards.MergedError(c, cs[0])
		case 1:
			return w[0].ID, true, nil
		}
		return 0, true, core.Errorf(core.EINVALID, "err.merge.inn_many", "INN", s, "Cards", cards.DuplicateNames(w))
	}
	id, err = bot.ParseID(s, "msg.merge.usage")
	return id, err == nil, nil
}

// mergeByName offers the cards a name matches, to pick the card that
// stays and then the duplicate: /merge ромашка.
func mergeByName(c *bot.Context, query string) error {
	cs, err := lookupWorking(c, query)
	if err != nil {
		return err
	}
	if len(cs) < 2 {
		return core.Errorf(core.EINVALID, "err.merge.one", "Query", query, "Name", cs[0].Name(), "Card",
			core.QuoteName(cs[0].Name()), "ID", cs[0].ID)
	}
	return c.Start("merge.pick", map[string]string{"query": query})
}

// mergePickFlow asks which of the cards a name matches stays and which is
// its duplicate, then merges them as /merge does (asking first when their
// INNs differ).
func mergePickFlow() *bot.Flow {
	cardsOf := func(c *bot.Context) ([]*core.Client, error) { return lookupWorking(c, c.Conv.Data["query"]) }
	return &bot.Flow{Name: "merge.pick", First: "into", Perm: core.PermVerify, Steps: map[string]*bot.Step{
		"into": {Prompt: func(c *bot.Context) error {
			cs, err := cardsOf(c)
			if err != nil {
				return err
			}
			return c.Reply("flow.merge.into", bot.Args{"Query": c.Conv.Data["query"]}, choices(cs)...)
		}, Input: func(c *bot.Context, s string) (string, error) {
			cs, err := cardsOf(c)
			if err != nil {
				return "", err
			}
			cl, err := pickedCard(cs, s)
			if err != nil {
				return "", err
			}
			c.Conv.Data["into"] = strconv.FormatInt(cl.ID, 10)
			return "from", nil
		}},
		"from": {Prompt: func(c *bot.Context) error {
			cs, err := cardsOf(c)
			if err != nil {
				return err
			}
			into, _ := strconv.ParseInt(c.Conv.Data["into"], 10, 64)
			args := bot.Args{"ID": into}
			if i := slices.IndexFunc(cs, func(cl *core.Client) bool { return cl.ID == into }); i >= 0 {
				args["Name"], args["Card"] = cs[i].Name(), core.QuoteName(cs[i].Name())
			}
			return c.Reply("flow.merge.from", args, choices(others(cs, into))...)
		}, Input: func(c *bot.Context, s string) (string, error) {
			cs, err := cardsOf(c)
			if err != nil {
				return "", err
			}
			into, _ := strconv.ParseInt(c.Conv.Data["into"], 10, 64)
			cl, err := pickedCard(others(cs, into), s)
			if err != nil {
				return "", err
			}
			if err := c.Finish(); err != nil {
				return "", err
			}
			return "", mergeClients(c, into, cl.ID, "", false)
		}},
	}}
}
