package main

import (
	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/telegram"
)

// telegram builds the Telegram transport when TELEGRAM_TOKEN is set: long
// polling, or a webhook when TELEGRAM_WEBHOOK_URL is set.
func (m *Main) telegram() (bot.Transport, error) {
	if m.Config.TelegramToken == "" {
		return nil, nil
	}
	cfg := telegram.Config{Token: m.Config.TelegramToken, APIURL: m.Config.TelegramAPIURL}
	if m.Config.TelegramWebhookURL != "" {
		cfg.Webhook = &telegram.WebhookConfig{ListenAddr: m.Config.TelegramWebhookAddr,
			PublicURL: m.Config.TelegramWebhookURL, SecretToken: m.Config.TelegramWebhookSecret,
			// On PostgreSQL every instance serves the endpoint; the leader sets it.
			ServedApart: m.Config.postgres()}
	}
	if m.tuneTelegram != nil {
		m.tuneTelegram(&cfg)
	}
	t, err := telegram.New(cfg, m.Log.With().Str("component", "telegram").Logger())
	if err != nil {
		return nil, err
	}
	return t, nil
}
