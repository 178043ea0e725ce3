package main

import (
	"context"

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
	secret, err := actionSecret(m.Config.ActionSecret, m.Config.DB)
	if err != nil {
		return nil, err
	}
	p := bundle.Printer(locales.Default, nil)
	cfg := mattermost.Config{URL: m.Config.MattermostURL, Token: m.Config.MattermostToken, Team: m.Config.MattermostTeam,
		HTTPAddr: m.Config.HTTPAddr, ExternalHTTP: true, PublicURL: m.Config.PublicURL, Secret: secret,
		CommandToken: m.Config.MattermostCommandToken, TrustedSources: m.Config.MattermostTrustedSources,
		CommandDescription: p.T("mm.command.desc", nil), CommandHint: p.T("mm.command.hint", nil),
		NotMemberText: p.T("mm.not_member", nil)}
	t, err := mattermost.New(ctx, cfg, m.Log.With().Str("component", "mattermost").Logger())
	if err != nil {
		return nil, err
	}
	return t, nil
}
