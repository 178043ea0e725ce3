package spark_test

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

const (
	soapNS       = "http://schemas.xmlsoap.org/soap/envelope/"
	ifaxNS       = "http://interfax.ru/ifax"
	sessionName  = "ASP.NET_SessionId"
	testLogin    = "dealdesk"
	testPassword = "s3cret-Pa55"
)

// fakeSpark speaks SOAP 1.1 like SPARK's ASMX service: Authmethod sets a
// session cookie, reports are answered only with a live one, and unknown
// INNs get "Data not found".
type fakeSpark struct {
	t   testing.TB
	URL string

	mu        sync.Mutex
	sessions  map[string]bool
	nextID    int
	calls     map[string]int
	params    map[string][]string // method → names of its parameters, in order
	reports   map[string]string   // INN → the document for xmlData
	intercept func(w http.ResponseWriter, r *http.Request, method string, n int) bool
}

// newFake starts a fake SPARK that knows the fixtures' INNs.
func newFake(t testing.TB) *fakeSpark {
	t.Helper()
	f := &fakeSpark{
		t:        t,
		sessions: map[string]bool{},
		calls:    map[string]int{},
		params:   map[string][]string{},
		reports: map[string]string{
			sberINN: sberDoc, ipINN: ipDoc, liquidatedINN: liquidatedDoc, starsINN: starsDoc,
		},
	}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	f.URL = srv.URL + "/IfaxWebService/iFaxWebService.asmx"
	return f
}

// onCall lets a test answer a call itself: intercept gets the request, its
// method and the number of its call (from 1) and returns true when it has
// answered.
func (f *fakeSpark) onCall(intercept func(w http.ResponseWriter, r *http.Request, method string, n int) bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.intercept = intercept
}

// setReport makes the fake answer inn with doc.
func (f *fakeSpark) setReport(inn, doc string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reports[inn] = doc
}

// expireSessions forgets every session, as SPARK does after a while.
func (f *fakeSpark) expireSessions() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.sessions)
}

// count returns how many times method was called.
func (f *fakeSpark) count(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[method]
}

// paramsOf returns the parameter names of method's last call, in order.
func (f *fakeSpark) paramsOf(method string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.params[method]
}

type soapRequest struct {
	XMLName xml.Name `xml:"http://schemas.xmlsoap.org/soap/envelope/ Envelope"`
	Body    struct {
		Call struct {
			XMLName xml.Name
			Params  []struct {
				XMLName xml.Name
				Value   string `xml:",chardata"`
			} `xml:",any"`
		} `xml:",any"`
	} `xml:"http://schemas.xmlsoap.org/soap/envelope/ Body"`
}

func (f *fakeSpark) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	method, params, ok := f.readRequest(w, r)
	if !ok {
		return
	}
	f.mu.Lock()
	f.calls[method]++
	n, intercept := f.calls[method], f.intercept
	f.mu.Unlock()
	if intercept != nil && intercept(w, r, method, n) {
		return
	}
	switch method {
	case "Authmethod":
		f.authmethod(w, params)
	case "End":
		f.mu.Lock()
		delete(f.sessions, f.sessionOf(r))
		f.mu.Unlock()
		writeSOAP(w, method, "true", "")
	case "GetCompanyShortReport", "GetEntrepreneurShortReport":
		f.report(w, r, method, params["inn"])
	default:
		writeFault(w, "soap:Client", "Server did not recognize the value of HTTP Header SOAPAction: "+method)
	}
}

// readRequest checks the HTTP and SOAP envelope like ASMX does and returns
// the method and its parameters.
func (f *fakeSpark) readRequest(w http.ResponseWriter, r *http.Request) (string, map[string]string, bool) {
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "text/xml; charset=utf-8" {
		f.t.Errorf("fake SPARK: got %s with Content-Type %q", r.Method, r.Header.Get("Content-Type"))
		http.Error(w, "unsupported media type", http.StatusUnsupportedMediaType)
		return "", nil, false
	}
	action := strings.Trim(r.Header.Get("SOAPAction"), `"`)
	method, ok := strings.CutPrefix(action, ifaxNS+"/")
	body, _ := io.ReadAll(r.Body)
	var req soapRequest
	if err := xml.Unmarshal(body, &req); err != nil || !ok ||
		req.Body.Call.XMLName != (xml.Name{Space: ifaxNS, Local: method}) {
		f.t.Errorf("fake SPARK: SOAPAction %q, envelope %s (%v)", action, body, err)
		writeFault(w, "soap:Client", "Server did not recognize the value of HTTP Header SOAPAction: "+action)
		return "", nil, false
	}
	params := map[string]string{}
	var names []string
	for _, p := range req.Body.Call.Params {
		if p.XMLName.Space != ifaxNS {
			f.t.Errorf("fake SPARK: parameter %s outside %s", p.XMLName.Local, ifaxNS)
		}
		params[p.XMLName.Local] = p.Value
		names = append(names, p.XMLName.Local)
	}
	f.mu.Lock()
	f.params[method] = names
	f.mu.Unlock()
	return method, params, true
}

func (f *fakeSpark) authmethod(w http.ResponseWriter, params map[string]string) {
	if params["Login"] != testLogin || params["Password"] != testPassword {
		writeSOAP(w, "Authmethod", "False", "")
		return
	}
	f.mu.Lock()
	f.nextID++
	id := fmt.Sprintf("sess%04d", f.nextID)
	f.sessions[id] = true
	f.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: sessionName, Value: id, Path: "/", HttpOnly: true})
	writeSOAP(w, "Authmethod", "True", "")
}

func (f *fakeSpark) report(w http.ResponseWriter, r *http.Request, method, inn string) {
	f.mu.Lock()
	live := f.sessions[f.sessionOf(r)]
	doc, known := f.reports[inn]
	f.mu.Unlock()
	switch {
	case !live:
		writeSOAP(w, method, "Authentication error", authErrorDoc)
	case !known:
		writeSOAP(w, method, "False", notFoundDoc)
	default:
		writeSOAP(w, method, "True", doc)
	}
}

func (f *fakeSpark) sessionOf(r *http.Request) string {
	c, err := r.Cookie(sessionName)
	if err != nil {
		return ""
	}
	return c.Value
}

// escaper escapes xmlData the way ASMX does.
var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// writeSOAP answers a method with its result and, if given, xmlData.
func writeSOAP(w http.ResponseWriter, method, result, xmlData string) {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n" +
		`<soap:Envelope xmlns:soap="` + soapNS + `" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">` +
		`<soap:Body><` + method + `Response xmlns="` + ifaxNS + `">`)
	b.WriteString(`<` + method + `Result>` + escaper.Replace(result) + `</` + method + `Result>`)
	if xmlData != "" {
		b.WriteString(`<xmlData>` + escaper.Replace(xmlData) + `</xmlData>`)
	}
	b.WriteString(`</` + method + `Response></soap:Body></soap:Envelope>`)
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	_, _ = io.WriteString(w, b.String())
}

// writeFault answers with a SOAP 1.1 Fault and HTTP 500, as ASMX does.
func writeFault(w http.ResponseWriter, code, text string) {
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	body := strings.Replace(faultBody, "soap:Server", code, 1)
	body = strings.Replace(body, "Server was unable to process request. ---&gt; Object reference not set to an instance of an object.", escaper.Replace(text), 1)
	_, _ = io.WriteString(w, body)
}
