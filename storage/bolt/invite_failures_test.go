package bolt_test

import (
	"path/filepath"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/dealdesk/dealdesk/core"
)

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
