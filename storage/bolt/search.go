package bolt

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/core/requisite"
)

// DefaultSearchLimit is the number of clients SearchClients returns when it
// is given no limit.
const DefaultSearchLimit = 20

// SearchClients finds clients for a query typed by a person. A query of
// digits (spaces allowed) is an INN prefix; anything else is a fragment of the
// normalized short or full name. Results are ordered by normalized name, then
// ID, and there are at most limit of them (DefaultSearchLimit when limit <= 0).
func (tx *Tx) SearchClients(query string, limit int) ([]*core.Client, error) {
	if limit <= 0 {
		limit = DefaultSearchLimit
	}
	var ids []int64
	if q := requisite.Clean(query); q != "" && isDigits(q) {
		ids = tx.searchINN([]byte(q), limit)
	} else {
		ids = tx.searchName([]byte(core.NormalizeName(query)), limit)
	}
	cs, err := tx.clients(ids)
	if err != nil {
		return nil, fmt.Errorf("bolt: search clients %q: %w", query, err)
	}
	return cs, nil
}

// searchName scans the name index, which is in name order, and stops at the
// limit-th match; only keys and values of the index are read.
func (tx *Tx) searchName(q []byte, limit int) []int64 {
	var ids []int64
	m := newMatcher(q)
	c := tx.tx.Bucket(bktClientsByName).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		name := k[:len(k)-9] // name sep id
		if m.in(name) || (len(v) > 0 && m.in(v)) {
			ids = append(ids, btoi(k[len(k)-8:]))
			if len(ids) == limit {
				break
			}
		}
	}
	return ids
}

// matcher finds a fragment of a normalized name. In Cyrillic UTF-8 every
// other byte is 0xd0 or 0xd1, which makes a plain byte search stop at almost
// every position; the matcher looks for a more telling byte of the fragment
// first (with the SIMD IndexByte) and compares the whole fragment only there.
type matcher struct {
	q  []byte
	at int // index in q of the byte to look for first
}

// newMatcher prepares a search for q.
func newMatcher(q []byte) matcher {
	for i, c := range q {
		if c != 0xd0 && c != 0xd1 && c != ' ' {
			return matcher{q: q, at: i}
		}
	}
	return matcher{q: q}
}

// in reports whether s contains the fragment.
func (m matcher) in(s []byte) bool {
	n := len(m.q)
	if n == 0 {
		return true
	}
	c, tail := m.q[m.at], n-1-m.at
	for off := m.at; off < len(s)-tail; {
		i := bytes.IndexByte(s[off:len(s)-tail], c)
		if i < 0 {
			return false
		}
		start := off + i - m.at
		if bytes.Equal(s[start:start+n], m.q) {
			return true
		}
		off += i + 1
	}
	return false
}

// hit is a client found by INN, with the name it is ordered by.
type hit struct {
	name []byte
	id   int64
}

// searchINN scans the INN index for the prefix and keeps the limit hits that
// come first by name. The names are in the index values.
func (tx *Tx) searchINN(prefix []byte, limit int) []int64 {
	hits := make([]hit, 0, limit+1)
	less := func(a, b hit) int {
		if c := bytes.Compare(a.name, b.name); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	}
	_ = tx.scan(bktClientsByINN, prefix, func(_, v []byte) (bool, error) {
		h := hit{name: v[8:], id: btoi(v)}
		if len(hits) == limit && less(h, hits[limit-1]) >= 0 {
			return true, nil
		}
		i, _ := slices.BinarySearchFunc(hits, h, less)
		hits = slices.Insert(hits, i, h)
		if len(hits) > limit {
			hits = hits[:limit]
		}
		return true, nil
	})
	ids := make([]int64, len(hits))
	for i, h := range hits {
		ids[i] = h.id
	}
	return ids
}

// isDigits reports whether s is made of ASCII digits only.
func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
