// Package telegram connects DealDesk's chat layer to the Telegram Bot API: it
// receives updates (long polling or a webhook) and translates them into
// bot.Update values, and it renders bot.Message values as Telegram messages
// with inline keyboards and documents. It holds no CRM logic.
//
// The package uses github.com/go-telegram-bot-api/telegram-bot-api/v5 for the
// wire calls, but owns the polling loop, the decoding of updates (the
// library's types lack message_thread_id), rate limiting, context handling and
// error classification.
package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/bot"
)

// Platform is the name this transport reports in bot.Update.Platform.
const Platform = "telegram"

// Defaults applied by New to zero Config fields.
const (
	DefaultAPIURL          = "https://api.telegram.org"
	DefaultPollTimeout     = 30 * time.Second
	DefaultMinPollGap      = time.Second
	DefaultMaxBackoff      = time.Minute
	DefaultShutdownTimeout = 5 * time.Second
)

// Config configures a Transport. Only Token is required.
type Config struct {
	// Token is the bot token from @BotFather. It is never logged.
	Token string
	// APIURL is the Bot API base URL (default https://api.telegram.org);
	// point it at a local Bot API server or a test server.
	APIURL string
	// PollTimeout is the long-poll timeout passed to getUpdates
	// (default 30s; under a second means short polling).
	PollTimeout time.Duration
	// MinPollGap is the minimum time between the starts of two getUpdates
	// calls (default 1s), so that a server answering at once never makes
	// the bot spin. It is also the first step of the error backoff.
	MinPollGap time.Duration
	// MaxBackoff caps the exponential backoff after failed getUpdates
	// calls (default 1m). A 429 retry_after may wait longer.
	MaxBackoff time.Duration
	// ShutdownTimeout bounds how long the webhook server waits, once ctx
	// is done, for requests in progress (default 5s). Updates already
	// taken are the inbox's: they are handled even across a stop.
	ShutdownTimeout time.Duration
	// Webhook, when set, makes Run receive updates through a webhook
	// instead of long polling.
	Webhook *WebhookConfig
	// HTTPClient is used for all Bot API calls. When nil, a client with
	// timeouts longer than PollTimeout is built.
	HTTPClient *http.Client
	// Limits are the outgoing message rate limits; zero fields take
	// Telegram's documented limits.
	Limits Limits
	// MaxDownload and MaxUpload are the largest files the bot fetches from
	// and sends to Telegram (defaults: the Bot API's 20 MB and 50 MB; a
	// local Bot API server takes up to 2000 MB).
	MaxDownload, MaxUpload int64
}

// WebhookConfig configures webhook mode.
type WebhookConfig struct {
	// ListenAddr is the local address to serve on, e.g. ":8443".
	ListenAddr string
	// PublicURL is the HTTPS URL Telegram posts updates to (passed to
	// setWebhook). It is not logged, as it may hold a secret path.
	PublicURL string
	// SecretToken is sent by Telegram in the X-Telegram-Bot-Api-Secret-Token
	// header; requests without it are refused. 1-256 characters of
	// A-Z, a-z, 0-9, _ and -.
	SecretToken string
	// ServedApart says every DealDesk instance serves the endpoint
	// (ServeWebhook) while only the leader's Run sets the webhook.
	ServedApart bool
}

// Limit allows at most N messages in any period Per. N == 0 takes the
// default; N < 0 disables the limit.
type Limit struct {
	N   int
	Per time.Duration
}

// Limits are the outgoing message rate limits, enforced before each send or
// edit (Telegram Bot FAQ: 1 message a second per chat, 20 a minute per group,
// about 30 a second overall).
type Limits struct {
	Chat   Limit // per chat; default 1 per second
	Group  Limit // per group chat (negative chat id); default 20 per minute
	Global Limit // all chats together; default 30 per second
	// Menu paces the command-menu calls (setMyCommands, deleteMyCommands),
	// which also take global slots: Telegram documents no limit for them
	// but answers a burst with 429. Default 5 per second.
	Menu Limit
}

// Transport is the Telegram implementation of bot.Transport, bot.Popups
// and bot.CommandMenu. It is safe for concurrent use.
type Transport struct {
	cfg     Config
	api     *tgbotapi.BotAPI
	client  *http.Client
	log     zerolog.Logger
	limiter *limiter
}

var (
	_ bot.Transport   = (*Transport)(nil)
	_ bot.CommandMenu = (*Transport)(nil)
	_ bot.Popups      = (*Transport)(nil)
)

// New checks the token with getMe and returns a Transport. log should be a
// child logger for this component; the token never appears in it or in the
// errors returned.
func New(cfg Config, log zerolog.Logger) (*Transport, error) {
	if cfg.Token == "" {
		return nil, errors.New("telegram: empty bot token")
	}
	if err := cfg.setDefaults(); err != nil {
		return nil, err
	}
	t := &Transport{cfg: cfg, client: cfg.HTTPClient, log: log, limiter: newLimiter(cfg.Limits)}
	if t.client == nil {
		t.client = newHTTPClient(cfg.PollTimeout)
	} else if c := t.client.Timeout; c != 0 && c <= cfg.PollTimeout {
		log.Warn().Dur("client_timeout", c).Dur("poll_timeout", cfg.PollTimeout).
			Msg("http client timeout is not longer than the poll timeout; long polls will fail")
	}
	// The endpoint is a format string; a literal % in the URL must not
	// become a verb.
	endpoint := strings.ReplaceAll(strings.TrimRight(cfg.APIURL, "/"), "%", "%%") + "/bot%s/%s"
	api, err := tgbotapi.NewBotAPIWithClient(cfg.Token, endpoint, t.client)
	if err != nil {
		return nil, t.wrap("getMe", err)
	}
	t.api = api
	log.Info().Str("bot_username", api.Self.UserName).Msg("telegram bot authorized")
	return t, nil
}

func (c *Config) setDefaults() error {
	if c.APIURL == "" {
		c.APIURL = DefaultAPIURL
	}
	if c.PollTimeout <= 0 {
		c.PollTimeout = DefaultPollTimeout
	}
	if c.MinPollGap <= 0 {
		c.MinPollGap = DefaultMinPollGap
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = DefaultMaxBackoff
	}
	if c.ShutdownTimeout <= 0 {
		c.ShutdownTimeout = DefaultShutdownTimeout
	}
	c.Limits = c.Limits.withDefaults()
	if c.MaxDownload <= 0 {
		c.MaxDownload = DefaultMaxDownload
	}
	if c.MaxUpload <= 0 {
		c.MaxUpload = DefaultMaxUpload
	}
	if c.Webhook != nil {
		return c.Webhook.validate()
	}
	return nil
}

// newHTTPClient builds a client whose timeouts outlast a long poll.
func newHTTPClient(poll time.Duration) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSHandshakeTimeout = 10 * time.Second
	tr.ResponseHeaderTimeout = poll + 15*time.Second
	// Uploads of documents are bounded by Timeout, so leave them room.
	return &http.Client{Transport: tr, Timeout: poll + 60*time.Second}
}

// Platform returns "telegram".
func (t *Transport) Platform() string { return Platform }

// Username returns the bot's username (without @), as reported by getMe.
func (t *Transport) Username() string { return t.api.Self.UserName }

// ctxClient binds a context to every request the library makes, since the
// library itself takes none.
type ctxClient struct {
	ctx context.Context
	c   *http.Client
}

// Do sends req with the bound context.
func (c ctxClient) Do(req *http.Request) (*http.Response, error) {
	return c.c.Do(req.WithContext(c.ctx))
}

// bound returns a copy of the library client whose requests carry ctx.
func (t *Transport) bound(ctx context.Context) *tgbotapi.BotAPI {
	api := *t.api
	api.Client = ctxClient{ctx: ctx, c: t.client}
	return &api
}

// request calls a Bot API method and returns its raw result.
func (t *Transport) request(ctx context.Context, method string, p tgbotapi.Params) (json.RawMessage, error) {
	resp, err := t.bound(ctx).MakeRequest(method, p)
	if err != nil {
		return nil, t.wrap(method, err)
	}
	return resp.Result, nil
}

// upload calls a Bot API method with a multipart body.
func (t *Transport) upload(ctx context.Context, method string, p tgbotapi.Params, f *bot.File) (json.RawMessage, error) {
	files := []tgbotapi.RequestFile{{Name: "document", Data: tgbotapi.FileBytes{Name: f.Name, Bytes: f.Data}}}
	resp, err := t.bound(ctx).UploadFiles(method, p, files)
	if err != nil {
		return nil, t.wrap(method, err)
	}
	return resp.Result, nil
}
