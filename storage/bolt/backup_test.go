package bolt_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

// checkDealsWithAudit checks that every deal in db has its one audit record
// and returns the number of deals.
func checkDealsWithAudit(t *testing.T, db *bolt.DB) int {
	t.Helper()
	var n int
	MustView(t, db, func(tx core.Tx) error {
		ds, err := tx.FindDeals(core.DealFilter{})
		if err != nil {
			return err
		}
		for _, d := range ds {
			if cs, err := tx.Changes(core.EntityDeal, d.ID); err != nil || len(cs) != 1 {
				t.Fatalf("deal %d has %d changes (%v), want 1", d.ID, len(cs), err)
			}
		}
		n = len(ds)
		return nil
	})
	return n
}

// startWriter creates deals with their audit records in a loop until the
// returned function stops it and reports how many it created.
func startWriter(db *bolt.DB) (stop func() (int64, error)) {
	var written atomic.Int64
	var err error
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			if err = db.Update(context.Background(), createDealWithAudit); err != nil {
				return
			}
			written.Add(1)
		}
	})
	return func() (int64, error) {
		close(done)
		wg.Wait()
		return written.Load(), err
	}
}

func TestBackupFile_WhileWriting(t *testing.T) {
	db := MustOpenDB(t)
	for range 100 {
		MustUpdate(t, db, createDealWithAudit)
	}

	stopWriter := startWriter(db)

	path := filepath.Join(t.TempDir(), "backups", "dealdesk.db")
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("an older backup"), 0o600); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := db.BackupFile(path); err != nil {
			t.Fatal(err)
		}
	}
	written, err := stopWriter()
	if err != nil {
		t.Fatal(err)
	}
	if written == 0 {
		t.Fatal("the writer made no progress")
	}

	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Fatalf("backup folder holds %d files, want 1 (no temporary files left)", len(entries))
	}
	backup := MustOpenDBAt(t, path)
	if n := checkDealsWithAudit(t, backup); n < 100 {
		t.Fatalf("backup holds %d deals, want at least 100", n)
	}
	if n, total := checkDealsWithAudit(t, db), 100+int(written); n != total {
		t.Fatalf("database holds %d deals, want %d", n, total)
	}
}

func TestBackup_Writer(t *testing.T) {
	db := MustOpenDB(t)
	MustUpdate(t, db, createDealWithAudit)
	var buf bytes.Buffer
	n, err := db.Backup(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(buf.Len()) || n == 0 {
		t.Fatalf("Backup wrote %d bytes, reported %d", buf.Len(), n)
	}
	path := filepath.Join(t.TempDir(), "copy.db")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := checkDealsWithAudit(t, MustOpenDBAt(t, path)); got != 1 {
		t.Fatalf("copy holds %d deals, want 1", got)
	}
}

func TestBackupFile_BadPath(t *testing.T) {
	db := MustOpenDB(t)
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	// A path under a regular file cannot be created.
	if err := db.BackupFile(filepath.Join(file, "dealdesk.db")); err == nil {
		t.Fatal("BackupFile under a file succeeded")
	}
}
