package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot/telegram/telegramtest"
	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/postgres"
	"github.com/dealdesk/dealdesk/storage/postgres/pgtest"
)

// failoverTimeout is DEALDESK_LEADER_TIMEOUT of the failover test; a
// takeover is asserted within it plus failoverMargin (a loaded machine
// starts sessions and schedules goroutines late).
const (
	failoverTimeout = 3 * time.Second
	failoverMargin  = 4 * time.Second
)

// failoverChatBase is the first Telegram chat of the users who get
// reminders in the failover test.
const failoverChatBase = 8000

// failoverWorld is one PostgreSQL database shared by two DealDesk
// processes, the fake Bot API they both talk to (through the gate), and a
// connection of the test's own to seed the database and look into it.
type failoverWorld struct {
	t      *testing.T
	url    string
	srv    *telegramtest.Server
	api    *gatedBotAPI
	dadata string
	db     *postgres.DB
	svc    *core.Service
	users  []*core.User
	rw     *remindWorld // the reminders made, by id and chat (for arrived)
	insts  map[string]*instance
	// left counts the reminders still pending at the kills: the new
	// leaders' schedule fired them.
	left int
}

// instance is one DealDesk process of the world.
type instance struct {
	name  string
	dir   string
	cmd   *exec.Cmd
	log   *os.File
	logAt string
	addr  string
	n     int
}

func newFailoverWorld(t *testing.T, users int) *failoverWorld {
	t.Helper()
	pgtest.Require(t)
	w := &failoverWorld{t: t, url: pgtest.NewDB(t), srv: telegramtest.NewServer(t), insts: map[string]*instance{}}
	w.api = newGatedBotAPI(t, w.srv.URL)
	w.dadata = dadataServer(t, nil).URL
	ctx := context.Background()
	db, err := postgres.Open(ctx, w.url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	w.db = db
	w.svc = core.NewService(db, core.WithPlatforms(core.PlatformTelegram))
	w.rw = &remindWorld{t: t, srv: w.srv, chat: map[int64]int64{}}
	mk := func(name string, tg int64) *core.User {
		u := &core.User{Name: name, Role: core.RoleManager, Active: true, Identities: []string{"telegram:" + strconv.FormatInt(tg, 10)}}
		if err := db.Update(ctx, func(tx core.Tx) error { return tx.CreateUser(u) }); err != nil {
			t.Fatal(err)
		}
		return u
	}
	mk("Менеджер Сделок", managerTG)
	for i := range users {
		w.users = append(w.users, mk(fmt.Sprintf("Менеджер %d", i+1), failoverChatBase+int64(i)))
	}
	return w
}

// start starts (or restarts) the instance called name.
func (w *failoverWorld) start(name string) *instance {
	w.t.Helper()
	in := w.insts[name]
	if in == nil {
		in = &instance{name: name, dir: w.t.TempDir()}
		w.insts[name] = in
		w.t.Cleanup(func() {
			if in.cmd != nil {
				_ = in.cmd.Process.Kill()
				_ = in.cmd.Wait()
				in.log.Close()
			}
		})
	}
	in.n++
	in.logAt = filepath.Join(in.dir, fmt.Sprintf("child-%d.log", in.n))
	log, err := os.Create(in.logAt)
	if err != nil {
		w.t.Fatal(err)
	}
	cmd := childCommand(w.t, in.dir, "DEALDESK_TEST_NO_LIMITS=1", "DEALDESK_CHAT_BURST=1000", "DEALDESK_CONSOLE=off",
		"DEALDESK_ADMINS=telegram:"+strconv.Itoa(adminTG), "DEALDESK_OUTBOX_INTERVAL=50ms",
		"DEALDESK_REMIND_TICK=100ms", "DEALDESK_SOFFICE="+noSoffice,
		"TELEGRAM_TOKEN="+w.srv.Token, "TELEGRAM_API_URL="+w.api.URL,
		"DADATA_API_KEY=test-key", "DADATA_URL="+w.dadata,
		"DEALDESK_DB="+w.url, "DEALDESK_INSTANCE="+name, "DEALDESK_LEADER_TIMEOUT="+failoverTimeout.String(),
		"DEALDESK_HTTP_ADDR="+testHTTPAddr)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		log.Close()
		w.t.Fatal(err)
	}
	in.cmd, in.log, in.addr = cmd, log, ""
	waitUntil(w.t, name+" serving HTTP", 60*time.Second, func() bool {
		in.addr = httpAddrIn(in.logAt)
		return in.addr != ""
	}, in.logTail)
	return in
}

// kill ends the instance with sig and waits for it.
func (w *failoverWorld) kill(in *instance, sig syscall.Signal) {
	w.t.Helper()
	stopChild(w.t, in.cmd, sig)
	in.log.Close()
	in.cmd = nil
}

func (in *instance) logTail() string {
	b, _ := os.ReadFile(in.logAt)
	return in.name + " log:\n" + tail(string(b), 4000)
}

// httpAddrIn finds the address in a child's log line "serving /healthz…".
func httpAddrIn(path string) string {
	b, _ := os.ReadFile(path)
	for line := range strings.SplitSeq(string(b), "\n") {
		if !strings.Contains(line, "serving /healthz") {
			continue
		}
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) == nil {
			if a, ok := rec["addr"].(string); ok {
				return a
			}
		}
	}
	return ""
}

// readyz is an instance's /readyz answer.
type readyz struct {
	Status string `json:"status"`
	Role   string `json:"role"`
	Leader string `json:"leader"`
}

func (in *instance) ready() (readyz, error) {
	var rd readyz
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get("http://" + in.addr + "/readyz")
	if err != nil {
		return rd, err
	}
	defer resp.Body.Close()
	err = json.NewDecoder(resp.Body).Decode(&rd)
	return rd, err
}

// waitLeader waits until one of the instances reports itself the leader
// and every other one stands by naming it; it returns the leader.
func (w *failoverWorld) waitLeader(within time.Duration, what string) *instance {
	w.t.Helper()
	var leader *instance
	var seen []string
	waitUntil(w.t, what, within, func() bool {
		leader, seen = nil, nil
		rds := map[string]readyz{}
		for name, in := range w.insts {
			if in.cmd == nil {
				continue
			}
			rd, err := in.ready()
			if err != nil {
				seen = append(seen, name+": "+err.Error())
				return false
			}
			rds[name] = rd
			seen = append(seen, fmt.Sprintf("%s: %+v", name, rd))
			if rd.Role == "leader" {
				if leader != nil {
					return false
				}
				leader = in
			}
		}
		if leader == nil {
			return false
		}
		for name, rd := range rds {
			if name != leader.name && (rd.Role != "standby" || rd.Leader != leader.name || rd.Status != "ready") {
				return false
			}
		}
		return rds[leader.name].Leader == leader.name && rds[leader.name].Status == "ready"
	}, func() string { return strings.Join(seen, "\n") })
	return leader
}

// other is the running instance that is not in.
func (w *failoverWorld) other(in *instance) *instance {
	for _, o := range w.insts {
		if o != in {
			return o
		}
	}
	return nil
}

// say sends text as the manager and waits for a message containing want.
func (w *failoverWorld) say(text, want string) telegramtest.SentMessage {
	w.t.Helper()
	n := len(w.srv.Sent())
	w.srv.SendText(managerTG, managerTG, text)
	return w.waitSent(n, want, "the answer to "+text)
}

func (w *failoverWorld) waitSent(n int, want, what string) telegramtest.SentMessage {
	w.t.Helper()
	var got telegramtest.SentMessage
	waitUntil(w.t, what, 60*time.Second, func() bool {
		for _, m := range w.srv.Sent()[n:] {
			if m.ChatID == managerTG && strings.Contains(m.Text, want) {
				got = m
				return true
			}
		}
		return false
	}, w.logs)
	return got
}

// tap presses the button label under msg and waits for a message to the
// manager containing want.
func (w *failoverWorld) tap(msg telegramtest.SentMessage, label, want string) telegramtest.SentMessage {
	w.t.Helper()
	for _, row := range msg.Buttons {
		for _, b := range row {
			if b.Text == label {
				n := len(w.srv.Sent())
				w.srv.Press(managerTG, managerTG, msg.MessageID, b.Data)
				return w.waitSent(n, want, "«"+want+"» after «"+label+"»")
			}
		}
	}
	w.t.Fatalf("no button %q in %+v", label, msg)
	return telegramtest.SentMessage{}
}

func (w *failoverWorld) logs() string {
	var b strings.Builder
	for _, in := range w.insts {
		b.WriteString(in.logTail())
		b.WriteString("\n")
	}
	return b.String()
}

// remind makes each user `at` reminders due at `first` (fired in one
// tick) and `spread` more due within `over` after it, each named by its
// text («R17»).
func (w *failoverWorld) remind(first time.Time, at, spread int, over time.Duration) []int64 {
	w.t.Helper()
	ctx := context.Background()
	var ids []int64
	for i, u := range w.users {
		for j := range at + spread {
			due := first
			if j >= at {
				due = first.Add(time.Duration(rand.Int64N(int64(over) + 1)))
			}
			r, err := w.svc.CreateReminder(ctx, core.Actor{User: u}, core.CustomReminder{At: due, Text: "позвонить"})
			if err != nil {
				w.t.Fatal(err)
			}
			if err := w.db.Update(ctx, func(tx core.Tx) error {
				r.Text = fmt.Sprintf("R%d", r.ID)
				return tx.UpdateReminder(r)
			}); err != nil {
				w.t.Fatal(err)
			}
			ids = append(ids, r.ID)
			w.rw.ids = append(w.rw.ids, r.ID)
			w.rw.chat[r.ID] = failoverChatBase + int64(i)
		}
	}
	return ids
}

// state reads, from the database, whether the reminders ids have all fired
// and the outbox has nothing left for Telegram, how many outbox messages
// name each reminder, and the reminders whose message is delivered.
func (w *failoverWorld) state(ids []int64) (done bool, written map[int64]int, delivered map[int64]bool) {
	w.t.Helper()
	done, written, delivered, err := reminderOutbox(w.db, ids)
	if err != nil {
		w.t.Fatal(err)
	}
	return done, written, delivered
}

// pending is how many of the reminders made have not fired.
func (w *failoverWorld) pending() int {
	w.t.Helper()
	n := 0
	err := w.db.View(context.Background(), func(tx core.Tx) error {
		for _, id := range w.rw.ids {
			r, err := tx.ReminderByID(id)
			if err != nil {
				return err
			}
			if r.Status != core.ReminderFired {
				n++
			}
		}
		return nil
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return n
}

// settle waits until the reminders ids have fired and been delivered.
func (w *failoverWorld) settle(ids []int64, what string) {
	w.t.Helper()
	waitUntil(w.t, what, 60*time.Second, func() bool {
		done, _, _ := w.state(ids)
		return done
	}, func() string {
		_, written, delivered := w.state(ids)
		return fmt.Sprintf("written %v\ndelivered %v\n%s", written, delivered, w.logs())
	})
}

// takeover kills the leader with kill -9 and waits until the other
// instance leads, within the leader timeout and a margin; it returns the
// calls that were inside the chat API call at the kill and the new leader.
// A call is inside it when its answer was held at the kill (or written
// after it), or when it carried reminders and was answered but the store
// does not show them delivered (the kill fell between the answer and the
// transaction that records it).
func (w *failoverWorld) takeover(leader *instance, what string) ([]apiCall, *instance) {
	w.t.Helper()
	killAt := time.Now()
	w.kill(leader, syscall.SIGKILL)
	_, _, delivered := w.state(w.rw.ids)
	pending := w.pending()
	w.left += pending
	inFlight, unheard := w.api.inFlight(killAt, func(c apiCall) bool {
		for _, sm := range reminderMark.FindAllStringSubmatch(c.text, -1) {
			id, _ := strconv.ParseInt(sm[1], 10, 64)
			if w.rw.chat[id] == c.chat && !delivered[id] {
				return false
			}
		}
		return true
	})
	w.api.openGate()
	next := w.waitLeader(failoverTimeout+failoverMargin, what)
	w.t.Logf("%s: %s led after %v; %d calls were inside the chat API call (%d of them answered, not yet recorded); %d reminders had not fired",
		what, next.name, time.Since(killAt).Round(10*time.Millisecond), len(inFlight), unheard, pending)
	if next == leader {
		w.t.Fatalf("the killed %s still leads", leader.name)
	}
	return inFlight, next
}

var dealNumber = regexp.MustCompile(`D-\d{4}-\d{4}`)

// TestFailoverKillTheLeader is issue 13's failover: two DealDesk processes
// on one PostgreSQL database. A deal is created through the leader and
// seen through the other once it leads. The leader is killed with kill -9
// twice: in the middle of the outbox's delivery of reminders (answers to
// sendMessage held back after the Bot API took the messages), and at a
// random moment around a tick that fires dozens of reminders at once. Each
// time the other instance leads within the leader timeout, answers
// commands and fires the reminders left; in the end every reminder fired
// once (one outbox message names it) and reached its user's chat exactly
// once plus once for each call that was inside the chat API at a kill —
// those, and only those, arrived again.
func TestFailoverKillTheLeader(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills DealDesk processes")
	}
	const users = 12
	w := newFailoverWorld(t, users)
	w.start("dd-a")
	w.start("dd-b")
	first := w.waitLeader(30*time.Second, "one instance leading, the other standing by")
	standby := w.other(first)
	t.Logf("%s leads, %s stands by", first.name, standby.name)

	// (1) A manager creates a client and a deal through Telegram: the
	// leader polls.
	record := w.say("/client 7707083893", "Реестр (DaData) знает его так")
	w.tap(record, "Создать", "карточка #1")
	confirm := w.say("/deal new 7707083893 Поставка оборудования 1 500 000", "Проверьте сделку")
	card := w.tap(confirm, "Создать", "D-20")
	deal := dealNumber.FindString(card.Text)
	if deal == "" {
		t.Fatalf("no deal number in %q", card.Text)
	}
	if rd, err := standby.ready(); err != nil || rd.Role != "standby" || rd.Leader != first.name {
		t.Fatalf("%s's /readyz: %+v, %v; want standby naming %s", standby.name, rd, err, first.name)
	}

	// (2) Reminders come due: 2 per user at once, 2 more within 3 s. The
	// gate closes once 8 reminder messages are answered; the leader is
	// killed when DealDesk is inside the chat API call and has recorded
	// every answer it had (the messages answered are delivered in the
	// store), so the kill falls in the middle of the deliveries.
	var all []int64
	wave := w.remind(time.Now().Add(1500*time.Millisecond), 2, 2, 3*time.Second)
	all = append(all, wave...)
	_ = w.api.closeAfterAnswers(8)
	waitUntil(t, "deliveries held inside the chat API call", 60*time.Second, func() bool {
		if w.api.heldReminders() == 0 {
			return false
		}
		_, _, delivered := w.state(wave)
		for _, c := range w.api.answered() {
			for _, sm := range reminderMark.FindAllStringSubmatch(c.text, -1) {
				id, _ := strconv.ParseInt(sm[1], 10, 64)
				if !delivered[id] {
					return false
				}
			}
		}
		return true
	}, w.logs)
	inFlight, second := w.takeover(first, "the standby leading after the kill in the deliveries")
	if second != standby {
		t.Fatalf("%s leads, want %s", second.name, standby.name)
	}
	// (3) The new leader polls (the deal made through the first is shown
	// through it) and fires and delivers the rest.
	shown := w.say("/deal "+deal, deal)
	expect(t, shown, "Поставка оборудования")
	w.settle(wave, "the first wave delivered by the new leader")

	// The killed instance comes back and stands by.
	w.start(first.name)
	if got := w.waitLeader(30*time.Second, "the restarted instance standing by"); got != second {
		t.Fatalf("%s leads after the restart, want %s", got.name, second.name)
	}

	// (4) Kill during a tick: dozens of reminders due at once, the answers
	// held from the start, the leader killed at a random moment around
	// their due time (in the tick's transaction, between it and the
	// delivery, or inside the API calls).
	due := time.Now().Add(2 * time.Second)
	wave = w.remind(due, 3, 1, time.Second)
	all = append(all, wave...)
	w.api.closeGate()
	time.Sleep(time.Until(due.Add(time.Duration(rand.IntN(600)-100) * time.Millisecond)))
	more, third := w.takeover(second, "the restarted instance leading after the kill around a tick")
	inFlight = append(inFlight, more...)
	expect(t, w.say("/deal "+deal, deal), "Поставка оборудования")
	w.settle(wave, "the second wave delivered by the third leader")
	w.start(second.name)
	if got := w.waitLeader(30*time.Second, "the instance killed second standing by"); got != third {
		t.Fatalf("%s leads after the restart, want %s", got.name, third.name)
	}

	// Kill right after a delivery: the leader is killed the moment the Bot
	// API's answer to a reminder's message has been written back (the
	// other answers held), before or after DealDesk recorded it.
	wave = w.remind(time.Now().Add(1500*time.Millisecond), 1, 2, 2*time.Second)
	all = append(all, wave...)
	select {
	case <-w.api.closeAfterAnswers(1 + rand.IntN(6)):
	case <-time.After(60 * time.Second):
		t.Fatalf("no reminder delivered\n%s", w.logs())
	}
	more, last := w.takeover(third, "the instance killed first leading after a kill right after a delivery")
	inFlight = append(inFlight, more...)
	expect(t, w.say("/deal "+deal, deal), "Поставка оборудования")
	w.settle(all, "every reminder delivered by the last leader")
	t.Logf("%s leads at the end", last.name)

	// (5) Every reminder fired once, reached its chat, and arrived again
	// exactly as often as a call carrying it was inside the chat API call
	// at a kill.
	_, written, _ := w.state(all)
	arrived := w.rw.arrived()
	again := map[int64]int{}
	for _, c := range inFlight {
		for _, sm := range reminderMark.FindAllStringSubmatch(c.text, -1) {
			id, _ := strconv.ParseInt(sm[1], 10, 64)
			if w.rw.chat[id] == c.chat {
				again[id]++
			}
		}
	}
	repeated := 0
	for _, id := range all {
		if written[id] != 1 {
			t.Errorf("reminder %d is in %d outbox messages, want 1", id, written[id])
		}
		if arrived[id] != 1+again[id] {
			t.Errorf("reminder %d reached chat %d %d times, want %d (%d calls carrying it were in flight at a kill)",
				id, w.rw.chat[id], arrived[id], 1+again[id], again[id])
		}
		if again[id] > 0 {
			repeated++
		}
	}
	// Nothing else arrived twice in the users' and the admin's chats but
	// what was in flight.
	inFlightText := map[string]int{}
	for _, c := range inFlight {
		inFlightText[strconv.FormatInt(c.chat, 10)+"\x00"+c.text]++
	}
	seen := map[string]int{}
	for _, m := range w.srv.Sent() {
		if m.Method == "sendMessage" && m.ChatID != managerTG {
			seen[strconv.FormatInt(m.ChatID, 10)+"\x00"+m.Text]++
		}
	}
	for k, n := range seen {
		if n-1 > inFlightText[k] {
			chat, text, _ := strings.Cut(k, "\x00")
			t.Errorf("chat %s got %q %d times; %d in flight at a kill", chat, text, n, inFlightText[k])
		}
	}
	if w.left == 0 {
		t.Error("every reminder had fired before the kills: the new leaders' schedule was not tried")
	}
	if len(inFlight) == 0 || repeated == 0 {
		t.Errorf("no reminder was inside the chat API call at a kill (%d calls in flight): the kills missed the deliveries",
			len(inFlight))
	}
	t.Logf("%d reminders fired once each through 3 kill -9; %d of them arrived again, all inside the chat API call",
		len(all), repeated)
	// Both stop on SIGTERM, cleanly; no child reported a data race or a
	// panic in any of its runs.
	for _, in := range w.insts {
		if in.cmd != nil {
			cmd := in.cmd
			w.kill(in, syscall.SIGTERM)
			if code := cmd.ProcessState.ExitCode(); code != 0 {
				t.Errorf("%s exited with %d on SIGTERM\n%s", in.name, code, in.logTail())
			}
		}
		for i := 1; i <= in.n; i++ {
			b, err := os.ReadFile(filepath.Join(in.dir, fmt.Sprintf("child-%d.log", i)))
			if err != nil {
				t.Fatal(err)
			}
			for _, bad := range []string{"DATA RACE", "panic:"} {
				if strings.Contains(string(b), bad) {
					t.Errorf("%s's run %d: %s\n%s", in.name, i, bad, tail(string(b), 4000))
				}
			}
		}
	}
}
