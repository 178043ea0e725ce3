package bot_test

import (
	"context"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/usecases"
	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/locales"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

// recorder is a fake platform that records what the bot sends.
type recorder struct {
	mu      sync.Mutex
	sent    []*bot.Message
	answers []string
	fail    error            // returned by Send when set
	failFor map[string]error // returned by Send to a chat
	tries   map[string]int   // Send calls per chat
	seq     int
	last    []*bot.Message // what take returned last
	cleared []string       // messages whose keyboard was removed
}

func (r *recorder) Platform() string { return "test" }

func (r *recorder) Run(ctx context.Context, _ bot.Inbox) error {
	<-ctx.Done()
	return ctx.Err()
}

func (r *recorder) Send(_ context.Context, m *bot.Message) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.tries == nil {
		r.tries = map[string]int{}
	}
	r.tries[m.ChatID]++
	if r.fail != nil {
		return "", r.fail
	}
	if err := r.failFor[m.ChatID]; err != nil {
		return "", err
	}
	r.seq++
	if m.EditID != "" && m.Text == "" {
		r.cleared = append(r.cleared, m.EditID) // a keyboard removed
		return m.EditID, nil
	}
	r.sent = append(r.sent, m)
	return strconv.Itoa(r.seq), nil
}

func (r *recorder) Answer(_ context.Context, _ string, text string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.answers = append(r.answers, text)
	return nil
}

// take returns and forgets what was sent.
func (r *recorder) take() []*bot.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.sent
	r.sent, r.last = nil, out
	return out
}

// harness is a bot on a real bbolt file with a recording platform.
type harness struct {
	t     *testing.T
	path  string
	db    *bolt.DB
	svc   *core.Service
	bot   *bot.Bot
	rec   *recorder
	p     *locales.Printer
	clock *fixedClock
	admin *core.User
	opts  []core.Option
}

type fixedClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fixedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fixedClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var bundle = locales.MustLoad()

func newHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{t: t, path: filepath.Join(t.TempDir(), "dealdesk.db"), rec: &recorder{},
		clock: &fixedClock{t: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)}}
	h.open()
	if err := h.svc.SeedAdmins(context.Background(), []core.Admin{{Identity: "test:admin", Name: "Админ"}}); err != nil {
		t.Fatal(err)
	}
	h.admin = h.user("test:admin")
	h.p = bundle.Printer("ru", nil)
	return h
}

// reopen restarts with service options (registries, say).
func (h *harness) reopen(opts ...core.Option) {
	h.t.Helper()
	h.opts = opts
	h.restart()
}

// open (re)opens the database and builds a fresh bot, as a restart does.
func (h *harness) open() {
	h.t.Helper()
	db, err := bolt.Open(h.path, bolt.WithClock(h.clock))
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { db.Close() })
	h.db = db
	h.svc = core.NewService(db, append([]core.Option{core.WithPlatforms("test")}, h.opts...)...)
	h.bot = bot.New(bot.Config{Service: h.svc, Locales: bundle, Logger: zerolog.Nop(), Clock: h.clock,
		UseCases: usecases.All})
	h.bot.AddTransport(h.rec)
}

func (h *harness) restart() {
	h.t.Helper()
	if err := h.db.Close(); err != nil {
		h.t.Fatal(err)
	}
	h.open()
}

func (h *harness) user(identity string) *core.User {
	h.t.Helper()
	u, err := h.svc.Authenticate(context.Background(), identity)
	if err != nil {
		h.t.Fatal(err)
	}
	return u
}

// addUser registers a user with a role through an invite, as in chat.
func (h *harness) addUser(id, name string, role core.Role) *core.User {
	h.t.Helper()
	inv, err := h.svc.CreateInvite(context.Background(), core.Actor{User: h.admin}, role)
	if err != nil {
		h.t.Fatal(err)
	}
	h.send(&bot.Update{UserID: id, UserName: name, Text: "/start " + inv.Code, Command: "start", Args: inv.Code})
	// The admins' notice of the new user is delivered now, as a running
	// DealDesk would, so that it does not show up in a later test step.
	if _, err := h.bot.DeliverDue(context.Background(), "test"); err != nil {
		h.t.Fatal(err)
	}
	h.rec.take()
	return h.user("test:" + id)
}

// send handles an update from a private chat of the user (by default).
func (h *harness) send(u *bot.Update) []*bot.Message {
	h.t.Helper()
	u.Platform = "test"
	if u.ChatID == "" {
		u.ChatID, u.ChatType = u.UserID, bot.ChatPrivate
	}
	if u.MessageID == "" {
		u.MessageID = "m"
	}
	// Each message comes a moment after the one before, as in a chat, so
	// that the outbox keeps the order of what each one wrote.
	h.clock.Add(time.Millisecond)
	h.bot.Handle(context.Background(), h.rec, u)
	return h.rec.take()
}

// say sends a text (parsed as a command when it is one) from a user.
func (h *harness) say(userID, text string) []*bot.Message {
	h.t.Helper()
	u := &bot.Update{UserID: userID, Text: text}
	u.Command, u.Args, _ = bot.ParseCommand(text)
	return h.send(u)
}

// press presses the button with the label in the last message.
func (h *harness) press(userID string, msgs []*bot.Message, label string) []*bot.Message {
	h.t.Helper()
	for i := len(msgs) - 1; i >= 0; i-- {
		for _, row := range msgs[i].Buttons {
			for _, b := range row {
				if b.Label == label {
					return h.send(&bot.Update{UserID: userID, Token: b.Token, CallbackID: "cb"})
				}
			}
		}
	}
	h.t.Fatalf("no button %q in %s", label, dump(msgs))
	return nil
}

func dump(msgs []*bot.Message) string {
	s := ""
	for _, m := range msgs {
		s += "\n---\n" + m.Text
		for _, row := range m.Buttons {
			for _, b := range row {
				s += " [" + b.Label + "]"
			}
		}
	}
	return s
}

// want checks that the last message is the rendered key.
func (h *harness) want(msgs []*bot.Message, key string, args bot.Args) {
	h.t.Helper()
	if len(msgs) == 0 {
		h.t.Fatalf("no reply; want %s", key)
	}
	want := h.p.T(key, args)
	if got := msgs[len(msgs)-1].Text; got != want {
		h.t.Fatalf("reply = %q\nwant %s = %q%s", got, key, want, dump(msgs))
	}
}

// count returns the number of clients, deals, tasks and changes stored.
func (h *harness) changes(e core.Entity, id int64) []*core.Change {
	h.t.Helper()
	var cs []*core.Change
	err := h.db.View(context.Background(), func(tx core.Tx) (err error) {
		cs, err = tx.Changes(e, id)
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return cs
}

// sentLast returns the messages already taken by the last call; tests that
// need the previous reply's buttons keep it instead.
func (r *recorder) sentLast() []*bot.Message { return r.last }
