package spark

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/cenkalti/backoff/v5"

	"github.com/dealdesk/dealdesk/core"
)

// Namespace is the XML namespace of SPARK's methods; a method's SOAPAction
// is Namespace + "/" + its name.
const Namespace = "http://interfax.ru/ifax"

// maxBody bounds an answer; a short report is a few kilobytes.
const maxBody = 8 << 20

// param is one argument of a SOAP method, in the order the method declares.
type param struct{ name, value string }

// answer is a method's reply: the text of <MethodResult> and the parsed
// <xmlData>, when there is one.
type answer struct {
	result string
	data   *xmlResponse
}

// call sends a method, retrying "down" failures with an exponential backoff.
func (c *Client) call(ctx context.Context, method string, params []param) (*answer, error) {
	body := envelope(method, params)
	op := func() (*answer, error) {
		ans, err := c.post(ctx, method, body)
		if err != nil && !isDown(err) {
			return nil, backoff.Permanent(err)
		}
		return ans, err
	}
	wait := backoff.NewExponentialBackOff()
	wait.InitialInterval = c.cfg.RetryWait
	wait.MaxInterval = 10 * c.cfg.RetryWait
	ans, err := backoff.Retry(ctx, op,
		backoff.WithBackOff(wait),
		backoff.WithMaxTries(uint(c.cfg.MaxRetries)+1),
		backoff.WithMaxElapsedTime(0),
		backoff.WithNotify(func(err error, next time.Duration) {
			c.log.Warn().Err(err).Str("method", method).Dur("retry_in", next).Msg("SPARK call failed, retrying")
		}))
	if err != nil && !errors.As(err, new(*core.Error)) {
		// Retry returns the bare context error when the caller gave up.
		err = downErr(fmt.Errorf("%s: %w", method, err))
	}
	return ans, err
}

// envelope builds a SOAP 1.1 request for a method of Namespace.
func envelope(method string, params []param) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` +
		`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ifax="` + Namespace + `">` +
		`<soap:Body><ifax:` + method + `>`)
	for _, p := range params {
		b.WriteString("<ifax:" + p.name + ">")
		_ = xml.EscapeText(&b, []byte(p.value)) // a bytes.Buffer never fails
		b.WriteString("</ifax:" + p.name + ">")
	}
	b.WriteString(`</ifax:` + method + `></soap:Body></soap:Envelope>`)
	return b.Bytes()
}

// post sends one request and sorts its failures: network errors, timeouts,
// 429 and 5xx are "down"; a SOAP Fault or unreadable XML is a bad answer.
func (c *Client) post(ctx context.Context, method string, body []byte) (*answer, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return nil, badAnswerErr(fmt.Errorf("%s: build request: %w", method, err))
	}
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	req.Header.Set("SOAPAction", `"`+Namespace+"/"+method+`"`)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, downErr(fmt.Errorf("%s: %w", method, err))
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, downErr(fmt.Errorf("%s: read answer: %w", method, err))
	}
	switch code := resp.StatusCode; {
	case code == http.StatusOK:
		return parseEnvelope(method, raw)
	case code == http.StatusInternalServerError:
		// ASMX sends a SOAP Fault with a 500; anything else there is an outage.
		var env soapEnvelope
		if xml.Unmarshal(raw, &env) == nil && env.Body.Fault != nil {
			return nil, env.Body.Fault.err(method)
		}
		return nil, downErr(fmt.Errorf("%s: HTTP %d", method, code))
	case code == http.StatusTooManyRequests || code == http.StatusRequestTimeout || code >= 500:
		return nil, downErr(fmt.Errorf("%s: HTTP %d", method, code))
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return nil, authErr(fmt.Errorf("%s: HTTP %d", method, code))
	default:
		return nil, badAnswerErr(fmt.Errorf("%s: HTTP %d", method, code))
	}
}

type soapEnvelope struct {
	XMLName xml.Name `xml:"Envelope"`
	Body    struct {
		Fault *soapFault `xml:"Fault"`
		Items []struct {
			XMLName xml.Name
			Fields  []struct {
				XMLName xml.Name
				Text    string `xml:",chardata"`
			} `xml:",any"`
		} `xml:",any"`
	} `xml:"Body"`
}

type soapFault struct {
	Code   string `xml:"faultcode"`
	String string `xml:"faultstring"`
}

func (f *soapFault) err(method string) error {
	return badAnswerErr(fmt.Errorf("%s: SOAP fault %s: %s", method, strings.TrimSpace(f.Code), strings.TrimSpace(f.String)))
}

// parseEnvelope reads <MethodResponse><MethodResult>…</MethodResult>
// <xmlData>…</xmlData></MethodResponse>; xmlData carries a second XML
// document as escaped text, parsed here too.
func parseEnvelope(method string, raw []byte) (*answer, error) {
	var env soapEnvelope
	if err := xml.Unmarshal(raw, &env); err != nil {
		return nil, badAnswerErr(fmt.Errorf("%s: read SOAP envelope: %w", method, err))
	}
	if env.Body.Fault != nil {
		return nil, env.Body.Fault.err(method)
	}
	for _, item := range env.Body.Items {
		if item.XMLName.Local != method+"Response" {
			continue
		}
		ans := &answer{}
		for _, f := range item.Fields {
			switch f.XMLName.Local {
			case method + "Result":
				ans.result = strings.TrimSpace(f.Text)
			case "xmlData":
				data, err := parseData(f.Text)
				if err != nil {
					return nil, badAnswerErr(fmt.Errorf("%s: read xmlData: %w", method, err))
				}
				ans.data = data
			}
		}
		return ans, nil
	}
	return nil, badAnswerErr(fmt.Errorf("%s: no %sResponse in the SOAP body", method, method))
}

// xmlResponse is the document inside xmlData.
type xmlResponse struct {
	XMLName    xml.Name `xml:"Response"`
	Reports    []report `xml:"Data>Report"`
	ResultInfo struct {
		Type string `xml:"ResultType,attr"`
	} `xml:"ResultInfo"`
}

func parseData(text string) (*xmlResponse, error) {
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	d := xml.NewDecoder(strings.NewReader(text))
	// The text is already decoded into UTF-8, whatever its declaration says.
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	var resp xmlResponse
	if err := d.Decode(&resp); err != nil {
		return nil, err
	}
	return &resp, nil
}

// authFailed reports an in-band "Authentication error": the session is gone.
func (a *answer) authFailed() bool {
	return strings.Contains(strings.ToLower(a.result+" "+a.resultType()), "authentication error")
}

func (a *answer) resultType() string {
	if a.data == nil {
		return ""
	}
	return strings.TrimSpace(a.data.ResultInfo.Type)
}

// report returns the answer's report or the error its ResultType and
// result text stand for. SPARK's failure texts are not documented
// publicly, so they are matched by keywords.
func (a *answer) report(method, inn string) (*report, error) {
	text := strings.ToLower(a.result + " " + a.resultType())
	cause := fmt.Errorf("%s: result %q, ResultType %q", method, a.result, a.resultType())
	switch {
	case containsAny(text, "not found", "no data", "не найден", "нет данных", "отсутству"):
		return nil, notFoundErr(inn, cause)
	case containsAny(text, "limit", "quota", "exceeded", "лимит", "превышен"):
		return nil, regErr(core.EUNAVAILABLE, core.ErrRegistryQuota, cause)
	case containsAny(text, "access denied", "доступ", "forbidden", "not allowed"):
		return nil, authErr(cause)
	}
	if a.data != nil && len(a.data.Reports) > 0 {
		rep := &a.data.Reports[0]
		if got := value(rep.INN); got != "" && got != inn {
			return nil, badAnswerErr(fmt.Errorf("%s: asked for INN %s, got a report on %s", method, inn, got))
		}
		return rep, nil
	}
	if plainResult(a.result) && plainResult(a.resultType()) {
		return nil, notFoundErr(inn, cause)
	}
	return nil, badAnswerErr(cause)
}

// plainResult reports a result text that is no error message.
func plainResult(s string) bool {
	return s == "" || strings.EqualFold(s, "True") || strings.EqualFold(s, "False")
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func notFoundErr(inn string, cause error) error {
	return core.Wrap(core.ENOTFOUND, core.ErrRegistryNotFound, cause, "Source", Name, "INN", inn)
}
