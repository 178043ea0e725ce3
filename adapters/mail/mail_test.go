package mail_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/adapters/mail"
	"github.com/dealdesk/dealdesk/adapters/mail/mailpittest"
	"github.com/dealdesk/dealdesk/core"
)

// newMailer builds a Mailer for mailpit mp with cfg's other settings.
func newMailer(t *testing.T, mp *mailpittest.Server, cfg mail.Config) (*mail.Mailer, *bytes.Buffer) {
	t.Helper()
	cfg.Host, cfg.Port = mp.Host, mp.Port
	if cfg.From == "" {
		cfg.From = "DealDesk <crm@dealdesk.test>"
	}
	if cfg.CAFile == "" && cfg.TLS != mail.NoTLS {
		cfg.CAFile = mp.CAFile
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Second
	}
	var log bytes.Buffer
	m, err := mail.New(cfg, zerolog.New(&log))
	if err != nil {
		t.Fatal(err)
	}
	return m, &log
}

// uniqueID returns a Message-ID no other test (or run against a shared
// mailpit) uses.
func uniqueID(t *testing.T) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return fmt.Sprintf("doc-%x-v1@dealdesk.test", b)
}

func send(t *testing.T, m *mail.Mailer, ml *core.Mail) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return m.Send(ctx, ml)
}

// mailErr returns err as a *core.MailError or fails the test.
func mailErr(t *testing.T, err error) *core.MailError {
	t.Helper()
	var me *core.MailError
	if !errors.As(err, &me) {
		t.Fatalf("error %v (%T) is no *core.MailError", err, err)
	}
	return me
}

func TestSendArrivesWithSubjectRecipientsTextAndCyrillicAttachments(t *testing.T) {
	mp := mailpittest.Shared(t)
	m, log := newMailer(t, mp, mail.Config{})
	id := uniqueID(t)
	pdf := bytes.Repeat([]byte("%PDF-1.7 договор\x00\xff"), 5000)
	docx := []byte("PK\x03\x04 not really a docx")
	longName := "Договор ДГ-2026-0001 с ООО «Ромашка» на оказание услуг сопровождения сделки.pdf"
	ml := &core.Mail{
		MessageID: id,
		To:        []string{"Иван Петров <ivan@client.test>", "buh@client.test"},
		ReplyTo:   "manager@dealdesk.test",
		Subject:   "Договор ДГ-2026-0001 — на подпись",
		Text:      "Здравствуйте!\n\nНаправляем договор ДГ-2026-0001 на подпись.\nСумма: 1 234 567,89 ₽.\n",
		Attachments: []core.Attachment{
			{Name: longName, MIME: "application/pdf", Data: pdf},
			{Name: "Счёт СЧ-2026-0007.docx", Data: docx},
			{Name: "readme.txt", MIME: "text/plain", Data: []byte("plain ascii name")},
		},
	}
	if err := send(t, m, ml); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := mp.Find(t, mailpittest.ByMessageID(id))
	if got.Subject != ml.Subject {
		t.Errorf("subject %q, want %q", got.Subject, ml.Subject)
	}
	if got.From.Address != "crm@dealdesk.test" || got.From.Name != "DealDesk" {
		t.Errorf("from %+v", got.From)
	}
	var to []string
	for _, a := range got.To {
		to = append(to, strings.TrimSpace(a.Name+" <"+a.Address+">"))
	}
	if want := "Иван Петров <ivan@client.test>, <buh@client.test>"; strings.Join(to, ", ") != want {
		t.Errorf("to %q, want %q", strings.Join(to, ", "), want)
	}
	if len(got.ReplyTo) != 1 || got.ReplyTo[0].Address != "manager@dealdesk.test" {
		t.Errorf("reply-to %+v", got.ReplyTo)
	}
	// Lines end with CRLF on the wire.
	if strings.ReplaceAll(got.Text, "\r\n", "\n") != ml.Text {
		t.Errorf("text %q, want %q", got.Text, ml.Text)
	}
	if len(got.Attachments) != 3 {
		t.Fatalf("%d attachments, want 3: %+v", len(got.Attachments), got.Attachments)
	}
	for i, a := range got.Attachments {
		want := ml.Attachments[i]
		if a.FileName != want.Name {
			t.Errorf("attachment %d named %q, want %q", i, a.FileName, want.Name)
		}
		if data := mp.Part(t, got.ID, a.PartID); !bytes.Equal(data, want.Data) {
			t.Errorf("attachment %q: %d bytes arrived, want the %d sent", want.Name, len(data), len(want.Data))
		}
	}
	if got.Attachments[0].ContentType != "application/pdf" {
		t.Errorf("pdf content type %q", got.Attachments[0].ContentType)
	}
	if got.Attachments[1].ContentType != "application/vnd.openxmlformats-officedocument.wordprocessingml.document" {
		t.Errorf("docx content type (from the extension) %q", got.Attachments[1].ContentType)
	}
	raw := mp.Raw(t, got.ID)
	if !strings.Contains(raw, "filename*0*=UTF-8''%D0%94%D0%BE%D0%B3") {
		t.Errorf("the long Cyrillic name is not in RFC 2231 sections:\n%s", headersOf(raw))
	}
	if !strings.Contains(raw, "Message-ID: <"+id+">") {
		t.Errorf("Message-ID is not <%s>:\n%s", id, headersOf(raw))
	}
	if !strings.Contains(log.String(), `"message":"mail sent"`) || !strings.Contains(log.String(), id) {
		t.Errorf("the sending is not logged with its Message-ID: %s", log)
	}
}

// headersOf returns the raw message's lines with a header parameter, for a
// failure's message.
func headersOf(raw string) string {
	var b strings.Builder
	for _, l := range strings.Split(raw, "\n") {
		if strings.Contains(l, ":") && len(l) < 300 && !strings.HasPrefix(l, " ") || strings.Contains(l, "filename") {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

func TestMessageIDWithoutDomainGetsTheSendersAndIsStable(t *testing.T) {
	mp := mailpittest.Shared(t)
	m, _ := newMailer(t, mp, mail.Config{})
	base := strings.TrimSuffix(uniqueID(t), "@dealdesk.test")
	to := "retry-" + strings.TrimPrefix(base, "doc-") + "@client.test"
	ml := &core.Mail{MessageID: base, To: []string{to}, Subject: "КП", Text: "x"}
	for i := 0; i < 2; i++ {
		if err := send(t, m, ml); err != nil {
			t.Fatalf("Send %d: %v", i, err)
		}
	}
	want := base + "@dealdesk.test"
	if got := mp.Find(t, "to:"+to); got.MessageID != want {
		t.Errorf("Message-ID %q, want %q", got.MessageID, want)
	}
	// Both sends carry the same Message-ID (a mailpit that drops duplicate
	// ids keeps one).
	deadline := time.Now().Add(5 * time.Second)
	for len(mp.Search(t, "to:"+to)) < 2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	all, same := mp.Search(t, "to:"+to), mp.Search(t, mailpittest.ByMessageID(want))
	if len(all) == 0 || len(all) != len(same) {
		t.Errorf("%d messages arrived for the retried mail, %d of them with Message-ID %s", len(all), len(same), want)
	}
}

func TestUntrustedCertificateIsRefusedPermanently(t *testing.T) {
	mp := mailpittest.Shared(t)
	// A CA file without certificates is refused when the mailer is built.
	if _, err := mail.New(mail.Config{Host: mp.Host, From: "crm@dealdesk.test", CAFile: "/dev/null"}, zerolog.Nop()); err == nil {
		t.Error("a CA file without certificates was accepted")
	}
	// Without the CA the server's certificate is not trusted: nothing is
	// sent, and retrying would not help.
	m2, err := mail.New(mail.Config{Host: mp.Host, Port: mp.Port, From: "crm@dealdesk.test", Timeout: 10 * time.Second}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	id := uniqueID(t)
	me := mailErr(t, send(t, m2, &core.Mail{MessageID: id, To: []string{"a@client.test"}, Subject: "s", Text: "t"}))
	if me.Temporary || !strings.Contains(me.Text, "certificate") {
		t.Errorf("untrusted certificate: %+v, want a permanent error about the certificate", me)
	}
	if n := len(mp.Search(t, mailpittest.ByMessageID(id))); n != 0 {
		t.Errorf("%d messages arrived over an untrusted connection", n)
	}
}
