package telegramtest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/bot/telegram/telegramtest"
)

// get fetches a path of the fake and returns its status and body.
func get(t *testing.T, s *telegramtest.Server, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(s.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestGetFileAndDownload: getFile answers a File with a file_path, the file
// is served from /file/bot<token>/<file_path>; an unknown file_id is 400, a
// file over 20 MB is refused as "file is too big", a wrong token 401 and an
// unknown path 404, with the Bot API's JSON.
func TestGetFileAndDownload(t *testing.T) {
	s := telegramtest.NewServer(t)
	msg := s.DocumentMessage(42, 7, "Счёт.docx", "application/octet-stream", []byte("content"), "/template invoice")
	doc := msg["document"].(map[string]any)
	if msg["caption"] != "/template invoice" || msg["text"] != nil || doc["file_name"] != "Счёт.docx" || doc["file_size"] != 7 {
		t.Fatalf("document message %+v", msg)
	}
	code, r := call(t, s, s.Token, "getFile", url.Values{"file_id": {doc["file_id"].(string)}})
	var f struct {
		FileID   string `json:"file_id"`
		FileSize int    `json:"file_size"`
		FilePath string `json:"file_path"`
	}
	if code != 200 || json.Unmarshal(r.Result, &f) != nil || f.FilePath == "" || f.FileSize != 7 || !strings.HasSuffix(f.FilePath, ".docx") {
		t.Fatalf("getFile: %d %s", code, r.Result)
	}
	if code, body := get(t, s, "/file/bot"+s.Token+"/"+f.FilePath); code != 200 || body != "content" {
		t.Errorf("download: %d %q", code, body)
	}
	if code, body := get(t, s, "/file/bot1:wrong/"+f.FilePath); code != 401 || !strings.Contains(body, `"Unauthorized"`) {
		t.Errorf("wrong token: %d %s", code, body)
	}
	if code, body := get(t, s, "/file/bot"+s.Token+"/documents/none.docx"); code != 404 || !strings.Contains(body, `"error_code":404`) {
		t.Errorf("unknown path: %d %s", code, body)
	}
	if code, r := call(t, s, s.Token, "getFile", url.Values{"file_id": {"nope"}}); code != 400 || r.Description != "Bad Request: invalid file_id" {
		t.Errorf("unknown file_id: %d %+v", code, r)
	}
	big := s.AddFile("big.pdf", "application/pdf", make([]byte, telegramtest.MaxDownload+1))
	if code, r := call(t, s, s.Token, "getFile", url.Values{"file_id": {big["file_id"].(string)}}); code != 400 || r.Description != "Bad Request: file is too big" {
		t.Errorf("a file over 20 MB: %d %+v", code, r)
	}
}
