package core

import (
	"context"
	"strings"
	"time"
)

// docDeps are what the documents use case needs from outside and the
// rules configuration sets; a Service without them still lists and shows
// documents, and says what is unavailable when asked for more.
type docDeps struct {
	engine   DocEngine
	pdf      PDFConverter
	mailer   Mailer
	mailFrom string
	texts    TextPrinter
	edo      EDO
	company  Company
	config   DocConfig
	set      bool // config was set (else DefaultDocConfig)
	builtin  map[DocKind][]byte
}

// TextPrinter renders a message of the locales in a language ("" or an
// unknown one: Russian): the email that carries a document to a client is
// written from the keys mail.doc.subject and mail.doc.body in the sender's
// language. The chat layer's printer is one.
type TextPrinter func(lang, key string, args map[string]any) string

// WithDocEngine sets the DOCX template engine.
func WithDocEngine(e DocEngine) Option { return func(s *Service) { s.docs.engine = e } }

// WithPDF sets the PDF converter; without one, documents are DOCX only and
// each version says so.
func WithPDF(p PDFConverter) Option { return func(s *Service) { s.docs.pdf = p } }

// WithMailer sets the mail server documents are sent through, the sender's
// address (its domain names the messages' ids) and the printer of the
// mail's text.
func WithMailer(m Mailer, from string, texts TextPrinter) Option {
	return func(s *Service) { s.docs.mailer, s.docs.mailFrom, s.docs.texts = m, from, texts }
}

// WithEDO sets the EDO operator (Diadoc).
func WithEDO(e EDO) Option { return func(s *Service) { s.docs.edo = e } }

// WithCompany sets our own company's requisites.
func WithCompany(c Company) Option { return func(s *Service) { s.docs.company = c } }

// WithDocConfig sets the rules of documents: the default VAT rate (0 is
// 0 %), the kinds a lawyer approves (none when empty), how long a card's
// verification holds (0: it never gets old). Start from DefaultDocConfig
// and change what is configured; without this option DefaultDocConfig
// holds.
func WithDocConfig(c DocConfig) Option {
	return func(s *Service) { s.docs.config, s.docs.set = c, true }
}

// WithBuiltinTemplates gives the templates DealDesk ships, a DOCX per
// kind; SeedTemplates stores them.
func WithBuiltinTemplates(t map[DocKind][]byte) Option {
	return func(s *Service) { s.docs.builtin = t }
}

// DocConfig returns the rules of documents in force.
func (s *Service) DocConfig() DocConfig {
	if !s.docs.set {
		return DefaultDocConfig()
	}
	return s.docs.config
}

// PDFAvailable reports whether documents get a PDF besides the DOCX.
func (s *Service) PDFAvailable() bool { return s.docs.pdf != nil }

// MailAvailable reports whether documents can be sent by email.
func (s *Service) MailAvailable() bool { return s.docs.mailer != nil }

// EDOAvailable reports whether documents can be posted to EDO, and the
// operator's name.
func (s *Service) EDOAvailable() (string, bool) {
	if s.docs.edo == nil {
		return "", false
	}
	return s.docs.edo.Name(), true
}

// Company returns our own company's requisites.
func (s *Service) Company() Company { return s.docs.company }

// mailDomain is the domain of the sender's address, for the ids of the
// messages; "dealdesk.local" when there is none.
func (s *Service) mailDomain() string {
	if _, d, ok := strings.Cut(s.docs.mailFrom, "@"); ok && d != "" {
		return strings.TrimRight(d, "> ")
	}
	return "dealdesk.local"
}

// storeNow is the store's time (its clock), read in a transaction of its
// own, for what is made without one (a preview).
func (s *Service) storeNow(ctx context.Context) time.Time {
	var now time.Time
	if err := s.view(ctx, func(tx Tx) error { now = tx.Now(); return nil }); err != nil || now.IsZero() {
		return time.Now()
	}
	return now
}
