package bolt_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

func newUser(name string, identities ...string) *core.User {
	return &core.User{Name: name, Identities: identities, Role: core.RoleManager, Active: true, TimeZone: "Europe/Moscow"}
}

func TestUsers(t *testing.T) {
	clock := NewClock()
	db := MustOpenDB(t, bolt.WithClock(clock))
	anna, boris := newUser("Анна", "telegram:1", "mattermost:anna"), newUser("Борис", "telegram:2")
	MustUpdate(t, db, func(tx core.Tx) error {
		if err := tx.CreateUser(anna); err != nil {
			return err
		}
		return tx.CreateUser(boris)
	})
	if anna.ID != 1 || boris.ID != 2 {
		t.Fatalf("IDs = %d, %d; want 1, 2", anna.ID, boris.ID)
	}
	if want := clock.Now().UTC().Truncate(time.Microsecond); anna.CreatedAt != want || anna.UpdatedAt != want {
		t.Fatalf("times = %v, %v; want %v", anna.CreatedAt, anna.UpdatedAt, want)
	}
	MustView(t, db, func(tx core.Tx) error {
		for _, identity := range []string{"telegram:1", "mattermost:anna"} {
			got, err := tx.UserByIdentity(identity)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(got, anna) {
				t.Fatalf("UserByIdentity(%s) = %+v, want %+v", identity, got, anna)
			}
		}
		got, err := tx.UserByID(2)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, boris) {
			t.Fatalf("UserByID(2) = %+v, want %+v", got, boris)
		}
		users, err := tx.ListUsers()
		if err != nil {
			return err
		}
		if len(users) != 2 || users[0].Name != "Анна" || users[1].Name != "Борис" {
			t.Fatalf("ListUsers = %+v", users)
		}
		return nil
	})
}

func TestUsers_NotFound(t *testing.T) {
	db := MustOpenDB(t)
	MustView(t, db, func(tx core.Tx) error {
		_, err := tx.UserByID(1)
		CheckCode(t, err, core.ENOTFOUND, "err.user.not_found")
		_, err = tx.UserByIdentity("telegram:1")
		CheckCode(t, err, core.ENOTFOUND, "err.user.not_found")
		users, err := tx.ListUsers()
		if err != nil || users == nil || len(users) != 0 {
			t.Fatalf("ListUsers = %v, %v; want an empty list", users, err)
		}
		return nil
	})
	err := db.Update(t.Context(), func(tx core.Tx) error { return tx.UpdateUser(&core.User{ID: 9, Name: "x"}) })
	CheckCode(t, err, core.ENOTFOUND, "err.user.not_found")
}

func TestUsers_IdentityTaken(t *testing.T) {
	db := MustOpenDB(t)
	MustUpdate(t, db, func(tx core.Tx) error {
		if err := tx.CreateUser(newUser("Анна", "telegram:1")); err != nil {
			return err
		}
		return tx.CreateUser(newUser("Борис", "telegram:2"))
	})
	for name, fn := range map[string]func(tx core.Tx) error{
		"create": func(tx core.Tx) error { return tx.CreateUser(newUser("Вера", "telegram:3", "telegram:1")) },
		"twice":  func(tx core.Tx) error { return tx.CreateUser(newUser("Вера", "telegram:3", "telegram:3")) },
		"update": func(tx core.Tx) error {
			u, _ := tx.UserByID(2)
			u.Identities = append(u.Identities, "telegram:1")
			return tx.UpdateUser(u)
		},
	} {
		err := db.Update(t.Context(), fn)
		CheckCode(t, err, core.ECONFLICT, "err.user.identity_taken")
		if e := err.(*core.Error); e.Args["Identity"] == "" {
			t.Errorf("%s: no Identity argument: %v", name, err)
		}
	}
	MustView(t, db, func(tx core.Tx) error {
		if _, err := tx.UserByIdentity("telegram:3"); !core.IsNotFound(err) {
			t.Fatalf("identity of a failed create was indexed: %v", err)
		}
		return nil
	})
}

func TestUsers_UpdateMovesIdentities(t *testing.T) {
	clock := NewClock()
	db := MustOpenDB(t, bolt.WithClock(clock))
	u := newUser("Анна", "telegram:1", "console:anna")
	MustUpdate(t, db, func(tx core.Tx) error { return tx.CreateUser(u) })
	created := u.CreatedAt
	clock.Add(time.Minute)
	MustUpdate(t, db, func(tx core.Tx) error {
		u.Identities = []string{"telegram:1", "mattermost:anna"}
		u.Role = core.RoleHead
		u.CreatedAt = time.Time{} // kept from the stored user
		return tx.UpdateUser(u)
	})
	MustView(t, db, func(tx core.Tx) error {
		if _, err := tx.UserByIdentity("console:anna"); !core.IsNotFound(err) {
			t.Fatalf("removed identity still found: %v", err)
		}
		got, err := tx.UserByIdentity("mattermost:anna")
		if err != nil {
			return err
		}
		if got.Role != core.RoleHead || !got.CreatedAt.Equal(created) || !got.UpdatedAt.After(created) {
			t.Fatalf("got %+v", got)
		}
		return nil
	})
	// A freed identity may go to someone else.
	MustUpdate(t, db, func(tx core.Tx) error { return tx.CreateUser(newUser("Борис", "console:anna")) })
}

func TestInvites(t *testing.T) {
	clock := NewClock()
	db := MustOpenDB(t, bolt.WithClock(clock))
	inv := &core.Invite{Code: "K7P2QX", Role: core.RoleLawyer, CreatedBy: 1, ExpiresAt: clock.Now().Add(24 * time.Hour)}
	MustUpdate(t, db, func(tx core.Tx) error { return tx.CreateInvite(inv) })
	if inv.CreatedAt.IsZero() {
		t.Fatal("CreatedAt not set")
	}
	if err := db.Update(t.Context(), func(tx core.Tx) error {
		return tx.CreateInvite(&core.Invite{Code: "K7P2QX"})
	}); err == nil {
		t.Fatal("duplicate code accepted")
	}
	MustUpdate(t, db, func(tx core.Tx) error {
		got, err := tx.InviteByCode("K7P2QX")
		if err != nil {
			return err
		}
		if got.Role != core.RoleLawyer || !got.ExpiresAt.Equal(inv.ExpiresAt) {
			t.Fatalf("got %+v, want %+v", got, inv)
		}
		if err := tx.DeleteInvite("K7P2QX"); err != nil {
			return err
		}
		_, err = tx.InviteByCode("K7P2QX")
		CheckCode(t, err, core.ENOTFOUND, "err.invite.not_found")
		CheckCode(t, tx.DeleteInvite("K7P2QX"), core.ENOTFOUND, "err.invite.not_found")
		return nil
	})
}
