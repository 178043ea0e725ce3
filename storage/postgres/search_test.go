package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// TestSearchClientsTrigramIndex: where the cluster has pg_trgm, migration 0002
// creates the trigram index on the clients' names, and a search for a rare
// fragment reads it rather than every client.
func TestSearchClientsTrigramIndex(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	var available bool
	if err := db.Pool().QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm')`).Scan(&available); err != nil {
		t.Fatal(err)
	}
	if !available {
		t.Skip("pg_trgm is not available on this cluster")
	}
	var indexed bool
	if err := db.Pool().QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = 'clients_name_trgm')`).Scan(&indexed); err != nil {
		t.Fatal(err)
	}
	if !indexed {
		t.Fatal("pg_trgm is available but the clients have no trigram index")
	}
	err := db.Update(ctx, func(tx core.Tx) error {
		for i := range 30 {
			c := &core.Client{Kind: core.KindLegal, INN: fmt.Sprintf("77%08d", i), KPP: "770101001",
				ShortName: fmt.Sprintf("ООО «Вектор-%03d»", i)}
			if err := tx.CreateClient(c); err != nil {
				return err
			}
		}
		c := &core.Client{Kind: core.KindLegal, INN: "7799999999", KPP: "770101001", ShortName: "ООО «Ъюзабилити»"}
		return tx.CreateClient(c)
	})
	if err != nil {
		t.Fatal(err)
	}
	// Enough clients, of a card's size, for the planner to prefer an index
	// to reading them all.
	if _, err := db.Pool().Exec(ctx, `INSERT INTO clients (id, inn, kpp, name_norm, full_norm, doc)
		SELECT 1000 + i, '78' || lpad(i::text, 8, '0'), '', 'ооо «ромашка-' || i || '»', '',
			jsonb_build_object('note', repeat('x', 1500))
		FROM generate_series(1, 10000) i`); err != nil {
		t.Fatal(err)
	}
	// As autovacuum would: statistics, and the GIN index's pending list merged.
	if _, err := db.Pool().Exec(ctx, "VACUUM ANALYZE clients"); err != nil {
		t.Fatal(err)
	}
	var found []*core.Client
	err = db.View(ctx, func(tx core.Tx) (err error) {
		found, err = tx.SearchClients("юзабил", 0)
		return err
	})
	if err != nil || len(found) != 1 || found[0].INN != "7799999999" {
		t.Fatalf("SearchClients = %v, %v; want the one client", found, err)
	}
	var plan string
	rows, err := db.Pool().Query(ctx, `EXPLAIN SELECT doc FROM clients WHERE name_norm LIKE $1 OR full_norm LIKE $1
		ORDER BY name_norm, id LIMIT 20`, "%юзабил%")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan += line + "\n"
	}
	rows.Close()
	if !strings.Contains(plan, "clients_name_trgm") {
		t.Fatalf("the search does not use the trigram index:\n%s", plan)
	}
}
