package core_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

// Requisites that pass every check.
const (
	sberINN    = "7707083893"
	sberKPP    = "773601001"
	sberOGRN   = "1027700132195"
	yandexINN  = "7736207543"
	yandexKPP  = "770401001"
	yandexOGRN = "1027700229193"
	alfaINN    = "7728168971"
	soleINN    = "500100732259"
	soleOGRNIP = "304500116000157"
)

// officeStart is the time of the office's clock when it opens: a Saturday
// morning in Moscow.
var officeStart = time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)

// office is a service on a bbolt file in t.TempDir() with a fixed clock and
// one active user of each role. The users are written straight to the
// store, so no invite notices fill the outbox; Telegram is the running
// platform, and a user's personal chat there is the number after
// "telegram:".
type office struct {
	t     *testing.T
	clock *testClock
	db    *bolt.DB
	svc   *core.Service

	admin, officer, manager, manager2, lawyer, underwriter, head core.Actor
}

func newOffice(t *testing.T, opts ...core.Option) *office {
	t.Helper()
	o := &office{t: t, clock: &testClock{t: officeStart}}
	db, err := bolt.Open(filepath.Join(t.TempDir(), "dealdesk.db"), bolt.WithClock(o.clock), bolt.WithNoSync(true))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	o.db = db
	o.svc = core.NewService(db, append([]core.Option{core.WithPlatforms(core.PlatformTelegram)}, opts...)...)
	o.admin = o.user("Ольга Админова", core.RoleAdmin, "telegram:10")
	o.officer = o.user("Ирина Сопровождение", core.RoleOfficer, "telegram:11")
	o.manager = o.user("Максим Менеджеров", core.RoleManager, "telegram:12")
	o.manager2 = o.user("Марина Продажина", core.RoleManager, "telegram:13")
	o.lawyer = o.user("Лев Юристов", core.RoleLawyer, "telegram:14")
	o.underwriter = o.user("Ульяна Рискова", core.RoleUnderwriter, "telegram:15")
	o.head = o.user("Глеб Начальников", core.RoleHead, "telegram:16")
	return o
}

// user adds an active user to the store and returns them as an actor
// writing from their private chat.
func (o *office) user(name string, role core.Role, identities ...string) core.Actor {
	o.t.Helper()
	u := &core.User{Name: name, Role: role, Identities: identities, Active: true}
	o.update(func(tx core.Tx) error { return tx.CreateUser(u) })
	return core.Actor{User: u, Source: "telegram:chat/" + strconv.FormatInt(u.ID, 10) + "/msg/1"}
}

// disabled returns a copy of the actor whose account is disabled, as a
// stale session would carry it.
func disabled(a core.Actor) core.Actor {
	u := *a.User
	u.Active = false
	return core.Actor{User: &u, Source: a.Source}
}

func (o *office) ctx() context.Context { return context.Background() }

func (o *office) update(fn func(core.Tx) error) {
	o.t.Helper()
	if err := o.db.Update(context.Background(), fn); err != nil {
		o.t.Fatal(err)
	}
}

func (o *office) view(fn func(core.Tx) error) {
	o.t.Helper()
	if err := o.db.View(context.Background(), fn); err != nil {
		o.t.Fatal(err)
	}
}

// client creates a legal entity's card as the officer.
func (o *office) client(inn, kpp, name string) *core.Client {
	o.t.Helper()
	c, err := o.svc.CreateClient(o.ctx(), o.officer, &core.Client{INN: inn, KPP: kpp, ShortName: name})
	if err != nil {
		o.t.Fatalf("create client %s: %v", inn, err)
	}
	return c
}

// managedClient creates a card whose responsible manager is m.
func (o *office) managedClient(inn, kpp, name string, m core.Actor) *core.Client {
	o.t.Helper()
	c, err := o.svc.CreateClient(o.ctx(), o.officer, &core.Client{INN: inn, KPP: kpp, ShortName: name, ManagerID: m.ID()})
	if err != nil {
		o.t.Fatalf("create client %s: %v", inn, err)
	}
	return c
}

// deal opens a deal as a, led by manager.
func (o *office) deal(a core.Actor, clientID int64, title string, manager core.Actor) *core.Deal {
	o.t.Helper()
	d, err := o.svc.CreateDeal(o.ctx(), a, &core.Deal{ClientID: clientID, Title: title, ManagerID: manager.ID()})
	if err != nil {
		o.t.Fatalf("create deal %q: %v", title, err)
	}
	return d
}

// bind binds a chat to a purpose as the admin.
func (o *office) bind(chatID string, p core.ChatPurpose) {
	o.t.Helper()
	err := o.svc.BindChat(o.ctx(), o.admin, &core.WorkChat{Platform: core.PlatformTelegram, ChatID: chatID,
		Title: string(p), Purpose: p})
	if err != nil {
		o.t.Fatal(err)
	}
}

// changes returns an entity's audit trail, oldest first.
func (o *office) changes(e core.Entity, id int64) []*core.Change {
	o.t.Helper()
	var cs []*core.Change
	o.view(func(tx core.Tx) (err error) {
		cs, err = tx.Changes(e, id)
		return err
	})
	return cs
}

// messages returns every outbox message, whatever its state, by ID.
func (o *office) messages() []*core.OutboxMessage {
	o.t.Helper()
	var out []*core.OutboxMessage
	o.view(func(tx core.Tx) error {
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
	return out
}

// due returns the Telegram messages due at the office's time, in the order
// the delivery worker takes them.
func (o *office) due() []*core.OutboxMessage {
	o.t.Helper()
	var out []*core.OutboxMessage
	o.view(func(tx core.Tx) (err error) {
		out, err = tx.DueMessages(core.OutboxQuery{Platform: core.PlatformTelegram, Now: o.clock.Now()})
		return err
	})
	return out
}

// withKey keeps the messages with the locale key.
func withKey(ms []*core.OutboxMessage, key string) []*core.OutboxMessage {
	var out []*core.OutboxMessage
	for _, m := range ms {
		if m.Key == key {
			out = append(out, m)
		}
	}
	return out
}

// fields lists the fields of changes, in order.
func fields(cs []*core.Change) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Field)
	}
	return out
}

// change returns the last change of a field, failing when there is none.
func change(t *testing.T, cs []*core.Change, field string) *core.Change {
	t.Helper()
	for i := len(cs) - 1; i >= 0; i-- {
		if cs[i].Field == field {
			return cs[i]
		}
	}
	t.Fatalf("no change of %s in %v", field, fields(cs))
	return nil
}

// checkStamp checks the actor, reason and source of every change.
func checkStamp(t *testing.T, cs []*core.Change, a core.Actor, reason string) {
	t.Helper()
	if len(cs) == 0 {
		t.Fatal("no changes")
	}
	for _, c := range cs {
		if c.ActorID != a.ID() || c.Reason != reason || c.Source != a.Source || c.At.IsZero() {
			t.Errorf("change %s: actor %d, reason %q, source %q, at %v; want %d, %q, %q",
				c.Field, c.ActorID, c.Reason, c.Source, c.At, a.ID(), reason, a.Source)
		}
	}
}
