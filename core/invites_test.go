package core_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// inviteWorld is a service on a bbolt file with an admin, reopened as a
// restart does.
type inviteWorld struct {
	t     *testing.T
	path  string
	clock *testClock
	db    *bolt.DB
	svc   *core.Service
	admin core.Actor
}

func newInviteWorld(t *testing.T) *inviteWorld {
	t.Helper()
	w := &inviteWorld{t: t, path: filepath.Join(t.TempDir(), "dealdesk.db"),
		clock: &testClock{t: time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)}}
	w.open()
	ctx := context.Background()
	if err := w.svc.SeedAdmins(ctx, []core.Admin{{Identity: "telegram:1", Name: "Ольга"}}); err != nil {
		t.Fatal(err)
	}
	u, err := w.svc.Authenticate(ctx, "telegram:1")
	if err != nil {
		t.Fatal(err)
	}
	w.admin = core.Actor{User: u, Source: "telegram:chat/-100/msg/1"}
	return w
}

func (w *inviteWorld) open() {
	w.t.Helper()
	db, err := bolt.Open(w.path, bolt.WithClock(w.clock), bolt.WithNoSync(true))
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { db.Close() })
	w.db, w.svc = db, core.NewService(db, core.WithPlatforms("telegram"))
}

func (w *inviteWorld) restart() {
	w.t.Helper()
	if err := w.db.Close(); err != nil {
		w.t.Fatal(err)
	}
	w.open()
}

func (w *inviteWorld) invite(role core.Role) string {
	w.t.Helper()
	inv, err := w.svc.CreateInvite(context.Background(), w.admin, role)
	if err != nil {
		w.t.Fatal(err)
	}
	return inv.Code
}

func (w *inviteWorld) redeem(identity, code string) (*core.User, error) {
	return w.svc.RedeemInvite(context.Background(), core.Registration{Identity: identity, Name: "Кто-то", Code: code})
}

// outbox returns every outbox message.
func (w *inviteWorld) outbox() []*core.OutboxMessage {
	w.t.Helper()
	var out []*core.OutboxMessage
	err := w.db.View(context.Background(), func(tx core.Tx) error {
		for id := int64(1); ; id++ {
			m, err := tx.OutboxMessage(id)
			if core.IsNotFound(err) {
				return nil
			} else if err != nil {
				return err
			}
			out = append(out, m)
		}
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return out
}

func checkCode(t *testing.T, err error, code, key string) {
	t.Helper()
	if core.ErrorCode(err) != code {
		t.Fatalf("err = %v, want %s", err, code)
	}
	if k, _ := core.ErrorKey(err); k != key {
		t.Fatalf("err = %v, want key %s", err, key)
	}
}

// TestInviteCodes: codes carry at least 96 bits, are typable, and are
// accepted as shown, in capitals, or with look-alike letters.
func TestInviteCodes(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		c := core.NewInviteCode()
		if len(c) != 20 || strings.Trim(c, "0123456789abcdefghjkmnpqrstvwxyz") != "" {
			t.Fatalf("code %q: want 20 symbols of 32 (100 bits)", c)
		}
		if seen[c] {
			t.Fatalf("code %q issued twice", c)
		}
		seen[c] = true
		if got := core.NormalizeInviteCode(core.FormatInviteCode(c)); got != c {
			t.Fatalf("normalized shown code = %q, want %q", got, c)
		}
	}
	if got, want := core.FormatInviteCode("0123456789abcdefghjk"), "0123-4567-89ab-cdef-ghjk"; got != want {
		t.Errorf("FormatInviteCode = %q, want %q", got, want)
	}
	if got, want := core.NormalizeInviteCode(" O1L2-I3AB "), "011213ab"; got != want {
		t.Errorf("NormalizeInviteCode = %q, want %q", got, want)
	}

	w := newInviteWorld(t)
	code := w.invite(core.RoleManager)
	if _, err := w.redeem("telegram:2", strings.ToUpper(core.FormatInviteCode(code))); err != nil {
		t.Fatalf("redeeming the shown code in capitals: %v", err)
	}
}

// TestRedeemInvite_LimitsFailuresInStore: five wrong codes in an hour, and
// the identity is refused even with the right code, across a restart, until
// the hour has passed; other identities are not affected.
func TestRedeemInvite_LimitsFailuresInStore(t *testing.T) {
	w := newInviteWorld(t)
	code := w.invite(core.RoleAdmin)
	start := w.clock.Now()
	for i := range core.MaxInviteFailures {
		_, err := w.redeem("telegram:666", "wrong-code")
		checkCode(t, err, core.EINVALID, "err.invite.invalid")
		if i == 0 {
			w.clock.Add(10 * time.Minute)
		}
	}
	_, err := w.redeem("telegram:666", code)
	checkCode(t, err, core.EFORBIDDEN, "err.invite.too_many")
	if _, args := core.ErrorKey(err); !args["Until"].(time.Time).Equal(start.Add(time.Hour)) {
		t.Errorf("Until = %v, want %v", args["Until"], start.Add(time.Hour))
	}

	// A restart forgets nothing.
	w.restart()
	_, err = w.redeem("telegram:666", code)
	checkCode(t, err, core.EFORBIDDEN, "err.invite.too_many")

	// Someone else is not refused.
	if _, err := w.redeem("telegram:7", w.invite(core.RoleManager)); err != nil {
		t.Fatalf("another identity: %v", err)
	}

	// Once the first failure is an hour old, one more try is allowed; a
	// wrong one closes the window again.
	w.clock.Add(50 * time.Minute)
	_, err = w.redeem("telegram:666", "still-wrong")
	checkCode(t, err, core.EINVALID, "err.invite.invalid")
	_, err = w.redeem("telegram:666", code)
	checkCode(t, err, core.EFORBIDDEN, "err.invite.too_many")

	// After the window the right code works, and the failures are gone.
	w.clock.Add(time.Hour)
	u, err := w.redeem("telegram:666", code)
	if err != nil || u.Role != core.RoleAdmin {
		t.Fatalf("redeem after the window = %+v, %v", u, err)
	}
	err = w.db.View(context.Background(), func(tx core.Tx) error {
		fails, err := tx.InviteFailures("telegram:666")
		if err == nil && len(fails) != 0 {
			t.Errorf("failures kept after a redemption: %v", fails)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestPurgeExpired_InviteFailures: the hourly purge drops failures that no
// longer count.
func TestPurgeExpired_InviteFailures(t *testing.T) {
	w := newInviteWorld(t)
	for range 2 {
		_, err := w.redeem("telegram:666", "wrong")
		checkCode(t, err, core.EINVALID, "err.invite.invalid")
	}
	if n, err := w.svc.PurgeExpired(context.Background(), w.clock.Now()); err != nil || n != 0 {
		t.Fatalf("PurgeExpired within the hour = %d, %v; want 0", n, err)
	}
	if n, err := w.svc.PurgeExpired(context.Background(), w.clock.Now().Add(61*time.Minute)); err != nil || n != 1 {
		t.Fatalf("PurgeExpired after the hour = %d, %v; want 1", n, err)
	}
}

// TestSendInvite: an invite asked for in a group is not returned; its code
// goes to the admin's personal chat through the outbox, and it works.
func TestSendInvite(t *testing.T) {
	w := newInviteWorld(t)
	inv, err := w.svc.SendInvite(context.Background(), w.admin, core.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	if inv.Code != "" || inv.Role != core.RoleAdmin || inv.ExpiresAt.IsZero() {
		t.Fatalf("SendInvite returned %+v; want no code", inv)
	}
	var sent []*core.OutboxMessage
	for _, m := range w.outbox() {
		if m.Key == "notify.invite.code" {
			sent = append(sent, m)
		}
	}
	if len(sent) != 1 || sent[0].Platform != "telegram" || sent[0].ChatID != "1" || sent[0].UserID != w.admin.ID() {
		t.Fatalf("invite messages = %+v; want one to the admin's private chat telegram:1", sent)
	}
	code, _ := sent[0].Args["Code"].(string)
	if _, err := w.redeem("telegram:2", code); err != nil {
		t.Fatalf("redeeming the code sent privately (%q): %v", code, err)
	}
	// Once delivered, the code is not kept in the outbox.
	if !sent[0].Secret {
		t.Fatal("the invite message is not marked secret")
	}
	if err := w.svc.RecordDelivery(context.Background(), sent[0], core.Delivery{MessageID: "9"}); err != nil {
		t.Fatal(err)
	}
	if err := w.db.View(context.Background(), func(tx core.Tx) error {
		m, err := tx.OutboxMessage(sent[0].ID)
		if err == nil && (m.Args != nil || m.Status != core.OutboxDelivered) {
			t.Errorf("delivered invite message kept %+v", m)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}

	// The system has no private chat; a non-admin may not.
	_, err = w.svc.SendInvite(context.Background(), core.Actor{}, core.RoleManager)
	checkCode(t, err, core.EINTERNAL, "err.internal")
	u, _ := w.svc.Authenticate(context.Background(), "telegram:2")
	u.Role = core.RoleManager
	_, err = w.svc.SendInvite(context.Background(), core.Actor{User: u}, core.RoleManager)
	checkCode(t, err, core.EFORBIDDEN, "err.forbidden")
}
