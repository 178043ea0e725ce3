package postgres

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"

	"github.com/jackc/pgx/v5"

	"github.com/dealdesk/dealdesk/core"
)

// maxBatch is the most calls one transaction takes.
const maxBatch = 64

// batcher combines concurrent Batch calls into one transaction, as bbolt's
// DB.Batch does: one writer-lock wait and one commit (one WAL flush) for all
// of them. A call that finds no batch running starts one at once, so a lone
// writer waits for nobody; calls arriving while a batch runs are taken
// together by the next. Each call runs under a savepoint, so a call whose fn
// fails is undone alone and gets its error, while the others commit; the
// result is that of running the calls one after another.
type batcher struct {
	db      *DB
	mu      sync.Mutex
	pending []*batchCall
	running bool
	wg      sync.WaitGroup
}

type batchCall struct {
	ctx  context.Context
	fn   func(core.Tx) error
	done chan error
}

func newBatcher(db *DB) *batcher { return &batcher{db: db} }

// do queues fn and waits for its batch to commit or fail.
func (b *batcher) do(ctx context.Context, fn func(core.Tx) error) error {
	c := &batchCall{ctx: ctx, fn: fn, done: make(chan error, 1)}
	b.mu.Lock()
	b.pending = append(b.pending, c)
	if !b.running {
		b.running = true
		b.wg.Add(1)
		go b.loop()
	}
	b.mu.Unlock()
	err := <-c.done
	if p, ok := err.(*panicked); ok {
		panic(p.value)
	}
	return err
}

// loop runs batches while calls wait.
func (b *batcher) loop() {
	defer b.wg.Done()
	for {
		b.mu.Lock()
		calls := b.pending
		if len(calls) > maxBatch {
			calls, b.pending = calls[:maxBatch:maxBatch], calls[maxBatch:]
		} else {
			b.pending = nil
		}
		if len(calls) == 0 {
			b.running = false
			b.mu.Unlock()
			return
		}
		b.mu.Unlock()
		b.run(calls)
	}
}

// run runs calls in one transaction. A call whose context is done by then is
// answered with its context's error and skipped.
func (b *batcher) run(calls []*batchCall) {
	live := calls[:0:0]
	for _, c := range calls {
		if err := c.ctx.Err(); err != nil {
			c.done <- err
			continue
		}
		live = append(live, c)
	}
	if len(live) == 0 {
		return
	}
	if len(live) == 1 {
		c := live[0]
		c.done <- b.db.Update(c.ctx, func(tx core.Tx) error { return safeCall(c.fn, tx) })
		return
	}
	// The transaction belongs to no one caller: it must not fail because one
	// of them gave up.
	ctx := context.Background()
	results := make([]error, len(live))
	err := b.db.run(ctx, "batch", pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, true, func(t core.Tx) error {
		tx := t.(*Tx)
		for i, c := range live {
			if err := tx.exec("SAVEPOINT dd_batch"); err != nil {
				return err
			}
			results[i] = safeCall(c.fn, tx)
			if results[i] == nil {
				err := tx.exec("RELEASE SAVEPOINT dd_batch")
				if err == nil {
					continue
				}
				// fn went on after one of its statements failed (which
				// aborts the transaction): that call fails, alone.
				results[i] = fmt.Errorf("postgres: batch: a statement of the call failed: %w", err)
			}
			if err := tx.exec("ROLLBACK TO SAVEPOINT dd_batch"); err != nil {
				return err
			}
		}
		return nil
	})
	for i, c := range live {
		switch {
		case err != nil:
			c.done <- fmt.Errorf("postgres: batch: %w", err)
		default:
			c.done <- results[i]
		}
	}
}

// panicked carries a panic of a batched fn to its caller's goroutine, where
// do raises it again (as bbolt's Batch does), so that the caller's recover
// sees it and the batch's goroutine does not take the process down.
type panicked struct {
	value any
	stack []byte
}

func (p *panicked) Error() string { return fmt.Sprintf("panic: %v\n%s", p.value, p.stack) }

// safeCall calls fn, turning a panic into a *panicked error.
func safeCall(fn func(core.Tx) error, tx core.Tx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &panicked{value: r, stack: debug.Stack()}
		}
	}()
	return fn(tx)
}

// stop waits for the batches running.
func (b *batcher) stop() { b.wg.Wait() }
