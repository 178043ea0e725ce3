package reminders

import (
	"slices"
	"strconv"
	"strings"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// A deal's payment schedule (/payments), the lead days of key-date
// reminders (/leads) and the production calendar (/calendar).

// clearWords empty a payment schedule.
var clearWords = []string{"нет", "none", "off", "-", "—", "очистить", "clear"}

// payments shows a deal's payment schedule (/payments <deal>) or replaces
// it: /payments <deal> <date> <amount>; <date> <amount>; … [причина: …].
func payments(c *bot.Context) error {
	first, rest := bot.FirstWord(c.Update.Args)
	if _, ok := core.ParseDealNumber(first); !ok {
		return c.Reply("msg.payments.usage", nil)
	}
	d, err := c.Svc.FindDealByNumber(c.Ctx(), c.Actor(), first)
	if err != nil {
		return err
	}
	if rest == "" {
		return c.Send(bot.Reply{Text: schedule(c, d)})
	}
	rest, reason, _ := bot.CutReason(rest)
	var ps []core.Payment
	if !slices.Contains(clearWords, normWord(rest)) {
		for i, entry := range strings.FieldsFunc(rest, func(r rune) bool { return r == ';' || r == '\n' }) {
			p, err := parsePayment(c, entry)
			if err != nil {
				key, args := core.ErrorKey(err)
				if core.ErrorCode(err) != core.EINVALID {
					return err
				}
				return c.Reply("msg.payments.bad", bot.Args{"N": i + 1, "Entry": strings.TrimSpace(entry),
					"Error": c.T(key, args)})
			}
			ps = append(ps, p)
		}
	}
	if d, err = c.Svc.SetPayments(c.Ctx(), c.Actor(), d.ID, ps, reason); err != nil {
		return err
	}
	return c.Send(bot.Reply{Text: c.T("msg.payments.saved", nil) + "\n" + schedule(c, d)})
}

// parsePayment reads one payment: a date (with a time, if typed) and an
// amount: «15.12.2026 500 000», «15.12 12:00 1 500 000,50 ₽».
func parsePayment(c *bot.Context, entry string) (core.Payment, error) {
	f := strings.Fields(entry)
	if len(f) < 2 {
		return core.Payment{}, core.Errorf(core.EINVALID, "err.payments.entry")
	}
	date, n := f[0], 1
	if _, ok := parseClock(f[1]); ok && strings.Contains(f[1], ":") && len(f) > 2 {
		date, n = date+" "+f[1], 2
	}
	due, _, err := core.ParseDate(date, c.Now(), c.P.Location())
	if err != nil {
		return core.Payment{}, err
	}
	amount, err := core.ParseMoney(strings.Join(f[n:], " "), c.P.Lang())
	if err != nil {
		return core.Payment{}, err
	}
	if err := core.ValidateAmount(amount); err != nil {
		return core.Payment{}, err
	}
	return core.Payment{Due: due, Amount: amount}, nil
}

// schedule renders a deal's payment schedule: each payment, their sum and,
// when it differs, the deal's amount.
func schedule(c *bot.Context, d *core.Deal) string {
	deal := bot.Args{"Number": d.Number, "Title": d.Title, "Due": bot.OptTime(d.PaymentDue), "Amount": d.Amount}
	if len(d.Payments) == 0 {
		return c.T("msg.payments.none", deal)
	}
	var b strings.Builder
	deal["Count"] = len(d.Payments)
	b.WriteString(c.T("msg.payments.title", deal))
	var sum core.Money
	for i, p := range d.Payments {
		sum += p.Amount
		b.WriteString("\n" + c.T("msg.payments.line", bot.Args{"N": i + 1, "Due": p.Due, "Amount": p.Amount}))
	}
	b.WriteString("\n" + c.T("msg.payments.sum", bot.Args{"Sum": sum, "Amount": d.Amount,
		"Differs": d.Amount != 0 && sum != d.Amount}))
	return b.String()
}

// leadKinds are the key-date kinds, in the order they are shown.
var leadKinds = []core.ReminderKind{core.ReminderSigning, core.ReminderPayment, core.ReminderRenewal}

// resetWords return a lead to the default: the department's for a deal,
// DealDesk's for the department.
var resetWords = []string{"по умолчанию", "default", "сброс", "reset", "отдела"}

// neverWords turn a kind's key-date reminders off.
var neverWords = []string{"нет", "none", "never", "off", "никогда"}

// dayWords may stand among the lead days: «за 30 7 1 0 дней».
var dayWords = []string{"за", "дней", "дня", "день", "дн", "days", "day", "before"}

// leads shows or sets the lead days of key-date reminders:
//
//	/leads                              the department's and how to change them
//	/leads <kind> <days…>               the department's (admins)
//	/leads <deal>                       a deal's
//	/leads <deal> <kind> <days…>        a deal's own; «по умолчанию» returns it to the department's
func leads(c *bot.Context) error {
	f := strings.Fields(c.Update.Args)
	st, err := c.Svc.ReminderSettings(c.Ctx())
	if err != nil {
		return err
	}
	if len(f) == 0 {
		return c.Send(bot.Reply{Text: leadsText(c, st, nil) + "\n\n" + c.T("msg.leads.usage", nil)})
	}
	if _, ok := core.ParseDealNumber(f[0]); ok {
		d, err := c.Svc.FindDealByNumber(c.Ctx(), c.Actor(), f[0])
		if err != nil {
			return err
		}
		if len(f) == 1 {
			return c.Send(bot.Reply{Text: leadsText(c, st, d)})
		}
		kind, err := parseLeadKind(f[1])
		if err != nil {
			return err
		}
		days, reset, err := parseDays(f[2:])
		if err != nil {
			return err
		}
		if reset {
			days = nil
		}
		if d, err = c.Svc.SetDealLeads(c.Ctx(), c.Actor(), d.ID, kind, days); err != nil {
			return err
		}
		return c.Send(bot.Reply{Text: c.T("msg.leads.saved", nil) + "\n" + leadsText(c, st, d)})
	}
	kind, err := parseLeadKind(f[0])
	if err != nil {
		return err
	}
	if !c.User.Can(core.PermAdmin) {
		return core.Errorf(core.EFORBIDDEN, "err.leads.admin")
	}
	days, reset, err := parseDays(f[1:])
	if err != nil {
		return err
	}
	if reset {
		days = core.DefaultReminderSettings().Leads[kind]
	}
	if err := c.Svc.SetReminderLeads(c.Ctx(), c.Actor(), kind, days); err != nil {
		return err
	}
	if st, err = c.Svc.ReminderSettings(c.Ctx()); err != nil {
		return err
	}
	return c.Send(bot.Reply{Text: c.T("msg.leads.saved", nil) + "\n" + leadsText(c, st, nil)})
}

// parseDays reads lead days: «30 7 1 0», «30, 7, 1, 0», «за 14 и 3 дня»;
// «нет» is none; «по умолчанию» returns to the default (reset).
func parseDays(words []string) (days []int, reset bool, err error) {
	joined := normWord(strings.Join(words, " "))
	switch {
	case joined == "":
		return nil, false, core.Errorf(core.EINVALID, "err.leads.days", "Text", "")
	case slices.Contains(resetWords, joined):
		return nil, true, nil
	case slices.Contains(neverWords, joined):
		return []int{}, false, nil
	}
	for _, w := range strings.FieldsFunc(joined, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		w = strings.Trim(w, ".")
		if w == "" || w == "и" || w == "and" || slices.Contains(dayWords, w) {
			continue
		}
		n, err := strconv.Atoi(w)
		if err != nil {
			return nil, false, core.Errorf(core.EINVALID, "err.leads.days", "Text", strings.Join(words, " "))
		}
		days = append(days, n)
	}
	if days == nil {
		return nil, false, core.Errorf(core.EINVALID, "err.leads.days", "Text", strings.Join(words, " "))
	}
	return days, false, core.ValidateLeads(days)
}

// leadsText renders the lead days of each key-date kind: the department's,
// or a deal's (its own marked as such).
func leadsText(c *bot.Context, st core.ReminderSettings, d *core.Deal) string {
	var b strings.Builder
	if d == nil {
		b.WriteString(c.T("msg.leads.title", nil))
	} else {
		b.WriteString(c.T("msg.leads.deal_title", bot.Args{"Number": d.Number, "Title": d.Title}))
	}
	for _, k := range leadKinds {
		days, own := st.Leads[k], false
		if d != nil {
			if v, ok := d.Leads[k]; ok {
				days, own = v, true
			}
		}
		b.WriteString("\n" + c.T("msg.leads.line", bot.Args{"Kind": kindName(c, k), "Days": daysText(c, days),
			"Own": own}))
	}
	return b.String()
}

// daysText writes lead days: «30, 7, 1, 0», or that there are none.
func daysText(c *bot.Context, days []int) string {
	if len(days) == 0 {
		return c.T("msg.leads.never", nil)
	}
	var s []string
	for _, n := range days {
		s = append(s, strconv.Itoa(n))
	}
	return strings.Join(s, ", ")
}

// calendar shows the production calendar's years (/calendar), or loads a
// year from the XML file sent with /calendar as its caption (admins).
func calendar(c *bot.Context) error {
	files := c.Update.Files
	switch {
	case len(files) > 1:
		return core.Errorf(core.EINVALID, "err.file.several", "N", len(files))
	case len(files) == 0:
		years, provisional := yearsText(c)
		return c.Reply("msg.calendar.years", bot.Args{"Years": years, "Provisional": provisional,
			"Next": c.Now().Year() + 1})
	}
	data, err := c.Download(files[0])
	if err != nil {
		return err
	}
	year, err := c.Svc.LoadCalendarYear(c.Ctx(), c.Actor(), data)
	if err != nil {
		return err
	}
	years, provisional := yearsText(c)
	return c.Reply("msg.calendar.loaded", bot.Args{"Year": year, "Years": years, "Provisional": provisional})
}

// yearsText lists the years the production calendar knows, a provisional
// one (made before the government's decree on its transfers) marked as
// such, and says whether there is one.
func yearsText(c *bot.Context) (text string, provisional bool) {
	var s []string
	for _, y := range c.Svc.CalendarYears() {
		key := "msg.calendar.year"
		if c.Svc.CalendarProvisional(y) {
			key, provisional = "msg.calendar.year_provisional", true
		}
		s = append(s, c.T(key, bot.Args{"Year": y}))
	}
	return strings.Join(s, ", "), provisional
}
