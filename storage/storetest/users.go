package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

func init() {
	register("Users/CreateAndFind", testUsersCreateAndFind)
	register("Users/NotFound", testUsersNotFound)
	register("Users/IdentityTaken", testUsersIdentityTaken)
	register("Users/UpdateMovesIdentities", testUsersUpdateMovesIdentities)
	register("Invites/CreateFindDelete", testInvites)
	register("Invites/FailuresKeptAndPurged", testInviteFailures)
}

func newTestUser(name string, identities ...string) *core.User {
	return &core.User{Name: name, Identities: identities, Role: core.RoleManager, Active: true, TimeZone: "Europe/Moscow"}
}

func testUsersCreateAndFind(t *testing.T, open Opener) {
	s, clock := newStore(t, open)
	anna, boris := newTestUser("Анна", "telegram:1", "mattermost:anna"), newTestUser("Борис", "telegram:2")
	update(t, s, func(tx core.Tx) error {
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
	view(t, s, func(tx core.Tx) error {
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
			t.Fatalf("ListUsers = %+v, want Анна, Борис in ID order", users)
		}
		return nil
	})
}

func testUsersNotFound(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	view(t, s, func(tx core.Tx) error {
		_, err := tx.UserByID(1)
		wantCodeKey(t, err, core.ENOTFOUND, "err.user.not_found")
		_, err = tx.UserByIdentity("telegram:1")
		wantCodeKey(t, err, core.ENOTFOUND, "err.user.not_found")
		users, err := tx.ListUsers()
		if err != nil || users == nil || len(users) != 0 {
			t.Fatalf("ListUsers = %v, %v; want an empty list", users, err)
		}
		return nil
	})
	err := s.Update(context.Background(), func(tx core.Tx) error { return tx.UpdateUser(&core.User{ID: 9, Name: "x"}) })
	wantCodeKey(t, err, core.ENOTFOUND, "err.user.not_found")
}

func testUsersIdentityTaken(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	update(t, s, func(tx core.Tx) error {
		if err := tx.CreateUser(newTestUser("Анна", "telegram:1")); err != nil {
			return err
		}
		return tx.CreateUser(newTestUser("Борис", "telegram:2"))
	})
	for _, tt := range []struct {
		name string
		fn   func(tx core.Tx) error
	}{
		{"create", func(tx core.Tx) error { return tx.CreateUser(newTestUser("Вера", "telegram:3", "telegram:1")) }},
		{"twice", func(tx core.Tx) error { return tx.CreateUser(newTestUser("Вера", "telegram:3", "telegram:3")) }},
		{"update", func(tx core.Tx) error {
			u, err := tx.UserByID(2)
			if err != nil {
				return err
			}
			u.Identities = append(u.Identities, "telegram:1")
			return tx.UpdateUser(u)
		}},
	} {
		err := s.Update(context.Background(), tt.fn)
		wantCodeKey(t, err, core.ECONFLICT, "err.user.identity_taken")
		if e := err.(*core.Error); e.Args["Identity"] == "" {
			t.Errorf("%s: no Identity argument: %v", tt.name, err)
		}
	}
	view(t, s, func(tx core.Tx) error {
		if _, err := tx.UserByIdentity("telegram:3"); !core.IsNotFound(err) {
			t.Fatalf("identity of a failed create was indexed: %v", err)
		}
		if u, err := tx.UserByIdentity("telegram:1"); err != nil || u.ID != 1 {
			t.Fatalf("telegram:1 = %v, %v; want still Анна's", u, err)
		}
		return nil
	})
}

func testUsersUpdateMovesIdentities(t *testing.T, open Opener) {
	s, clock := newStore(t, open)
	u := newTestUser("Анна", "telegram:1", "console:anna")
	update(t, s, func(tx core.Tx) error { return tx.CreateUser(u) })
	created := u.CreatedAt
	clock.Add(time.Minute)
	update(t, s, func(tx core.Tx) error {
		u.Identities = []string{"telegram:1", "mattermost:anna"}
		u.Role = core.RoleHead
		u.CreatedAt = time.Time{} // kept from the stored user
		return tx.UpdateUser(u)
	})
	view(t, s, func(tx core.Tx) error {
		if _, err := tx.UserByIdentity("console:anna"); !core.IsNotFound(err) {
			t.Fatalf("removed identity still found: %v", err)
		}
		got, err := tx.UserByIdentity("mattermost:anna")
		if err != nil {
			return err
		}
		if got.Role != core.RoleHead || !got.CreatedAt.Equal(created) || got.UpdatedAt.Sub(created) != time.Minute {
			t.Fatalf("got %+v", got)
		}
		return nil
	})
	// A freed identity may go to someone else.
	update(t, s, func(tx core.Tx) error { return tx.CreateUser(newTestUser("Борис", "console:anna")) })
	view(t, s, func(tx core.Tx) error {
		if got, err := tx.UserByIdentity("console:anna"); err != nil || got.Name != "Борис" {
			t.Fatalf("console:anna = %v, %v; want Борис", got, err)
		}
		return nil
	})
}

func testInvites(t *testing.T, open Opener) {
	s, clock := newStore(t, open)
	inv := &core.Invite{Code: "K7P2QX", Role: core.RoleLawyer, CreatedBy: 1, ExpiresAt: clock.Now().Add(24 * time.Hour)}
	update(t, s, func(tx core.Tx) error { return tx.CreateInvite(inv) })
	if inv.CreatedAt.IsZero() {
		t.Fatal("CreatedAt not set")
	}
	if err := s.Update(context.Background(), func(tx core.Tx) error {
		return tx.CreateInvite(&core.Invite{Code: "K7P2QX"})
	}); err == nil {
		t.Fatal("duplicate code accepted")
	}
	if err := s.Update(context.Background(), func(tx core.Tx) error {
		return tx.CreateInvite(&core.Invite{})
	}); err == nil {
		t.Fatal("empty code accepted")
	}
	update(t, s, func(tx core.Tx) error {
		got, err := tx.InviteByCode("K7P2QX")
		if err != nil {
			return err
		}
		if got.Role != core.RoleLawyer || !got.ExpiresAt.Equal(inv.ExpiresAt) || !got.CreatedAt.Equal(inv.CreatedAt) {
			t.Fatalf("got %+v, want %+v", got, inv)
		}
		if err := tx.DeleteInvite("K7P2QX"); err != nil {
			return err
		}
		_, err = tx.InviteByCode("K7P2QX")
		wantCodeKey(t, err, core.ENOTFOUND, "err.invite.not_found")
		wantCodeKey(t, tx.DeleteInvite("K7P2QX"), core.ENOTFOUND, "err.invite.not_found")
		return nil
	})
}

func testInviteFailures(t *testing.T, open Opener) {
	s, clock := newStore(t, open)
	t0 := clock.Now()
	times := []time.Time{t0.Add(-2 * time.Hour), t0.Add(-time.Minute), t0}
	view(t, s, func(tx core.Tx) error {
		got, err := tx.InviteFailures("telegram:666")
		if err != nil || len(got) != 0 {
			t.Fatalf("InviteFailures of a new identity = %v, %v; want none", got, err)
		}
		return nil
	})
	update(t, s, func(tx core.Tx) error {
		if err := tx.PutInviteFailures("telegram:666", times); err != nil {
			return err
		}
		if err := tx.PutInviteFailures("telegram:7", times[1:2]); err != nil {
			return err
		}
		// Replaced: only the last list counts.
		return tx.PutInviteFailures("telegram:7", times[:1])
	})
	view(t, s, func(tx core.Tx) error {
		got, err := tx.InviteFailures("telegram:666")
		if err != nil {
			return err
		}
		if len(got) != len(times) {
			t.Fatalf("InviteFailures = %v, want %v", got, times)
		}
		for i := range got {
			if !got[i].Equal(times[i]) {
				t.Fatalf("InviteFailures = %v, want %v (oldest first)", got, times)
			}
		}
		return nil
	})
	// Only telegram:7's last failure is older than an hour.
	update(t, s, func(tx core.Tx) error {
		n, err := tx.PurgeInviteFailures(t0.Add(-time.Hour))
		if err == nil && n != 1 {
			t.Errorf("PurgeInviteFailures = %d, want 1", n)
		}
		return err
	})
	view(t, s, func(tx core.Tx) error {
		if got, _ := tx.InviteFailures("telegram:7"); len(got) != 0 {
			t.Errorf("purged failures still there: %v", got)
		}
		if got, _ := tx.InviteFailures("telegram:666"); len(got) != 3 {
			t.Errorf("recent failures purged: %v", got)
		}
		return nil
	})
	// An empty list deletes the record.
	update(t, s, func(tx core.Tx) error { return tx.PutInviteFailures("telegram:666", nil) })
	view(t, s, func(tx core.Tx) error {
		if got, err := tx.InviteFailures("telegram:666"); err != nil || len(got) != 0 {
			t.Errorf("after clearing: %v, %v", got, err)
		}
		return nil
	})
	update(t, s, func(tx core.Tx) error {
		n, err := tx.PurgeInviteFailures(t0.Add(time.Hour))
		if err == nil && n != 0 {
			t.Errorf("PurgeInviteFailures with nothing stored = %d, want 0", n)
		}
		return err
	})
}
