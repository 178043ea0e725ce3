package core

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DocKind is the kind of a document: it decides its number's prefix, its
// built-in template and whether it must be approved before it is sent.
type DocKind string

// Document kinds.
const (
	DocProposal   DocKind = "proposal"   // коммерческое предложение, КП-2026-0001
	DocContract   DocKind = "contract"   // договор, ДГ-2026-0001
	DocSupplement DocKind = "supplement" // дополнительное соглашение, ДС-2026-0001
	DocInvoice    DocKind = "invoice"    // счёт, СЧ-2026-0001
)

// DocKinds lists the kinds in the order they are offered.
var DocKinds = []DocKind{DocProposal, DocContract, DocSupplement, DocInvoice}

// DocStatus is where a document is on its one status line: черновик → на
// согласовании → согласован / на доработке / отклонён → отправлен →
// доставлен → подписан / отказ → оригинал получен.
type DocStatus string

// Why a version has no PDF.
const (
	PDFUnavailable = "unavailable"
	PDFFailed      = "failed"
)

// Document statuses.
const (
	DocRequested  DocStatus = "requested" // asked for, waiting for an officer
	DocDraft      DocStatus = "draft"
	DocApproval   DocStatus = "approval"
	DocApproved   DocStatus = "approved"
	DocRework     DocStatus = "rework"
	DocRejected   DocStatus = "rejected"
	DocSent       DocStatus = "sent"
	DocDelivered  DocStatus = "delivered"
	DocSigned     DocStatus = "signed"
	DocRefused    DocStatus = "refused" // the client refused to sign
	DocOriginal   DocStatus = "original"
	DocCancelled  DocStatus = "cancelled"
	DocDisagreed  DocStatus = "signed_disagreements"
	DocSendFailed DocStatus = "send_failed"
)

// FileRef is a stored file: its content is kept once under its SHA-256 and
// never changes.
type FileRef struct {
	SHA256 string `json:"sha256"`
	Name   string `json:"name"`
	MIME   string `json:"mime"`
	Size   int64  `json:"size"`
}

// DocVersion is one generation of a document: every regeneration is a new
// version; earlier ones are kept.
type DocVersion struct {
	N          int      `json:"n"`
	TemplateID int64    `json:"template_id"`
	DOCX       FileRef  `json:"docx"`
	PDF        *FileRef `json:"pdf,omitempty"` // nil when LibreOffice is not available
	// NoPDF says why a version has no PDF: PDFUnavailable (no converter is
	// configured) or PDFFailed (the conversion failed; the DOCX stands).
	NoPDF string `json:"no_pdf,omitempty"`
	// VAT is the rate the version was filled with.
	VAT       VATRate   `json:"vat"`
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	// Overridden lists the warnings of the check before producing that the
	// officer overrode, with Reason.
	Overridden []string `json:"overridden,omitempty"`
	Reason     string   `json:"reason,omitempty"`
}

// DocChannel is how a document went to the client.
type DocChannel string

// Channels.
const (
	ChannelEmail DocChannel = "email"
	ChannelEDO   DocChannel = "edo"
	ChannelPaper DocChannel = "paper"
)

// Document is a КП, contract, supplementary agreement or invoice of a deal.
type Document struct {
	ID          int64        `json:"id"`
	Number      string       `json:"number"` // КП-2026-0001, given when it is requested
	Kind        DocKind      `json:"kind"`
	DealID      int64        `json:"deal_id"`
	ClientID    int64        `json:"client_id"` // when it was asked for; documents are made for the deal's
	Status      DocStatus    `json:"status"`
	Comment     string       `json:"comment,omitempty"` // the manager's request
	RequestedBy int64        `json:"requested_by"`
	OfficerID   int64        `json:"officer_id,omitempty"` // who took the request
	TaskID      int64        `json:"task_id,omitempty"`
	Versions    []DocVersion `json:"versions,omitempty"`
	// Approved is the version a lawyer approved (0: none).
	Approved int `json:"approved,omitempty"`
	// Sending: the channel, the addresses or the EDO box, and the EDO
	// operator's ids of the posted document.
	// VAT is the document's rate; nil: the configured default.
	VAT *VATRate `json:"vat,omitempty"`
	// Remark is the lawyer's comment of the last decision.
	Remark string `json:"remark,omitempty"`
	// SendID is the send in progress (DocSend), 0 when none; SendError the
	// words of the last refusal to send it.
	SendID       int64      `json:"send_id,omitempty"`
	SendError    string     `json:"send_error,omitempty"`
	Channel      DocChannel `json:"channel,omitempty"`
	SentTo       string     `json:"sent_to,omitempty"`
	SentVersion  int        `json:"sent_version,omitempty"`
	EDOBoxID     string     `json:"edo_box_id,omitempty"`
	EDOMessageID string     `json:"edo_message_id,omitempty"`
	EDOEntityID  string     `json:"edo_entity_id,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// Current is the latest version, nil before the first.
func (d *Document) Current() *DocVersion {
	if len(d.Versions) == 0 {
		return nil
	}
	return &d.Versions[len(d.Versions)-1]
}

// DocTemplate is a DOCX template of a kind: built in, or added by an admin
// (the latest added for a kind is used).
type DocTemplate struct {
	ID           int64     `json:"id"`
	Kind         DocKind   `json:"kind"`
	Name         string    `json:"name"`
	File         FileRef   `json:"file"`
	Placeholders []string  `json:"placeholders"`
	Builtin      bool      `json:"builtin,omitempty"`
	AddedBy      int64     `json:"added_by,omitempty"`
	AddedAt      time.Time `json:"added_at"`
	Active       bool      `json:"active"`
}

// Entities of the documents use case in the audit trail.
const (
	EntityDocument Entity = "document"
	EntityTemplate Entity = "template"
)

// docPrefixes are the number prefixes of the kinds.
var docPrefixes = map[DocKind]string{DocProposal: "КП", DocContract: "ДГ", DocSupplement: "ДС", DocInvoice: "СЧ"}

// Valid reports whether k is a known kind.
func (k DocKind) Valid() bool { _, ok := docPrefixes[k]; return ok }

// Prefix is the kind's number prefix: КП, ДГ, ДС, СЧ.
func (k DocKind) Prefix() string { return docPrefixes[k] }

// docKindNames are the words a kind is typed as besides its code, lower
// case with ё as е: the prefix, the Russian and the English names.
var docKindNames = map[string]DocKind{
	"кп": DocProposal, "коммерческое предложение": DocProposal, "предложение": DocProposal, "proposal": DocProposal,
	"дг": DocContract, "договор": DocContract, "contract": DocContract,
	"дс": DocSupplement, "допсоглашение": DocSupplement, "доп соглашение": DocSupplement,
	"дополнительное соглашение": DocSupplement, "supplement": DocSupplement, "supplementary agreement": DocSupplement,
	"сч": DocInvoice, "счет": DocInvoice, "счет на оплату": DocInvoice, "invoice": DocInvoice,
}

// ParseDocKind reads a kind by its code (contract), its prefix (ДГ) or its
// name in Russian or English (договор, доп. соглашение, счёт), in any
// case; EINVALID for anything else.
func ParseDocKind(s string) (DocKind, error) {
	key := strings.ToLower(strings.ReplaceAll(s, "ё", "е"))
	key = strings.Join(strings.Fields(strings.ReplaceAll(key, ".", " ")), " ")
	if k := DocKind(key); k.Valid() {
		return k, nil
	}
	if k, ok := docKindNames[key]; ok {
		return k, nil
	}
	return "", Errorf(EINVALID, "err.doc.kind_unknown", "Kind", strings.TrimSpace(s))
}

// DocNumber formats the number of the n-th document of a kind in a year:
// ДГ-2026-0001.
func DocNumber(k DocKind, year int, n uint64) string {
	return fmt.Sprintf("%s-%d-%04d", k.Prefix(), year, n)
}

// docCounter is the name of the counter of a kind's numbers in a year.
func docCounter(k DocKind, year int) string { return "doc-" + string(k) + "-" + strconv.Itoa(year) }

// DocCounter is docCounter for the store's consistency check.
func DocCounter(k DocKind, year int) string { return docCounter(k, year) }

var docNumberRE = regexp.MustCompile(`^(\p{L}{2})-(\d{4})-(\d{1,6})$`)

// ParseDocNumber reads a document number as typed ("дг-2026-1",
// "ДГ-2026-0001") and returns its kind, year and place in the year, and
// the number in its canonical form.
func ParseDocNumber(s string) (number string, k DocKind, year int, n uint64, ok bool) {
	m := docNumberRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return "", "", 0, 0, false
	}
	prefix := strings.ToUpper(m[1])
	for kind, p := range docPrefixes {
		if p == prefix {
			k = kind
		}
	}
	year, _ = strconv.Atoi(m[2])
	n, _ = strconv.ParseUint(m[3], 10, 64)
	if k == "" || year < 2000 || n == 0 {
		return "", "", 0, 0, false
	}
	return DocNumber(k, year, n), k, year, n, true
}

// DocStatuses lists the statuses in the order of the status line.
var DocStatuses = []DocStatus{DocRequested, DocDraft, DocApproval, DocApproved, DocRework, DocRejected,
	DocSent, DocSendFailed, DocDelivered, DocSigned, DocDisagreed, DocRefused, DocOriginal, DocCancelled}

// Valid reports whether s is a known status.
func (s DocStatus) Valid() bool { return slices.Contains(DocStatuses, s) }

// Final reports whether nothing more happens to a document in this
// status but for its original coming back (signed ones) or nothing at all.
func (s DocStatus) Final() bool {
	return s == DocRejected || s == DocRefused || s == DocOriginal || s == DocCancelled
}

// signedRank orders the statuses a document reaches once it went out, so
// that an operator's event that comes late moves nothing back: 0 before
// it went out.
func (s DocStatus) sentRank() int {
	switch s {
	case DocSent:
		return 1
	case DocDelivered:
		return 2
	case DocSigned, DocDisagreed, DocRefused:
		return 3
	case DocOriginal:
		return 4
	}
	return 0
}

// Signed reports whether the client signed the document (with or without
// disagreements, the original back or not).
func (s DocStatus) Signed() bool { return s == DocSigned || s == DocDisagreed || s == DocOriginal }

// NeedsSignature reports whether the client signs documents of this kind:
// contracts and supplementary agreements.
func (k DocKind) NeedsSignature() bool { return k == DocContract || k == DocSupplement }

// Validate checks a document's own fields.
func (d *Document) Validate() error {
	switch {
	case !d.Kind.Valid():
		return Errorf(EINVALID, "err.doc.kind_unknown", "Kind", string(d.Kind))
	case !d.Status.Valid():
		return Errorf(EINVALID, "err.doc.status_unknown", "Status", string(d.Status))
	case d.DealID == 0 || d.ClientID == 0:
		return Errorf(EINVALID, "err.doc.deal_required")
	case len([]rune(d.Comment)) > MaxDocCommentLen:
		return Errorf(EINVALID, "err.doc.comment_too_long", "Max", MaxDocCommentLen)
	}
	for i, v := range d.Versions {
		if v.N != i+1 || v.DOCX.SHA256 == "" {
			return Errorf(EINVALID, "err.doc.version_broken", "Version", v.N)
		}
	}
	return nil
}

// MaxDocCommentLen is the longest comment of a request or a decision, in
// characters.
const MaxDocCommentLen = 1000

// Version returns the version n, or nil.
func (d *Document) Version(n int) *DocVersion {
	if n < 1 || n > len(d.Versions) {
		return nil
	}
	return &d.Versions[n-1]
}

// FileRefs lists the version's files: the DOCX, then the PDF when there
// is one.
func (v *DocVersion) FileRefs() []FileRef {
	out := []FileRef{v.DOCX}
	if v.PDF != nil {
		out = append(out, *v.PDF)
	}
	return out
}

// WaitsInEDO reports whether the current version was posted to EDO as a
// draft and waits there: a person with a qualified signature signs and
// sends it in the operator's application, and its events move it on
// (sent, delivered…). Until then it is not sent again from DealDesk.
func (d *Document) WaitsInEDO() bool {
	cur := d.Current()
	return cur != nil && d.Channel == ChannelEDO && d.EDOMessageID != "" && d.SentVersion == cur.N &&
		(d.Status == DocDraft || d.Status == DocApproved)
}

// Files lists the files of every version, oldest first.
func (d *Document) Files() []FileRef {
	var out []FileRef
	for _, v := range d.Versions {
		out = append(out, v.DOCX)
		if v.PDF != nil {
			out = append(out, *v.PDF)
		}
	}
	return out
}

// VATRate is a VAT rate in percent, or VATNone for «без НДС».
type VATRate int

// VATNone is «без НДС»: the amounts bear no VAT (a simplified-tax seller).
const VATNone VATRate = -1

// VATRates lists the rates a document may have.
var VATRates = []VATRate{22, 10, 0, VATNone}

// DefaultVAT is the rate of a document when the configuration names none.
const DefaultVAT VATRate = 22

// ParseVATRate reads a rate: "22", "22%", "10 %", "0", "none", "без НДС".
func ParseVATRate(s string) (VATRate, error) {
	key := strings.ToLower(strings.Join(strings.Fields(s), " "))
	switch key {
	case "none", "без ндс", "no vat", "-":
		return VATNone, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(key, "%")))
	if r := VATRate(n); err == nil && slices.Contains(VATRates, r) {
		return r, nil
	}
	return 0, Errorf(EINVALID, "err.doc.vat_unknown", "Rate", strings.TrimSpace(s))
}

// String is the rate as a document writes it: «22 %», «без НДС».
func (r VATRate) String() string {
	if r == VATNone {
		return "без НДС"
	}
	return strconv.Itoa(int(r)) + " %"
}

// Code is the rate as configuration and the audit trail write it: "22",
// "none".
func (r VATRate) Code() string {
	if r == VATNone {
		return "none"
	}
	return strconv.Itoa(int(r))
}

// Included returns the VAT included in an amount that bears it at the
// rate, in kopecks, rounded half away from zero: amount × r / (100 + r).
func (r VATRate) Included(amount Money) Money {
	if r <= 0 {
		return 0
	}
	num, den := int64(amount)*int64(r), int64(100+r)
	q, rem := num/den, num%den
	if rem < 0 {
		rem = -rem
	}
	if 2*rem >= den {
		if num < 0 {
			q--
		} else {
			q++
		}
	}
	return Money(q)
}

// Company is our own company's requisites, from the configuration: the
// other party of every document.
type Company struct {
	Name        string `json:"name"`
	FullName    string `json:"full_name,omitempty"`
	INN         string `json:"inn,omitempty"`
	KPP         string `json:"kpp,omitempty"`
	OGRN        string `json:"ogrn,omitempty"`
	Address     string `json:"address,omitempty"`
	Director    string `json:"director,omitempty"`
	Bank        string `json:"bank,omitempty"`
	BIK         string `json:"bik,omitempty"`
	Account     string `json:"account,omitempty"`
	CorrAccount string `json:"corr_account,omitempty"`
}

// DocConfig are the rules of the documents use case that configuration
// sets.
type DocConfig struct {
	// VAT is the rate of a document that was given none (DEALDESK_VAT_RATE).
	VAT VATRate
	// ApprovalKinds are the kinds a lawyer must approve before they are
	// sent (DEALDESK_APPROVAL_KINDS).
	ApprovalKinds []DocKind
	// VerifyMaxAge is how long a card's verification holds for a
	// document; older ones are a warning of the check before producing
	// (DEALDESK_VERIFY_MAX_AGE).
	VerifyMaxAge time.Duration
}

// DefaultDocConfig is the configuration of documents when nothing is set:
// 22 % VAT, contracts and supplementary agreements approved by a lawyer, a
// verification good for 90 days.
func DefaultDocConfig() DocConfig {
	return DocConfig{VAT: DefaultVAT, ApprovalKinds: []DocKind{DocContract, DocSupplement},
		VerifyMaxAge: 90 * 24 * time.Hour}
}

// NeedsApproval reports whether documents of the kind must be approved
// before they are sent.
func (c DocConfig) NeedsApproval(k DocKind) bool { return slices.Contains(c.ApprovalKinds, k) }

// SendStatus is where a durable send of a document stands.
type SendStatus string

// Send statuses.
const (
	SendPending SendStatus = "pending" // waiting for the worker, or for its next attempt
	SendDone    SendStatus = "done"    // the mail server took it, or the draft is posted
	SendFailed  SendStatus = "failed"  // refused for good; the document is send_failed
)

// DocSend is the intent to send a version of a document by email or to
// EDO, written in the transaction that asks for it and carried out by
// DeliverDocuments; a crash between leaves it pending and it is tried
// again, its OperationID making the retry harmless.
type DocSend struct {
	ID      int64      `json:"id"`
	DocID   int64      `json:"doc_id"`
	Version int        `json:"version"`
	Channel DocChannel `json:"channel"`
	To      []string   `json:"to,omitempty"`     // email addresses
	BoxID   string     `json:"box_id,omitempty"` // the recipient's EDO box
	// BoxTitle is the box's title as the operator listed it when it was
	// chosen: the recipient as people read it.
	BoxTitle string `json:"box_title,omitempty"`
	// OperationID is the mail's Message-ID or the EDO operation's id, the
	// same for every attempt of this send.
	OperationID   string     `json:"operation_id"`
	Status        SendStatus `json:"status"`
	Attempts      int        `json:"attempts"`
	NextAttemptAt time.Time  `json:"next_attempt_at,omitzero"`
	LastError     string     `json:"last_error,omitempty"`
	RequestedBy   int64      `json:"requested_by"`
	// Source is where it was asked from, for the audit records the worker
	// writes.
	Source    string    `json:"source,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}
