package bolt

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"

	"go.etcd.io/bbolt"

	"github.com/dealdesk/dealdesk/core"
)

// The consistency check of the documents' buckets (check.go lists them).

// checkDocument checks a document, that every file its versions name is
// stored, and notes its number for the counter check.
func checkDocument(c *checker, k, v []byte) ([]entry, error) {
	es, err := byID(func(d *core.Document) int64 { return d.ID }, documentEntries)(c, k, v)
	if err != nil {
		return nil, err
	}
	var d core.Document
	_ = decode(v, &d)
	c.filesStored("document "+strconv.FormatInt(d.ID, 10), d.Files()...)
	if _, kind, year, n, ok := core.ParseDocNumber(d.Number); ok {
		name := core.DocCounter(kind, year)
		c.docNumbers[name] = max(c.docNumbers[name], n)
	}
	return es, nil
}

// checkTemplate checks a template and that its file is stored.
func checkTemplate(c *checker, k, v []byte) ([]entry, error) {
	es, err := byID(func(t *core.DocTemplate) int64 { return t.ID }, nil)(c, k, v)
	if err != nil {
		return nil, err
	}
	var t core.DocTemplate
	_ = decode(v, &t)
	c.filesStored("template "+strconv.FormatInt(t.ID, 10), t.File)
	return es, nil
}

// checkDocSend checks a send and that its document exists.
func checkDocSend(c *checker, k, v []byte) ([]entry, error) {
	es, err := byID(func(s *core.DocSend) int64 { return s.ID }, docSendEntries)(c, k, v)
	if err != nil {
		return nil, err
	}
	var s core.DocSend
	_ = decode(v, &s)
	if c.tx.Bucket(bktDocuments).Get(itob(s.DocID)) == nil {
		return nil, fmt.Errorf("its document %d does not exist", s.DocID)
	}
	return es, nil
}

// checkFile checks that a file's content has the SHA-256 it is stored
// under.
func checkFile(_ *checker, k, v []byte) ([]entry, error) {
	sum := sha256.Sum256(v)
	if got := hex.EncodeToString(sum[:]); got != string(k) {
		return nil, fmt.Errorf("its content's SHA-256 is %s", got)
	}
	return nil, nil
}

// filesStored reports each of a record's files that is not in doc_files:
// the record reads, but a file of it is lost.
func (c *checker) filesStored(what string, files ...core.FileRef) {
	b := c.tx.Bucket(bktDocFiles)
	for _, f := range files {
		if b == nil || f.SHA256 == "" || b.Get([]byte(f.SHA256)) == nil {
			c.r.problem("%s: its file %s (%q) is missing", what, f.SHA256, f.Name)
		}
	}
}

// docCounters checks that each document number counter is ahead of the
// numbers in use.
func (c *checker) docCounters(b *bbolt.Bucket) {
	names := make([]string, 0, len(c.docNumbers))
	for name := range c.docNumbers {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		var at uint64
		if v := b.Get([]byte(name)); len(v) == 8 {
			at = uint64(btoi(v))
		}
		if n := c.docNumbers[name]; at < n {
			c.r.problem("counter %q is at %d, behind document number %d already in use: the next document would get a number that is taken",
				name, at, n)
		}
	}
}
