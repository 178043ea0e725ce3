package fnsapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/adapters/fnsapi"
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

// fuzzINNs are the INNs a fuzzed lookup asks for: the fixtures'.
var fuzzINNs = []string{"7707083893", "500100732259", "7728123459"}

var companyStatuses = []core.CompanyStatus{core.StatusActive, core.StatusLiquidating, core.StatusLiquidated,
	core.StatusBankrupt, core.StatusReorganizing, core.StatusUnknown}

// FuzzLookup answers egr and check with fuzzed bodies and checks the
// lookup's outcome against core.Registry's contract and the mapping's
// promises.
func FuzzLookup(f *testing.F) {
	read := func(name string) []byte {
		body, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		return body
	}
	for i, name := range []string{"sberbank", "individual", "liquidated"} {
		f.Add(uint8(i), read("egr_"+name+".json"), read("check_"+name+".json"))
	}
	sber := read("egr_sberbank.json")
	for _, s := range [][2]string{
		// TestLookup_Tolerant's answers.
		{`[{"items":[{"ЮЛ":{"ИНН":7707083893,"ОГРН":1027700132195,"КПП":"773601001","НаимСокрЮЛ":"ПАО СБЕРБАНК",` +
			`"НаимПолнЮЛ":["?"],"ДатаОГРН":"16.08.2002","Статус":{"Код":"001"},"Адрес":"г. Москва, ул. Вавилова, д.19",` +
			`"Руководитель":[{"ФИОПолн":"Греф Герман Оскарович","Должн":"ПРЕЗИДЕНТ"}],"ОснВидДеят":"Денежное посредничество прочее",` +
			`"Новое":{"x":1}}}],"Count":1}]`,
			`{"items":[{"ЮЛ":{"Негатив":{"МассАдрес":["1027700000000","1027700000001"],"РегНедавно":false,` +
				`"НедостоверАдрес":null,"ЗадолжНалог":0,"БлокСчета":1,"Банкрот":{},"Текст":"Обнаружено 2 негативных признака"}}}]}`},
		{`{"items":[],"Count":0}`, `{"items":[]}`},
		{`{"error":"Превышен лимит запросов по ключу ` + testKey + `"}`, ``},
		{`Ошибка: неверный ключ`, ``}, {`<html><body>Технические работы</body></html>`, ``},
		{`{"items":[{"ЮЛ":{"ИНН":"77070`, ``}, {`{"Count":0}`, ``}, {`{"items":[{"ФЛ":{"ИНН":"7707083893"}}]}`, ``},
		{`{"items":[{"ИНН":"7707083893","НаимСокрЮЛ":"flat"}]}`, `{"items":[{"Негатив":"Сведения недостоверны"}]}`},
		{`{"items":[{"ЮЛ":{"ИНН":"7707083893","ДатаОГРН":"2002-08-16T00:00:00","ДатаПрекр":"99.99.9999","Статус":"Ликвидировано в связи с банкротством"}}]}`,
			`{"items":[{"ЮЛ":{"Негатив":{"Текст":"  "}}}]}`},
		{string(sber), `{"error":"Неверный ключ ` + testKey + `"}`},
	} {
		f.Add(uint8(0), []byte(s[0]), []byte(s[1]))
	}
	f.Fuzz(func(t *testing.T, which uint8, egr, check []byte) {
		inn := fuzzINNs[int(which)%len(fuzzINNs)]
		var log strings.Builder
		c := fnsapi.New(fnsapi.Config{
			BaseURL: "http://api-fns.invalid/api/", APIKey: testKey, MaxRetries: -1, Clock: fixedClock{},
			HTTPClient: &http.Client{Transport: direct(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				if strings.HasSuffix(r.URL.Path, "/check") {
					_, _ = w.Write(check)
				} else {
					_, _ = w.Write(egr)
				}
			})},
		}, zerolog.New(&log).Level(zerolog.DebugLevel))
		rec, err := c.Lookup(context.Background(), inn, "")
		if strings.Contains(log.String(), testKey) {
			t.Fatalf("the key is in the log: %s", log.String())
		}
		if err != nil {
			registrytest.CheckError(t, fnsapi.Name, testKey, inn, rec, err)
			return
		}
		if rec.Source != fnsapi.Name || !rec.FetchedAt.Equal(fetched) || rec.Branch {
			t.Fatalf("Lookup(%s) = %+v", inn, rec)
		}
		// The record is the one of the INN asked for.
		if rec.INN != inn || requisite.INN(rec.INN) != nil {
			t.Fatalf("Lookup(%s) = a record of INN %q", inn, rec.INN)
		}
		if !slices.Contains(companyStatuses, rec.Status) || rec.Kind != core.KindLegal && rec.Kind != core.KindIndividual {
			t.Fatalf("Lookup(%s): status %q, kind %q", inn, rec.Status, rec.Kind)
		}
		if rec.Kind == core.KindIndividual && (rec.KPP != "" || rec.ShortName != "" && rec.ShortName != "ИП "+rec.FullName) {
			t.Fatalf("Lookup(%s): a sole proprietor %+v", inn, rec)
		}
		if rec.Partial && len(rec.Risks) != 0 {
			t.Fatalf("Lookup(%s): a partial record claims risks %v", inn, rec.Risks)
		}
		for _, r := range rec.Risks {
			if !slices.Contains(core.Risks, r.Code) || r.Text == "" || r.Text != strings.TrimSpace(r.Text) {
				t.Fatalf("Lookup(%s): risk %+v", inn, r)
			}
		}
		texts := []string{rec.KPP, rec.OGRN, rec.ShortName, rec.FullName, rec.Address, rec.Director, rec.DirectorPost,
			rec.StatusText, rec.OKVED, rec.OKVEDName}
		for _, s := range texts {
			if s != strings.TrimSpace(s) {
				t.Fatalf("Lookup(%s): value %q in %+v", inn, s, rec)
			}
		}
		moscow := core.Location(core.DefaultTimeZone)
		for _, d := range []time.Time{rec.RegisteredAt, rec.LiquidatedAt} {
			if !d.IsZero() && (d.Location().String() != moscow.String() || d.Hour() != 0 || d.Minute() != 0) {
				t.Fatalf("Lookup(%s): date %v is not a day in Moscow", inn, d)
			}
		}
		registrytest.CheckStorable(t, rec)
	})
}
