package bolt_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
	"go.etcd.io/bbolt"
)

func schemaVersion(t *testing.T, db *bolt.DB) int {
	t.Helper()
	v, err := db.SchemaVersion()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestMigrate_Fresh(t *testing.T) {
	db := MustOpenDB(t)
	if got, want := schemaVersion(t, db), len(bolt.Migrations()); got != want {
		t.Fatalf("schema version = %d, want %d", got, want)
	}
	// Every bucket exists: each aggregate can be read on an empty file.
	MustView(t, db, func(tx core.Tx) error {
		_, err := tx.ListUsers()
		if err == nil {
			_, err = tx.SearchClients("а", 0)
		}
		if err == nil {
			_, err = tx.FindDeals(core.DealFilter{})
		}
		if err == nil {
			_, err = tx.FindTasks(core.TaskFilter{})
		}
		if err == nil {
			_, err = tx.DueMessages("telegram", tx.Now(), 0)
		}
		return err
	})
}

func TestMigrate_Existing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	db, err := bolt.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	MustUpdate(t, db, func(tx core.Tx) error { return tx.CreateUser(newUser("Анна", "telegram:1")) })
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// A release adds migration 2; it runs once, on the next open.
	runs := 0
	restore := bolt.SetMigrations(append(bolt.Migrations(), func(tx *bbolt.Tx) error {
		runs++
		_, err := tx.CreateBucket([]byte("documents"))
		return err
	}))
	defer restore()
	for range 2 {
		db, err = bolt.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := schemaVersion(t, db); got != 2 {
			t.Fatalf("schema version = %d, want 2", got)
		}
		MustView(t, db, func(tx core.Tx) error {
			_, err := tx.UserByIdentity("telegram:1")
			return err
		})
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if runs != 1 {
		t.Fatalf("migration 2 ran %d times, want 1", runs)
	}
}

func TestMigrate_FailureRollsBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	MustOpenDBAt(t, path).Close()
	errBoom := errors.New("boom")
	restore := bolt.SetMigrations(append(bolt.Migrations(),
		func(tx *bbolt.Tx) error { _, err := tx.CreateBucket([]byte("half")); return err },
		func(*bbolt.Tx) error { return errBoom },
	))
	_, err := bolt.Open(path)
	restore()
	if !errors.Is(err, errBoom) || !strings.Contains(err.Error(), "migration 3") {
		t.Fatalf("Open = %v, want migration 3 failing with boom", err)
	}
	db := MustOpenDBAt(t, path)
	if got := schemaVersion(t, db); got != 1 {
		t.Fatalf("schema version after a failed migration = %d, want 1", got)
	}
}

func TestMigrate_NewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	MustOpenDBAt(t, path).Close()
	restore := bolt.SetMigrations(append(bolt.Migrations(), func(*bbolt.Tx) error { return nil }))
	db, err := bolt.Open(path)
	restore()
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = bolt.Open(path)
	if err == nil || !strings.Contains(err.Error(), "schema version 2 is newer than this program supports (1)") {
		t.Fatalf("Open of a newer file = %v", err)
	}
	// The refused file is still there, and still locked by nobody.
	restore = bolt.SetMigrations(append(bolt.Migrations(), func(*bbolt.Tx) error { return nil }))
	defer restore()
	MustOpenDBAt(t, path)
}
