package core_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// makeDOCX builds a minimal DOCX whose body has one paragraph per line.
func makeDOCX(t testing.TB, paragraphs ...string) []byte {
	t.Helper()
	data, err := buildDOCX(paragraphs...)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func buildDOCX(paragraphs ...string) ([]byte, error) {
	var body strings.Builder
	for _, p := range paragraphs {
		body.WriteString("<w:p><w:r><w:t>" + p + "</w:t></w:r></w:p>")
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
		"word/document.xml": `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
			body.String() + `</w:body></w:document>`,
	} {
		w, err := zw.Create(name)
		if err != nil {
			return nil, err
		}
		if _, err := io.WriteString(w, content); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// contractTemplate is a contract that uses the client's requisites, the
// amount in words and a list of items.
func contractTemplate(t testing.TB) []byte {
	return makeDOCX(t, "Договор № {{doc.number}} от {{doc.date_words}}",
		"{{company.name}} и {{client.name}} (ИНН {{client.inn}}, КПП {{client.kpp}}) в лице {{client.director}}",
		"{{#items}}{{items.n}}. {{items.name}} — {{items.amount}}{{/items}}",
		"Сумма: {{deal.amount}} ({{deal.amount_words}}), в т.ч. НДС {{deal.vat_rate}}",
		"Р/с {{client.account}} в {{client.bank}}, БИК {{client.bik}}")
}

// fakeEngine is a DOCX engine for the tests: it reads word/document.xml,
// finds {{name}} in each paragraph's text and fills them; a list repeats
// the text between its start and its end within a paragraph.
type fakeEngine struct{}

var placeholderRE = regexp.MustCompile(`\{\{([^{}]*)\}\}`)

func docText(docx []byte) ([]string, error) {
	zr, err := zip.NewReader(bytes.NewReader(docx), int64(len(docx)))
	if err != nil {
		return nil, fmt.Errorf("not a DOCX: %w", err)
	}
	for _, f := range zr.File {
		if f.Name != "word/document.xml" {
			continue
		}
		r, err := f.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			return nil, err
		}
		var out []string
		for _, m := range regexp.MustCompile(`<w:t>(.*?)</w:t>`).FindAllStringSubmatch(string(data), -1) {
			out = append(out, m[1])
		}
		return out, nil
	}
	return nil, errors.New("not a DOCX: no word/document.xml")
}

func (fakeEngine) Inspect(docx []byte) ([]core.Placeholder, error) {
	paras, err := docText(docx)
	if err != nil {
		return nil, err
	}
	var out []core.Placeholder
	for i, p := range paras {
		where := "body, paragraph " + strconv.Itoa(i+1)
		if strings.Count(p, "{{") != strings.Count(p, "}}") {
			return nil, &core.TemplateError{Problem: "unclosed", Placeholder: core.Placeholder{Where: where, Text: p}}
		}
		for _, m := range placeholderRE.FindAllStringSubmatch(p, -1) {
			out = append(out, core.Placeholder{Name: m[1], Where: where, Text: p})
		}
	}
	return out, nil
}

func (fakeEngine) Fill(docx []byte, v core.DocValues) ([]byte, error) {
	paras, err := docText(docx)
	if err != nil {
		return nil, err
	}
	for i, p := range paras {
		for name, rows := range v.Lists {
			start, end := strings.Index(p, "{{#"+name+"}}"), strings.Index(p, "{{/"+name+"}}")
			if start < 0 || end < start {
				continue
			}
			row := p[start+len(name)+5 : end]
			var rep strings.Builder
			for _, el := range rows {
				rep.WriteString(placeholderRE.ReplaceAllStringFunc(row, func(s string) string { return el[s[2:len(s)-2]] }))
			}
			p = p[:start] + rep.String() + p[end+len(name)+5:]
		}
		paras[i] = placeholderRE.ReplaceAllStringFunc(p, func(s string) string { return v.Values[s[2:len(s)-2]] })
	}
	return buildDOCX(paras...)
}

// filledText is the text of a filled DOCX, paragraphs joined by new lines.
func filledText(t *testing.T, docx []byte) string {
	t.Helper()
	paras, err := docText(docx)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(paras, "\n")
}

// fakePDF converts by prefixing the DOCX; err makes it fail; during, when
// set, runs inside the conversion.
type fakePDF struct {
	mu     sync.Mutex
	err    error
	calls  int
	during func()
}

func (p *fakePDF) ConvertPDF(_ context.Context, docx []byte, _ string) ([]byte, error) {
	p.mu.Lock()
	p.calls++
	during, err := p.during, p.err
	p.mu.Unlock()
	if during != nil {
		during()
	}
	if err != nil {
		return nil, err
	}
	return append([]byte("%PDF-1.7\n"), docx...), nil
}

// fakeMailer records the mails it is given; errs are returned one per
// send, first to last, then nil.
type fakeMailer struct {
	mu    sync.Mutex
	sent  []*core.Mail
	tries []string // the MessageID of every attempt
	errs  []error
}

func (m *fakeMailer) Send(_ context.Context, mail *core.Mail) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tries = append(m.tries, mail.MessageID)
	if len(m.errs) > 0 {
		err := m.errs[0]
		m.errs = m.errs[1:]
		if err != nil {
			return err
		}
	}
	m.sent = append(m.sent, mail)
	return nil
}

// fakeEDO is an EDO operator with boxes by INN, drafts posted once per
// operation id, and a feed of pages of events.
type fakeEDO struct {
	mu     sync.Mutex
	boxes  map[string][]core.EDOBox // by INN/KPP and by INN
	drafts map[string]*core.EDODraft
	posts  int
	err    error
	pages  [][]core.EDOEvent // pages after the cursors "", "1", "2" …
	asked  []string          // the cursors asked for
}

func (e *fakeEDO) Name() string { return "diadoc" }

func (e *fakeEDO) Boxes(_ context.Context, inn, kpp string) ([]core.EDOBox, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.boxes[inn+"/"+kpp], nil
}

func (e *fakeEDO) PostDraft(_ context.Context, d *core.EDODraft) (*core.EDOPosted, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.err != nil {
		return nil, e.err
	}
	if e.drafts == nil {
		e.drafts = map[string]*core.EDODraft{}
	}
	if _, ok := e.drafts[d.OperationID]; !ok {
		e.posts++
		e.drafts[d.OperationID] = d
	}
	return &core.EDOPosted{MessageID: "msg-" + d.OperationID, EntityID: "ent-" + d.OperationID}, nil
}

// Events serves page n after the cursor "p<n>" ("" is page 0); the
// cursor after page n is "p<n+1>+/=" style text with a plus in it.
func (e *fakeEDO) Events(_ context.Context, after string) ([]core.EDOEvent, string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.asked = append(e.asked, after)
	n := 0
	if after != "" {
		n, _ = strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(after, "p"), "+x"))
	}
	if n >= len(e.pages) {
		return nil, after, nil
	}
	return e.pages[n], "p" + strconv.Itoa(n+1) + "+x", nil
}

// docOffice is an office with the documents use case wired: a fake engine
// and PDF converter, a mailer, an EDO operator, our company, a contract
// template, the officers' and lawyers' work chats, and a verified client
// with a bank account and a deal of 1 234 567,89 ₽ led by the manager.
type docOffice struct {
	*office
	pdf    *fakePDF
	mailer *fakeMailer
	edo    *fakeEDO
	client *core.Client
	deal   *core.Deal
}

var ourCompany = core.Company{Name: "ООО «ДилДеск»", INN: "7736207543", KPP: "770401001", OGRN: "1027700229193",
	Address: "г. Москва, ул. Льва Толстого, д. 16", Director: "Петров Пётр Петрович", Bank: "АО «Альфа-Банк»",
	BIK: "044525593", Account: "40702810401300000001", CorrAccount: "30101810200000000593"}

func newDocOffice(t *testing.T, opts ...core.Option) *docOffice {
	t.Helper()
	o := &docOffice{pdf: &fakePDF{}, mailer: &fakeMailer{}, edo: &fakeEDO{boxes: map[string][]core.EDOBox{}}}
	texts := func(lang, key string, args map[string]any) string {
		return lang + ":" + key + ":" + fmt.Sprint(args["Number"])
	}
	base := []core.Option{core.WithDocEngine(fakeEngine{}), core.WithPDF(o.pdf), core.WithMailer(o.mailer,
		"docs@dealdesk.example", texts), core.WithEDO(o.edo), core.WithCompany(ourCompany),
		core.WithBuiltinTemplates(map[core.DocKind][]byte{
			core.DocContract: contractTemplate(t),
			core.DocProposal: makeDOCX(t, "КП {{doc.number}} для {{client.name}}: {{deal.amount}}"),
			core.DocInvoice:  makeDOCX(t, "Счёт {{doc.number}}: {{totals.amount}}, НДС {{totals.vat}}"),
		})}
	o.office = newOffice(t, append(base, opts...)...)
	if err := o.svc.SeedTemplates(o.ctx()); err != nil {
		t.Fatal(err)
	}
	o.bind("-100", core.PurposeOfficers)
	o.bind("-200", core.PurposeLawyers)
	o.client = o.verifiedClient()
	o.deal = o.deal2(o.client.ID, 123456789)
	return o
}

// verifiedClient is a card with a director, a bank account and an e-mail,
// verified now by a registry.
func (o *docOffice) verifiedClient() *core.Client {
	o.t.Helper()
	c := o.managedClient(sberINN, sberKPP, "ООО «Ромашка»", o.manager)
	o.update(func(tx core.Tx) error {
		c.OGRN, c.Director, c.Address = sberOGRN, "Иванов Иван Иванович", "г. Москва, ул. Вавилова, д. 19"
		c.Accounts = []core.BankAccount{{BIK: "044525225", BankName: "ПАО Сбербанк", CorrAccount: "30101810400000000225",
			Account: "40702810938000012345"}}
		c.Contacts = []core.Contact{{Name: "Иван Иванов", Email: "ivanov@romashka.example"}}
		c.Verification = core.Verification{Status: core.Verified, At: tx.Now(), Source: "dadata",
			Company: core.StatusActive}
		return tx.UpdateClient(c)
	})
	return c
}

// deal2 opens a deal of the client with an amount, led by the manager.
func (o *docOffice) deal2(clientID int64, amount core.Money) *core.Deal {
	o.t.Helper()
	d, err := o.svc.CreateDeal(o.ctx(), o.manager, &core.Deal{ClientID: clientID, Title: "Поставка оборудования",
		Amount: amount})
	if err != nil {
		o.t.Fatal(err)
	}
	return d
}

// request asks for a document of the office's deal as the manager.
func (o *docOffice) request(kind core.DocKind) *core.Document {
	o.t.Helper()
	d, err := o.svc.RequestDocument(o.ctx(), o.manager, o.deal.ID, kind, "срочно")
	if err != nil {
		o.t.Fatal(err)
	}
	return d
}

// produced requests a document and produces its first version as the
// officer.
func (o *docOffice) produced(kind core.DocKind) *core.Document {
	o.t.Helper()
	d := o.request(kind)
	d, err := o.svc.ProduceDocument(o.ctx(), o.officer, d.ID, nil, "")
	if err != nil {
		o.t.Fatal(err)
	}
	return d
}

// approved produces a contract and has the lawyer approve it.
func (o *docOffice) approved() *core.Document {
	o.t.Helper()
	d := o.produced(core.DocContract)
	if _, err := o.svc.SubmitForApproval(o.ctx(), o.officer, d.ID); err != nil {
		o.t.Fatal(err)
	}
	d, err := o.svc.DecideDocument(o.ctx(), o.lawyer, d.ID, 1, core.DecisionApprove, "")
	if err != nil {
		o.t.Fatal(err)
	}
	return d
}

// doc reads a document from the store.
func (o *docOffice) doc(id int64) *core.Document {
	o.t.Helper()
	var d *core.Document
	o.view(func(tx core.Tx) (err error) {
		d, err = tx.DocumentByID(id)
		return err
	})
	return d
}

// to returns the messages to a chat with a key.
func to(ms []*core.OutboxMessage, chatID, key string) []*core.OutboxMessage {
	var out []*core.OutboxMessage
	for _, m := range withKey(ms, key) {
		if m.ChatID == chatID {
			out = append(out, m)
		}
	}
	return out
}
