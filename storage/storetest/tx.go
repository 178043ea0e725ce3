package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

func init() {
	register("Tx/NowIsFixedPerTransactionInUTC", testNowFixed)
	register("Tx/ErrorRollsBackEverything", testRollback)
	register("Tx/SequencesHaveNoGapsOrDoublesUnderConcurrency", testSequencesConcurrent)
	register("Tx/BatchCallsAreEachAppliedOnceAndAFailureIsItsOwn", testBatch)
	register("Tx/ViewSeesOneSnapshot", testViewSnapshot)
}

func testNowFixed(t *testing.T, open Opener) {
	s, clock := newStore(t, open)
	clock.Set(time.Date(2026, 12, 1, 12, 30, 0, 123456789, time.FixedZone("MSK", 3*3600)))
	update(t, s, func(tx core.Tx) error {
		first := tx.Now()
		clock.Add(time.Hour)
		if !tx.Now().Equal(first) {
			t.Errorf("Now moved inside a transaction: %v then %v", first, tx.Now())
		}
		if first.Location() != time.UTC || first.Nanosecond()%1000 != 0 {
			t.Errorf("Now = %v: want UTC truncated to the microsecond", first)
		}
		return nil
	})
}

func testRollback(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	boom := errors.New("boom")
	err := s.Update(context.Background(), func(tx core.Tx) error {
		if _, err := tx.NextSequence("n"); err != nil {
			return err
		}
		if err := tx.CreateUser(&core.User{Name: "Ivanova", Identities: []string{"telegram:1"}, Role: core.RoleManager}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update returned %v, want fn's own error", err)
	}
	view(t, s, func(tx core.Tx) error {
		if _, err := tx.UserByIdentity("telegram:1"); core.ErrorCode(err) != core.ENOTFOUND {
			t.Errorf("user after rollback: %v", err)
		}
		return nil
	})
	update(t, s, func(tx core.Tx) error {
		n, err := tx.NextSequence("n")
		if n != 1 {
			t.Errorf("sequence after a rolled back step = %d, want 1", n)
		}
		return err
	})
}

func testSequencesConcurrent(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	const writers, each = 8, 25
	var mu sync.Mutex
	seen := map[uint64]bool{}
	var wg sync.WaitGroup
	for range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				var n uint64
				err := s.Update(context.Background(), func(tx core.Tx) (err error) {
					n, err = tx.NextSequence("deal:2026")
					return err
				})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if seen[n] {
					t.Errorf("number %d given twice", n)
				}
				seen[n] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for i := uint64(1); i <= writers*each; i++ {
		if !seen[i] {
			t.Errorf("number %d never given (a gap)", i)
		}
	}
}

func testBatch(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	const calls = 40
	var wg sync.WaitGroup
	errs := make([]error, calls)
	for i := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.Batch(context.Background(), func(tx core.Tx) error {
				if i%10 == 3 {
					// Writes, then fails: its writes must not land.
					if _, err := tx.NextSequence("batch"); err != nil {
						return err
					}
					return core.Errorf(core.EINVALID, "err.test")
				}
				_, err := tx.NextSequence("batch")
				return err
			})
		}()
	}
	wg.Wait()
	failed := 0
	for i, err := range errs {
		if i%10 == 3 {
			failed++
			wantCode(t, err, core.EINVALID)
		} else if err != nil {
			t.Errorf("call %d: %v", i, err)
		}
	}
	update(t, s, func(tx core.Tx) error {
		n, err := tx.NextSequence("batch")
		if want := uint64(calls - failed + 1); n != want {
			t.Errorf("after the batch the counter gives %d, want %d (each good call once, no failed one)", n, want)
		}
		return err
	})
}

func testViewSnapshot(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	update(t, s, func(tx core.Tx) error {
		return tx.CreateUser(&core.User{Name: "A", Identities: []string{"telegram:1"}, Role: core.RoleManager})
	})
	started := make(chan struct{})
	release := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- s.View(context.Background(), func(tx core.Tx) error {
			before, err := tx.ListUsers()
			if err != nil {
				return err
			}
			close(started)
			<-release
			after, err := tx.ListUsers()
			if err != nil {
				return err
			}
			if len(before) != len(after) {
				t.Errorf("a read transaction saw %d users, then %d", len(before), len(after))
			}
			return nil
		})
	}()
	<-started
	update(t, s, func(tx core.Tx) error {
		return tx.CreateUser(&core.User{Name: "B", Identities: []string{"telegram:2"}, Role: core.RoleManager})
	})
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
