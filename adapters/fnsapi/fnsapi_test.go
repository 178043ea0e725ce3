package fnsapi_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/adapters/fnsapi"
	"github.com/dealdesk/dealdesk/core"
)

// The fixtures in testdata are egr and check answers in API-ФНС's wire
// format as its public clients read it. Sberbank's record is built from
// its public registry data; the sole proprietor and the liquidated
// company are made up, with valid INN and OGRN checksums.

const testKey = "f3a9c0d1e2b3a4958677889900aabbccddeeff00"

var fetched = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

type fixedClock struct{}

func (fixedClock) Now() time.Time { return fetched }

type handler func(w http.ResponseWriter, r *http.Request, n int)

// request is what the fake server saw.
type request struct {
	Method, Path string
	Query        url.Values
	Header       http.Header
}

// Server is a fake API-ФНС with a handler per method; n counts the
// method's requests from 1.
type Server struct {
	*httptest.Server
	mu         sync.Mutex
	requests   []request
	egr, check handler
	counts     map[string]int
}

// NewServer starts a fake API-ФНС answering egr and check.
func NewServer(tb testing.TB, egr, check handler) *Server {
	tb.Helper()
	s := &Server{egr: egr, check: check, counts: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests = append(s.requests, request{r.Method, r.URL.Path, r.URL.Query(), r.Header.Clone()})
		s.counts[r.URL.Path]++
		n := s.counts[r.URL.Path]
		s.mu.Unlock()
		switch r.URL.Path {
		case "/api/egr":
			s.egr(w, r, n)
		case "/api/check":
			s.check(w, r, n)
		default:
			http.NotFound(w, r)
		}
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
func MustNewClient(tb testing.TB, s *Server, log io.Writer, edit func(*fnsapi.Config)) *fnsapi.Client {
	tb.Helper()
	cfg := fnsapi.Config{
		BaseURL:   s.URL + "/api/",
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
	return fnsapi.New(cfg, zerolog.New(log))
}

// fixture answers with a file from testdata.
func fixture(tb testing.TB, name string) handler {
	tb.Helper()
	body, err := os.ReadFile("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	return answer(http.StatusOK, string(body))
}

// answer answers with a status and a body.
func answer(status int, body string) handler {
	return func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

func day(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, core.Location(core.DefaultTimeZone))
}

// MustHaveError fails unless err is a core.Error with code and key and
// the argument Source "fnsapi".
func MustHaveError(tb testing.TB, err error, code, key string) *core.Error {
	tb.Helper()
	var e *core.Error
	if !errors.As(err, &e) {
		tb.Fatalf("got %v, want a core.Error %s %s", err, code, key)
	}
	if e.Code != code || e.Key != key || e.Args["Source"] != "fnsapi" {
		tb.Fatalf("got %s %s %v (%v), want %s %s Source=fnsapi", e.Code, e.Key, e.Args, err, code, key)
	}
	return e
}

// sameRecord compares records, times by instant.
func sameRecord(tb testing.TB, got, want core.RegistryRecord) {
	tb.Helper()
	for _, p := range []struct{ g, w *time.Time }{
		{&got.RegisteredAt, &want.RegisteredAt}, {&got.LiquidatedAt, &want.LiquidatedAt}, {&got.FetchedAt, &want.FetchedAt},
	} {
		if !p.g.Equal(*p.w) {
			tb.Errorf("time: got %v, want %v", *p.g, *p.w)
		}
		*p.g, *p.w = time.Time{}, time.Time{}
	}
	if !reflect.DeepEqual(got, want) {
		tb.Errorf("got  %+v\nwant %+v", got, want)
	}
}

// sberbank is the record egr_sberbank.json and check_sberbank.json give.
var sberbank = core.RegistryRecord{
	Source: "fnsapi", Kind: core.KindLegal, INN: "7707083893", KPP: "773601001", OGRN: "1027700132195",
	ShortName: "ПАО СБЕРБАНК", FullName: `ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО "СБЕРБАНК РОССИИ"`,
	Address:  "г. Москва, ул. Вавилова, д.19",
	Director: "Греф Герман Оскарович", DirectorPost: "ПРЕЗИДЕНТ, ПРЕДСЕДАТЕЛЬ ПРАВЛЕНИЯ",
	RegisteredAt: day(2002, 8, 16), Status: core.StatusActive, StatusText: "Действующее",
	OKVED: "64.19", OKVEDName: "Денежное посредничество прочее", FetchedAt: fetched,
}

// lookups are the fixtures with the record each should give.
var lookups = []struct {
	name, egr, check, inn, kpp string
	want                       core.RegistryRecord
}{
	{name: "Sberbank", egr: "egr_sberbank.json", check: "check_sberbank.json", inn: "7707083893", want: sberbank},
	// API-ФНС knows head offices only: a branch's KPP gets the head office.
	{name: "branch", egr: "egr_sberbank.json", check: "check_sberbank.json", inn: "7707083893", kpp: "784243001", want: sberbank},
	{
		name: "sole proprietor", egr: "egr_individual.json", check: "check_individual.json", inn: "500100732259",
		want: core.RegistryRecord{
			Source: "fnsapi", Kind: core.KindIndividual, INN: "500100732259", OGRN: "304500116000050",
			ShortName: "ИП Иванова Мария Петровна", FullName: "Иванова Мария Петровна",
			Address: "Московская обл., г. Балашиха", Director: "Иванова Мария Петровна",
			RegisteredAt: day(2004, 3, 18), Status: core.StatusActive, StatusText: "Действующий",
			OKVED: "47.91", OKVEDName: "Торговля розничная по почте или по информационно-коммуникационной сети Интернет",
			Risks:     []core.RiskFlag{{Code: core.RiskNoReporting, Text: "Не представляет налоговую отчетность более года"}},
			FetchedAt: fetched,
		},
	},
	{
		name: "liquidated", egr: "egr_liquidated.json", check: "check_liquidated.json", inn: "7728123459",
		want: core.RegistryRecord{
			Source: "fnsapi", Kind: core.KindLegal, INN: "7728123459", KPP: "772801001", OGRN: "1157746123457",
			ShortName: `ООО "РОМАШКА"`, FullName: `ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "РОМАШКА"`,
			Address:      "г. Москва, ул. Профсоюзная, д.65",
			RegisteredAt: day(2015, 6, 10), LiquidatedAt: day(2021, 3, 15),
			Status: core.StatusLiquidated, StatusText: "Ликвидировано",
			OKVED: "62.01", OKVEDName: "Разработка компьютерного программного обеспечения",
			Risks: []core.RiskFlag{
				{Code: core.RiskBlockedAccounts, Text: "Имеются действующие решения о приостановлении операций по счетам"},
				{Code: core.RiskOther, Text: "Учредитель дисквалифицирован в другой компании"},
				{Code: core.RiskTaxDebt, Text: "Имеется задолженность по уплате налогов более 1000 руб."},
				{Code: core.RiskOther, Text: "Среднесписочная численность работников — 0 человек"},
				{Code: core.RiskMassAddress, Text: "Адрес массовой регистрации: по адресу зарегистрировано 56 ЮЛ"},
				{Code: core.RiskUnreliableDirector, Text: "Сведения о руководителе недостоверны (запись от 2020-09-01)"},
				{Code: core.RiskOther, Text: "РискНалогПроверки"},
				{Code: core.RiskLiquidation, Text: "Юридическое лицо ликвидировано (2021-03-15)"},
			},
			FetchedAt: fetched,
		},
	},
}

func TestLookup(t *testing.T) {
	for _, tt := range lookups {
		t.Run(tt.name, func(t *testing.T) {
			s := NewServer(t, fixture(t, tt.egr), fixture(t, tt.check))
			got, err := MustNewClient(t, s, nil, nil).Lookup(context.Background(), tt.inn, tt.kpp)
			if err != nil {
				t.Fatal(err)
			}
			sameRecord(t, *got, tt.want)
			reqs := s.Requests()
			if len(reqs) != 2 {
				t.Fatalf("got %d requests, want egr and check", len(reqs))
			}
			for i, path := range []string{"/api/egr", "/api/check"} {
				r := reqs[i]
				want := url.Values{"req": {tt.inn}, "key": {testKey}}
				if r.Method != http.MethodGet || r.Path != path || !reflect.DeepEqual(r.Query, want) {
					t.Errorf("got %s %s %v, want GET %s %v", r.Method, r.Path, r.Query, path, want)
				}
				if r.Header.Get("Authorization") != "" {
					t.Errorf("%s: the key goes in the query string only", path)
				}
			}
		})
	}
}

// egrWith is an egr answer for a company with the given Статус.
func egrWith(status string) string {
	return `{"items":[{"ЮЛ":{"ИНН":"7728123459","НаимПолнЮЛ":"ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ \"ТЕСТ\"","Статус":"` + status + `"}}]}`
}

func TestLookup_Status(t *testing.T) {
	for _, tt := range []struct {
		text string
		want core.CompanyStatus
	}{
		{"Действующее", core.StatusActive},
		{"Действующий", core.StatusActive},
		{"Находится в стадии ликвидации", core.StatusLiquidating},
		{"Действующее, принято решение о ликвидации", core.StatusLiquidating},
		{"Ликвидировано", core.StatusLiquidated},
		{"Ликвидировано в связи с банкротством", core.StatusLiquidated},
		{"Исключено из ЕГРЮЛ как недействующее", core.StatusLiquidated},
		{"Прекратил деятельность в связи с принятием им соответствующего решения", core.StatusLiquidated},
		{"Прекращение деятельности путем реорганизации в форме присоединения", core.StatusLiquidated},
		{"Находится в процессе банкротства", core.StatusBankrupt},
		{"В процессе реорганизации в форме присоединения к другому юрлицу", core.StatusReorganizing},
		{"Недействующее", core.StatusUnknown},
		{"Сведения отсутствуют", core.StatusUnknown},
		{"", core.StatusUnknown},
	} {
		t.Run(tt.text, func(t *testing.T) {
			s := NewServer(t, answer(http.StatusOK, egrWith(tt.text)), fixture(t, "check_sberbank.json"))
			got, err := MustNewClient(t, s, nil, nil).Lookup(context.Background(), "7728123459", "")
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != tt.want || got.StatusText != tt.text {
				t.Errorf("got %q %q, want %q", got.Status, got.StatusText, tt.want)
			}
			// No short name in the register: the full one stands in.
			if got.ShortName != got.FullName || got.FullName == "" {
				t.Errorf("names: %q %q", got.ShortName, got.FullName)
			}
		})
	}
}

func TestLookup_Risks(t *testing.T) {
	for key, want := range map[string]core.Risk{
		"ДисквРук": core.RiskDisqualifiedDirector, "ДисквРукДр": core.RiskDisqualifiedDirector,
		"МассАдрес": core.RiskMassAddress, "РеестрМассАдрес": core.RiskMassAddress,
		"МассРук": core.RiskMassDirector, "РеестрМассРук": core.RiskMassDirector,
		"МассУчр": core.RiskMassFounder, "РеестрМассУчр": core.RiskMassFounder, "РеестрМассРукУчр": core.RiskMassFounder,
		"НедостоверАдрес": core.RiskUnreliableAddress, "НедостоверРук": core.RiskUnreliableDirector,
		"НедостоверУчр": core.RiskUnreliableFounder,
		"ЗадолжНалог":   core.RiskTaxDebt, "НедоимкаНалог": core.RiskTaxDebt, "ЗадолженностьЕНС": core.RiskTaxDebt,
		"БлокСчета": core.RiskBlockedAccounts, "БлокировкаСчетов": core.RiskBlockedAccounts,
		"ПриостановкаОпераций": core.RiskBlockedAccounts,
		"Банкрот": core.RiskBankruptcy, "БанкротНамерение": core.RiskBankruptcy,
		"Статус": core.RiskLiquidation, "РешЛикв": core.RiskLiquidation,
		"НеПредостОтч": core.RiskNoReporting, "РегНедавно": core.RiskRecentlyRegistered,
		"СменаРег": core.RiskOther, "Текст": core.RiskOther,
	} {
		t.Run(key, func(t *testing.T) {
			check := `{"items":[{"ЮЛ":{"ИНН":"7728123459","Негатив":{"` + key + `":"текст реестра"}}}]}`
			s := NewServer(t, answer(http.StatusOK, egrWith("Действующее")), answer(http.StatusOK, check))
			got, err := MustNewClient(t, s, nil, nil).Lookup(context.Background(), "7728123459", "")
			if err != nil {
				t.Fatal(err)
			}
			if w := []core.RiskFlag{{Code: want, Text: "текст реестра"}}; !reflect.DeepEqual(got.Risks, w) {
				t.Errorf("got %v, want %v", got.Risks, w)
			}
		})
	}
}

// TestLookup_Tolerant checks answers whose fields have another type or
// shape than the usual one.
func TestLookup_Tolerant(t *testing.T) {
	egr := `[{"items":[{"ЮЛ":{"ИНН":7707083893,"ОГРН":1027700132195,"КПП":"773601001","НаимСокрЮЛ":"ПАО СБЕРБАНК",` +
		`"НаимПолнЮЛ":["?"],"ДатаОГРН":"16.08.2002","Статус":{"Код":"001"},"Адрес":"г. Москва, ул. Вавилова, д.19",` +
		`"Руководитель":[{"ФИОПолн":"Греф Герман Оскарович","Должн":"ПРЕЗИДЕНТ"}],"ОснВидДеят":"Денежное посредничество прочее",` +
		`"Новое":{"x":1}}}],"Count":1}]`
	check := `{"items":[{"ЮЛ":{"Негатив":{"МассАдрес":["1027700000000","1027700000001"],"РегНедавно":false,` +
		`"НедостоверАдрес":null,"ЗадолжНалог":0,"БлокСчета":1,"Банкрот":{},"Текст":"Обнаружено 2 негативных признака"}}}]}`
	s := NewServer(t, answer(http.StatusOK, egr), answer(http.StatusOK, check))
	got, err := MustNewClient(t, s, nil, nil).Lookup(context.Background(), "7707083893", "")
	if err != nil {
		t.Fatal(err)
	}
	sameRecord(t, *got, core.RegistryRecord{
		Source: "fnsapi", Kind: core.KindLegal, INN: "7707083893", KPP: "773601001", OGRN: "1027700132195",
		ShortName: "ПАО СБЕРБАНК", Address: "г. Москва, ул. Вавилова, д.19",
		Director: "Греф Герман Оскарович", DirectorPost: "ПРЕЗИДЕНТ", RegisteredAt: day(2002, 8, 16),
		Status: core.StatusUnknown, OKVEDName: "Денежное посредничество прочее", FetchedAt: fetched,
		Risks: []core.RiskFlag{{Code: core.RiskBlockedAccounts, Text: "БлокСчета"}, {Code: core.RiskMassAddress, Text: "МассАдрес"}},
	})
}

func TestLookup_NotFound(t *testing.T) {
	s := NewServer(t, answer(http.StatusOK, `{"items":[],"Count":0}`), fixture(t, "check_sberbank.json"))
	rec, err := MustNewClient(t, s, nil, nil).Lookup(context.Background(), "7728123459", "")
	e := MustHaveError(t, err, core.ENOTFOUND, core.ErrRegistryNotFound)
	if rec != nil || e.Args["INN"] != "7728123459" {
		t.Errorf("got %v %v, want no record and INN 7728123459", rec, e.Args)
	}
	if n := len(s.Requests()); n != 1 {
		t.Errorf("got %d requests, want egr only", n)
	}
}

// TestLookup_CheckFails checks that a failed check keeps egr's record,
// marked partial with no risks claimed, and logs why.
func TestLookup_CheckFails(t *testing.T) {
	for name, check := range map[string]handler{
		"down":      answer(http.StatusServiceUnavailable, `<html>503 Service Temporarily Unavailable</html>`),
		"malformed": answer(http.StatusOK, `{"items":[{"ЮЛ":{"Негатив":{"МассАдрес":`),
		"not found": answer(http.StatusOK, `{"items":[]}`),
		"quota":     answer(http.StatusOK, `{"error":"Превышен лимит запросов по ключу"}`),
	} {
		t.Run(name, func(t *testing.T) {
			var log bytes.Buffer
			s := NewServer(t, fixture(t, "egr_sberbank.json"), check)
			got, err := MustNewClient(t, s, &log, nil).Lookup(context.Background(), "7707083893", "")
			if err != nil {
				t.Fatal(err)
			}
			if got.ShortName != "ПАО СБЕРБАНК" || !got.Partial || len(got.Risks) != 0 {
				t.Errorf("got %q partial=%v risks=%v, want Sberbank, partial, no risks", got.ShortName, got.Partial, got.Risks)
			}
			if !strings.Contains(log.String(), `"level":"warn"`) || !strings.Contains(log.String(), "check") {
				t.Errorf("no warning logged: %s", log.String())
			}
			if strings.Contains(log.String(), testKey) {
				t.Errorf("the key leaks into the log: %s", log.String())
			}
		})
	}
}

func TestLookup_Errors(t *testing.T) {
	for _, tt := range []struct {
		name   string
		status int
		body   string
		key    string
	}{
		{"bad key 401", http.StatusUnauthorized, `{"error":"Неверный ключ"}`, core.ErrRegistryAuth},
		{"bad key 403", http.StatusForbidden, `Ошибка: ключ не найден`, core.ErrRegistryAuth},
		{"quota 403", http.StatusForbidden, `{"error":"\u0418\u0441\u0447\u0435\u0440\u043f\u0430\u043d \u043b\u0438\u043c\u0438\u0442 \u0437\u0430\u043f\u0440\u043e\u0441\u043e\u0432"}`, core.ErrRegistryQuota},
		{"payment required", http.StatusPaymentRequired, ``, core.ErrRegistryQuota},
		{"quota 200", http.StatusOK, `{"error":"Превышен лимит запросов по ключу ` + testKey + `"}`, core.ErrRegistryQuota},
		{"bad key 200", http.StatusOK, `Ошибка: неверный ключ`, core.ErrRegistryAuth},
		{"html", http.StatusOK, `<html><body>Технические работы</body></html>`, core.ErrRegistryBadAnswer},
		{"truncated", http.StatusOK, `{"items":[{"ЮЛ":{"ИНН":"77070`, core.ErrRegistryBadAnswer},
		{"no items", http.StatusOK, `{"Count":0}`, core.ErrRegistryBadAnswer},
		{"neither ЮЛ nor ИП", http.StatusOK, `{"items":[{"ФЛ":{"ИНН":"7707083893"}}]}`, core.ErrRegistryBadAnswer},
		{"no such method", http.StatusNotFound, `<html>404 Not Found</html>`, core.ErrRegistryBadAnswer},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var log bytes.Buffer
			s := NewServer(t, answer(tt.status, tt.body), fixture(t, "check_sberbank.json"))
			_, err := MustNewClient(t, s, &log, nil).Lookup(context.Background(), "7707083893", "")
			MustHaveError(t, err, core.EUNAVAILABLE, tt.key)
			if n := len(s.Requests()); n != 1 {
				t.Errorf("got %d requests, want 1 (not retried, no check)", n)
			}
			if strings.Contains(err.Error(), testKey) || strings.Contains(log.String(), testKey) {
				t.Errorf("the key leaks: %v\n%s", err, log.String())
			}
		})
	}
}
