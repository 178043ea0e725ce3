package core

import "time"

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
	N          int       `json:"n"`
	TemplateID int64     `json:"template_id"`
	DOCX       FileRef   `json:"docx"`
	PDF        *FileRef  `json:"pdf,omitempty"` // nil when LibreOffice is not available
	CreatedBy  int64     `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
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
	Number      string       `json:"number"` // КП-2026-0001; empty until first produced
	Kind        DocKind      `json:"kind"`
	DealID      int64        `json:"deal_id"`
	ClientID    int64        `json:"client_id"`
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
