package storetest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

func init() {
	register("Clients/Get", testClientsGet)
	register("Clients/NotFound", testClientsNotFound)
	register("Clients/Exists", testClientsExists)
	register("Clients/UpdateMovesIndexes", testClientsUpdateMovesIndexes)
	register("Clients/Search", testClientsSearch)
	register("Clients/SearchDefaultLimit", testClientsSearchDefaultLimit)
	register("Clients/LongName", testClientsLongName)
	register("Clients/ByNameKey", testClientsByNameKey)
	register("Clients/CheckedBefore", testClientsCheckedBefore)
}

func newTestClient(inn, kpp, ogrn, short string) *core.Client {
	return &core.Client{Kind: core.KindForINN(inn), INN: inn, KPP: kpp, OGRN: ogrn, ShortName: short,
		Verification: core.Verification{Status: core.Unverified}}
}

func testClientNames(cs []*core.Client) []string {
	var names []string
	for _, c := range cs {
		names = append(names, c.Name())
	}
	return names
}

// seedTestClients opens a store with a few well-known clients.
func seedTestClients(t *testing.T, open Opener) (core.Store, []*core.Client) {
	t.Helper()
	s, _ := newStore(t, open)
	cs := []*core.Client{
		newTestClient("7707083893", "773601001", "1027700132195", "ПАО «Сбербанк»"),
		newTestClient("7707083893", "784243001", "1027700132195", "Северо-Западный банк ПАО Сбербанк"),
		newTestClient("7736207543", "770401001", "1027700229193", "ООО «Яндекс»"),
		newTestClient("500100732259", "", "304500116000157", "ИП Иванов Иван Иванович"),
		newTestClient("7710140679", "771301001", "1027739642281", "АО «Тинькофф Банк»"),
	}
	cs[2].FullName = "Общество с ограниченной ответственностью «ЯНДЕКС»"
	cs[0].Accounts = []core.BankAccount{{BIK: "044525225", Account: "30301810000006000001"}}
	cs[0].Contacts = []core.Contact{{Name: "Пётр Петров", Phone: "+7 495 500-55-50"}}
	update(t, s, func(tx core.Tx) error {
		for _, c := range cs {
			if err := tx.CreateClient(c); err != nil {
				return err
			}
		}
		return nil
	})
	return s, cs
}

func testClientsGet(t *testing.T, open Opener) {
	s, cs := seedTestClients(t, open)
	view(t, s, func(tx core.Tx) error {
		got, err := tx.ClientByID(cs[0].ID)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, cs[0]) {
			t.Fatalf("ClientByID = %+v, want %+v", got, cs[0])
		}
		if got, err := tx.ClientByINN("7707083893", "784243001"); err != nil || got.ID != cs[1].ID {
			t.Fatalf("ClientByINN(branch) = %v, %v", got, err)
		}
		if got, err := tx.ClientByINN("500100732259", ""); err != nil || got.ID != cs[3].ID {
			t.Fatalf("ClientByINN(IP) = %v, %v", got, err)
		}
		if got, err := tx.ClientByOGRN("1027700132195"); err != nil || got.ID != cs[0].ID {
			t.Fatalf("ClientByOGRN = %v, %v; want the head office (the earliest stored)", got, err)
		}
		all, err := tx.ClientsByINN("7707083893")
		if err != nil {
			return err
		}
		if got, want := testClientNames(all), []string{"ПАО «Сбербанк»", "Северо-Западный банк ПАО Сбербанк"}; !slices.Equal(got, want) {
			t.Fatalf("ClientsByINN = %v, want %v (by KPP)", got, want)
		}
		// A prefix of an INN is not the INN; no INN is nothing.
		for _, inn := range []string{"770708389", ""} {
			if all, err := tx.ClientsByINN(inn); err != nil || all == nil || len(all) != 0 {
				t.Fatalf("ClientsByINN(%q) = %v, %v; want an empty list", inn, all, err)
			}
		}
		return nil
	})
}

func testClientsNotFound(t *testing.T, open Opener) {
	s, _ := seedTestClients(t, open)
	view(t, s, func(tx core.Tx) error {
		for i, fn := range []func() (*core.Client, error){
			func() (*core.Client, error) { return tx.ClientByID(99) },
			func() (*core.Client, error) { return tx.ClientByINN("7707083893", "") },
			func() (*core.Client, error) { return tx.ClientByINN("7707083893", "000000000") },
			func() (*core.Client, error) { return tx.ClientByOGRN("1027700000000") },
			func() (*core.Client, error) { return tx.ClientByOGRN("") },
		} {
			c, err := fn()
			if c != nil {
				t.Errorf("lookup %d returned a client with %v", i, err)
			}
			wantCodeKey(t, err, core.ENOTFOUND, "err.client.not_found")
		}
		return nil
	})
	err := s.Update(context.Background(), func(tx core.Tx) error { return tx.UpdateClient(&core.Client{ID: 99}) })
	wantCodeKey(t, err, core.ENOTFOUND, "err.client.not_found")
}

func testClientsExists(t *testing.T, open Opener) {
	s, cs := seedTestClients(t, open)
	err := s.Update(context.Background(), func(tx core.Tx) error {
		return tx.CreateClient(newTestClient("7707083893", "773601001", "", "Дубль"))
	})
	wantCodeKey(t, err, core.ECONFLICT, "err.client.exists")
	if e := err.(*core.Error); e.Args["INN"] != "7707083893" || e.Args["KPP"] != "773601001" {
		t.Fatalf("args = %v", e.Args)
	}
	err = s.Update(context.Background(), func(tx core.Tx) error {
		c := *cs[1]
		c.KPP = cs[0].KPP
		return tx.UpdateClient(&c)
	})
	wantCodeKey(t, err, core.ECONFLICT, "err.client.exists")
	// Saving a client unchanged is not a conflict with itself.
	update(t, s, func(tx core.Tx) error { return tx.UpdateClient(cs[1]) })
}

func testClientsUpdateMovesIndexes(t *testing.T, open Opener) {
	s, cs := seedTestClients(t, open)
	y := cs[2]
	update(t, s, func(tx core.Tx) error {
		y.INN, y.KPP, y.OGRN = "7704414297", "770401001", "1177746348444"
		y.ShortName, y.FullName = "ООО «Яндекс.Такси»", ""
		return tx.UpdateClient(y)
	})
	view(t, s, func(tx core.Tx) error {
		if _, err := tx.ClientByINN("7736207543", "770401001"); !core.IsNotFound(err) {
			t.Errorf("old INN still indexed: %v", err)
		}
		if _, err := tx.ClientByOGRN("1027700229193"); !core.IsNotFound(err) {
			t.Errorf("old OGRN still indexed: %v", err)
		}
		if got, err := tx.ClientByINN("7704414297", "770401001"); err != nil || got.ShortName != y.ShortName {
			t.Errorf("ClientByINN(new) = %v, %v", got, err)
		}
		if got, err := tx.ClientByOGRN("1177746348444"); err != nil || got.ID != y.ID {
			t.Errorf("ClientByOGRN(new) = %v, %v", got, err)
		}
		if got, err := tx.ClientsByNameKey(core.NameKey("Общество с ограниченной ответственностью «ЯНДЕКС»")); err != nil || len(got) != 0 {
			t.Errorf("old full name's key still indexed: %v, %v", testClientNames(got), err)
		}
		for _, tt := range []struct {
			q    string
			want []string
		}{
			{"такси", []string{"ООО «Яндекс.Такси»"}},
			{"ответственност", nil}, // the full name is gone
			{"773620", nil},
			{"770441", []string{"ООО «Яндекс.Такси»"}},
		} {
			cs, err := tx.SearchClients(tt.q, 0)
			if err != nil {
				return err
			}
			if got := testClientNames(cs); !slices.Equal(got, tt.want) {
				t.Errorf("SearchClients(%q) = %v, want %v", tt.q, got, tt.want)
			}
		}
		return nil
	})
	// The old INN and KPP are free again.
	update(t, s, func(tx core.Tx) error {
		return tx.CreateClient(newTestClient("7736207543", "770401001", "1027700229193", "ООО «Яндекс»"))
	})
}

func testClientsSearch(t *testing.T, open Opener) {
	s, _ := seedTestClients(t, open)
	view(t, s, func(tx core.Tx) error {
		for _, tt := range []struct {
			query string
			limit int
			want  []string
		}{
			{"сбербанк", 0, []string{"ПАО «Сбербанк»", "Северо-Западный банк ПАО Сбербанк"}},
			{"  «СБЕРБАНК» ", 0, []string{"ПАО «Сбербанк»", "Северо-Западный банк ПАО Сбербанк"}},
			{"банк", 1, []string{"АО «Тинькофф Банк»"}},
			{"банк", 0, []string{"АО «Тинькофф Банк»", "ПАО «Сбербанк»", "Северо-Западный банк ПАО Сбербанк"}},
			{"ответственностью", 0, []string{"ООО «Яндекс»"}}, // the full name
			{"иван", 0, []string{"ИП Иванов Иван Иванович"}},
			{"7707", 0, []string{"ПАО «Сбербанк»", "Северо-Западный банк ПАО Сбербанк"}}, // an INN prefix
			{"7 7", 0, []string{"АО «Тинькофф Банк»", "ООО «Яндекс»", "ПАО «Сбербанк»", "Северо-Западный банк ПАО Сбербанк"}},
			{"77", 2, []string{"АО «Тинькофф Банк»", "ООО «Яндекс»"}},
			{"5001007", 0, []string{"ИП Иванов Иван Иванович"}},
			{"500100732259", 0, []string{"ИП Иванов Иван Иванович"}},
			{"5001007322591", 0, nil},
			{"0101", 0, nil}, // digits are never a name fragment
			{"альфа", 0, nil},
			{"%", 0, nil}, // no pattern characters
			{"_", 0, nil},
			{"", 2, []string{"АО «Тинькофф Банк»", "ИП Иванов Иван Иванович"}},
		} {
			cs, err := tx.SearchClients(tt.query, tt.limit)
			if err != nil {
				return err
			}
			if got := testClientNames(cs); !slices.Equal(got, tt.want) {
				t.Errorf("SearchClients(%q, %d) = %v, want %v", tt.query, tt.limit, got, tt.want)
			}
		}
		return nil
	})
}

// testClientINN is a made-up ten-digit INN starting with 77, unique for i.
func testClientINN(i int) string { return fmt.Sprintf("77%08d", i) }

func testClientsSearchDefaultLimit(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	update(t, s, func(tx core.Tx) error {
		for i := range 30 {
			// Names not in ID order, some equal: the order is name, then ID.
			name := fmt.Sprintf("ООО «Вектор-%d»", (i*7)%13)
			if err := tx.CreateClient(newTestClient(testClientINN(i), "770101001", "", name)); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx core.Tx) error {
		for _, q := range []string{"-", "77"} {
			cs, err := tx.SearchClients(q, 0)
			if err != nil {
				return err
			}
			if len(cs) != 20 {
				t.Errorf("SearchClients(%q) returned %d, want the default 20", q, len(cs))
			}
			for i := 1; i < len(cs); i++ {
				a, b := core.NormalizeName(cs[i-1].Name()), core.NormalizeName(cs[i].Name())
				if a > b || (a == b && cs[i-1].ID > cs[i].ID) {
					t.Errorf("SearchClients(%q): %q (%d) before %q (%d)", q, a, cs[i-1].ID, b, cs[i].ID)
				}
			}
		}
		return nil
	})
}

func testClientsLongName(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	long := "ООО «" + strings.Repeat("Ромашка", 300) + "»" // 4,000+ bytes
	c := newTestClient("7707083893", "773601001", "", long)
	c.FullName = strings.Repeat("Я", 20_000) // past any index key limit
	update(t, s, func(tx core.Tx) error { return tx.CreateClient(c) })
	view(t, s, func(tx core.Tx) error {
		for _, q := range []string{"ооо ромашкаромашка", "яяяя"} {
			cs, err := tx.SearchClients(q, 0)
			if err != nil {
				return err
			}
			if len(cs) != 1 || cs[0].ShortName != long {
				t.Errorf("SearchClients(%q) = %d clients", q, len(cs))
			}
		}
		got, err := tx.ClientByID(c.ID)
		if err != nil {
			return err
		}
		if got.FullName != c.FullName {
			t.Errorf("the long full name was not kept")
		}
		return nil
	})
}

func testClientsByNameKey(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	a := newTestClient("7707083893", "773601001", "", "ООО «Ромашка»")
	b := newTestClient("7736207543", "770401001", "", "Ромашка-Юг")
	b.FullName = "Общество с ограниченной ответственностью «Ромашка Юг»" // the same key: listed once
	c := newTestClient("7710140679", "771301001", "", "ООО «Василёк»")
	c.FullName = "ООО «Ромашка»" // its full name is a's short name
	update(t, s, func(tx core.Tx) error {
		for _, x := range []*core.Client{a, b, c} {
			if err := tx.CreateClient(x); err != nil {
				return err
			}
		}
		return nil
	})
	ids := func(cs []*core.Client) []int64 {
		var out []int64
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	view(t, s, func(tx core.Tx) error {
		for _, tt := range []struct {
			name string
			want []int64
		}{
			{"ООО «Ромашка»", []int64{a.ID, c.ID}},
			{"Общество с ограниченной ответственностью «РОМАШКА»", []int64{a.ID, c.ID}},
			{"Ромашка Юг", []int64{b.ID}},
			{"ООО «Василёк»", []int64{c.ID}},
			{"ООО «Лютик»", nil},
		} {
			k := core.NameKey(tt.name)
			cs, err := tx.ClientsByNameKey(k)
			if err != nil {
				return err
			}
			if got := ids(cs); !slices.Equal(got, tt.want) {
				t.Errorf("ClientsByNameKey(%q) = %v, want %v (in ID order)", k, got, tt.want)
			}
		}
		if cs, err := tx.ClientsByNameKey(""); err != nil || cs == nil || len(cs) != 0 {
			t.Errorf("ClientsByNameKey(\"\") = %v, %v; want an empty list", cs, err)
		}
		return nil
	})
	// A renamed client leaves its old key.
	update(t, s, func(tx core.Tx) error {
		a.ShortName = "ООО «Лютик»"
		return tx.UpdateClient(a)
	})
	view(t, s, func(tx core.Tx) error {
		for name, want := range map[string][]int64{"ООО «Ромашка»": {c.ID}, "ООО «Лютик»": {a.ID}} {
			cs, err := tx.ClientsByNameKey(core.NameKey(name))
			if err != nil {
				return err
			}
			if got := ids(cs); !slices.Equal(got, want) {
				t.Errorf("after the rename, ClientsByNameKey(%q) = %v, want %v", name, got, want)
			}
		}
		return nil
	})
}

func testClientsCheckedBefore(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	day := func(d int) time.Time { return time.Date(2026, 11, d, 9, 0, 0, 0, time.UTC) }
	var ids []int64
	update(t, s, func(tx core.Tx) error {
		for i, v := range []core.Verification{
			{Status: core.Verified, At: day(3)}, {Status: core.Unverified}, {Status: core.ProblemsFound, At: day(1)},
			{Status: core.Verified, At: day(20)}, {Status: core.Verified, At: day(3)},
		} {
			c := &core.Client{Kind: core.KindLegal, INN: []string{"7707083893", "7736207543", "7736050003", "1234567894", "7710140679"}[i],
				ShortName: "К" + strconv.Itoa(i), Verification: v}
			if err := tx.CreateClient(c); err != nil {
				return err
			}
			ids = append(ids, c.ID)
		}
		return nil
	})
	due := func(limit int) (got []int64) {
		view(t, s, func(tx core.Tx) error {
			cs, err := tx.ClientsCheckedBefore(day(10), limit)
			for _, c := range cs {
				got = append(got, c.ID)
			}
			return err
		})
		return got
	}
	if got, want := due(10), []int64{ids[2], ids[0], ids[4]}; !slices.Equal(got, want) {
		t.Fatalf("due = %v, want %v: the oldest check first, ties by ID, no unverified client", got, want)
	}
	if got, want := due(2), []int64{ids[2], ids[0]}; !slices.Equal(got, want) {
		t.Fatalf("due with limit 2 = %v, want %v", got, want)
	}
	if got, want := due(0), []int64{ids[2], ids[0], ids[4]}; !slices.Equal(got, want) {
		t.Fatalf("due with no limit = %v, want %v", got, want)
	}
	// A new check moves a client out; a merged client leaves the index.
	update(t, s, func(tx core.Tx) error {
		c, err := tx.ClientByID(ids[2])
		if err != nil {
			return err
		}
		c.Verification.At = day(15)
		if err := tx.UpdateClient(c); err != nil {
			return err
		}
		for _, id := range []int64{ids[0], ids[4]} {
			c, err = tx.ClientByID(id)
			if err != nil {
				return err
			}
			c.MergedInto = ids[3]
			if err := tx.UpdateClient(c); err != nil {
				return err
			}
		}
		return nil
	})
	if got := due(10); len(got) != 0 {
		t.Fatalf("due after the updates = %v, want none", got)
	}
}
