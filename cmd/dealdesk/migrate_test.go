package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
	"github.com/dealdesk/dealdesk/storage/postgres"
	"github.com/dealdesk/dealdesk/storage/postgres/pgtest"
)

// seedMigrate writes a user, a client and two deals into a new bbolt
// database at path.
func seedMigrate(t *testing.T, path string) {
	t.Helper()
	db, err := bolt.Open(path, bolt.WithNoSync(true))
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(context.Background(), func(tx core.Tx) error {
		u := &core.User{Identities: []string{"console:local"}, Name: "Анна", Role: core.RoleAdmin}
		if err := tx.CreateUser(u); err != nil {
			return err
		}
		c := &core.Client{Kind: core.KindLegal, INN: "7700000001", ShortName: "ООО «Ромашка»"}
		if err := tx.CreateClient(c); err != nil {
			return err
		}
		for range 2 {
			n, err := tx.NextSequence("deal-2026")
			if err != nil {
				return err
			}
			if err := tx.CreateDeal(&core.Deal{Number: core.DealNumber(2026, n), ClientID: c.ID, ManagerID: u.ID,
				Title: "Поставка", Stage: core.StageNew, CreatedBy: u.ID}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestMigrateCommand(t *testing.T) {
	// The password is ignored by the test cluster (trust), and must never
	// be printed.
	url := pgtest.NewDB(t) + "&password=s3cret-pw"
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	seedMigrate(t, path)

	out, err := runCommand(t, path, "migrate", "-to", url)
	if err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	mustContain(t, out, "copying "+path+" into ", "password=xxxxx", "bbolt bucket", "PostgreSQL table",
		"every count agrees", "Set DEALDESK_DB")
	rows := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) == 4 {
			rows[f[0]] = strings.Join(f[1:], " ")
		}
	}
	for bucket, want := range map[string]string{"users": "1 users 1", "clients": "1 clients 1",
		"deals": "2 deals 2", "sequences": "1 counters 1", "docs": "0 documents 0"} {
		if rows[bucket] != want {
			t.Errorf("line of %s: %q, want %q, in:\n%s", bucket, rows[bucket], want, out)
		}
	}
	if strings.Contains(out, "s3cret-pw") {
		t.Errorf("the password is printed:\n%s", out)
	}
	pg, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	err = pg.View(context.Background(), func(tx core.Tx) error {
		ds, err := tx.FindDeals(core.DealFilter{})
		if err != nil {
			return err
		}
		if len(ds) != 2 || ds[0].Number == ds[1].Number {
			t.Errorf("deals in PostgreSQL: %v", ds)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// A second copy is refused: the database is no longer empty.
	out, err = runCommand(t, path, "migrate", "-to", url)
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("second migrate: %v\n%s", err, out)
	}
	if strings.Contains(err.Error()+out, "s3cret-pw") {
		t.Errorf("the password is printed: %v\n%s", err, out)
	}
}

func TestMigrateCommandRefuses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	seedMigrate(t, path)
	for name, c := range map[string]struct {
		args []string
		want string
	}{
		"no target":    {[]string{"migrate"}, "usage: dealdesk migrate -to"},
		"not a URL":    {[]string{"migrate", "-to", "/tmp/x.db"}, "-to must be a PostgreSQL URL"},
		"missing file": {[]string{"migrate", "-to", "postgres://h/db", "-from", path + ".nope"}, "no such file"},
		"source is pg": {[]string{"migrate", "-to", "postgres://h/db", "-from", "postgres://h/other"}, "-from must be a bbolt file"},
		"extra words":  {[]string{"migrate", "-to", "postgres://h/db", "now"}, "usage:"},
	} {
		out, err := runCommand(t, path, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v\n%s, want an error with %q", name, err, out, c.want)
		}
	}

	// DealDesk running on the file (its lock held): stop it first.
	db, err := bolt.Open(path, bolt.WithNoSync(true))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out, err := runCommand(t, path, "migrate", "-to", "postgres://u:pw@127.0.0.1:1/db")
	if err == nil || !strings.Contains(err.Error(), "stop DealDesk first") {
		t.Fatalf("migrate of a file in use: %v\n%s", err, out)
	}
}
