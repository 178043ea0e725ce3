package admin

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// statusErrorLen is how many characters of a job's error /status shows:
// the whole error is in the log.
const statusErrorLen = 200

// status shows how DealDesk's machinery is doing: every job's last run,
// the outbox backlog, the reminders waiting and the production calendar's
// loaded years.
func status(c *bot.Context) error {
	st, err := c.Svc.Status(c.Ctx(), c.Actor())
	if err != nil {
		return err
	}
	lines := []string{c.T("msg.status.title", bot.Args{"At": st.At}), "", c.T("msg.status.jobs", nil)}
	if len(st.Jobs) == 0 {
		lines = append(lines, c.T("msg.status.jobs_none", nil))
	}
	for _, r := range st.Jobs {
		lines = append(lines, jobLine(c, r))
	}
	lines = append(lines, "", backlogLine(c, st))
	lines = append(lines, c.T("msg.status.reminders", bot.Args{"N": st.PendingReminders}))
	if years := c.Svc.CalendarYears(); len(years) == 0 {
		lines = append(lines, c.T("msg.status.calendar_none", nil))
	} else {
		parts, prov := make([]string, len(years)), false
		for i, y := range years {
			key := "msg.calendar.year"
			if c.Svc.CalendarProvisional(y) {
				key, prov = "msg.calendar.year_provisional", true
			}
			parts[i] = c.T(key, bot.Args{"Year": y})
		}
		lines = append(lines, c.T("msg.status.calendar_known", bot.Args{"Years": strings.Join(parts, ", "),
			"Provisional": prov}))
	}
	return c.Send(bot.Reply{Text: strings.Join(lines, "\n")})
}

// jobLine is a job's line: its name (and what it does, where the locale
// says), its last success, whether it fails now and with what, its runs,
// and the watchdog's open incident.
func jobLine(c *bot.Context, r *core.JobRun) string {
	args := bot.Args{"Job": jobName(c, r.Name), "Runs": r.Runs, "Last": r.LastSuccess}
	key := "msg.status.job_ok"
	switch {
	case r.Runs == 0:
		key = "msg.status.job_never"
	case r.Failing():
		key = "msg.status.job_failing"
		args["ErrorAt"], args["Error"] = r.LastErrorAt, shorten(r.LastError, statusErrorLen)
	}
	if r.LastSuccess.IsZero() {
		delete(args, "Last") // «ни разу», not an empty date
	}
	line := c.T(key, args)
	if r.Stale() {
		line += "\n" + c.T("msg.status.job_stale", bot.Args{"AlertedAt": r.AlertedAt})
	}
	return line
}

// jobName is a job's name with what it does, when the locale knows it.
func jobName(c *bot.Context, name string) string {
	if key := "job." + name; c.P.Has(key) {
		return name + " (" + c.T(key, nil) + ")"
	}
	return name
}

// backlogLine is the outbox's backlog by platform and its oldest
// message's age.
func backlogLine(c *bot.Context, st *core.Status) string {
	total := 0
	var parts []string
	for _, p := range slices.Sorted(maps.Keys(st.Backlog)) {
		if n := st.Backlog[p]; n > 0 {
			total += n
			parts = append(parts, c.T("msg.status.outbox_platform", bot.Args{"Platform": p, "N": n}))
		}
	}
	if total == 0 {
		return c.T("msg.status.outbox_empty", nil)
	}
	args := bot.Args{"N": total, "Platforms": strings.Join(parts, ", ")}
	if !st.Oldest.IsZero() {
		args["Oldest"], args["Age"] = st.Oldest, age(c, st.At.Sub(st.Oldest))
	}
	return c.T("msg.status.outbox", args)
}

// age says how long ago, in the largest two units that matter: «45 с»,
// «12 мин», «3 ч 5 мин», «2 дн. 4 ч».
func age(c *bot.Context, d time.Duration) string {
	d = max(d, 0)
	switch {
	case d < time.Minute:
		return c.T("msg.status.age_s", bot.Args{"S": int(d / time.Second)})
	case d < time.Hour:
		return c.T("msg.status.age_m", bot.Args{"M": int(d / time.Minute)})
	case d < 48*time.Hour:
		return c.T("msg.status.age_h", bot.Args{"H": int(d / time.Hour), "M": int(d % time.Hour / time.Minute)})
	}
	return c.T("msg.status.age_d", bot.Args{"D": int(d / (24 * time.Hour)), "H": int(d % (24 * time.Hour) / time.Hour)})
}

// shorten cuts s to at most n characters, marking the cut.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
