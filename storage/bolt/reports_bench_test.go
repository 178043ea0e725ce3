package bolt_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"go.etcd.io/bbolt"

	"github.com/dealdesk/dealdesk/storage/bolt"
	"github.com/dealdesk/dealdesk/storage/internal/benchseed"
)

// BenchmarkReports measures the reports' reads over 100,000 deals and
// 100,000 changes: a walk over every deal (the export's and the built-in
// reports' read), the history of one day and of everything, and the
// upgrade to schema 12 that indexes the changes by time.
func BenchmarkReports(b *testing.B) {
	path := filepath.Join(b.TempDir(), "dealdesk.db")
	db := MustOpenDBAt(b, path)
	ctx := context.Background()
	if err := benchseed.FillReports(ctx, db, 25_000); err != nil {
		b.Fatal(err)
	}

	// A walk over every deal and its live heap.
	benchseed.EachDeal(b, db)

	// One day of the history (1,000 changes) through the time index, and
	// the whole of it.
	benchseed.EachChange(b, db)

	// The upgrade of a schema-11 file with 100,000 changes: the time
	// index is built in one transaction.
	b.Run("Migrate12_100k_changes", func(b *testing.B) {
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			b.StopTimer()
			raw, err := bbolt.Open(path, 0o600, nil)
			if err == nil {
				err = raw.Update(func(tx *bbolt.Tx) error {
					for _, name := range reportBuckets {
						if err := tx.DeleteBucket([]byte(name)); err != nil {
							return err
						}
					}
					return tx.Bucket([]byte("meta")).Put([]byte("schema_version"), []byte{0, 0, 0, 0, 0, 0, 0, 11})
				})
				err = errors.Join(err, raw.Close())
			}
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			db, err := bolt.Open(path, bolt.WithNoSync(true))
			if err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			if err := db.Close(); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
	})
}
