package core

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// The retention of report files: every run stores its file and chart
// (storeBuilt), and a deals export of 100,000 rows is 15 MB, so a run's
// files are dropped once the run is older than ReportConfig.KeepFiles.
// The run stays, marked Purged, and so does its manifest in the audit with
// the file's SHA-256: what was sent, to whom and which content can still
// be shown, the content itself not. A held run whose files were dropped is
// built again when it is checked again or sent with a reason, as any held
// run is.

// Retention rules.
const (
	// purgeBatch is how many runs one transaction of PurgeReportFiles
	// releases.
	purgeBatch = 100
	// purgeSource is the source of what the retention writes.
	purgeSource = "job:purge_report_files"
)

// errPurgeBatchFull stops a walk of the runs when a batch is full or the
// runs are younger than the retention.
var errPurgeBatchFull = errors.New("purge batch full")

// PurgeReportFiles drops the files and charts of the runs made before now
// less KeepFiles: each released (a file another run still refers to
// stays), the run marked Purged and audited, purgeBatch runs to a
// transaction. It returns how many runs it purged; the scheduler calls it.
func (s *Service) PurgeReportFiles(ctx context.Context, now time.Time) (int, error) {
	keep := s.reportConfig().KeepFiles
	cutoff := now.Add(-keep)
	n := 0
	var after int64 // the runs up to it are done: purged, kept or without files
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		done, purged := false, 0
		err := s.update(ctx, func(tx Tx) error {
			purged, done = 0, true
			last := after
			err := tx.EachReportRun(after, func(run *ReportRun) error {
				if !run.CreatedAt.Before(cutoff) {
					return errPurgeBatchFull // runs are made in ID order: the rest are younger
				}
				if purged == purgeBatch {
					done = false
					return errPurgeBatchFull
				}
				last = run.ID
				// A held run sent later was built again then: its files
				// are as old as its sending.
				if run.Purged || !hasFiles(run) || run.SentAt.After(cutoff) {
					return nil
				}
				if err := releaseRunFiles(tx, run); err != nil {
					return err
				}
				run.Purged = true
				if err := tx.UpdateReportRun(run); err != nil {
					return err
				}
				purged++
				return tx.AddChanges(&Change{Entity: EntityReport, EntityID: run.ID, Field: "purged",
					New: purgeLine(run, keep), Source: purgeSource})
			})
			if err != nil && !errors.Is(err, errPurgeBatchFull) {
				return err
			}
			after = last
			return nil
		})
		if err != nil {
			return n, err
		}
		n += purged
		if done {
			return n, nil
		}
	}
}

// hasFiles reports whether a run refers to a stored file or chart.
func hasFiles(run *ReportRun) bool {
	return run.File.SHA256 != "" || run.Chart != nil && run.Chart.SHA256 != ""
}

// releaseRunFiles counts one reference less to a run's file and chart,
// unless the retention released them already. A file stored before report
// files were counted (among the documents' files) is not counted, and is
// left where it is.
func releaseRunFiles(tx Tx, run *ReportRun) error {
	if run.Purged {
		return nil
	}
	for _, ref := range []*FileRef{&run.File, run.Chart} {
		if ref == nil || ref.SHA256 == "" {
			continue
		}
		if err := tx.ReleaseReportFile(ref.SHA256); err != nil && !IsNotFound(err) {
			return err
		}
	}
	return nil
}

// purgeLine is the audit of a purged run: which files were dropped, by
// their SHA-256, and after how long.
func purgeLine(run *ReportRun, keep time.Duration) string {
	line := fmt.Sprintf("file «%s» sha256 %s", run.File.Name, run.File.SHA256)
	if run.Chart != nil {
		line += fmt.Sprintf(" · chart sha256 %s", run.Chart.SHA256)
	}
	return line + fmt.Sprintf(" · dropped after %d days", int(keep/(24*time.Hour)))
}
