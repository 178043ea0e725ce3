package telegramtest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot/telegram/telegramtest"
)

type response struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// call posts a form to the fake and decodes its answer.
func call(t *testing.T, s *telegramtest.Server, token, method string, form url.Values) (int, response) {
	t.Helper()
	resp, err := http.PostForm(s.URL+"/bot"+token+"/"+method, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r response
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	return resp.StatusCode, r
}

func TestAuthAndRouting(t *testing.T) {
	s := telegramtest.NewServer(t)
	if code, r := call(t, s, "1:wrong", "getMe", nil); code != 401 || r.OK || r.Description != "Unauthorized" {
		t.Errorf("wrong token: %d %+v", code, r)
	}
	if code, r := call(t, s, s.Token, "noSuchMethod", nil); code != 404 || r.ErrorCode != 404 {
		t.Errorf("unknown method: %d %+v", code, r)
	}
	if code, r := call(t, s, s.Token, "GETME", nil); code != 200 || !strings.Contains(string(r.Result), telegramtest.BotUsername) {
		t.Errorf("getMe: %d %s", code, r.Result)
	}
}

func TestGetUpdatesLongPollAndOffset(t *testing.T) {
	s := telegramtest.NewServer(t)
	go func() {
		time.Sleep(100 * time.Millisecond)
		s.SendText(1, 2, "hi")
	}()
	start := time.Now()
	_, r := call(t, s, s.Token, "getUpdates", url.Values{"timeout": {"5"}})
	var ups []struct {
		UpdateID int `json:"update_id"`
	}
	if err := json.Unmarshal(r.Result, &ups); err != nil || len(ups) != 1 {
		t.Fatalf("getUpdates: %s (%v)", r.Result, err)
	}
	if d := time.Since(start); d < 80*time.Millisecond || d > 3*time.Second {
		t.Errorf("answered after %v, want it held until the update came", d)
	}
	// Without a higher offset the update is delivered again; with one it is gone.
	_, r = call(t, s, s.Token, "getUpdates", url.Values{"timeout": {"0"}})
	if !strings.Contains(string(r.Result), "hi") {
		t.Errorf("unconfirmed update not redelivered: %s", r.Result)
	}
	next := url.Values{"timeout": {"0"}, "offset": {strconv.Itoa(ups[0].UpdateID + 1)}}
	if _, r = call(t, s, s.Token, "getUpdates", next); string(r.Result) != "[]" {
		t.Errorf("confirmed update redelivered: %s", r.Result)
	}
}

func TestFaults(t *testing.T) {
	s := telegramtest.NewServer(t)
	s.FailNext("sendMessage", 429, 5)
	form := url.Values{"chat_id": {"1"}, "text": {"x"}}
	if code, r := call(t, s, s.Token, "sendMessage", form); code != 429 || r.Parameters.RetryAfter != 5 {
		t.Errorf("429: %d %+v", code, r)
	}
	s.FailNext("sendMessage", 403, 0)
	if code, r := call(t, s, s.Token, "sendMessage", form); code != 403 || r.Description != "Forbidden: bot was blocked by the user" {
		t.Errorf("403: %d %+v", code, r)
	}
	if code, r := call(t, s, s.Token, "sendMessage", form); code != 200 || !r.OK {
		t.Errorf("after the faults: %d %+v", code, r)
	}
	if n := s.Count("sendMessage"); n != 3 {
		t.Errorf("recorded %d calls, want 3", n)
	}
	if sent := s.Sent(); len(sent) != 1 || sent[0].Text != "x" {
		t.Errorf("sent %+v", sent)
	}
}

func TestEditNotModified(t *testing.T) {
	s := telegramtest.NewServer(t)
	call(t, s, s.Token, "sendMessage", url.Values{"chat_id": {"1"}, "text": {"x"}})
	edit := url.Values{"chat_id": {"1"}, "message_id": {"1"}, "text": {"x"}}
	if code, r := call(t, s, s.Token, "editMessageText", edit); code != 400 || !strings.Contains(r.Description, "message is not modified") {
		t.Errorf("same text: %d %+v", code, r)
	}
	edit.Set("message_id", "9")
	if code, r := call(t, s, s.Token, "editMessageText", edit); code != 400 || r.Description != "Bad Request: message to edit not found" {
		t.Errorf("missing message: %d %+v", code, r)
	}
}

func TestWebhookBlocksPolling(t *testing.T) {
	s := telegramtest.NewServer(t)
	call(t, s, s.Token, "setWebhook", url.Values{"url": {"http://127.0.0.1:1/hook"}, "secret_token": {"x"}})
	if code, _ := call(t, s, s.Token, "getUpdates", nil); code != 409 {
		t.Errorf("getUpdates with a webhook set: %d, want 409", code)
	}
	call(t, s, s.Token, "deleteWebhook", nil)
	if code, _ := call(t, s, s.Token, "getUpdates", nil); code != 200 {
		t.Errorf("getUpdates after deleteWebhook: %d", code)
	}
}
