package bot_test

import (
	"context"
	"sync"
	"time"

	"github.com/dealdesk/dealdesk/bot"
)

// fileChat is the test platform with files: what users send is held by
// reference and fetched with Download, and it takes files up to maxUpload
// bytes from the bot.
type fileChat struct {
	*recorder
	mu        sync.Mutex
	files     map[string][]byte // by reference
	downloads int
	maxUpload int64
}

func newFileChat(r *recorder) *fileChat {
	return &fileChat{recorder: r, files: map[string][]byte{}}
}

func (f *fileChat) Download(_ context.Context, in bot.IncomingFile, max int64) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	data, ok := f.files[in.Ref]
	if !ok {
		return nil, &bot.PermanentError{Err: context.Canceled}
	}
	if int64(len(data)) > max {
		return nil, &bot.FileTooLargeError{Name: in.Name, Size: int64(len(data)), Max: max}
	}
	f.downloads++
	return data, nil
}

func (f *fileChat) MaxUpload() int64 { return f.maxUpload }

// put stores a file a user is about to send and returns it as the update
// carries it.
func (f *fileChat) put(name string, data []byte) bot.IncomingFile {
	f.mu.Lock()
	defer f.mu.Unlock()
	ref := "file-" + name
	f.files[ref] = data
	return bot.IncomingFile{Name: name, MIME: docxMIME, Size: int64(len(data)), Ref: ref}
}

const docxMIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

// sendFile sends files from a user's private chat through the file
// platform, with text as their caption (a command when it is one).
func (h *harness) sendFile(fc *fileChat, userID, text string, files ...bot.IncomingFile) []*bot.Message {
	h.t.Helper()
	u := &bot.Update{UserID: userID, Text: text, Files: files}
	u.Command, u.Args, _ = bot.ParseCommand(text)
	return h.through(fc, u)
}

// through handles an update from the user's private chat through the file
// platform and returns what it sent.
func (h *harness) through(fc *fileChat, u *bot.Update) []*bot.Message {
	h.t.Helper()
	u.Platform = "test"
	if u.ChatID == "" {
		u.ChatID, u.ChatType = u.UserID, bot.ChatPrivate
	}
	if u.MessageID == "" {
		u.MessageID = "m"
	}
	h.clock.Add(time.Millisecond)
	h.bot.Handle(context.Background(), fc, u)
	return h.rec.take()
}
