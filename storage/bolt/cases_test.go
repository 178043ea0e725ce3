package bolt_test

import (
	"path/filepath"
	"strings"
	"testing"

	"go.etcd.io/bbolt"

	"github.com/dealdesk/dealdesk/core"
)

// newCase is an open case of deal 7 in thread of chat -100 on Telegram.
func newCase(thread string) *core.Case {
	return &core.Case{DealID: 7, ClientID: 3, Topic: "Залог", OpenedBy: 5, Platform: "telegram", ChatID: "-100",
		ThreadID: thread, Status: core.CaseOpen}
}

// TestCheck_CaseIndexes: a closed case left in its thread, an open one
// missing from it, a lost platform message entry and a message of a case
// that does not exist.
func TestCheck_CaseIndexes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	db := MustOpenDBAt(t, path)
	MustUpdate(t, db, func(tx core.Tx) error {
		if err := tx.CreateCase(newCase("55")); err != nil {
			return err
		}
		closed := newCase("56")
		closed.Status = core.CaseClosed
		if err := tx.CreateCase(closed); err != nil {
			return err
		}
		return tx.AddCaseMessage(&core.CaseMessage{CaseID: 1, UserID: 5, PlatformID: "100", Text: "Что с залогом?"})
	})
	checkHealthy(t, db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	rawUpdate(t, path, func(tx *bbolt.Tx) error {
		threads := tx.Bucket([]byte("cases_by_thread"))
		if err := threads.Delete([]byte("telegram\x00-100\x0055\x00")); err != nil {
			return err
		}
		if err := threads.Put([]byte("telegram\x00-100\x0056\x00"), id(2)); err != nil {
			return err
		}
		if err := tx.Bucket([]byte("case_messages_by_pid")).Delete(append(id(1), "100"...)); err != nil {
			return err
		}
		return tx.Bucket([]byte("case_messages")).Put(append(id(9), id(5)...), []byte(`{"id":5,"case_id":9}`))
	})
	r := mustCheck(t, path)
	wantProblems(t, r,
		`case 1: its entry "telegram\x00-100\x0055\x00" is missing from index cases_by_thread`,
		`index cases_by_thread: entry "telegram\x00-100\x0056\x00" points at case 2, which does not list it`,
		"is missing from index case_messages_by_pid",
		"its case 9 does not exist",
		"bucket case_messages: the ID counter is at 1, behind the highest message ID in use, 5")
	if len(r.Problems) != 5 {
		t.Errorf("want 5 problems:\n%s", strings.Join(r.Problems, "\n"))
	}
}
