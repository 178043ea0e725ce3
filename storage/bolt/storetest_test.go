package bolt_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
	"github.com/dealdesk/dealdesk/storage/storetest"
)

// TestBehaviour runs the store behaviour suite that PostgreSQL runs too.
// After each test bbolt's own check (DB.Check) must find the file's records
// and indexes consistent and have no note (such as a bucket it does not
// know), whatever the test wrote: the suite's tests stand for the bbolt
// tests of the same rules that ended with that check. A deal counter behind
// the deals' numbers is let pass: the suite numbers its deals itself, which
// the bot never does (TestCheck_CountersBehind covers that finding).
func TestBehaviour(t *testing.T) {
	storetest.Run(t, func(t *testing.T, clock core.Clock) core.Store {
		db, err := bolt.Open(filepath.Join(t.TempDir(), "dealdesk.db"), bolt.WithClock(clock), bolt.WithNoSync(true))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close() })
		t.Cleanup(func() { // runs before Close
			r, err := db.Check(context.Background())
			if err != nil {
				t.Fatalf("check: %v", err)
			}
			var problems []string
			for _, p := range r.Problems {
				if !strings.HasPrefix(p, `counter "deal-`) {
					problems = append(problems, p)
				}
			}
			if len(problems) > 0 {
				t.Fatalf("the check found problems:\n%s", strings.Join(problems, "\n"))
			}
			if len(r.Notes) > 0 { // on a new file: a bucket the check does not know
				t.Fatalf("the check has notes:\n%s", strings.Join(r.Notes, "\n"))
			}
		})
		return db
	})
}
