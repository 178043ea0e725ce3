// Package diadoctest is a fake Kontur.Diadoc for tests: an httptest server
// that speaks the JSON of Diadoc's HTTP API for what DealDesk uses
// (GetMyOrganizations, GetOrganizationsByInnKpp, PostMessage, ShelfUpload,
// GetNewEvents V8), with its errors, and helpers that play the other side:
// a person who signs and sends a posted draft in Diadoc, its delivery, the
// recipient's signature, signature with disagreements or refusal.
//
//	fake := diadoctest.New(t)
//	client := fake.AddOrganization(diadoctest.Organization{INN: "7707083893", KPP: "773601001", Name: "ПАО Сбербанк"})
//	edo, _ := diadoc.New(fake.Config(), log)
//	… DealDesk posts a draft to client.BoxID …
//	p := fake.Posted()[0]
//	fake.Sign(p.MessageID) // sent, delivered and signed appear in the feed
//
// Like Diadoc, it checks the Authorization header, wants autoRegister=false
// from GetMyOrganizations (the test fails otherwise), answers a repeated
// operationId with the first post's result, refuses an IndexKey whose "+"
// arrived unescaped with "cursor must have valid value" (its keys always
// hold "+" and "/"), and writes Message.FromBoxId in the older
// "…@diadoc.ru" form while GetMyOrganizations gives the GUID.
package diadoctest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/adapters/diadoc"
)

// The credentials the fake accepts.
const (
	ClientID = "dealdesk-test-8ee1638deae84c86b8e2069955c2825a"
	// Token holds "+", "/" and "=", as Diadoc's tokens do.
	Token = "3IU0iPhuhHPZ6l+rlumGz4p/ICEedhQ1XmlMN1Pk8z0DJ51MX=="
)

// The fake's methods, for Fail and Calls.
const (
	GetMyOrganizations       = "GetMyOrganizations"
	GetOrganizationsByInnKpp = "GetOrganizationsByInnKpp"
	PostMessage              = "PostMessage"
	ShelfUpload              = "ShelfUpload"
	GetNewEvents             = "GetNewEvents"
)

// CursorError is Diadoc's answer (400) to an IndexKey it does not know,
// such as one whose "+" arrived unescaped (read as a space).
const CursorError = "cursor must have valid value"

// Organization is an organization registered in the fake.
type Organization struct {
	INN, KPP, Name string
	// BoxID is its box (a GUID); AddOrganization makes one when empty.
	BoxID string
	// Roaming: it works through another EDO operator.
	Roaming bool
	// CounteragentsOnly: it accepts documents only from its counterparties;
	// PostMessage to it answers 409.
	CounteragentsOnly bool
	// Liquidated: LiquidationDate is set.
	Liquidated bool
}

// Fault is an answer the fake gives instead of the normal one.
type Fault struct {
	Status     int
	RetryAfter string // the Retry-After header, when not empty
	Body       string // the answer's text (default: the status's)
}

// Request is a request the fake got.
type Request struct {
	Method   string // the API method (PostMessage, …)
	HTTP     string // GET or POST
	Path     string
	RawQuery string
	Query    url.Values
	Auth     string // the Authorization header
}

// Posted is a document posted with PostMessage.
type Posted struct {
	OperationID            string
	MessageID              string // the draft's (or message's) id
	EntityID               string
	FromBoxID, ToBoxID     string
	FromDepartmentID       string
	IsDraft                bool
	TypeNamedID            string
	FileName               string // the Metadata FileName
	Metadata               map[string]string
	Content                []byte
	ViaShelf               bool // the content came through the shelf
	NeedRecipientSignature bool
	Comment                string
	CustomDocumentID       string
	// LetterID is the letter the draft was sent as (Send), or "".
	LetterID string
}

// Server is the fake Diadoc.
type Server struct {
	// URL is the fake's base URL (DIADOC_URL).
	URL string
	// OwnBoxID is DealDesk's box, the only one GetMyOrganizations lists
	// unless AddOwnOrganization adds others.
	OwnBoxID string
	// Now gives the fake's time (default time.Now).
	Now func() time.Time
	// PostAnswerDelay holds back PostMessage's answer after the document
	// is posted: the window where Diadoc has it and the caller does not
	// know yet (crash tests kill the caller there).
	PostAnswerDelay time.Duration

	tb         testing.TB
	srv        *httptest.Server
	bearer     bool
	department string

	mu        sync.Mutex
	own       []Organization
	orgs      []Organization
	events    []storedEvent
	posted    []*Posted
	byOp      map[string][]byte // operationId (lower case) → the Message answered
	docs      map[string]*doc   // draft and letter ids → the document
	faults    map[string][]Fault
	inFlight  map[string]int // operationId → 204 answers still to give
	pending   int            // Processing: posts to answer 204 first
	pendingRA string
	shelf     map[string]*shelfFile
	lose      map[int]bool // shelf parts whose first upload is lost
	requests  []Request
	n         int
}

// doc is a posted document's life in the fake.
type doc struct {
	posted    *Posted
	draftID   string
	entityID  string // the draft's entity
	letterID  string
	letterEnt string
	toBoxID   string
	delivered bool
	answered  bool
}

type storedEvent struct {
	key string
	raw json.RawMessage
}

type shelfFile struct {
	parts    map[int][]byte
	last     int
	complete bool
}

// Option configures the fake.
type Option func(*Server)

// WithBearer makes the fake accept only "Authorization: Bearer <Token>"
// (OpenID Connect), except GetOrganizationsByInnKpp, which takes either.
func WithBearer() Option { return func(s *Server) { s.bearer = true } }

// WithDepartment makes GetNewEvents require departmentId=id, as Diadoc
// does for a user who may not see all documents (403 without it).
func WithDepartment(id string) Option { return func(s *Server) { s.department = id } }

// New starts a fake Diadoc, stopped when the test ends. DealDesk's own
// organization is "ООО «ДилДеск»" with box OwnBoxID.
func New(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := &Server{
		tb:       tb,
		Now:      time.Now,
		byOp:     map[string][]byte{},
		docs:     map[string]*doc{},
		faults:   map[string][]Fault{},
		inFlight: map[string]int{},
		shelf:    map[string]*shelfFile{},
		lose:     map[int]bool{},
	}
	for _, o := range opts {
		o(s)
	}
	s.OwnBoxID = newGUID()
	s.own = []Organization{{INN: "7736207543", KPP: "773601001", Name: "ООО «ДилДеск»", BoxID: s.OwnBoxID}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	tb.Cleanup(s.srv.Close)
	return s
}

// Config returns the adapter's configuration for the fake: its URL and
// credentials (the legacy scheme, or Bearer with WithBearer), fast
// retries, and the department WithDepartment requires. Set BoxID to skip
// GetMyOrganizations.
func (s *Server) Config() diadoc.Config {
	cfg := diadoc.Config{URL: s.URL, ClientID: ClientID, Token: Token, DepartmentID: s.department,
		RetryWait: time.Millisecond, MaxWait: 2 * time.Second}
	if s.bearer {
		cfg.Auth = diadoc.AuthBearer
	}
	return cfg
}

// AddOrganization registers a counterparty and returns it with its box.
func (s *Server) AddOrganization(o Organization) Organization {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o.BoxID == "" {
		o.BoxID = newGUID()
	}
	s.orgs = append(s.orgs, o)
	return o
}

// AddOwnOrganization adds a box the token may act for (GetMyOrganizations
// then lists several, and the adapter needs DIADOC_BOX_ID).
func (s *Server) AddOwnOrganization(o Organization) Organization {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o.BoxID == "" {
		o.BoxID = newGUID()
	}
	s.own = append(s.own, o)
	return o
}

// Fail queues faults for a method: its next calls answer them, one each.
func (s *Server) Fail(method string, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[method] = append(s.faults[method], faults...)
}

// Processing makes the next post answer 204 with Retry-After retryAfter
// n times before its result: Diadoc still processes it. The post is taken
// at the first call; repeats with its operationId get the 204s, then the
// message.
func (s *Server) Processing(n int, retryAfter string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pending, s.pendingRA = n, retryAfter
}

// LoseShelfPart makes the first upload of a part of a shelf file get
// lost: the answer to the last part lists it as missing.
func (s *Server) LoseShelfPart(part int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lose[part] = true
}

// Posted returns the documents posted so far, in order.
func (s *Server) Posted() []Posted {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Posted, len(s.posted))
	for i, p := range s.posted {
		out[i] = *p
	}
	return out
}

// Requests returns the requests the fake got, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Calls returns how many times a method was called.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		if r.Method == method {
			n++
		}
	}
	return n
}

// Events returns how many events the feed holds.
func (s *Server) Events() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.events)
}

// LastIndexKey returns the IndexKey of the feed's last event ("" when
// empty): the cursor after everything so far.
func (s *Server) LastIndexKey() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.events) == 0 {
		return ""
	}
	return s.events[len(s.events)-1].key
}

// serve routes a request.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	method := map[string]string{
		"/GetMyOrganizations":       GetMyOrganizations,
		"/GetOrganizationsByInnKpp": GetOrganizationsByInnKpp,
		"/V3/PostMessage":           PostMessage,
		"/ShelfUpload":              ShelfUpload,
		"/V8/GetNewEvents":          GetNewEvents,
	}[r.URL.Path]
	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: method, HTTP: r.Method, Path: r.URL.Path,
		RawQuery: r.URL.RawQuery, Query: r.URL.Query(), Auth: r.Header.Get("Authorization")})
	s.mu.Unlock()
	if method == "" {
		http.Error(w, "Not Found", http.StatusNotFound)
		return
	}
	want := http.MethodGet
	if method == PostMessage || method == ShelfUpload {
		want = http.MethodPost
	}
	if r.Method != want {
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	if !s.authorized(r, method) {
		http.Error(w, "Authorization header is missing or holds invalid credentials", http.StatusUnauthorized)
		return
	}
	if s.fault(w, method) {
		return
	}
	switch method {
	case GetMyOrganizations:
		s.getMyOrganizations(w, r)
	case GetOrganizationsByInnKpp:
		s.getOrganizationsByInnKpp(w, r)
	case PostMessage:
		s.postMessage(w, r)
	case ShelfUpload:
		s.shelfUpload(w, r)
	case GetNewEvents:
		s.getNewEvents(w, r)
	}
}

// authorized checks the Authorization header: DiadocAuth with the client
// id and the token (only the client id for GetOrganizationsByInnKpp), or
// Bearer with the token under WithBearer.
func (s *Server) authorized(r *http.Request, method string) bool {
	h := r.Header.Get("Authorization")
	if token, ok := strings.CutPrefix(h, "Bearer "); ok {
		return (s.bearer || method == GetOrganizationsByInnKpp) && token == Token
	}
	rest, ok := strings.CutPrefix(h, "DiadocAuth ")
	if !ok || s.bearer && method != GetOrganizationsByInnKpp {
		return false
	}
	params := map[string]string{}
	for _, p := range strings.Split(rest, ",") {
		if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok {
			params[k] = v
		}
	}
	if params["ddauth_api_client_id"] != ClientID {
		return false
	}
	return method == GetOrganizationsByInnKpp || params["ddauth_token"] == Token
}

// fault answers the method's next queued fault, if any.
func (s *Server) fault(w http.ResponseWriter, method string) bool {
	s.mu.Lock()
	q := s.faults[method]
	if len(q) == 0 {
		s.mu.Unlock()
		return false
	}
	f := q[0]
	s.faults[method] = q[1:]
	s.mu.Unlock()
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	if f.Status == http.StatusNoContent {
		w.WriteHeader(f.Status)
		return true
	}
	body := f.Body
	if body == "" {
		body = http.StatusText(f.Status)
	}
	http.Error(w, body, f.Status)
	return true
}

func (s *Server) getMyOrganizations(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("autoRegister") != "false" {
		s.tb.Errorf("diadoctest: GetMyOrganizations without autoRegister=false (%s) would register the user", r.URL.RawQuery)
	}
	s.mu.Lock()
	orgs := append([]Organization(nil), s.own...)
	s.mu.Unlock()
	writeJSON(w, map[string]any{"Organizations": orgsJSON(orgs)})
}

func (s *Server) getOrganizationsByInnKpp(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	inn, kpp := q.Get("inn"), q.Get("kpp")
	if inn == "" {
		http.Error(w, "Parameter inn is required", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	var found []Organization
	for _, o := range append(append([]Organization(nil), s.own...), s.orgs...) {
		if o.INN == inn && (kpp == "" || o.KPP == kpp) {
			found = append(found, o)
			if o.Roaming {
				// Diadoc lists a roaming organization twice.
				found = append(found, o)
			}
		}
	}
	s.mu.Unlock()
	writeJSON(w, map[string]any{"Organizations": orgsJSON(found)})
}

// orgsJSON renders organizations as OrganizationList's.
func orgsJSON(orgs []Organization) []map[string]any {
	out := []map[string]any{}
	for _, o := range orgs {
		m := map[string]any{
			"OrgId": "org-" + o.BoxID, "Inn": o.INN, "Kpp": o.KPP, "FullName": o.Name, "ShortName": o.Name,
			"Boxes":       []map[string]any{{"BoxId": oldBoxID(o.BoxID), "BoxIdGuid": o.BoxID, "Title": o.Name}},
			"IsRoaming":   o.Roaming,
			"IsActive":    true,
			"Sociability": "AllOrganizations",
		}
		if o.CounteragentsOnly {
			m["Sociability"] = "CounteragentsOnly"
		}
		if o.Liquidated {
			m["LiquidationDate"] = "01.02.2024"
		}
		out = append(out, m)
	}
	return out
}

// oldBoxID is a box id in the older form: the GUID's hex digits and
// "@diadoc.ru".
func oldBoxID(guid string) string { return strings.ReplaceAll(guid, "-", "") + "@diadoc.ru" }

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

func newGUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// nextKey returns a new IndexKey; every key holds "+" and "/".
func (s *Server) nextKey() string {
	s.n++
	b := make([]byte, 15)
	copy(b, []byte{0xfb, 0xef, 0xbe})
	binary.BigEndian.PutUint64(b[3:], uint64(s.n))
	copy(b[11:], []byte{0xff, 0xff, 0xff, 0xfe})
	return base64.StdEncoding.EncodeToString(b)
}

// push appends an event to the feed; the caller holds s.mu.
func (s *Server) push(ev map[string]any) {
	key := s.nextKey()
	ev["IndexKey"] = key
	if _, ok := ev["EventId"]; !ok {
		ev["EventId"] = newGUID()
	}
	raw, err := json.Marshal(ev)
	if err != nil {
		s.tb.Errorf("diadoctest: %v", err) // a handler's goroutine may not stop the test
		return
	}
	s.events = append(s.events, storedEvent{key: key, raw: raw})
}

// PushRaw appends a BoxEvent given as JSON (its IndexKey is replaced by
// the feed's), for events the helpers do not make: unknown kinds, other
// documents.
func (s *Server) PushRaw(event string) {
	var ev map[string]any
	if err := json.Unmarshal([]byte(event), &ev); err != nil {
		s.tb.Fatalf("diadoctest: PushRaw: %v", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.push(ev)
}

// ticks is an instant in .NET ticks.
func ticks(t time.Time) int64 { return t.UnixNano()/100 + 621355968000000000 }

func (s *Server) getNewEvents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	if q.Get("boxId") != s.OwnBoxID {
		http.Error(w, "Access to box "+q.Get("boxId")+" is forbidden", http.StatusForbidden)
		return
	}
	if s.department != "" && q.Get("departmentId") != s.department {
		http.Error(w, "The user has no access to all documents of the organization: specify departmentId", http.StatusForbidden)
		return
	}
	limit := 100
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			http.Error(w, "limit must be from 1 to 100", http.StatusBadRequest)
			return
		}
		limit = n
	}
	start := 0
	if q.Has("afterIndexKey") {
		after := q.Get("afterIndexKey")
		start = -1
		for i, e := range s.events {
			if e.key == after {
				start = i + 1
				break
			}
		}
		if start < 0 {
			http.Error(w, CursorError, http.StatusBadRequest)
			return
		}
	}
	end := min(start+limit, len(s.events))
	page := make([]json.RawMessage, 0, end-start)
	for _, e := range s.events[start:end] {
		page = append(page, e.raw)
	}
	writeJSON(w, map[string]any{"Events": page, "TotalCount": len(s.events) - start, "TotalCountType": "Equal"})
}

// wire structures of PostMessage's body.
type messageToPost struct {
	FromBoxID           string `json:"FromBoxId"`
	ToBoxID             string `json:"ToBoxId"`
	FromDepartmentID    string `json:"FromDepartmentId"`
	IsDraft             bool   `json:"IsDraft"`
	DocumentAttachments []struct {
		SignedContent struct {
			Content     []byte `json:"Content"`
			NameOnShelf string `json:"NameOnShelf"`
			Signature   []byte `json:"Signature"`
		} `json:"SignedContent"`
		Comment                string `json:"Comment"`
		NeedRecipientSignature bool   `json:"NeedRecipientSignature"`
		CustomDocumentID       string `json:"CustomDocumentId"`
		TypeNamedID            string `json:"TypeNamedId"`
		Metadata               []struct {
			Key   string `json:"Key"`
			Value string `json:"Value"`
		} `json:"Metadata"`
	} `json:"DocumentAttachments"`
}

func (s *Server) postMessage(w http.ResponseWriter, r *http.Request) {
	op := strings.ToLower(r.URL.Query().Get("operationId"))
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if op != "" {
		if n := s.inFlight[op]; n > 0 {
			s.inFlight[op] = n - 1
			s.processing(w)
			return
		}
		if first, ok := s.byOp[op]; ok {
			// The result of the first successful call with this id.
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			_, _ = w.Write(first)
			return
		}
	}
	var m messageToPost
	if err := json.Unmarshal(body, &m); err != nil {
		http.Error(w, "Request body is not a valid MessageToPost: "+err.Error(), http.StatusBadRequest)
		return
	}
	if m.FromBoxID != s.OwnBoxID {
		http.Error(w, "Access to box "+m.FromBoxID+" is forbidden", http.StatusForbidden)
		return
	}
	var to *Organization
	for i := range s.orgs {
		if s.orgs[i].BoxID == m.ToBoxID {
			to = &s.orgs[i]
		}
	}
	switch {
	case to == nil:
		http.Error(w, "Box "+m.ToBoxID+" not found", http.StatusBadRequest)
		return
	case to.Liquidated:
		http.Error(w, "The recipient organization is liquidated", http.StatusForbidden)
		return
	case to.CounteragentsOnly:
		http.Error(w, "The recipient accepts documents only from its counteragents", http.StatusConflict)
		return
	case len(m.DocumentAttachments) != 1:
		http.Error(w, "The fake takes exactly one document per message", http.StatusBadRequest)
		return
	}
	a := m.DocumentAttachments[0]
	p := &Posted{OperationID: op, FromBoxID: m.FromBoxID, ToBoxID: m.ToBoxID, FromDepartmentID: m.FromDepartmentID,
		IsDraft: m.IsDraft, TypeNamedID: a.TypeNamedID, Metadata: map[string]string{},
		NeedRecipientSignature: a.NeedRecipientSignature, Comment: a.Comment, CustomDocumentID: a.CustomDocumentID}
	for _, md := range a.Metadata {
		p.Metadata[md.Key] = md.Value
	}
	p.FileName = p.Metadata["FileName"]
	switch {
	case a.TypeNamedID == "":
		http.Error(w, "TypeNamedId is required", http.StatusBadRequest)
		return
	case strings.EqualFold(a.TypeNamedID, "Nonformalized") && p.FileName == "":
		http.Error(w, "Metadata FileName is required for Nonformalized", http.StatusBadRequest)
		return
	case len(a.SignedContent.Signature) > 0:
		http.Error(w, "The fake posts unsigned drafts only", http.StatusBadRequest)
		return
	case len(a.SignedContent.Content) > 0 && a.SignedContent.NameOnShelf != "":
		http.Error(w, "SignedContent: Content and NameOnShelf are exclusive", http.StatusBadRequest)
		return
	case a.SignedContent.NameOnShelf != "":
		f := s.shelf[a.SignedContent.NameOnShelf]
		if f == nil || !f.complete {
			http.Error(w, "Document "+a.SignedContent.NameOnShelf+" not found on the shelf", http.StatusBadRequest)
			return
		}
		for i := 0; i <= f.last; i++ {
			p.Content = append(p.Content, f.parts[i]...)
		}
		p.ViaShelf = true
	case len(a.SignedContent.Content) > 0:
		p.Content = a.SignedContent.Content
	default:
		http.Error(w, "SignedContent is empty", http.StatusBadRequest)
		return
	}
	now := s.Now()
	p.MessageID, p.EntityID = newGUID(), newGUID()
	kind := "Letter"
	if m.IsDraft {
		kind = "Draft"
	}
	entity := map[string]any{"EntityType": "Attachment", "EntityId": p.EntityID, "AttachmentType": "Nonformalized",
		"FileName": p.FileName, "NeedRecipientSignature": p.NeedRecipientSignature,
		"Content": map[string]any{"Size": len(p.Content)}, "RawCreationDate": ticks(now),
		"DocumentInfo": map[string]any{"MessageId": p.MessageID, "EntityId": p.EntityID, "CreationTimestampTicks": ticks(now),
			"DocumentDirection": "Outbound", "TypeNamedId": "Nonformalized", "CustomDocumentId": p.CustomDocumentID,
			"RecipientResponseStatus": "RecipientResponseStatusNotAcceptable", "Title": p.FileName}}
	msg := map[string]any{"MessageId": p.MessageID, "TimestampTicks": ticks(now), "LastPatchTimestampTicks": ticks(now),
		"FromBoxId": oldBoxID(s.OwnBoxID), "FromTitle": s.own[0].Name, "ToBoxId": oldBoxID(m.ToBoxID), "ToTitle": to.Name,
		"Entities": []any{entity}, "IsDraft": m.IsDraft, "MessageType": kind, "LockMode": "None"}
	answer, err := json.Marshal(msg)
	if err != nil {
		s.tb.Errorf("diadoctest: %v", err)
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	s.posted = append(s.posted, p)
	d := &doc{posted: p, draftID: p.MessageID, entityID: p.EntityID, toBoxID: m.ToBoxID}
	s.docs[p.MessageID] = d
	s.push(map[string]any{"Message": msg})
	if op != "" {
		s.byOp[op] = answer
		if s.pending > 0 {
			s.inFlight[op] = s.pending - 1
			s.pending = 0
			s.processing(w)
			return
		}
	}
	time.Sleep(s.PostAnswerDelay)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(answer)
}

// processing answers 204 with Retry-After; the caller holds s.mu.
func (s *Server) processing(w http.ResponseWriter) {
	if s.pendingRA != "" {
		w.Header().Set("Retry-After", s.pendingRA)
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) shelfUpload(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	name, ok := strings.CutPrefix(q.Get("nameOnShelf"), "__userId__/")
	if !ok || name == "" {
		http.Error(w, "nameOnShelf must be in the user's space (__userId__/…)", http.StatusBadRequest)
		return
	}
	part, err := strconv.Atoi(q.Get("partIndex"))
	if err != nil || part < 0 {
		http.Error(w, "partIndex must be a number from 0", http.StatusBadRequest)
		return
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.shelf[name]
	if f == nil {
		f = &shelfFile{parts: map[int][]byte{}, last: -1}
		s.shelf[name] = f
	}
	if s.lose[part] {
		delete(s.lose, part)
	} else {
		f.parts[part] = data
	}
	if q.Get("isLastPart") != "1" {
		return
	}
	f.last = part
	missing := []int{}
	for i := 0; i <= part; i++ {
		if _, ok := f.parts[i]; !ok {
			missing = append(missing, i)
		}
	}
	f.complete = len(missing) == 0
	writeJSON(w, missing)
}

// find returns the document a draft's or a letter's id names; the caller
// holds s.mu.
func (s *Server) find(id string) *doc {
	d := s.docs[id]
	if d == nil {
		s.tb.Fatalf("diadoctest: no posted document with message id %s", id)
	}
	return d
}

// Send plays the person who signs the draft in Diadoc and sends it: a new
// letter created from the draft (its document with SendTimestampTicks and
// Origin, the sender's signature) and the draft's patch (recycled,
// transformed into the letter) come into the feed. It returns the
// letter's MessageID; a document already sent is not sent again.
func (s *Server) Send(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.send(s.find(id))
}

func (s *Server) send(d *doc) string {
	if d.letterID != "" {
		return d.letterID
	}
	now := s.Now()
	d.letterID, d.letterEnt = newGUID(), newGUID()
	d.posted.LetterID = d.letterID
	s.docs[d.letterID] = d
	status := "RecipientResponseStatusNotAcceptable"
	if d.posted.NeedRecipientSignature {
		status = "WaitingForRecipientSignature"
	}
	to := d.toBoxID
	letter := map[string]any{
		"MessageId": d.letterID, "TimestampTicks": ticks(now), "LastPatchTimestampTicks": ticks(now),
		"FromBoxId": oldBoxID(s.OwnBoxID), "FromTitle": s.own[0].Name, "ToBoxId": oldBoxID(to),
		"CreatedFromDraftId": d.draftID, "MessageType": "Letter", "IsDraft": false, "LockMode": "None",
		"Entities": []any{
			map[string]any{"EntityType": "Attachment", "EntityId": d.letterEnt, "AttachmentType": "Nonformalized",
				"FileName": d.posted.FileName, "NeedRecipientSignature": d.posted.NeedRecipientSignature,
				"RawCreationDate": ticks(now),
				"DocumentInfo": map[string]any{"MessageId": d.letterID, "EntityId": d.letterEnt,
					"CreationTimestampTicks": ticks(now), "SendTimestampTicks": ticks(now),
					"DocumentDirection": "Outbound", "CounteragentBoxId": oldBoxID(to), "TypeNamedId": "Nonformalized",
					"RecipientResponseStatus": status, "CustomDocumentId": d.posted.CustomDocumentID,
					"Origin": map[string]any{"MessageType": "Draft", "MessageId": d.draftID},
					"DocflowStatus": map[string]any{"PrimaryStatus": map[string]any{"Severity": "Info",
						"StatusText": "Отправлен"}}}},
			map[string]any{"EntityType": "Signature", "EntityId": newGUID(), "ParentEntityId": d.letterEnt,
				"SignerBoxId": oldBoxID(s.OwnBoxID), "RawCreationDate": ticks(now)},
		},
	}
	s.push(map[string]any{"Message": letter})
	s.push(map[string]any{"Patch": map[string]any{"MessageId": d.draftID, "TimestampTicks": ticks(now),
		"ForDraft": true, "DraftIsRecycled": true, "DraftIsTransformedToMessageIdList": []string{d.letterID},
		"MessageType": "Draft", "PatchId": newGUID()}})
	return d.letterID
}

// Deliver reports the letter delivered to the recipient's box (a patch
// with MessageIsDelivered), sending the draft first if it was not.
func (s *Server) Deliver(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deliver(s.find(id))
}

func (s *Server) deliver(d *doc) {
	s.send(d)
	if d.delivered {
		return
	}
	d.delivered = true
	s.push(map[string]any{"Patch": map[string]any{"MessageId": d.letterID, "TimestampTicks": ticks(s.Now()),
		"MessageIsDelivered": true, "DeliveredPatchId": newGUID(), "PatchId": newGUID(), "MessageType": "Letter"}})
}

// Sign plays the recipient signing the document: its signature under the
// document comes as a patch (after Send and Deliver when they had not
// happened).
func (s *Server) Sign(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.answer(s.find(id))
	now := s.Now()
	s.push(map[string]any{"Patch": map[string]any{"MessageId": d.letterID, "TimestampTicks": ticks(now),
		"PatchId": newGUID(), "MessageType": "Letter", "Entities": []any{
			map[string]any{"EntityType": "Signature", "EntityId": newGUID(), "ParentEntityId": d.letterEnt,
				"SignerBoxId": oldBoxID(d.toBoxID), "RawCreationDate": ticks(now)},
		}}})
}

// SignWithDisagreements plays the recipient signing with disagreements:
// their title with its signature and comment, and the document's state
// (RecipientResponseStatus WithRecipientPartiallySignature).
func (s *Server) SignWithDisagreements(id, comment string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.answer(s.find(id))
	now := s.Now()
	title := newGUID()
	s.push(map[string]any{"Patch": map[string]any{"MessageId": d.letterID, "TimestampTicks": ticks(now),
		"PatchId": newGUID(), "MessageType": "Letter", "Entities": []any{
			map[string]any{"EntityType": "Attachment", "EntityId": title, "ParentEntityId": d.letterEnt,
				"AttachmentType": "Title", "RawCreationDate": ticks(now)},
			map[string]any{"EntityType": "Signature", "EntityId": newGUID(), "ParentEntityId": title,
				"SignerBoxId": oldBoxID(d.toBoxID), "RawCreationDate": ticks(now)},
			map[string]any{"EntityType": "Attachment", "EntityId": newGUID(), "ParentEntityId": d.letterEnt,
				"AttachmentType": "AttachmentComment", "Content": textContent(comment)},
			map[string]any{"EntityType": "Attachment", "EntityId": d.letterEnt, "AttachmentType": "Nonformalized",
				"DocumentInfo": map[string]any{"MessageId": d.letterID, "EntityId": d.letterEnt,
					"DocumentDirection": "Outbound", "SendTimestampTicks": ticks(now), "DeliveryTimestampTicks": ticks(now),
					"RecipientResponseStatus": "WithRecipientPartiallySignature"}},
		}}})
}

// Reject plays the recipient refusing to sign, with the reason: a
// SignatureRequestRejection under the document and the recipient's
// signature under it.
func (s *Server) Reject(id, comment string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.answer(s.find(id))
	now := s.Now()
	rejection := newGUID()
	s.push(map[string]any{"Patch": map[string]any{"MessageId": d.letterID, "TimestampTicks": ticks(now),
		"PatchId": newGUID(), "MessageType": "Letter", "Entities": []any{
			map[string]any{"EntityType": "Attachment", "EntityId": rejection, "ParentEntityId": d.letterEnt,
				"AttachmentType": "SignatureRequestRejection", "Content": textContent(comment),
				"RawCreationDate": ticks(now)},
			map[string]any{"EntityType": "Signature", "EntityId": newGUID(), "ParentEntityId": rejection,
				"SignerBoxId": oldBoxID(d.toBoxID), "RawCreationDate": ticks(now)},
		}}})
}

// answer makes sure the document was sent and delivered before the
// recipient answers; the caller holds s.mu.
func (s *Server) answer(d *doc) *doc {
	s.deliver(d)
	if d.answered {
		s.tb.Fatalf("diadoctest: the recipient already answered document %s", d.draftID)
	}
	d.answered = true
	return d
}

func textContent(text string) map[string]any {
	return map[string]any{"Size": len(text), "Data": base64.StdEncoding.EncodeToString([]byte(text))}
}

// PushInbound adds an inbound letter from another box to DealDesk's: a
// document someone sent DealDesk's organization. It returns its
// MessageID.
func (s *Server) PushInbound(fromBoxID, fileName string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Now()
	id, ent := newGUID(), newGUID()
	s.push(map[string]any{"Message": map[string]any{"MessageId": id, "TimestampTicks": ticks(now),
		"FromBoxId": oldBoxID(fromBoxID), "ToBoxId": oldBoxID(s.OwnBoxID), "MessageType": "Letter",
		"Entities": []any{map[string]any{"EntityType": "Attachment", "EntityId": ent, "AttachmentType": "Nonformalized",
			"FileName": fileName, "DocumentInfo": map[string]any{"MessageId": id, "EntityId": ent,
				"DocumentDirection": "Inbound", "SendTimestampTicks": ticks(now), "DeliveryTimestampTicks": ticks(now),
				"RecipientResponseStatus": "WaitingForRecipientSignature"}}}}})
	return id
}

// Organizations returns the counterparties registered, sorted by INN.
func (s *Server) Organizations() []Organization {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append([]Organization(nil), s.orgs...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].INN < out[j].INN })
	return out
}

// String describes the fake for failure messages.
func (s *Server) String() string {
	return fmt.Sprintf("diadoctest at %s (own box %s, %d events)", s.URL, s.OwnBoxID, s.Events())
}
