package telegramtest

import (
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

// MaxDownload is the largest file getFile lets a bot download (20 MB).
const MaxDownload = 20 << 20

// file is a file the server holds: sent by a user or by the bot.
type file struct {
	id, uniqueID string
	name, mime   string
	data         []byte
	path         string // file_path, once getFile gave one
}

// AddFile stores a file as if a user had uploaded it and returns its
// Document object (file_id, file_unique_id, file_name, mime_type,
// file_size), to put in a message's "document".
func (s *Server) AddFile(name, mimeType string, data []byte) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addFileLocked(name, mimeType, data)
}

// addFileLocked stores a file; s.mu must be held.
func (s *Server) addFileLocked(name, mimeType string, data []byte) map[string]any {
	s.nextFile++
	n := strconv.Itoa(s.nextFile)
	f := &file{id: "BQACAgIAAxkBAAI" + n, uniqueID: "AgAD" + n, name: name, mime: mimeType, data: data}
	s.files[f.id] = f
	doc := map[string]any{"file_id": f.id, "file_unique_id": f.uniqueID, "file_size": len(data)}
	if name != "" {
		doc["file_name"] = name
	}
	if mimeType != "" {
		doc["mime_type"] = mimeType
	}
	return doc
}

// DocumentMessage builds the Message object of a user sending a file (as
// TextMessage does for text): "document" with the file stored by AddFile,
// and "caption" when caption is not empty.
func (s *Server) DocumentMessage(chatID, userID int64, name, mimeType string, data []byte, caption string) map[string]any {
	m := s.TextMessage(chatID, userID, "")
	delete(m, "text")
	m["document"] = s.AddFile(name, mimeType, data)
	if caption != "" {
		m["caption"] = caption
	}
	return m
}

// SendDocument queues a message of a user with a file (and a caption, if
// not empty) and returns its message id.
func (s *Server) SendDocument(chatID, userID int64, name, mimeType string, data []byte, caption string) int {
	m := s.DocumentMessage(chatID, userID, name, mimeType, data, caption)
	s.Push(map[string]any{"message": m})
	return m["message_id"].(int)
}

// getFile answers the File object of a file_id with a file_path to
// download it from, good for an hour as in the Bot API; a file over 20 MB
// is refused with "Bad Request: file is too big".
func (s *Server) getFile(w http.ResponseWriter, _ *http.Request, c *Call) {
	id := c.Params["file_id"]
	s.mu.Lock()
	f := s.files[id]
	if f != nil && f.path == "" {
		ext := path.Ext(f.name)
		f.path = "documents/file_" + strings.TrimPrefix(f.uniqueID, "AgAD") + ext
	}
	s.mu.Unlock()
	switch {
	case f == nil:
		badRequest(w, "invalid file_id")
		return
	case len(f.data) > MaxDownload:
		badRequest(w, "file is too big")
		return
	}
	writeResult(w, map[string]any{"file_id": f.id, "file_unique_id": f.uniqueID, "file_size": len(f.data),
		"file_path": f.path})
}

// serveFile serves /file/bot<token>/<file_path>: the content of a file whose
// path getFile gave, 404 for any other path, 401 for a wrong token.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request) {
	token, p, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/file/bot"), "/")
	if !ok || r.Method != http.MethodGet {
		writeFault(w, Fault{Code: http.StatusNotFound, Description: "Not Found"})
		return
	}
	if token != s.Token {
		writeFault(w, Fault{Code: http.StatusUnauthorized, Description: "Unauthorized"})
		return
	}
	s.mu.Lock()
	s.calls = append(s.calls, Call{Method: "file", Params: map[string]string{"file_path": p}, Time: time.Now()})
	var found *file
	for _, f := range s.files {
		if f.path != "" && f.path == p {
			found = f
		}
	}
	s.notify()
	s.mu.Unlock()
	if found == nil {
		writeFault(w, Fault{Code: http.StatusNotFound, Description: "Not Found"})
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(found.data)))
	_, _ = w.Write(found.data)
}
