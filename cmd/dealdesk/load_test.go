//go:build load

package main

// The load test of issue 13: `make load`, or
//
//	go test -tags load -run TestLoad -count=1 -timeout 20m -v ./cmd/dealdesk/
//
// One real DealDesk runs against the fake Bot API, on bbolt and then on
// PostgreSQL (DEALDESK_TEST_POSTGRES, e.g. `eval "$(.ci/postgres-start)"`;
// skipped without it, failing under CI=true). 200 users in 50 chats (20
// private chats, 30 groups of 6, four of them bound as work chats with
// /bind) send commands and press the buttons of the replies for
// DEALDESK_LOAD_DURATION (60s by default), each waiting for its reply and
// then thinking 2–8 s in a private chat, longer in a group so that a group
// sends no more than an update every 1.5 s on average (DealDesk slows a
// chat down to an update a second past a burst of 20). Every message and
// press is a request whose reply is
// matched among what the bot sends to the chat, in order: its latency is from
// the update's push to the fake until the fake recorded the reply. A reply
// that is an error text counts as an error, none within 10 s as lost; the
// test fails on any. DEALDESK_LOAD_DEBUG=1 prints the first reply of each
// kind of request.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot/telegram/telegramtest"
	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/postgres/pgtest"
)

const (
	loadUsers   = 200
	loadPrivate = 20 // users who talk to the bot in their private chats
	loadGroups  = 30 // the other users' group chats, 6 in each
	// loadChatGap is the least mean time between two updates of a chat:
	// DealDesk handles a chat's 21st update in a row at DEALDESK_CHAT_RATE
	// (1 a second), so a group whose people together wrote faster would
	// measure that flood guard, not the store. Group members think longer.
	loadChatGap     = 1500 * time.Millisecond
	loadReplyWithin = 10 * time.Second
	loadThinkMin    = 2 * time.Second
	loadThinkMax    = 8 * time.Second
	loadUserTG      = 700000 // the first simulated user's Telegram id
	loadGroupTG     = -9000  // the first group's chat id (then -9001, …)
)

// loadGroupThink is how much longer a group's member thinks: the group's
// members together, at about 1.2 updates an action (presses after
// replies), send an update every loadChatGap.
func loadGroupThink() float64 {
	perGroup := float64(loadUsers-loadPrivate) / loadGroups
	mean := float64(loadThinkMin+loadThinkMax) / 2
	return max(1, perGroup*1.2*float64(loadChatGap)/mean)
}

// loadDuration is DEALDESK_LOAD_DURATION, 60s by default.
func loadDuration(t *testing.T) time.Duration {
	s := os.Getenv("DEALDESK_LOAD_DURATION")
	if s == "" {
		return 60 * time.Second
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		t.Fatalf("DEALDESK_LOAD_DURATION=%q: a positive duration such as 60s", s)
	}
	return d
}

// TestLoad runs the load on each store and prints the figures of both.
func TestLoad(t *testing.T) {
	d := loadDuration(t)
	var results []*loadResult
	t.Run("bbolt", func(t *testing.T) {
		results = append(results, runLoad(t, "bbolt", filepath.Join(t.TempDir(), "dealdesk.db"), d))
	})
	t.Run("postgres", func(t *testing.T) {
		results = append(results, runLoad(t, "postgres", pgtest.NewDB(t), d))
	})
	var b strings.Builder
	fmt.Fprintf(&b, "\n%d users in %d chats for %s, think time %s–%s (×%.2f in a group), a reply within %s\n",
		loadUsers, loadPrivate+loadGroups, d, loadThinkMin, loadThinkMax, loadGroupThink(), loadReplyWithin)
	fmt.Fprintf(&b, "| store | sent | replies | p50 | p90 | p99 | max | errors | lost | throughput |\n")
	fmt.Fprintf(&b, "|---|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range results {
		if r != nil {
			b.WriteString(r.row())
		}
	}
	t.Log(b.String())
}

// loadUser is a simulated user.
type loadUser struct {
	tg    int64 // Telegram id
	chat  int64 // where they write: their private chat or a group
	role  core.Role
	u     *core.User
	deals []string // numbers of deals they may open
	inns  []string // clients' INNs
}

// loadRequest is a message or press waiting for its reply.
type loadRequest struct {
	kind     string // the label in the breakdown: "/deal", "press" …
	chat     int64
	press    int    // the pressed message's id, for a press
	callback string // the press's callback query id
	sent     time.Time
	// expect tells the reply from a notification; more are the checks of
	// the messages that follow it when the reply has several.
	expect   func(string) bool
	more     []func(string) bool
	answered bool
	done     chan loadReply
	lost     bool // given up on: a reply that comes later is only counted
}

// loadReply is what the bot sent in answer.
type loadReply struct {
	at      time.Time
	method  string
	msgID   int
	text    string
	buttons [][]telegramtest.Button
	popup   bool // an answerCallbackQuery with a text
}

// loadTracker matches what the bot sends to the pending requests of each
// chat, in order: a chat's updates are handled one after another and its
// messages sent in the order they were written. A message that neither is
// an error nor looks like the reply the oldest pending request expects is a
// notification (a new deal in the officers' chat, a task on someone's
// deal); a request left without its reply is lost.
type loadTracker struct {
	mu        sync.Mutex
	pending   map[int64][]*loadRequest
	recording bool
	isError   func(string) bool
	notices   int // notifications among the replies
	late      int // replies after loadReplyWithin
	stray     int // messages to a chat with nothing pending
	samples   []string
}

// observe is called for what the fake did for a bot's call: a message sent
// or an answer with a text to a press. Edits (a pressed keyboard taken
// away) are not replies.
func (tr *loadTracker) observe(ev loadReply, chat int64, callback string) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if !tr.recording || strings.HasPrefix(ev.method, "edit") {
		return
	}
	if ev.popup {
		for i, r := range tr.pending[chat] {
			if r.callback == callback && !r.answered {
				tr.answer(chat, i, ev)
				return
			}
		}
		return
	}
	for {
		q := tr.pending[chat]
		if len(q) == 0 {
			tr.stray++
			tr.sample("unexpected", chat, ev.text)
			return
		}
		r := q[0]
		if r.answered {
			// The rest of a reply of several messages.
			if len(r.more) > 0 && r.more[0](ev.text) {
				if r.more = r.more[1:]; len(r.more) == 0 {
					tr.pending[chat] = q[1:]
				}
				return
			}
			tr.pending[chat] = q[1:]
			continue
		}
		if tr.isError(ev.text) || r.expect(ev.text) {
			tr.answer(chat, 0, ev)
			return
		}
		tr.notices++
		tr.sample("notice", chat, ev.text)
		return
	}
}

// answer gives the reply to the i-th pending request of chat; tr.mu held.
func (tr *loadTracker) answer(chat int64, i int, ev loadReply) {
	q := tr.pending[chat]
	r := q[i]
	r.answered = true
	// A reply of several messages may come as one (a dialog's summary is
	// not sent in a group): its last part ends it too.
	if len(r.more) == 0 || tr.isError(ev.text) || ev.popup || r.more[len(r.more)-1](ev.text) {
		tr.pending[chat] = slices.Delete(q, i, i+1)
	}
	if r.lost {
		tr.late++
		return
	}
	r.done <- ev
}

func (tr *loadTracker) sample(what string, chat int64, text string) {
	if len(tr.samples) < 10 {
		tr.samples = append(tr.samples, fmt.Sprintf("%s in %d: %.100q", what, chat, text))
	}
}

// giveUp marks a request lost; its late reply is still taken off the queue.
func (tr *loadTracker) giveUp(r *loadRequest) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	r.lost = true
}

// errorMatcher recognizes every error text of the Russian locale (the err.*
// keys and the reply to a message not understood): the template with its
// placeholders as wildcards, matched from the start, or its fixed beginning
// when that is long enough to tell.
func errorMatcher(t *testing.T) func(string) bool {
	files, err := filepath.Glob("../../locales/*.ru.toml")
	if err != nil || len(files) == 0 {
		t.Fatalf("locales: %v", err)
	}
	line := regexp.MustCompile(`^"(err\.[^"]+|msg\.unknown_text)"\s*=\s*(".*")\s*$`)
	action := regexp.MustCompile(`{{.*?}}`)
	var res []*regexp.Regexp
	var prefixes []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(data), "\n") {
			m := line.FindStringSubmatch(l)
			if m == nil {
				continue
			}
			text, err := strconv.Unquote(m[2])
			if err != nil {
				t.Fatalf("%s: %s: %v", f, m[1], err)
			}
			var pat strings.Builder
			pat.WriteString("^")
			for i, part := range action.Split(text, -1) {
				if i > 0 {
					pat.WriteString("(?s:.*?)")
				}
				pat.WriteString(regexp.QuoteMeta(part))
			}
			res = append(res, regexp.MustCompile(pat.String()))
			if p, _, _ := strings.Cut(text, "{{"); len([]rune(p)) >= 20 {
				prefixes = append(prefixes, p)
			}
		}
	}
	if len(res) < 100 {
		t.Fatalf("only %d error texts found in the locales", len(res))
	}
	return func(s string) bool {
		for _, p := range prefixes {
			if strings.HasPrefix(s, p) {
				return true
			}
		}
		for _, re := range res {
			if re.MatchString(s) {
				return true
			}
		}
		return false
	}
}

// loadProxy is the Bot API DealDesk talks to: the fake's own handler, with
// every message sent or edited and every answer to a press reported to the
// tracker the moment the fake has recorded it.
func loadProxy(t *testing.T, srv *telegramtest.Server, tr *loadTracker) *httptest.Server {
	h := srv.Config.Handler
	p := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		method := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		switch method {
		case "sendMessage", "sendDocument", "editMessageText", "editMessageReplyMarkup", "answerCallbackQuery":
		default:
			h.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := &loadCapture{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		if method == "sendDocument" {
			// Multipart: reported by its chat only (no export in the mix).
			return
		}
		params, err := url.ParseQuery(string(body))
		if err != nil {
			return
		}
		var resp struct {
			OK     bool `json:"ok"`
			Result struct {
				MessageID int `json:"message_id"`
			} `json:"result"`
		}
		if json.Unmarshal(rec.buf.Bytes(), &resp) != nil || !resp.OK {
			return
		}
		ev := loadReply{at: time.Now(), method: method, text: params.Get("text")}
		chat, _ := strconv.ParseInt(params.Get("chat_id"), 10, 64)
		switch method {
		case "answerCallbackQuery":
			if ev.text == "" {
				return
			}
			ev.popup = true
			// The press's chat is not in the call: find it by the id.
			tr.mu.Lock()
			for c, q := range tr.pending {
				for _, pr := range q {
					if pr.callback == params.Get("callback_query_id") {
						chat = c
					}
				}
			}
			tr.mu.Unlock()
		case "sendMessage":
			ev.msgID = resp.Result.MessageID
		default:
			ev.msgID, _ = strconv.Atoi(params.Get("message_id"))
		}
		if kb := params.Get("reply_markup"); kb != "" {
			var m struct {
				Keyboard [][]telegramtest.Button `json:"inline_keyboard"`
			}
			if json.Unmarshal([]byte(kb), &m) == nil {
				ev.buttons = m.Keyboard
			}
		}
		tr.observe(ev, chat, params.Get("callback_query_id"))
	}))
	t.Cleanup(p.Close)
	return p
}

// loadCapture keeps a copy of the answer it writes.
type loadCapture struct {
	http.ResponseWriter
	buf bytes.Buffer
}

func (c *loadCapture) Write(b []byte) (int, error) {
	c.buf.Write(b)
	return c.ResponseWriter.Write(b)
}

// loadResult is one store's figures.
type loadResult struct {
	store              string
	dur                time.Duration
	sent, replies      int
	errors, lost, late int
	notices, stray     int
	lat                []time.Duration
	byKind             map[string][]time.Duration
	errorLog           []string
	firstLost          []string
	logErrorLines      int
}

func pct(s []time.Duration, p float64) time.Duration {
	if len(s) == 0 {
		return 0
	}
	i := int(float64(len(s)-1) * p)
	return s[i]
}

func ms(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 1, 64) + " ms" }

func (r *loadResult) row() string {
	slices.Sort(r.lat)
	var max time.Duration
	if len(r.lat) > 0 {
		max = r.lat[len(r.lat)-1]
	}
	return fmt.Sprintf("| %s | %d | %d | %s | %s | %s | %s | %d | %d | %.1f replies/s |\n", r.store, r.sent, r.replies,
		ms(pct(r.lat, .5)), ms(pct(r.lat, .9)), ms(pct(r.lat, .99)), ms(max), r.errors, r.lost,
		float64(r.replies)/r.dur.Seconds())
}

// runLoad seeds a DealDesk on db and drives the users for d.
func runLoad(t *testing.T, store, db string, d time.Duration) *loadResult {
	isError := errorMatcher(t)
	srv := telegramtest.NewServer(t)
	tr := &loadTracker{pending: map[int64][]*loadRequest{}, isError: isError}
	proxy := loadProxy(t, srv, tr)
	run := startTelegram(t, t.TempDir(), srv, map[string]string{"DEALDESK_DB": db, "TELEGRAM_API_URL": proxy.URL,
		"DEALDESK_LOG_LEVEL": "warn"})
	users := loadSeed(t, run)
	run.quiet()

	res := &loadResult{store: store, dur: d, byKind: map[string][]time.Duration{}}
	var mu sync.Mutex
	tr.mu.Lock()
	tr.recording = true
	tr.mu.Unlock()
	start := time.Now()
	stop := start.Add(d)
	var wg sync.WaitGroup
	for i, u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(uint64(i), 13))
			// Users start spread over the first think time.
			first := float64(loadThinkMax)
			if u.chat < 0 {
				first *= loadGroupThink()
			}
			time.Sleep(time.Duration(rnd.Int64N(int64(first))))
			s := &loadSession{srv: srv, tr: tr, u: u, rnd: rnd}
			for {
				s.act()
				think := loadThinkMin + time.Duration(rnd.Int64N(int64(loadThinkMax-loadThinkMin)))
				if u.chat < 0 {
					think = time.Duration(float64(think) * loadGroupThink())
				}
				if time.Now().Add(think).After(stop) {
					break
				}
				time.Sleep(think)
			}
			mu.Lock()
			defer mu.Unlock()
			res.sent += s.sent
			res.replies += s.replies
			res.errors += len(s.errorLog)
			res.lost += len(s.lostLog)
			res.lat = append(res.lat, s.lat...)
			for k, v := range s.byKind {
				res.byKind[k] = append(res.byKind[k], v...)
			}
			if len(res.errorLog) < 20 {
				res.errorLog = append(res.errorLog, s.errorLog...)
			}
			if len(res.firstLost) < 20 {
				res.firstLost = append(res.firstLost, s.lostLog...)
			}
		}()
	}
	wg.Wait()
	res.dur = time.Since(start)
	run.quiet()
	tr.mu.Lock()
	res.late, res.notices, res.stray = tr.late, tr.notices, tr.stray
	samples := tr.samples
	tr.mu.Unlock()
	for _, l := range strings.Split(run.logs.String(), "\n") {
		if strings.Contains(l, `"level":"error"`) {
			res.logErrorLines++
			if res.logErrorLines <= 5 {
				t.Logf("log: %.400s", l)
			}
		}
	}

	t.Logf("%s: %d requests, %d replies in %s; %d errors, %d lost (%d of them answered late), %d notifications, %d messages with nothing pending, %d error lines in the log",
		store, res.sent, res.replies, res.dur.Round(time.Millisecond), res.errors, res.lost, res.late, res.notices, res.stray, res.logErrorLines)
	for _, s := range samples {
		t.Logf("  %s", s)
	}
	kinds := make([]string, 0, len(res.byKind))
	for k := range res.byKind {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		l := res.byKind[k]
		slices.Sort(l)
		t.Logf("  %-12s %5d  p50 %9s  p99 %9s  max %9s", k, len(l), ms(pct(l, .5)), ms(pct(l, .99)), ms(l[len(l)-1]))
	}
	for _, e := range res.errorLog {
		t.Errorf("error reply: %s", e)
	}
	for _, e := range res.firstLost {
		t.Errorf("lost: %s", e)
	}
	if res.errors+res.lost > 0 {
		t.Errorf("%s: %d errors, %d lost", store, res.errors, res.lost)
	}
	if res.sent == 0 {
		t.Error("nothing was sent")
	}
	return res
}

// loadSamples keeps a reply of each kind (DEALDESK_LOAD_DEBUG prints it).
var loadSamples sync.Map

// loadSession is a user's run.
type loadSession struct {
	srv      *telegramtest.Server
	tr       *loadTracker
	u        *loadUser
	rnd      *rand.Rand
	last     *loadReply // the last reply with buttons, to press one of them
	sent     int
	replies  int
	lat      []time.Duration
	byKind   map[string][]time.Duration
	errorLog []string
	lostLog  []string
	created  int
}

// request sends text (or presses data on msgID) and waits for the reply;
// ok is false when it was an error or did not come.
func (s *loadSession) request(kind, text string, press int, data string, expect func(string) bool, more ...func(string) bool) (loadReply, bool) {
	r := &loadRequest{kind: kind, chat: s.u.chat, press: press, expect: expect, more: more, done: make(chan loadReply, 1)}
	// Queued and pushed under the tracker's lock, so that the chat's
	// requests are queued in the order the fake takes them (and a press's
	// callback id, which only Press tells, is known before its answer).
	s.tr.mu.Lock()
	s.tr.pending[r.chat] = append(s.tr.pending[r.chat], r)
	r.sent = time.Now()
	if press != 0 {
		r.callback = s.srv.Press(s.u.chat, s.u.tg, press, data)
	} else {
		s.srv.SendText(s.u.chat, s.u.tg, text)
	}
	s.tr.mu.Unlock()
	s.sent++
	timer := time.NewTimer(loadReplyWithin)
	defer timer.Stop()
	select {
	case ev := <-r.done:
		lat := ev.at.Sub(r.sent)
		s.replies++
		s.lat = append(s.lat, lat)
		if s.byKind == nil {
			s.byKind = map[string][]time.Duration{}
		}
		s.byKind[kind] = append(s.byKind[kind], lat)
		if s.tr.isError(ev.text) {
			s.errorLog = append(s.errorLog, fmt.Sprintf("%s by %s %d in chat %d: %q → %.200q", kind, s.u.role, s.u.tg, s.u.chat, text+data, ev.text))
			return ev, false
		}
		if _, seen := loadSamples.LoadOrStore(kind, ev.text); !seen && os.Getenv("DEALDESK_LOAD_DEBUG") != "" {
			fmt.Printf("sample %s %q → %q %v\n", kind, text+data, ev.text, ev.buttons)
		}
		if len(ev.buttons) > 0 && !ev.popup {
			s.last = &ev
		}
		return ev, true
	case <-timer.C:
		s.tr.giveUp(r)
		s.lostLog = append(s.lostLog, fmt.Sprintf("%s by %s %d in chat %d: %q (no reply in %s)", kind, s.u.role, s.u.tg, s.u.chat, text+data, loadReplyWithin))
		return loadReply{}, false
	}
}

// button finds a button of the last reply whose label starts with one of
// labels.
func (s *loadSession) button(labels ...string) (int, string, bool) {
	if s.last == nil {
		return 0, "", false
	}
	for _, row := range s.last.buttons {
		for _, b := range row {
			for _, l := range labels {
				if strings.HasPrefix(b.Text, l) {
					return s.last.msgID, b.Data, true
				}
			}
		}
	}
	return 0, "", false
}

// Checks of the replies, telling them from notifications.
func has(sub string) func(string) bool {
	return func(s string) bool { return strings.Contains(s, sub) }
}

func starts(p string) func(string) bool {
	return func(s string) bool { return strings.HasPrefix(s, p) }
}

// act does one thing a user of the role does.
func (s *loadSession) act() {
	u, rnd := s.u, s.rnd
	pick := func(l []string) string { return l[rnd.IntN(len(l))] }
	n := rnd.IntN(100)
	switch {
	case n < 10:
		s.request("/help", "/help", 0, "", starts("DealDesk — команды"))
	case n < 30:
		inn := pick(u.inns)
		if _, ok := s.request("/client", "/client "+inn, 0, "", has("ИНН "+inn)); ok && rnd.IntN(3) == 0 {
			if id, data, ok := s.button("История"); ok {
				s.request("press История", "", id, data, starts("История: "))
			}
		}
	case n < 50:
		number := pick(u.deals)
		if _, ok := s.request("/deal", "/deal "+number, 0, "", starts("Сделка "+number)); ok && rnd.IntN(3) == 0 {
			if id, data, ok := s.button("История"); ok {
				s.request("press История", "", id, data, starts("История: "+number))
			}
		}
	case n < 60:
		s.request("/deals", "/deals", 0, "", loadDealsReply)
	case n < 70:
		s.request("/tasks", "/tasks", 0, "", loadTasksReply)
	case n < 80:
		number := pick(u.deals)
		s.request("/history", "/history "+number, 0, "", starts("История: "+number))
	case n < 86:
		if u.role == core.RoleOfficer || u.role == core.RoleHead {
			s.request("/overdue", "/overdue", 0, "", loadOverdueReply)
		} else {
			s.request("/tasks", "/tasks", 0, "", loadTasksReply)
		}
	case n < 94:
		if u.role != core.RoleManager && u.role != core.RoleLawyer {
			// Officers and heads are asked whom the task is for: a
			// dialog, which the mix leaves out.
			s.request("/tasks", "/tasks", 0, "", loadTasksReply)
			return
		}
		s.created++
		title := fmt.Sprintf("Позвонить клиенту %d-%d", u.tg, s.created)
		text := fmt.Sprintf("/task new %s до %s %s", title, time.Now().AddDate(0, 0, 3).Format("02.01.2006"), pick(u.deals))
		done := func(s string) bool {
			return strings.HasPrefix(s, "Задача #") && strings.Contains(s, "«"+title+"» поставлена")
		}
		summary := starts("Из сообщения взято:\n• задача: " + title)
		s.request("/task new", text, 0, "", func(s string) bool { return summary(s) || done(s) }, done)
	default:
		if u.role != core.RoleManager {
			s.request("/tasks", "/tasks", 0, "", loadTasksReply)
			return
		}
		s.created++
		title := fmt.Sprintf("Поставка %d-%d", u.tg, s.created)
		text := fmt.Sprintf("/deal new %s %s %d000", pick(u.inns), title, 100+rnd.IntN(900))
		if _, ok := s.request("/deal new", text, 0, "", starts("Проверьте сделку и подтвердите:")); ok {
			if id, data, ok := s.button("Создать"); ok {
				card := func(s string) bool {
					return strings.HasPrefix(s, "Сделка D-") && strings.Contains(s, "\nКлиент: ")
				}
				s.request("press Создать", "", id, data, loadCreatedReply, card)
			}
		}
	}
}

// The replies whose words depend on what there is.
func loadDealsReply(s string) bool {
	return strings.HasPrefix(s, "Сделок нет") || strings.Contains(s, "сделк")
}
func loadTasksReply(s string) bool {
	return strings.Contains(s, "задач") || strings.Contains(s, "Задач")
}
func loadOverdueReply(s string) bool { return strings.Contains(s, "росроч") }
func loadCreatedReply(s string) bool {
	return strings.HasPrefix(s, "Сделка D-") && strings.Contains(s, "создана")
}

// loadINN makes a valid legal entity's INN from a number.
func loadINN(n int) string {
	d := fmt.Sprintf("%09d", 500000000+n)
	w := []int{2, 4, 10, 3, 5, 9, 4, 6, 8}
	sum := 0
	for i, c := range d {
		sum += int(c-'0') * w[i]
	}
	return d + strconv.Itoa(sum%11%10)
}

// loadSeed creates the users, their clients, deals and tasks, and binds
// four of the groups as work chats.
func loadSeed(t *testing.T, run *tgRun) []*loadUser {
	ctx := context.Background()
	svc := run.m.Service
	admin, err := svc.Authenticate(ctx, "telegram:"+strconv.Itoa(adminTG))
	if err != nil {
		t.Fatal(err)
	}
	roles := []core.Role{core.RoleManager, core.RoleManager, core.RoleManager, core.RoleManager, core.RoleManager,
		core.RoleManager, core.RoleOfficer, core.RoleOfficer, core.RoleHead, core.RoleLawyer}
	users := make([]*loadUser, loadUsers)
	perGroup := (loadUsers - loadPrivate) / loadGroups
	if err := run.m.DB.Update(ctx, func(tx core.Tx) error {
		var heads []*core.User
		for i := range users {
			tg := int64(loadUserTG + i)
			lu := &loadUser{tg: tg, chat: tg, role: roles[i%len(roles)]}
			if i >= loadPrivate {
				lu.chat = int64(loadGroupTG - (i-loadPrivate)/perGroup)
			}
			lu.u = &core.User{Name: fmt.Sprintf("Сотрудник %03d", i+1), Role: lu.role, Active: true,
				Identities: []string{"telegram:" + strconv.FormatInt(tg, 10)}}
			if lu.role == core.RoleManager && len(heads) > 0 {
				lu.u.HeadID = heads[i%len(heads)].ID
			}
			if err := tx.CreateUser(lu.u); err != nil {
				return err
			}
			if lu.role == core.RoleHead {
				heads = append(heads, lu.u)
			}
			users[i] = lu
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// Two clients and two deals of each manager, a task each.
	var allDeals, allINNs []string
	n := 0
	for _, lu := range users {
		if lu.role != core.RoleManager {
			continue
		}
		for j := range 2 {
			n++
			c, err := svc.CreateClient(ctx, core.Actor{User: admin}, &core.Client{INN: loadINN(n),
				ShortName: fmt.Sprintf("ООО «Нагрузка %d»", n), ManagerID: lu.u.ID})
			if err != nil {
				t.Fatal(err)
			}
			deal, err := svc.CreateDeal(ctx, core.Actor{User: lu.u}, &core.Deal{ClientID: c.ID,
				Title: fmt.Sprintf("Поставка %d-%d", lu.tg, j), Amount: core.Money(100_000_00 * (j + 1))})
			if err != nil {
				t.Fatal(err)
			}
			lu.deals = append(lu.deals, deal.Number)
			lu.inns = append(lu.inns, c.INN)
			allDeals, allINNs = append(allDeals, deal.Number), append(allINNs, c.INN)
		}
		if _, err := svc.CreateTask(ctx, core.Actor{User: lu.u}, &core.Task{Title: "Подготовить КП",
			Due: time.Now().AddDate(0, 0, 7), DealID: 0}); err != nil {
			t.Fatal(err)
		}
	}
	for _, lu := range users {
		if lu.role != core.RoleManager {
			lu.deals, lu.inns = allDeals, allINNs
		}
	}
	// The admin binds four groups with /bind, as people do.
	for i, p := range []string{"officers", "lawyers", "heads", "team"} {
		expect(t, run.say(int64(loadGroupTG-i), adminTG, "/bind "+p), "привязан как рабочий чат")
	}
	return users
}
