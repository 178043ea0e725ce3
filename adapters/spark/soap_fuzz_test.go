package spark_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dealdesk/dealdesk/adapters/spark"
	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/core/registrytest"
	"github.com/dealdesk/dealdesk/core/requisite"
)

// fuzzINNs are the INNs a fuzzed lookup asks for: companies and a sole
// proprietor the fixtures describe, and one they do not.
var fuzzINNs = []string{sberINN, ipINN, liquidatedINN, starsINN, missingINN}

func reportMethod(inn string) string {
	if len(inn) == 12 {
		return "GetEntrepreneurShortReport"
	}
	return "GetCompanyShortReport"
}

// soapBody is the envelope writeSOAP answers with.
func soapBody(method, result, xmlData string) string {
	w := httptest.NewRecorder()
	writeSOAP(w, method, result, xmlData)
	return w.Body.String()
}

// direct hands a client's requests to a handler in the same goroutine,
// without a network: fuzzing stays fast, and its coverage is not blurred
// by a server's goroutines.
type direct struct{ h http.Handler }

func (d direct) RoundTrip(r *http.Request) (*http.Response, error) {
	w := httptest.NewRecorder()
	d.h.ServeHTTP(w, r)
	if r.Body != nil {
		_ = r.Body.Close()
	}
	resp := w.Result()
	resp.Request = r
	return resp, nil
}

// fuzzLookup looks inn up in a fake SPARK whose report calls answer with
// answer, with a new client (a fresh session and circuit breaker) that
// does not retry, and checks the outcome.
func fuzzLookup(t *testing.T, f *fakeSpark, inn string, answer func(w http.ResponseWriter)) {
	f.onCall(func(w http.ResponseWriter, _ *http.Request, method string, _ int) bool {
		if method != reportMethod(inn) {
			return false
		}
		answer(w)
		return true
	})
	c := newClient(t, f, func(c *spark.Config) {
		c.MaxRetries = -1
		c.HTTPClient = &http.Client{Transport: direct{f}}
	})
	rec, err := c.Lookup(context.Background(), inn, "")
	checkLookup(t, inn, rec, err)
}

var statuses = []core.CompanyStatus{core.StatusActive, core.StatusLiquidating, core.StatusLiquidated,
	core.StatusBankrupt, core.StatusReorganizing, core.StatusUnknown}

// checkLookup checks a lookup's outcome against core.Registry's contract
// and the mapping's promises: the record is of the INN asked for, its
// values are SPARK's trimmed ("*", outside the subscription, is unknown)
// and its codes are core's.
func checkLookup(t *testing.T, inn string, rec *core.RegistryRecord, err error) {
	t.Helper()
	if err != nil {
		registrytest.CheckError(t, spark.Name, testPassword, inn, rec, err)
		return
	}
	kind := core.KindLegal
	if len(inn) == 12 {
		kind = core.KindIndividual
	}
	if rec.Source != spark.Name || rec.Kind != kind || rec.INN != inn || requisite.INN(rec.INN) != nil ||
		!rec.FetchedAt.Equal(fetchedAt) || rec.Partial || rec.Branch {
		t.Fatalf("Lookup(%s) = %+v", inn, rec)
	}
	if kind == core.KindIndividual && rec.KPP != "" {
		t.Fatalf("Lookup(%s): a sole proprietor with KPP %q", inn, rec.KPP)
	}
	if !slices.Contains(statuses, rec.Status) {
		t.Fatalf("Lookup(%s): status %q", inn, rec.Status)
	}
	if !rec.LiquidatedAt.IsZero() && rec.Status != core.StatusLiquidated {
		t.Fatalf("Lookup(%s): liquidated on %v while %s", inn, rec.LiquidatedAt, rec.Status)
	}
	for _, d := range []time.Time{rec.RegisteredAt, rec.LiquidatedAt} {
		if !d.IsZero() && (d.Location() != time.UTC || d.Hour() != 0 || d.Minute() != 0 || d.Second() != 0 || d.Nanosecond() != 0) {
			t.Fatalf("Lookup(%s): date %v is not a calendar day", inn, d)
		}
	}
	texts := []string{rec.KPP, rec.OGRN, rec.ShortName, rec.FullName, rec.Address, rec.Director, rec.DirectorPost,
		rec.StatusText, rec.OKVED, rec.OKVEDName}
	for _, r := range rec.Risks {
		if !slices.Contains(core.Risks, r.Code) {
			t.Fatalf("Lookup(%s): risk %q", inn, r.Code)
		}
		texts = append(texts, r.Text)
	}
	for _, s := range texts {
		if s == "*" || s != strings.TrimSpace(s) || !utf8.ValidString(s) {
			t.Fatalf("Lookup(%s): value %q in %+v", inn, s, rec)
		}
	}
	registrytest.CheckStorable(t, rec)
}

// FuzzLookupReport fuzzes the result text and the xmlData document of a
// report answer; the envelope around them is SPARK's.
func FuzzLookupReport(f *testing.F) {
	for i, inn := range fuzzINNs {
		f.Add(uint8(i), "True", map[string]string{sberINN: sberDoc, ipINN: ipDoc, liquidatedINN: liquidatedDoc, starsINN: starsDoc}[inn])
	}
	for _, s := range [][2]string{
		{"False", notFoundDoc}, {"True", emptyDoc}, {"Authentication error", authErrorDoc}, {"Access denied", ""},
		{"False", `<Response><ResultInfo ResultType="Limit exceeded" ExecutionTime="3"/></Response>`},
		{"Invalid parameter value", ""}, {"True", ""}, {"", ""}, {"True", "not XML"},
		{"True", statusDoc(sberINN, `IsActing="0" Code="31" Type="Ликвидировано" Date="2021-03-15"`)},
		{"True", statusDoc(sberINN, `Type="В стадии ликвидации" Date="2021-03-15T10:00:00"`)},
		{"True", statusDoc(sberINN, `Code="24"`)},
		{"True", statusDoc("", `IsActing="true"`)},
		{"True", statusDoc(" "+sberINN+" ", `Type="*"`)},
		{"True", statusDoc("7707083894", `IsActing="1"`)},
		{"True", `<Response><Data><Report><INN>` + sberINN},
		{"True", `<?xml version="1.0" encoding="windows-1251"?><Response><Data><Report><INN>` + sberINN + `</INN></Report></Data></Response>`},
		{"True", `<Response><Data><Report><INN>*</INN><KPP> * </KPP><IncludeInList><ListName IsNegative="1">  </ListName></IncludeInList>` +
			`<IndexOfDueDiligence Index="99999999999999999999"/><CompanyWithSameInfo><AddressCount>-5</AddressCount></CompanyWithSameInfo></Report></Data></Response>`},
	} {
		f.Add(uint8(0), s[0], s[1])
	}
	fake := newFake(f)
	f.Fuzz(func(t *testing.T, who uint8, result, doc string) {
		inn := fuzzINNs[int(who)%len(fuzzINNs)]
		fuzzLookup(t, fake, inn, func(w http.ResponseWriter) { writeSOAP(w, reportMethod(inn), result, doc) })
	})
}

// FuzzLookupEnvelope fuzzes the whole HTTP answer to a report call.
func FuzzLookupEnvelope(f *testing.F) {
	for i, inn := range fuzzINNs {
		doc := map[string]string{sberINN: sberDoc, ipINN: ipDoc, liquidatedINN: liquidatedDoc, starsINN: starsDoc}[inn]
		f.Add(uint8(i), false, soapBody(reportMethod(inn), "True", doc))
	}
	for _, s := range []string{
		soapBody(reportMethod(sberINN), "False", notFoundDoc),
		soapBody(reportMethod(sberINN), "Authentication error", authErrorDoc),
		soapBody("Authmethod", "True", ""),
		"<html><body>Service Unavailable</body></html>", "",
		`<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>`,
		`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body/></soap:Envelope>`,
		`<Envelope><Body><GetCompanyShortReportResponse><GetCompanyShortReportResult>True</GetCompanyShortReportResult>` +
			`<xmlData><![CDATA[<Response><Data><Report><INN>7707083893</INN></Report></Data></Response>]]></xmlData>` +
			`</GetCompanyShortReportResponse></Body></Envelope>`,
		`<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><GetCompanyShortReportResponse>` +
			`<xmlData>&lt;Response&gt;&lt;Data&gt;&lt;Report/&gt;&lt;/Data&gt;&lt;/Response&gt;</xmlData></GetCompanyShortReportResponse></soap:Body></soap:Envelope>`,
	} {
		f.Add(uint8(0), false, s)
	}
	f.Add(uint8(0), true, faultBody)
	f.Add(uint8(0), true, "Internal Server Error")
	fake := newFake(f)
	f.Fuzz(func(t *testing.T, who uint8, serverError bool, body string) {
		inn := fuzzINNs[int(who)%len(fuzzINNs)]
		fuzzLookup(t, fake, inn, func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/xml; charset=utf-8")
			if serverError {
				w.WriteHeader(http.StatusInternalServerError)
			}
			_, _ = io.WriteString(w, body)
		})
	})
}
