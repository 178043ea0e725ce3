// Package diadoc speaks Kontur.Diadoc's HTTP API in JSON and implements
// core.EDO: it finds a counterparty's boxes by INN and KPP
// (GetOrganizationsByInnKpp), posts a document as a draft from DealDesk's
// box (PostMessage with an operationId, so that a retry never posts twice;
// large files through the shelf), and reads the box's event feed
// (GetNewEvents V8) into document statuses from Diadoc's structured fields,
// never from its display texts. The API never signs: a person with a
// qualified signature signs and sends the draft in Diadoc.
//
// Requests are retried on network failures, 5xx and 429 (after
// Retry-After when given, else with growing pauses); PostMessage's
// 204 + Retry-After ("still processing") is asked again. Failures are core
// errors (errors.go): EUNAVAILABLE when a later try may pass, others with
// Diadoc's words. The token is never logged nor part of an error.
package diadoc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/core"
)

// Name is the operator's name (core.EDO.Name, the cursor's name).
const Name = "diadoc"

// DefaultURL is Diadoc's API.
const DefaultURL = "https://diadoc-api.kontur.ru"

// Auth schemes of Config.Auth.
const (
	// AuthDiadoc is the legacy header "DiadocAuth
	// ddauth_api_client_id=<ClientID>,ddauth_token=<Token>".
	AuthDiadoc = "diadoc"
	// AuthBearer is OpenID Connect (Kontur.ID): "Bearer <Token>", the
	// access token.
	AuthBearer = "bearer"
)

// Defaults of Config.
const (
	DefaultTimeout    = 30 * time.Second
	DefaultMaxRetries = 3
	DefaultMaxWait    = 30 * time.Second
	DefaultRetryWait  = time.Second
	// DefaultShelfThreshold is the size from which a file goes through the
	// shelf instead of inline: Diadoc advises the shelf from 500 KB.
	DefaultShelfThreshold = 500 << 10
	// DefaultMaxPolls bounds how many times PostMessage is asked again
	// while it answers 204 (still processing).
	DefaultMaxPolls = 10
	// DefaultPageSize is GetNewEvents' limit (1–100).
	DefaultPageSize = 100
)

// Config configures a Client (DIADOC_* settings). ClientID and Token are
// required.
type Config struct {
	// URL is the API's base URL (DIADOC_URL, default DefaultURL).
	URL string
	// ClientID is the developer key (DIADOC_CLIENT_ID), sent as
	// ddauth_api_client_id with the legacy scheme.
	ClientID string
	// Token (DIADOC_TOKEN) is the legacy authorization token or the OIDC
	// access token. It is never logged.
	Token string
	// Auth is AuthDiadoc (default) or AuthBearer (DIADOC_AUTH).
	Auth string
	// BoxID is DealDesk's own box (DIADOC_BOX_ID); empty means the only box
	// GetMyOrganizations (autoRegister=false) lists.
	BoxID string
	// DepartmentID (DIADOC_DEPARTMENT_ID) limits the feed to a department;
	// Diadoc requires it from a user who may not see all documents.
	DepartmentID string
	// Timeout bounds one HTTP request (default 30s).
	Timeout time.Duration
	// MaxRetries is how many times a request that failed on the network,
	// with 5xx or with 429 is tried again (default 3; negative: never).
	MaxRetries int
	// RetryWait is the first pause between tries without Retry-After;
	// later ones double (default 1s).
	RetryWait time.Duration
	// MaxWait is the longest Retry-After waited for within a call
	// (default 30s); a longer one fails the call as unavailable.
	MaxWait time.Duration
	// MaxPolls bounds the repeats of a PostMessage that answers 204
	// (default 10).
	MaxPolls int
	// ShelfThreshold is the file size from which files are uploaded to the
	// shelf first (default 500 KiB).
	ShelfThreshold int
	// PageSize is how many events one page holds (default 100).
	PageSize int
	// HTTPClient is the client to use (default: one with Timeout).
	HTTPClient *http.Client
	// Sleep waits between tries (default: a timer that the context
	// interrupts); tests replace it to see the waits without waiting.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Client is Diadoc as a core.EDO. It is safe for concurrent use.
type Client struct {
	base       string
	clientID   string
	token      string
	bearer     bool
	boxID      string
	department string
	timeout    time.Duration
	retries    int
	retryWait  time.Duration
	maxWait    time.Duration
	maxPolls   int
	shelfAt    int
	pageSize   int
	http       *http.Client
	sleep      func(context.Context, time.Duration) error
	log        zerolog.Logger

	mu       sync.Mutex
	foundBox string // resolved from GetMyOrganizations
}

var _ core.EDO = (*Client)(nil)

// New checks cfg and builds a Client; it does not call Diadoc.
func New(cfg Config, log zerolog.Logger) (*Client, error) {
	if strings.TrimSpace(cfg.ClientID) == "" {
		return nil, errors.New("diadoc: DIADOC_CLIENT_ID is empty")
	}
	if strings.TrimSpace(cfg.Token) == "" {
		return nil, errors.New("diadoc: DIADOC_TOKEN is empty")
	}
	base := strings.TrimSuffix(strings.TrimSpace(cfg.URL), "/")
	if base == "" {
		base = DefaultURL
	}
	if u, err := url.Parse(base); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("diadoc: DIADOC_URL %q is no http(s) URL", cfg.URL)
	}
	auth := strings.ToLower(strings.TrimSpace(cfg.Auth))
	switch auth {
	case "", AuthDiadoc, AuthBearer:
	default:
		return nil, fmt.Errorf("diadoc: DIADOC_AUTH %q is neither %s nor %s", cfg.Auth, AuthDiadoc, AuthBearer)
	}
	c := &Client{
		base:       base,
		clientID:   strings.TrimSpace(cfg.ClientID),
		token:      strings.TrimSpace(cfg.Token),
		bearer:     auth == AuthBearer,
		boxID:      strings.TrimSpace(cfg.BoxID),
		department: strings.TrimSpace(cfg.DepartmentID),
		timeout:    orDuration(cfg.Timeout, DefaultTimeout),
		retries:    cfg.MaxRetries,
		retryWait:  orDuration(cfg.RetryWait, DefaultRetryWait),
		maxWait:    orDuration(cfg.MaxWait, DefaultMaxWait),
		maxPolls:   orInt(cfg.MaxPolls, DefaultMaxPolls),
		shelfAt:    orInt(cfg.ShelfThreshold, DefaultShelfThreshold),
		pageSize:   min(orInt(cfg.PageSize, DefaultPageSize), 100),
		http:       cfg.HTTPClient,
		sleep:      cfg.Sleep,
		log:        log.With().Str("component", Name).Logger(),
	}
	if c.retries == 0 {
		c.retries = DefaultMaxRetries
	}
	c.retries = max(c.retries, 0)
	if c.http == nil {
		c.http = &http.Client{Timeout: c.timeout, Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: c.timeout, KeepAlive: 30 * time.Second}).DialContext,
			ForceAttemptHTTP2:     true,
			MaxIdleConnsPerHost:   4, // Diadoc advises at most 4 parallel threads
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   c.timeout,
			ResponseHeaderTimeout: c.timeout,
		}}
	}
	if c.sleep == nil {
		c.sleep = sleep
	}
	return c, nil
}

// Name returns "diadoc".
func (c *Client) Name() string { return Name }

// Boxes finds the boxes of the organizations with the INN (and the KPP,
// when given) that can receive documents: a liquidated organization's box
// is left out, a box listed twice (a roaming organization) once. Boxes of
// organizations working in Diadoc itself come before roaming ones.
func (c *Client) Boxes(ctx context.Context, inn, kpp string) ([]core.EDOBox, error) {
	q := url.Values{"inn": {strings.TrimSpace(inn)}}
	if kpp = strings.TrimSpace(kpp); kpp != "" {
		q.Set("kpp", kpp)
	}
	var list organizationList
	if err := c.getJSON(ctx, "GetOrganizationsByInnKpp", "/GetOrganizationsByInnKpp", q, &list); err != nil {
		return nil, err
	}
	type found struct {
		box     core.EDOBox
		roaming bool
	}
	var out []found
	seen := map[string]bool{}
	for _, o := range list.Organizations {
		if o.LiquidationDate != "" {
			c.log.Debug().Str("inn", o.Inn).Str("kpp", o.Kpp).Msg("liquidated organization's box left out")
			continue
		}
		title := o.ShortName
		if title == "" {
			title = o.FullName
		}
		for _, b := range o.Boxes {
			id := b.id()
			if id == "" || seen[id] {
				continue
			}
			seen[id] = true
			t := b.Title
			if t == "" {
				t = title
			}
			out = append(out, found{core.EDOBox{ID: id, Title: t, INN: o.Inn, KPP: o.Kpp}, o.IsRoaming})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return !out[i].roaming && out[j].roaming })
	boxes := make([]core.EDOBox, len(out))
	for i, f := range out {
		boxes[i] = f.box
	}
	return boxes, nil
}

// ownBox returns DealDesk's box: the configured one, else the only box of
// the organizations the token may act for (GetMyOrganizations with
// autoRegister=false, which never registers anybody), remembered.
func (c *Client) ownBox(ctx context.Context) (string, error) {
	if c.boxID != "" {
		return c.boxID, nil
	}
	c.mu.Lock()
	id := c.foundBox
	c.mu.Unlock()
	if id != "" {
		return id, nil
	}
	var list organizationList
	q := url.Values{"autoRegister": {"false"}}
	if err := c.getJSON(ctx, "GetMyOrganizations", "/GetMyOrganizations", q, &list); err != nil {
		return "", err
	}
	var ids, names []string
	for _, o := range list.Organizations {
		for _, b := range o.Boxes {
			if b.id() != "" {
				ids = append(ids, b.id())
				names = append(names, fmt.Sprintf("%s %s (INN %s)", b.id(), b.Title, o.Inn))
			}
		}
	}
	switch len(ids) {
	case 1:
		c.mu.Lock()
		c.foundBox = ids[0]
		c.mu.Unlock()
		c.log.Info().Str("box", ids[0]).Msg("own box found by GetMyOrganizations")
		return ids[0], nil
	case 0:
		return "", c.fail(core.EFORBIDDEN, ErrNoBox, "GetMyOrganizations", errors.New("the token may act for no box"), "")
	default:
		c.log.Error().Strs("boxes", names).Msg("the token may act for several boxes: set DIADOC_BOX_ID to one of them")
		return "", c.fail(core.EINVALID, ErrSeveralBoxes, "GetMyOrganizations",
			fmt.Errorf("%d boxes: %s", len(ids), strings.Join(names, "; ")), "")
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func orDuration(v, def time.Duration) time.Duration {
	if v <= 0 {
		return def
	}
	return v
}

func orInt(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}
