package main

import "github.com/dealdesk/dealdesk/bot"

// telegram builds the Telegram transport when TELEGRAM_TOKEN is set.
func (m *Main) telegram() (bot.Transport, error) {
	if m.Config.TelegramToken == "" {
		return nil, nil
	}
	return nil, nil
}
