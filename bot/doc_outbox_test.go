package bot_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/usecases"
	"github.com/dealdesk/dealdesk/core"
)

// outbox returns every outbox record, delivered or not, oldest first.
func (h *harness) outbox() []*core.OutboxMessage {
	h.t.Helper()
	var out []*core.OutboxMessage
	err := h.db.View(context.Background(), func(tx core.Tx) error {
		for id := int64(1); ; id++ {
			m, err := tx.OutboxMessage(id)
			if core.IsNotFound(err) {
				return nil
			} else if err != nil {
				return err
			}
			out = append(out, m)
		}
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return out
}

// withFiles keeps the records that carry files.
func withFiles(ms []*core.OutboxMessage) []*core.OutboxMessage {
	var out []*core.OutboxMessage
	for _, m := range ms {
		if len(m.Files) > 0 {
			out = append(out, m)
		}
	}
	return out
}

// storedFile reads a stored file by its SHA-256.
func (h *harness) storedFile(sha string) []byte {
	h.t.Helper()
	data, err := h.svc.StoredFile(context.Background(), sha)
	if err != nil {
		h.t.Fatal(err)
	}
	return data
}

// TestDocumentFilesGoByReference: a document's DOCX and PDF are stored
// once; the replies that carry them (produced, «Файлы») and the lawyers'
// approval note keep in the outbox only their SHA-256, and the chats get
// the content, read at delivery — also after a restart between the note
// being written and delivered.
func TestDocumentFilesGoByReference(t *testing.T) {
	w := newDocWorld(t)
	deal := w.deal("7707083893", "773601001", true)
	produced := w.produceAnyway(w.requestAndTake(deal, "договор"))
	d := w.doc("ДГ-2026-0001")
	v := d.Current()
	docx, pdf := w.storedFile(v.DOCX.SHA256), w.storedFile(v.PDF.SHA256)
	fs := files(produced)
	if len(fs) != 2 || !bytes.Equal(fs[0].Data, docx) || !bytes.Equal(fs[1].Data, pdf) ||
		!strings.Contains(string(fs[0].Data), "ИНН 7707083893") {
		t.Fatalf("the officer got %+v", fs)
	}
	again := w.pressIn("o", w.say("o", "/doc ДГ-2026-0001"), "Файлы")
	if fs := files(again); len(fs) != 2 || !bytes.Equal(fs[0].Data, docx) || !bytes.Equal(fs[1].Data, pdf) {
		t.Fatalf("«Файлы» sent %+v", fs)
	}

	w.pressIn("o", produced, "На согласование")
	var note *core.OutboxMessage
	for _, m := range w.outbox() {
		if m.Key == "notify.doc.approval" {
			note = m
		}
	}
	if note == nil || note.Status != core.OutboxPending || note.ChatID != "l" {
		t.Fatalf("the lawyer's note = %+v", note)
	}
	// Every record with files, the replies and the note, holds references.
	recs := withFiles(w.outbox())
	if len(recs) != 3 {
		t.Fatalf("%d records with files, want the produced reply, «Файлы» and the note", len(recs))
	}
	for _, m := range recs {
		if len(m.Files) != 2 || m.Files[0].SHA256 != v.DOCX.SHA256 || m.Files[1].SHA256 != v.PDF.SHA256 {
			t.Fatalf("record %d (%s) files %+v, want references to the version's", m.ID, m.Key, m.Files)
		}
		for _, f := range m.Files {
			if len(f.Data) != 0 {
				t.Fatalf("record %d (%s) keeps %d bytes of %s", m.ID, m.Key, len(f.Data), f.Name)
			}
		}
	}

	// DealDesk restarts before the note goes out: the lawyer still gets
	// the files, read from the store.
	w.restart()
	toLawyer := w.deliver()
	if len(toLawyer) != 1 || toLawyer[0].ChatID != "l" {
		t.Fatalf("delivered after the restart: %s", dump(toLawyer))
	}
	fs = files(toLawyer)
	if len(fs) != 2 || fs[0].Name != "ДГ-2026-0001.docx" || fs[1].Name != "ДГ-2026-0001.pdf" ||
		!bytes.Equal(fs[0].Data, docx) || !bytes.Equal(fs[1].Data, pdf) || fs[0].MIME != core.MIMEDOCX {
		t.Fatalf("the lawyer got %+v", fs)
	}
	wantText(t, toLawyer, "На согласование: договор ДГ-2026-0001, версия 1")
	// The lawyer decides from it as before.
	w.want(w.pressIn("l", toLawyer, "Согласовать"), "msg.doc.decided.approve",
		map[string]any{"Number": "ДГ-2026-0001", "Version": 1, "By": "Лев"})
}

// flakyStore is a store whose file reads fail while failing is set.
type flakyStore struct {
	core.Store
	failing *atomic.Bool
}

func (s flakyStore) View(ctx context.Context, fn func(core.Tx) error) error {
	return s.Store.View(ctx, func(tx core.Tx) error { return fn(flakyTx{Tx: tx, failing: s.failing}) })
}

type flakyTx struct {
	core.Tx
	failing *atomic.Bool
}

func (t flakyTx) File(sha string) ([]byte, error) {
	if t.failing.Load() {
		return nil, errors.New("disk read error")
	}
	return t.Tx.File(sha)
}

// TestStoredFileNotRead: a message whose stored file cannot be read is
// not sent; it is tried again later, like a failed send, and goes out
// with the file once the file reads. A message whose file is not stored
// at all is given up at once, with a log that names the file.
func TestStoredFileNotRead(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	failing := new(atomic.Bool)
	svc := core.NewService(flakyStore{Store: h.db, failing: failing}, core.WithPlatforms("test"))
	var logs lockedBuffer
	b := bot.New(bot.Config{Service: svc, Locales: bundle, Logger: zerolog.New(&logs), Clock: h.clock,
		UseCases: usecases.All})
	b.AddTransport(h.rec)

	data := []byte("%PDF-1.7 договор")
	sum := sha256.Sum256(data)
	ref := core.FileRef{SHA256: hex.EncodeToString(sum[:]), Name: "ДГ-2026-0001.pdf", MIME: core.MIMEPDF, Size: int64(len(data))}
	gone := strings.Repeat("ab", 32)
	var ok, lost *core.OutboxMessage
	err := h.db.Update(ctx, func(tx core.Tx) error {
		if err := tx.PutFile(ref, data); err != nil {
			return err
		}
		ok = &core.OutboxMessage{Platform: "test", ChatID: "a", Text: "файл",
			Files: []core.OutboxFile{{Name: ref.Name, MIME: ref.MIME, SHA256: ref.SHA256}}}
		lost = &core.OutboxMessage{Platform: "test", ChatID: "b", Text: "пропавший файл",
			Files: []core.OutboxFile{{Name: "старый.pdf", MIME: core.MIMEPDF, SHA256: gone}}}
		if err := tx.Enqueue(ok); err != nil {
			return err
		}
		return tx.Enqueue(lost)
	})
	if err != nil {
		t.Fatal(err)
	}

	failing.Store(true)
	if n, err := b.DeliverDue(ctx, "test"); n != 0 || err != nil {
		t.Fatalf("DeliverDue = %d, %v while files do not read", n, err)
	}
	if sent := h.rec.take(); len(sent) != 0 {
		t.Fatalf("sent without its file: %s", dump(sent))
	}
	if m := h.message(ok.ID); m.Status != core.OutboxPending || m.Attempts != 1 ||
		!strings.Contains(m.LastError, "disk read error") || !m.NextAttemptAt.After(h.clock.Now()) {
		t.Fatalf("a file not read: %+v, want a failed attempt to retry", m)
	}

	failing.Store(false)
	h.clock.Add(core.OutboxBackoff(1))
	if n, err := b.DeliverDue(ctx, "test"); n != 1 || err != nil {
		t.Fatalf("DeliverDue = %d, %v once files read", n, err)
	}
	sent := h.rec.take()
	if len(sent) != 1 || sent[0].ChatID != "a" || len(sent[0].Files) != 1 || !bytes.Equal(sent[0].Files[0].Data, data) {
		t.Fatalf("sent %s with %+v", dump(sent), files(sent))
	}
	if m := h.message(ok.ID); m.Status != core.OutboxDelivered {
		t.Errorf("message %+v", m)
	}
	if m := h.message(lost.ID); m.Status != core.OutboxFailed || !strings.Contains(m.LastError, gone) ||
		!strings.Contains(m.LastError, "старый.pdf") {
		t.Errorf("a message whose file is gone: %+v, want it given up", m)
	}
	if h.rec.tries["b"] != 0 {
		t.Errorf("the platform was sent a message without its file %d times", h.rec.tries["b"])
	}
	if l := logs.String(); !strings.Contains(l, "the stored file the message carries is gone") ||
		!strings.Contains(l, gone) || !strings.Contains(l, "старый.pdf") {
		t.Errorf("log:\n%s", l)
	}
}

// message reads an outbox record.
func (h *harness) message(id int64) *core.OutboxMessage {
	h.t.Helper()
	var m *core.OutboxMessage
	err := h.db.View(context.Background(), func(tx core.Tx) (err error) {
		m, err = tx.OutboxMessage(id)
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return m
}

// lockedBuffer is a buffer the outbox's goroutines may log to while the
// test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
