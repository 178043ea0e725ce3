package main

import (
	"context"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/console"
	"github.com/dealdesk/dealdesk/locales"
)

// transports builds the configured transports. The console runs when asked
// for, or when no chat platform is configured.
func (m *Main) transports(ctx context.Context, bundle *locales.Bundle) ([]bot.Transport, error) {
	var ts []bot.Transport
	tg, err := m.telegram()
	if err != nil {
		return nil, err
	}
	if tg != nil {
		ts = append(ts, tg)
	}
	mm, err := m.mattermost(ctx, bundle)
	if err != nil {
		return nil, err
	}
	if mm != nil {
		ts = append(ts, mm)
	}
	if m.Config.consoleRuns() {
		ts = append(ts, console.New(m.Stdin, m.Stdout, m.Interactive, m.Config.FilesDir))
	}
	return ts, nil
}
