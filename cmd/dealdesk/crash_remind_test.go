package main

import (
	"context"
	"fmt"
	"io"
	stdlog "log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot/telegram/telegramtest"
	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

// newSlowBotAPI starts a proxy in front of the fake Bot API that holds the
// answer to each sendMessage for the delay it returns (nanoseconds) after
// the fake took and recorded the message: a kill then lands inside the
// chat API call, after the message arrived and before DealDesk heard so.
func newSlowBotAPI(t *testing.T, target string) (string, *atomic.Int64) {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	delay := new(atomic.Int64)
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.ErrorLog = stdlog.New(io.Discard, "", 0) // the kills cut requests short
	proxy.ModifyResponse = func(r *http.Response) error {
		if strings.HasSuffix(r.Request.URL.Path, "/sendMessage") {
			time.Sleep(time.Duration(delay.Load()))
		}
		return nil
	}
	srv := &http.Server{Handler: proxy, ReadHeaderTimeout: 10 * time.Second}
	ln, err := new(net.ListenConfig).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String(), delay
}

// remindWorld is a database with users who each have custom reminders,
// every one with a text of its own («R17»), for a child to fire and send.
type remindWorld struct {
	t    *testing.T
	dir  string
	srv  *telegramtest.Server
	api  string // the Bot API address the child talks to
	ids  []int64
	chat map[int64]int64 // reminder → the user's Telegram chat
}

const remindChatBase = 7000

func newRemindWorld(t *testing.T, users, each int, spread time.Duration) *remindWorld {
	t.Helper()
	w := &remindWorld{t: t, dir: t.TempDir(), srv: telegramtest.NewServer(t), chat: map[int64]int64{}}
	w.api = w.srv.URL
	ctx := context.Background()
	db, err := bolt.Open(filepath.Join(w.dir, "dealdesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := core.NewService(db, core.WithPlatforms(core.PlatformTelegram))
	for i := range users {
		u := &core.User{Name: fmt.Sprintf("Менеджер %d", i+1), Role: core.RoleManager, Active: true,
			Identities: []string{"telegram:" + strconv.Itoa(remindChatBase+i)}}
		if err := db.Update(ctx, func(tx core.Tx) error { return tx.CreateUser(u) }); err != nil {
			t.Fatal(err)
		}
		for j := range each {
			// From now, not from the world's start: on a loaded machine
			// creating the reminders takes seconds.
			at := time.Now().Add(time.Second + time.Duration(rand.Int64N(int64(spread)+1)))
			r, err := svc.CreateReminder(ctx, core.Actor{User: u}, core.CustomReminder{At: at, Text: "позвонить"})
			if err != nil {
				t.Fatal(err)
			}
			// The text names the reminder, so what arrives can be counted.
			if err := db.Update(ctx, func(tx core.Tx) error {
				r.Text = fmt.Sprintf("R%d", r.ID)
				return tx.UpdateReminder(r)
			}); err != nil {
				t.Fatal(err)
			}
			_ = j
			w.ids = append(w.ids, r.ID)
			w.chat[r.ID] = int64(remindChatBase + i)
		}
	}
	return w
}

// child starts the program on the world's database.
func (w *remindWorld) child() (*childProc, error) {
	log, err := os.OpenFile(filepath.Join(w.dir, "child.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	cmd := childCommand(w.t, w.dir, "DEALDESK_TEST_NO_LIMITS=1", "DEALDESK_CONSOLE=off",
		"DEALDESK_ADMINS=telegram:"+strconv.Itoa(adminTG), "DEALDESK_OUTBOX_INTERVAL=50ms",
		"DEALDESK_REMIND_TICK=100ms", "DEALDESK_SOFFICE="+noSoffice,
		"TELEGRAM_TOKEN="+w.srv.Token, "TELEGRAM_API_URL="+w.api)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, err
	}
	return &childProc{cmd: cmd, log: log}, nil
}

// settled reports, on the stopped child's database, whether every reminder
// has fired and every message is delivered, and how many outbox messages
// name each reminder.
func (w *remindWorld) settled() (bool, map[int64]int) {
	w.t.Helper()
	db, err := bolt.Open(filepath.Join(w.dir, "dealdesk.db"))
	if err != nil {
		w.t.Fatal(err)
	}
	defer db.Close()
	done, written, _, err := reminderOutbox(db, w.ids)
	if err != nil {
		w.t.Fatal(err)
	}
	return done, written
}

// reminderOutbox reads in one transaction whether the reminders ids have all
// fired and nothing waits in the outbox for Telegram, how many outbox
// messages name each reminder, and the reminders one of whose messages is
// delivered.
func reminderOutbox(db core.Store, ids []int64) (done bool, written map[int64]int, delivered map[int64]bool, err error) {
	written, delivered, done = map[int64]int{}, map[int64]bool{}, true
	err = db.View(context.Background(), func(tx core.Tx) error {
		for _, id := range ids {
			r, err := tx.ReminderByID(id)
			if err != nil {
				return err
			}
			done = done && r.Status == core.ReminderFired
		}
		backlog, _, err := tx.OutboxBacklog()
		if err != nil {
			return err
		}
		done = done && backlog[core.PlatformTelegram] == 0
		for id := int64(1); ; id++ {
			m, err := tx.OutboxMessage(id)
			if core.IsNotFound(err) {
				return nil
			} else if err != nil {
				return err
			}
			for _, rid := range reminderIDs(m) {
				written[rid]++
				if m.Status == core.OutboxDelivered {
					delivered[rid] = true
				}
			}
		}
	})
	return done, written, delivered, err
}

// reminderIDs are the reminders an outbox message carries: one, or the
// items of a merged message.
func reminderIDs(m *core.OutboxMessage) []int64 {
	num := func(v any) int64 {
		n, _ := strconv.ParseInt(fmt.Sprint(v), 10, 64)
		return n
	}
	switch {
	case strings.HasPrefix(m.Key, "notify.reminder.") && m.Key != "notify.reminder.many":
		return []int64{num(m.Args["ID"])}
	case m.Key == "notify.reminder.many":
		items, _ := m.Args["Items"].([]any)
		var out []int64
		for _, it := range items {
			if item, ok := it.(map[string]any); ok {
				out = append(out, num(item["ID"]))
			}
		}
		return out
	}
	return nil
}

var reminderMark = regexp.MustCompile(`\bR(\d+)\b`)

// arrived counts how often each reminder's text reached its user's chat.
func (w *remindWorld) arrived() map[int64]int {
	got := map[int64]int{}
	for _, m := range w.srv.Sent() {
		if m.Method != "sendMessage" {
			continue
		}
		for _, sm := range reminderMark.FindAllStringSubmatch(m.Text, -1) {
			id, _ := strconv.ParseInt(sm[1], 10, 64)
			if w.chat[id] == m.ChatID {
				got[id]++
			}
		}
	}
	return got
}

type childProc struct {
	cmd *exec.Cmd
	log *os.File
}

// TestCrashBetweenTickAndDelivery: reminders come due while DealDesk is
// killed with kill -9 again and again, at random moments after it sent one
// more message: during a tick's transaction, between a tick and the
// delivery, inside the Bot API call (its answer held back), after it. In
// the end every reminder fired once — one outbox message names it — and
// reached its user; a message arrived twice only when a kill fell inside
// its API call, which the chat cannot be asked about.
func TestCrashBetweenTickAndDelivery(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills the program many times")
	}
	const users = 12
	w := newRemindWorld(t, users, 4, 6*time.Second)
	var delay *atomic.Int64
	w.api, delay = newSlowBotAPI(t, w.srv.URL)
	delay.Store(int64(60 * time.Millisecond))
	kills := 0
	for round := 0; ; round++ {
		if done, _ := w.settled(); done {
			break
		}
		if round > 80 {
			t.Fatalf("not settled after %d restarts", round)
		}
		sent := w.srv.Count("sendMessage")
		c, err := w.child()
		if err != nil {
			t.Fatal(err)
		}
		// Killed once it sends (the start takes long on a busy machine), at a
		// random moment after.
		deadline := time.Now().Add(60 * time.Second)
		for w.srv.Count("sendMessage") == sent && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(time.Duration(rand.IntN(250)) * time.Millisecond)
		stopChild(t, c.cmd, syscall.SIGKILL)
		c.log.Close()
		kills++
	}
	_, written := w.settled()
	arrived := w.arrived()
	for _, id := range w.ids {
		if written[id] != 1 {
			t.Errorf("reminder %d is in %d outbox messages, want 1", id, written[id])
		}
		if arrived[id] == 0 {
			t.Errorf("reminder %d never reached chat %d", id, w.chat[id])
		}
	}
	// A chat's messages go one after another: a kill interrupts at most one
	// API call of each chat. Repeats are counted by message, as a merged
	// message carries several reminders.
	extra := w.repeatedMessages()
	if extra > users*kills {
		t.Errorf("%d messages repeated for %d kills", extra, kills)
	}
	t.Logf("%d reminders fired once each through %d kill -9; %d messages repeated (kills inside an API call)",
		len(w.ids), kills, extra)
}

// repeatedMessages counts the messages that reached a chat again: each
// text beyond its first arrival in its chat.
func (w *remindWorld) repeatedMessages() int {
	seen := map[string]int{}
	for _, m := range w.srv.Sent() {
		if m.Method == "sendMessage" {
			seen[strconv.FormatInt(m.ChatID, 10)+"\x00"+m.Text]++
		}
	}
	n := 0
	for _, k := range seen {
		n += k - 1
	}
	return n
}

// TestCrashInsideTheChatAPICallRepeatsThatMessageOnly: the one case where
// a message may arrive twice. The Bot API took the reminder's message and
// DealDesk is killed before its answer comes: after the restart the
// message goes again (the chat cannot be asked whether it arrived), and
// nothing else repeats — the reminder fired once, one outbox message.
func TestCrashInsideTheChatAPICallRepeatsThatMessageOnly(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills the program")
	}
	w := newRemindWorld(t, 1, 1, 0)
	var delay *atomic.Int64
	w.api, delay = newSlowBotAPI(t, w.srv.URL)
	delay.Store(int64(time.Hour)) // the answer never comes before the kill
	c, err := w.child()
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the reminder's message at the Bot API", 60*time.Second,
		func() bool { return w.arrived()[w.ids[0]] == 1 })
	stopChild(t, c.cmd, syscall.SIGKILL)
	c.log.Close()
	if done, written := w.settled(); done || written[w.ids[0]] != 1 {
		t.Fatalf("after the kill: settled %v, outbox messages %v", done, written)
	}
	delay.Store(0)
	c, err = w.child()
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the message sent again", 60*time.Second, func() bool { return w.arrived()[w.ids[0]] == 2 })
	stopChild(t, c.cmd, syscall.SIGTERM)
	c.log.Close()
	done, written := w.settled()
	if !done || written[w.ids[0]] != 1 || w.arrived()[w.ids[0]] != 2 {
		t.Fatalf("settled %v, outbox messages %v, arrived %v", done, written, w.arrived())
	}
}
