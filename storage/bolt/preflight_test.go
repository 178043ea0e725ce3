package bolt_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
	"go.etcd.io/bbolt"
)

// mustBigDB writes a closed database of several MiB (clients with their
// indexes) at path and returns its size.
func mustBigDB(t *testing.T, path string) int64 {
	t.Helper()
	db, err := bolt.Open(path, bolt.WithNoSync(true))
	if err != nil {
		t.Fatal(err)
	}
	MustUpdate(t, db, func(tx core.Tx) error {
		for i := range 8000 {
			if err := tx.CreateClient(fixtureClient(i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() < 2<<20 {
		t.Fatalf("the database is only %d bytes; the test needs more than 2 MiB", fi.Size())
	}
	return fi.Size()
}

// TestOpen_Truncated: a file cut short (a full disk, a copy that did not
// finish) is refused with ErrDamaged instead of crashing the process with
// SIGBUS when bbolt reads a page past its end.
func TestOpen_Truncated(t *testing.T) {
	src := filepath.Join(t.TempDir(), "full.db")
	size := mustBigDB(t, src)
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, cut := range []int64{8 << 10, 1 << 20} {
		path := filepath.Join(t.TempDir(), "dealdesk.db")
		if err := os.WriteFile(path, data[:cut], 0o600); err != nil {
			t.Fatal(err)
		}
		db, err := bolt.Open(path, bolt.WithNoSync(true))
		if err == nil {
			_ = db.Close()
			t.Fatalf("cut to %d of %d bytes: Open succeeded", cut, size)
		}
		if !errors.Is(err, bolt.ErrDamaged) {
			t.Fatalf("cut to %d bytes: err = %v, want ErrDamaged", cut, err)
		}
		for _, want := range []string{path, "the file is damaged", "restore it from a backup", "When the database is damaged"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("cut to %d bytes: %q lacks %q", cut, err, want)
			}
		}
		if fi, err := os.Stat(path); err != nil || fi.Size() != cut {
			t.Errorf("cut to %d bytes: the damaged file was changed: %v %v", cut, fi.Size(), err)
		}
	}
}

// TestOpen_EmptyFile: an existing file of 0 bytes is not a new database;
// only a missing file is.
func TestOpen_EmptyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := bolt.Open(path, bolt.WithNoSync(true))
	if err == nil {
		_ = db.Close()
		t.Fatal("Open made a new database in an existing empty file")
	}
	if !errors.Is(err, bolt.ErrDamaged) || !strings.Contains(err.Error(), "0 bytes") {
		t.Fatalf("err = %v", err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() != 0 {
		t.Fatalf("the empty file was written to: %v", err)
	}
}

// TestOpen_MissingFileCreates: a missing file still starts a new database,
// and it opens again.
func TestOpen_MissingFileCreates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new", "dealdesk.db")
	for range 2 {
		db, err := bolt.Open(path, bolt.WithNoSync(true))
		if err != nil {
			t.Fatal(err)
		}
		if v, err := db.SchemaVersion(); err != nil || v != len(bolt.Migrations()) {
			t.Fatalf("schema version %d, %v", v, err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestOpen_NotABoltFile: a file of another kind is refused, not overwritten.
func TestOpen_NotABoltFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	text := []byte(strings.Repeat("this is not a database\n", 1000))
	if err := os.WriteFile(path, text, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := bolt.Open(path, bolt.WithNoSync(true))
	if !errors.Is(err, bolt.ErrDamaged) || !strings.Contains(err.Error(), "meta page") {
		t.Fatalf("err = %v", err)
	}
}

// TestOpen_OneMetaPageBroken: bbolt keeps two meta pages so that a torn
// write of one leaves the other; such a file opens.
func TestOpen_OneMetaPageBroken(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	db := MustOpenDBAt(t, path)
	MustUpdate(t, db, func(tx core.Tx) error { return tx.CreateClient(fixtureClient(1)) })
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	// The checksum of meta page 0 (page header 16 bytes + 56 bytes of fields).
	if _, err := f.WriteAt([]byte{1, 2, 3, 4, 5, 6, 7, 8}, 16+56); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = bolt.Open(path, bolt.WithNoSync(true))
	if err != nil {
		t.Fatal(err)
	}
	_ = db.Close()
}

// TestOpen_BrokenFreelist: a damaged page that bbolt reads while opening
// (here the freelist) is ErrDamaged, not a panic.
func TestOpen_BrokenFreelist(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	db := MustOpenDBAt(t, path)
	MustUpdate(t, db, func(tx core.Tx) error { return tx.CreateClient(fixtureClient(1)) })
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true, PreLoadFreelist: true})
	if err != nil {
		t.Fatal(err)
	}
	var freelist int64 = -1
	pageSize := raw.Info().PageSize
	_ = raw.View(func(tx *bbolt.Tx) error {
		for id := 2; ; id++ {
			p, err := tx.Page(id)
			if err != nil || p == nil {
				return err
			}
			if p.Type == "freelist" {
				freelist = int64(id)
				return nil
			}
		}
	})
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	if freelist < 0 {
		t.Fatal("no freelist page")
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	// The page header's flags (after the 8-byte page id): a leaf, not a freelist.
	if _, err := f.WriteAt([]byte{0x02, 0}, freelist*int64(pageSize)+8); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = bolt.Open(path, bolt.WithNoSync(true))
	if !errors.Is(err, bolt.ErrDamaged) || !strings.Contains(err.Error(), "freelist") {
		t.Fatalf("err = %v", err)
	}
}
