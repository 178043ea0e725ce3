// Package telegramtest is a fake Telegram Bot API for tests: an
// httptest.Server that speaks the real wire format (form, multipart or JSON
// requests; {"ok":…,"result":…} answers with Telegram's error codes and
// descriptions), holds getUpdates like a long poll, records every call and
// every message the bot sends (with its entities, checked as Telegram
// checks them: offsets and lengths in UTF-16 code units, text_mention of
// users the bot met), and lets a test act as users (send text,
// press buttons, write in forum topics), inject faults (429 with retry_after, 5xx, 403, 400) and
// enforce Telegram's rate limits (LimitRate).
//
// Point a bot at it with APIURL = s.URL and Token = s.Token.
package telegramtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Identity of the fake bot.
const (
	Token       = "123456789:AAFakeTokenForTelegramTest_0123456789"
	BotID       = 123456789
	BotUsername = "dealdesk_test_bot"
	BotName     = "DealDesk Test"
)

// Server is a fake Bot API server. All methods are safe for concurrent use.
type Server struct {
	*httptest.Server
	// Token is the only token the server accepts (Token by default).
	Token string

	mu        sync.Mutex
	changed   chan struct{} // closed and replaced on every change
	closed    bool
	pending   []update
	nextUpd   int
	nextMsg   map[int64]int
	messages  map[msgKey]*stored
	calls     []Call
	sent      []SentMessage
	faults    map[string][]Fault
	callbacks map[string]bool // issued callback query ids → answered
	answers   []Answer
	commands  map[menuKey][]BotCommand
	chats     map[int64]bool   // chats the bot knows: a user wrote or pressed there
	users     map[int64]bool   // users the bot met: they wrote, pressed or opened a topic
	forums    map[int64]*forum // forum supergroups (SetForum) and their topics
	langs     map[int64]string // users' app languages
	files     map[string]*file // by file_id: files users and the bot sent
	nextFile  int
	hook      webhook
	pollGen   int
	atOnce    bool
	deliverer sync.WaitGroup
	rate      *rateState      // the sending limits, when set (LimitRate)
	stop      context.Context // done when the server closes
	stopFn    context.CancelFunc
}

type update struct {
	id  int
	raw json.RawMessage
}

type msgKey struct {
	chat int64
	id   int
}

type stored struct {
	text     string
	entities []Entity
	buttons  [][]Button
}

// menuKey names a command menu: its scope ("default", "chat:42") and
// language code ("" for every other language).
type menuKey struct {
	scope, lang string
}

type webhook struct {
	url, secret string
}

// NewServer starts a fake Bot API server, closed when the test ends.
func NewServer(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{
		Token:     Token,
		changed:   make(chan struct{}),
		nextUpd:   100,
		nextMsg:   make(map[int64]int),
		messages:  make(map[msgKey]*stored),
		faults:    make(map[string][]Fault),
		callbacks: make(map[string]bool),
		commands:  make(map[menuKey][]BotCommand),
		chats:     make(map[int64]bool),
		users:     make(map[int64]bool),
		forums:    make(map[int64]*forum),
		langs:     make(map[int64]string),
		files:     make(map[string]*file),
	}
	s.stop, s.stopFn = context.WithCancel(context.Background())
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	s.deliverer.Add(1)
	go s.deliver()
	tb.Cleanup(s.Close)
	return s
}

// Close releases held long polls, stops webhook delivery and shuts the
// server down. It may be called more than once.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.notify()
	s.mu.Unlock()
	s.stopFn()
	s.deliverer.Wait()
	s.Server.Close()
}

// AnswerAtOnce makes getUpdates answer immediately even when there is
// nothing to return, like a misbehaving proxy, instead of holding the
// request for its timeout.
func (s *Server) AnswerAtOnce(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.atOnce = on
}

// notify wakes everyone waiting for a change; s.mu must be held.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

type handlerFunc func(s *Server, w http.ResponseWriter, r *http.Request, c *Call)

var methods = map[string]handlerFunc{
	"getme":                  (*Server).getMe,
	"getupdates":             (*Server).getUpdates,
	"getfile":                (*Server).getFile,
	"sendmessage":            (*Server).sendMessage,
	"senddocument":           (*Server).sendDocument,
	"editmessagetext":        (*Server).editMessageText,
	"editmessagereplymarkup": (*Server).editMessageReplyMarkup,
	"answercallbackquery":    (*Server).answerCallbackQuery,
	"createforumtopic":       (*Server).createForumTopic,
	"setmycommands":          (*Server).setMyCommands,
	"deletemycommands":       (*Server).deleteMyCommands,
	"getmycommands":          (*Server).getMyCommands,
	"setwebhook":             (*Server).setWebhook,
	"deletewebhook":          (*Server).deleteWebhook,
}

// serve routes /bot<token>/<method>, like the real API: a wrong token is
// 401 Unauthorized, an unknown method 404 Not Found. Method names are
// case-insensitive. /file/bot<token>/<file_path> downloads a file.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/file/bot") {
		s.serveFile(w, r)
		return
	}
	token, method, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/bot"), "/")
	if !strings.HasPrefix(r.URL.Path, "/bot") || !ok {
		writeFault(w, Fault{Code: http.StatusNotFound, Description: "Not Found"})
		return
	}
	if token != s.Token {
		writeFault(w, Fault{Code: http.StatusUnauthorized, Description: "Unauthorized"})
		return
	}
	h, known := methods[strings.ToLower(method)]
	if !known {
		writeFault(w, Fault{Code: http.StatusNotFound, Description: "Not Found: method not found"})
		return
	}
	c, err := parseCall(r, method)
	if err != nil {
		writeFault(w, Fault{Code: http.StatusBadRequest, Description: "Bad Request: " + err.Error()})
		return
	}
	s.mu.Lock()
	s.calls = append(s.calls, *c)
	f, failing := s.takeFault(method)
	if !failing {
		f, failing = s.rateLimit(c)
	}
	s.notify()
	s.mu.Unlock()
	if failing {
		writeFault(w, f)
		return
	}
	h(s, w, r, c)
}

// parseCall reads the parameters of a request, sent as a query string, a
// form, a multipart form or a JSON object.
func parseCall(r *http.Request, method string) (*Call, error) {
	c := &Call{Method: method, Params: make(map[string]string), Time: time.Now()}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		var obj map[string]json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&obj); err != nil {
			return nil, fmt.Errorf("can't parse JSON: %v", err)
		}
		for k, v := range obj {
			var str string
			if json.Unmarshal(v, &str) == nil {
				c.Params[k] = str
			} else {
				c.Params[k] = string(v)
			}
		}
	case "multipart/form-data":
		if err := r.ParseMultipartForm(64 << 20); err != nil {
			return nil, fmt.Errorf("can't parse multipart: %v", err)
		}
		if err := readFiles(r, c); err != nil {
			return nil, err
		}
	default:
		if err := r.ParseForm(); err != nil {
			return nil, fmt.Errorf("can't parse form: %v", err)
		}
	}
	for k, v := range r.Form {
		c.Params[k] = v[0]
	}
	return c, nil
}

func readFiles(r *http.Request, c *Call) error {
	for field, headers := range r.MultipartForm.File {
		for _, h := range headers {
			f, err := h.Open()
			if err != nil {
				return err
			}
			data, err := io.ReadAll(f)
			f.Close()
			if err != nil {
				return err
			}
			c.Files = append(c.Files, Upload{Field: field, Name: h.Filename, MIME: h.Header.Get("Content-Type"), Data: data})
		}
	}
	return nil
}

func writeResult(w http.ResponseWriter, result any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}

func writeFault(w http.ResponseWriter, f Fault) {
	if f.Body != "" {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(f.Code)
		_, _ = w.Write([]byte(f.Body))
		return
	}
	body := map[string]any{"ok": false, "error_code": f.Code, "description": f.description()}
	params := map[string]any{}
	if f.RetryAfter > 0 {
		params["retry_after"] = f.RetryAfter
		w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
	}
	if f.MigrateToChatID != 0 {
		params["migrate_to_chat_id"] = f.MigrateToChatID
	}
	if len(params) > 0 {
		body["parameters"] = params
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(f.Code)
	_ = json.NewEncoder(w).Encode(body)
}

// badRequest answers 400 with Telegram's "Bad Request: …" description.
func badRequest(w http.ResponseWriter, what string) {
	writeFault(w, Fault{Code: http.StatusBadRequest, Description: "Bad Request: " + what})
}
