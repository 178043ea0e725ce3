package core

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Sending rules.
const (
	// DocSendMaxAttempts is how many temporary failures a send gets before
	// it is given up and the document is send_failed.
	DocSendMaxAttempts = 10
	// DocSendMaxBackoff is the longest wait between two attempts.
	DocSendMaxBackoff = time.Hour
	// docSendBatch is how many due sends one DeliverDocuments call takes.
	docSendBatch = 20
)

// DocSendBackoff is the wait after n failed attempts: 1, 2, 4 … minutes,
// up to DocSendMaxBackoff.
func DocSendBackoff(n int) time.Duration {
	return min(time.Minute<<min(max(n-1, 0), 10), DocSendMaxBackoff)
}

// CheckSendable returns an error, which says why, unless the document's
// current version may go to the client now: approved, or a draft of a
// kind that needs no approval (or one whose last send failed, under the
// same rule), or e-mailed and not yet further (a copy by e-mail, then EDO
// for the signature: SendDocumentEmail refuses a second e-mail), and not
// already waiting in EDO as a draft
// (Document.WaitsInEDO: a person signs and sends it there). The chat
// offers sending by the same rule.
func (s *Service) CheckSendable(d *Document) error {
	cur := d.Current()
	switch {
	case cur == nil:
		return Errorf(ECONFLICT, "err.doc.produce_first", "Number", d.Number)
	case d.SendID != 0:
		return Errorf(ECONFLICT, "err.doc.sending", "Number", d.Number)
	case d.WaitsInEDO():
		return Errorf(ECONFLICT, "err.doc.waits_in_edo", "Number", d.Number, "Version", cur.N)
	case d.Status == DocApproved || d.Status == DocDraft || d.Status == DocSendFailed:
		if s.DocConfig().NeedsApproval(d.Kind) && d.Approved != cur.N {
			return Errorf(ECONFLICT, "err.doc.needs_approval", "Number", d.Number)
		}
		return nil
	case d.Status == DocSent && d.Channel == ChannelEmail && d.SentVersion == cur.N:
		// An e-mailed copy is not a signature: the version may also go to
		// EDO for the client to sign there (or to another address).
		if s.DocConfig().NeedsApproval(d.Kind) && d.Approved != cur.N {
			return Errorf(ECONFLICT, "err.doc.needs_approval", "Number", d.Number)
		}
		return nil
	case d.Status.sentRank() > 0:
		return Errorf(ECONFLICT, "err.doc.already_sent", "Number", d.Number, "Status", string(d.Status))
	}
	return Errorf(ECONFLICT, "err.doc.not_sendable", "Number", d.Number, "Status", string(d.Status))
}

// SendDocumentEmail records the intent to email a document's current
// version (the DOCX and the PDF) to the addresses, or to the client's
// contact e-mail when none is given; DeliverDocuments sends it. The
// document must be approved where its kind needs it, and not sent yet.
func (s *Service) SendDocumentEmail(ctx context.Context, a Actor, docID int64, to []string) (*Document, error) {
	if err := a.require(PermDocuments); err != nil {
		return nil, err
	}
	if s.docs.mailer == nil {
		return nil, Errorf(EUNAVAILABLE, "err.doc.mail_unavailable")
	}
	var addrs []string
	for _, t := range to {
		e, err := NormalizeEmail(t)
		if err != nil {
			return nil, err
		}
		addrs = append(addrs, e)
	}
	return s.requestSend(ctx, a, docID, func(tx Tx, d *Document, send *DocSend) error {
		if d.Status == DocSent {
			// E-mailed already: what remains is EDO for the signature.
			return Errorf(ECONFLICT, "err.doc.already_sent", "Number", d.Number, "Status", string(d.Status))
		}
		if len(addrs) == 0 {
			c, err := dealClient(tx, d)
			if err != nil {
				return err
			}
			e := c.EmailContact()
			if e == nil {
				return Errorf(EINVALID, "err.doc.no_email", "Client", c.Name())
			}
			addrs = []string{e.Email}
		}
		send.Channel, send.To = ChannelEmail, addrs
		return nil
	})
}

// SendDocumentEDO records the intent to post a document's current version
// (its PDF, else the DOCX) to EDO as a draft for the client's box (one of
// EDOBoxes, whose title becomes the document's recipient); DeliverDocuments
// posts it. A person with a qualified
// signature signs and sends it in the operator's application: the API
// never signs. The document must be approved where its kind needs it.
func (s *Service) SendDocumentEDO(ctx context.Context, a Actor, docID int64, box EDOBox) (*Document, error) {
	if err := a.require(PermDocuments); err != nil {
		return nil, err
	}
	if s.docs.edo == nil {
		return nil, Errorf(EUNAVAILABLE, "err.doc.edo_unavailable")
	}
	boxID := strings.TrimSpace(box.ID)
	if boxID == "" {
		return nil, Errorf(EINVALID, "err.doc.box_required")
	}
	return s.requestSend(ctx, a, docID, func(_ Tx, _ *Document, send *DocSend) error {
		send.Channel, send.BoxID, send.BoxTitle = ChannelEDO, boxID, strings.TrimSpace(box.Title)
		return nil
	})
}

// requestSend writes a send of the document's current version, filled in
// by fill, and marks the document as being sent; audited.
func (s *Service) requestSend(ctx context.Context, a Actor, docID int64, fill func(Tx, *Document, *DocSend) error) (*Document, error) {
	var d *Document
	err := s.update(ctx, func(tx Tx) error {
		doc, deal, err := visibleDocument(tx, a, docID)
		if err != nil {
			return err
		}
		d = doc
		if err := checkDealOpen(deal); err != nil {
			return err
		}
		if err := s.CheckSendable(d); err != nil {
			return err
		}
		send := &DocSend{DocID: d.ID, Version: d.Current().N, Status: SendPending, NextAttemptAt: tx.Now(),
			RequestedBy: a.ID(), Source: a.Source}
		if err := fill(tx, d, send); err != nil {
			return err
		}
		if err := tx.CreateDocSend(send); err != nil {
			return err
		}
		send.OperationID = fmt.Sprintf("dealdesk-doc%d-v%d-s%d", d.ID, send.Version, send.ID)
		if send.Channel == ChannelEmail {
			send.OperationID += "@" + s.mailDomain()
		}
		if err := tx.UpdateDocSend(send); err != nil {
			return err
		}
		d.SendID, d.SendError = send.ID, ""
		if err := tx.UpdateDocument(d); err != nil {
			return err
		}
		to := strings.Join(send.To, ", ") + send.BoxID
		return tx.AddChanges(stamp([]*Change{{Entity: EntityDocument, EntityID: d.ID, Field: "send",
			New: string(send.Channel) + ": " + to}}, a, "send_requested")...)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// DeliverDocuments carries out the sends that are due at now: each email
// goes to the mail server and each EDO draft is posted, outside any
// transaction, and the outcome is recorded in one transaction per send. A
// temporary failure is tried again later (DocSendBackoff); a refusal, or
// DocSendMaxAttempts failures, makes the document send_failed with the
// server's words, and the officer and the manager are told. It returns
// how many sends it tried; the scheduler calls it.
func (s *Service) DeliverDocuments(ctx context.Context, now time.Time) (int, error) {
	var sends []*DocSend
	if err := s.view(ctx, func(tx Tx) (err error) {
		sends, err = tx.DueDocSends(now, docSendBatch)
		return err
	}); err != nil {
		return 0, err
	}
	for i, send := range sends {
		if err := ctx.Err(); err != nil {
			return i, err
		}
		if err := s.deliver(ctx, send); err != nil {
			return i, err
		}
	}
	return len(sends), nil
}

// deliver performs one send and records its outcome.
func (s *Service) deliver(ctx context.Context, send *DocSend) error {
	var d *Document
	var files []OutboxFile
	var sender *User
	var client *Client
	err := s.view(ctx, func(tx Tx) (err error) {
		if d, err = tx.DocumentByID(send.DocID); err != nil {
			return err
		}
		if v := d.Version(send.Version); v != nil && d.SendID == send.ID {
			if files, err = versionFiles(tx, v); err != nil {
				return err
			}
		}
		if client, err = dealClient(tx, d); err != nil {
			return err
		}
		if sender, err = tx.UserByID(send.RequestedBy); IsNotFound(err) {
			sender, err = &User{}, nil
		}
		return err
	})
	if err != nil {
		return err
	}
	if files == nil {
		// The document moved on without this send (it cannot: a send
		// blocks new versions); keep the record and drop the send.
		return s.recordSend(ctx, send, nil, errors.New("the document no longer waits for this send"), true)
	}
	var posted *EDOPosted
	var sendErr error
	switch send.Channel {
	case ChannelEmail:
		sendErr = s.sendMail(ctx, send, d, client, sender, files)
	case ChannelEDO:
		posted, sendErr = s.postDraft(ctx, send, d, files)
	}
	if sendErr != nil && ctx.Err() != nil {
		return ctx.Err() // stopped: the send stays due, uncounted
	}
	return s.recordSend(ctx, send, posted, sendErr, false)
}

// sendMail sends the email of a send: the files attached, the subject and
// text in the sender's language.
func (s *Service) sendMail(ctx context.Context, send *DocSend, d *Document, c *Client, sender *User, files []OutboxFile) error {
	if s.docs.mailer == nil {
		return Errorf(EUNAVAILABLE, "err.doc.mail_unavailable")
	}
	args := map[string]any{"Number": d.Number, "Kind": string(d.Kind), "Client": c.Name(),
		"Company": s.docs.company.Name, "Sender": sender.Name}
	subject := docKindTitles[d.Kind] + " " + d.Number
	text := subject
	if s.docs.texts != nil {
		subject = s.docs.texts(sender.Locale, "mail.doc.subject", args)
		text = s.docs.texts(sender.Locale, "mail.doc.body", args)
	}
	m := &Mail{MessageID: send.OperationID, To: send.To, Subject: subject, Text: text}
	for _, f := range files {
		m.Attachments = append(m.Attachments, Attachment{Name: f.Name, MIME: f.MIME, Data: f.Data})
	}
	return s.docs.mailer.Send(ctx, m)
}

// postDraft posts the draft of a send: the PDF when there is one, else
// the DOCX.
func (s *Service) postDraft(ctx context.Context, send *DocSend, d *Document, files []OutboxFile) (*EDOPosted, error) {
	if s.docs.edo == nil {
		return nil, Errorf(EUNAVAILABLE, "err.doc.edo_unavailable")
	}
	f := files[len(files)-1]
	return s.docs.edo.PostDraft(ctx, &EDODraft{OperationID: send.OperationID, ToBoxID: send.BoxID,
		FileName: f.Name, Content: f.Data, Title: docKindTitles[d.Kind] + " " + d.Number,
		NeedRecipientSignature: d.Kind.NeedsSignature()})
}

// temporary reports whether a send's failure may pass if tried again: an
// SMTP 4xx or a connection failure, an operator that is down.
func temporary(err error) bool {
	var me *MailError
	if errors.As(err, &me) {
		return me.Temporary
	}
	var ce *Error
	if errors.As(err, &ce) {
		return ce.Code == EUNAVAILABLE || ce.Code == EINTERNAL
	}
	return true
}

// sendFailure is the words of a failure for the people told: the mail
// server's text, or the locale key of the operator's error.
func sendFailure(err error) (text, key string) {
	var me *MailError
	if errors.As(err, &me) {
		return me.Text, ""
	}
	var ce *Error
	if errors.As(err, &ce) {
		k, _ := ErrorKey(err)
		return "", k
	}
	return err.Error(), ""
}
