package storetest

// Edges where the two stores' engines differ (found by a review of issue
// 13): batches that fail or panic, NUL characters in keys and lookups,
// reads beside queued writers, walks that read inside their callback.

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

func init() {
	register("Edges/BatchPanicReachesTheCaller", testEdgeBatchPanic)
	register("Edges/BatchFailedStatementThenErrorIsIsolated", testEdgeBatchFailedStatement)
	register("Edges/BatchSwallowedStatementErrorFailsOnlyItsCall", testEdgeBatchSwallowed)
	register("Edges/NULInKeyFields", testEdgeNULKeys)
	register("Edges/NULLookupsAreNotFound", testEdgeNULLookups)
	register("Edges/ReadsDoNotWaitForQueuedWriters", testEdgeReadsVsWriters)
	register("Edges/EachDealReadsInsideCallback", testEdgeEachRead)
}

// A panic in a Batch fn must reach the caller's goroutine (bbolt: the call
// is run again alone with db.Update in the caller's goroutine), where the
// bot's recoverer turns it into an internal error; it must not take the
// process down.
func testEdgeBatchPanic(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	var got any
	func() {
		defer func() { got = recover() }()
		_ = s.Batch(context.Background(), func(tx core.Tx) error { panic("boom") })
	}()
	if got != "boom" {
		t.Fatalf("recovered %v, want the fn's panic in the caller", got)
	}
	// The store still works.
	update(t, s, func(tx core.Tx) error { _, err := tx.NextSequence("after"); return err })
}

// A call whose statement failed (an aborted transaction on PostgreSQL) and
// that then returns an error must be undone alone.
func testEdgeBatchFailedStatement(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	const calls = 8
	var wg sync.WaitGroup
	errs := make([]error, calls)
	start := make(chan struct{})
	for i := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = s.Batch(context.Background(), func(tx core.Tx) error {
				if i == 3 {
					// A statement that may fail in the database, then fn's error.
					if err := tx.CreateDeal(&core.Deal{Title: "bad", Number: "D-\x00", Stage: core.StageNew}); err != nil {
						return core.Errorf(core.EINVALID, "err.test")
					}
					return core.Errorf(core.EINVALID, "err.test")
				}
				_, err := tx.NextSequence("b")
				return err
			})
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if i == 3 {
			wantCode(t, err, core.EINVALID)
		} else if err != nil {
			t.Errorf("call %d: %v", i, err)
		}
	}
	update(t, s, func(tx core.Tx) error {
		n, err := tx.NextSequence("b")
		if n != calls {
			t.Errorf("counter %d, want %d", n, calls)
		}
		return err
	})
}

// A call that ignores a Tx method's error and returns nil must not fail the
// other calls of its batch: bbolt keeps every call apart.
func testEdgeBatchSwallowed(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	const calls = 8
	var wg sync.WaitGroup
	errs := make([]error, calls)
	start := make(chan struct{})
	for i := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = s.Batch(context.Background(), func(tx core.Tx) error {
				if i == 3 {
					// A lookup's error ignored (a "best effort" read), as a use
					// case may do.
					_, _ = tx.DealByNumber("D-\x00")
					return nil
				}
				_, err := tx.NextSequence("b")
				return err
			})
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if i != 3 && err != nil {
			t.Errorf("call %d failed because of call 3: %v", i, err)
		}
	}
}

// Key fields may hold any string a chat can send, NUL included (Telegram
// and Mattermost JSON carry \u0000): a change with one is kept, not
// failed (PostgreSQL stores U+FFFD for it, which its text needs).
func testEdgeNULKeys(t *testing.T, open Opener) {
	cases := []struct {
		name string
		fn   func(tx core.Tx) error
	}{
		{"ClientName", func(tx core.Tx) error {
			c := newTestClient("7707083893", "770701001", "", "ООО \x00Ромашка")
			if err := tx.CreateClient(c); err != nil {
				return err
			}
			_, err := tx.SearchClients("ромашка", 0)
			return err
		}},
		{"DealNumber", func(tx core.Tx) error {
			if err := tx.CreateDeal(&core.Deal{Title: "x", Number: "D-\x00", Stage: core.StageNew}); err != nil {
				return err
			}
			_, err := tx.DealByNumber("D-\x00")
			return err
		}},
		{"ConversationKey", func(tx core.Tx) error {
			if err := tx.PutConversation(&core.Conversation{Key: "telegram:\x00:1"}); err != nil {
				return err
			}
			_, err := tx.Conversation("telegram:\x00:1")
			return err
		}},
		{"InboxChat", func(tx core.Tx) error {
			_, err := tx.AddInboxItem(&core.InboxItem{Platform: "telegram", Key: "k\x00", ChatID: "4\x002"})
			return err
		}},
		{"ReportTemplateName", func(tx core.Tx) error {
			return tx.CreateReportTemplate(&core.ReportTemplate{Name: "Отчёт\x00"})
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, _ := newStore(t, open)
			if err := s.Update(context.Background(), c.fn); err != nil {
				t.Errorf("%v", err)
			}
		})
	}
}

// A lookup by a string a user typed (an invite code, a deal number, a
// button token from callback data) answers ENOTFOUND for a string that is
// not stored, NUL or not; it must not fail the transaction.
func testEdgeNULLookups(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	lookups := map[string]func(tx core.Tx) error{
		"DealByNumber":     func(tx core.Tx) error { _, err := tx.DealByNumber("D\x00"); return err },
		"InviteByCode":     func(tx core.Tx) error { _, err := tx.InviteByCode("c0de\x00"); return err },
		"Button":           func(tx core.Tx) error { _, err := tx.Button("tok\x00"); return err },
		"Conversation":     func(tx core.Tx) error { _, err := tx.Conversation("k\x00"); return err },
		"DocumentByNumber": func(tx core.Tx) error { _, err := tx.DocumentByNumber("N\x00"); return err },
		"ReminderByKey":    func(tx core.Tx) error { _, err := tx.ReminderByKey("k\x00"); return err },
		"UserByIdentity":   func(tx core.Tx) error { _, err := tx.UserByIdentity("telegram:\x00"); return err },
		"CaseByThread":     func(tx core.Tx) error { _, err := tx.CaseByThread("telegram", "1", "\x00"); return err },
	}
	for name, fn := range lookups {
		err := s.Update(context.Background(), func(tx core.Tx) error {
			if err := fn(tx); core.ErrorCode(err) != core.ENOTFOUND {
				t.Errorf("%s: %v, want ENOTFOUND", name, err)
			}
			// The transaction goes on.
			_, err := tx.NextSequence("after")
			return err
		})
		if err != nil {
			t.Errorf("%s: the transaction failed after the lookup: %v", name, err)
		}
	}
}

// Readers never wait for writers (bbolt: a View runs beside the one
// writer, however many writers queue). On PostgreSQL each queued Update
// holds a pooled connection while it waits for the writer lock, so a few
// queued writers (the default pool is max(4, CPUs)) starve every View.
func testEdgeReadsVsWriters(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	const queued = 8
	holding := make(chan struct{})
	release := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = s.Update(context.Background(), func(tx core.Tx) error {
			close(holding)
			<-release
			return nil
		})
	}()
	<-holding
	for range queued {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = s.Update(context.Background(), func(tx core.Tx) error { _, err := tx.NextSequence("w"); return err })
		}()
	}
	time.Sleep(300 * time.Millisecond) // let them queue
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	err := s.View(ctx, func(tx core.Tx) error { _, err := tx.ListUsers(); return err })
	cancel()
	close(release)
	wg.Wait()
	if err != nil {
		t.Fatalf("a View behind %d queued writers: %v", queued, err)
	}
}

// An Each walk's callback may read other records in the same transaction.
func testEdgeEachRead(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	update(t, s, func(tx core.Tx) error {
		for i := range 600 {
			if err := tx.CreateDeal(&core.Deal{Title: fmt.Sprint(i), Stage: core.StageNew, ClientID: 1}); err != nil {
				return err
			}
		}
		return nil
	})
	n := 0
	view(t, s, func(tx core.Tx) error {
		return tx.EachDeal(func(d *core.Deal) error {
			n++
			_, err := tx.DealByID(d.ID)
			if err != nil {
				return err
			}
			_, err = tx.ClientByID(999)
			if core.ErrorCode(err) != core.ENOTFOUND {
				return errors.New("want ENOTFOUND")
			}
			return nil
		})
	})
	if n != 600 {
		t.Errorf("walked %d deals, want 600", n)
	}
}
