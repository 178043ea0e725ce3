package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	stdlog "log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/adapters/cron"
	"github.com/dealdesk/dealdesk/bot/telegram/telegramtest"
	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

// Telegram ids of the reports' crash world: the heads' work chat, the
// officer who owns the schedules, the head, and the managers (crashRepTG+i).
const (
	crashRepHeadsChat = -1007300
	crashRepOfficerTG = 7290
	crashRepHeadTG    = 7291
	crashRepTG        = 7300
	// crashRepCron fires once a year: after its first run a schedule's next
	// one is far away, so a second run in the test is a doubled one.
	crashRepCron = "0 9 1 1 *"
	// crashRepKills bounds the kills; then one start runs undisturbed.
	crashRepKills = 30
)

// TestCrashWhileReportsAreDelivered: scheduled deliveries (the pipeline
// with its chart to the heads' chat, the deals as CSV to managers) come
// due over a few seconds while DealDesk is killed with kill -9 again and
// again, at random moments: while it starts and fires the deliveries
// missed while it was down, between ticks, during a run's build and its
// transaction, between a run and its delivery, inside the Bot API calls
// that carry the file and the chart (their answers held back), after
// them. In the end every schedule fired exactly once — one run, sent, its
// next time a year away, one outbox message — and its file (and chart)
// reached its chat; the file that arrived is the run's (its SHA-256), so
// no run built and lost in a kill was ever delivered. A message arrived
// again only after a kill, and at most one per chat per kill: the one
// whose API call the kill interrupted, which the chat cannot be asked
// about. A start on the settled database fires and sends nothing.
func TestCrashWhileReportsAreDelivered(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills the program many times")
	}
	// Each of 16 managers gets their deals as CSV in their personal chat
	// (16 lanes side by side); 8 managers' pipelines go to the heads'
	// chat, one lane whose messages go one after another.
	const managers = 16
	w := newCrashRepWorld(t, managers, 8, 4*time.Second)
	var delay *atomic.Int64
	w.api, delay, w.held, w.upstream = newSlowFilesAPI(t, w.srv.URL)
	delay.Store(int64(80 * time.Millisecond))
	began := time.Now()
	var (
		kills   []crashRepKill
		toFirst = time.Second // how long a child takes to send its first file
		calm    = began.Add(60 * time.Second)
	)
	for round := 0; ; round++ {
		st := w.state()
		if round > 0 {
			kills[len(kills)-1].after = st
		}
		if st.settled {
			break
		}
		if round >= crashRepKills || time.Now().After(calm) {
			// Enough kills (a loaded machine starts a child slowly, and
			// each kill may come before it made progress): a start runs
			// undisturbed until its sends have been quiet for a while, and
			// stops gracefully; the database (locked while it runs) then
			// says whether everything settled.
			if time.Since(began) > 4*time.Minute {
				t.Fatalf("not settled after %d restarts in %v: %+v", round, time.Since(began).Round(time.Millisecond), st)
			}
			c := w.child()
			w.quietFor(5*time.Second, 2*time.Second, 90*time.Second)
			stopChild(t, c.cmd, syscall.SIGTERM)
			c.log.Close()
			continue
		}
		c := w.child()
		start := time.Now()
		k := crashRepKill{before: st}
		if round%3 == 2 {
			// Early: while it starts, fires what is due and builds.
			time.Sleep(time.Duration(rand.Int64N(int64(toFirst) + 1)))
			k.early = true
		} else {
			// Once it sends (the start takes long on a busy machine), at a
			// random moment after: during a file's API call or between.
			docs, msgs := w.srv.Count("sendDocument"), w.srv.Count("sendMessage")
			limit := time.Now().Add(30 * time.Second)
			for w.srv.Count("sendDocument") == docs && w.srv.Count("sendMessage") == msgs && time.Now().Before(limit) {
				time.Sleep(10 * time.Millisecond)
			}
			if w.srv.Count("sendDocument") > docs {
				toFirst = time.Since(start)
			}
			time.Sleep(time.Duration(rand.IntN(500)) * time.Millisecond)
		}
		k.held = w.held.Load()
		stopChild(t, c.cmd, syscall.SIGKILL)
		c.log.Close()
		kills = append(kills, k)
	}
	settledIn := time.Since(began)

	// One more start on the settled database fires nothing again.
	w.quietStart()

	w.checkRuns()
	arrivals := w.arrivals()
	w.checkArrivals(arrivals)

	early, inCall, unfired, undelivered := 0, 0, 0, 0
	for _, k := range kills {
		if k.early {
			early++
		}
		if k.held > 0 {
			inCall++
		}
		if k.before.fired < len(w.ids) && k.after.fired < len(w.ids) {
			unfired++
		}
		if k.after.fired > k.after.delivered {
			undelivered++
		}
	}
	repeats, heads := 0, 0
	for id, a := range arrivals {
		repeats += max(0, len(a)-1)
		if w.chat[id] == crashRepHeadsChat {
			heads += max(0, len(a)-1)
		}
	}
	// checkArrivals bounds them by chat and kill; in sum too.
	if heads > len(kills) || repeats > len(kills)*(managers+1) {
		t.Errorf("%d messages arrived again, %d of them in the heads' chat, for %d kills", repeats, heads, len(kills))
	}
	t.Logf("%d schedules fired once each through %d kill -9 in %v (%d early in a start, %d inside a chat API call, "+
		"%d with schedules still to fire, %d with fired runs not yet delivered); %d messages arrived again, "+
		"%d of them in the heads' chat", len(w.ids), len(kills), settledIn.Round(time.Millisecond), early, inCall,
		unfired, undelivered, repeats, heads)
}

// crashRepKill is one kill -9: the database before the child started and
// after the kill, whether it came early in the start, and how many file
// or message API calls had their answers held back at the kill.
type crashRepKill struct {
	before, after crashRepState
	early         bool
	held          int64
}

// crashRepWorld is a database with scheduled deliveries owned by an
// officer: each manager's deals as CSV to the manager's personal chat and,
// for the first managers, their pipeline as XLSX with its chart to the
// heads' chat; each filtered to its manager, whose name its message
// carries («Сотрудник: Менеджер №07»).
type crashRepWorld struct {
	t   *testing.T
	dir string
	srv *telegramtest.Server
	api string // the Bot API address the child talks to
	// held and upstream count the send calls whose answer the proxy holds
	// back now, and those the fake has not answered yet.
	held, upstream *atomic.Int64
	ids            []int64 // the schedules
	// Each schedule's chat, the manager its message names, and its file's
	// extension: ".csv" alone, or ".xlsx" and the chart.
	chat map[int64]int64
	mark map[int64]string
	ext  map[int64]string
	// lives are the indexes in srv.Sent() where each child's sends begin.
	lives []int
}

func newCrashRepWorld(t *testing.T, managers, toHeads int, spread time.Duration) *crashRepWorld {
	t.Helper()
	w := &crashRepWorld{t: t, dir: t.TempDir(), srv: telegramtest.NewServer(t), chat: map[int64]int64{},
		mark: map[int64]string{}, ext: map[int64]string{}}
	w.api = w.srv.URL
	ctx := context.Background()
	db, err := bolt.Open(filepath.Join(w.dir, "dealdesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := core.NewService(db, core.WithPlatforms(core.PlatformTelegram),
		core.WithReports(tables{}, nil, cron.New(), nil))
	if err := svc.SeedAdmins(ctx, []core.Admin{{Identity: "telegram:" + strconv.Itoa(adminTG), Name: "Админ"}}); err != nil {
		t.Fatal(err)
	}
	admin, err := svc.Authenticate(ctx, "telegram:"+strconv.Itoa(adminTG))
	if err != nil {
		t.Fatal(err)
	}
	user := func(tg int, name string, role core.Role, head int64) *core.User {
		return &core.User{Name: name, Role: role, HeadID: head, Active: true, Identities: []string{"telegram:" + strconv.Itoa(tg)}}
	}
	officer := user(crashRepOfficerTG, "Орлова Ольга", core.RoleOfficer, 0)
	head := user(crashRepHeadTG, "Петров Пётр", core.RoleHead, 0)
	var staff []*core.User
	if err := db.Update(ctx, func(tx core.Tx) error {
		for _, u := range []*core.User{officer, head} {
			if err := tx.CreateUser(u); err != nil {
				return err
			}
		}
		for i := range managers {
			u := user(crashRepTG+i, fmt.Sprintf("Менеджер №%02d", i+1), core.RoleManager, head.ID)
			if err := tx.CreateUser(u); err != nil {
				return err
			}
			staff = append(staff, u)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := svc.BindChat(ctx, core.Actor{User: admin}, &core.WorkChat{Platform: core.PlatformTelegram,
		ChatID: strconv.Itoa(crashRepHeadsChat), Title: "Руководители", Purpose: core.PurposeHeads}); err != nil {
		t.Fatal(err)
	}
	// Cards the quality gate finds nothing in: every requisite, a bank
	// account, checked in the registry today.
	var clients []*core.Client
	for _, c := range []*core.Client{
		{INN: "7707083893", KPP: "773601001", OGRN: "1027700132195", ShortName: "ПАО Сбербанк",
			FullName: "ПАО Сбербанк", Address: "г. Москва, ул. Вавилова, д. 19", Director: "Греф Герман Оскарович"},
		{INN: "7736207543", KPP: "770401001", OGRN: "1027700229193", ShortName: "ООО «Яндекс»",
			FullName: "ООО «Яндекс»", Address: "г. Москва, ул. Льва Толстого, д. 16", Director: "Савиновский Артём Геннадьевич"},
	} {
		c.Accounts = []core.BankAccount{{BIK: "044525225", BankName: "ПАО Сбербанк", Account: "40702810938000012345",
			CorrAccount: "30101810400000000225"}}
		c, err := svc.CreateClient(ctx, core.Actor{User: officer}, c)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Update(ctx, func(tx core.Tx) error {
			c.Verification = core.Verification{Status: core.Verified, At: tx.Now(), Source: "dadata",
				Company: core.StatusActive}
			return tx.UpdateClient(c)
		}); err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
	}
	// Each manager's two open deals: an amount, the dates in order.
	now := time.Now()
	for i, m := range staff {
		for j, c := range clients {
			if _, err := svc.CreateDeal(ctx, core.Actor{User: m}, &core.Deal{ClientID: c.ID,
				Title: fmt.Sprintf("Поставка %d-%d", i+1, j+1), Amount: core.Money(100_000_00 * (i + j + 1)),
				SigningDue: now.AddDate(0, 1, 0), PaymentDue: now.AddDate(0, 2, 0), ContractEnd: now.AddDate(1, 0, 0)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	// A manager gets the deals as CSV (one file); the heads' chat the
	// pipeline as XLSX with its chart (a file, then the chart).
	type delivery struct {
		spec core.ReportSpec
		to   core.ReportTarget
		chat int64
		ext  string
	}
	for i, m := range staff {
		mine := core.ReportFilter{ManagerID: m.ID}
		ds := []delivery{{core.ReportSpec{Export: core.ExportDeals, Filter: mine, Format: core.FormatCSV},
			core.ReportTarget{Kind: core.TargetUser, UserID: m.ID}, int64(crashRepTG + i), ".csv"}}
		if i < toHeads {
			ds = append(ds, delivery{core.ReportSpec{Report: core.ReportPipeline, Filter: mine},
				core.ReportTarget{Kind: core.TargetChat, Platform: core.PlatformTelegram,
					ChatID: strconv.Itoa(crashRepHeadsChat)}, crashRepHeadsChat, ".xlsx"})
		}
		for _, d := range ds {
			sch := &core.ReportSchedule{Spec: d.spec, To: []core.ReportTarget{d.to}, Cron: crashRepCron}
			if err := svc.ScheduleReport(ctx, core.Actor{User: officer}, sch); err != nil {
				t.Fatal(err)
			}
			w.ids = append(w.ids, sch.ID)
			w.chat[sch.ID], w.mark[sch.ID], w.ext[sch.ID] = d.chat, m.Name, d.ext
		}
	}
	// Due over the next seconds of real time, in a random order.
	start := time.Now().Add(time.Second)
	if err := db.Update(ctx, func(tx core.Tx) error {
		for _, id := range w.ids {
			sch, err := tx.ReportScheduleByID(id)
			if err != nil {
				return err
			}
			sch.NextRun = start.Add(time.Duration(rand.Int64N(int64(spread) + 1))).UTC()
			if err := tx.UpdateReportSchedule(sch); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return w
}

// newSlowFilesAPI is newSlowBotAPI for messages and files: a proxy in
// front of the fake Bot API that holds the answer to each sendMessage and
// sendDocument for the delay it returns (nanoseconds) after the fake took
// and recorded it. It counts those calls: held, whose answer it holds now,
// and upstream, not yet answered by the fake (a killed child's last call
// may still be on its way there).
func newSlowFilesAPI(t *testing.T, target string) (addr string, delay, held, upstream *atomic.Int64) {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	delay, held, upstream = new(atomic.Int64), new(atomic.Int64), new(atomic.Int64)
	type answeredKey struct{}
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.ErrorLog = stdlog.New(io.Discard, "", 0) // the kills cut requests short
	proxy.ModifyResponse = func(r *http.Response) error {
		if answered, ok := r.Request.Context().Value(answeredKey{}).(func()); ok {
			answered()
			held.Add(1)
			time.Sleep(time.Duration(delay.Load()))
			held.Add(-1)
		}
		return nil
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.Path; !strings.HasSuffix(p, "/sendMessage") && !strings.HasSuffix(p, "/sendDocument") {
			proxy.ServeHTTP(w, r)
			return
		}
		upstream.Add(1)
		var once sync.Once
		answered := func() { once.Do(func() { upstream.Add(-1) }) }
		defer answered()
		proxy.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), answeredKey{}, answered)))
	})
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	ln, err := new(net.ListenConfig).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String(), delay, held, upstream
}

// child starts the program on the world's database, ticking the reports
// every 100 ms, and marks where its sends begin.
func (w *crashRepWorld) child() *childProc {
	w.t.Helper()
	log, err := os.OpenFile(filepath.Join(w.dir, "child.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		w.t.Fatal(err)
	}
	cmd := childCommand(w.t, w.dir, "DEALDESK_TEST_NO_LIMITS=1", "DEALDESK_CONSOLE=off",
		"DEALDESK_ADMINS=telegram:"+strconv.Itoa(adminTG), "DEALDESK_OUTBOX_INTERVAL=50ms",
		"DEALDESK_REPORT_TICK=100ms", "DEALDESK_SOFFICE="+noSoffice,
		"TELEGRAM_TOKEN="+w.srv.Token, "TELEGRAM_API_URL="+w.api)
	cmd.Stdout, cmd.Stderr = log, log
	// What was sent so far is the earlier lives', once a killed child's
	// last call has reached the fake or failed.
	waitUntil(w.t, "the killed child's calls settled", 10*time.Second, func() bool { return w.upstream.Load() == 0 })
	w.lives = append(w.lives, len(w.srv.Sent()))
	if err := cmd.Start(); err != nil {
		log.Close()
		w.t.Fatal(err)
	}
	return &childProc{cmd: cmd, log: log}
}

// quietStart starts the program once more on the settled database, lets
// it tick a few times and stops it: nothing is fired or sent again.
func (w *crashRepWorld) quietStart() {
	w.t.Helper()
	before := w.state()
	docs, polls := w.srv.Count("sendDocument"), w.srv.Count("getUpdates")
	c := w.child()
	waitUntil(w.t, "the child polling for updates", 60*time.Second, func() bool {
		return w.srv.Count("getUpdates") > polls
	}, w.logTail)
	time.Sleep(500 * time.Millisecond) // five ticks
	stopChild(w.t, c.cmd, syscall.SIGTERM)
	c.log.Close()
	if after := w.state(); after.runs != before.runs || w.srv.Count("sendDocument") != docs {
		w.t.Fatalf("a start on the settled database made %d runs and sent %d files",
			after.runs-before.runs, w.srv.Count("sendDocument")-docs)
	}
}

func (w *crashRepWorld) logTail() string {
	logs, _ := os.ReadFile(filepath.Join(w.dir, "child.log"))
	return "child log:\n" + tail(string(logs), 3000)
}

// crashRepState is the stopped child's database: how many schedules fired,
// how many runs exist, how many runs' messages are delivered, and whether
// every schedule fired and the outbox is empty.
type crashRepState struct {
	fired, runs, delivered int
	settled                bool
}

func (w *crashRepWorld) state() crashRepState {
	w.t.Helper()
	var st crashRepState
	w.view(func(tx core.Tx) error {
		for _, id := range w.ids {
			sch, err := tx.ReportScheduleByID(id)
			if err != nil {
				return err
			}
			if sch.LastRunID != 0 {
				st.fired++
			}
		}
		runs, err := crashRepRuns(tx)
		if err != nil {
			return err
		}
		st.runs = len(runs)
		ms, err := crashRepOutbox(tx)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if m.Key == "report.delivery" && m.Status == core.OutboxDelivered {
				st.delivered++
			}
		}
		backlog, _, err := tx.OutboxBacklog()
		if err != nil {
			return err
		}
		st.settled = st.fired == len(w.ids) && backlog[core.PlatformTelegram] == 0
		return nil
	})
	return st
}

// view reads the stopped child's database.
func (w *crashRepWorld) view(fn func(tx core.Tx) error) {
	w.t.Helper()
	db, err := bolt.Open(filepath.Join(w.dir, "dealdesk.db"))
	if err != nil {
		w.t.Fatal(err)
	}
	defer db.Close()
	if err := db.View(context.Background(), fn); err != nil {
		w.t.Fatal(err)
	}
}

// crashRepRuns reads every report run: their IDs come from one sequence,
// which a transaction cut short by a kill never advanced.
func crashRepRuns(tx core.Tx) ([]*core.ReportRun, error) {
	var out []*core.ReportRun
	for id := int64(1); ; id++ {
		r, err := tx.ReportRunByID(id)
		if core.IsNotFound(err) {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
}

// crashRepOutbox reads every outbox message.
func crashRepOutbox(tx core.Tx) ([]*core.OutboxMessage, error) {
	var out []*core.OutboxMessage
	for id := int64(1); ; id++ {
		m, err := tx.OutboxMessage(id)
		if core.IsNotFound(err) {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
}

// checkRuns checks the settled database: each schedule fired once — one
// run of it, sent with nothing held, its manifest audited once, its next
// run the cron's first after the run, one delivered outbox message to its
// chat — and no other run exists.
func (w *crashRepWorld) checkRuns() {
	w.t.Helper()
	w.view(func(tx core.Tx) error {
		runs, err := crashRepRuns(tx)
		if err != nil {
			return err
		}
		ms, err := crashRepOutbox(tx)
		if err != nil {
			return err
		}
		byRun := map[int64][]*core.OutboxMessage{}
		for _, m := range ms {
			if m.Key == "report.delivery" {
				id, _ := strconv.ParseInt(fmt.Sprint(m.Args["Run"]), 10, 64)
				byRun[id] = append(byRun[id], m)
			}
		}
		if len(runs) != len(w.ids) {
			w.t.Errorf("%d report runs for %d schedules", len(runs), len(w.ids))
		}
		bySchedule := map[int64][]*core.ReportRun{}
		for _, r := range runs {
			bySchedule[r.ScheduleID] = append(bySchedule[r.ScheduleID], r)
		}
		for _, id := range w.ids {
			sch, err := tx.ReportScheduleByID(id)
			if err != nil {
				return err
			}
			rs := bySchedule[id]
			if len(rs) != 1 {
				w.t.Errorf("schedule %d has %d runs, want 1", id, len(rs))
				continue
			}
			r := rs[0]
			if r.Status != core.RunSent || len(r.Findings) != 0 || r.File.SHA256 == "" || r.Rows == 0 {
				w.t.Errorf("schedule %d's run %d: status %s, findings %v, file %q, rows %d", id, r.ID, r.Status,
					r.Findings, r.File.SHA256, r.Rows)
			}
			next, err := cron.New().Next(sch.Cron, sch.LastRun, core.Location(sch.TimeZone))
			if err != nil {
				return err
			}
			if !sch.Active || sch.LastRunID != r.ID || sch.LastRun.IsZero() || !sch.NextRun.Equal(next.UTC()) ||
				!sch.NextRun.After(time.Now().Add(time.Hour)) {
				w.t.Errorf("schedule %d after its run %d: active %v, last run %d at %v, next %v (want %v)", id, r.ID,
					sch.Active, sch.LastRunID, sch.LastRun, sch.NextRun, next.UTC())
			}
			sent := 0
			cs, err := tx.Changes(core.EntityReport, r.ID)
			if err != nil {
				return err
			}
			for _, c := range cs {
				if c.Field == "sent" {
					sent++
				}
			}
			if sent != 1 {
				w.t.Errorf("run %d has %d «sent» manifests in the audit", r.ID, sent)
			}
			out := byRun[r.ID]
			if len(out) != 1 || out[0].ChatID != strconv.FormatInt(w.chat[id], 10) ||
				out[0].Status != core.OutboxDelivered || len(out[0].Files) != w.parts(id) {
				w.t.Errorf("run %d of schedule %d: outbox messages %s", r.ID, id, crashRepDescribe(out))
			}
		}
		return nil
	})
}

// parts is how many files a schedule's message carries: the file, and
// the chart with an XLSX report.
func (w *crashRepWorld) parts(id int64) int {
	if w.ext[id] == ".xlsx" {
		return 2
	}
	return 1
}

func crashRepDescribe(ms []*core.OutboxMessage) string {
	var out []string
	for _, m := range ms {
		out = append(out, fmt.Sprintf("#%d to %s %s (%d files)", m.ID, m.ChatID, m.Status, len(m.Files)))
	}
	return "[" + strings.Join(out, ", ") + "]"
}

// crashRepArrival is a report's message as it reached its chat: in which
// child's life, its file's SHA-256, and whether it came whole (an XLSX
// report's chart followed its file).
type crashRepArrival struct {
	life  int
	sha   string
	whole bool
}

// arrivals are what reached the chats of each schedule's message: its
// file with the caption that names its manager, and the chart after an
// XLSX report's.
// A file in the wrong chat, or naming no schedule, fails the test.
func (w *crashRepWorld) arrivals() map[int64][]crashRepArrival {
	w.t.Helper()
	owner := map[string]int64{} // chat and manager → schedule
	for _, id := range w.ids {
		owner[strconv.FormatInt(w.chat[id], 10)+"\x00"+w.mark[id]] = id
	}
	sent := w.srv.Sent()
	out := map[int64][]crashRepArrival{}
	last := map[int64]*crashRepArrival{} // each chat's last file, waiting for its chart
	for i, m := range sent {
		if m.Method != "sendDocument" || m.Document == nil {
			continue
		}
		life := sort.Search(len(w.lives), func(l int) bool { return w.lives[l] > i }) - 1
		if strings.HasSuffix(m.Document.Name, ".png") {
			if a := last[m.ChatID]; a != nil && a.life == life && bytes.HasPrefix(m.Document.Data, []byte("\x89PNG")) {
				a.whole = true
			}
			last[m.ChatID] = nil
			continue
		}
		var id int64
		for _, id0 := range w.ids {
			if strings.Contains(m.Text, w.mark[id0]) && owner[strconv.FormatInt(m.ChatID, 10)+"\x00"+w.mark[id0]] == id0 {
				id = id0
			}
		}
		if id == 0 || !strings.HasSuffix(m.Document.Name, w.ext[id]) {
			w.t.Errorf("a file %q to chat %d belongs to no schedule: %.200q", m.Document.Name, m.ChatID, m.Text)
			continue
		}
		sum := sha256.Sum256(m.Document.Data)
		out[id] = append(out[id], crashRepArrival{life: life, sha: hex.EncodeToString(sum[:]), whole: w.parts(id) == 1})
		last[m.ChatID] = &out[id][len(out[id])-1]
	}
	return out
}

// checkArrivals: every schedule's message reached its chat whole (the
// run's file, then an XLSX report's chart); no life sent one twice; and what a life
// sent that arrived again later is at most one message per chat, the one
// in flight at the kill that ended it.
func (w *crashRepWorld) checkArrivals(arrivals map[int64][]crashRepArrival) {
	w.t.Helper()
	files := map[int64]string{}
	w.view(func(tx core.Tx) error {
		for _, id := range w.ids {
			sch, err := tx.ReportScheduleByID(id)
			if err != nil {
				return err
			}
			r, err := tx.ReportRunByID(sch.LastRunID)
			if err != nil {
				return err
			}
			files[id] = r.File.SHA256
		}
		return nil
	})
	repeatedFrom := map[[2]int64]int{} // life and chat → messages that arrived again after it
	for _, id := range w.ids {
		as := arrivals[id]
		whole := false
		lives := map[int]bool{}
		for _, a := range as {
			if a.sha != files[id] {
				w.t.Errorf("schedule %d: a file arrived that is not its run's (sha256 %s, the run's %s)", id, a.sha, files[id])
			}
			whole = whole || a.whole
			if lives[a.life] {
				w.t.Errorf("schedule %d's message arrived twice in one life (%d) of the program", id, a.life)
			}
			lives[a.life] = true
		}
		if !whole {
			w.t.Errorf("schedule %d's message never reached chat %d whole (arrivals %+v)", id, w.chat[id], as)
		}
		for _, a := range as[:max(0, len(as)-1)] {
			repeatedFrom[[2]int64{int64(a.life), w.chat[id]}]++
		}
	}
	for k, n := range repeatedFrom {
		if n > 1 {
			w.t.Errorf("%d messages that chat %d got in life %d of the program arrived again: a kill interrupts one per chat",
				n, k[1], k[0])
		}
	}
}

// quietFor waits at least min, then until the fake Bot API has had no
// message or file sent for quiet, or until limit.
func (w *crashRepWorld) quietFor(min, quiet, limit time.Duration) {
	start := time.Now()
	sent := func() int { return w.srv.Count("sendDocument") + w.srv.Count("sendMessage") }
	last, lastAt := sent(), time.Now()
	for time.Since(start) < limit {
		time.Sleep(100 * time.Millisecond)
		if n := sent(); n != last {
			last, lastAt = n, time.Now()
		}
		if time.Since(start) >= min && time.Since(lastAt) >= quiet {
			return
		}
	}
}
