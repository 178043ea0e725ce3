package bolt

import (
	"bytes"
	"fmt"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/internal/filesum"
)

// Report files are kept apart from the documents' in report_files (the
// lower-case hex SHA-256 → the content), with the number of runs that
// refer to each in report_file_refs (SHA-256 → a big-endian count), so
// that the retention of report files can never drop a document's file, and
// drops a report file only when no run refers to it any more.

// PutReportFile stores a report file's content under ref.SHA256, which
// must be the content's, and counts one more reference to it.
func (tx *Tx) PutReportFile(ref core.FileRef, data []byte) (err error) {
	defer wrapf(&err, "put report file %s", ref.SHA256)
	if err := filesum.Check(ref.SHA256, data); err != nil {
		return err
	}
	key := []byte(ref.SHA256)
	refs := tx.tx.Bucket(bktReportFileRefs)
	n := uint64(0)
	if v := refs.Get(key); v != nil {
		n = uint64(btoi(v))
	}
	files := tx.tx.Bucket(bktReportFiles)
	if files.Get(key) == nil {
		if err := files.Put(key, bytes.Clone(data)); err != nil {
			return err
		}
	}
	return refs.Put(key, itob(int64(n+1)))
}

// ReleaseReportFile counts one reference less to a report file and deletes
// its content when none is left; ENOTFOUND when none is counted.
func (tx *Tx) ReleaseReportFile(sha string) (err error) {
	defer wrapf(&err, "release report file %s", sha)
	key := []byte(sha)
	refs := tx.tx.Bucket(bktReportFileRefs)
	v := refs.Get(key)
	if v == nil {
		return core.Errorf(core.ENOTFOUND, "err.doc.file_not_found", "SHA256", sha)
	}
	if n := uint64(btoi(v)); n > 1 {
		return refs.Put(key, itob(int64(n-1)))
	}
	if err := refs.Delete(key); err != nil {
		return err
	}
	return tx.tx.Bucket(bktReportFiles).Delete(key)
}

// EachReportRun visits the runs with an ID above after, in ID order,
// decoding one at a time.
func (tx *Tx) EachReportRun(after int64, fn func(*core.ReportRun) error) error {
	c := tx.tx.Bucket(bktReportRuns).Cursor()
	for k, v := c.Seek(itob(after + 1)); k != nil; k, v = c.Next() {
		r := new(core.ReportRun)
		if err := decode(v, r); err != nil {
			return fmt.Errorf("bolt: report run %d: %w", btoi(k), err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

// checkReportFile: a report file's content has its key's SHA-256 and is
// counted in report_file_refs.
func checkReportFile(c *checker, k, v []byte) ([]entry, error) {
	if _, err := checkFile(c, k, v); err != nil {
		return nil, err
	}
	if refs := c.tx.Bucket(bktReportFileRefs); refs == nil || refs.Get(k) == nil {
		return nil, fmt.Errorf("no run refers to it")
	}
	return nil, nil
}

// checkReportFileRefs: a count is of a stored report file and above 0.
func checkReportFileRefs(c *checker, k, v []byte) ([]entry, error) {
	if len(v) != 8 || btoi(v) <= 0 {
		return nil, fmt.Errorf("count %x", v)
	}
	if files := c.tx.Bucket(bktReportFiles); files == nil || files.Get(k) == nil {
		return nil, fmt.Errorf("its file is missing")
	}
	return nil, nil
}
