package reports

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// entityWords are the words of the export entities in both languages.
var entityWords = map[string]core.ReportEntity{
	"клиенты": core.ExportClients, "клиент": core.ExportClients, "карточки": core.ExportClients,
	"сделки": core.ExportDeals, "сделка": core.ExportDeals,
	"задачи": core.ExportTasks, "задача": core.ExportTasks,
	"документы": core.ExportDocuments, "документ": core.ExportDocuments, "docs": core.ExportDocuments,
	"обращения": core.ExportRequests, "обращение": core.ExportRequests,
	"контроль":  core.ExportControl,
	"изменения": core.ExportChanges, "история": core.ExportChanges, "аудит": core.ExportChanges,
	"audit": core.ExportChanges, "history": core.ExportChanges,
}

// kindWords are the words of the built-in reports in both languages.
var kindWords = map[string]core.ReportKind{
	"воронка": core.ReportPipeline, "воронку": core.ReportPipeline,
	"просрочки": core.ReportOverdue, "просрочка": core.ReportOverdue, "просроченные": core.ReportOverdue,
	"документы": core.ReportTurnaround, "оборот": core.ReportTurnaround, "документооборот": core.ReportTurnaround,
	"контроль": core.ReportControl, "напоминания": core.ReportControl,
	"заявки": core.ReportIntake, "проверка": core.ReportIntake, "качество": core.ReportIntake,
	"обращения": core.ReportRequests, "sla": core.ReportRequests,
	"риски": core.ReportRisks, "контрагенты": core.ReportRisks,
}

// word is a word as matched: lower case, «ё» as «е», without the
// punctuation around it.
func word(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.ReplaceAll(s, "ё", "е")
	return strings.Trim(s, ",.;:!?()«»\"")
}

// parseEntity reads an export entity typed or chosen.
func parseEntity(s string) (core.ReportEntity, bool) {
	w := word(s)
	if e, ok := entityWords[w]; ok {
		return e, true
	}
	i := slices.Index(core.ExportEntities, core.ReportEntity(w))
	if i < 0 {
		return "", false
	}
	return core.ExportEntities[i], true
}

// parseKind reads a built-in report typed or chosen.
func parseKind(s string) (core.ReportKind, bool) {
	w := word(s)
	if k, ok := kindWords[w]; ok {
		return k, true
	}
	i := slices.Index(core.ReportKinds, core.ReportKind(w))
	if i < 0 {
		return "", false
	}
	return core.ReportKinds[i], true
}

// entityName and kindName name an entity and a report in the user's
// language.
func entityName(c *bot.Context, e core.ReportEntity) string {
	return c.T("msg.reports.entity."+string(e), nil)
}

func kindName(c *bot.Context, k core.ReportKind) string {
	return c.T("msg.reports.kind."+string(k), nil)
}

// specName names what a spec builds: a report, a template or an export.
func specName(c *bot.Context, spec core.ReportSpec) string {
	switch {
	case spec.TemplateID != 0:
		t, err := c.Svc.ReportTemplateByID(c.Ctx(), c.Actor(), spec.TemplateID)
		if err != nil {
			return c.T("msg.reports.template_n", bot.Args{"ID": spec.TemplateID})
		}
		return c.T("msg.reports.template_named", bot.Args{"Name": t.Name})
	case spec.Export != "":
		return c.T("msg.reports.export_of", bot.Args{"Entity": entityName(c, spec.Export)})
	}
	return kindName(c, spec.Report)
}

// filterWords says a filter in words: «период: прошлый месяц; менеджер:
// Максим», or «без фильтров».
func filterWords(c *bot.Context, e core.ReportEntity, f core.ReportFilter) string {
	var parts []string
	switch {
	case f.Rel != "":
		parts = append(parts, c.T("msg.reports.filter.rel", bot.Args{"Rel": c.T("msg.reports.rel."+string(f.Rel), nil)}))
	case !f.From.IsZero() || !f.To.IsZero():
		// To is the end of the period, not in it: the period's last day
		// is the day before.
		last := f.To
		if !last.IsZero() {
			last = last.Add(-time.Nanosecond)
		}
		parts = append(parts, c.T("msg.reports.filter.period", bot.Args{"From": bot.OptTime(f.From),
			"To": bot.OptTime(last)}))
	}
	if f.ManagerID != 0 {
		parts = append(parts, c.T("msg.reports.filter.manager", bot.Args{"Name": userName(c, f.ManagerID)}))
	}
	if f.TeamID != 0 {
		parts = append(parts, c.T("msg.reports.filter.team", bot.Args{"Name": userName(c, f.TeamID)}))
	}
	if f.Stage != "" {
		parts = append(parts, c.T("msg.reports.filter.stage", bot.Args{"Stage": c.T("stage."+string(f.Stage), nil)}))
	}
	if f.Status != "" {
		parts = append(parts, c.T("msg.reports.filter.status", bot.Args{"Status": statusName(c, e, f.Status)}))
	}
	if f.ClientID != 0 {
		name := "#" + itoa(f.ClientID)
		if cl, err := c.Svc.ClientByID(c.Ctx(), c.Actor(), f.ClientID); err == nil {
			name = cl.ShortName + ", " + cl.INN
		}
		parts = append(parts, c.T("msg.reports.filter.client", bot.Args{"Name": name}))
	}
	if len(parts) == 0 {
		return c.T("msg.reports.filter.none", nil)
	}
	return strings.Join(parts, "; ")
}

// statusName names an entity's status: a task's, a document's or a
// request's; a status of none of them as it is.
func statusName(c *bot.Context, e core.ReportEntity, s string) string {
	prefixes := []string{"task_status.", "doc.status.", "request.status."}
	switch e {
	case core.ExportTasks:
		prefixes = prefixes[:1]
	case core.ExportDocuments:
		prefixes = prefixes[1:2]
	case core.ExportRequests:
		prefixes = prefixes[2:]
	}
	for _, p := range prefixes {
		if c.P.Has(p + s) {
			return c.T(p+s, nil)
		}
	}
	return s
}

// userName is a user's name, or their number when they cannot be read.
func userName(c *bot.Context, id int64) string {
	if u, err := c.Svc.UserByID(c.Ctx(), id); err == nil {
		return u.Name
	}
	return "#" + itoa(id)
}

// cronWords says a schedule's cron expression in words where it has a
// common shape — every day, on weekdays, on some days of the week, on a
// day of the month, at one time — and as typed otherwise.
func cronWords(c *bot.Context, expr string) string {
	f := strings.Fields(expr)
	if len(f) != 5 {
		return c.T("msg.reports.cron.raw", bot.Args{"Cron": expr})
	}
	minute, err1 := strconv.Atoi(f[0])
	hour, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil || minute < 0 || minute > 59 || hour < 0 || hour > 23 || f[3] != "*" {
		return c.T("msg.reports.cron.raw", bot.Args{"Cron": expr})
	}
	args := bot.Args{"Clock": twoDigits(hour) + ":" + twoDigits(minute)}
	dom, dow := f[2], f[4]
	switch {
	case dom == "*" && dow == "*":
		return c.T("msg.reports.cron.daily", args)
	case dom == "*" && (dow == "1-5" || dow == "1,2,3,4,5"):
		return c.T("msg.reports.cron.weekdays", args)
	case dom == "*":
		days, ok := weekdays(dow)
		if !ok {
			break
		}
		if len(days) == 1 {
			args["Day"] = days[0]
			return c.T("msg.reports.cron.weekly", args)
		}
		var names []string
		for _, d := range days {
			names = append(names, c.T("remind.wd."+strconv.Itoa(d), nil))
		}
		args["Days"] = strings.Join(names, ", ")
		return c.T("msg.reports.cron.days", args)
	case dow == "*":
		if d, err := strconv.Atoi(dom); err == nil && d >= 1 && d <= 31 {
			args["Day"] = d
			return c.T("msg.reports.cron.monthly", args)
		}
	}
	return c.T("msg.reports.cron.raw", bot.Args{"Cron": expr})
}

// weekdays reads a cron weekday field that lists days ("1", "1,3,5"; 7
// is Sunday too), Sunday as 0.
func weekdays(s string) ([]int, bool) {
	var out []int
	for part := range strings.SplitSeq(s, ",") {
		d, err := strconv.Atoi(part)
		if err != nil || d < 0 || d > 7 {
			return nil, false
		}
		d %= 7
		if !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out, len(out) > 0
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// zoneName names a time zone for a schedule as people say it: a zone of
// Russia by its city («Москва», «Екатеринбург»), an offset typed by the
// offset («UTC+5»), any other by its name and offset («Asia/Dubai, UTC+4»).
func zoneName(c *bot.Context, loc *time.Location, at time.Time) string {
	name := loc.String()
	if name == "Europe/Moscow" {
		return c.T("msg.reports.zone_moscow", nil)
	}
	if z := zoneCityOf(name); z != nil {
		return c.T("msg.reports.zone_city."+z.id, nil)
	}
	_, off := at.In(loc).Zone()
	if name == "UTC" || strings.HasPrefix(name, "Etc/") {
		return utcOffset(off)
	}
	return c.T("msg.reports.zone", bot.Args{"Name": name, "Offset": utcOffset(off)})
}

// zoneCity is a time zone of Russia, named by its city: its IANA name,
// the key of its name in the locale files (msg.reports.zone_city.<id>)
// and the words people type for it («Екатеринбург», «по Екатеринбургу»).
type zoneCity struct {
	iana, id string
	words    []string
}

// zoneCities are the time zones of Russia west to east; for an offset
// typed from Moscow («МСК+4») the first of that offset is taken.
var zoneCities = []zoneCity{
	{"Europe/Kaliningrad", "kaliningrad", []string{"калининград", "калининграду", "калининградскому", "kaliningrad"}},
	{"Europe/Moscow", "moscow", []string{"москва", "москве", "московскому", "мск", "msk", "moscow"}},
	{"Europe/Samara", "samara", []string{"самара", "самаре", "самарскому", "samara"}},
	{"Asia/Yekaterinburg", "yekaterinburg", []string{"екатеринбург", "екатеринбургу", "екатеринбургскому",
		"yekaterinburg", "ekaterinburg"}},
	{"Asia/Omsk", "omsk", []string{"омск", "омску", "омскому", "omsk"}},
	{"Asia/Krasnoyarsk", "krasnoyarsk", []string{"красноярск", "красноярску", "красноярскому", "krasnoyarsk"}},
	{"Asia/Novosibirsk", "novosibirsk", []string{"новосибирск", "новосибирску", "новосибирскому", "novosibirsk"}},
	{"Asia/Irkutsk", "irkutsk", []string{"иркутск", "иркутску", "иркутскому", "irkutsk"}},
	{"Asia/Yakutsk", "yakutsk", []string{"якутск", "якутску", "якутскому", "yakutsk"}},
	{"Asia/Vladivostok", "vladivostok", []string{"владивосток", "владивостоку", "владивостокскому", "vladivostok"}},
	{"Asia/Magadan", "magadan", []string{"магадан", "магадану", "магаданскому", "magadan"}},
	{"Asia/Kamchatka", "kamchatka", []string{"камчатка", "камчатке", "камчатскому", "kamchatka"}},
}

// zoneCityOf is the zone of Russia of an IANA name; nil for another.
func zoneCityOf(iana string) *zoneCity {
	for i := range zoneCities {
		if zoneCities[i].iana == iana {
			return &zoneCities[i]
		}
	}
	return nil
}

// parseZone reads a time zone typed: a city of Russia («Екатеринбург»,
// «по Екатеринбургу», «по московскому времени»), an offset from Moscow
// («МСК+2») or from UTC («UTC+5», «GMT-3»), or an IANA name
// («Asia/Yekaterinburg»); it returns the zone's IANA name and false for
// words that name no zone. An offset of whole hours only: UTC+5:30 has no
// IANA name of its own.
func parseZone(s string, at time.Time) (string, bool) {
	raw := strings.TrimSpace(s)
	w := nameKey(raw)
	w = strings.TrimPrefix(strings.TrimPrefix(w, "по "), "in ")
	w = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(w, " времени"), " time"))
	for _, z := range zoneCities {
		if slices.Contains(z.words, w) {
			return z.iana, true
		}
	}
	w = strings.NewReplacer("−", "-", "–", "-", " ", "").Replace(w)
	for _, p := range []struct {
		prefix string
		base   int // the offset of the prefix's zone from UTC, hours
	}{{"мск", 3}, {"msk", 3}, {"utc", 0}, {"gmt", 0}} {
		rest, ok := strings.CutPrefix(w, p.prefix)
		if !ok || rest == "" || rest[0] != '+' && rest[0] != '-' {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSuffix(rest, ":00"), "00"))
		if err != nil || n < -12 || n > 14 {
			return "", false
		}
		off := (p.base + n) * 3600
		for _, z := range zoneCities {
			if _, o := at.In(location(z.iana)).Zone(); p.base != 0 && o == off {
				return z.iana, true
			}
		}
		if off == 0 {
			return "UTC", true
		}
		// Etc/GMT-5 is UTC+5: the IANA sign is the other way round.
		name := "Etc/GMT+" + strconv.Itoa(-off/3600)
		if off > 0 {
			name = "Etc/GMT-" + strconv.Itoa(off/3600)
		}
		if _, err := time.LoadLocation(name); err != nil {
			return "", false
		}
		return name, true
	}
	if strings.Contains(raw, "/") && !strings.ContainsAny(raw, " \t") {
		if loc, err := time.LoadLocation(raw); err == nil {
			return loc.String(), true
		}
	}
	if w == "utc" || w == "gmt" {
		return "UTC", true
	}
	return "", false
}

// cutZone cuts a time zone typed from the end of s («… 09:00 по
// Екатеринбургу», «… UTC+5»); tz is "" when s ends with none.
func cutZone(s string, at time.Time) (rest, tz string) {
	ws := strings.Fields(s)
	for n := min(3, len(ws)); n >= 1; n-- {
		if tz, ok := parseZone(strings.Join(ws[len(ws)-n:], " "), at); ok {
			return strings.Join(ws[:len(ws)-n], " "), tz
		}
	}
	return s, ""
}

// utcOffset writes an offset from UTC in seconds: «UTC+5», «UTC+5:30»,
// «UTC-3», «UTC».
func utcOffset(off int) string {
	if off == 0 {
		return "UTC"
	}
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	s := "UTC" + sign + strconv.Itoa(off/3600)
	if m := off % 3600 / 60; m != 0 {
		s += ":" + twoDigits(m)
	}
	return s
}

// moment says a time with its weekday in a time zone: «пн 07.12.2026
// 09:00 (Москва)».
func moment(c *bot.Context, at time.Time, loc *time.Location) string {
	t := at.In(loc)
	p := c.Printer(c.P.Lang(), loc)
	return c.T("msg.reports.moment", bot.Args{"Weekday": c.T("remind.wd."+strconv.Itoa(int(t.Weekday())), nil),
		"Date": p.Date(t), "Clock": t.Format("15:04"), "Zone": zoneName(c, loc, t)})
}

// location reads a time zone's name; an unknown one is Moscow time.
func location(name string) *time.Location {
	if name != "" {
		if loc, err := time.LoadLocation(name); err == nil {
			return loc
		}
	}
	loc, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		return time.FixedZone("MSK", 3*3600)
	}
	return loc
}
