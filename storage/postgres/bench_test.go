package postgres_test

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.etcd.io/bbolt"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
	"github.com/dealdesk/dealdesk/storage/postgres"
	"github.com/dealdesk/dealdesk/storage/postgres/pgtest"
)

// The write benchmarks: creating a deal with its audit on each store, beside
// the physical ceiling of that store measured in the same run — a bare
// durable transaction that writes one record of the deal's size. The figure
// to compare between machines and stores is the ratio product / ceiling.
//
// Every benchmark has a sub-benchmark per store: "postgres" (skipped without
// DEALDESK_TEST_POSTGRES; the cluster must commit durably: synchronous_commit
// on, fsync on, as .ci/postgres-start runs it) and "bbolt" (a file in a temp
// dir, fsync on). Run, for example:
//
//	go test ./storage/postgres -run '^$' -bench 'CreateDeal|BareInsert' -benchtime 3s -count 3
//
// The ...Parallel32 benchmarks run benchWriters goroutines at once. The
// PostgreSQL pool is opened with one connection per writer (and two to
// spare), so the 32 writers are 32 sessions; DealDesk's default pool is
// pgxpool's (4 connections on 2 CPUs), where writers would queue for a
// connection instead of for the writer lock: the same one-at-a-time order.

// benchWriters is the number of concurrent writers of the Parallel32
// benchmarks.
const benchWriters = 32

// benchEnv is one store set up for the write benchmarks: a service with an
// administrator, the officers' work chat and a client, and a bare table.
type benchEnv struct {
	store core.Store
	svc   *core.Service
	// batched is a service on the same store whose Update is the store's
	// Batch: what the use cases would measure if they wrote through Batch.
	batched *core.Service
	// serial is a service on the same store whose writers queue in the
	// process before beginning (serialStore).
	serial *core.Service
	actor  core.Actor
	client int64
	// bare runs one bare durable transaction writing doc as a new record.
	bare func(ctx context.Context, doc []byte) error
	// doc is a JSON document as large as a created deal's.
	doc []byte
}

// batchedStore is a store whose Update combines concurrent calls (Batch).
type batchedStore struct{ core.Store }

func (s batchedStore) Update(ctx context.Context, fn func(core.Tx) error) error {
	return s.Batch(ctx, fn)
}

// serialStore is a store whose writers queue on a mutex of the process
// before they begin a transaction, so that at most one of the process's
// writers at a time holds a connection and waits for the writer lock.
type serialStore struct {
	core.Store
	mu *sync.Mutex
}

func (s serialStore) Update(ctx context.Context, fn func(core.Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.Store.Update(ctx, fn)
}

// forStores runs bench once per store as a sub-benchmark. The store is set
// up once per run of the parent benchmark, on the first round of its
// sub-benchmark, and removed when the parent ends.
func forStores(b *testing.B, bench func(b *testing.B, e *benchEnv)) {
	for _, name := range []string{"postgres", "bbolt"} {
		var env *benchEnv
		b.Run(name, func(sb *testing.B) {
			if name == "postgres" {
				pgtest.Require(sb)
			}
			if env == nil {
				env = newBenchEnv(b, sb, name)
			}
			bench(sb, env)
		})
	}
}

// newBenchEnv opens a store of the named kind. Its clean-up belongs to
// parent (so that every round of a sub-benchmark uses the same store);
// failures are reported on sb.
func newBenchEnv(parent, sb *testing.B, name string) *benchEnv {
	ctx := context.Background()
	e := &benchEnv{}
	switch name {
	case "postgres":
		url := pgtest.NewDB(parent)
		db, err := postgres.Open(ctx, url, postgres.WithMaxConns(benchWriters+2))
		if err != nil {
			sb.Fatal(err)
		}
		parent.Cleanup(func() { _ = db.Close() })
		checkDurable(sb, db.Pool())
		warmPool(sb, db.Pool(), benchWriters)
		if _, err := db.Pool().Exec(ctx, `CREATE TABLE bench_bare (id bigserial PRIMARY KEY, doc jsonb NOT NULL)`); err != nil {
			sb.Fatal(err)
		}
		e.store, e.bare = db, func(ctx context.Context, doc []byte) error { return bareInsert(ctx, db.Pool(), doc) }
	case "bbolt":
		dir := parent.TempDir()
		db, err := bolt.Open(filepath.Join(dir, "dealdesk.db"))
		if err != nil {
			sb.Fatal(err)
		}
		parent.Cleanup(func() { _ = db.Close() })
		raw, err := bbolt.Open(filepath.Join(dir, "bare.db"), 0o600, nil)
		if err != nil {
			sb.Fatal(err)
		}
		parent.Cleanup(func() { _ = raw.Close() })
		e.store, e.bare = db, func(_ context.Context, doc []byte) error { return barePut(raw, doc) }
	}
	e.svc = core.NewService(e.store, core.WithPlatforms("telegram"))
	e.batched = core.NewService(batchedStore{e.store}, core.WithPlatforms("telegram"))
	e.serial = core.NewService(serialStore{e.store, new(sync.Mutex)}, core.WithPlatforms("telegram"))
	if err := e.svc.SeedAdmins(ctx, []core.Admin{{Identity: "telegram:1", Name: "Админ"}}); err != nil {
		sb.Fatal(err)
	}
	admin, err := e.svc.Authenticate(ctx, "telegram:1")
	if err != nil {
		sb.Fatal(err)
	}
	e.actor = core.Actor{User: admin, Source: "bench"}
	if err := e.svc.BindChat(ctx, e.actor, &core.WorkChat{Platform: "telegram", ChatID: "-1", Purpose: core.PurposeOfficers}); err != nil {
		sb.Fatal(err)
	}
	c, err := e.svc.CreateClient(ctx, e.actor, &core.Client{INN: "7707083893", KPP: "773601001", ShortName: "ПАО Сбербанк"})
	if err != nil {
		sb.Fatal(err)
	}
	e.client = c.ID
	d, err := e.createDeal(ctx, e.svc)
	if err != nil {
		sb.Fatal(err)
	}
	data, err := json.Marshal(d)
	if err != nil {
		sb.Fatal(err)
	}
	e.doc = docLike(len(data))
	return e
}

// checkDurable fails the benchmark unless the cluster commits durably.
func checkDurable(b *testing.B, pool *pgxpool.Pool) {
	for _, s := range []string{"synchronous_commit", "fsync"} {
		var v string
		if err := pool.QueryRow(context.Background(), "SHOW "+s).Scan(&v); err != nil {
			b.Fatal(err)
		}
		if v != "on" {
			b.Fatalf("%s is %q: the write benchmarks need durable commits (on)", s, v)
		}
	}
}

// warmPool opens n of pool's connections before the clock starts, so that
// no writer's first transaction pays for connecting.
func warmPool(b *testing.B, pool *pgxpool.Pool, n int) {
	conns := make([]*pgxpool.Conn, 0, n)
	for range n {
		c, err := pool.Acquire(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		conns = append(conns, c)
	}
	for _, c := range conns {
		c.Release()
	}
}

// bareInsert is PostgreSQL's ceiling: BEGIN; INSERT one row; COMMIT.
func bareInsert(ctx context.Context, pool *pgxpool.Pool, doc []byte) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := tx.Exec(ctx, `INSERT INTO bench_bare (doc) VALUES ($1)`, doc); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// barePut is bbolt's ceiling: one durable transaction putting one value
// under the bucket's next sequence.
func barePut(db *bbolt.DB, doc []byte) error {
	return db.Update(func(tx *bbolt.Tx) error {
		bk, err := tx.CreateBucketIfNotExists([]byte("bare"))
		if err != nil {
			return err
		}
		n, _ := bk.NextSequence()
		return bk.Put(binary.BigEndian.AppendUint64(nil, n), doc)
	})
}

// docLike returns a JSON document of n bytes (or of its minimum, 63 bytes,
// when n is smaller), for the bare benchmarks to write as much as a deal.
func docLike(n int) []byte {
	doc := `{"title":"Поставка оборудования","amount":12500000,"pad":""}`
	pad := max(0, n-len(doc))
	return []byte(strings.Replace(doc, `"pad":""`, `"pad":"`+strings.Repeat("x", pad)+`"`, 1))
}

// createDeal is the product's write: the whole CreateDeal use case (checks,
// the number, the deal, its audit records, the officers' notification in
// the outbox) in one transaction.
func (e *benchEnv) createDeal(ctx context.Context, svc *core.Service) (*core.Deal, error) {
	return svc.CreateDeal(ctx, e.actor, &core.Deal{ClientID: e.client, Title: "Расчётно-кассовое обслуживание",
		Amount: 150000000})
}

// createDealTx is the store-level write, as bbolt's BenchmarkCreateDealWithAudit
// measures it: a numbered deal and its audit record in one transaction. It
// numbers from the use case's counter, so the two can share a store.
func createDealTx(tx core.Tx) error {
	year := tx.Now().In(core.Location("")).Year()
	n, err := tx.NextSequence("deal-" + strconv.Itoa(year))
	if err != nil {
		return err
	}
	d := &core.Deal{Number: core.DealNumber(year, n), ClientID: 1, ManagerID: 1,
		Title: "Поставка оборудования", Amount: 125_000_00, Stage: core.StageNew, CreatedBy: 1}
	if err := tx.CreateDeal(d); err != nil {
		return err
	}
	return tx.AddChanges(&core.Change{ActorID: 1, Entity: core.EntityDeal, EntityID: d.ID, Field: "stage",
		New: string(d.Stage), Source: "telegram:chat/-100123/msg/42"})
}

// single runs op b.N times, one after another.
func single(b *testing.B, op func() error) {
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := op(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	reportOps(b)
}

// parallel runs op b.N times from benchWriters goroutines at once.
func parallel(b *testing.B, op func() error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed sync.Once
	b.ReportAllocs()
	b.ResetTimer()
	for range benchWriters {
		wg.Go(func() {
			for next.Add(1) <= int64(b.N) {
				if err := op(); err != nil {
					failed.Do(func() { b.Error(err) })
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	reportOps(b)
}

// reportOps adds the throughput to the benchmark's output.
func reportOps(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

// BenchmarkCreateDeal: the CreateDeal use case, one writer.
func BenchmarkCreateDeal(b *testing.B) {
	forStores(b, func(b *testing.B, e *benchEnv) {
		ctx := context.Background()
		single(b, func() error { _, err := e.createDeal(ctx, e.svc); return err })
	})
}

// BenchmarkCreateDealParallel32: the CreateDeal use case, 32 writers at
// once; "update" as the product writes (Update: one transaction a call),
// "batch" through a store whose Update is Batch (calls combined under
// savepoints into one commit), "mutex" through a store whose writers queue
// on a mutex of the process before they begin (serialStore).
func BenchmarkCreateDealParallel32(b *testing.B) {
	forStores(b, func(b *testing.B, e *benchEnv) {
		ctx := context.Background()
		for _, v := range []struct {
			name string
			svc  *core.Service
		}{{"update", e.svc}, {"batch", e.batched}, {"mutex", e.serial}} {
			b.Run(v.name, func(b *testing.B) {
				parallel(b, func() error { _, err := e.createDeal(ctx, v.svc); return err })
			})
		}
	})
}

// BenchmarkCreateDealTx: the store-level write (a numbered deal and its
// audit record), one writer, through Update.
func BenchmarkCreateDealTx(b *testing.B) {
	forStores(b, func(b *testing.B, e *benchEnv) {
		ctx := context.Background()
		single(b, func() error { return e.store.Update(ctx, createDealTx) })
	})
}

// BenchmarkCreateDealTxParallel32: the store-level write from 32 writers,
// through Update, through Batch and through Update behind a mutex of the
// process (serialStore).
func BenchmarkCreateDealTxParallel32(b *testing.B) {
	forStores(b, func(b *testing.B, e *benchEnv) {
		ctx := context.Background()
		serial := serialStore{e.store, new(sync.Mutex)}
		b.Run("update", func(b *testing.B) {
			parallel(b, func() error { return e.store.Update(ctx, createDealTx) })
		})
		b.Run("batch", func(b *testing.B) {
			parallel(b, func() error { return e.store.Batch(ctx, createDealTx) })
		})
		b.Run("mutex", func(b *testing.B) {
			parallel(b, func() error { return serial.Update(ctx, createDealTx) })
		})
	})
}

// BenchmarkBareInsert: the ceiling, one writer — a durable transaction
// writing one record of a deal's size and nothing else (PostgreSQL: BEGIN;
// INSERT one jsonb row; COMMIT. bbolt: one Put in one Update).
func BenchmarkBareInsert(b *testing.B) {
	forStores(b, func(b *testing.B, e *benchEnv) {
		ctx := context.Background()
		b.SetBytes(int64(len(e.doc)))
		single(b, func() error { return e.bare(ctx, e.doc) })
	})
}

// BenchmarkBareInsertParallel32: the ceiling for 32 writers at once, each
// its own transaction (PostgreSQL flushes the WAL of commits that arrive
// together once; bbolt runs them one after another).
func BenchmarkBareInsertParallel32(b *testing.B) {
	forStores(b, func(b *testing.B, e *benchEnv) {
		ctx := context.Background()
		b.SetBytes(int64(len(e.doc)))
		parallel(b, func() error { return e.bare(ctx, e.doc) })
	})
}

// TestBenchDocIsTheDealsSize checks the bare benchmarks' document: valid
// JSON as long as a created deal's encoding.
func TestBenchDocIsTheDealsSize(t *testing.T) {
	d := &core.Deal{ID: 1, Number: core.DealNumber(2026, 1), ClientID: 1, ManagerID: 1, Title: "Расчётно-кассовое обслуживание",
		Amount: 150000000, Stage: core.StageNew, CreatedBy: 1}
	data, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	doc := docLike(len(data))
	if len(doc) != len(data) || !json.Valid(doc) {
		t.Fatalf("doc is %d bytes (deal %d), valid JSON %v: %s", len(doc), len(data), json.Valid(doc), doc)
	}
}
