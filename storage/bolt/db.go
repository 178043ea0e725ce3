// Package bolt implements DealDesk's store (core.Store) on bbolt, an
// embedded key/value database in one file.
//
// Every record is a JSON value in the bucket of its aggregate, keyed by its
// 8-byte big-endian ID, so cursor order is ID order. Secondary indexes are
// buckets whose keys are built from the indexed field and the ID; they are
// maintained in the same transaction as the record.
package bolt

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Compile-time checks that DB and Tx implement the core ports.
var (
	_ core.Store = (*DB)(nil)
	_ core.Tx    = (*Tx)(nil)
)

// openTimeout is how long Open waits for the file lock, so that a second
// process fails with a clear error instead of hanging.
const openTimeout = time.Second

// mmapSize is the initial size of the memory map. bbolt must remap when the
// file outgrows the map, and a remap waits for every open read transaction;
// a generous map keeps a long backup from stalling writers. On 64-bit
// systems it costs address space, not memory.
const mmapSize = 1 << 30

// DB is a DealDesk database in one bbolt file. It is safe for concurrent use.
type DB struct {
	db    *bbolt.DB
	path  string
	clock core.Clock
}

// Option configures Open.
type Option func(*config)

type config struct {
	clock  core.Clock
	noSync bool
}

// WithClock sets the clock that gives transactions their time. The default
// (and what a nil clock means) is the system clock.
func WithClock(c core.Clock) Option {
	return func(cfg *config) {
		if c != nil {
			cfg.clock = c
		}
	}
}

// WithNoSync turns off fsync after each commit. A crash may then lose or
// corrupt recent writes; it is meant for tests only.
func WithNoSync(noSync bool) Option {
	return func(cfg *config) { cfg.noSync = noSync }
}

// Open opens the database at path, creating the file and its parent folder if
// missing, and brings its schema up to date. It fails after a second when
// another process holds the file (ErrInUse). An existing file that is empty,
// shorter than its meta page says, or without a valid meta page is refused
// with ErrDamaged before bbolt maps it, and left as it is.
func Open(path string, opts ...Option) (*DB, error) {
	cfg := config{clock: core.SystemClock{}}
	for _, o := range opts {
		o(&cfg)
	}
	if path == "" {
		return nil, errors.New("bolt: open: empty path")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("bolt: open: %w", err)
	}
	if err := preflight(path); err != nil {
		return nil, err
	}
	bdb, err := openBolt(path, &bbolt.Options{
		Timeout:         openTimeout,
		NoSync:          cfg.noSync,
		FreelistType:    bbolt.FreelistMapType,
		InitialMmapSize: mmapSize,
	})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("bolt: open %s: %w: %w", path, ErrInUse, err)
	} else if errors.Is(err, ErrDamaged) {
		return nil, err
	} else if err != nil {
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}
	db := &DB{db: bdb, path: path, clock: cfg.clock}
	if err := db.migrateChecked(); err != nil {
		_ = bdb.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the database. It waits for running transactions to finish.
func (db *DB) Close() error {
	if err := db.db.Close(); err != nil {
		return fmt.Errorf("bolt: close: %w", err)
	}
	return nil
}

// Path is the database file's path.
func (db *DB) Path() string { return db.path }

// View runs fn in a read-only transaction.
func (db *DB) View(ctx context.Context, fn func(core.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.run("view", db.db.View, fn)
}

// Update runs fn in a read-write transaction. An error from fn rolls the
// transaction back and is returned unchanged.
func (db *DB) Update(ctx context.Context, fn func(core.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.run("update", db.db.Update, fn)
}

// Batch is Update for many concurrent writers: bbolt may combine calls into
// one transaction (one fsync for all), and fn may run more than once.
func (db *DB) Batch(ctx context.Context, fn func(core.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.run("batch", db.db.Batch, fn)
}

// run executes fn through a bbolt transaction runner. fn's own error passes
// through unchanged; any other error (begin, commit) is bbolt's and wrapped.
func (db *DB) run(place string, exec func(func(*bbolt.Tx) error) error, fn func(core.Tx) error) error {
	var fnErr error
	err := exec(func(btx *bbolt.Tx) error {
		fnErr = fn(db.newTx(btx))
		return fnErr
	})
	if err == nil || fnErr != nil {
		return err
	}
	return fmt.Errorf("bolt: %s: %w", place, err)
}

// newTx wraps a bbolt transaction and fixes its time.
func (db *DB) newTx(btx *bbolt.Tx) *Tx {
	return &Tx{tx: btx, now: db.clock.Now().UTC().Truncate(time.Microsecond)}
}

// Tx is one store transaction. It is valid only inside the function given to
// View, Update or Batch.
type Tx struct {
	tx  *bbolt.Tx
	now time.Time
}

// Now is the transaction's time in UTC, truncated to the microsecond; it is
// read from the clock once, when the transaction starts.
func (tx *Tx) Now() time.Time { return tx.now }

// NextSequence returns the next value (from 1) of the counter called name.
func (tx *Tx) NextSequence(name string) (n uint64, err error) {
	defer wrapf(&err, "next sequence %q", name)
	if name == "" {
		return 0, errors.New("empty counter name")
	}
	b := tx.tx.Bucket(bktSequences)
	if v := b.Get([]byte(name)); v != nil {
		n = uint64(btoi(v))
	}
	n++
	return n, b.Put([]byte(name), itob(int64(n)))
}
