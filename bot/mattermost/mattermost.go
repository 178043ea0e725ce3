// Package mattermost connects DealDesk's chat layer to a Mattermost server:
// posts arrive over the websocket (with a catch-up read after a
// reconnect), the /crm slash command and the interactive message buttons
// arrive at DealDesk's own HTTP endpoint, and replies are posted through
// the REST API. It translates only; the CRM logic lives in package bot.
package mattermost

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/bot"
)

// Platform is the name this transport reports in bot.Update.Platform.
const Platform = "mattermost"

// Paths of DealDesk's HTTP endpoint that Mattermost calls.
const (
	ActionPath  = "/mattermost/actions"
	CommandPath = "/mattermost/command"
)

// Config configures a Transport. URL, Token, HTTPAddr and Secret are required.
type Config struct {
	// URL is the server's address, e.g. https://chat.example.com.
	URL string
	// Token is the bot account's access token. It is never logged.
	Token string
	// Team names the team to register the /crm command in; empty: every
	// team the bot belongs to.
	Team string
	// HTTPAddr is where DealDesk listens for button presses and the slash
	// command, e.g. 127.0.0.1:8181.
	HTTPAddr string
	// ExternalHTTP says the caller serves Handler on HTTPAddr (beside its
	// own endpoints, on every instance, leader or not): Run does not listen.
	ExternalHTTP bool
	// PublicURL is how the Mattermost server reaches HTTPAddr, e.g.
	// http://dealdesk.internal:8181 (default http://HTTPAddr).
	PublicURL string
	// Secret signs the button tokens in action contexts (HMAC-SHA256).
	Secret []byte
	// CommandTrigger is the slash command's trigger word (default "crm").
	CommandTrigger string
	// CommandToken is the token of a /crm command an admin registered by
	// hand; requests with it are accepted besides DealDesk's own command.
	CommandToken string
	// TrustedSources are addresses besides the server's own that may call
	// DealDesk's endpoint: a proxy in front of DealDesk, the servers behind
	// a load balancer that the URL names. Requests from anywhere else are
	// refused; Mattermost does not sign them.
	TrustedSources []netip.Prefix
	// CommandDescription and CommandHint are shown in the command's
	// autocomplete; NotMemberText answers /crm where the bot is not a member.
	CommandDescription, CommandHint, NotMemberText string
	// ReconnectMin and ReconnectMax bound the websocket reconnect backoff
	// (defaults 1s and 1m).
	ReconnectMin, ReconnectMax time.Duration
	// PressAnswerWait bounds how long the answer to a button press waits
	// for DealDesk to handle it, so that a refused press is answered with
	// an ephemeral text (default DefaultPressAnswerWait; Mattermost waits
	// 30 s for an integration by default).
	PressAnswerWait time.Duration
	// HTTPClient is used for the REST API (default: one with timeouts).
	HTTPClient *http.Client
}

// Transport is the Mattermost transport.
type Transport struct {
	cfg    Config
	client *model.Client4
	log    zerolog.Logger
	botID  string
	server *http.Server
	// sources tells the server's requests to the endpoint from others.
	sources *sources

	users    *cache[*model.User]
	channels *cache[*model.Channel]
	directs  *cache[*model.Channel] // direct channels with users, by user id
	limit    rateGate
	presses  presses
	// maxUpload is the server's MaxFileSize, once read (see MaxUpload).
	maxUpload atomic.Int64

	mu            sync.Mutex
	commandTokens map[string]bool
	lastSeen      int64                 // create_at (ms) of the newest post taken
	seen          map[string]int64      // posts taken lately: create_at by id
	failed        map[string]failedPost // posts that could not be taken yet, by id
}

var (
	_ bot.Transport = (*Transport)(nil)
	_ bot.Popups    = (*Transport)(nil)
)

// New checks the token with the server and returns a transport.
func New(ctx context.Context, cfg Config, log zerolog.Logger) (*Transport, error) {
	if cfg.URL == "" || cfg.Token == "" {
		return nil, errors.New("mattermost: URL and token are required")
	}
	if cfg.HTTPAddr == "" || len(cfg.Secret) == 0 {
		return nil, errors.New("mattermost: the HTTP address and the action secret are required")
	}
	cfg.URL = strings.TrimRight(cfg.URL, "/")
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://" + cfg.HTTPAddr
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	if cfg.CommandTrigger == "" {
		cfg.CommandTrigger = "crm"
	}
	if cfg.ReconnectMin <= 0 {
		cfg.ReconnectMin = time.Second
	}
	if cfg.ReconnectMax <= 0 {
		cfg.ReconnectMax = time.Minute
	}
	if cfg.PressAnswerWait <= 0 {
		cfg.PressAnswerWait = DefaultPressAnswerWait
	}
	client := model.NewAPIv4Client(cfg.URL)
	client.SetToken(cfg.Token)
	if cfg.HTTPClient != nil {
		client.HTTPClient = cfg.HTTPClient
	} else {
		client.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	src, err := newSources(cfg.URL, cfg.TrustedSources)
	if err != nil {
		return nil, err
	}
	t := &Transport{cfg: cfg, client: client, log: log, sources: src, commandTokens: map[string]bool{},
		seen: map[string]int64{}, failed: map[string]failedPost{}}
	if cfg.CommandToken != "" {
		t.commandTokens[cfg.CommandToken] = true
	}
	// A token the server refuses is a configuration error; a server that is
	// not up yet is waited for in Run.
	if err := t.whoAmI(ctx); err != nil && isUnauthorized(err) {
		return nil, fmt.Errorf("mattermost: check the token: %w", t.scrub(err))
	} else if err != nil {
		log.Warn().Err(t.scrub(err)).Msg("mattermost is not reachable yet; will retry")
	}
	t.users = newCache(10*time.Minute, func(ctx context.Context, id string) (*model.User, error) {
		u, _, err := t.client.GetUser(ctx, id, "")
		return u, err
	})
	t.channels = newCache(time.Hour, func(ctx context.Context, id string) (*model.Channel, error) {
		c, _, err := t.client.GetChannel(ctx, id)
		return c, err
	})
	t.directs = newCache(24*time.Hour, func(ctx context.Context, userID string) (*model.Channel, error) {
		c, _, err := t.client.CreateDirectChannel(ctx, t.BotUserID(), userID)
		return c, err
	})
	return t, nil
}

// whoAmI learns the bot's user id.
func (t *Transport) whoAmI(ctx context.Context) error {
	me, _, err := t.client.GetMe(ctx, "")
	if err != nil {
		return err
	}
	t.mu.Lock()
	t.botID = me.Id
	t.mu.Unlock()
	t.log.Info().Str("bot_user", me.Username).Msg("mattermost bot authorized")
	return nil
}

func isUnauthorized(err error) bool {
	var ae *model.AppError
	return errors.As(err, &ae) && ae.StatusCode == http.StatusUnauthorized
}

// Platform is "mattermost".
func (t *Transport) Platform() string { return Platform }

// BotUserID is the bot account's user id.
func (t *Transport) BotUserID() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.botID
}

// Identify learns the bot account from the server, waiting for the server
// to answer, and reads its file size limit. Run does it first; an instance
// that only serves the HTTP endpoint (standing by) calls it itself.
func (t *Transport) Identify(ctx context.Context) error {
	if t.BotUserID() != "" {
		return nil
	}
	for {
		err := t.whoAmI(ctx)
		if err == nil {
			break
		}
		t.log.Warn().Err(t.scrub(err)).Msg("mattermost: waiting for the server")
		if !sleep(ctx, t.cfg.ReconnectMin) {
			return ctx.Err()
		}
	}
	t.readMaxUpload(ctx)
	return nil
}

// Run serves the HTTP endpoint, registers the slash command and reads the
// websocket until ctx is done.
func (t *Transport) Run(ctx context.Context, in bot.Inbox) error {
	if err := t.Identify(ctx); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 2)
	if !t.cfg.ExternalHTTP {
		if err := t.serveHTTP(ctx, in, errc); err != nil {
			return err
		}
	}
	if t.cfg.CommandToken != "" {
		t.log.Info().Str("trigger", t.cfg.CommandTrigger).Msg("slash command registered by an admin")
	} else if err := t.registerCommands(ctx); err != nil {
		t.log.Warn().Err(err).Str("trigger", t.cfg.CommandTrigger).
			Msg("could not register the slash command; an admin can register it and set MATTERMOST_COMMAND_TOKEN")
	}
	listening := make(chan struct{})
	go func() {
		defer close(listening)
		_ = t.listen(ctx, in)
	}()
	var err error
	select {
	case <-ctx.Done():
		err = ctx.Err()
	case err = <-errc: // the HTTP endpoint failed
	}
	cancel()
	t.shutdownHTTP()
	<-listening
	return err
}

// sign returns the signature of a button token for a channel.
func (t *Transport) sign(token, channelID string) string {
	m := hmac.New(sha256.New, t.cfg.Secret)
	m.Write([]byte(token + "\x00" + channelID))
	return fmt.Sprintf("%x", m.Sum(nil))
}

// scrub hides the token in an error's text.
func (t *Transport) scrub(err error) error {
	if err == nil {
		return nil
	}
	if s := err.Error(); strings.Contains(s, t.cfg.Token) {
		return errors.New(strings.ReplaceAll(s, t.cfg.Token, "<token>"))
	}
	return err
}
