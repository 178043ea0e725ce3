package bolt_test

import (
	"path/filepath"
	"strings"
	"testing"

	"go.etcd.io/bbolt"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

func requestIDs(rs []*core.Request) []int64 {
	ids := []int64{}
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	return ids
}

func mustRequests(t *testing.T, db *bolt.DB, f core.RequestFilter) []int64 {
	t.Helper()
	var ids []int64
	MustView(t, db, func(tx core.Tx) error {
		rs, err := tx.Requests(f)
		ids = requestIDs(rs)
		return err
	})
	return ids
}

// TestCheck_RequestIndexes: the check finds a request's entry lost from
// the open index, a closed one left in it, and one pointing at nothing.
func TestCheck_RequestIndexes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	db := MustOpenDBAt(t, path)
	MustUpdate(t, db, func(tx core.Tx) error {
		if err := tx.CreateRequest(&core.Request{Type: core.RequestQuestion, Status: core.RequestNew,
			RequesterID: 5}); err != nil {
			return err
		}
		return tx.CreateRequest(&core.Request{Type: core.RequestQuestion, Status: core.RequestDone, RequesterID: 5,
			AssigneeID: 9})
	})
	checkHealthy(t, db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	var created []byte
	rawUpdate(t, path, func(tx *bbolt.Tx) error {
		open := tx.Bucket([]byte("requests_open"))
		k, _ := open.Cursor().First()
		created = append([]byte(nil), k[:8]...)
		if err := open.Delete(k); err != nil {
			return err
		}
		// Request 2 is done: it has no place among the open ones.
		if err := open.Put(append(append([]byte(nil), created...), id(2)...), []byte{}); err != nil {
			return err
		}
		return tx.Bucket([]byte("requests_by_deal")).Put(append(id(7), append(created, id(9)...)...), []byte{})
	})
	r := mustCheck(t, path)
	wantProblems(t, r, "request 1: its entry", "is missing from index requests_open",
		"index requests_open: entry", "points at request 2, which does not list it (a stale entry)",
		"index requests_by_deal: entry", "points at request 9, which does not exist")
	if len(r.Problems) != 3 {
		t.Errorf("want 3 problems:\n%s", strings.Join(r.Problems, "\n"))
	}
}
