package bot_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// reportTables writes a table as lines of text: the sheet, the header and
// one line per row, so that a test may read a file back.
type reportTables struct{}

func (reportTables) NewTable(f core.ReportFormat, _ core.TableOptions) (core.TableWriter, error) {
	return &reportTable{format: f}, nil
}

type reportTable struct {
	format core.ReportFormat
	b      strings.Builder
}

func (t *reportTable) Table(h core.TableHead) error {
	fmt.Fprintf(&t.b, "# %s\n%s\n", h.Sheet, strings.Join(h.Columns, ";"))
	return nil
}

func (t *reportTable) Row(vals []core.Value) error {
	cells := make([]string, len(vals))
	for i, v := range vals {
		switch {
		case v.Blank:
		case v.S != "":
			cells[i] = v.S
		case !v.T.IsZero():
			cells[i] = v.T.Format(time.RFC3339)
		case v.F != 0:
			cells[i] = strconv.FormatFloat(v.F, 'f', 2, 64)
		default:
			cells[i] = strconv.FormatInt(v.N, 10)
		}
	}
	t.b.WriteString(strings.Join(cells, ";") + "\n")
	return nil
}

func (t *reportTable) Image(name string, _ []byte) error {
	fmt.Fprintf(&t.b, "[image %s]\n", name)
	return nil
}

func (t *reportTable) Close() ([]byte, error) { return []byte(t.b.String()), nil }

// reportCharts draws a chart as a PNG signature followed by its title.
type reportCharts struct{}

func (reportCharts) RenderPNG(c core.Chart) ([]byte, error) {
	return []byte("\x89PNG\r\n\x1a\n" + c.Title), nil
}

// reportCron reads the cron expressions of the tests — numbers, *, lists
// and ranges in the minute, hour, day and weekday fields, every month —
// and finds the next time minute by minute within a year.
type reportCron struct{}

func (reportCron) Next(expr string, after time.Time, loc *time.Location) (time.Time, error) {
	f := strings.Fields(expr)
	if len(f) != 5 || f[3] != "*" {
		return time.Time{}, core.Errorf(core.EINVALID, "err.delivery.schedule_cron", "Cron", expr)
	}
	t := after.In(loc).Truncate(time.Minute).Add(time.Minute)
	for end := t.AddDate(1, 0, 0); t.Before(end); t = t.Add(time.Minute) {
		if cronField(f[0], t.Minute()) && cronField(f[1], t.Hour()) && cronField(f[2], t.Day()) &&
			cronField(f[4], int(t.Weekday())) {
			return t, nil
		}
	}
	return time.Time{}, core.Errorf(core.EINVALID, "err.delivery.schedule_cron", "Cron", expr)
}

func cronField(field string, v int) bool {
	if field == "*" {
		return true
	}
	for part := range strings.SplitSeq(field, ",") {
		lo, hi, ok := strings.Cut(part, "-")
		a, err1 := strconv.Atoi(lo)
		b := a
		var err2 error
		if ok {
			b, err2 = strconv.Atoi(hi)
		}
		if err1 == nil && err2 == nil && v >= a && v <= b {
			return true
		}
	}
	return false
}

// reportDesk is a department for the reports tests: an officer «Ольга»
// ("o") whose head is «Геннадий» ("hd"), a lawyer «Лев» ("l") and a manager
// «Максим» ("m"); the heads' work chat «Руководители» ("g-heads") is bound.
// A card with every requisite, checked in the registry today, has two deals
// of the manager's: «Поставка» (1 500 000 ₽) and «Монтаж» (300 000 ₽).
// Nothing they were told while it was set up is left to deliver.
type reportDesk struct {
	*harness
	o, hd, l, m *core.User
	client      *core.Client
	deals       []*core.Deal
}

func newReportDesk(t *testing.T) *reportDesk {
	t.Helper()
	h := newHarness(t)
	texts := func(lang, key string, args map[string]any) string { return bundle.Printer(lang, nil).T(key, args) }
	h.reopen(core.WithReports(reportTables{}, reportCharts{}, reportCron{}, texts))
	d := &reportDesk{harness: h}
	d.hd = h.addUser("hd", "Геннадий", core.RoleHead)
	d.o = h.addUser("o", "Ольга", core.RoleOfficer)
	d.l = h.addUser("l", "Лев", core.RoleLawyer)
	d.m = h.addUser("m", "Максим", core.RoleManager)
	ctx, admin := context.Background(), core.Actor{User: h.admin, Source: "test"}
	if _, err := h.svc.UpdateUser(ctx, admin, d.o.ID, core.UserUpdate{HeadID: &d.hd.ID}, ""); err != nil {
		t.Fatal(err)
	}
	d.o = h.user("test:o")
	u := &bot.Update{UserID: "admin", ChatID: "g-heads", ChatType: bot.ChatGroup, ChatTitle: "Руководители",
		Text: "/bind heads"}
	u.Command, u.Args, _ = bot.ParseCommand(u.Text)
	h.want(h.send(u), "msg.bind.done", bot.Args{"Purpose": h.p.T("purpose.heads", nil)})

	c, err := h.svc.CreateClient(ctx, admin, &core.Client{Kind: core.KindLegal, INN: "7707083893", KPP: "773601001",
		OGRN: "1027700132195", ShortName: "ПАО Сбербанк", FullName: "Публичное акционерное общество «Сбербанк России»",
		Address: "г. Москва, ул. Вавилова, д. 19", Director: "Греф Герман Оскарович", ManagerID: d.m.ID,
		Accounts: []core.BankAccount{{BIK: "044525225", BankName: "ПАО Сбербанк", CorrAccount: "30101810400000000225",
			Account: "40702810938000012345"}}})
	if err != nil {
		t.Fatal(err)
	}
	d.client = d.verified(c.ID)
	for _, x := range []struct {
		title  string
		amount core.Money
	}{{"Поставка", 150000000}, {"Монтаж", 30000000}} {
		deal, err := h.svc.CreateDeal(ctx, core.Actor{User: d.m, Source: "test"},
			&core.Deal{ClientID: c.ID, Title: x.title, Amount: x.amount})
		if err != nil {
			t.Fatal(err)
		}
		d.deals = append(d.deals, deal)
	}
	d.deliver()
	return d
}

// verified marks a card's requisites as checked in the registry now.
func (d *reportDesk) verified(id int64) *core.Client {
	d.t.Helper()
	var c *core.Client
	err := d.db.Update(context.Background(), func(tx core.Tx) error {
		var err error
		if c, err = tx.ClientByID(id); err != nil {
			return err
		}
		c.Verification = core.Verification{Status: core.Verified, At: d.clock.Now(), Source: "test"}
		return tx.UpdateClient(c)
	})
	if err != nil {
		d.t.Fatal(err)
	}
	return c
}

// deliver delivers the outbox and returns what each chat got.
func (d *reportDesk) deliver() map[string][]*bot.Message {
	d.t.Helper()
	out := map[string][]*bot.Message{}
	for {
		n, err := d.bot.DeliverDue(context.Background(), "test")
		if err != nil {
			d.t.Fatal(err)
		}
		for _, m := range d.rec.take() {
			out[m.ChatID] = append(out[m.ChatID], m)
		}
		if n == 0 {
			return out
		}
	}
}

// fileNamed returns the file of the messages whose name ends with ext.
func fileNamed(t *testing.T, msgs []*bot.Message, ext string) bot.File {
	t.Helper()
	for _, m := range msgs {
		for _, f := range m.Files {
			if strings.HasSuffix(f.Name, ext) {
				return f
			}
		}
	}
	t.Fatalf("no %s file in %s", ext, dump(msgs))
	return bot.File{}
}
