package reminders

import (
	"strings"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// ruleWords name the rules /rules changes, in both languages.
var ruleWords = map[string]string{
	"часы": "hours", "рабочие": "hours", "hours": "hours",
	"сводка": "digest", "сводки": "digest", "digest": "digest",
	"эскалация": "escalation", "эскалации": "escalation", "escalation": "escalation",
	"задачи": "tasks", "задача": "tasks", "tasks": "tasks",
}

// rules shows the department's reminder rules, or changes one (admins):
// «/rules часы 9:00-18:00», «/rules сводка 9:00», «/rules эскалация 24ч»,
// «/rules задачи 2ч».
func rules(c *bot.Context) error {
	name, value := bot.FirstWord(c.Update.Args)
	if name == "" {
		st, err := c.Svc.ReminderSettings(c.Ctx())
		if err != nil {
			return err
		}
		return c.Send(bot.Reply{Text: rulesText(c, st) + "\n\n" + c.T("msg.rules.usage", nil)})
	}
	var upd core.RulesUpdate
	bad := core.Errorf(core.EINVALID, "err.rules.format", "Text", c.Update.Args)
	switch ruleWords[strings.ToLower(name)] {
	case "hours":
		from, to, err := parseQuiet(value)
		if err != nil {
			return bad
		}
		upd.Hours = &[2]int{from, to}
	case "digest":
		m, ok := parseClock(strings.TrimSpace(value))
		if !ok {
			return bad
		}
		upd.DigestAt = &m
	case "escalation", "tasks":
		d, ok := bot.ParseSpan(value, true)
		if !ok {
			return bad
		}
		if ruleWords[strings.ToLower(name)] == "tasks" {
			upd.TaskLead = &d
		} else {
			upd.EscalateAfter = &d
		}
	default:
		return bad
	}
	st, err := c.Svc.SetReminderRules(c.Ctx(), c.Actor(), upd)
	if err != nil {
		return err
	}
	return c.Send(bot.Reply{Text: c.T("msg.rules.saved", nil) + "\n" + rulesText(c, st)})
}

// rulesText lists the rules in the reader's language.
func rulesText(c *bot.Context, st core.ReminderSettings) string {
	return c.T("msg.rules.list", bot.Args{"From": clockText(st.DayStart), "To": clockText(st.DayEnd),
		"Digest": clockText(st.DigestAt), "TaskLead": spanText(c, st.TaskLead),
		"Escalate": spanText(c, st.EscalateAfter)})
}

// spanText writes a span as days, hours or minutes, whichever is whole.
func spanText(c *bot.Context, d time.Duration) string {
	switch {
	case d%(24*time.Hour) == 0:
		return c.T("msg.rules.days", bot.Args{"N": int(d / (24 * time.Hour))})
	case d%time.Hour == 0:
		return c.T("msg.rules.hours", bot.Args{"N": int(d / time.Hour)})
	}
	return c.T("msg.rules.minutes", bot.Args{"N": int(d / time.Minute)})
}
