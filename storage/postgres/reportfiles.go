package postgres

import (
	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/internal/filesum"
)

// Report files are kept apart from the documents' in report_files: the
// lower-case hex SHA-256, the content, and the number of runs that refer to
// it, so that the retention of report files can never drop a document's
// file, and drops a report file only when no run refers to it any more.
// DocumentTx.File reads them too.

// PutReportFile stores a report file's content under ref.SHA256, which
// must be the content's, and counts one more reference to it.
func (tx *Tx) PutReportFile(ref core.FileRef, data []byte) (err error) {
	defer wrapf(&err, "put report file %s", ref.SHA256)
	if err := filesum.Check(ref.SHA256, data); err != nil {
		return err
	}
	// Writers run one at a time: a file not counted yet is inserted by
	// this transaction alone, and its content is sent only then.
	n, err := tx.execN(`UPDATE report_files SET refs = refs + 1 WHERE sha256 = $1`, ref.SHA256)
	if err != nil || n > 0 {
		return err
	}
	return tx.putReportFile(ref.SHA256, data, 1)
}

// ReleaseReportFile counts one reference less to a report file and deletes
// its content when none is left; ENOTFOUND when none is counted.
func (tx *Tx) ReleaseReportFile(sha string) (err error) {
	defer wrapf(&err, "release report file %s", sha)
	var refs int64
	ok, err := tx.scalar(&refs, `SELECT refs FROM report_files WHERE sha256 = $1`, sha)
	if err != nil {
		return err
	}
	if !ok {
		return core.Errorf(core.ENOTFOUND, "err.doc.file_not_found", "SHA256", sha)
	}
	if refs > 1 {
		return tx.exec(`UPDATE report_files SET refs = refs - 1 WHERE sha256 = $1`, sha)
	}
	return tx.exec(`DELETE FROM report_files WHERE sha256 = $1`, sha)
}

// putReportFile writes a report file with its count of references as it
// is (refs > 0). PutReportFile uses it, and so does the copy of a bbolt
// database (import.go: report_files with report_file_refs).
func (tx *Tx) putReportFile(sha string, data []byte, refs int64) error {
	return tx.exec(`INSERT INTO report_files (sha256, content, refs) VALUES ($1, $2, $3)
		ON CONFLICT (sha256) DO UPDATE SET content = EXCLUDED.content, refs = EXCLUDED.refs`, sha, data, refs)
}
