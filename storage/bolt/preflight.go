package bolt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"math"
	"math/bits"
	"os"

	"go.etcd.io/bbolt"
)

// ErrDamaged is wrapped by the errors of Open and CheckFile for a database
// file that cannot be used as it is: cut short, empty, or without a valid
// meta page. Such a file is left untouched; the way out is a backup.
var ErrDamaged = errors.New("the file is damaged")

// ErrInUse is wrapped by the errors of Open and CheckFile when another
// process holds the database file.
var ErrInUse = errors.New("the database is in use by another process")

// restoreHint ends every ErrDamaged message.
const restoreHint = `restore it from a backup (see README, "When the database is damaged")`

// damaged is the error for a damaged file at path.
func damaged(path, reason string) error {
	return fmt.Errorf("bolt: open %s: %w: %s; %s", path, ErrDamaged, reason, restoreHint)
}

// The bbolt file format (go.etcd.io/bbolt internal/common, format version 2):
// every page starts with a 16-byte header (id u64, flags u16, count u16,
// overflow u32); pages 0 and 1 are meta pages, whose body is the meta below,
// in the machine's byte order. A commit writes the meta page txid%2, so the
// valid meta with the highest txid is the current one.
const (
	pageHeaderSize = 16
	metaSize       = 64 + 8 // the fields, then their FNV-64a checksum

	boltMagic     = 0xED0CDAED
	boltVersion   = 2
	noFreelist    = math.MaxUint64 // meta.freelist when the freelist is not stored
	minPageSize   = 512
	maxPageSize   = 1 << 24 // bbolt looks for the second meta page up to 16 MiB
	maxMetaOffset = pageHeaderSize + metaSize
)

// meta is the body of a bbolt meta page.
type meta struct {
	magic, version, pageSize, flags uint32
	root, sequence                  uint64 // the root bucket
	freelist, pgid, txid, checksum  uint64 // pgid: the high-water mark, pages in use
}

// parseMeta decodes the meta page that starts at b and says what is wrong
// with it, if anything.
func parseMeta(b []byte) (meta, error) {
	if len(b) < maxMetaOffset {
		return meta{}, errors.New("cut off")
	}
	le := binary.NativeEndian
	body := b[pageHeaderSize:maxMetaOffset]
	m := meta{
		magic: le.Uint32(body[0:]), version: le.Uint32(body[4:]),
		pageSize: le.Uint32(body[8:]), flags: le.Uint32(body[12:]),
		root: le.Uint64(body[16:]), sequence: le.Uint64(body[24:]),
		freelist: le.Uint64(body[32:]), pgid: le.Uint64(body[40:]),
		txid: le.Uint64(body[48:]), checksum: le.Uint64(body[56:]),
	}
	h := fnv.New64a()
	_, _ = h.Write(body[:56])
	switch {
	case m.magic != boltMagic:
		return m, errors.New("not a bbolt page")
	case m.version != boltVersion:
		return m, fmt.Errorf("format version %d, not %d", m.version, boltVersion)
	case m.checksum != h.Sum64():
		return m, errors.New("checksum mismatch")
	case m.pageSize < minPageSize || m.pageSize > maxPageSize || bits.OnesCount32(m.pageSize) != 1:
		return m, fmt.Errorf("page size %d", m.pageSize)
	case m.pgid < 2 || m.pgid > math.MaxInt64/uint64(m.pageSize):
		return m, fmt.Errorf("high-water mark %d", m.pgid)
	case m.root >= m.pgid || (m.freelist != noFreelist && m.freelist >= m.pgid):
		return m, fmt.Errorf("root page %d or freelist page %d beyond the high-water mark %d", m.root, m.freelist, m.pgid)
	}
	return m, nil
}

// readMeta reads the meta page at off of f; a page past the end is cut off.
func readMeta(f io.ReaderAt, off int64) (meta, error) {
	b := make([]byte, maxMetaOffset)
	if n, err := f.ReadAt(b, off); err != nil && !errors.Is(err, io.EOF) {
		return meta{}, err
	} else if n < len(b) {
		return meta{}, errors.New("cut off")
	}
	return parseMeta(b)
}

// currentMeta returns the meta bbolt will use for the file: the valid one
// of pages 0 and 1 with the highest txid. Page 1 is found at page 0's page
// size or, when page 0 is broken, at the page sizes bbolt itself tries.
func currentMeta(f io.ReaderAt, size int64) (meta, error) {
	m0, err0 := readMeta(f, 0)
	var offsets []int64
	if err0 == nil {
		offsets = []int64{int64(m0.pageSize)}
	} else {
		for ps := int64(minPageSize); ps <= maxPageSize && ps < size; ps *= 2 {
			offsets = append(offsets, ps)
		}
	}
	var m1 meta
	err1 := errors.New("cut off")
	for _, off := range offsets {
		m, err := readMeta(f, off)
		if err == nil && int64(m.pageSize) != off {
			err = fmt.Errorf("page size %d found at offset %d", m.pageSize, off)
		}
		if err == nil {
			m1, err1 = m, nil
			break
		}
		if len(offsets) == 1 {
			err1 = err
		} else {
			err1 = errors.New("not found at any usual page size")
		}
	}
	switch {
	case err0 != nil && err1 != nil:
		return meta{}, fmt.Errorf("it has no valid meta page (page 0: %v; page 1: %v)", err0, err1)
	case err0 != nil:
		return m1, nil
	case err1 != nil || m0.txid >= m1.txid:
		return m0, nil
	}
	return m1, nil
}

// preflight checks an existing database file before bbolt maps it into
// memory: a page bbolt reads past the end of a file that was cut short is a
// SIGBUS that kills the process with a goroutine dump, not an error. A file
// that does not exist passes: Open creates it.
func preflight(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("bolt: open %s: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("bolt: open %s: %w", path, err)
	}
	if fi.IsDir() {
		return fmt.Errorf("bolt: open %s: it is a folder, not a database file", path)
	}
	size := fi.Size()
	if size == 0 {
		return fmt.Errorf("bolt: open %s: %w: it is empty (0 bytes), and only a missing file starts a new database; "+
			"%s, or delete the empty file to start an empty CRM", path, ErrDamaged, restoreHint)
	}
	m, err := currentMeta(f, size)
	if err != nil {
		return damaged(path, err.Error())
	}
	if need := int64(m.pgid) * int64(m.pageSize); size < need {
		return damaged(path, fmt.Sprintf("it is %d bytes but its meta page says %d", size, need))
	}
	return nil
}

// openBolt is bbolt.Open that turns a panic over a damaged page (a corrupt
// freelist, say) into ErrDamaged. After such a panic the file may stay open
// and locked until the process exits.
func openBolt(path string, opts *bbolt.Options) (bdb *bbolt.DB, err error) {
	defer recoverDamaged(path, &err)
	return bbolt.Open(path, 0o600, opts)
}

// migrateChecked is migrate that turns a panic over a damaged page into
// ErrDamaged.
func (db *DB) migrateChecked() (err error) {
	defer recoverDamaged(db.path, &err)
	return db.migrate()
}

// recoverDamaged, deferred, turns a panic into an ErrDamaged error in *errp.
func recoverDamaged(path string, errp *error) {
	if r := recover(); r != nil {
		*errp = damaged(path, fmt.Sprintf("reading it failed: %v", r))
	}
}
