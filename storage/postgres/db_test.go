package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/postgres"
	"github.com/dealdesk/dealdesk/storage/postgres/pgtest"
)

// fixedClock is a clock that stands still.
type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

// open opens a store on a fresh database of t's own.
func open(t testing.TB, opts ...postgres.Option) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), pgtest.NewDB(t), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func TestOpenMigratesOnceAndSequencesCount(t *testing.T) {
	url := pgtest.NewDB(t)
	ctx := context.Background()
	for range 2 {
		db, err := postgres.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		v, current, err := db.Migrated(ctx)
		if err != nil || !current || v != postgres.SchemaVersion() {
			t.Fatalf("Migrated = %d %v %v, want %d true", v, current, err, postgres.SchemaVersion())
		}
		var got []uint64
		err = db.Update(ctx, func(tx core.Tx) error {
			for range 2 {
				n, err := tx.NextSequence("deal:2026")
				if err != nil {
					return err
				}
				got = append(got, n)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got[1] != got[0]+1 {
			t.Fatalf("sequence %v", got)
		}
		_ = db.Close()
	}
}

func TestNowIsFixedPerTransaction(t *testing.T) {
	at := time.Date(2026, 12, 1, 9, 30, 0, 123456789, time.FixedZone("MSK", 3*3600))
	db := open(t, postgres.WithClock(fixedClock{at}))
	err := db.View(context.Background(), func(tx core.Tx) error {
		if want := at.UTC().Truncate(time.Microsecond); !tx.Now().Equal(want) || tx.Now().Location() != time.UTC {
			t.Errorf("Now = %v, want %v UTC", tx.Now(), want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRedactHidesThePassword(t *testing.T) {
	got := postgres.Redact("postgres://dd:s3cret@db:5432/dealdesk?sslmode=disable")
	if got != "postgres://dd:xxxxx@db:5432/dealdesk?sslmode=disable" {
		t.Fatalf("Redact = %q", got)
	}
}

func TestNULIsStoredAsTheReplacementCharacter(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	name := "ООО \x00Ромашка\\u0000"
	var id int64
	err := db.Update(ctx, func(tx core.Tx) error {
		u := &core.User{Name: name, Identities: []string{"telegram:9"}, Role: core.RoleManager}
		err := tx.CreateUser(u)
		id = u.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.View(ctx, func(tx core.Tx) error {
		u, err := tx.UserByID(id)
		if err != nil {
			return err
		}
		// The NUL became U+FFFD; the literal text \u0000 stayed as it was.
		if want := "ООО \uFFFDРомашка\\u0000"; u.Name != want {
			t.Errorf("name = %q, want %q", u.Name, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestKeywordConnectionStringsArePostgreSQL(t *testing.T) {
	for s, want := range map[string]bool{
		"host=127.0.0.1 port=5432 user=dealdesk password=Sup3rS3cret dbname=dealdesk": true,
		"dbname=dealdesk":            true,
		"postgresql://db/dealdesk":   true,
		"./var/dealdesk.db":          false,
		"/srv/deal desk/dealdesk.db": false,
		"./var/a=b.db":               false,
		"color=blue":                 false,
	} {
		if got := postgres.IsURL(s); got != want {
			t.Errorf("IsURL(%q) = %v, want %v", s, got, want)
		}
	}
	for in, want := range map[string]string{
		"host=db user=dd password=Sup3rS3cret dbname=dealdesk":  "host=db user=dd password=xxxxx dbname=dealdesk",
		"host=db password='a b\\'c' dbname=dealdesk":            "host=db password=xxxxx dbname=dealdesk",
		"postgres://dd:Sup3rS3cret@db/dealdesk?sslmode=disable": "postgres://dd:xxxxx@db/dealdesk?sslmode=disable",
	} {
		if got := postgres.Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}
