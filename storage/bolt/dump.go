package bolt

import (
	"context"
	"fmt"
	"slices"

	"go.etcd.io/bbolt"
)

// A dump is what a copy of the database into another store carries
// (`dealdesk migrate`): the records of every aggregate as they are stored
// (key and JSON), the other data kept in buckets (named counters, transport
// and EDO cursors, settings, calendar years, files and their reference
// counts, invite failures, job runs, cached registry answers), and each
// bucket's ID counter. The secondary indexes and the schema version are left
// out: the target builds its own indexes from the records and has its own
// schema.

// dumpExtra are the buckets copied beside the record buckets (aggregates):
// plain values that the check reads no further.
var dumpExtra = [][]byte{bktSequences, bktCursors, bktEDOCursors}

// DumpBuckets lists the buckets Dump visits, in the order it visits them:
// the record buckets (in the order of the check's list of aggregates) and
// then the named counters ("sequences") and the transport and EDO cursors.
func DumpBuckets() []string {
	names := make([]string, 0, len(aggregates)+len(dumpExtra))
	for _, a := range aggregates {
		names = append(names, string(a.bucket))
	}
	for _, b := range dumpExtra {
		names = append(names, string(b))
	}
	return names
}

// SkippedBuckets lists the buckets a dump leaves out on purpose: the schema
// version ("meta") and every secondary index.
func SkippedBuckets() []string {
	names := []string{string(bktMeta)}
	for _, ix := range indexes {
		names = append(names, string(ix.bucket))
	}
	return names
}

// Dump calls fn with every entry of every bucket DumpBuckets lists, bucket
// by bucket in that order and in key order within a bucket, in one read
// transaction. key and value are valid only during the call (copy them to
// keep them). A record bucket's values are the records' JSON; the named
// counters' are 8-byte big-endian numbers; the cursors' are the cursors as
// text. Dump refuses a database whose schema is not this DealDesk's (Open
// brings it up to date) and stops at fn's first error, returning it.
func (db *DB) Dump(ctx context.Context, fn func(bucket string, key, value []byte) error) error {
	return db.dumpView(ctx, func(tx *bbolt.Tx) error {
		for _, name := range DumpBuckets() {
			b := tx.Bucket([]byte(name))
			if b == nil {
				return fmt.Errorf("bolt: dump: bucket %s is missing", name)
			}
			c := b.Cursor()
			n := 0
			for k, v := c.First(); k != nil; k, v = c.Next() {
				if n++; n%1024 == 0 {
					if err := ctx.Err(); err != nil {
						return err
					}
				}
				if v == nil {
					return fmt.Errorf("bolt: dump: bucket %s: %s is a nested bucket", name, showKey(k))
				}
				if err := fn(name, k, v); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// Sequences returns the ID counter (bbolt's bucket sequence: the last ID
// given) of every bucket DumpBuckets lists whose counter has moved, by
// bucket name. The named counters of NextSequence are not here: they are
// the entries of the "sequences" bucket, which Dump visits.
func (db *DB) Sequences(ctx context.Context) (map[string]uint64, error) {
	seqs := map[string]uint64{}
	err := db.dumpView(ctx, func(tx *bbolt.Tx) error {
		for _, name := range DumpBuckets() {
			b := tx.Bucket([]byte(name))
			if b == nil {
				return fmt.Errorf("bolt: dump: bucket %s is missing", name)
			}
			if s := b.Sequence(); s > 0 {
				seqs[name] = s
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return seqs, nil
}

// dumpView runs fn in a read transaction of a database whose schema is
// current, and refuses one holding a bucket the dump does not know (a
// bucket neither copied nor skipped would be lost by a copy).
func (db *DB) dumpView(ctx context.Context, fn func(tx *bbolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.db.View(func(tx *bbolt.Tx) error {
		meta := tx.Bucket(bktMeta)
		if meta == nil {
			return fmt.Errorf("bolt: dump: bucket %s is missing: this is not a DealDesk database", bktMeta)
		}
		if v := meta.Get(keySchemaVersion); len(v) != 8 || int(btoi(v)) != len(migrations) {
			return fmt.Errorf("bolt: dump: the schema version is %x, not %d: open the database with this DealDesk first",
				v, len(migrations))
		}
		if unknown := unknownDumpBuckets(tx); len(unknown) > 0 {
			return fmt.Errorf("bolt: dump: buckets neither copied nor skipped: %v", unknown)
		}
		return fn(tx)
	})
}

// unknownDumpBuckets lists the top-level buckets that are neither in
// DumpBuckets nor in SkippedBuckets.
func unknownDumpBuckets(tx *bbolt.Tx) []string {
	known := append(DumpBuckets(), SkippedBuckets()...)
	var unknown []string
	_ = tx.ForEach(func(name []byte, _ *bbolt.Bucket) error {
		if !slices.Contains(known, string(name)) {
			unknown = append(unknown, string(name))
		}
		return nil
	})
	return unknown
}
