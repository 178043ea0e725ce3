package dadata_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/adapters/dadata"
	"github.com/dealdesk/dealdesk/core"
)

// The fixtures in testdata are findById/party answers in DaData's wire
// format. Sberbank's is built from its public registry data; the branch,
// the sole proprietor and the liquidated company are made up, with valid
// INN and OGRN checksums.

const testKey = "0123456789abcdef0123456789abcdef01234567"

// basePath is the path of DaData's suggestions API root.
const basePath = "/suggestions/api/4_1/rs/"

var fetched = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

type fixedClock struct{}

func (fixedClock) Now() time.Time { return fetched }

// request is what the fake server saw.
type request struct {
	Method, Path string
	Header       http.Header
	Body         map[string]any
}

// Server is a fake DaData: it records requests and answers with the
// handler the test sets.
type Server struct {
	*httptest.Server
	mu       sync.Mutex
	requests []request
	handler  func(w http.ResponseWriter, r *http.Request, n int)
}

// NewServer starts a fake DaData answering with h; n counts requests from 1.
func NewServer(tb testing.TB, h func(w http.ResponseWriter, r *http.Request, n int)) *Server {
	tb.Helper()
	s := &Server{handler: h}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		_ = json.Unmarshal(raw, &body)
		s.mu.Lock()
		s.requests = append(s.requests, request{r.Method, r.URL.Path, r.Header.Clone(), body})
		n := len(s.requests)
		s.mu.Unlock()
		s.handler(w, r, n)
	}))
	tb.Cleanup(s.Close)
	return s
}

// Requests returns the requests seen so far.
func (s *Server) Requests() []request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]request(nil), s.requests...)
}

// MustNewClient returns a client of s with fast retries; edit changes cfg.
func MustNewClient(tb testing.TB, s *Server, log io.Writer, edit func(*dadata.Config)) *dadata.Client {
	tb.Helper()
	cfg := dadata.Config{
		BaseURL:   s.URL + basePath,
		APIKey:    testKey,
		Timeout:   2 * time.Second,
		RetryWait: 5 * time.Millisecond,
		Clock:     fixedClock{},
	}
	if edit != nil {
		edit(&cfg)
	}
	if log == nil {
		log = io.Discard
	}
	return dadata.New(cfg, zerolog.New(log))
}

// fixture answers with a file from testdata.
func fixture(tb testing.TB, name string) func(http.ResponseWriter, *http.Request, int) {
	tb.Helper()
	body, err := os.ReadFile("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	return answer(http.StatusOK, string(body))
}

// answer answers with a status and a JSON body.
func answer(status int, body string) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// lookups are the fixtures with the request each should send and the
// record each should give.
var lookups = []struct {
	name, file, inn, kpp string
	wantBody             map[string]any
	want                 core.RegistryRecord
}{
	{
		name: "Sberbank", file: "sberbank.json", inn: "7707083893",
		wantBody: map[string]any{"query": "7707083893", "branch_type": "MAIN", "count": 1.0},
		want: core.RegistryRecord{
			Source: "dadata", Kind: core.KindLegal, INN: "7707083893", KPP: "773601001", OGRN: "1027700132195",
			ShortName: "ПАО СБЕРБАНК", FullName: `ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО "СБЕРБАНК РОССИИ"`,
			Address:  "117312, г Москва, Академический р-н, ул Вавилова, д 19",
			Director: "Греф Герман Оскарович", DirectorPost: "ПРЕЗИДЕНТ, ПРЕДСЕДАТЕЛЬ ПРАВЛЕНИЯ",
			RegisteredAt: day(2002, 8, 16), Status: core.StatusActive, StatusText: "ACTIVE",
			OKVED: "64.19", FetchedAt: fetched,
		},
	},
	{
		name: "branch", file: "branch.json", inn: "7707083893", kpp: "784243001",
		wantBody: map[string]any{"query": "7707083893", "kpp": "784243001", "count": 1.0},
		want: core.RegistryRecord{
			Source: "dadata", Kind: core.KindLegal, INN: "7707083893", KPP: "784243001", OGRN: "1027700132195",
			ShortName: "СЕВЕРО-ЗАПАДНЫЙ БАНК ПАО СБЕРБАНК", FullName: "СЕВЕРО-ЗАПАДНЫЙ БАНК ПАО СБЕРБАНК",
			Address:  "191124, г Санкт-Петербург, р-н Центральный, ул Красного Текстильщика, д 2",
			Director: "Иванов Сергей Петрович", DirectorPost: "ПРЕДСЕДАТЕЛЬ",
			RegisteredAt: day(2002, 8, 16), Status: core.StatusActive, StatusText: "ACTIVE",
			Branch: true, FetchedAt: fetched,
		},
	},
	{
		name: "sole proprietor", file: "individual.json", inn: "500100732259",
		wantBody: map[string]any{"query": "500100732259", "count": 1.0},
		want: core.RegistryRecord{
			Source: "dadata", Kind: core.KindIndividual, INN: "500100732259", OGRN: "304500116000050",
			ShortName: "ИП Иванова Мария Петровна", FullName: "Индивидуальный предприниматель Иванова Мария Петровна",
			Address: "143900, Московская обл, г Балашиха", Director: "Иванова Мария Петровна",
			RegisteredAt: day(2004, 3, 18), Status: core.StatusActive, StatusText: "ACTIVE",
			OKVED: "47.91", OKVEDName: "Торговля розничная по почте или по информационно-коммуникационной сети Интернет",
			FetchedAt: fetched,
		},
	},
	{
		name: "liquidated", file: "liquidated.json", inn: "7728123459",
		wantBody: map[string]any{"query": "7728123459", "branch_type": "MAIN", "count": 1.0},
		want: core.RegistryRecord{
			Source: "dadata", Kind: core.KindLegal, INN: "7728123459", KPP: "772801001", OGRN: "1157746123457",
			ShortName: `ООО "РОМАШКА"`, FullName: `ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "РОМАШКА"`,
			Address:  "117342, г Москва, р-н Коньково, ул Профсоюзная, д 65",
			Director: "Петров Петр Петрович", DirectorPost: "ЛИКВИДАТОР",
			RegisteredAt: day(2015, 6, 10), LiquidatedAt: day(2021, 3, 15),
			Status: core.StatusLiquidated, StatusText: "LIQUIDATED", OKVED: "62.01", FetchedAt: fetched,
		},
	},
}

func TestLookup(t *testing.T) {
	for _, tt := range lookups {
		t.Run(tt.name, func(t *testing.T) {
			s := NewServer(t, fixture(t, tt.file))
			got, err := MustNewClient(t, s, nil, nil).Lookup(context.Background(), tt.inn, tt.kpp)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", *got, tt.want)
			}
			reqs := s.Requests()
			if len(reqs) != 1 {
				t.Fatalf("got %d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Method != http.MethodPost || r.Path != basePath+"findById/party" {
				t.Errorf("got %s %s, want POST %sfindById/party", r.Method, r.Path, basePath)
			}
			for h, want := range map[string]string{
				"Authorization": "Token " + testKey, "Content-Type": "application/json", "Accept": "application/json",
			} {
				if got := r.Header.Get(h); got != want {
					t.Errorf("header %s: got %q, want %q", h, got, want)
				}
			}
			if !reflect.DeepEqual(r.Body, tt.wantBody) {
				t.Errorf("body: got %v, want %v", r.Body, tt.wantBody)
			}
		})
	}
}

// party is a minimal answer with the given state.status.
func party(status string) string {
	return `{"suggestions":[{"value":"ООО \"ТЕСТ\"","unrestricted_value":"ООО \"ТЕСТ\"","data":{"inn":"7728123459",` +
		`"type":"LEGAL","state":{"status":` + status + `,"code":null}}}]}`
}

func TestLookup_Status(t *testing.T) {
	for _, tt := range []struct {
		raw      string
		want     core.CompanyStatus
		wantText string
	}{
		{`"ACTIVE"`, core.StatusActive, "ACTIVE"},
		{`"LIQUIDATING"`, core.StatusLiquidating, "LIQUIDATING"},
		{`"LIQUIDATED"`, core.StatusLiquidated, "LIQUIDATED"},
		{`"BANKRUPT"`, core.StatusBankrupt, "BANKRUPT"},
		{`"REORGANIZING"`, core.StatusReorganizing, "REORGANIZING"},
		{`"SUSPENDED"`, core.StatusUnknown, "SUSPENDED"},
		{`null`, core.StatusUnknown, ""},
	} {
		t.Run(tt.raw, func(t *testing.T) {
			s := NewServer(t, answer(http.StatusOK, party(tt.raw)))
			got, err := MustNewClient(t, s, nil, nil).Lookup(context.Background(), "7728123459", "")
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != tt.want || got.StatusText != tt.wantText {
				t.Errorf("got %q %q, want %q %q", got.Status, got.StatusText, tt.want, tt.wantText)
			}
			if got.ShortName != `ООО "ТЕСТ"` || got.FullName != "" || !got.RegisteredAt.IsZero() {
				t.Errorf("got %+v: names fall back to value, the full name and dates stay unknown", got)
			}
		})
	}
}

// TestLookup_Tolerant checks that fields of an unexpected type or shape
// are skipped without losing the rest of the record.
func TestLookup_Tolerant(t *testing.T) {
	body := `{"suggestions":[{"value":"ПАО СБЕРБАНК","data":{"inn":"7707083893","kpp":"773601001",` +
		`"type":"LEGAL","ogrn_date":"1029456000000","management":"Греф Г.О.","okveds":"n/a","new_field":{"x":[1,2]},` +
		`"name":{"full_with_opf":"ПАО \"СБЕРБАНК РОССИИ\"","short_with_opf":12},"state":{"status":"ACTIVE","liquidation_date":"n/a"},` +
		`"address":{"value":"г Москва, ул Вавилова, д 19"}}}],"extra":true}`
	s := NewServer(t, answer(http.StatusOK, body))
	got, err := MustNewClient(t, s, nil, nil).Lookup(context.Background(), "7707083893", "")
	if err != nil {
		t.Fatal(err)
	}
	want := core.RegistryRecord{
		Source: "dadata", Kind: core.KindLegal, INN: "7707083893", KPP: "773601001",
		ShortName: "ПАО СБЕРБАНК", FullName: `ПАО "СБЕРБАНК РОССИИ"`, Address: "г Москва, ул Вавилова, д 19",
		RegisteredAt: day(2002, 8, 16), Status: core.StatusActive, StatusText: "ACTIVE", FetchedAt: fetched,
	}
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("got  %+v\nwant %+v", *got, want)
	}
}

// MustHaveError fails unless err is a core.Error with code and key and
// the argument Source "dadata".
func MustHaveError(tb testing.TB, err error, code, key string) *core.Error {
	tb.Helper()
	var e *core.Error
	if !errors.As(err, &e) {
		tb.Fatalf("got %v, want a core.Error %s %s", err, code, key)
	}
	if e.Code != code || e.Key != key || e.Args["Source"] != "dadata" {
		tb.Fatalf("got %s %s %v (%v), want %s %s Source=dadata", e.Code, e.Key, e.Args, err, code, key)
	}
	return e
}

func TestLookup_NotFound(t *testing.T) {
	s := NewServer(t, answer(http.StatusOK, `{"suggestions":[]}`))
	rec, err := MustNewClient(t, s, nil, nil).Lookup(context.Background(), "7728123459", "")
	e := MustHaveError(t, err, core.ENOTFOUND, core.ErrRegistryNotFound)
	if rec != nil || e.Args["INN"] != "7728123459" || !core.IsNotFound(err) {
		t.Errorf("got %v %v, want no record and INN 7728123459", rec, e.Args)
	}
	if n := len(s.Requests()); n != 1 {
		t.Errorf("got %d requests, want 1 (not found is not retried)", n)
	}
}

func TestLookup_Errors(t *testing.T) {
	for _, tt := range []struct {
		name   string
		status int
		body   string
		key    string
	}{
		{"bad key", http.StatusUnauthorized, `{"family":"CLIENT_ERROR","reason":"Unauthorized","message":"Invalid API key"}`, core.ErrRegistryAuth},
		{"forbidden", http.StatusForbidden, `{"family":"CLIENT_ERROR","reason":"Forbidden","message":"Forbidden"}`, core.ErrRegistryAuth},
		{"daily quota", http.StatusForbidden, `{"family":"CLIENT_ERROR","reason":"Forbidden","message":"Feature 'SUGGESTIONS' disabled for token ` + testKey + `"}`, core.ErrRegistryQuota},
		{"payment required", http.StatusPaymentRequired, `{"family":"CLIENT_ERROR","reason":"Payment Required"}`, core.ErrRegistryQuota},
		{"bad request", http.StatusBadRequest, `{"family":"CLIENT_ERROR","reason":"Bad Request","message":"Invalid JSON"}`, core.ErrRegistryBadAnswer},
		{"html", http.StatusOK, `<html><body>maintenance</body></html>`, core.ErrRegistryBadAnswer},
		{"truncated", http.StatusOK, `{"suggestions":[{"value":"ПАО СБЕР`, core.ErrRegistryBadAnswer},
		{"no suggestions", http.StatusOK, `{"family":"SERVER_ERROR"}`, core.ErrRegistryBadAnswer},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var log bytes.Buffer
			s := NewServer(t, answer(tt.status, tt.body))
			_, err := MustNewClient(t, s, &log, nil).Lookup(context.Background(), "7707083893", "")
			MustHaveError(t, err, core.EUNAVAILABLE, tt.key)
			if n := len(s.Requests()); n != 1 {
				t.Errorf("got %d requests, want 1 (not retried)", n)
			}
			if strings.Contains(err.Error(), testKey) || strings.Contains(log.String(), testKey) {
				t.Errorf("the key leaks: %v\n%s", err, log.String())
			}
		})
	}
}

// TestLookup_UnknownBranchKPP: with a KPP no branch has, DaData answers
// nothing; the client then asks for the head office, whose record shows
// the KPP difference rather than "not found".
func TestLookup_UnknownBranchKPP(t *testing.T) {
	sber := fixture(t, "sberbank.json")
	s := NewServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			answer(http.StatusOK, `{"suggestions":[]}`)(w, r, n)
			return
		}
		sber(w, r, n)
	})
	got, err := MustNewClient(t, s, nil, nil).Lookup(context.Background(), "7707083893", "999999999")
	if err != nil || got.KPP != "773601001" {
		t.Fatalf("Lookup = %+v, %v; want the head office", got, err)
	}
	reqs := s.Requests()
	if len(reqs) != 2 || reqs[0].Body["kpp"] != "999999999" || reqs[1].Body["kpp"] != nil || reqs[1].Body["branch_type"] != "MAIN" {
		t.Fatalf("requests = %+v", reqs)
	}
}
