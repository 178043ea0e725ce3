package bot_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// remindOffice is a department for the reminder tests: the admin, a head
// «Ирина» ("hd") and a manager «Максим» ("m") whose head she is, and a
// client. Nothing they were told while it was set up is left to deliver.
type remindOffice struct {
	*harness
	m, hd  *core.User
	client *core.Client
}

func newRemindOffice(t *testing.T, opts ...core.Option) *remindOffice {
	t.Helper()
	h := newHarness(t)
	if len(opts) > 0 {
		h.reopen(opts...)
	}
	o := &remindOffice{harness: h}
	o.hd = h.addUser("hd", "Ирина", core.RoleHead)
	o.m = h.addUser("m", "Максим", core.RoleManager)
	o.m = o.setUser(o.m.ID, core.UserUpdate{HeadID: &o.hd.ID})
	c, err := h.svc.CreateClient(context.Background(), o.admin(), &core.Client{INN: "7707083893",
		ShortName: "ПАО Сбербанк"})
	if err != nil {
		t.Fatal(err)
	}
	o.client = c
	o.drain()
	return o
}

func (o *remindOffice) admin() core.Actor { return core.Actor{User: o.harness.admin, Source: "test"} }

// setUser changes a user as the admin.
func (o *remindOffice) setUser(id int64, upd core.UserUpdate) *core.User {
	o.t.Helper()
	u, err := o.svc.UpdateUser(context.Background(), o.admin(), id, upd, "test")
	if err != nil {
		o.t.Fatal(err)
	}
	return u
}

// zone sets a user's time zone.
func (o *remindOffice) zone(id int64, name string) {
	o.t.Helper()
	o.setUser(id, core.UserUpdate{TimeZone: &name})
}

// deal makes a deal of the manager's for the client, as the admin.
func (o *remindOffice) deal(title string, fn func(*core.Deal)) *core.Deal {
	o.t.Helper()
	d := &core.Deal{ClientID: o.client.ID, Title: title, ManagerID: o.m.ID, Amount: 150000000}
	if fn != nil {
		fn(d)
	}
	d, err := o.svc.CreateDeal(context.Background(), o.admin(), d)
	if err != nil {
		o.t.Fatal(err)
	}
	o.drain()
	return d
}

// getDeal reads a deal as the admin.
func (o *remindOffice) getDeal(id int64) *core.Deal {
	o.t.Helper()
	d, err := o.svc.DealByID(context.Background(), o.admin(), id)
	if err != nil {
		o.t.Fatal(err)
	}
	return d
}

// drain delivers and forgets what is waiting in the outbox.
func (o *remindOffice) drain() {
	o.t.Helper()
	if _, err := o.bot.DeliverDue(context.Background(), "test"); err != nil {
		o.t.Fatal(err)
	}
	o.rec.take()
}

// fireAt moves the clock to at, runs the reminders' tick as the scheduler
// does, delivers the outbox and returns what each chat got.
func (o *remindOffice) fireAt(at time.Time) map[string][]*bot.Message {
	o.t.Helper()
	if d := at.Sub(o.clock.Now()); d > 0 {
		o.clock.Add(d)
	}
	if _, err := o.svc.FireDueReminders(context.Background(), o.clock.Now()); err != nil {
		o.t.Fatal(err)
	}
	if _, err := o.bot.DeliverDue(context.Background(), "test"); err != nil {
		o.t.Fatal(err)
	}
	out := map[string][]*bot.Message{}
	for _, m := range o.rec.take() {
		out[m.ChatID] = append(out[m.ChatID], m)
	}
	return out
}

// reminder returns a stored reminder.
func (o *remindOffice) reminder(id int64) *core.Reminder {
	o.t.Helper()
	var r *core.Reminder
	err := o.db.View(context.Background(), func(tx core.Tx) (err error) {
		r, err = tx.ReminderByID(id)
		return err
	})
	if err != nil {
		o.t.Fatal(err)
	}
	return r
}

// remindersOf returns a deal's reminders.
func (o *remindOffice) remindersOf(dealID int64) []*core.Reminder {
	o.t.Helper()
	var rs []*core.Reminder
	err := o.db.View(context.Background(), func(tx core.Tx) (err error) {
		rs, err = tx.RemindersByDeal(dealID)
		return err
	})
	if err != nil {
		o.t.Fatal(err)
	}
	return rs
}

// yekt is Yekaterinburg's time (UTC+5); msk (deal_quick_test.go) is Moscow's.
var yekt = mustZone("Asia/Yekaterinburg")

func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// one checks that a chat got exactly one message and returns it.
func one(t *testing.T, got map[string][]*bot.Message, chat string) *bot.Message {
	t.Helper()
	if len(got[chat]) != 1 {
		var all []*bot.Message
		for _, ms := range got {
			all = append(all, ms...)
		}
		t.Fatalf("chat %q got %d messages, want 1: %s", chat, len(got[chat]), dump(all))
	}
	return got[chat][0]
}

// nothing checks that the tick sent nothing at all.
func nothing(t *testing.T, got map[string][]*bot.Message) {
	t.Helper()
	for chat, ms := range got {
		t.Fatalf("chat %q got a message: %s", chat, dump(ms))
	}
}

// has checks that a text holds every part.
func has(t *testing.T, text string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(text, p) {
			t.Fatalf("%q lacks %q", text, p)
		}
	}
}

// lacks checks that a text holds none of the parts.
func lacks(t *testing.T, text string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if strings.Contains(text, p) {
			t.Fatalf("%q has %q", text, p)
		}
	}
}

// buttonLabels lists a message's button labels.
func buttonLabels(m *bot.Message) []string {
	var out []string
	for _, row := range m.Buttons {
		for _, b := range row {
			out = append(out, b.Label)
		}
	}
	return out
}

// wantButtons checks a message's button labels.
func wantButtons(t *testing.T, m *bot.Message, labels ...string) {
	t.Helper()
	if got := buttonLabels(m); !slices.Equal(got, labels) {
		t.Fatalf("buttons %q, want %q in %s", got, labels, dump([]*bot.Message{m}))
	}
}

// answerButtons are a fired reminder's four buttons.
var answerButtons = []string{"Выполнено", "Отложить", "Перенести", "Эскалировать"}

// payDeal is a deal whose payment is due on the 3rd of December 2026
// (a Thursday) at 18:00 Moscow time.
func (o *remindOffice) payDeal() *core.Deal {
	return o.deal("Лизинг", func(d *core.Deal) { d.PaymentDue = time.Date(2026, 12, 3, 18, 0, 0, 0, msk) })
}

// last returns the text of the last message.
func last(t *testing.T, msgs []*bot.Message) string {
	t.Helper()
	if len(msgs) == 0 {
		t.Fatal("no reply")
	}
	return msgs[len(msgs)-1].Text
}

// pressVia presses a button of msgs in the user's private chat through the
// platform the bot holds (one with pop-ups, after usePopups).
func (o *remindOffice) pressVia(userID string, msgs []*bot.Message, label string) []*bot.Message {
	o.t.Helper()
	for i := len(msgs) - 1; i >= 0; i-- {
		for _, row := range msgs[i].Buttons {
			for _, b := range row {
				if b.Label == label {
					presses++
					tr, _ := o.bot.Transport("test")
					o.clock.Add(time.Millisecond)
					o.bot.Handle(context.Background(), tr, &bot.Update{Platform: "test", UserID: userID, ChatID: userID,
						ChatType: bot.ChatPrivate, MessageID: "r" + id(int64(presses)), Token: b.Token,
						CallbackID: "cb" + id(int64(presses))})
					return o.rec.take()
				}
			}
		}
	}
	o.t.Fatalf("no button %q in %s", label, dump(msgs))
	return nil
}
