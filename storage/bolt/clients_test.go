package bolt_test

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

func newClient(inn, kpp, ogrn, short string) *core.Client {
	return &core.Client{Kind: core.KindForINN(inn), INN: inn, KPP: kpp, OGRN: ogrn, ShortName: short,
		Verification: core.Verification{Status: core.Unverified}}
}

func clientNames(cs []*core.Client) []string {
	var names []string
	for _, c := range cs {
		names = append(names, c.Name())
	}
	return names
}

// seedClients opens a database with a few well-known clients.
func seedClients(t *testing.T) (*bolt.DB, []*core.Client) {
	t.Helper()
	db := MustOpenDB(t)
	cs := []*core.Client{
		newClient("7707083893", "773601001", "1027700132195", "ПАО «Сбербанк»"),
		newClient("7707083893", "784243001", "1027700132195", "Северо-Западный банк ПАО Сбербанк"),
		newClient("7736207543", "770401001", "1027700229193", "ООО «Яндекс»"),
		newClient("500100732259", "", "304500116000157", "ИП Иванов Иван Иванович"),
		newClient("7710140679", "771301001", "1027739642281", "АО «Тинькофф Банк»"),
	}
	cs[2].FullName = "Общество с ограниченной ответственностью «ЯНДЕКС»"
	cs[0].Accounts = []core.BankAccount{{BIK: "044525225", Account: "30301810000006000001"}}
	cs[0].Contacts = []core.Contact{{Name: "Пётр Петров", Phone: "+7 495 500-55-50"}}
	MustUpdate(t, db, func(tx core.Tx) error {
		for _, c := range cs {
			if err := tx.CreateClient(c); err != nil {
				return err
			}
		}
		return nil
	})
	return db, cs
}

func TestClients_Get(t *testing.T) {
	db, cs := seedClients(t)
	MustView(t, db, func(tx core.Tx) error {
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
			t.Fatalf("ClientByOGRN = %v, %v; want the head office", got, err)
		}
		all, err := tx.ClientsByINN("7707083893")
		if err != nil {
			return err
		}
		if got, want := clientNames(all), []string{"ПАО «Сбербанк»", "Северо-Западный банк ПАО Сбербанк"}; !equal(got, want) {
			t.Fatalf("ClientsByINN = %v, want %v", got, want)
		}
		// A prefix of an INN is not the INN.
		if all, err := tx.ClientsByINN("770708389"); err != nil || len(all) != 0 {
			t.Fatalf("ClientsByINN(prefix) = %v, %v", all, err)
		}
		return nil
	})
}

func TestClients_NotFound(t *testing.T) {
	db, _ := seedClients(t)
	MustView(t, db, func(tx core.Tx) error {
		for _, fn := range []func() (*core.Client, error){
			func() (*core.Client, error) { return tx.ClientByID(99) },
			func() (*core.Client, error) { return tx.ClientByINN("7707083893", "") },
			func() (*core.Client, error) { return tx.ClientByINN("7707083893", "000000000") },
			func() (*core.Client, error) { return tx.ClientByOGRN("1027700000000") },
			func() (*core.Client, error) { return tx.ClientByOGRN("") },
		} {
			_, err := fn()
			CheckCode(t, err, core.ENOTFOUND, "err.client.not_found")
		}
		return nil
	})
	err := db.Update(t.Context(), func(tx core.Tx) error { return tx.UpdateClient(&core.Client{ID: 99}) })
	CheckCode(t, err, core.ENOTFOUND, "err.client.not_found")
}

func TestClients_Exists(t *testing.T) {
	db, cs := seedClients(t)
	err := db.Update(t.Context(), func(tx core.Tx) error {
		return tx.CreateClient(newClient("7707083893", "773601001", "", "Дубль"))
	})
	CheckCode(t, err, core.ECONFLICT, "err.client.exists")
	if e := err.(*core.Error); e.Args["INN"] != "7707083893" || e.Args["KPP"] != "773601001" {
		t.Fatalf("args = %v", e.Args)
	}
	err = db.Update(t.Context(), func(tx core.Tx) error {
		c := *cs[1]
		c.KPP = cs[0].KPP
		return tx.UpdateClient(&c)
	})
	CheckCode(t, err, core.ECONFLICT, "err.client.exists")
	// Saving a client unchanged is not a conflict with itself.
	MustUpdate(t, db, func(tx core.Tx) error { return tx.UpdateClient(cs[1]) })
}

func TestClients_UpdateMovesIndexes(t *testing.T) {
	db, cs := seedClients(t)
	y := cs[2]
	MustUpdate(t, db, func(tx core.Tx) error {
		y.INN, y.KPP, y.OGRN = "7704414297", "770401001", "1177746348444"
		y.ShortName, y.FullName = "ООО «Яндекс.Такси»", ""
		return tx.UpdateClient(y)
	})
	MustView(t, db, func(tx core.Tx) error {
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
		for q, want := range map[string][]string{
			"такси":          {"ООО «Яндекс.Такси»"},
			"ответственност": nil, // the full name is gone
			"773620":         nil,
			"770441":         {"ООО «Яндекс.Такси»"},
		} {
			cs, err := tx.SearchClients(q, 0)
			if err != nil {
				return err
			}
			if got := clientNames(cs); !equal(got, want) {
				t.Errorf("SearchClients(%q) = %v, want %v", q, got, want)
			}
		}
		return nil
	})
	// The old INN and KPP are free again.
	MustUpdate(t, db, func(tx core.Tx) error {
		return tx.CreateClient(newClient("7736207543", "770401001", "1027700229193", "ООО «Яндекс»"))
	})
}

func TestClients_Search(t *testing.T) {
	db, _ := seedClients(t)
	MustView(t, db, func(tx core.Tx) error {
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
			{"0101", 0, nil}, // digits are never a name fragment
			{"альфа", 0, nil},
			{"", 2, []string{"АО «Тинькофф Банк»", "ИП Иванов Иван Иванович"}},
		} {
			cs, err := tx.SearchClients(tt.query, tt.limit)
			if err != nil {
				return err
			}
			if got := clientNames(cs); !equal(got, tt.want) {
				t.Errorf("SearchClients(%q, %d) = %v, want %v", tt.query, tt.limit, got, tt.want)
			}
		}
		return nil
	})
}

func TestClients_SearchDefaultLimit(t *testing.T) {
	db := MustOpenDB(t)
	MustUpdate(t, db, func(tx core.Tx) error {
		for i := range 30 {
			c := newClient(testINN(i), "770101001", "", companyName(i))
			if err := tx.CreateClient(c); err != nil {
				return err
			}
		}
		return nil
	})
	MustView(t, db, func(tx core.Tx) error {
		for _, q := range []string{"-", "77"} {
			cs, err := tx.SearchClients(q, 0)
			if err != nil {
				return err
			}
			if len(cs) != bolt.DefaultSearchLimit {
				t.Errorf("SearchClients(%q) returned %d, want %d", q, len(cs), bolt.DefaultSearchLimit)
			}
			for i := 1; i < len(cs); i++ {
				if a, b := core.NormalizeName(cs[i-1].Name()), core.NormalizeName(cs[i].Name()); a > b {
					t.Errorf("SearchClients(%q): %q before %q", q, a, b)
				}
			}
		}
		return nil
	})
}

func TestClients_LongName(t *testing.T) {
	db := MustOpenDB(t)
	long := "ООО «" + strings.Repeat("Ромашка", 300) + "»" // 4,000+ bytes
	c := newClient("7707083893", "773601001", "", long)
	c.FullName = strings.Repeat("Я", 20_000) // past the bbolt key limit if it were a key
	MustUpdate(t, db, func(tx core.Tx) error { return tx.CreateClient(c) })
	MustView(t, db, func(tx core.Tx) error {
		for _, q := range []string{"ооо ромашкаромашка", "яяяя"} {
			cs, err := tx.SearchClients(q, 0)
			if err != nil {
				return err
			}
			if len(cs) != 1 || cs[0].ShortName != long {
				t.Errorf("SearchClients(%q) = %d clients", q, len(cs))
			}
		}
		return nil
	})
}

func TestClientsCheckedBefore(t *testing.T) {
	db := MustOpenDB(t)
	day := func(d int) time.Time { return time.Date(2026, 11, d, 9, 0, 0, 0, time.UTC) }
	var ids []int64
	MustUpdate(t, db, func(tx core.Tx) error {
		for i, v := range []core.Verification{
			{Status: core.Verified, At: day(3)}, {Status: core.Unverified}, {Status: core.ProblemsFound, At: day(1)},
			{Status: core.Verified, At: day(20)},
		} {
			c := &core.Client{Kind: core.KindLegal, INN: []string{"7707083893", "7736207543", "7736050003", "1234567894"}[i],
				ShortName: "К" + strconv.Itoa(i), Verification: v}
			if err := tx.CreateClient(c); err != nil {
				return err
			}
			ids = append(ids, c.ID)
		}
		return nil
	})
	due := func() (got []int64) {
		MustView(t, db, func(tx core.Tx) error {
			cs, err := tx.ClientsCheckedBefore(day(10), 10)
			for _, c := range cs {
				got = append(got, c.ID)
			}
			return err
		})
		return got
	}
	if got := due(); !slices.Equal(got, []int64{ids[2], ids[0]}) {
		t.Fatalf("due = %v, want the oldest check first and no unverified client", got)
	}
	// A new check moves a client out; a merged client leaves the index.
	MustUpdate(t, db, func(tx core.Tx) error {
		c, _ := tx.ClientByID(ids[2])
		c.Verification.At = day(15)
		if err := tx.UpdateClient(c); err != nil {
			return err
		}
		c, _ = tx.ClientByID(ids[0])
		c.MergedInto = ids[3]
		return tx.UpdateClient(c)
	})
	if got := due(); len(got) != 0 {
		t.Fatalf("due after the updates = %v, want none", got)
	}
}
