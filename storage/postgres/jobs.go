package postgres

import (
	"github.com/dealdesk/dealdesk/core"
)

// The job_runs table maps a job's name to its record.

// JobRun returns a job's record, or ENOTFOUND.
func (tx *Tx) JobRun(name string) (_ *core.JobRun, err error) {
	defer wrapf(&err, "job run %q", name)
	r := new(core.JobRun)
	if ok, err := tx.get(r, `SELECT doc FROM job_runs WHERE name = $1`, name); err != nil {
		return nil, err
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.job.not_found", "Name", name)
	}
	return r, nil
}

// PutJobRun stores a job's record under its name; EINVALID without a name.
func (tx *Tx) PutJobRun(r *core.JobRun) (err error) {
	defer wrapf(&err, "put job run %q", r.Name)
	if err := r.Validate(); err != nil {
		return err
	}
	return tx.putJobRun(r)
}

// JobRuns returns every job's record, by name (byte order).
func (tx *Tx) JobRuns() (_ []*core.JobRun, err error) {
	defer wrapf(&err, "job runs")
	return list[core.JobRun](tx, `SELECT doc FROM job_runs ORDER BY name`)
}

// putJobRun writes a job's record under its name, replacing one there.
func (tx *Tx) putJobRun(r *core.JobRun) error {
	doc, err := encode(r)
	if err != nil {
		return err
	}
	return tx.exec(`INSERT INTO job_runs (name, doc) VALUES ($1, $2)
		ON CONFLICT (name) DO UPDATE SET doc = EXCLUDED.doc`, r.Name, doc)
}
