package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/mattermost"
	"github.com/dealdesk/dealdesk/locales"
)

// mattermost builds the Mattermost transport when MATTERMOST_URL and
// MATTERMOST_TOKEN are set.
func (m *Main) mattermost(ctx context.Context, bundle *locales.Bundle) (bot.Transport, error) {
	if m.Config.MattermostURL == "" || m.Config.MattermostToken == "" {
		return nil, nil
	}
	secret := []byte(m.Config.ActionSecret)
	if len(secret) == 0 {
		// Stable across restarts, so buttons already posted keep working.
		mac := hmac.New(sha256.New, []byte(m.Config.MattermostToken))
		mac.Write([]byte("dealdesk action context"))
		secret = mac.Sum(nil)
	}
	p := bundle.Printer(locales.Default, nil)
	cfg := mattermost.Config{URL: m.Config.MattermostURL, Token: m.Config.MattermostToken, Team: m.Config.MattermostTeam,
		HTTPAddr: m.Config.HTTPAddr, PublicURL: m.Config.PublicURL, Secret: secret,
		CommandToken: m.Config.MattermostCommandToken, CursorFile: m.Config.DB + ".mattermost-cursor",
		CommandDescription: p.T("mm.command.desc", nil), CommandHint: p.T("mm.command.hint", nil)}
	t, err := mattermost.New(ctx, cfg, m.Log.With().Str("component", "mattermost").Logger())
	if err != nil {
		return nil, err
	}
	return t, nil
}
