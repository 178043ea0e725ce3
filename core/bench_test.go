package core_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
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

type benchRegistry struct{ calls int }

func (r *benchRegistry) Name() string { return "bench" }

func (r *benchRegistry) Lookup(_ context.Context, inn, kpp string) (*core.RegistryRecord, error) {
	r.calls++
	return &core.RegistryRecord{Source: "bench", INN: inn, KPP: kpp, ShortName: "ПАО Сбербанк", Status: core.StatusActive}, nil
}

// benchClients fills a store with n clients named like real companies.
func benchClients(b *testing.B, db *bolt.DB, n int) {
	b.Helper()
	forms := []string{"ООО", "АО", "ПАО", "ЗАО"}
	words := []string{"Ромашка", "Вектор", "Альфа", "Север", "Гранит", "Импульс", "Меридиан", "Восток"}
	for start := 0; start < n; start += 10000 {
		err := db.Update(context.Background(), func(tx core.Tx) error {
			for i := start; i < start+10000 && i < n; i++ {
				name := forms[i%4] + " «" + words[i%8] + "-" + strconv.Itoa(i) + "»"
				c := &core.Client{Kind: core.KindLegal, INN: fmt.Sprintf("%010d", 1000000000+i), ShortName: name,
					Verification: core.Verification{Status: core.Unverified}}
				if err := tx.CreateClient(c); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDuplicateCandidates: the duplicate candidates of a new
// counterparty (same INN+KPP, same OGRN, same name key) among 100,000
// clients. Target: under 20 ms.
func BenchmarkDuplicateCandidates(b *testing.B) {
	db, err := bolt.Open(filepath.Join(b.TempDir(), "bench.db"), bolt.WithNoSync(true))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	benchClients(b, db, 100000)
	svc := core.NewService(db)
	a := core.Actor{Source: "bench"}
	given := core.Requisites{INN: "7707083893", KPP: "773601001", OGRN: "1027700132195",
		ShortName: "Общество с ограниченной ответственностью «Вектор-50001»"}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rep, err := svc.VerifyRequisites(context.Background(), a, given, 0)
		if err != nil || len(rep.Duplicates) != 1 {
			b.Fatalf("duplicates = %v, %v", rep.Duplicates, err)
		}
	}
}

// BenchmarkCachedRegistryLookup: verifying requisites whose registry
// answer is in the cache (checks, the cached answer, the comparison and the
// duplicate search) — no registry call. Target: under 100 µs.
func BenchmarkCachedRegistryLookup(b *testing.B) {
	db, err := bolt.Open(filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	reg := &benchRegistry{}
	svc := core.NewService(db, core.WithRegistries(reg))
	a := core.Actor{Source: "bench"}
	given := core.Requisites{INN: "7707083893", KPP: "773601001"}
	if _, err := svc.VerifyRequisites(context.Background(), a, given, 0); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := svc.VerifyRequisites(context.Background(), a, given, 0); err != nil {
			b.Fatal(err)
		}
	}
	if reg.calls != 1 {
		b.Fatalf("the registry was called %d times; the cache should answer", reg.calls)
	}
}
