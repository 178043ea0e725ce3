package pdf

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/rs/zerolog"
)

// A pool's directory holds ownerLock, locked (flock) by the pool's process
// for the pool's life. The kernel lets go of the lock when the process
// ends, however it ends, so that a directory whose lock can be taken was
// left by a DealDesk that was killed or crashed: the next pool made in the
// same parent removes it (its LibreOffice processes died with DealDesk,
// through their lifeline).
const (
	dirPrefix = "dealdesk-pdf-"
	ownerLock = "owner.lock"
	// unlockedAge is how old a pool directory without an ownerLock (one
	// made an instant ago, before its lock) must be to be taken as left
	// behind.
	unlockedAge = time.Hour
)

// lockOwner creates and locks the pool directory's ownerLock; the file is
// kept open until Close. It is locked before it gets its name, so that a
// sweep never finds it unlocked.
func lockOwner(dir string) (*os.File, error) {
	f, err := os.CreateTemp(dir, "owner-*.tmp")
	if err != nil {
		return nil, err
	}
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if err == nil {
		err = os.Rename(f.Name(), filepath.Join(dir, ownerLock))
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// sweepStale removes the pool directories in parent that no running
// process owns, but own.
func sweepStale(parent, own string, log zerolog.Logger) {
	if parent == "" {
		parent = os.TempDir()
	}
	dirs, _ := filepath.Glob(filepath.Join(parent, dirPrefix+"*"))
	for _, dir := range dirs {
		if dir == own || !strings.HasPrefix(filepath.Base(dir), dirPrefix) {
			continue
		}
		if fi, err := os.Lstat(dir); err != nil || !fi.IsDir() {
			continue
		}
		if !abandoned(dir) {
			continue
		}
		if err := os.RemoveAll(dir); err != nil {
			log.Warn().Err(err).Str("dir", dir).Msg("pdf: cannot remove a directory an earlier DealDesk left")
			continue
		}
		log.Info().Str("dir", dir).Msg("pdf: removed the directory of a DealDesk that did not stop cleanly")
	}
}

// abandoned reports whether no process owns a pool directory.
func abandoned(dir string) bool {
	f, err := os.OpenFile(filepath.Join(dir, ownerLock), os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		fi, err := os.Stat(dir)
		return err == nil && time.Since(fi.ModTime()) > unlockedAge
	}
	if err != nil {
		return false
	}
	defer f.Close()
	// Taken: its owner is gone (no other process locks it, and the
	// directory's random name is never made again while it exists).
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil
}
