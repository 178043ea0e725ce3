package diadoc

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dealdesk/dealdesk/core"
)

// Events returns the events of DealDesk's box after the cursor (one page
// of GetNewEvents V8, departmentId added when configured) mapped to
// document statuses, and the cursor after the page: the last event's
// IndexKey, or after itself when the page is empty. Events that say
// nothing about a document DealDesk sent (drafts, inbound documents,
// comments, unknown kinds) are skipped, and the cursor moves past them.
func (c *Client) Events(ctx context.Context, after string) ([]core.EDOEvent, string, error) {
	own, err := c.ownBox(ctx)
	if err != nil {
		return nil, after, err
	}
	q := url.Values{"boxId": {own}, "limit": {strconv.Itoa(c.pageSize)}}
	if after != "" {
		q.Set("afterIndexKey", after)
	}
	if c.department != "" {
		q.Set("departmentId", c.department)
	}
	var list boxEventList
	if err := c.getJSON(ctx, "GetNewEvents", "/V8/GetNewEvents", q, &list); err != nil {
		return nil, after, err
	}
	next := after
	for i := len(list.Events) - 1; i >= 0; i-- {
		if k := list.Events[i].IndexKey; k != "" {
			next = k
			break
		}
	}
	events := mapEvents(list.Events, own)
	if len(list.Events) > 0 {
		c.log.Debug().Int("events", len(list.Events)).Int("about_documents", len(events)).Msg("diadoc feed page read")
	}
	return events, next, nil
}

// event is a status of a document DealDesk sent, as the feed tells it.
// Its DraftID is the draft a letter was sent from
// (Message.CreatedFromDraftId, or the document's Origin): the MessageID
// PostDraft returned.
type event struct {
	core.EDOEvent
	// fromInfo marks a status read from the document's own state
	// (Document.RecipientResponseStatus, its timestamps) rather than
	// inferred from the entities added: it wins over an inference of the
	// same rank.
	fromInfo bool
}

// mapEvents maps a page of BoxEvents to core events.
func mapEvents(evs []boxEvent, own string) []core.EDOEvent {
	var out []core.EDOEvent
	for i := range evs {
		for _, e := range mapEvent(&evs[i], own) {
			out = append(out, e.core())
		}
	}
	return out
}

// core returns the core event: the letter's own MessageID and EntityID,
// with the draft it was sent from (DraftID) when it was one DealDesk
// posted, so that core finds the document by the draft's id the first time
// and follows the letter's later patches (delivered, signed, refused),
// which name only the letter.
func (e event) core() core.EDOEvent { return e.EDOEvent }

// rank orders statuses: a document never moves back.
func rank(s core.EDOStatus) int {
	switch s {
	case core.EDOSent:
		return 1
	case core.EDODelivered:
		return 2
	case core.EDOSigned, core.EDODisagreements, core.EDORejected:
		return 3
	}
	return 0
}

// mapEvent maps one BoxEvent: a new letter from DealDesk's box is sent (or
// further, by its documents' state); a patch to a letter tells of
// delivery, the recipient's signature or refusal. Drafts, templates,
// deleted and inbound messages, and anything unknown give nothing.
func mapEvent(ev *boxEvent, own string) []event {
	switch {
	case ev.Message != nil:
		return mapMessage(ev.Message, ev.IndexKey, own)
	case ev.Patch != nil:
		return mapPatch(ev.Patch, ev.IndexKey, own)
	}
	return nil
}

func mapMessage(m *message, key, own string) []event {
	if m.IsDeleted || m.IsDraft || !isLetter(m.MessageType) || !sameBox(m.FromBoxID, own) {
		return nil
	}
	at := m.TimestampTicks.time()
	var out []event
	for _, e := range m.Entities {
		if !isDocument(&e) || inbound(e.DocumentInfo) {
			continue
		}
		ev := event{EDOEvent: core.EDOEvent{IndexKey: key, MessageID: m.MessageID, EntityID: e.EntityID,
			DraftID: m.CreatedFromDraftID, Status: core.EDOSent, At: at}}
		if d := e.DocumentInfo; d != nil {
			if st, when := docState(d); st != "" {
				ev.Status, ev.fromInfo = st, true
				if !when.IsZero() {
					ev.At = when
				}
			}
			if ev.DraftID == "" && d.Origin != nil && d.Origin.MessageType.name(messageTypes) == "Draft" {
				ev.DraftID = d.Origin.MessageID
			}
		}
		out = append(out, ev)
	}
	return out
}

func mapPatch(p *messagePatch, key, own string) []event {
	if p.ForDraft || !isLetter(p.MessageType) {
		return nil
	}
	at := p.TimestampTicks.time()
	// added holds the entities this patch adds under another one (titles,
	// refusals, receipts); a document itself, without a parent, may come
	// along with its new state.
	added := make(map[string]bool, len(p.Entities))
	signedByUs := map[string]bool{}
	for _, e := range p.Entities {
		if e.ParentEntityID != "" {
			added[e.EntityID] = true
		}
		if e.EntityType.name(entityTypes) == "Signature" && sameBox(e.SignerBoxID, own) {
			signedByUs[e.ParentEntityID] = true
		}
	}
	var order []string
	found := map[string]*event{}
	comments := map[string]string{} // an added comment's text by the entity it is about
	add := func(ev event) {
		old, ok := found[ev.EntityID]
		if !ok {
			order = append(order, ev.EntityID)
			found[ev.EntityID] = &ev
			return
		}
		if r, o := rank(ev.Status), rank(old.Status); r > o || r == o && ev.fromInfo && !old.fromInfo {
			if ev.Comment == "" {
				ev.Comment = old.Comment
			}
			*old = ev
		}
	}
	for i := range p.Entities {
		e := &p.Entities[i]
		base := event{EDOEvent: core.EDOEvent{IndexKey: key, MessageID: p.MessageID, EntityID: e.ParentEntityID, At: at}}
		switch kind := e.AttachmentType.name(attachmentTypes); {
		case isDocument(e):
			d := e.DocumentInfo
			if d == nil || inbound(d) {
				continue
			}
			st, when := docState(d)
			if st == "" {
				continue
			}
			base.EntityID, base.Status, base.fromInfo = e.EntityID, st, true
			if st == core.EDOSent || st == core.EDODelivered {
				base.At = orTime(when, at)
			}
			if d.Origin != nil && d.Origin.MessageType.name(messageTypes) == "Draft" {
				base.DraftID = d.Origin.MessageID
			}
			add(base)
		case e.EntityType.name(entityTypes) == "Signature":
			// The recipient's signature under the document; a signature
			// under an entity this patch adds signs that entity (a title,
			// a refusal, a receipt) instead.
			if e.ParentEntityID == "" || added[e.ParentEntityID] || e.SignerBoxID == "" || sameBox(e.SignerBoxID, own) {
				continue
			}
			base.Status = core.EDOSigned
			add(base)
		case kind == "AttachmentComment" && e.ParentEntityID != "":
			if text := reason(e.Content.Data); text != "" && !signedByUs[e.EntityID] {
				comments[e.ParentEntityID] = text
			}
		case kind == "SignatureRequestRejection" || kind == "XmlSignatureRejection":
			// A refusal to sign the document, unless DealDesk's box signed
			// the refusal (a refusal of a document sent to us).
			if e.ParentEntityID == "" || added[e.ParentEntityID] || signedByUs[e.EntityID] {
				continue
			}
			base.Status = core.EDORejected
			if kind == "SignatureRequestRejection" {
				base.Comment = reason(e.Content.Data)
			}
			add(base)
		}
	}
	if p.MessageIsDelivered {
		delivered := false
		for _, ev := range found {
			delivered = delivered || rank(ev.Status) >= rank(core.EDODelivered)
		}
		if !delivered {
			add(event{EDOEvent: core.EDOEvent{IndexKey: key, MessageID: p.MessageID, Status: core.EDODelivered, At: at}})
		}
	}
	out := make([]event, 0, len(order))
	for _, id := range order {
		ev := found[id]
		if ev.Comment == "" && rank(ev.Status) == rank(core.EDOSigned) {
			ev.Comment = comments[id]
		}
		out = append(out, *ev)
	}
	return out
}

// docState reads a document's structured state: the recipient's answer
// first (signed, signed with disagreements, refused), then delivery, then
// sending, with the time of the last two.
func docState(d *document) (core.EDOStatus, time.Time) {
	switch d.RecipientResponseStatus.name(recipientResponseStatuses) {
	case "WithRecipientSignature":
		return core.EDOSigned, time.Time{}
	case "WithRecipientPartiallySignature":
		return core.EDODisagreements, time.Time{}
	case "RecipientSignatureRequestRejected":
		return core.EDORejected, time.Time{}
	}
	if d.DeliveryTimestampTicks > 0 {
		return core.EDODelivered, d.DeliveryTimestampTicks.time()
	}
	if d.SendTimestampTicks > 0 {
		return core.EDOSent, d.SendTimestampTicks.time()
	}
	return "", time.Time{}
}

// serviceTypes are the attachment types that are no document of their
// own: texts and notices about another entity.
var serviceTypes = map[string]bool{
	"AttachmentComment": true, "DeliveryFailureNotification": true, "SignatureRequestRejection": true,
	"XmlSignatureRejection": true, "Receipt": true, "InvoiceReceipt": true, "InvoiceConfirmation": true,
	"InvoiceCorrectionRequest": true, "SignatureVerificationReport": true, "Resolution": true,
	"ResolutionRequest": true, "ResolutionRequestDenial": true, "RevocationRequest": true,
	"RoamingNotification": true, "CustomData": true, "MoveDocument": true, "ResolutionRouteAssignment": true,
	"ResolutionRouteRemoval": true, "Title": true, "Cancellation": true, "Edition": true,
	"DeletionRestoration": true, "TemplateTransformation": true, "TemplateRefusal": true, "OuterDocflow": true,
	"RoamingConfirmation": true, "PowerOfAttorney": true, "PowerOfAttorneyStatus": true,
}

// isDocument reports whether an entity is a document: an attachment with
// no parent that is no service text or notice.
func isDocument(e *entity) bool {
	return e.EntityType.name(entityTypes) == "Attachment" && e.ParentEntityID == "" && e.EntityID != "" &&
		!serviceTypes[e.AttachmentType.name(attachmentTypes)]
}

// inbound reports whether a document came to DealDesk's box.
func inbound(d *document) bool {
	return d != nil && d.DocumentDirection.name(documentDirections) == "Inbound"
}

// isLetter reports whether a message type is a letter (or not given).
func isLetter(t enum) bool {
	switch t.name(messageTypes) {
	case "Draft", "Template":
		return false
	}
	return true
}

// sameBox compares box ids written as a GUID ("db32772b-9256-…") or in
// the older form ("db32772b9256…@diadoc.ru").
func sameBox(a, b string) bool {
	return a != "" && normBox(a) == normBox(b)
}

func normBox(id string) string {
	id = strings.ToLower(strings.TrimSpace(id))
	if i := strings.IndexByte(id, '@'); i >= 0 {
		id = id[:i]
	}
	return strings.ReplaceAll(id, "-", "")
}

// reason is a refusal's words (UTF-8 text), shortened.
func reason(b []byte) string {
	if !utf8.Valid(b) {
		return ""
	}
	return truncate(strings.Join(strings.Fields(string(b)), " "), 1000)
}

func orTime(t, def time.Time) time.Time {
	if t.IsZero() {
		return def
	}
	return t
}
