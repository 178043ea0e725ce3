package telegram_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/telegram"
	"github.com/dealdesk/dealdesk/bot/telegram/telegramtest"
)

const docxMIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

// TestDocumentMessage: a user's document arrives as the update's file, by
// its file_id, with its caption as the command, and its content is fetched
// through getFile and the file download, as the Bot API serves it.
func TestDocumentMessage(t *testing.T) {
	s := telegramtest.NewServer(t)
	tr := MustNew(t, testConfig(s))
	r := MustRun(t, tr)
	data := []byte("PK\x03\x04 a template")
	id := s.SendDocument(42, 7, "Договор поставки.docx", docxMIME, data, "/template contract")
	u := r.next(t)
	if u.Command != "template" || u.Args != "contract" || u.Text != "/template contract" || u.MessageID != itoa(id) {
		t.Fatalf("update %+v: want the caption as the command", u)
	}
	if len(u.Files) != 1 {
		t.Fatalf("files %+v, want the document", u.Files)
	}
	f := u.Files[0]
	if f.Name != "Договор поставки.docx" || f.MIME != docxMIME || f.Size != int64(len(data)) || f.Ref == "" {
		t.Fatalf("file %+v", f)
	}
	got, err := tr.Download(context.Background(), f, bot.MaxDownload)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("Download = %q, %v; want the file's content", got, err)
	}
	if calls := s.CallsTo("getFile"); len(calls) != 1 || calls[0].Params["file_id"] != f.Ref {
		t.Errorf("getFile calls %+v, want one for %s", calls, f.Ref)
	}
	if s.Count("file") != 1 {
		t.Errorf("%d downloads, want 1", s.Count("file"))
	}

	// A document without a caption is a file with no text; a photo's
	// caption stays text, not a command.
	s.SendDocument(42, 7, "scan.pdf", "application/pdf", []byte("%PDF"), "")
	if u := r.next(t); u.Text != "" || u.Command != "" || len(u.Files) != 1 || u.Files[0].Name != "scan.pdf" {
		t.Errorf("document without a caption: %+v", u)
	}
	photo := s.TextMessage(42, 7, "")
	delete(photo, "text")
	photo["caption"] = "/deal 1"
	photo["photo"] = []map[string]any{{"file_id": "p1", "file_unique_id": "u1", "width": 90, "height": 90}}
	s.Push(map[string]any{"message": photo})
	if u := r.next(t); u.Text != "/deal 1" || u.Command != "" || len(u.Files) != 0 {
		t.Errorf("photo with a caption: %+v", u)
	}
	// A document captioned with a command for another bot is not ours.
	s.SendDocument(-1001234, 7, "a.docx", docxMIME, data, "/template@other_bot contract")
	s.SendText(-1001234, 7, "next")
	if u := r.next(t); u.Text != "next" {
		t.Errorf("a document for another bot was taken: %+v", u)
	}
}

// TestDownloadLimits: a file over the Bot API's 20 MB, or over the caller's
// bound, is refused with its size and the limit, without downloading it
// (and without getFile when the message said its size); getFile's own
// "file is too big" is the same refusal.
func TestDownloadLimits(t *testing.T) {
	s := telegramtest.NewServer(t)
	tr := MustNew(t, testConfig(s))
	ctx := context.Background()

	big := bot.IncomingFile{Name: "big.docx", Size: 25 << 20, Ref: "whatever"}
	_, err := tr.Download(ctx, big, 100<<20)
	var tooLarge *bot.FileTooLargeError
	if !errors.As(err, &tooLarge) || tooLarge.Max != telegram.DefaultMaxDownload || tooLarge.Size != 25<<20 {
		t.Fatalf("25 MB: %v, want FileTooLargeError with the 20 MB limit", err)
	}
	if n := s.Count("getFile"); n != 0 {
		t.Errorf("getFile called %d times for a file known to be too large", n)
	}

	doc := s.AddFile("t.docx", docxMIME, bytes.Repeat([]byte("x"), 2000))
	f := bot.IncomingFile{Name: "t.docx", Ref: doc["file_id"].(string)} // size not reported
	if _, err := tr.Download(ctx, f, 1000); !errors.As(err, &tooLarge) || tooLarge.Max != 1000 || tooLarge.Size != 2000 {
		t.Errorf("over the caller's bound: %v", err)
	}
	if s.Count("file") != 0 {
		t.Errorf("a file over the bound was downloaded")
	}

	s.Fail("getFile", telegramtest.Fault{Code: 400, Description: "Bad Request: file is too big"})
	if _, err := tr.Download(ctx, f, bot.MaxDownload); !errors.As(err, &tooLarge) {
		t.Errorf("getFile's file is too big: %v, want FileTooLargeError", err)
	}
	if got, err := tr.Download(ctx, f, bot.MaxDownload); err != nil || len(got) != 2000 {
		t.Errorf("within the limits: %d bytes, %v", len(got), err)
	}
}

// TestDownloadErrors: an unknown file_id and a failed download are errors
// that never show the token.
func TestDownloadErrors(t *testing.T) {
	s := telegramtest.NewServer(t)
	tr := MustNew(t, testConfig(s))
	_, err := tr.Download(context.Background(), bot.IncomingFile{Name: "x", Ref: "no-such-file"}, bot.MaxDownload)
	if err == nil || !bot.IsPermanent(err) || strings.Contains(err.Error(), s.Token) {
		t.Errorf("unknown file_id: %v, want a permanent error without the token", err)
	}
	doc := s.AddFile("t.docx", docxMIME, []byte("data"))
	s.Fail("getFile", telegramtest.Fault{Code: 500})
	_, err = tr.Download(context.Background(), bot.IncomingFile{Name: "t.docx", Ref: doc["file_id"].(string)}, bot.MaxDownload)
	if err == nil || bot.IsPermanent(err) || strings.Contains(err.Error(), s.Token) {
		t.Errorf("getFile 500: %v, want a temporary error without the token", err)
	}
}

// TestSentDocumentCanBeFetched: a document the bot sends is uploaded as
// multipart and, as in Telegram, becomes a file with a file_id that
// getFile serves.
func TestSentDocumentCanBeFetched(t *testing.T) {
	s := telegramtest.NewServer(t)
	tr := MustNew(t, testConfig(s))
	data := []byte("%PDF-1.7 contract")
	if _, err := tr.Send(context.Background(), &bot.Message{ChatID: "42", Text: "ДГ-2026-0001",
		Files: []bot.File{{Name: "ДГ-2026-0001.pdf", MIME: "application/pdf", Data: data}}}); err != nil {
		t.Fatal(err)
	}
	calls := s.CallsTo("sendDocument")
	if len(calls) != 1 || len(calls[0].Files) != 1 || calls[0].Files[0].Field != "document" ||
		calls[0].Files[0].Name != "ДГ-2026-0001.pdf" || !bytes.Equal(calls[0].Files[0].Data, data) {
		t.Fatalf("sendDocument calls %+v", calls)
	}
	sent := s.Sent()
	if len(sent) != 1 || sent[0].FileID == "" {
		t.Fatalf("sent %+v", sent)
	}
	got, err := tr.Download(context.Background(), bot.IncomingFile{Name: "x.pdf", Ref: sent[0].FileID}, bot.MaxDownload)
	if err != nil || !bytes.Equal(got, data) {
		t.Errorf("the sent document fetched back: %q, %v", got, err)
	}
	if tr.MaxUpload() != telegram.DefaultMaxUpload {
		t.Errorf("MaxUpload = %d, want the Bot API's 50 MB", tr.MaxUpload())
	}
}
