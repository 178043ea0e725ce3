package requests

import (
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// sla shows each request type's time to answer, or sets one (admins):
// «/sla корректировка 4ч», «/sla вопрос 1ч30м», "/sla question 8h".
func sla(c *bot.Context) error {
	word, value := bot.FirstWord(c.Update.Args)
	if word == "" {
		ws, err := c.Svc.WorkSettings(c.Ctx())
		if err != nil {
			return err
		}
		return c.Send(bot.Reply{Text: slaText(c, ws) + "\n\n" + c.T("msg.sla.usage", nil)})
	}
	t, ok := parseType(word)
	d, dok := bot.ParseSpan(value, false)
	if !ok || !dok {
		return core.Errorf(core.EINVALID, "err.sla.format", "Text", c.Update.Args)
	}
	ws, err := c.Svc.SetRequestSLA(c.Ctx(), c.Actor(), t, d)
	if err != nil {
		return err
	}
	return c.Send(bot.Reply{Text: c.T("msg.sla.saved", bot.Args{"Type": string(t), "Span": span(c, d)}) + "\n\n" +
		slaText(c, ws)})
}

// slaText lists the types' SLA in the reader's language.
func slaText(c *bot.Context, ws core.WorkSettings) string {
	lines := []string{c.T("msg.sla.title", nil)}
	for _, t := range core.RequestTypes {
		lines = append(lines, c.T("msg.sla.line", bot.Args{"Type": string(t), "Span": span(c, ws.SLA[t])}))
	}
	return strings.Join(lines, "\n")
}
