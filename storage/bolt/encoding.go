package bolt

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"go.etcd.io/bbolt"
)

// sep separates a variable-length string from what follows it in an index
// key. It sorts before every other byte, so "a"+sep+… precedes "ab"+sep+….
const sep = 0x00

// itob encodes an ID as 8 big-endian bytes, so byte order is number order.
func itob(v int64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, uint64(v))
	return b
}

// btoi decodes the first 8 bytes of b written by itob.
func btoi(b []byte) int64 { return int64(binary.BigEndian.Uint64(b)) }

// timeKey encodes t as 8 bytes that sort in time order: Unix nanoseconds
// with the sign bit flipped, so times before 1970 sort first too.
func timeKey(t time.Time) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, uint64(t.UnixNano())^(1<<63))
	return b
}

// key concatenates the parts of a composite key into a new slice.
func key(parts ...[]byte) []byte {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	k := make([]byte, 0, n)
	for _, p := range parts {
		k = append(k, p...)
	}
	return k
}

// str is a string part of a key followed by the separator.
func str(s string) []byte { return append([]byte(s), sep) }

// wrapf prefixes a bbolt or encoding error with "bolt: " and the place.
// core.Errors (ENOTFOUND, ECONFLICT…) pass through unchanged.
func wrapf(errp *error, format string, args ...any) {
	var e *core.Error
	if *errp == nil || errors.As(*errp, &e) {
		return
	}
	*errp = fmt.Errorf("bolt: %s: %w", fmt.Sprintf(format, args...), *errp)
}

// get decodes the JSON value at k in bucket b into v; ok is false when there
// is no such key.
func (tx *Tx) get(b, k []byte, v any) (ok bool, err error) {
	data := tx.tx.Bucket(b).Get(k)
	if data == nil {
		return false, nil
	}
	if err := decode(data, v); err != nil {
		return false, fmt.Errorf("%s %x: %w", b, k, err)
	}
	return true, nil
}

// load is get for a key found in an index: a missing record means the index
// is out of step with the data, an internal error.
func (tx *Tx) load(b, k []byte, v any) error {
	if ok, err := tx.get(b, k, v); err != nil {
		return err
	} else if !ok {
		return fmt.Errorf("%s %x: indexed but missing", b, k)
	}
	return nil
}

// decode decodes a JSON record.
func decode(data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	return nil
}

// put encodes v as JSON at k in bucket b.
func (tx *Tx) put(b, k []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", b, err)
	}
	return tx.tx.Bucket(b).Put(k, data)
}

// nextID returns the next ID of the records in bucket b.
func (tx *Tx) nextID(b []byte) (int64, error) {
	n, err := tx.tx.Bucket(b).NextSequence()
	return int64(n), err
}

// entry is one key of a secondary index.
type entry struct {
	bucket []byte
	key    []byte
	value  []byte
}

// reindex moves a record's index entries from old to new: it deletes the old
// keys that are gone and writes the new or changed ones.
func (tx *Tx) reindex(old, new []entry) error {
	for _, o := range old {
		if find(new, o) == nil {
			if err := tx.tx.Bucket(o.bucket).Delete(o.key); err != nil {
				return err
			}
		}
	}
	for _, n := range new {
		if o := find(old, n); o != nil && bytes.Equal(o.value, n.value) {
			continue
		}
		v := n.value
		if v == nil {
			v = []byte{}
		}
		if err := tx.tx.Bucket(n.bucket).Put(n.key, v); err != nil {
			return err
		}
	}
	return nil
}

// find returns the entry of es with e's bucket and key, or nil.
func find(es []entry, e entry) *entry {
	for i := range es {
		if bytes.Equal(es[i].bucket, e.bucket) && bytes.Equal(es[i].key, e.key) {
			return &es[i]
		}
	}
	return nil
}

// scan calls fn for each key of bucket b that starts with prefix, in order,
// until fn returns false or an error.
func (tx *Tx) scan(b, prefix []byte, fn func(k, v []byte) (bool, error)) error {
	c := tx.tx.Bucket(b).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if more, err := fn(k, v); err != nil || !more {
			return err
		}
	}
	return nil
}

// scanReverse is scan from the last key with the prefix back to the first.
func (tx *Tx) scanReverse(b, prefix []byte, fn func(k, v []byte) (bool, error)) error {
	c := tx.tx.Bucket(b).Cursor()
	var k, v []byte
	if end := successor(prefix); end == nil {
		k, v = c.Last()
	} else if k, _ = c.Seek(end); k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	for ; k != nil && bytes.HasPrefix(k, prefix); k, v = c.Prev() {
		if more, err := fn(k, v); err != nil || !more {
			return err
		}
	}
	return nil
}

// successor returns the smallest key greater than every key that starts with
// prefix, or nil when there is none (empty prefix or all 0xff).
func successor(prefix []byte) []byte {
	s := bytes.Clone(prefix)
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] < 0xff {
			s[i]++
			return s[:i+1]
		}
	}
	return nil
}

// deleteKeys deletes keys from bucket b. Keys are collected first and deleted
// afterwards because deleting under a moving cursor skips entries.
func deleteKeys(b *bbolt.Bucket, keys [][]byte) error {
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// limitReached reports whether a result of n items is full under limit, where
// a limit <= 0 means no limit.
func limitReached(n, limit int) bool { return limit > 0 && n >= limit }
