package dadata_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/adapters/dadata"
	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/core/registrytest"
	"github.com/dealdesk/dealdesk/core/requisite"
)

// direct hands a client's requests to a handler in the same goroutine,
// without a network: fuzzing stays fast, and its coverage is not blurred
// by a server's goroutines.
type direct func(w http.ResponseWriter, r *http.Request)

func (d direct) RoundTrip(r *http.Request) (*http.Response, error) {
	w := httptest.NewRecorder()
	d(w, r)
	if r.Body != nil {
		_ = r.Body.Close()
	}
	resp := w.Result()
	resp.Request = r
	return resp, nil
}

// fuzzLookups are what a fuzzed lookup asks for: the fixtures' INNs and
// KPPs, with and without a KPP.
var fuzzLookups = [][2]string{
	{"7707083893", ""}, {"7707083893", "784243001"}, {"500100732259", ""}, {"7728123459", ""}, {"7728123459", "772801001"},
}

var companyStatuses = []core.CompanyStatus{core.StatusActive, core.StatusLiquidating, core.StatusLiquidated,
	core.StatusBankrupt, core.StatusReorganizing, core.StatusUnknown}

// FuzzLookup answers findById/party with a fuzzed body (and, for a second
// request, the head office after a branch that is not there, the same
// body) and checks the lookup's outcome against core.Registry's contract
// and the mapping's promises.
func FuzzLookup(f *testing.F) {
	for i, name := range []string{"sberbank.json", "branch.json", "individual.json", "liquidated.json"} {
		body, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i), body)
	}
	for _, s := range []string{
		party(`"ACTIVE"`), party(`"SUSPENDED"`), party(`null`), party(`"bankrupt"`),
		`{"suggestions":[]}`, `{"suggestions":null}`, `{}`, `{"family":"SERVER_ERROR"}`, `[]`, `null`, ``, `<html><body>maintenance</body></html>`,
		`{"suggestions":[{"value":"ПАО СБЕР`,
		`{"suggestions":[{"value":"ПАО СБЕРБАНК","data":{"inn":"7707083893","kpp":"773601001",` +
			`"type":"LEGAL","ogrn_date":"1029456000000","management":"Греф Г.О.","okveds":"n/a","new_field":{"x":[1,2]},` +
			`"name":{"full_with_opf":"ПАО \"СБЕРБАНК РОССИИ\"","short_with_opf":12},"state":{"status":"ACTIVE","liquidation_date":"n/a"},` +
			`"address":{"value":"г Москва, ул Вавилова, д 19"}}}],"extra":true}`,
		`{"suggestions":[{"data":{"inn":"7707083893","okved":"64.19","okveds":[{"main":true,"code":"64.92"},{"main":true,"code":"64.19","name":"x"}]}}]}`,
	} {
		f.Add(uint8(0), []byte(s))
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		ask := fuzzLookups[int(which)%len(fuzzLookups)]
		inn, kpp := ask[0], ask[1]
		var log strings.Builder
		c := dadata.New(dadata.Config{
			BaseURL: "http://dadata.invalid" + basePath, APIKey: testKey, MaxRetries: -1, Clock: fixedClock{},
			HTTPClient: &http.Client{Transport: direct(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json;charset=UTF-8")
				_, _ = w.Write(body)
			})},
		}, zerolog.New(&log).Level(zerolog.DebugLevel))
		rec, err := c.Lookup(context.Background(), inn, kpp)
		if strings.Contains(log.String(), testKey) {
			t.Fatalf("the key is in the log: %s", log.String())
		}
		if err != nil {
			registrytest.CheckError(t, dadata.Name, testKey, inn, rec, err)
			return
		}
		if rec.Source != dadata.Name || !rec.FetchedAt.Equal(fetched) || rec.Partial || len(rec.Risks) != 0 {
			t.Fatalf("Lookup(%s, %s) = %+v", inn, kpp, rec)
		}
		// The record is the one of the INN asked for.
		if rec.INN != inn || requisite.INN(rec.INN) != nil {
			t.Fatalf("Lookup(%s, %s) = a record of INN %q", inn, kpp, rec.INN)
		}
		if !slices.Contains(companyStatuses, rec.Status) || rec.Kind != core.KindLegal && rec.Kind != core.KindIndividual {
			t.Fatalf("Lookup(%s, %s): status %q, kind %q", inn, kpp, rec.Status, rec.Kind)
		}
		// Nothing is invented: a date is DaData's, the status word is
		// DaData's, and a known word gives its status.
		var a struct {
			Suggestions []struct {
				Data struct {
					State struct {
						Status json.RawMessage `json:"status"`
					} `json:"state"`
				} `json:"data"`
			} `json:"suggestions"`
		}
		if json.Unmarshal(body, &a) == nil && len(a.Suggestions) > 0 {
			var word string
			if json.Unmarshal(a.Suggestions[0].Data.State.Status, &word) == nil && word != rec.StatusText {
				t.Fatalf("Lookup(%s, %s): status text %q, DaData said %q", inn, kpp, rec.StatusText, word)
			}
		}
		if rec.StatusText == "" && rec.Status != core.StatusUnknown {
			t.Fatalf("Lookup(%s, %s): status %q from no word", inn, kpp, rec.Status)
		}
		for _, d := range []time.Time{rec.RegisteredAt, rec.LiquidatedAt} {
			if !d.IsZero() && d.Location() != time.UTC {
				t.Fatalf("Lookup(%s, %s): date %v", inn, kpp, d)
			}
		}
		registrytest.CheckStorable(t, rec)
	})
}
