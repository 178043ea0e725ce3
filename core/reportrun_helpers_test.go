package core_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/locales"
)

// dlvTables records the files a report writes: each writer's tables, rows
// and pictures; its file's bytes are that record as JSON, so two files of
// the same content are the same bytes.
type dlvTables struct {
	mu      sync.Mutex
	writers []*dlvTable
}

func (t *dlvTables) NewTable(f core.ReportFormat, o core.TableOptions) (core.TableWriter, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	w := &dlvTable{Format: f, Zone: o.Location.String(), Comma: string(o.Comma)}
	t.writers = append(t.writers, w)
	return w, nil
}

// last is the writer of the last file made.
func (t *dlvTables) last() *dlvTable {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.writers) == 0 {
		return nil
	}
	return t.writers[len(t.writers)-1]
}

type dlvTable struct {
	Format core.ReportFormat
	Zone   string
	Comma  string
	Tables []core.TableHead
	Rows   [][]core.Value
	Images []string // name and size
	closed bool
}

func (w *dlvTable) Table(h core.TableHead) error { w.Tables = append(w.Tables, h); return nil }

func (w *dlvTable) Row(vals []core.Value) error {
	if len(w.Tables) == 0 {
		return fmt.Errorf("a row before any table")
	}
	w.Rows = append(w.Rows, vals)
	return nil
}

func (w *dlvTable) Image(name string, png []byte) error {
	if w.closed {
		return fmt.Errorf("image after close")
	}
	w.Images = append(w.Images, name+":"+strconv.Itoa(len(png)))
	return nil
}

func (w *dlvTable) Close() ([]byte, error) {
	w.closed = true
	return json.Marshal(w)
}

// dlvCharts draws a chart as a small PNG as wide as its title is long,
// and keeps what it drew.
type dlvCharts struct {
	mu    sync.Mutex
	drawn []core.Chart
	pngs  [][]byte
}

func (c *dlvCharts) RenderPNG(ch core.Chart) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, len(ch.Title)+1, 2))); err != nil {
		return nil, err
	}
	c.drawn = append(c.drawn, ch)
	c.pngs = append(c.pngs, buf.Bytes())
	return buf.Bytes(), nil
}

// dlvCron reads the cron expressions the tests use: a minute and an hour
// as numbers, a day of the month as a number or *, the month *, the
// weekdays as * or a list of numbers and ranges.
type dlvCron struct{}

func (dlvCron) Next(expr string, after time.Time, loc *time.Location) (time.Time, error) {
	f := strings.Fields(expr)
	bad := core.Errorf(core.EINVALID, "err.cron")
	if len(f) != 5 || f[3] != "*" {
		return time.Time{}, bad
	}
	minute, err1 := strconv.Atoi(f[0])
	hour, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil || minute > 59 || hour > 23 {
		return time.Time{}, bad
	}
	dom := 0
	if f[2] != "*" {
		var err error
		if dom, err = strconv.Atoi(f[2]); err != nil {
			return time.Time{}, bad
		}
	}
	days := map[int]bool{}
	if f[4] != "*" {
		for _, part := range strings.Split(f[4], ",") {
			lo, hi, isRange := strings.Cut(part, "-")
			a, err := strconv.Atoi(lo)
			if err != nil {
				return time.Time{}, bad
			}
			b := a
			if isRange {
				if b, err = strconv.Atoi(hi); err != nil {
					return time.Time{}, bad
				}
			}
			for d := a; d <= b; d++ {
				days[d%7] = true
			}
		}
	}
	start := after.In(loc)
	for i := range 400 {
		t := time.Date(start.Year(), start.Month(), start.Day()+i, hour, minute, 0, 0, loc)
		if !t.After(after) || (dom != 0 && t.Day() != dom) || (len(days) > 0 && !days[int(t.Weekday())]) {
			continue
		}
		return t, nil
	}
	return time.Time{}, bad
}

var dlvPrinters = func() map[string]*locales.Printer {
	b := locales.MustLoad()
	return map[string]*locales.Printer{"ru": b.Printer("ru", nil), "en": b.Printer("en", nil)}
}()

// dlvTexts is the chat layer's printer.
func dlvTexts(lang, key string, args map[string]any) string {
	p, ok := dlvPrinters[lang]
	if !ok {
		p = dlvPrinters["ru"]
	}
	return p.T(key, args)
}

// dlvOffice is an office with the reports' ports: recorded tables, fake
// charts, the test cron, the real texts and a fake mail server; the heads'
// work chat is bound as -300, and the manager is in the head's team.
type dlvOffice struct {
	*office
	tables *dlvTables
	charts *dlvCharts
	mailer *fakeMailer
}

func newDlvOffice(t *testing.T, opts ...core.Option) *dlvOffice {
	t.Helper()
	o := &dlvOffice{tables: &dlvTables{}, charts: &dlvCharts{}, mailer: &fakeMailer{}}
	base := []core.Option{core.WithReports(o.tables, o.charts, dlvCron{}, dlvTexts),
		core.WithMailer(o.mailer, "reports@dealdesk.example", dlvTexts)}
	o.office = newOffice(t, append(base, opts...)...)
	o.bind("-300", core.PurposeHeads)
	o.update(func(tx core.Tx) error { // the manager is in the head's team
		u, err := tx.UserByID(o.manager.ID())
		if err != nil {
			return err
		}
		u.HeadID = o.head.ID()
		o.manager.User.HeadID = u.HeadID
		return tx.UpdateUser(u)
	})
	return o
}

// cleanClient is a card the quality gate finds nothing in: every
// requisite, a bank account, verified now.
func (o *dlvOffice) cleanClient(inn, kpp, ogrn, name string) *core.Client {
	o.t.Helper()
	c := o.managedClient(inn, kpp, name, o.manager)
	o.update(func(tx core.Tx) error {
		c.OGRN, c.Director, c.Address = ogrn, "Иванов Иван Иванович", "г. Москва, ул. Вавилова, д. 19"
		c.Accounts = []core.BankAccount{{BIK: "044525225", BankName: "ПАО Сбербанк", CorrAccount: "30101810400000000225",
			Account: "40702810938000012345"}}
		c.Verification = core.Verification{Status: core.Verified, At: tx.Now(), Source: "dadata",
			Company: core.StatusActive}
		return tx.UpdateClient(c)
	})
	return c
}

// amountDeal opens a deal of the client led by the manager, with an
// amount (0: none).
func (o *dlvOffice) amountDeal(clientID int64, title string, amount core.Money) *core.Deal {
	o.t.Helper()
	d, err := o.svc.CreateDeal(o.ctx(), o.manager, &core.Deal{ClientID: clientID, Title: title, Amount: amount})
	if err != nil {
		o.t.Fatal(err)
	}
	return d
}

// setActive turns a user's access on or off in the store.
func (o *dlvOffice) setActive(a core.Actor, on bool) {
	o.t.Helper()
	o.update(func(tx core.Tx) error {
		u, err := tx.UserByID(a.ID())
		if err != nil {
			return err
		}
		u.Active = on
		return tx.UpdateUser(u)
	})
}

// run reads a report run.
func (o *dlvOffice) run(id int64) *core.ReportRun {
	o.t.Helper()
	var r *core.ReportRun
	o.view(func(tx core.Tx) (err error) {
		r, err = tx.ReportRunByID(id)
		return err
	})
	return r
}

// stored reads a stored file.
func (o *dlvOffice) stored(sha string) []byte {
	o.t.Helper()
	data, err := o.svc.StoredFile(o.ctx(), sha)
	if err != nil {
		o.t.Fatalf("file %s: %v", sha, err)
	}
	return data
}

// inChat keeps the messages of a chat with the key.
func inChat(ms []*core.OutboxMessage, chatID, key string) []*core.OutboxMessage {
	var out []*core.OutboxMessage
	for _, m := range withKey(ms, key) {
		if m.ChatID == chatID {
			out = append(out, m)
		}
	}
	return out
}

// headsChat is the heads' work chat as a target.
var headsChat = core.ReportTarget{Kind: core.TargetChat, Platform: core.PlatformTelegram, ChatID: "-300"}

// pipelineSpec is the built-in pipeline report as XLSX.
var pipelineSpec = core.ReportSpec{Report: core.ReportPipeline}
