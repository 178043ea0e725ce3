package diadoc

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"time"
)

// This file holds Diadoc's wire format in JSON (the structures of its
// .proto files, field names as they are): only the fields DealDesk reads
// or writes. Diadoc writes enums by name ("Attachment") and 64-bit numbers
// as numbers; the decoders also take the protobuf JSON forms (an enum's
// number, an int64 as a string), so that a change of serializer does not
// break the feed.

// organizationList is OrganizationList (GetOrganizationsByInnKpp,
// GetMyOrganizations).
type organizationList struct {
	Organizations []organization `json:"Organizations"`
}

// organization is Organization.
type organization struct {
	OrgID           string `json:"OrgId"`
	Inn             string `json:"Inn"`
	Kpp             string `json:"Kpp"`
	FullName        string `json:"FullName"`
	ShortName       string `json:"ShortName"`
	Boxes           []box  `json:"Boxes"`
	IsRoaming       bool   `json:"IsRoaming"`
	IsActive        bool   `json:"IsActive"`
	LiquidationDate string `json:"LiquidationDate"`
}

// box is Box. BoxIdGuid is what methods take as boxId; BoxId is its older
// "…@diadoc.ru" form.
type box struct {
	BoxID     string `json:"BoxId"`
	BoxIDGuid string `json:"BoxIdGuid"`
	Title     string `json:"Title"`
}

// id is the box's id for boxId parameters.
func (b box) id() string {
	if b.BoxIDGuid != "" {
		return b.BoxIDGuid
	}
	return b.BoxID
}

// messageToPost is MessageToPost (PostMessage's body).
type messageToPost struct {
	FromBoxID           string               `json:"FromBoxId"`
	ToBoxID             string               `json:"ToBoxId,omitempty"`
	FromDepartmentID    string               `json:"FromDepartmentId,omitempty"`
	IsDraft             bool                 `json:"IsDraft"`
	DocumentAttachments []documentAttachment `json:"DocumentAttachments"`
}

// documentAttachment is DocumentAttachment.
type documentAttachment struct {
	SignedContent          signedContent  `json:"SignedContent"`
	Comment                string         `json:"Comment,omitempty"`
	NeedRecipientSignature bool           `json:"NeedRecipientSignature"`
	CustomDocumentID       string         `json:"CustomDocumentId,omitempty"`
	TypeNamedID            string         `json:"TypeNamedId"`
	Metadata               []metadataItem `json:"Metadata,omitempty"`
}

// signedContent is SignedContent: the file inline (base64) or its name on
// the shelf; no signature, the API never signs.
type signedContent struct {
	Content     []byte `json:"Content,omitempty"`
	NameOnShelf string `json:"NameOnShelf,omitempty"`
}

// metadataItem is MetadataItem.
type metadataItem struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// boxEventList is BoxEventList (GetNewEvents).
type boxEventList struct {
	Events     []boxEvent `json:"Events"`
	TotalCount int        `json:"TotalCount"`
}

// boxEvent is BoxEvent: a new message or a patch to one.
type boxEvent struct {
	EventID  string        `json:"EventId"`
	Message  *message      `json:"Message"`
	Patch    *messagePatch `json:"Patch"`
	IndexKey string        `json:"IndexKey"`
}

// message is Message (a letter, a draft or a template).
type message struct {
	MessageID          string   `json:"MessageId"`
	TimestampTicks     ticks    `json:"TimestampTicks"`
	FromBoxID          string   `json:"FromBoxId"`
	ToBoxID            string   `json:"ToBoxId"`
	Entities           []entity `json:"Entities"`
	IsDraft            bool     `json:"IsDraft"`
	IsDeleted          bool     `json:"IsDeleted"`
	CreatedFromDraftID string   `json:"CreatedFromDraftId"`
	MessageType        enum     `json:"MessageType"`
}

// messagePatch is MessagePatch: what was added to a message.
type messagePatch struct {
	MessageID          string   `json:"MessageId"`
	TimestampTicks     ticks    `json:"TimestampTicks"`
	Entities           []entity `json:"Entities"`
	ForDraft           bool     `json:"ForDraft"`
	MessageIsDelivered bool     `json:"MessageIsDelivered"`
	MessageType        enum     `json:"MessageType"`
}

// entity is Entity: a file (Attachment) or a signature under one.
type entity struct {
	EntityType      enum      `json:"EntityType"`
	EntityID        string    `json:"EntityId"`
	ParentEntityID  string    `json:"ParentEntityId"`
	Content         content   `json:"Content"`
	AttachmentType  enum      `json:"AttachmentType"`
	FileName        string    `json:"FileName"`
	SignerBoxID     string    `json:"SignerBoxId"`
	DocumentInfo    *document `json:"DocumentInfo"`
	RawCreationDate ticks     `json:"RawCreationDate"`
}

// document is Document, an attachment's state.
type document struct {
	MessageID               string `json:"MessageId"`
	EntityID                string `json:"EntityId"`
	SendTimestampTicks      ticks  `json:"SendTimestampTicks"`
	DeliveryTimestampTicks  ticks  `json:"DeliveryTimestampTicks"`
	DocumentDirection       enum   `json:"DocumentDirection"`
	RecipientResponseStatus enum   `json:"RecipientResponseStatus"`
	Origin                  *struct {
		MessageType enum   `json:"MessageType"`
		MessageID   string `json:"MessageId"`
	} `json:"Origin"`
}

// content is Content: a size and the bytes (base64), absent from feeds
// but for short texts such as a refusal's reason.
type content struct {
	Size int
	Data []byte
}

// UnmarshalJSON reads {"Size":…,"Data":"<base64>"}; anything else (null,
// a bare string) is no content.
func (c *content) UnmarshalJSON(b []byte) error {
	var v struct {
		Size int    `json:"Size"`
		Data string `json:"Data"`
	}
	if len(b) == 0 || b[0] != '{' || json.Unmarshal(b, &v) != nil {
		*c = content{}
		return nil
	}
	c.Size = v.Size
	if d, err := base64.StdEncoding.DecodeString(v.Data); err == nil {
		c.Data = d
	}
	return nil
}

// enum is an enum's name: Diadoc writes names, protobuf JSON may write
// numbers; a number is kept as its decimal text and read through the
// tables of enumNames.
type enum string

// UnmarshalJSON takes a string or a number.
func (e *enum) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*e = enum(s)
		return nil
	}
	if string(b) == "null" {
		*e = ""
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*e = enum(n.String())
	return nil
}

// name returns the enum's name, translating a number with the table.
func (e enum) name(table map[string]string) string {
	if n, ok := table[string(e)]; ok {
		return n
	}
	return string(e)
}

// The numbers of the enums DealDesk reads (from Diadoc's .proto files).
var (
	entityTypes = map[string]string{"0": "UnknownEntityType", "1": "Attachment", "2": "Signature"}
	// attachmentTypes holds the attachment types DealDesk tells apart.
	attachmentTypes = map[string]string{"-1": "UnknownAttachmentType", "0": "Nonformalized", "1": "Invoice",
		"5": "AttachmentComment", "6": "DeliveryFailureNotification", "8": "SignatureRequestRejection",
		"18": "ProformaInvoice", "27": "Receipt", "28": "XmlSignatureRejection", "29": "RevocationRequest",
		"36": "Contract", "40": "SupplementaryAgreement", "41": "UniversalTransferDocument", "68": "Title",
		"69": "Cancellation"}
	recipientResponseStatuses = map[string]string{"0": "RecipientResponseStatusUnknown",
		"1": "RecipientResponseStatusNotAcceptable", "2": "WaitingForRecipientSignature",
		"3": "WithRecipientSignature", "4": "RecipientSignatureRequestRejected", "5": "InvalidRecipientSignature",
		"6": "WithRecipientPartiallySignature"}
	messageTypes       = map[string]string{"0": "Unknown", "1": "Letter", "2": "Draft", "3": "Template"}
	documentDirections = map[string]string{"0": "UnknownDocumentDirection", "1": "Inbound", "2": "Outbound",
		"3": "Internal"}
)

// ticks is a .NET timestamp: 100-nanosecond intervals since 0001-01-01
// UTC, a number or (protobuf JSON) a string.
type ticks int64

// UnmarshalJSON takes a number or a string of digits.
func (t *ticks) UnmarshalJSON(b []byte) error {
	s := string(bytes.Trim(bytes.TrimSpace(b), `"`))
	if s == "" || s == "null" {
		*t = 0
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return err
	}
	*t = ticks(n)
	return nil
}

// unixEpochTicks is 1970-01-01 in .NET ticks.
const unixEpochTicks = 621355968000000000

// time returns the instant, zero for no timestamp.
func (t ticks) time() time.Time {
	if t <= 0 {
		return time.Time{}
	}
	d := int64(t) - unixEpochTicks
	return time.Unix(d/1e7, (d%1e7)*100).UTC()
}

// ticksOf returns the .NET ticks of an instant.
func ticksOf(t time.Time) int64 {
	return t.UnixNano()/100 + unixEpochTicks
}
