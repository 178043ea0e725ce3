package core

import (
	"context"
	"errors"
	"sync"
)

// A Unit is a unit of work: every Service call made with the context that
// Begin returns writes in one store transaction, which Commit commits and
// Rollback discards. The chat layer handles each update in a unit, so the
// change an update makes, its audit records, its notifications, its replies
// and the mark that the update was handled commit together or not at all.
//
// The transaction begins lazily, at the first write: reads and slow work
// done before it (a registry asked over the network) hold no lock. When a
// rule refuses that first write, its transaction is dropped and the unit
// goes on as if it had not begun. Once any other write inside the unit
// fails, the unit is spoiled: the store cannot undo part of a transaction,
// so later writes are refused and Commit rolls back and returns that first
// error.
type Unit struct {
	store Store
	ctx   context.Context

	mu     sync.Mutex
	tx     Tx
	end    chan error // nil commits the transaction, an error rolls it back
	result chan error // the store's answer once the transaction is over
	failed error
	closed bool
}

type unitKey struct{}

// errRollback ends a unit's transaction without committing it.
var errRollback = errors.New("core: unit rolled back")

// Begin starts a unit of work on ctx. The caller must end it with Commit or
// Rollback.
func (s *Service) Begin(ctx context.Context) (context.Context, *Unit) {
	u := &Unit{store: s.store, ctx: context.WithoutCancel(ctx)}
	return context.WithValue(ctx, unitKey{}, u), u
}

func unitFrom(ctx context.Context) *Unit {
	u, _ := ctx.Value(unitKey{}).(*Unit)
	return u
}

// Started reports whether the unit has written anything yet.
func (u *Unit) Started() bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.tx != nil
}

// Err is the error of the write that spoiled the unit, or nil.
func (u *Unit) Err() error {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.failed
}

// begin opens the unit's transaction. The store runs transactions as
// closures, so one runs on its own goroutine and hands its Tx over until
// the unit ends; the unit's mutex keeps its uses one at a time.
func (u *Unit) begin() error {
	txc := make(chan Tx)
	u.end, u.result = make(chan error, 1), make(chan error, 1)
	go func() {
		u.result <- u.store.Update(u.ctx, func(tx Tx) error {
			txc <- tx
			return <-u.end
		})
	}()
	select {
	case tx := <-txc:
		u.tx = tx
		return nil
	case err := <-u.result:
		return err
	}
}

// update runs fn in the unit's transaction, beginning it if needed.
func (u *Unit) update(fn func(Tx) error) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	switch {
	case u.closed:
		return Errorf(EINTERNAL, "err.internal")
	case u.failed != nil:
		return u.failed
	}
	fresh := u.tx == nil
	if fresh {
		if err := u.begin(); err != nil {
			u.failed = err
			return err
		}
	}
	if err := fn(u.tx); err != nil {
		if fresh && refusal(err) {
			// A rule refused the unit's first write (the client exists, the
			// counterparty is blocked): the transaction held nothing of the
			// unit's before, so it is dropped and the unit goes on unspoiled,
			// free to end a dialog and say why.
			u.end <- errRollback
			<-u.result
			u.tx = nil
			return err
		}
		u.failed = err
		return err
	}
	return nil
}

// refusal reports whether err is a rule's answer rather than a failure.
func refusal(err error) bool {
	switch ErrorCode(err) {
	case EINVALID, ENOTFOUND, ECONFLICT, EFORBIDDEN:
		return true
	}
	return false
}

// view runs fn in the unit's transaction once it has begun, so that the
// unit reads its own writes; before that, in a read-only transaction.
func (u *Unit) view(ctx context.Context, fn func(Tx) error) error {
	u.mu.Lock()
	if u.tx == nil {
		u.mu.Unlock()
		return u.store.View(ctx, fn)
	}
	defer u.mu.Unlock()
	if u.closed {
		return Errorf(EINTERNAL, "err.internal")
	}
	return fn(u.tx)
}

// Commit commits what the unit wrote. A spoiled unit is rolled back and its
// first error returned.
func (u *Unit) Commit() error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.closed {
		return Errorf(EINTERNAL, "err.internal")
	}
	u.closed = true
	if u.tx == nil {
		return u.failed
	}
	if u.failed != nil {
		u.end <- errRollback
		<-u.result
		return u.failed
	}
	u.end <- nil
	return <-u.result
}

// Rollback discards what the unit wrote. It does nothing after Commit.
func (u *Unit) Rollback() {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.closed {
		return
	}
	u.closed = true
	if u.tx != nil {
		u.end <- errRollback
		<-u.result
	}
}
