package diadoc_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/adapters/diadoc"
	"github.com/dealdesk/dealdesk/adapters/diadoc/diadoctest"
	"github.com/dealdesk/dealdesk/core"
)

// waits records the pauses the adapter asks for instead of sleeping.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.d = append(w.d, d)
	return ctx.Err()
}

func (w *waits) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.d...)
}

// client builds the adapter for the fake; edit changes the configuration.
func client(t *testing.T, fake *diadoctest.Server, edit func(*diadoc.Config)) (*diadoc.Client, *waits, *bytes.Buffer) {
	t.Helper()
	cfg := fake.Config()
	w := &waits{}
	cfg.Sleep = w.sleep
	if edit != nil {
		edit(&cfg)
	}
	var log bytes.Buffer
	c, err := diadoc.New(cfg, zerolog.New(&log).Level(zerolog.DebugLevel))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if strings.Contains(log.String(), diadoctest.Token) {
			t.Errorf("the token is in the log: %s", log.String())
		}
	})
	return c, w, &log
}

// coreErr returns err as a *core.Error with the code and key, or fails.
func coreErr(t *testing.T, err error, code, key string) *core.Error {
	t.Helper()
	var ce *core.Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %v (%T) is no *core.Error", err, err)
	}
	if ce.Code != code || ce.Key != key {
		t.Fatalf("error %v: code %s key %s, want %s %s", err, ce.Code, ce.Key, code, key)
	}
	if strings.Contains(err.Error(), diadoctest.Token) {
		t.Errorf("the token is in the error: %v", err)
	}
	if ce.Args["Source"] != diadoc.Name {
		t.Errorf("error %v has Source %v", err, ce.Args["Source"])
	}
	return ce
}

var ctx = context.Background()

func draft(op, to string) *core.EDODraft {
	return &core.EDODraft{OperationID: op, ToBoxID: to, FileName: "ДГ-2026-0001 Договор.pdf",
		Content: []byte("%PDF-1.7 договор"), Title: "Договор ДГ-2026-0001", NeedRecipientSignature: true,
		Comment: "Просим подписать"}
}

func TestNewChecksConfig(t *testing.T) {
	for name, cfg := range map[string]diadoc.Config{
		"no client id": {Token: "t"},
		"no token":     {ClientID: "c"},
		"bad url":      {ClientID: "c", Token: "t", URL: "ftp://diadoc"},
		"bad auth":     {ClientID: "c", Token: "t", Auth: "basic"},
	} {
		if _, err := diadoc.New(cfg, zerolog.Nop()); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	c, err := diadoc.New(diadoc.Config{ClientID: "c", Token: "t"}, zerolog.Nop())
	if err != nil || c.Name() != "diadoc" {
		t.Errorf("defaults: %v %v", c, err)
	}
}

func TestBoxesByINNAndKPP(t *testing.T) {
	fake := diadoctest.New(t)
	head := fake.AddOrganization(diadoctest.Organization{INN: "7707083893", KPP: "773601001", Name: "ПАО Сбербанк"})
	branch := fake.AddOrganization(diadoctest.Organization{INN: "7707083893", KPP: "540602001", Name: "Сибирский банк ПАО Сбербанк"})
	roaming := fake.AddOrganization(diadoctest.Organization{INN: "7707083893", KPP: "773601001", Name: "ПАО Сбербанк (СБИС)", Roaming: true})
	fake.AddOrganization(diadoctest.Organization{INN: "7707083893", KPP: "773601001", Name: "Ликвидированный", Liquidated: true})
	c, _, _ := client(t, fake, nil)

	boxes, err := c.Boxes(ctx, "7707083893", "773601001")
	if err != nil {
		t.Fatal(err)
	}
	want := []core.EDOBox{
		{ID: head.BoxID, Title: "ПАО Сбербанк", INN: "7707083893", KPP: "773601001"},
		{ID: roaming.BoxID, Title: "ПАО Сбербанк (СБИС)", INN: "7707083893", KPP: "773601001"},
	}
	if !equalBoxes(boxes, want) {
		t.Errorf("boxes by INN and KPP:\n got %+v\nwant %+v (roaming once and last, liquidated left out)", boxes, want)
	}

	boxes, err = c.Boxes(ctx, "7707083893", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(boxes) != 3 || boxes[0].ID != head.BoxID || boxes[1].ID != branch.BoxID || boxes[2].ID != roaming.BoxID {
		t.Errorf("boxes by INN alone: %+v", boxes)
	}

	boxes, err = c.Boxes(ctx, "5408130693", "")
	if err != nil || len(boxes) != 0 {
		t.Errorf("an INN without boxes: %+v, %v; want none and no error", boxes, err)
	}
	for _, r := range fake.Requests() {
		if r.Method == diadoctest.GetOrganizationsByInnKpp && r.Query.Get("inn") == "" {
			t.Errorf("GetOrganizationsByInnKpp without inn: %s", r.RawQuery)
		}
	}
}

func equalBoxes(a, b []core.EDOBox) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestAuthorizationHeaders(t *testing.T) {
	fake := diadoctest.New(t)
	to := fake.AddOrganization(diadoctest.Organization{INN: "7707083893", KPP: "773601001", Name: "ПАО Сбербанк"})
	c, _, _ := client(t, fake, nil)
	if _, err := c.PostDraft(ctx, draft("op-auth", to.BoxID)); err != nil {
		t.Fatal(err)
	}
	want := "DiadocAuth ddauth_api_client_id=" + diadoctest.ClientID + ",ddauth_token=" + diadoctest.Token
	for _, r := range fake.Requests() {
		if r.Auth != want {
			t.Errorf("%s: Authorization %q, want %q", r.Method, r.Auth, want)
		}
	}

	oidc := diadoctest.New(t, diadoctest.WithBearer())
	to = oidc.AddOrganization(diadoctest.Organization{INN: "7707083893", KPP: "773601001", Name: "ПАО Сбербанк"})
	c, _, _ = client(t, oidc, nil)
	if _, err := c.PostDraft(ctx, draft("op-oidc", to.BoxID)); err != nil {
		t.Fatalf("Bearer: %v", err)
	}
	for _, r := range oidc.Requests() {
		if r.Auth != "Bearer "+diadoctest.Token {
			t.Errorf("%s: Authorization %q, want Bearer", r.Method, r.Auth)
		}
	}
}

func TestWrongTokenIsAnAuthErrorWithoutTheToken(t *testing.T) {
	fake := diadoctest.New(t)
	c, w, _ := client(t, fake, func(c *diadoc.Config) { c.Token = "wrong+" + diadoctest.Token })
	_, _, err := c.Events(ctx, "")
	ce := coreErr(t, err, core.EFORBIDDEN, diadoc.ErrAuth)
	if ce.Args["Status"] != http.StatusUnauthorized {
		t.Errorf("status %v", ce.Args["Status"])
	}
	if strings.Contains(err.Error(), "wrong+") {
		t.Errorf("the token is in the error: %v", err)
	}
	if n := fake.Calls(diadoctest.GetMyOrganizations); n != 1 || len(w.all()) != 0 {
		t.Errorf("a 401 was retried: %d calls, waits %v", n, w.all())
	}
}

func TestOwnBoxFromGetMyOrganizationsOnce(t *testing.T) {
	fake := diadoctest.New(t)
	to := fake.AddOrganization(diadoctest.Organization{INN: "7707083893", KPP: "773601001", Name: "ПАО Сбербанк"})
	c, _, _ := client(t, fake, nil)
	p, err := c.PostDraft(ctx, draft("op-1", to.BoxID))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Events(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if n := fake.Calls(diadoctest.GetMyOrganizations); n != 1 {
		t.Errorf("GetMyOrganizations called %d times, want once (remembered)", n)
	}
	if got := fake.Posted()[0]; got.FromBoxID != fake.OwnBoxID || got.MessageID != p.MessageID {
		t.Errorf("posted from %s as %s; want from %s as %s", got.FromBoxID, got.MessageID, fake.OwnBoxID, p.MessageID)
	}

	configured, _, _ := client(t, fake, func(c *diadoc.Config) { c.BoxID = fake.OwnBoxID })
	if _, _, err := configured.Events(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if n := fake.Calls(diadoctest.GetMyOrganizations); n != 1 {
		t.Errorf("GetMyOrganizations called with DIADOC_BOX_ID set")
	}

	fake.AddOwnOrganization(diadoctest.Organization{INN: "7736207543", KPP: "540601001", Name: "Филиал ДилДеск"})
	several, _, _ := client(t, fake, nil)
	_, _, err = several.Events(ctx, "")
	coreErr(t, err, core.EINVALID, diadoc.ErrSeveralBoxes)
}

func TestPostDraftSendsANonformalizedDraftWithTheOperationID(t *testing.T) {
	fake := diadoctest.New(t)
	to := fake.AddOrganization(diadoctest.Organization{INN: "7707083893", KPP: "773601001", Name: "ПАО Сбербанк"})
	c, _, log := client(t, fake, func(c *diadoc.Config) { c.DepartmentID = "dep-7" })
	d := draft("doc-12-v3-edo", to.BoxID)
	posted, err := c.PostDraft(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	all := fake.Posted()
	if len(all) != 1 {
		t.Fatalf("%d posts", len(all))
	}
	p := all[0]
	if posted.MessageID != p.MessageID || posted.EntityID != p.EntityID {
		t.Errorf("PostDraft returned %+v, the fake posted %s/%s", posted, p.MessageID, p.EntityID)
	}
	checks := map[string][2]any{
		"operationId":            {p.OperationID, "doc-12-v3-edo"},
		"from":                   {p.FromBoxID, fake.OwnBoxID},
		"from department":        {p.FromDepartmentID, "dep-7"},
		"to":                     {p.ToBoxID, to.BoxID},
		"draft":                  {p.IsDraft, true},
		"type":                   {p.TypeNamedID, "Nonformalized"},
		"file name":              {p.FileName, "ДГ-2026-0001 Договор"},
		"content":                {string(p.Content), "%PDF-1.7 договор"},
		"via shelf":              {p.ViaShelf, false},
		"needs recipient's sign": {p.NeedRecipientSignature, true},
		"comment":                {p.Comment, "Просим подписать"},
		"custom id":              {p.CustomDocumentID, "doc-12-v3-edo"},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s: %v, want %v", name, c[0], c[1])
		}
	}
	if !strings.Contains(log.String(), "draft posted to diadoc") {
		t.Errorf("the post is not logged: %s", log)
	}

	if _, err := c.PostDraft(ctx, &core.EDODraft{ToBoxID: to.BoxID, Content: []byte("x")}); core.ErrorCode(err) != core.EINTERNAL {
		t.Errorf("a draft without an operation id: %v, want refused (it could post twice)", err)
	}
	_, err = c.PostDraft(ctx, &core.EDODraft{OperationID: "x", Content: []byte("x")})
	coreErr(t, err, core.EINVALID, diadoc.ErrBadRequest)
}

func TestRetryWithTheSameOperationIDPostsOnce(t *testing.T) {
	fake := diadoctest.New(t)
	to := fake.AddOrganization(diadoctest.Organization{INN: "7707083893", KPP: "773601001", Name: "ПАО Сбербанк"})
	c, _, _ := client(t, fake, nil)
	first, err := c.PostDraft(ctx, draft("Doc-5-V1", to.BoxID))
	if err != nil {
		t.Fatal(err)
	}
	// A crash before the result was recorded: the worker tries again.
	again, err := c.PostDraft(ctx, draft("doc-5-v1", to.BoxID))
	if err != nil {
		t.Fatal(err)
	}
	if *first != *again {
		t.Errorf("the retry returned %+v, the first post %+v", again, first)
	}
	if n := len(fake.Posted()); n != 1 {
		t.Errorf("%d drafts posted, want 1", n)
	}
}

func TestStillProcessingIsAskedAgainAfterRetryAfter(t *testing.T) {
	fake := diadoctest.New(t)
	to := fake.AddOrganization(diadoctest.Organization{INN: "7707083893", KPP: "773601001", Name: "ПАО Сбербанк"})
	c, w, _ := client(t, fake, func(c *diadoc.Config) { c.MaxWait = time.Minute })
	fake.Processing(2, "3")
	posted, err := c.PostDraft(ctx, draft("op-204", to.BoxID))
	if err != nil {
		t.Fatal(err)
	}
	if got := w.all(); len(got) != 2 || got[0] != 3*time.Second || got[1] != 3*time.Second {
		t.Errorf("waits %v, want 3s twice (Retry-After)", got)
	}
	if n := fake.Calls(diadoctest.PostMessage); n != 3 {
		t.Errorf("%d PostMessage calls, want 3", n)
	}
	if p := fake.Posted(); len(p) != 1 || p[0].MessageID != posted.MessageID {
		t.Errorf("posted %+v, returned %+v", p, posted)
	}
}

func TestStillProcessingTooLongIsUnavailableAndTheRetryGetsTheResult(t *testing.T) {
	fake := diadoctest.New(t)
	to := fake.AddOrganization(diadoctest.Organization{INN: "7707083893", KPP: "773601001", Name: "ПАО Сбербанк"})
	c, _, _ := client(t, fake, func(c *diadoc.Config) { c.MaxPolls = 2 })
	fake.Processing(4, "1")
	_, err := c.PostDraft(ctx, draft("op-slow", to.BoxID))
	coreErr(t, err, core.EUNAVAILABLE, diadoc.ErrUnavailable)
	// The worker tries later with the same operationId: the first post's
	// result, nothing posted twice.
	posted, err := c.PostDraft(ctx, draft("op-slow", to.BoxID))
	if err != nil {
		t.Fatal(err)
	}
	if p := fake.Posted(); len(p) != 1 || p[0].MessageID != posted.MessageID {
		t.Errorf("posted %d drafts; returned %+v", len(p), posted)
	}

	long, _, _ := client(t, fake, nil)
	fake.Processing(1, "3600")
	_, err = long.PostDraft(ctx, draft("op-hour", to.BoxID))
	coreErr(t, err, core.EUNAVAILABLE, diadoc.ErrUnavailable)
}

func TestRefusalsMapToClearErrorsWithoutRetries(t *testing.T) {
	fake := diadoctest.New(t)
	to := fake.AddOrganization(diadoctest.Organization{INN: "7707083893", KPP: "773601001", Name: "ПАО Сбербанк"})
	closed := fake.AddOrganization(diadoctest.Organization{INN: "7702070139", KPP: "770201001", Name: "Банк ВТБ", CounteragentsOnly: true})
	for _, tc := range []struct {
		name  string
		fault *diadoctest.Fault
		to    string
		code  string
		key   string
		words string
	}{
		{"402", &diadoctest.Fault{Status: 402, Body: "API subscription expired for box"}, to.BoxID, core.EFORBIDDEN, diadoc.ErrPayment, "subscription expired"},
		{"403", &diadoctest.Fault{Status: 403, Body: "Access to box is forbidden"}, to.BoxID, core.EFORBIDDEN, diadoc.ErrForbidden, "forbidden"},
		{"409 counteragents only", nil, closed.BoxID, core.ECONFLICT, diadoc.ErrRefused, "only from its counteragents"},
		{"409 duplicate", &diadoctest.Fault{Status: 409, Body: "Duplicate message"}, to.BoxID, core.ECONFLICT, diadoc.ErrRefused, "Duplicate message"},
		{"400 unknown box", nil, "no-such-box", core.EINVALID, diadoc.ErrBadRequest, "not found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, w, _ := client(t, fake, func(c *diadoc.Config) { c.BoxID = fake.OwnBoxID })
			if tc.fault != nil {
				fake.Fail(diadoctest.PostMessage, *tc.fault)
			}
			before := fake.Calls(diadoctest.PostMessage)
			_, err := c.PostDraft(ctx, draft("op-"+tc.name, tc.to))
			ce := coreErr(t, err, tc.code, tc.key)
			if text, _ := ce.Args["Text"].(string); !strings.Contains(text, tc.words) {
				t.Errorf("Text %q lacks Diadoc's words %q", text, tc.words)
			}
			if n := fake.Calls(diadoctest.PostMessage) - before; n != 1 || len(w.all()) != 0 {
				t.Errorf("a refusal was retried: %d calls, waits %v", n, w.all())
			}
		})
	}
}

func TestRateLimitAndServerErrorsAreRetried(t *testing.T) {
	fake := diadoctest.New(t)
	to := fake.AddOrganization(diadoctest.Organization{INN: "7707083893", KPP: "773601001", Name: "ПАО Сбербанк"})
	c, w, _ := client(t, fake, func(c *diadoc.Config) { c.RetryWait = 100 * time.Millisecond })
	fake.Fail(diadoctest.PostMessage, diadoctest.Fault{Status: 429, RetryAfter: "2"}, diadoctest.Fault{Status: 429},
		diadoctest.Fault{Status: 503})
	if _, err := c.PostDraft(ctx, draft("op-429", to.BoxID)); err != nil {
		t.Fatal(err)
	}
	got := w.all()
	if len(got) != 3 || got[0] != 2*time.Second {
		t.Fatalf("waits %v, want Retry-After 2s then two backoffs", got)
	}
	if got[1] < 150*time.Millisecond || got[1] > 250*time.Millisecond || got[2] < 300*time.Millisecond || got[2] > 500*time.Millisecond {
		t.Errorf("backoffs %v, want about 200ms then 400ms (doubling, ±25%%)", got[1:])
	}
	if n := len(fake.Posted()); n != 1 {
		t.Errorf("%d posts", n)
	}

	fake.Fail(diadoctest.GetNewEvents, diadoctest.Fault{Status: 429}, diadoctest.Fault{Status: 429},
		diadoctest.Fault{Status: 429}, diadoctest.Fault{Status: 429})
	_, _, err := c.Events(ctx, "")
	coreErr(t, err, core.EUNAVAILABLE, diadoc.ErrRateLimited)

	fake.Fail(diadoctest.GetNewEvents, diadoctest.Fault{Status: 429, RetryAfter: "600"})
	before := len(w.all())
	_, _, err = c.Events(ctx, "")
	coreErr(t, err, core.EUNAVAILABLE, diadoc.ErrRateLimited)
	if len(w.all()) != before {
		t.Errorf("waited for a Retry-After of 10 minutes within a call")
	}
}

func TestUnreachableDiadocIsUnavailable(t *testing.T) {
	fake := diadoctest.New(t)
	c, _, _ := client(t, fake, func(c *diadoc.Config) { c.URL = "http://127.0.0.1:1"; c.MaxRetries = 1 })
	_, err := c.Boxes(ctx, "7707083893", "")
	coreErr(t, err, core.EUNAVAILABLE, diadoc.ErrUnavailable)
}

func TestLargeFilesGoThroughTheShelf(t *testing.T) {
	fake := diadoctest.New(t)
	to := fake.AddOrganization(diadoctest.Organization{INN: "7707083893", KPP: "773601001", Name: "ПАО Сбербанк"})
	c, _, _ := client(t, fake, nil)
	big := bytes.Repeat([]byte("0123456789abcdef"), (5<<20)/32) // 2.5 MiB: three parts
	d := draft("op-big", to.BoxID)
	d.Content = big
	fake.LoseShelfPart(1)
	if _, err := c.PostDraft(ctx, d); err != nil {
		t.Fatal(err)
	}
	p := fake.Posted()[0]
	if !p.ViaShelf || !bytes.Equal(p.Content, big) {
		t.Errorf("via shelf %v, %d bytes arrived of %d", p.ViaShelf, len(p.Content), len(big))
	}
	var parts []string
	for _, r := range fake.Requests() {
		if r.Method == diadoctest.ShelfUpload {
			parts = append(parts, r.Query.Get("partIndex")+r.Query.Get("isLastPart"))
			if !strings.HasPrefix(r.Query.Get("nameOnShelf"), "__userId__/dealdesk-op-big-") {
				t.Errorf("shelf name %q", r.Query.Get("nameOnShelf"))
			}
		}
	}
	if got := strings.Join(parts, ","); got != "0,1,21,1,21" {
		t.Errorf("shelf uploads (part+last) %s, want 0,1,21 then the lost part 1 and the last again", got)
	}
}

func TestEventsFollowADocumentFromDraftToSignature(t *testing.T) {
	fake := diadoctest.New(t)
	to := fake.AddOrganization(diadoctest.Organization{INN: "7707083893", KPP: "773601001", Name: "ПАО Сбербанк"})
	c, _, _ := client(t, fake, func(c *diadoc.Config) { c.PageSize = 2 })
	signed, err := c.PostDraft(ctx, draft("op-a", to.BoxID))
	if err != nil {
		t.Fatal(err)
	}
	refused, err := c.PostDraft(ctx, draft("op-b", to.BoxID))
	if err != nil {
		t.Fatal(err)
	}
	disagreed, err := c.PostDraft(ctx, draft("op-c", to.BoxID))
	if err != nil {
		t.Fatal(err)
	}
	fake.PushInbound(to.BoxID, "Акт сверки.pdf")
	fake.PushRaw(`{"EventId":"e-unknown"}`)
	fake.Sign(signed.MessageID)
	fake.Reject(refused.MessageID, "Не согласны с пунктом 4.2")
	fake.SignWithDisagreements(disagreed.MessageID, "Протокол разногласий к п. 3")

	var all []core.EDOEvent
	cursor, pages := "", 0
	for {
		events, next, err := c.Events(ctx, cursor)
		if err != nil {
			t.Fatalf("page %d after %q: %v", pages, cursor, err)
		}
		all = append(all, events...)
		pages++
		if next == cursor {
			break
		}
		cursor = next
	}
	if cursor != fake.LastIndexKey() {
		t.Errorf("the cursor ends at %q, the feed at %q", cursor, fake.LastIndexKey())
	}
	if !strings.Contains(cursor, "+") {
		t.Errorf("the fake's keys should hold '+': %q", cursor)
	}
	for _, r := range fake.Requests() {
		if r.Method == diadoctest.GetNewEvents && r.Query.Has("afterIndexKey") && strings.Contains(r.RawQuery, "+") {
			t.Errorf("IndexKey sent unescaped: %s", r.RawQuery)
		}
	}

	posted := map[string]diadoctest.Posted{}
	for _, p := range fake.Posted() {
		posted[p.MessageID] = p
	}
	// Each draft, once sent, is a letter with ids of its own: its first
	// event names the draft it was sent from (what core keeps from
	// PostDraft), its later patches only the letter.
	type step struct {
		id     string
		draft  string
		status core.EDOStatus
		text   string
	}
	var got []step
	for _, e := range all {
		if e.IndexKey == "" || e.At.IsZero() {
			t.Errorf("event without cursor or time: %+v", e)
		}
		got = append(got, step{e.MessageID, e.DraftID, e.Status, e.Comment})
	}
	letter := func(id string) string { return posted[id].LetterID }
	want := []step{
		{letter(signed.MessageID), signed.MessageID, core.EDOSent, ""},
		{letter(signed.MessageID), "", core.EDODelivered, ""},
		{letter(signed.MessageID), "", core.EDOSigned, ""},
		{letter(refused.MessageID), refused.MessageID, core.EDOSent, ""},
		{letter(refused.MessageID), "", core.EDODelivered, ""},
		{letter(refused.MessageID), "", core.EDORejected, "Не согласны с пунктом 4.2"},
		{letter(disagreed.MessageID), disagreed.MessageID, core.EDOSent, ""},
		{letter(disagreed.MessageID), "", core.EDODelivered, ""},
		{letter(disagreed.MessageID), "", core.EDODisagreements, "Протокол разногласий к п. 3"},
	}
	if len(got) != len(want) {
		t.Fatalf("events:\n got %+v\nwant %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("event %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	// The letter's document has an entity of its own, which its sending
	// and its signature both name.
	if all[0].EntityID == "" || all[0].EntityID == signed.EntityID || all[2].EntityID != all[0].EntityID {
		t.Errorf("entities: sent %q, signed %q, the draft's %q", all[0].EntityID, all[2].EntityID, signed.EntityID)
	}
}

func TestEventsSkipWhatIsNotAboutDealDesksDocumentsButMoveTheCursor(t *testing.T) {
	fake := diadoctest.New(t)
	to := fake.AddOrganization(diadoctest.Organization{INN: "7707083893", KPP: "773601001", Name: "ПАО Сбербанк"})
	c, _, _ := client(t, fake, nil)
	if _, err := c.PostDraft(ctx, draft("op-draft-only", to.BoxID)); err != nil {
		t.Fatal(err)
	}
	fake.PushInbound(to.BoxID, "Счёт.pdf")
	fake.PushRaw(`{"EventId":"e1","Patch":{"MessageId":"m-unknown","MessageType":"Template"}}`)
	fake.PushRaw(`{"EventId":"e2","Message":{"MessageId":"m2","FromBoxId":"someone@diadoc.ru","MessageType":99}}`)
	events, next, err := c.Events(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 0 {
		t.Errorf("events %+v, want none", events)
	}
	if next != fake.LastIndexKey() || next == "" {
		t.Errorf("cursor %q, want the last key %q", next, fake.LastIndexKey())
	}
	events, again, err := c.Events(ctx, next)
	if err != nil || len(events) != 0 || again != next {
		t.Errorf("after the end: %+v %q %v; want nothing, the same cursor", events, again, err)
	}
}

func TestACursorDiadocDoesNotKnowIsRefusedWithItsWords(t *testing.T) {
	fake := diadoctest.New(t)
	c, _, _ := client(t, fake, nil)
	fake.PushRaw(`{"EventId":"e1"}`)
	key := fake.LastIndexKey()
	// What Diadoc gets when "+" is not escaped: a space.
	_, _, err := c.Events(ctx, strings.ReplaceAll(key, "+", " "))
	ce := coreErr(t, err, core.EINVALID, diadoc.ErrBadRequest)
	if ce.Args["Text"] != diadoctest.CursorError {
		t.Errorf("Text %q, want %q", ce.Args["Text"], diadoctest.CursorError)
	}
	// The fake refuses a raw "+" like Diadoc.
	resp, err := http.Get(fake.URL + "/V8/GetNewEvents?boxId=" + fake.OwnBoxID + "&afterIndexKey=" + key)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("an unauthorized request got %d", resp.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodGet, fake.URL+"/V8/GetNewEvents?boxId="+fake.OwnBoxID+"&afterIndexKey="+key, nil)
	req.Header.Set("Authorization", "DiadocAuth ddauth_api_client_id="+diadoctest.ClientID+",ddauth_token="+diadoctest.Token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	_, _ = body.ReadFrom(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || strings.TrimSpace(body.String()) != diadoctest.CursorError {
		t.Errorf("unescaped '+': %d %q", resp.StatusCode, body.String())
	}
}

func TestDepartmentIsSentWhenDiadocRequiresIt(t *testing.T) {
	fake := diadoctest.New(t, diadoctest.WithDepartment("dep-42"))
	without, _, _ := client(t, fake, func(c *diadoc.Config) { c.DepartmentID = "" })
	_, _, err := without.Events(ctx, "")
	coreErr(t, err, core.EFORBIDDEN, diadoc.ErrForbidden)
	with, _, _ := client(t, fake, nil) // Config() carries the department
	if _, _, err := with.Events(ctx, ""); err != nil {
		t.Fatalf("with departmentId: %v", err)
	}
}

func TestCancelledContextStopsWaiting(t *testing.T) {
	fake := diadoctest.New(t)
	cfg := fake.Config()
	cfg.RetryWait = time.Hour
	cfg.MaxWait = 2 * time.Hour
	c, err := diadoc.New(cfg, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	fake.Fail(diadoctest.GetMyOrganizations, diadoctest.Fault{Status: 503})
	cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, err = c.Events(cctx, "")
	coreErr(t, err, core.EUNAVAILABLE, diadoc.ErrUnavailable)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("waited %v after the context ended", d)
	}
}
