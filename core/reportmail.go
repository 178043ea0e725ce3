package core

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Report mails are durable intents, written with the run that sends them
// and carried out by SendDueReportMails as the documents' mails are
// (docsend.go): one Message-ID for every attempt, temporary failures tried
// again with backoff, a refusal given up with the server's words and the
// sender told.

// reportMailBatch is how many due mails one SendDueReportMails call takes.
const reportMailBatch = 20

// queueReportMail writes the mail of a run to one address, the n-th of the
// run: its subject and text in the run's language, the files by reference.
func (s *Service) queueReportMail(tx Tx, run *ReportRun, to string, n int, files []FileRef, args map[string]any) error {
	m := &ReportMail{RunID: run.ID, To: []string{to}, Files: files, Status: SendPending, NextAttemptAt: tx.Now(),
		Subject: s.text(run.Lang, "delivery.mail.subject", args), Text: s.text(run.Lang, "delivery.mail.body", args),
		OperationID: fmt.Sprintf("dealdesk-report%d-%d@%s", run.ID, n, s.reportMailDomain())}
	return tx.CreateReportMail(m)
}

// reportMailDomain is the domain of the reports' sender (ReportConfig's
// MailFrom, else the documents'), for the mails' ids.
func (s *Service) reportMailDomain() string {
	if _, d, ok := strings.Cut(s.reportConfig().MailFrom, "@"); ok && strings.TrimRight(d, "> ") != "" {
		return strings.TrimRight(d, "> ")
	}
	return s.mailDomain()
}

// SendDueReportMails sends the report mails due at now through the
// documents' mail server, each outside any transaction, and records each
// outcome in a transaction of its own: sent; a temporary failure tried
// again later (DocSendBackoff); a refusal, or DocSendMaxAttempts failures,
// given up with the server's words, and the run's sender told. It returns
// how many mails it tried; the scheduler calls it.
func (s *Service) SendDueReportMails(ctx context.Context, now time.Time) (int, error) {
	var mails []*ReportMail
	if err := s.view(ctx, func(tx Tx) (err error) {
		mails, err = tx.DueReportMails(now, reportMailBatch)
		return err
	}); err != nil {
		return 0, err
	}
	if len(mails) > 0 && s.docs.mailer == nil {
		return 0, Errorf(EUNAVAILABLE, "err.delivery.mail_unavailable")
	}
	for i, m := range mails {
		if err := ctx.Err(); err != nil {
			return i, err
		}
		if err := s.sendReportMail(ctx, m); err != nil {
			return i, err
		}
	}
	return len(mails), nil
}

// sendReportMail sends one mail with its files and records the outcome.
func (s *Service) sendReportMail(ctx context.Context, m *ReportMail) error {
	mail := &Mail{MessageID: m.OperationID, To: m.To, Subject: m.Subject, Text: m.Text}
	err := s.view(ctx, func(tx Tx) error {
		for _, f := range m.Files {
			data, err := tx.File(f.SHA256)
			if err != nil {
				return err
			}
			mail.Attachments = append(mail.Attachments, Attachment{Name: f.Name, MIME: f.MIME, Data: data})
		}
		return nil
	})
	if IsNotFound(err) {
		// A run's files go only when the retention drops them: a mail
		// without them is given up, not retried forever.
		return s.recordReportMail(ctx, m, errReportFileGone, true)
	} else if err != nil {
		return err
	}
	sendErr := s.docs.mailer.Send(ctx, mail)
	if sendErr != nil && ctx.Err() != nil {
		return ctx.Err() // stopped: the mail stays due, uncounted
	}
	return s.recordReportMail(ctx, m, sendErr, false)
}

// recordReportMail records a mail's attempt: done, due again after a
// backoff, or failed (drop: at once) with the sender told.
func (s *Service) recordReportMail(ctx context.Context, m *ReportMail, sendErr error, drop bool) error {
	return s.update(ctx, func(tx Tx) error {
		cur, err := tx.ReportMailByID(m.ID)
		if err != nil || cur.Status != SendPending {
			return err
		}
		to := strings.Join(cur.To, ", ")
		audit := &Change{Entity: EntityReport, EntityID: cur.RunID, Field: "mail", Source: "job:report_mails"}
		switch {
		case sendErr == nil:
			cur.Status, cur.LastError = SendDone, ""
			audit.New = "sent to " + to + " · " + cur.OperationID
		case !drop && temporary(sendErr) && cur.Attempts+1 < DocSendMaxAttempts:
			cur.Attempts++
			cur.NextAttemptAt, cur.LastError = tx.Now().Add(DocSendBackoff(cur.Attempts)), sendErr.Error()
			s.log.Warn().Err(sendErr).Int64("run_id", cur.RunID).Int("attempts", cur.Attempts).
				Msg("report mail failed; it is tried again later")
			return tx.UpdateReportMail(cur)
		default:
			cur.Attempts++
			cur.Status, cur.LastError = SendFailed, sendErr.Error()
			audit.New = "failed to " + to + ": " + cur.LastError
		}
		if err := tx.UpdateReportMail(cur); err != nil {
			return err
		}
		if err := tx.AddChanges(audit); err != nil {
			return err
		}
		if cur.Status == SendFailed {
			return s.tellMailFailed(tx, cur, sendErr)
		}
		return nil
	})
}

// errReportFileGone is a mail whose report file is no longer stored (the
// retention dropped it).
var errReportFileGone = errors.New("the report's file is not stored")

// Why a report mail was given up, for the advice the sender gets.
const (
	mailFailedServer  = "server"  // the server did not take it through every attempt: the address may be right
	mailFailedAddress = "address" // the server refused the address
	mailFailedRefused = "refused" // the server refused the mail itself (its size, its content, the sender)
	mailFailedFile    = "file"    // the report's file is no longer stored
)

// mailFailureCause is why a mail was given up: the file gone, the server
// down or busy through every attempt, the address refused (SMTP 550, 551,
// 553, 501: no such mailbox, a bad address), or the mail refused.
func mailFailureCause(err error) string {
	var me *MailError
	switch {
	case errors.Is(err, errReportFileGone):
		return mailFailedFile
	case temporary(err):
		return mailFailedServer
	case errors.As(err, &me) && (me.Code == 550 || me.Code == 551 || me.Code == 553 || me.Code == 501):
		return mailFailedAddress
	}
	return mailFailedRefused
}

// tellMailFailed tells a run's sender that its mail to an address was
// given up, with the server's words and advice that fits the cause: the
// address checked when it was refused; the server, not the address, when
// it did not answer; a scheduled report's next mail goes as usual.
func (s *Service) tellMailFailed(tx Tx, m *ReportMail, sendErr error) error {
	run, err := tx.ReportRunByID(m.RunID)
	if err != nil {
		return err
	}
	if run.By == 0 {
		return nil
	}
	text, key := sendFailure(sendErr)
	cause := mailFailureCause(sendErr)
	if cause == mailFailedFile {
		text, key = "", ""
	}
	return s.notifyUser(tx, run.By, Note{Key: "delivery.mail_failed", Args: map[string]any{
		"To": strings.Join(m.To, ", "), "Subject": m.Subject, "Run": run.ID, "Error": text, "ErrorKey": key,
		"Cause": cause, "Attempts": m.Attempts, "Scheduled": run.ScheduleID != 0}})
}
