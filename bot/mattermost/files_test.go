package mattermost

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// fileServer speaks the parts of the REST API a post with files needs:
// the bot, users and channels, file infos and contents
// (GET /files/{id}/info, GET /files/{id}) and the client configuration.
type fileServer struct {
	*httptest.Server
	mu      sync.Mutex
	files   map[string]*model.FileInfo
	content map[string][]byte
	gets    int // GET /files/{id} calls
	infos   int // GET /files/{id}/info calls
}

func newFileServer(t *testing.T) *fileServer {
	f := &fileServer{files: map[string]*model.FileInfo{}, content: map[string][]byte{}}
	js := func(w http.ResponseWriter, v any) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(v)
	}
	notFound := func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_ = json.NewEncoder(w).Encode(model.NewAppError("getFile", "app.file_info.get.app_error", nil, "", http.StatusNotFound))
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v4/users/me", func(w http.ResponseWriter, _ *http.Request) { js(w, &model.User{Id: "bot"}) })
	mux.HandleFunc("GET /api/v4/users/{id}", func(w http.ResponseWriter, r *http.Request) {
		js(w, &model.User{Id: r.PathValue("id"), Username: "olga", Locale: "ru"})
	})
	mux.HandleFunc("GET /api/v4/channels/{id}", func(w http.ResponseWriter, r *http.Request) {
		js(w, &model.Channel{Id: r.PathValue("id"), Type: model.ChannelTypeDirect})
	})
	mux.HandleFunc("GET /api/v4/config/client", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("format") != "old" {
			w.WriteHeader(http.StatusNotImplemented)
			return
		}
		js(w, map[string]string{"MaxFileSize": "52428800", "SiteName": "Work"})
	})
	mux.HandleFunc("GET /api/v4/files/{id}/info", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.infos++
		fi := f.files[r.PathValue("id")]
		f.mu.Unlock()
		if fi == nil {
			notFound(w)
			return
		}
		js(w, fi)
	})
	mux.HandleFunc("GET /api/v4/files/{id}", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.gets++
		data, ok := f.content[r.PathValue("id")]
		f.mu.Unlock()
		if !ok {
			notFound(w)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = w.Write(data)
	})
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

// counts returns the file info and download calls so far.
func (f *fileServer) counts() (infos, gets int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.infos, f.gets
}

func (f *fileServer) add(id, name, mime string, data []byte) *model.FileInfo {
	f.mu.Lock()
	defer f.mu.Unlock()
	fi := &model.FileInfo{Id: id, Name: name, MimeType: mime, Size: int64(len(data)), Extension: "docx"}
	f.files[id], f.content[id] = fi, data
	return fi
}

// filesInbox keeps the updates it takes.
type filesInbox struct {
	mu  sync.Mutex
	ups []*bot.Update
}

func (in *filesInbox) Take(_ context.Context, _ *core.TransportCursor, ups ...*bot.Update) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.ups = append(in.ups, ups...)
	return nil
}

func (in *filesInbox) Cursor(context.Context, string) (string, error) { return "", nil }

func (in *filesInbox) Settle(context.Context, string, string) error { return nil }

// TestPostWithFiles: a post's attached files come with its update by their
// ids (from the post's metadata, or asked of the server when it has none),
// a post with files and no text is taken, its text is their command, and
// Download fetches a file's content, refusing one over the bound before
// fetching it.
func TestPostWithFiles(t *testing.T) {
	srv := newFileServer(t)
	data := []byte("PK\x03\x04 template")
	fi := srv.add("file1", "Договор.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", data)
	srv.add("file2", "scan.pdf", "application/pdf", []byte("%PDF"))
	tr := newTestTransport(t, srv.URL)
	in := &filesInbox{}
	ctx := context.Background()

	now := model.GetMillis()
	withMeta := &model.Post{Id: "p1", ChannelId: "dm", UserId: "olga", Message: "template contract", CreateAt: now,
		FileIds: model.StringArray{"file1"}, Metadata: &model.PostMetadata{Files: []*model.FileInfo{fi}}}
	tr.onPost(ctx, withMeta, in)
	bare := &model.Post{Id: "p2", ChannelId: "dm", UserId: "olga", CreateAt: now + 1, FileIds: model.StringArray{"file2", "gone"}}
	tr.onPost(ctx, bare, in)
	if len(in.ups) != 2 {
		t.Fatalf("taken %d updates, want both posts", len(in.ups))
	}
	u := in.ups[0]
	if u.Text != "template contract" || len(u.Files) != 1 || u.Files[0] != (bot.IncomingFile{Name: "Договор.docx",
		MIME: fi.MimeType, Size: int64(len(data)), Ref: "file1"}) {
		t.Fatalf("post with metadata: %+v", u)
	}
	if infos, _ := srv.counts(); infos != 2 { // the post without metadata: file2 and the deleted one
		t.Errorf("%d file info calls, want 2", infos)
	}
	if u := in.ups[1]; u.Text != "" || len(u.Files) != 1 || u.Files[0].Name != "scan.pdf" || u.Files[0].Ref != "file2" {
		t.Fatalf("post without text or metadata: %+v", u)
	}

	got, err := tr.Download(ctx, u.Files[0], bot.MaxDownload)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("Download = %q, %v", got, err)
	}
	var big *bot.FileTooLargeError
	if _, err := tr.Download(ctx, u.Files[0], 5); !errors.As(err, &big) || big.Max != 5 || big.Size != int64(len(data)) {
		t.Errorf("over the bound: %v", err)
	}
	if _, gets := srv.counts(); gets != 1 {
		t.Errorf("%d downloads, want 1 (none for the file over the bound)", gets)
	}
	if _, err := tr.Download(ctx, bot.IncomingFile{Name: "x", Ref: "nope"}, bot.MaxDownload); err == nil || !bot.IsPermanent(err) {
		t.Errorf("a deleted file: %v, want a permanent error", err)
	}

	if tr.MaxUpload() != DefaultMaxUpload {
		t.Errorf("MaxUpload before the server said = %d", tr.MaxUpload())
	}
	tr.readMaxUpload(ctx)
	if tr.MaxUpload() != 50<<20 {
		t.Errorf("MaxUpload = %d, want the server's MaxFileSize", tr.MaxUpload())
	}
}
