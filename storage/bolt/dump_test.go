package bolt_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.etcd.io/bbolt"

	"github.com/dealdesk/dealdesk/storage/bolt"
)

// TestDump_EveryBucketCopiedOrSkipped fails when a migration adds a bucket
// that the dump neither copies nor skips on purpose: a copy would lose it.
func TestDump_EveryBucketCopiedOrSkipped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dd.db")
	MustOpenDBAt(t, path).Close()
	copied, skipped := bolt.DumpBuckets(), bolt.SkippedBuckets()
	for _, b := range copied {
		if slices.Contains(skipped, b) {
			t.Errorf("bucket %s is both copied and skipped", b)
		}
	}
	raw, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	n := 0
	_ = raw.View(func(tx *bbolt.Tx) error {
		return tx.ForEach(func(name []byte, _ *bbolt.Bucket) error {
			n++
			if !slices.Contains(copied, string(name)) && !slices.Contains(skipped, string(name)) {
				t.Errorf("bucket %s is neither copied by Dump nor in SkippedBuckets", name)
			}
			return nil
		})
	})
	if n != len(copied)+len(skipped) {
		t.Errorf("the database has %d buckets; Dump copies %d and skips %d", n, len(copied), len(skipped))
	}
}

func TestDump_RecordsAndSequences(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dd.db")
	seedAll(t, path)
	db := MustOpenDBAt(t, path)
	defer db.Close()
	counts := map[string]int{}
	var order []string
	err := db.Dump(context.Background(), func(bucket string, key, value []byte) error {
		if len(order) == 0 || order[len(order)-1] != bucket {
			order = append(order, bucket)
		}
		counts[bucket]++
		if slices.Contains(bolt.SkippedBuckets(), bucket) {
			t.Errorf("Dump visits %s", bucket)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for bucket, want := range map[string]int{"users": 1, "clients": 3, "deals": 3, "tasks": 3, "changes": 3,
		"outbox": 2, "reminders": 2, "sequences": 1, "settings": 1, "calendar_years": 1, "invite_failures": 1} {
		if counts[bucket] != want {
			t.Errorf("bucket %s: %d entries visited, want %d", bucket, counts[bucket], want)
		}
	}
	for i := 1; i < len(order); i++ {
		if slices.Index(bolt.DumpBuckets(), order[i]) < slices.Index(bolt.DumpBuckets(), order[i-1]) {
			t.Errorf("Dump visits %s after %s, against DumpBuckets' order", order[i], order[i-1])
		}
	}
	seqs, err := db.Sequences(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for bucket, want := range map[string]uint64{"users": 1, "clients": 3, "deals": 3, "reminders": 2} {
		if seqs[bucket] != want {
			t.Errorf("sequence of %s = %d, want %d", bucket, seqs[bucket], want)
		}
	}
	if _, ok := seqs["docs"]; ok {
		t.Errorf("Sequences lists docs, whose counter never moved: %v", seqs)
	}
}

// TestDump_RefusesUnknownBucket: a bucket the dump does not know stops it
// rather than being left behind silently.
func TestDump_RefusesUnknownBucket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dd.db")
	MustOpenDBAt(t, path).Close()
	raw, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := raw.Update(func(tx *bbolt.Tx) error { _, err := tx.CreateBucket([]byte("future")); return err }); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	db := MustOpenDBAt(t, path)
	defer db.Close()
	err = db.Dump(context.Background(), func(string, []byte, []byte) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "future") {
		t.Fatalf("Dump with an unknown bucket: %v, want an error naming it", err)
	}
	if _, err := db.Sequences(context.Background()); err == nil {
		t.Fatal("Sequences with an unknown bucket: no error")
	}
}
