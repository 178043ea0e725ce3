package bolt

import (
	"fmt"

	"github.com/dealdesk/dealdesk/core"
)

// The job runs bucket maps a job's name to its record; it has no index.

// JobRun returns a job's record, or ENOTFOUND.
func (tx *Tx) JobRun(name string) (*core.JobRun, error) {
	r := new(core.JobRun)
	if ok, err := tx.get(bktJobRuns, []byte(name), r); err != nil {
		return nil, fmt.Errorf("bolt: job run %q: %w", name, err)
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.job.not_found", "Name", name)
	}
	return r, nil
}

// PutJobRun stores a job's record under its name.
func (tx *Tx) PutJobRun(r *core.JobRun) (err error) {
	defer wrapf(&err, "put job run %q", r.Name)
	if err := r.Validate(); err != nil {
		return err
	}
	return tx.put(bktJobRuns, []byte(r.Name), r)
}

// JobRuns returns every job's record, by name.
func (tx *Tx) JobRuns() ([]*core.JobRun, error) {
	runs := []*core.JobRun{}
	err := tx.scan(bktJobRuns, nil, func(_, v []byte) (bool, error) {
		r := new(core.JobRun)
		if err := decode(v, r); err != nil {
			return false, err
		}
		runs = append(runs, r)
		return true, nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: job runs: %w", err)
	}
	return runs, nil
}
