package console_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/console"
)

// TestFileLines: "/file <path> [text]" sends the file by its absolute path
// with the rest of the line as its text (a command, when it is one); a path
// with spaces goes between quotes; Download reads the file, refusing one over
// the bound and saying a missing one is gone for good.
func TestFileLines(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "Договор.docx")
	spaced := filepath.Join(dir, "шаблон счёта.docx")
	for _, p := range []string{plain, spaced} {
		if err := os.WriteFile(p, []byte("PK template "+filepath.Base(p)), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	in := fmt.Sprintf("/file %s /template contract\n/FILE \"%s\"\n/file %s\n/file\n", plain, spaced,
		filepath.Join(dir, "нет такого.docx"))
	tr := console.New(strings.NewReader(in), io.Discard, false, t.TempDir())
	var got []*bot.Update
	if err := tr.Run(context.Background(), funcInbox(func(_ context.Context, u *bot.Update) { got = append(got, u) })); !errors.Is(err, io.EOF) {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Fatalf("%d updates, want 4", len(got))
	}
	u := got[0]
	if u.Command != "template" || u.Args != "contract" || u.Text != "/template contract" || len(u.Files) != 1 {
		t.Fatalf("/file with a command: %+v", u)
	}
	f := u.Files[0]
	if f.Name != "Договор.docx" || f.Ref != plain || f.Size != int64(len("PK template Договор.docx")) ||
		f.MIME != "application/vnd.openxmlformats-officedocument.wordprocessingml.document" {
		t.Errorf("file %+v", f)
	}
	data, err := tr.Download(context.Background(), f, bot.MaxDownload)
	if err != nil || string(data) != "PK template Договор.docx" {
		t.Errorf("Download = %q, %v", data, err)
	}
	var big *bot.FileTooLargeError
	if _, err := tr.Download(context.Background(), f, 5); !errors.As(err, &big) || big.Max != 5 {
		t.Errorf("over the bound: %v", err)
	}
	if u := got[1]; u.Text != "" || u.Command != "" || len(u.Files) != 1 || u.Files[0].Ref != spaced {
		t.Errorf("a quoted path: %+v", u)
	}
	missing := got[2]
	if len(missing.Files) != 1 || missing.Files[0].Size != 0 {
		t.Fatalf("a missing file: %+v", missing)
	}
	if _, err := tr.Download(context.Background(), missing.Files[0], bot.MaxDownload); !bot.IsPermanent(err) {
		t.Errorf("a missing file: %v, want a permanent error", err)
	}
	if u := got[3]; len(u.Files) != 0 || u.Text != "/file" {
		t.Errorf("/file without a path: %+v", u)
	}
}
