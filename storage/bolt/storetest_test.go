package bolt_test

import (
	"path/filepath"
	"testing"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
	"github.com/dealdesk/dealdesk/storage/storetest"
)

// TestBehaviour runs the store behaviour suite that PostgreSQL runs too.
func TestBehaviour(t *testing.T) {
	storetest.Run(t, func(t *testing.T, clock core.Clock) core.Store {
		db, err := bolt.Open(filepath.Join(t.TempDir(), "dealdesk.db"), bolt.WithClock(clock), bolt.WithNoSync(true))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close() })
		return db
	})
}
