// Package postgres implements DealDesk's store (core.Store) on PostgreSQL
// with pgx, for departments that run DealDesk on more than one machine.
//
// Each aggregate has a table: its ID, the columns DealDesk looks records up
// or orders them by (each with an index), and the record itself as JSONB in
// "doc", encoded exactly as the bbolt store encodes it. The key columns are
// written from the record in the same statement as the document, so they
// cannot drift from it. Text keys compare byte-wise (COLLATE "C"), so
// listings come out in the order bbolt's byte-ordered keys give.
//
// Writers take one transaction-scoped advisory lock before their first
// statement: read-write transactions run one at a time across every DealDesk
// process on the database, as they do in bbolt, so a use case's
// read-check-write (numbering, uniqueness, a status step) needs no retry
// loop and numbers have no gaps or doubles. Reads run concurrently on a
// snapshot (REPEATABLE READ), as bbolt's do.
package postgres

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/dealdesk/dealdesk/core"
)

// Compile-time checks that DB and Tx implement the core ports.
var (
	_ core.Store = (*DB)(nil)
	_ core.Tx    = (*Tx)(nil)
)

// Advisory lock keys (pg_advisory_lock's bigint key space is per database).
const (
	// writerLock serialises read-write transactions.
	writerLock int64 = 0x6465616c_64657301 // "dealdes" 1
	// migrateLock serialises schema migrations of instances starting at once.
	migrateLock int64 = 0x6465616c_64657302
	// LeaderLock is held, on a dedicated connection, by the instance that
	// runs the pollers, the scheduler and the outbox worker.
	LeaderLock int64 = 0x6465616c_64657303
)

// DB is a DealDesk database on PostgreSQL. It is safe for concurrent use.
type DB struct {
	// writer is taken before a writing transaction asks the pool for a
	// connection, so that writers queued behind the writer lock hold no
	// connections (at most one waits in the database per process) and
	// reads never wait for a connection because of them.
	writer sync.Mutex
	pool   *pgxpool.Pool
	url    string
	clock  core.Clock
	batch  *batcher
}

// Option configures Open.
type Option func(*config)

type config struct {
	clock    core.Clock
	maxConns int32
	name     string
}

// WithName sets the application_name of the pool's connections (the
// instance's name), so that pg_stat_activity tells the instances apart.
func WithName(name string) Option {
	return func(cfg *config) { cfg.name = name }
}

// WithClock sets the clock that gives transactions their time; nil or none
// is the system clock.
func WithClock(c core.Clock) Option {
	return func(cfg *config) {
		if c != nil {
			cfg.clock = c
		}
	}
}

// WithMaxConns sets the size of the connection pool (default: the URL's
// pool_max_conns, else the larger of 16 and the number of CPUs).
func WithMaxConns(n int32) Option {
	return func(cfg *config) { cfg.maxConns = n }
}

// IsURL reports whether s names a PostgreSQL database rather than a file:
// a postgres:// URL, or libpq's keyword/value form ("host=db dbname=dealdesk
// user=dd password=…"), which pgx reads too.
func IsURL(s string) bool {
	if strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://") {
		return true
	}
	fields := strings.Fields(s)
	known := false
	for _, f := range fields {
		k, _, ok := strings.Cut(f, "=")
		if !ok {
			return false
		}
		switch strings.TrimSpace(k) {
		case "host", "hostaddr", "port", "dbname", "user", "password", "sslmode", "service":
			known = true
		}
	}
	return known
}

// Open connects to the database at url (postgres://user:pass@host:port/db?…),
// brings its schema up to date and returns the store. It fails when the
// database cannot be reached or its schema is newer than this DealDesk's.
func Open(ctx context.Context, url string, opts ...Option) (*DB, error) {
	cfg := config{clock: core.SystemClock{}}
	for _, o := range opts {
		o(&cfg)
	}
	pc, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", redactErr(err, url))
	}
	if cfg.name != "" {
		pc.ConnConfig.RuntimeParams["application_name"] = cfg.name
	}
	switch {
	case cfg.maxConns > 0:
		pc.MaxConns = cfg.maxConns
	case !strings.Contains(url, "pool_max_conns"):
		// pgxpool's default (4 on a small machine) is too few for the chat
		// workers' reads beside the writer and the walks of a report.
		pc.MaxConns = max(pc.MaxConns, 16)
	}
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", redactErr(err, url))
	}
	db := &DB{pool: pool, url: url, clock: cfg.clock}
	db.batch = newBatcher(db)
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the pool's connections. It waits for running transactions.
func (db *DB) Close() error {
	db.batch.stop()
	db.pool.Close()
	return nil
}

// Pool is the connection pool, for the leader election and health checks.
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// URL is the database's URL as given to Open (with its password: never log it;
// see Redacted).
func (db *DB) URL() string { return db.url }

// Redacted is the database's URL without its password, for logs.
func (db *DB) Redacted() string { return Redact(db.url) }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.pool.Ping(ctx) }

// View runs fn in a read-only transaction on one snapshot of the database.
func (db *DB) View(ctx context.Context, fn func(core.Tx) error) error {
	return db.run(ctx, "view", pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, false, fn)
}

// Update runs fn in a read-write transaction. Writers run one at a time: the
// transaction takes the writer lock before fn. An error from fn rolls it
// back and is returned unchanged.
func (db *DB) Update(ctx context.Context, fn func(core.Tx) error) error {
	return db.run(ctx, "update", pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, true, fn)
}

// Batch is Update for many concurrent writers: calls that arrive while a
// batch runs share the next transaction (one writer-lock wait, one commit,
// one WAL flush), each under a savepoint, so that a call whose fn fails is
// undone alone. fn runs once here; core's port allows more (bbolt re-runs).
func (db *DB) Batch(ctx context.Context, fn func(core.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.batch.do(ctx, fn)
}

// run runs fn in one transaction. fn's own error passes through unchanged;
// any other (begin, lock, commit) is wrapped with the place.
func (db *DB) run(ctx context.Context, place string, opts pgx.TxOptions, write bool, fn func(core.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if write {
		db.writer.Lock()
		defer db.writer.Unlock()
	}
	ptx, err := db.pool.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("postgres: %s: begin: %w", place, err)
	}
	defer func() { _ = ptx.Rollback(context.WithoutCancel(ctx)) }()
	if write {
		if _, err := ptx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", writerLock); err != nil {
			return fmt.Errorf("postgres: %s: writer lock: %w", place, err)
		}
	}
	tx := db.newTx(ctx, ptx, write)
	if err := fn(tx); err != nil {
		return err
	}
	if err := ptx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: %s: commit: %w", place, err)
	}
	return nil
}

// newTx wraps a pgx transaction and fixes its time. The time is read after
// the writer lock, so writers' times never go backwards.
func (db *DB) newTx(ctx context.Context, ptx pgx.Tx, write bool) *Tx {
	return &Tx{ctx: ctx, tx: cleanTx{ptx}, write: write, now: db.clock.Now().UTC().Truncate(time.Microsecond)}
}

// Tx is one store transaction. It is valid only inside the function given to
// View, Update or Batch.
type Tx struct {
	ctx   context.Context
	tx    cleanTx
	now   time.Time
	write bool
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
	v, err := tx.counter("seq:" + name)
	return uint64(v), err
}

// nextID returns the next ID of the records of a table, from 1, without gaps
// (the counter is a row written in the transaction).
func (tx *Tx) nextID(table string) (int64, error) { return tx.counter("id:" + table) }

func (tx *Tx) counter(name string) (int64, error) {
	var v int64
	err := tx.tx.QueryRow(tx.ctx, `INSERT INTO counters (name, value) VALUES ($1, 1)
		ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value`, name).Scan(&v)
	return v, err
}

// exec runs a statement.
func (tx *Tx) exec(sql string, args ...any) error {
	_, err := tx.tx.Exec(tx.ctx, sql, args...)
	return err
}

// execN runs a statement and returns the number of rows it touched.
func (tx *Tx) execN(sql string, args ...any) (int64, error) {
	tag, err := tx.tx.Exec(tx.ctx, sql, args...)
	return tag.RowsAffected(), err
}

// exists reports whether a query returns a row.
func (tx *Tx) exists(sql string, args ...any) (bool, error) {
	var one int
	err := tx.tx.QueryRow(tx.ctx, sql, args...).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// get runs a query whose one row's first column is a JSON document and
// decodes it into v; ok is false when there is no row.
func (tx *Tx) get(v any, sql string, args ...any) (ok bool, err error) {
	var data []byte
	if err := tx.tx.QueryRow(tx.ctx, sql, args...).Scan(&data); errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	return true, decode(data, v)
}

// scalar runs a query whose one row has one column and scans it into dst;
// ok is false when there is no row.
func (tx *Tx) scalar(dst any, sql string, args ...any) (ok bool, err error) {
	err = tx.tx.QueryRow(tx.ctx, sql, args...).Scan(dst)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// list runs a query whose rows' first column is a JSON document and decodes
// each into a new T. The result is never nil.
func list[T any](tx *Tx, sql string, args ...any) ([]*T, error) {
	rows, err := tx.tx.Query(tx.ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*T{}
	for rows.Next() {
		var data []byte
		if err := rows.Scan(&data); err != nil {
			return nil, err
		}
		v := new(T)
		if err := decode(data, v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// eachBatch is how many rows a walk fetches from its cursor at a time.
const eachBatch = 512

// cursorSeq numbers the walks' cursors (unique per connection is enough;
// unique per process is simpler).
var cursorSeq atomic.Int64

// each walks a query's rows through a server-side cursor, eachBatch rows at
// a time, calling fn with each row's first column (a JSON document) until fn
// returns false or an error. fn may run other queries on tx between rows:
// the connection is free while fn runs, which a plain pgx.Rows would not
// allow. Memory stays bounded by the batch, however many rows match.
func (tx *Tx) each(fn func(data []byte) (bool, error), sql string, args ...any) error {
	name := fmt.Sprintf("dd_walk_%d", cursorSeq.Add(1))
	if err := tx.exec("DECLARE "+name+" NO SCROLL CURSOR FOR "+sql, args...); err != nil {
		return err
	}
	defer func() { _ = tx.exec("CLOSE " + name) }()
	fetch := fmt.Sprintf("FETCH %d FROM %s", eachBatch, name)
	batch := make([][]byte, 0, eachBatch)
	for {
		batch = batch[:0]
		rows, err := tx.tx.Query(tx.ctx, fetch)
		if err != nil {
			return err
		}
		for rows.Next() {
			var data []byte
			if err := rows.Scan(&data); err != nil {
				rows.Close()
				return err
			}
			batch = append(batch, data)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, data := range batch {
			if more, err := fn(data); err != nil || !more {
				return err
			}
		}
		if len(batch) < eachBatch {
			return nil
		}
	}
}

// eachOf is each decoding every document into a new T.
func eachOf[T any](tx *Tx, fn func(*T) (bool, error), sql string, args ...any) error {
	return tx.each(func(data []byte) (bool, error) {
		v := new(T)
		if err := decode(data, v); err != nil {
			return false, err
		}
		return fn(v)
	}, sql, args...)
}

// encode encodes a record as the JSON stored in its doc column. jsonb
// refuses the NUL character (\u0000) that bbolt's JSON keeps: it is stored
// as U+FFFD, the replacement character, so that a message carrying one is
// kept rather than refused.
func encode(v any) ([]byte, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	return replaceNUL(data), nil
}

// replaceNUL rewrites each JSON escape \u0000 as \ufffd. An escape is one
// whose backslash is preceded by an even number of backslashes (a literal
// backslash is written \\).
func replaceNUL(data []byte) []byte {
	if !bytes.Contains(data, []byte(`\u0000`)) {
		return data
	}
	out := make([]byte, 0, len(data))
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		if i+1 < len(data) && data[i+1] == 'u' && bytes.HasPrefix(data[i+1:], []byte("u0000")) {
			out = append(out, `\ufffd`...)
			i += 5
			continue
		}
		// Another escape: copy it whole, so that its second character is
		// never read as the start of one.
		out = append(out, c)
		if i+1 < len(data) {
			out = append(out, data[i+1])
			i++
		}
	}
	return out
}

// decode decodes a stored JSON document.
func decode(data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	return nil
}

// wrapf prefixes an error with "postgres: " and the place. core.Errors
// (ENOTFOUND, ECONFLICT…) pass through unchanged.
func wrapf(errp *error, format string, args ...any) {
	var e *core.Error
	if *errp == nil || errors.As(*errp, &e) {
		return
	}
	*errp = fmt.Errorf("postgres: %s: %w", fmt.Sprintf(format, args...), *errp)
}

// isUniqueViolation reports whether err is PostgreSQL's unique_violation
// (23505), optionally of the named constraint.
func isUniqueViolation(err error, constraint string) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505" && (constraint == "" || pe.ConstraintName == constraint)
}

// limitReached reports whether a result of n items is full under limit, where
// a limit <= 0 means no limit.
func limitReached(n, limit int) bool { return limit > 0 && n >= limit }

// sqlLimit turns a limit where <= 0 means none into SQL's LIMIT argument
// (NULL is no limit).
func sqlLimit(limit int) any {
	if limit <= 0 {
		return nil
	}
	return limit
}

// nullTime is a time for a nullable timestamptz column: the zero time is NULL.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}
