package bolt_test

import (
	"path/filepath"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

// TestInviteFailures: an identity's failed redemptions are kept in the file,
// so a restart does not forget them, and purged once they are old.
func TestInviteFailures(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	clock := NewClock()
	db := MustOpenDBAt(t, path, bolt.WithClock(clock))
	t0 := clock.Now()
	times := []time.Time{t0.Add(-2 * time.Hour), t0.Add(-time.Minute), t0}
	MustView(t, db, func(tx core.Tx) error {
		got, err := tx.InviteFailures("telegram:666")
		if err != nil || len(got) != 0 {
			t.Fatalf("InviteFailures of a new identity = %v, %v; want none", got, err)
		}
		return nil
	})
	MustUpdate(t, db, func(tx core.Tx) error {
		if err := tx.PutInviteFailures("telegram:666", times); err != nil {
			return err
		}
		return tx.PutInviteFailures("telegram:7", times[:1])
	})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = MustOpenDBAt(t, path, bolt.WithClock(clock))
	MustView(t, db, func(tx core.Tx) error {
		got, err := tx.InviteFailures("telegram:666")
		if err != nil {
			return err
		}
		if len(got) != len(times) {
			t.Fatalf("after reopening: %v, want %v", got, times)
		}
		for i := range got {
			if !got[i].Equal(times[i]) {
				t.Fatalf("after reopening: %v, want %v", got, times)
			}
		}
		return nil
	})

	// Only telegram:7's last failure is older than an hour.
	MustUpdate(t, db, func(tx core.Tx) error {
		n, err := tx.PurgeInviteFailures(t0.Add(-time.Hour))
		if err == nil && n != 1 {
			t.Errorf("PurgeInviteFailures = %d, want 1", n)
		}
		return err
	})
	MustView(t, db, func(tx core.Tx) error {
		if got, _ := tx.InviteFailures("telegram:7"); len(got) != 0 {
			t.Errorf("purged failures still there: %v", got)
		}
		if got, _ := tx.InviteFailures("telegram:666"); len(got) != 3 {
			t.Errorf("recent failures purged: %v", got)
		}
		return nil
	})

	// An empty list deletes the record.
	MustUpdate(t, db, func(tx core.Tx) error { return tx.PutInviteFailures("telegram:666", nil) })
	MustView(t, db, func(tx core.Tx) error {
		if got, err := tx.InviteFailures("telegram:666"); err != nil || len(got) != 0 {
			t.Errorf("after clearing: %v, %v", got, err)
		}
		return nil
	})
}

// TestMigrate_InviteFailures opens a schema-6 file: migration 7 adds the
// failures and revokes the invites issued before, whose codes were short.
func TestMigrate_InviteFailures(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	db := MustOpenDBAt(t, path)
	MustUpdate(t, db, func(tx core.Tx) error {
		return tx.CreateInvite(&core.Invite{Code: "abc-def_12", Role: core.RoleAdmin, ExpiresAt: tx.Now().Add(time.Hour)})
	})
	db.Close()
	raw, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = raw.Update(func(tx *bbolt.Tx) error {
		if err := tx.DeleteBucket([]byte("invite_failures")); err != nil {
			return err
		}
		return tx.Bucket([]byte("meta")).Put([]byte("schema_version"), []byte{0, 0, 0, 0, 0, 0, 0, 6})
	})
	raw.Close()
	if err != nil {
		t.Fatal(err)
	}

	db = MustOpenDBAt(t, path)
	if got := schemaVersion(t, db); got < 7 {
		t.Fatalf("schema version = %d, want at least 7", got)
	}
	MustUpdate(t, db, func(tx core.Tx) error {
		if _, err := tx.InviteByCode("abc-def_12"); !core.IsNotFound(err) {
			t.Errorf("an old invite survived the migration: %v", err)
		}
		return tx.PutInviteFailures("telegram:1", []time.Time{tx.Now()})
	})
}
