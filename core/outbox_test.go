package core_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// notice writes a pending message to a Telegram chat, as a change would.
func (o *office) notice(chatID, key string) *core.OutboxMessage {
	o.t.Helper()
	m := &core.OutboxMessage{Platform: core.PlatformTelegram, ChatID: chatID, Key: key}
	o.update(func(tx core.Tx) error { return tx.Enqueue(m) })
	return m
}

// stored reads a message back from the store.
func (o *office) stored(id int64) *core.OutboxMessage {
	o.t.Helper()
	var m *core.OutboxMessage
	o.view(func(tx core.Tx) (err error) {
		m, err = tx.OutboxMessage(id)
		return err
	})
	return m
}

// deliver records an attempt the way the delivery worker does: on the
// message as it was read.
func (o *office) deliver(id int64, d core.Delivery) *core.OutboxMessage {
	o.t.Helper()
	if err := o.svc.RecordDelivery(o.ctx(), o.stored(id), d); err != nil {
		o.t.Fatal(err)
	}
	return o.stored(id)
}

func isDue(ms []*core.OutboxMessage, id int64) bool {
	for _, m := range ms {
		if m.ID == id {
			return true
		}
	}
	return false
}

var errSend = errors.New("telegram: 502 Bad Gateway")

// TestRecordDelivery_Delivered: a sent message keeps the platform's id and
// is due no more.
func TestRecordDelivery_Delivered(t *testing.T) {
	o := newOffice(t)
	m := o.notice("12", "notify.deal.assigned")
	o.deliver(m.ID, core.Delivery{Err: errSend})
	o.clock.Add(time.Minute)
	got := o.deliver(m.ID, core.Delivery{MessageID: "555"})
	if got.Status != core.OutboxDelivered || got.MessageID != "555" || !got.DeliveredAt.Equal(o.clock.Now()) ||
		got.LastError != "" || got.Attempts != 1 {
		t.Fatalf("delivered = %+v", got)
	}
	if isDue(o.due(), m.ID) {
		t.Fatal("a delivered message is still due")
	}
}

// TestRecordDelivery_MovedChat: a chat that moved (a group that became a
// supergroup) gets the message at its new id at once, without counting an
// attempt, and its work-chat binding moves along.
func TestRecordDelivery_MovedChat(t *testing.T) {
	o := newOffice(t)
	o.bind("-100", core.PurposeOfficers)
	m := o.notice("-100", "notify.deal.created")
	o.clock.Add(time.Minute)
	got := o.deliver(m.ID, core.Delivery{Err: errors.New("group migrated"), MovedTo: "-100200"})
	if got.ChatID != "-100200" || got.Attempts != 0 || got.Status != core.OutboxPending ||
		!got.NextAttemptAt.Equal(o.clock.Now()) || got.LastError != "group migrated" {
		t.Fatalf("moved = %+v", got)
	}
	if !isDue(o.due(), m.ID) {
		t.Fatal("a message to a moved chat is not due at once")
	}
	if wc, err := o.svc.WorkChat(o.ctx(), core.PlatformTelegram, "-100200"); err != nil || wc.Purpose != core.PurposeOfficers {
		t.Fatalf("binding at the new id = %+v, %v", wc, err)
	}
	_, err := o.svc.WorkChat(o.ctx(), core.PlatformTelegram, "-100")
	checkCode(t, err, core.ENOTFOUND, "err.chat.not_found")

	// The next notice for the officers goes to the new id.
	c := o.client(sberINN, sberKPP, "Сбер")
	o.deal(o.manager, c.ID, "Лизинг", o.manager)
	if ms := withKey(o.due(), "notify.deal.created"); len(ms) != 2 || ms[1].ChatID != "-100200" {
		t.Fatalf("officers' notices = %+v", ms)
	}
}

// TestRecordDelivery_RateLimited: a platform's "retry after" postpones the
// message as long as it asked without counting a failed attempt, however
// often it happens.
func TestRecordDelivery_RateLimited(t *testing.T) {
	o := newOffice(t)
	m := o.notice("12", "notify.task.assigned")
	for range core.OutboxMaxAttempts + 3 {
		got := o.deliver(m.ID, core.Delivery{Err: errors.New("429 Too Many Requests"), RetryAfter: 30 * time.Second})
		if got.Attempts != 0 || got.Status != core.OutboxPending || !got.NextAttemptAt.Equal(o.clock.Now().Add(30*time.Second)) {
			t.Fatalf("rate limited = %+v", got)
		}
		if isDue(o.due(), m.ID) {
			t.Fatal("a rate limited message is due before its wait is over")
		}
		o.clock.Add(30 * time.Second)
		if !isDue(o.due(), m.ID) {
			t.Fatal("a rate limited message is not due after its wait")
		}
	}

	// PostponeMessage does the same for a chat the worker holds back.
	o.clock.Add(time.Second)
	if err := o.svc.PostponeMessage(o.ctx(), o.stored(m.ID), 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if got := o.stored(m.ID); got.Attempts != 0 || !got.NextAttemptAt.Equal(o.clock.Now().Add(5*time.Second)) {
		t.Fatalf("postponed = %+v", got)
	}
}

// TestRecordDelivery_Backoff: each failed attempt doubles the wait, from 2
// seconds up to OutboxMaxBackoff; after OutboxMaxAttempts failures the
// message is marked failed and is due no more.
func TestRecordDelivery_Backoff(t *testing.T) {
	o := newOffice(t)
	m := o.notice("12", "notify.task.assigned")
	want := 2 * time.Second
	for n := 1; n < core.OutboxMaxAttempts; n++ {
		got := o.deliver(m.ID, core.Delivery{Err: errSend})
		if got.Attempts != n || got.Status != core.OutboxPending || got.LastError != errSend.Error() {
			t.Fatalf("attempt %d: %+v", n, got)
		}
		if wait := got.NextAttemptAt.Sub(o.clock.Now()); wait != want {
			t.Fatalf("attempt %d: wait %v, want %v", n, wait, want)
		}
		o.clock.Add(want)
		want = min(2*want, core.OutboxMaxBackoff)
	}
	got := o.deliver(m.ID, core.Delivery{Err: errSend})
	if got.Status != core.OutboxFailed || got.Attempts != core.OutboxMaxAttempts {
		t.Fatalf("after %d failures: %+v", core.OutboxMaxAttempts, got)
	}
	o.clock.Add(24 * time.Hour)
	if isDue(o.due(), m.ID) {
		t.Fatal("a failed message is still due")
	}
}

// TestRecordDelivery_Permanent: when retrying cannot help (the chat is
// gone), the message fails at once, a rate limit notwithstanding.
func TestRecordDelivery_Permanent(t *testing.T) {
	o := newOffice(t)
	for _, d := range []core.Delivery{
		{Err: errors.New("403 Forbidden: bot was blocked by the user"), Permanent: true},
		{Err: errors.New("400 chat not found"), Permanent: true, RetryAfter: time.Minute},
	} {
		m := o.notice("12", "notify.task.done")
		got := o.deliver(m.ID, d)
		if got.Status != core.OutboxFailed || got.Attempts != 1 || got.LastError != d.Err.Error() {
			t.Fatalf("permanent failure %v: %+v", d.Err, got)
		}
		if isDue(o.due(), m.ID) {
			t.Fatal("a failed message is still due")
		}
	}
}

// TestOutboxBackoff: 2s, 4s, 8s… capped at OutboxMaxBackoff, even for
// attempt counts past any real one.
func TestOutboxBackoff(t *testing.T) {
	for _, tc := range []struct {
		attempts int
		want     time.Duration
	}{
		{0, time.Second}, {1, 2 * time.Second}, {2, 4 * time.Second}, {3, 8 * time.Second},
		{10, 1024 * time.Second}, {11, core.OutboxMaxBackoff}, {20, core.OutboxMaxBackoff}, {1000, core.OutboxMaxBackoff},
	} {
		if got := core.OutboxBackoff(tc.attempts); got != tc.want {
			t.Errorf("OutboxBackoff(%d) = %v, want %v", tc.attempts, got, tc.want)
		}
	}
}

// TestDueMessages_Fair: the oldest first, at most PerChat of one chat, none
// of the chats being sent to, up to Limit.
func TestDueMessages_Fair(t *testing.T) {
	o := newOffice(t)
	var busy []int64
	for range 3 {
		busy = append(busy, o.notice("12", "a").ID)
		o.clock.Add(time.Second)
	}
	quiet := o.notice("13", "b")
	other := o.notice("14", "c")
	o.clock.Add(time.Second)
	ids := func(q core.OutboxQuery) []int64 {
		t.Helper()
		q.Platform, q.Now = core.PlatformTelegram, o.clock.Now()
		ms, err := o.svc.DueMessages(o.ctx(), q)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, m := range ms {
			out = append(out, m.ID)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		q    core.OutboxQuery
		want []int64
	}{
		{"all", core.OutboxQuery{}, []int64{busy[0], busy[1], busy[2], quiet.ID, other.ID}},
		{"per chat", core.OutboxQuery{PerChat: 1}, []int64{busy[0], quiet.ID, other.ID}},
		{"skip", core.OutboxQuery{Skip: map[string]bool{"12": true}}, []int64{quiet.ID, other.ID}},
		{"limit", core.OutboxQuery{PerChat: 2, Limit: 3}, []int64{busy[0], busy[1], quiet.ID}},
	} {
		if got := ids(tc.q); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	ms, err := o.svc.DueMessages(o.ctx(), core.OutboxQuery{Platform: core.PlatformMattermost, Now: o.clock.Now()})
	if err != nil || len(ms) != 0 {
		t.Fatalf("another platform's messages = %+v, %v", ms, err)
	}
}
