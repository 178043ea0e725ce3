package core

import (
	"context"
	"time"
)

// This file holds the ports of the documents use case: what core asks of
// the DOCX engine, the PDF converter, the mail server and the EDO operator.
// Adapters implement them (adapters/docx, adapters/pdf, adapters/mail,
// adapters/diadoc); core never imports an adapter.

// Placeholder is a {{name}} found in a DOCX template, with where it is, so
// that a broken or unknown one can be named when the template is added.
type Placeholder struct {
	Name string // "client.name", "#items" (a list's start), "/items" (its end)
	// Where is the part and paragraph in English, for logs: "body,
	// paragraph 12", "header1, paragraph 1", "table 2, row 3, cell 1".
	Where string
	// Part is the part of the document it is in: "body", "header1",
	// "footer2", "footnotes", "endnotes" ("" when unknown).
	Part string
	// Table, Row and Cell place it in a table (1-based; 0 outside tables);
	// Paragraph is its paragraph in the part outside tables (1-based; 0
	// in a table or unknown); TextBox is set inside a text box.
	Table, Row, Cell, Paragraph int
	TextBox                     bool
	// Text is the paragraph's text around it, shortened, to recognize it.
	Text string
}

// TemplateError is a template that cannot be used: a placeholder that is
// broken ({{client.name without its end), not closed, or a list whose start
// and end do not match. The DOCX engine returns it from Inspect.
type TemplateError struct {
	Problem     string // "unclosed", "broken", "list_mismatch", "damaged"
	Placeholder Placeholder
}

func (e *TemplateError) Error() string {
	return "template: " + e.Problem + " placeholder " + e.Placeholder.Name + " at " + e.Placeholder.Where
}

// DocValues are the values a template is filled with: a placeholder
// "client.name" is Values["client.name"]; a list "items" is Lists["items"],
// each element a set of values for the row that repeats
// ("items.name", "items.amount").
type DocValues struct {
	Values map[string]string
	Lists  map[string][]map[string]string
}

// DocEngine fills DOCX templates.
type DocEngine interface {
	// Inspect reads a template and lists its placeholders; a damaged file or
	// a broken placeholder is a *TemplateError (or an error for a file that
	// is no DOCX at all).
	Inspect(docx []byte) ([]Placeholder, error)
	// Fill returns a new DOCX with every placeholder replaced (text escaped),
	// in the body, tables, headers and footers, and the table rows of each
	// list repeated once per element.
	Fill(docx []byte, v DocValues) ([]byte, error)
}

// PDFConverter converts a filled DOCX into PDF (PDF/A-2). name is the
// document's file name without extension, for logs and temporary files.
type PDFConverter interface {
	ConvertPDF(ctx context.Context, docx []byte, name string) ([]byte, error)
}

// Attachment is a file sent with an email or posted to EDO.
type Attachment struct {
	Name string
	MIME string
	Data []byte
}

// Mail is an email to a client.
type Mail struct {
	// MessageID is DealDesk's own id of the message (the document version's),
	// so that a retry after a crash is recognized by the recipient's server
	// and in the logs.
	MessageID   string
	To          []string
	ReplyTo     string
	Subject     string
	Text        string
	Attachments []Attachment
}

// MailError is an SMTP refusal: Temporary (4xx, a connection failure) is
// retried later; a permanent one (5xx) is shown to the user as the server's
// words.
type MailError struct {
	Temporary bool
	Code      int
	Text      string
}

func (e *MailError) Error() string { return "smtp: " + e.Text }

// Mailer sends email.
type Mailer interface {
	Send(ctx context.Context, m *Mail) error
}

// EDOBox is an organization's box at the EDO operator.
type EDOBox struct {
	ID    string
	Title string
	INN   string
	KPP   string
}

// EDODraft is a document posted to EDO as a draft, for a person with a
// qualified signature to sign and send in the operator's own application:
// the API never signs.
type EDODraft struct {
	// OperationID makes a retry post nothing twice (Diadoc's operationId).
	OperationID            string
	ToBoxID                string
	FileName               string
	Content                []byte
	Title                  string // the document's number and kind
	NeedRecipientSignature bool
	Comment                string
}

// EDOPosted identifies a posted document at the operator.
type EDOPosted struct {
	MessageID string
	EntityID  string
}

// EDOStatus is what an operator's event says about a posted document.
type EDOStatus string

// EDO statuses, mapped from the operator's structured fields (never from
// its display texts).
const (
	EDOSent          EDOStatus = "sent"
	EDODelivered     EDOStatus = "delivered"
	EDOSigned        EDOStatus = "signed"
	EDODisagreements EDOStatus = "signed_disagreements"
	EDORejected      EDOStatus = "rejected"
)

// EDOEvent is one event of the operator's feed about a document.
type EDOEvent struct {
	IndexKey  string // the feed's cursor after this event
	MessageID string
	EntityID  string
	// DraftID is set on the events of a letter a person sent from a draft
	// PostDraft posted: the draft's MessageID. Such a letter has ids of its
	// own, and its later events (delivered, signed, refused) name only
	// them; core follows the document from the draft to the letter.
	DraftID string
	Status  EDOStatus
	At      time.Time
	Comment string // a rejection's or disagreement's words
}

// EDO is an EDO operator (Diadoc).
type EDO interface {
	Name() string
	// Boxes finds the boxes of a counterparty by INN and KPP (KPP may be
	// empty: every box of the INN).
	Boxes(ctx context.Context, inn, kpp string) ([]EDOBox, error)
	// PostDraft posts a document as a draft from DealDesk's own box.
	PostDraft(ctx context.Context, d *EDODraft) (*EDOPosted, error)
	// Events returns the events after the cursor (empty: from the start),
	// at most one page, and the cursor after them; only events about
	// documents are returned, others are skipped but move the cursor.
	Events(ctx context.Context, after string) (events []EDOEvent, next string, err error)
}
