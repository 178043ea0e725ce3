package metrics

import "time"

// UpdateHandled counts a chat update handled and observes its reply
// latency (bot.Observer): dealdesk_updates_handled_total{platform,command,
// outcome} and dealdesk_reply_duration_seconds{platform}. The bot passes
// bounded labels only (a command's name, "button", "text", "unknown").
// An update to be tried again (outcome "retry") is counted but its latency
// is not observed: its try that succeeds is.
func (m *Metrics) UpdateHandled(platform, command string, took time.Duration, outcome string) {
	m.updates.WithLabelValues(platform, command, outcome).Inc()
	if outcome != "retry" {
		m.replySeconds.WithLabelValues(platform).Observe(max(took, 0).Seconds())
	}
}

// Delivery counts an outbox delivery attempt (bot.Observer):
// dealdesk_outbox_deliveries_total{platform,outcome}.
func (m *Metrics) Delivery(platform, outcome string) {
	m.deliveries.WithLabelValues(platform, outcome).Inc()
}
