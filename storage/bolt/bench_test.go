package bolt_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

// fixtureSize is the number of clients in the search fixture.
const fixtureSize = 100_000

// TestMain removes the shared benchmark fixture after the run.
func TestMain(m *testing.M) {
	code := m.Run()
	fixture.close()
	os.Exit(code)
}

// fixtureDB is a database of fixtureSize clients, built once per test
// process and shared by the read benchmarks.
type fixtureDB struct {
	once sync.Once
	dir  string
	db   *bolt.DB
	err  error
}

var fixture fixtureDB

func (f *fixtureDB) close() {
	if f.db != nil {
		_ = f.db.Close()
	}
	if f.dir != "" {
		_ = os.RemoveAll(f.dir)
	}
}

// MustFixture returns the shared database of 100,000 clients.
func MustFixture(tb testing.TB) *bolt.DB {
	tb.Helper()
	fixture.once.Do(func() {
		if fixture.dir, fixture.err = os.MkdirTemp("", "dealdesk-bench-"); fixture.err != nil {
			return
		}
		// No fsync: the fixture is built once and then only read.
		fixture.db, fixture.err = bolt.Open(filepath.Join(fixture.dir, "dealdesk.db"), bolt.WithNoSync(true))
		for start := 0; fixture.err == nil && start < fixtureSize; start += 25_000 {
			fixture.err = fixture.db.Update(context.Background(), func(tx core.Tx) error {
				for i := start; i < start+25_000; i++ {
					if err := tx.CreateClient(fixtureClient(i)); err != nil {
						return err
					}
				}
				return nil
			})
		}
	})
	if fixture.err != nil {
		tb.Fatal(fixture.err)
	}
	return fixture.db
}

var (
	legalForms = []struct{ short, full string }{
		{"ООО", "Общество с ограниченной ответственностью"},
		{"АО", "Акционерное общество"},
		{"ПАО", "Публичное акционерное общество"},
		{"ЗАО", "Закрытое акционерное общество"},
	}
	nameRoots = []string{"Ромашка", "Вектор", "Альфа", "Стройинвест", "Техснаб", "Промресурс", "Агроторг",
		"Северный ветер", "Гранит", "Меридиан", "Лазурит", "Сибирь", "Волга", "Уралмаш", "Ёлочка",
		"Дельта", "Прогресс", "Инвестстрой", "Логистик", "Энергосбыт", "Фармация", "Медтехника",
		"Транзит", "Купец", "Стандарт", "Спектр", "Орион", "Атлант", "Полюс", "Радуга"}
	nameTails = []string{"", " Плюс", " Групп", " Трейд", " Сервис", " Холдинг", " Центр", "-М", " Регион"}
)

// companyName is the i-th generated Russian company name, such as
// "ООО «Ромашка Трейд-123»". Names are unique.
func companyName(i int) string {
	form := legalForms[i%len(legalForms)]
	return fmt.Sprintf("%s «%s%s-%d»", form.short, nameRoots[i/7%len(nameRoots)], nameTails[i/3%len(nameTails)], i)
}

// fixtureClient is the i-th client of the fixture.
func fixtureClient(i int) *core.Client {
	form := legalForms[i%len(legalForms)]
	c := newClient(testINN(i), "770101001", testOGRN(i), companyName(i))
	c.FullName = fmt.Sprintf("%s «%s-%d»", form.full, nameRoots[i/7%len(nameRoots)], i)
	c.Address = "г. Москва, ул. Тверская, д. " + strconv.Itoa(i%200+1)
	c.Director = "Иванов Иван Иванович"
	c.ManagerID = int64(i%20 + 1)
	return c
}

// testINN is a valid 10-digit INN of a legal entity, unique for each i.
func testINN(i int) string {
	s := fmt.Sprintf("77%07d", i)
	w := []int{2, 4, 10, 3, 5, 9, 4, 6, 8}
	sum := 0
	for k, d := range w {
		sum += d * int(s[k]-'0')
	}
	return s + strconv.Itoa(sum%11%10)
}

// testOGRN is a 13-digit OGRN shaped number, unique for each i.
func testOGRN(i int) string { return fmt.Sprintf("10277%08d", i) }

// createDealWithAudit is the write the deal benchmarks measure: a numbered
// deal and its audit record in one transaction.
func createDealWithAudit(tx core.Tx) error {
	n, err := tx.NextSequence("deal/2026")
	if err != nil {
		return err
	}
	d := &core.Deal{Number: core.DealNumber(2026, n), ClientID: int64(n%1000 + 1), ManagerID: int64(n%20 + 1),
		Title: "Поставка оборудования", Amount: 125_000_00, Stage: core.StageNew, CreatedBy: 1}
	if err := tx.CreateDeal(d); err != nil {
		return err
	}
	return tx.AddChanges(&core.Change{ActorID: 1, Entity: core.EntityDeal, EntityID: d.ID, Field: "stage",
		New: string(d.Stage), Source: "telegram:chat/-100123/msg/42"})
}

// reportOpsPerSecond adds the throughput to the benchmark's output.
func reportOpsPerSecond(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

// BenchmarkCreateDealWithAudit measures durable (fsync) single-writer
// transactions that create a deal with its audit record.
func BenchmarkCreateDealWithAudit(b *testing.B) {
	db, err := bolt.Open(filepath.Join(b.TempDir(), "dealdesk.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	for b.Loop() {
		if err := db.Update(ctx, createDealWithAudit); err != nil {
			b.Fatal(err)
		}
	}
	reportOpsPerSecond(b)
}

// BenchmarkCreateDealWithAuditBatch is the same write from many goroutines
// through Batch, which shares one commit (and fsync) among concurrent calls.
func BenchmarkCreateDealWithAuditBatch(b *testing.B) {
	db, err := bolt.Open(filepath.Join(b.TempDir(), "dealdesk.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	b.SetParallelism(64)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := db.Batch(ctx, createDealWithAudit); err != nil {
				b.Error(err)
				return
			}
		}
	})
	reportOpsPerSecond(b)
}

// BenchmarkClientByINN looks up random clients by INN and KPP among 100,000,
// one read transaction per lookup.
func BenchmarkClientByINN(b *testing.B) {
	db := MustFixture(b)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	for b.Loop() {
		inn := testINN(rng.IntN(fixtureSize))
		err := db.View(ctx, func(tx core.Tx) error {
			_, err := tx.ClientByINN(inn, "770101001")
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSearchClients searches 100,000 clients: a name fragment that
// matches almost nothing (a full scan of the name index), a common one (stops
// at the limit) and an INN prefix.
func BenchmarkSearchClients(b *testing.B) {
	db := MustFixture(b)
	ctx := context.Background()
	for _, bb := range []struct {
		name, query string
		min         int
	}{
		{"rare_fragment", "ромашка трейд-4", 1},
		{"absent_fragment", "несуществующ", 0},
		{"common_fragment", "ёлочка", 20},
		{"inn_prefix", "77000", 20},
	} {
		b.Run(bb.name, func(b *testing.B) {
			for b.Loop() {
				err := db.View(ctx, func(tx core.Tx) error {
					cs, err := tx.SearchClients(bb.query, 20)
					if err == nil && len(cs) < bb.min {
						err = fmt.Errorf("%d results for %q, want at least %d", len(cs), bb.query, bb.min)
					}
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
