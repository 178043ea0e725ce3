package console

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/dealdesk/dealdesk/bot"
)

// FileCommand sends a file from the console user's machine: a line
//
//	/file <path> [text]
//
// (a path with spaces between double quotes) sends the file with the rest
// of the line as its text, as a caption in a chat app, which may be a
// command: /file ./Договор.docx /template contract. The update carries the
// file's absolute path; the bot reads it when it handles the update.
const FileCommand = "/file"

var _ bot.FileSource = (*Transport)(nil)

// fileLine reads a /file line into a file and the text after its path; ok
// is false for any other line, and for /file without a path (then the line
// goes to the bot as it is).
func fileLine(line string) (f bot.IncomingFile, text string, ok bool) {
	head, rest := cutSpace(strings.TrimSpace(line))
	if !strings.EqualFold(head, FileCommand) {
		return f, "", false
	}
	rest = strings.TrimSpace(rest)
	var path string
	if strings.HasPrefix(rest, `"`) {
		end := strings.Index(rest[1:], `"`)
		if end < 0 {
			return f, "", false
		}
		path, text = rest[1:1+end], rest[2+end:]
	} else {
		path, text = cutSpace(rest)
	}
	if path == "" {
		return f, "", false
	}
	if strings.HasPrefix(path, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			path = filepath.Join(home, path[2:])
		}
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	f = bot.IncomingFile{Name: filepath.Base(path), MIME: mimeOf(path), Ref: path}
	if st, err := os.Stat(path); err == nil && st.Mode().IsRegular() {
		f.Size = st.Size()
	}
	return f, strings.TrimSpace(text), true
}

// cutSpace splits s at its first space (a line break too).
func cutSpace(s string) (string, string) {
	if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
		return s[:i], s[i+1:]
	}
	return s, ""
}

// officeTypes are the types of the office files DealDesk works with, which
// the standard table may lack.
var officeTypes = map[string]string{
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".doc":  "application/msword",
	".odt":  "application/vnd.oasis.opendocument.text",
	".pdf":  "application/pdf",
}

func mimeOf(path string) string {
	ext := strings.ToLower(filepath.Ext(path))
	if t, ok := officeTypes[ext]; ok {
		return t
	}
	return mime.TypeByExtension(ext)
}

// Download reads a file the console user sent with /file from their disk.
// A missing or unreadable file is a permanent error: sending the update
// again cannot help.
func (t *Transport) Download(_ context.Context, f bot.IncomingFile, max int64) ([]byte, error) {
	file, err := os.Open(f.Ref)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
			return nil, &bot.PermanentError{Err: fmt.Errorf("console: %w", err)}
		}
		return nil, fmt.Errorf("console: %w", err)
	}
	defer file.Close()
	st, err := file.Stat()
	if err != nil {
		return nil, fmt.Errorf("console: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, &bot.PermanentError{Err: fmt.Errorf("console: %s is not a file", f.Ref)}
	}
	if max > 0 && st.Size() > max {
		return nil, &bot.FileTooLargeError{Name: f.Name, Size: st.Size(), Max: max}
	}
	r := io.Reader(file)
	if max > 0 {
		r = io.LimitReader(file, max+1)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("console: %w", err)
	}
	if max > 0 && int64(len(data)) > max {
		return nil, &bot.FileTooLargeError{Name: f.Name, Size: int64(len(data)), Max: max}
	}
	return data, nil
}
