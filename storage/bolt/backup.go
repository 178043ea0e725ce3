package bolt

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"go.etcd.io/bbolt"
)

// Backup writes a consistent copy of the whole database to w and returns the
// number of bytes written. It runs in a read transaction, so writers carry on
// while it copies; the copy is the database as of the moment it started.
func (db *DB) Backup(w io.Writer) (int64, error) {
	n, err := db.writeTo(w)
	if err != nil {
		return n, fmt.Errorf("bolt: backup: %w", err)
	}
	return n, nil
}

// writeTo copies the database to w in a read transaction.
func (db *DB) writeTo(w io.Writer) (n int64, err error) {
	err = db.db.View(func(tx *bbolt.Tx) error {
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// BackupFile writes a consistent copy of the database to path. The copy is
// written to a temporary file in the same folder, synced and then renamed
// over path, so path is either the old file or a complete new one.
func (db *DB) BackupFile(path string) (err error) {
	defer wrapf(&err, "backup to %s", path)
	if db.isOwnFile(path) {
		return errors.New("that is the live database itself; choose another file")
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	if _, err := db.writeTo(f); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
}

// isOwnFile reports whether path names the database's own file, directly
// or through a link.
func (db *DB) isOwnFile(path string) bool {
	a, errA := os.Stat(path)
	b, errB := os.Stat(db.path)
	if errA == nil && errB == nil {
		return os.SameFile(a, b)
	}
	pa, errA := filepath.Abs(path)
	pb, errB := filepath.Abs(db.path)
	return errA == nil && errB == nil && pa == pb
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	if err := d.Sync(); err != nil {
		_ = d.Close()
		return err
	}
	return d.Close()
}
