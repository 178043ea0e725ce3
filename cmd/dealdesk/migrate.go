package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/dealdesk/dealdesk/storage/bolt"
	"github.com/dealdesk/dealdesk/storage/postgres"
)

// migrateUsage is the subcommand's synopsis.
const migrateUsage = "usage: dealdesk migrate -to postgres://user:password@host:5432/db [-from FILE]"

// runMigrate: dealdesk migrate -to postgres://… [-from FILE]. It copies the
// bbolt database (DEALDESK_DB unless -from says otherwise) into an empty
// PostgreSQL database in one transaction and checks every aggregate's count;
// on any failure the PostgreSQL database is left empty. DealDesk must not
// run on the file meanwhile (a change made during the copy would be lost):
// the file lock refuses a running one. The password in the URL is never
// printed.
func (m *Main) runMigrate(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	to := fs.String("to", "", "the empty PostgreSQL database to copy into (postgres://…)")
	from := fs.String("from", m.Config.DB, "the bbolt database file to copy")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 || *to == "" {
		return errors.New(migrateUsage)
	}
	if !postgres.IsURL(*to) {
		return fmt.Errorf("migrate: -to must be a PostgreSQL URL (postgres://…)\n%s", migrateUsage)
	}
	if postgres.IsURL(*from) {
		return fmt.Errorf("migrate: -from must be a bbolt file (DEALDESK_DB is already PostgreSQL)\n%s", migrateUsage)
	}
	if _, err := os.Stat(*from); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	target := postgres.Redact(*to)

	// Open takes the file's lock, so DealDesk cannot start on it during the
	// copy, and brings an older schema up to date as starting DealDesk would.
	src, err := bolt.Open(*from, bolt.WithClock(m.Clock))
	if errors.Is(err, bolt.ErrInUse) {
		return fmt.Errorf("migrate: %s is in use by a running DealDesk: stop DealDesk first, "+
			"so that no change is made during the copy", *from)
	} else if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer func() { _ = src.Close() }()
	pg, err := postgres.Open(ctx, *to, postgres.WithClock(m.Clock))
	if err != nil {
		return fmt.Errorf("migrate to %s: %w", target, err)
	}
	defer func() { _ = pg.Close() }()

	fmt.Fprintf(m.Stdout, "copying %s into %s\n", *from, target)
	rep, err := pg.Import(ctx, src, func(bucket string, n int64) {
		fmt.Fprintf(m.Stdout, "  %s: %d copied…\n", bucket, n)
	})
	if err != nil {
		return fmt.Errorf("migrate to %s: %w", target, err)
	}
	w := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "bbolt bucket\tentries\tPostgreSQL table\trows")
	var records int64
	for _, c := range rep.Counts {
		fmt.Fprintf(w, "%s\t%d\t%s\t%d\n", c.Bucket, c.Source, c.Table, c.Target)
		records += c.Source
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "copied %d entries of %d buckets; counters set: %d; every count agrees.\n"+
		"Set DEALDESK_DB to the URL given to -to and start DealDesk; keep %s as a backup.\n",
		records, len(rep.Counts), rep.Counters, *from)
	return nil
}
