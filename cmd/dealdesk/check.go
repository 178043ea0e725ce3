package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/dealdesk/dealdesk/storage/bolt"
	"github.com/dealdesk/dealdesk/storage/postgres"
)

// runCheck: dealdesk check [-db FILE]. When DealDesk is not running, the
// file is opened read-only: a check never creates, migrates or changes it.
// When a running DealDesk holds the file, that DealDesk runs the check
// through its control socket, in a read transaction, without stopping work.
// Problems go to standard output and make the command fail.
func (m *Main) runCheck(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	path := fs.String("db", m.Config.DB, "the database file to check")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errors.New("usage: dealdesk check [-db FILE]")
	}
	if postgres.IsURL(*path) {
		return errors.New("check reads a bbolt file; on PostgreSQL use its own checks (amcheck, pg_dump to a file)")
	}
	how := "read-only"
	r, err := bolt.CheckFile(ctx, *path)
	if errors.Is(err, bolt.ErrInUse) {
		how = "by the running DealDesk"
		r, err = m.checkRunning(*path)
	}
	if err != nil {
		return err
	}
	for _, n := range r.Notes {
		fmt.Fprintf(m.Stdout, "note: %s\n", n)
	}
	for _, p := range r.Problems {
		fmt.Fprintf(m.Stdout, "problem: %s\n", p)
	}
	if r.Omitted > 0 {
		fmt.Fprintf(m.Stdout, "problem: … and %d more\n", r.Omitted)
	}
	if !r.OK() {
		return fmt.Errorf("check %s: %d problems found; restore it from a backup (see README, "+
			"\"When the database is damaged\")", *path, len(r.Problems)+r.Omitted)
	}
	fmt.Fprintf(m.Stdout, "%s: no problems found (checked %s: %d records, %d index entries, %d counters)\n",
		*path, how, r.Records, r.IndexEntries, r.Counters)
	return nil
}

// checkRunning asks the DealDesk that holds the file at path to check it:
// the one on the configured control socket, or else the one on the file's
// default socket.
func (m *Main) checkRunning(path string) (*bolt.CheckReport, error) {
	req := controlRequest{Op: "check", Path: absPath(path)}
	sockets := []string{m.Config.ControlSocket}
	if s := path + ".sock"; s != m.Config.ControlSocket {
		sockets = append(sockets, s)
	}
	var refused error
	for _, s := range sockets {
		resp, ok, err := ask(s, req)
		switch {
		case !ok:
			continue
		case err != nil:
			return nil, err
		case resp.Error != "":
			refused = errors.New(resp.Error)
			continue
		case resp.Report == nil:
			return nil, fmt.Errorf("control socket %s: no report in the answer", s)
		}
		return resp.Report, nil
	}
	if refused != nil {
		return nil, fmt.Errorf("check %s: another process holds it, and the DealDesk that answers says: %w", path, refused)
	}
	return nil, fmt.Errorf("check %s: another process holds it and no DealDesk answers on %v; "+
		"stop that process, or check a copy made with `dealdesk backup`", path, sockets)
}
