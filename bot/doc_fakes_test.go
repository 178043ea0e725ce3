package bot_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// The fakes of the documents use case's ports: a template engine for
// templates that are plain text with {{placeholders}} (marked as DOCX by
// their first line), a PDF converter, a mailer and an EDO operator that
// record what they are given.

// fakeDOCX marks the fake engine's "DOCX" files.
const fakeDOCX = "FAKE-DOCX\n"

var placeholderRE = regexp.MustCompile(`\{\{([^{}]*)\}\}`)

type fakeEngine struct{}

func (fakeEngine) Inspect(docx []byte) ([]core.Placeholder, error) {
	if !bytes.HasPrefix(docx, []byte(fakeDOCX)) {
		return nil, errors.New("not a DOCX")
	}
	var out []core.Placeholder
	for i, line := range strings.Split(string(docx), "\n") {
		// Like adapters/docx: the place in English for logs, and as fields.
		at := core.Placeholder{Where: fmt.Sprintf("body, paragraph %d", i), Part: "body", Paragraph: i, Text: line}
		if strings.Count(line, "{{") != strings.Count(line, "}}") {
			at.Name = line
			return nil, &core.TemplateError{Problem: "unclosed", Placeholder: at}
		}
		for _, m := range placeholderRE.FindAllStringSubmatch(line, -1) {
			at.Name = strings.TrimSpace(m[1])
			out = append(out, at)
		}
	}
	return out, nil
}

func (fakeEngine) Fill(docx []byte, v core.DocValues) ([]byte, error) {
	return placeholderRE.ReplaceAllFunc(docx, func(m []byte) []byte {
		return []byte(v.Values[strings.TrimSpace(string(m[2:len(m)-2]))])
	}), nil
}

type fakePDF struct{}

func (fakePDF) ConvertPDF(_ context.Context, docx []byte, _ string) ([]byte, error) {
	return append([]byte("%PDF-1.7\n"), bytes.TrimPrefix(docx, []byte(fakeDOCX))...), nil
}

type fakeMailer struct {
	mu   sync.Mutex
	sent []*core.Mail
	fail error
}

func (m *fakeMailer) Send(_ context.Context, mail *core.Mail) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	m.sent = append(m.sent, mail)
	return nil
}

type fakeEDO struct {
	mu     sync.Mutex
	boxes  []core.EDOBox
	posted []*core.EDODraft
	events []core.EDOEvent // returned by the next Events call
}

func (e *fakeEDO) Name() string { return "Диадок" }

func (e *fakeEDO) Boxes(_ context.Context, inn, _ string) ([]core.EDOBox, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []core.EDOBox
	for _, b := range e.boxes {
		if b.INN == inn {
			out = append(out, b)
		}
	}
	return out, nil
}

func (e *fakeEDO) PostDraft(_ context.Context, d *core.EDODraft) (*core.EDOPosted, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.posted = append(e.posted, d)
	return &core.EDOPosted{MessageID: fmt.Sprintf("msg-%d", len(e.posted)), EntityID: fmt.Sprintf("ent-%d", len(e.posted))}, nil
}

func (e *fakeEDO) Events(_ context.Context, after string) ([]core.EDOEvent, string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	evs := e.events
	e.events = nil
	if len(evs) == 0 {
		return nil, after, nil
	}
	return evs, evs[len(evs)-1].IndexKey, nil
}

// contractTemplate is the built-in contract of these tests: the parties'
// requisites, the amount in words, the signatory.
const contractTemplate = fakeDOCX + `Договор {{doc.number}} от {{doc.date_words}}
{{client.full_name}}, ИНН {{client.inn}}, КПП {{client.kpp}}, в лице {{client.director}}
р/с {{client.account}} в {{client.bank}}, БИК {{client.bik}}, к/с {{client.corr_account}}
Цена договора: {{deal.amount}} ({{deal.amount_words}}), в т.ч. НДС {{deal.vat_rate}}
Исполнитель: {{company.name}}, ИНН {{company.inn}}`

const invoiceTemplate = fakeDOCX + `Счёт {{doc.number}} от {{doc.date}}
Плательщик: {{client.name}}, ИНН {{client.inn}}
Итого: {{deal.amount}} ({{deal.amount_words}})`

// docWorld is a harness with the documents use case's ports, its
// templates seeded, a manager, an officer and a lawyer.
type docWorld struct {
	*harness
	mailer *fakeMailer
	edo    *fakeEDO
	fc     *fileChat
}

// newDocWorld builds the world; the clients' box at the EDO operator is
// the INN 7707083893's.
func newDocWorld(t *testing.T) *docWorld {
	h := newHarness(t)
	w := &docWorld{harness: h, mailer: &fakeMailer{}, edo: &fakeEDO{boxes: []core.EDOBox{
		{ID: "box-head@diadoc.ru", Title: "ООО «Ромашка»", INN: "7707083893", KPP: "773601001"},
		{ID: "box-branch@diadoc.ru", Title: "ООО «Ромашка», филиал", INN: "7707083893", KPP: "773602001"},
	}}}
	texts := func(lang, key string, args map[string]any) string { return bundle.Printer(lang, nil).T(key, args) }
	h.reopen(core.WithDocEngine(fakeEngine{}), core.WithPDF(fakePDF{}), core.WithMailer(w.mailer, "docs@dealdesk.example", texts),
		core.WithEDO(w.edo), core.WithCompany(core.Company{Name: "ООО «ДилДеск»", INN: "7704211201"}),
		core.WithBuiltinTemplates(map[core.DocKind][]byte{core.DocContract: []byte(contractTemplate),
			core.DocInvoice: []byte(invoiceTemplate)}))
	if err := h.svc.SeedTemplates(context.Background()); err != nil {
		t.Fatal(err)
	}
	h.addUser("m", "Максим", core.RoleManager)
	h.addUser("o", "Ольга", core.RoleOfficer)
	h.addUser("l", "Лев", core.RoleLawyer)
	w.fc = newFileChat(h.rec)
	return w
}

// deal makes a client and a deal of the manager's; withAccount gives the
// card its bank account.
func (w *docWorld) deal(inn, kpp string, withAccount bool) *core.Deal {
	w.t.Helper()
	ctx := context.Background()
	a := core.Actor{User: w.admin}
	m := w.user("test:m")
	c := &core.Client{Kind: core.KindLegal, INN: inn, KPP: kpp, OGRN: "1027700132195", ShortName: "ООО «Ромашка»",
		FullName: "Общество с ограниченной ответственностью «Ромашка»", Address: "г. Москва, ул. Ленина, д. 1",
		Director: "Иванов Иван Иванович", ManagerID: m.ID,
		Contacts: []core.Contact{{Name: "Иванов Иван", Email: "ivanov@romashka.example"}}}
	if withAccount {
		c.Accounts = []core.BankAccount{{BIK: "044525225", BankName: "ПАО Сбербанк", CorrAccount: "30101810400000000225",
			Account: "40702810938000012345"}}
	}
	c, err := w.svc.CreateClient(ctx, a, c)
	if err != nil {
		w.t.Fatal(err)
	}
	d, err := w.svc.CreateDeal(ctx, core.Actor{User: m}, &core.Deal{ClientID: c.ID, Title: "Поставка оборудования",
		Amount: 12345678})
	if err != nil {
		w.t.Fatal(err)
	}
	w.deliver() // the officers hear of the new deal
	return d
}

// deliver delivers what is due and returns it.
func (w *docWorld) deliver() []*bot.Message {
	w.t.Helper()
	if _, err := w.bot.DeliverDue(context.Background(), "test"); err != nil {
		w.t.Fatal(err)
	}
	return w.rec.take()
}

// doc reads a document by number.
func (w *docWorld) doc(number string) *core.Document {
	w.t.Helper()
	d, err := w.svc.DocumentByNumber(context.Background(), core.Actor{User: w.admin}, number)
	if err != nil {
		w.t.Fatal(err)
	}
	return d
}

// pressIn presses a button with the label in msgs as the user, in the
// chat the message was sent to.
func (w *docWorld) pressIn(userID string, msgs []*bot.Message, label string) []*bot.Message {
	w.t.Helper()
	for i := len(msgs) - 1; i >= 0; i-- {
		for _, row := range msgs[i].Buttons {
			for _, b := range row {
				if b.Label == label {
					u := &bot.Update{UserID: userID, Token: b.Token, CallbackID: "cb", MessageID: "n"}
					if !msgs[i].Direct && msgs[i].ChatID != "" && msgs[i].ChatID != userID {
						u.ChatID, u.ChatType = msgs[i].ChatID, bot.ChatGroup
					}
					return w.send(u)
				}
			}
		}
	}
	w.t.Fatalf("no button %q in %s", label, dump(msgs))
	return nil
}

// wantText checks that the messages say each of the parts.
func wantText(t *testing.T, msgs []*bot.Message, parts ...string) {
	t.Helper()
	text := dump(msgs)
	for _, p := range parts {
		if !strings.Contains(text, p) {
			t.Fatalf("no %q in:%s", p, text)
		}
	}
}

// files returns the files of the messages.
func files(msgs []*bot.Message) []bot.File {
	var out []bot.File
	for _, m := range msgs {
		out = append(out, m.Files...)
	}
	return out
}
