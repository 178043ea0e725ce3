package core_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

// BenchmarkServiceCreateDeal measures the whole use case on a durable bbolt
// file: checks, the deal number, the deal, its audit records and the
// officers' work-chat notification, in one transaction.
func BenchmarkServiceCreateDeal(b *testing.B) {
	db, err := bolt.Open(filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	svc := core.NewService(db, core.WithPlatforms("telegram"))
	if err := svc.SeedAdmins(ctx, []core.Admin{{Identity: "telegram:1", Name: "Админ"}}); err != nil {
		b.Fatal(err)
	}
	admin, _ := svc.Authenticate(ctx, "telegram:1")
	a := core.Actor{User: admin, Source: "bench"}
	if err := svc.BindChat(ctx, a, &core.WorkChat{Platform: "telegram", ChatID: "-1", Purpose: core.PurposeOfficers}); err != nil {
		b.Fatal(err)
	}
	c, err := svc.CreateClient(ctx, a, &core.Client{INN: "7707083893", KPP: "773601001", ShortName: "ПАО Сбербанк"})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := svc.CreateDeal(ctx, a, &core.Deal{ClientID: c.ID, Title: "Расчётно-кассовое обслуживание",
			Amount: 150000000}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "deals/s")
}
