package main

import (
	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/console"
)

// transports builds the configured transports. The console runs when asked
// for, or when no chat platform is configured.
func (m *Main) transports() ([]bot.Transport, error) {
	var ts []bot.Transport
	tg, err := m.telegram()
	if err != nil {
		return nil, err
	}
	if tg != nil {
		ts = append(ts, tg)
	}
	if m.Config.Console == "on" || (m.Config.Console == "auto" && len(ts) == 0) {
		ts = append(ts, console.New(m.Stdin, m.Stdout, m.Interactive, m.Config.FilesDir))
	}
	return ts, nil
}
