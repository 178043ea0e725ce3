package requests

import (
	"strconv"
	"strings"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// sla shows each request type's time to answer, or sets one (admins):
// «/sla исправление 4ч», «/sla вопрос 1ч30м», "/sla question 8h".
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
	d, dok := parseSLA(value)
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

// parseSLA reads a span of working time as hours and minutes: «4ч», «4
// часа», «1ч30м», «90 мин», "4h", "1h30m", "45m"; a number alone is hours.
func parseSLA(s string) (time.Duration, bool) {
	t := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	if t == "" {
		return 0, false
	}
	var total time.Duration
	for t != "" {
		i := 0
		for i < len(t) && t[i] >= '0' && t[i] <= '9' {
			i++
		}
		n, err := strconv.Atoi(t[:i])
		if err != nil || n > 10000 {
			return 0, false
		}
		t = t[i:]
		j := 0
		for j < len(t) && (t[j] < '0' || t[j] > '9') {
			j++
		}
		unit := t[:j]
		t = t[j:]
		switch {
		case unit == "" && t == "" && total == 0,
			unit == "ч" || unit == "h" || strings.HasPrefix(unit, "час") || strings.HasPrefix(unit, "hour"):
			total += time.Duration(n) * time.Hour
		case unit == "м" || unit == "m" || strings.HasPrefix(unit, "мин") || strings.HasPrefix(unit, "min"):
			total += time.Duration(n) * time.Minute
		default:
			return 0, false
		}
	}
	return total, total > 0
}
