package bot_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// mergeCase writes outbox messages to the manager's private chat, each a
// given time after the one before.
type mergeCase struct {
	h    *harness
	user *core.User
	ids  []int64
}

func newMergeCase(t *testing.T) *mergeCase {
	h := newHarness(t)
	return &mergeCase{h: h, user: h.addUser("m", "Максим", core.RoleManager)}
}

// note is a personal notification to the manager.
func (c *mergeCase) note(key string, args map[string]any, buttons ...string) *core.OutboxMessage {
	m := &core.OutboxMessage{Platform: "test", ChatID: "m", UserID: c.user.ID, Key: key, Args: args}
	for _, label := range buttons {
		m.Buttons = append(m.Buttons, []core.OutboxButton{{LabelKey: label, Token: core.NewToken()}})
	}
	return m
}

// reply is an answer in the chat (no user: a reply, rendered when written).
func (c *mergeCase) reply(text string) *core.OutboxMessage {
	return &core.OutboxMessage{Platform: "test", ChatID: "m", Text: text}
}

// write enqueues the messages, gap apart, and returns their ids.
func (c *mergeCase) write(gap time.Duration, ms ...*core.OutboxMessage) {
	c.h.t.Helper()
	for i, m := range ms {
		if i > 0 {
			c.h.clock.Add(gap)
		}
		err := c.h.db.Update(context.Background(), func(tx core.Tx) error { return tx.Enqueue(m) })
		if err != nil {
			c.h.t.Fatal(err)
		}
		c.ids = append(c.ids, m.ID)
	}
}

// deliver delivers what is due and returns what the chat got.
func (c *mergeCase) deliver() []*bot.Message {
	c.h.t.Helper()
	if _, err := c.h.bot.DeliverDue(context.Background(), "test"); err != nil {
		c.h.t.Fatal(err)
	}
	return c.h.rec.take()
}

// stored returns the outbox records written, in order.
func (c *mergeCase) stored() []*core.OutboxMessage {
	c.h.t.Helper()
	var out []*core.OutboxMessage
	err := c.h.db.View(context.Background(), func(tx core.Tx) error {
		for _, id := range c.ids {
			m, err := tx.OutboxMessage(id)
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	if err != nil {
		c.h.t.Fatal(err)
	}
	return out
}

func (c *mergeCase) text(key string, args map[string]any) string { return c.h.p.T(key, args) }

func texts(msgs []*bot.Message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.Text)
	}
	return out
}

// TestOutboxMerge_Burst: a burst of notifications to one person arrives as
// one message, their texts in order with a blank line between; every one
// of them is recorded delivered with that message's id.
func TestOutboxMerge_Burst(t *testing.T) {
	c := newMergeCase(t)
	role := map[string]any{"Role": "manager"}
	c.write(10*time.Second, c.note("notify.user.role_changed", role), c.note("notify.user.disabled", nil),
		c.note("notify.user.enabled", role))
	got := c.deliver()
	want := strings.Join([]string{c.text("notify.user.role_changed", role), c.text("notify.user.disabled", nil),
		c.text("notify.user.enabled", role)}, "\n\n")
	if len(got) != 1 || got[0].Text != want || !got[0].Direct || got[0].ChatID != "m" {
		t.Fatalf("the burst arrived as %q, want one message %q", texts(got), want)
	}
	for _, m := range c.stored() {
		if m.Status != core.OutboxDelivered || m.MessageID != c.stored()[0].MessageID || m.MessageID == "" {
			t.Fatalf("record %d: %s, id %q; want all delivered with one id", m.ID, m.Status, m.MessageID)
		}
	}
	if again := c.deliver(); len(again) != 0 {
		t.Fatalf("sent again: %q", texts(again))
	}
}

// TestOutboxMerge_WhatIsNotMerged: replies, notifications with files and
// those written more than two minutes after the first of a run go out on
// their own, and the chat's order is kept.
func TestOutboxMerge_WhatIsNotMerged(t *testing.T) {
	role := map[string]any{"Role": "manager"}
	n1, n2, n3 := "notify.user.role_changed", "notify.user.disabled", "notify.user.enabled"
	withFile := func(m *core.OutboxMessage) *core.OutboxMessage {
		m.Files = []core.OutboxFile{{Name: "Договор.pdf", MIME: "application/pdf", Data: []byte("%PDF-1.7")}}
		return m
	}
	tests := []struct {
		name  string
		gap   time.Duration
		write func(c *mergeCase) []*core.OutboxMessage
		want  func(c *mergeCase) []string
	}{
		{"replies", time.Second, func(c *mergeCase) []*core.OutboxMessage {
			return []*core.OutboxMessage{c.reply("один"), c.reply("два"), c.reply("три")}
		}, func(c *mergeCase) []string { return []string{"один", "два", "три"} }},
		{"a work chat's notifications (to no one person)", time.Second, func(c *mergeCase) []*core.OutboxMessage {
			ms := []*core.OutboxMessage{c.note(n1, role), c.note(n2, nil), c.note(n3, role)}
			for _, m := range ms {
				m.UserID = 0
			}
			return ms
		}, func(c *mergeCase) []string { return []string{c.text(n1, role), c.text(n2, nil), c.text(n3, role)} }},
		{"replies between notifications keep their place", time.Second, func(c *mergeCase) []*core.OutboxMessage {
			return []*core.OutboxMessage{c.note(n1, role), c.reply("ответ"), c.note(n2, nil), c.note(n3, role)}
		}, func(c *mergeCase) []string {
			return []string{c.text(n1, role), "ответ", c.text(n2, nil) + "\n\n" + c.text(n3, role)}
		}},
		{"a notification with a file", time.Second, func(c *mergeCase) []*core.OutboxMessage {
			return []*core.OutboxMessage{c.note(n1, role), withFile(c.note(n2, nil)), c.note(n3, role)}
		}, func(c *mergeCase) []string { return []string{c.text(n1, role), c.text(n2, nil), c.text(n3, role)} }},
		{"a file after a run", time.Second, func(c *mergeCase) []*core.OutboxMessage {
			return []*core.OutboxMessage{c.note(n1, role), c.note(n3, role), withFile(c.note(n2, nil))}
		}, func(c *mergeCase) []string {
			return []string{c.text(n1, role) + "\n\n" + c.text(n3, role), c.text(n2, nil)}
		}},
		{"past the window", 70 * time.Second, func(c *mergeCase) []*core.OutboxMessage {
			return []*core.OutboxMessage{c.note(n1, role), c.note(n2, nil), c.note(n3, role)} // at 0, 70 s, 140 s
		}, func(c *mergeCase) []string {
			return []string{c.text(n1, role) + "\n\n" + c.text(n2, nil), c.text(n3, role)}
		}},
		{"an edit or an answer to a message", time.Second, func(c *mergeCase) []*core.OutboxMessage {
			a, b := c.note(n1, role), c.note(n2, nil)
			a.ReplyTo, b.EditID = "17", "18"
			return []*core.OutboxMessage{a, b, c.note(n3, role)}
		}, func(c *mergeCase) []string { return []string{c.text(n1, role), c.text(n2, nil), c.text(n3, role)} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newMergeCase(t)
			c.write(tt.gap, tt.write(c)...)
			if got, want := texts(c.deliver()), tt.want(c); !slices.Equal(got, want) {
				t.Fatalf("the chat got %q\nwant %q", got, want)
			}
			for _, m := range c.stored() {
				if m.Status != core.OutboxDelivered {
					t.Fatalf("record %d is %s", m.ID, m.Status)
				}
			}
		})
	}
}

// TestOutboxMerge_Buttons: the rows of buttons follow each other in the
// order of the texts; when several notifications carry buttons, each text
// and its buttons are numbered alike.
func TestOutboxMerge_Buttons(t *testing.T) {
	c := newMergeCase(t)
	role := map[string]any{"Role": "manager"}
	a, b, d := c.note("notify.user.role_changed", role, "btn.history", "btn.skip"), c.note("notify.user.disabled", nil),
		c.note("notify.user.enabled", role, "btn.history")
	c.write(time.Second, a, b, d)
	got := c.deliver()
	if len(got) != 1 {
		t.Fatalf("got %q, want one message", texts(got))
	}
	want := "1️⃣ " + c.text("notify.user.role_changed", role) + "\n\n2️⃣ " + c.text("notify.user.disabled", nil) +
		"\n\n3️⃣ " + c.text("notify.user.enabled", role)
	if got[0].Text != want {
		t.Fatalf("text %q\nwant %q", got[0].Text, want)
	}
	var labels, tokens []string
	for _, row := range got[0].Buttons {
		for _, v := range row {
			labels, tokens = append(labels, v.Label), append(tokens, v.Token)
		}
	}
	wantLabels := []string{"1️⃣ История", "1️⃣ Пропустить", "3️⃣ История"}
	wantTokens := []string{a.Buttons[0][0].Token, a.Buttons[1][0].Token, d.Buttons[0][0].Token}
	if !slices.Equal(labels, wantLabels) || !slices.Equal(tokens, wantTokens) || len(got[0].Buttons) != 3 {
		t.Fatalf("buttons %q %q, want %q %q", labels, tokens, wantLabels, wantTokens)
	}

	// One notification with buttons among others: no numbers.
	c = newMergeCase(t)
	c.write(time.Second, c.note("notify.user.disabled", nil), c.note("notify.user.enabled", role, "btn.history"))
	got = c.deliver()
	if len(got) != 1 || strings.Contains(got[0].Text, "1️⃣") || got[0].Buttons[0][0].Label != "История" {
		t.Fatalf("got %s, want one message without numbers", dump(got))
	}
}

// TestOutboxMerge_Limits: a merged message stays within ~3500 characters
// and 20 rows of buttons; what does not fit goes in the next one, in
// order, and nothing is lost.
func TestOutboxMerge_Limits(t *testing.T) {
	t.Run("text", func(t *testing.T) {
		c := newMergeCase(t)
		long := strings.Repeat("ж", 1000) // 1000 characters of a reason
		var ms []*core.OutboxMessage
		for range 8 {
			ms = append(ms, c.note("notify.user.joined", map[string]any{"Name": long, "Role": "manager", "ID": 1}))
		}
		c.write(time.Second, ms...)
		got := c.deliver()
		parts := 0
		for _, m := range got {
			if n := len([]rune(m.Text)); n > 3500 {
				t.Fatalf("a merged message of %d characters", n)
			}
			parts += strings.Count(m.Text, long)
		}
		if len(got) < 3 || len(got) > 4 || parts != 8 {
			t.Fatalf("8 notices of ~1050 characters went as %d messages holding %d of them", len(got), parts)
		}
	})
	t.Run("rows", func(t *testing.T) {
		c := newMergeCase(t)
		var ms []*core.OutboxMessage
		for range 25 {
			ms = append(ms, c.note("notify.user.disabled", nil, "btn.history"))
		}
		c.write(time.Second, ms...)
		got := c.deliver()
		if len(got) != 2 || len(got[0].Buttons) != 20 || len(got[1].Buttons) != 5 {
			t.Fatalf("25 notices with a row each went as %d messages (%s)", len(got), dump(got))
		}
		if got[1].Buttons[0][0].Label != "1️⃣ История" {
			t.Fatalf("the second message's numbers do not start again: %q", got[1].Buttons[0][0].Label)
		}
	})
}

// TestOutboxMerge_FailureRetriesAll: a merged send that fails leaves every
// one of its notifications pending with the attempt counted; the next
// attempt sends them merged again, once.
func TestOutboxMerge_FailureRetriesAll(t *testing.T) {
	c := newMergeCase(t)
	role := map[string]any{"Role": "manager"}
	c.write(time.Second, c.note("notify.user.role_changed", role), c.note("notify.user.disabled", nil),
		c.note("notify.user.enabled", role))
	c.h.rec.fail = errors.New("connection reset by peer")
	before := c.h.rec.tries["m"] // the welcome
	if got := c.deliver(); len(got) != 0 {
		t.Fatalf("sent despite the failure: %q", texts(got))
	}
	if tries := c.h.rec.tries["m"] - before; tries != 1 {
		t.Fatalf("%d sends, want one merged attempt", tries)
	}
	for _, m := range c.stored() {
		if m.Status != core.OutboxPending || m.Attempts != 1 || m.LastError == "" {
			t.Fatalf("record %d after the failure: %s, %d attempts, %q", m.ID, m.Status, m.Attempts, m.LastError)
		}
	}
	c.h.rec.fail = nil
	c.h.clock.Add(core.OutboxBackoff(1) + time.Second)
	got := c.deliver()
	if len(got) != 1 || strings.Count(got[0].Text, "\n\n") != 2 {
		t.Fatalf("after the failure: %q, want the three merged once", texts(got))
	}
	for _, m := range c.stored() {
		if m.Status != core.OutboxDelivered {
			t.Fatalf("record %d: %s", m.ID, m.Status)
		}
	}
}

// TestOutboxMerge_RateLimited: a rate-limited merged send postpones all of
// its notifications, and the chat's later messages, by the wait asked.
func TestOutboxMerge_RateLimited(t *testing.T) {
	c := newMergeCase(t)
	role := map[string]any{"Role": "manager"}
	c.write(time.Second, c.note("notify.user.role_changed", role), c.note("notify.user.disabled", nil))
	c.write(time.Second, c.reply("потом"))
	c.h.rec.fail = &bot.RateLimitError{RetryAfter: 7 * time.Second}
	if got := c.deliver(); len(got) != 0 {
		t.Fatalf("sent while rate limited: %q", texts(got))
	}
	now := c.h.clock.Now()
	for _, m := range c.stored() {
		if m.Status != core.OutboxPending || m.Attempts != 0 || !m.NextAttemptAt.Equal(now.Add(7*time.Second)) {
			t.Fatalf("record %d: %s, %d attempts, next at %v; want postponed 7 s from %v", m.ID, m.Status,
				m.Attempts, m.NextAttemptAt, now)
		}
	}
	c.h.rec.fail = nil
	c.h.clock.Add(7 * time.Second)
	if got := texts(c.deliver()); len(got) != 2 || got[1] != "потом" || !strings.Contains(got[0], "\n\n") {
		t.Fatalf("after the wait: %q", got)
	}
}
