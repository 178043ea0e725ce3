package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/dealdesk/dealdesk/bot"
)

// allowedUpdates are the update kinds DealDesk asks Telegram for.
const allowedUpdates = `["message","callback_query"]`

// Run receives updates by long polling, or through the webhook when one is
// configured, and hands them to the inbox. An update is confirmed to
// Telegram (the next getUpdates' offset, the webhook's 200) only once the
// inbox has stored it, so a crash or stop at any point loses none; one
// delivered again is recognized by its update_id. When ctx is done it
// stops receiving and returns ctx.Err(); it returns another error only if
// the webhook cannot be set up.
func (t *Transport) Run(ctx context.Context, in bot.Inbox) error {
	if t.cfg.Webhook != nil {
		if t.cfg.Webhook.ServedApart {
			return t.keepWebhook(ctx)
		}
		return t.serveWebhook(ctx, in)
	}
	offset := t.poll(ctx, in)
	t.confirm(ctx, offset)
	return ctx.Err()
}

// poll runs the getUpdates loop until ctx is done and returns the offset
// after the last update taken. It is the library's GetUpdatesChan done
// right: a minimum gap between calls, exponential backoff on errors and
// respect for retry_after; and no update is confirmed before it is taken.
func (t *Transport) poll(ctx context.Context, in bot.Inbox) int {
	t.deleteWebhook(ctx)
	var (
		offset    int
		failures  int
		downSince time.Time // the first failure of the current run of them
		last      time.Time
	)
	for {
		if sleep(ctx, t.cfg.MinPollGap-time.Since(last)) != nil {
			return offset
		}
		last = time.Now()
		updates, err := t.getUpdates(ctx, offset, int(t.cfg.PollTimeout/time.Second))
		if ctx.Err() != nil {
			return offset
		}
		if err == nil && len(updates) > 0 {
			// Taken in one transaction; only then does the offset move on.
			if err = in.Take(ctx, nil, t.translateAll(updates)...); err == nil {
				offset = updates[len(updates)-1].UpdateID + 1
			} else if ctx.Err() != nil {
				return offset
			}
		}
		if err != nil {
			if failures == 0 {
				downSince = last
			}
			failures++
			wait := t.retryDelay(err, failures)
			t.log.Warn().Err(err).Str("method", "getUpdates").Int("failures", failures).
				Dur("retry_in", wait).Msg("polling failed")
			if sleep(ctx, wait) != nil {
				return offset
			}
			continue
		}
		if failures > 0 {
			// Without this line an outage's end is only seen as the
			// warnings stopping.
			t.log.Info().Int("failures", failures).Dur("down_for", time.Since(downSince)).
				Msg("polling recovered")
			failures = 0
		}
	}
}

// translateAll translates the updates DealDesk handles, each with its
// update_id, so that one delivered again is not taken twice.
func (t *Transport) translateAll(updates []*wireUpdate) []*bot.Update {
	out := make([]*bot.Update, 0, len(updates))
	for _, w := range updates {
		if u := t.translate(w); u != nil {
			u.ID = strconv.Itoa(w.UpdateID)
			out = append(out, u)
		}
	}
	return out
}

// retryDelay is the wait after the n-th failure in a row: MinPollGap
// doubled each time up to MaxBackoff, or Telegram's retry_after if longer.
func (t *Transport) retryDelay(err error, n int) time.Duration {
	wait := t.cfg.MinPollGap
	for i := 1; i < n && wait < t.cfg.MaxBackoff; i++ {
		wait *= 2
	}
	wait = min(wait, t.cfg.MaxBackoff)
	var rl *bot.RateLimitError
	if errors.As(err, &rl) && rl.RetryAfter > wait {
		wait = rl.RetryAfter
	}
	return wait
}

// getUpdates fetches updates from offset on. Each update is decoded on its
// own, so one that does not decode is logged and skipped, not retried
// forever.
func (t *Transport) getUpdates(ctx context.Context, offset, timeout int) ([]*wireUpdate, error) {
	p := tgbotapi.Params{
		"timeout":         strconv.Itoa(timeout),
		"allowed_updates": allowedUpdates,
	}
	p.AddNonZero("offset", offset)
	raw, err := t.request(ctx, "getUpdates", p)
	if err != nil {
		return nil, err
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, fmt.Errorf("telegram: getUpdates: decode result: %w", err)
	}
	updates := make([]*wireUpdate, 0, len(items))
	for _, item := range items {
		var u wireUpdate
		if err := json.Unmarshal(item, &u); err != nil {
			var id struct {
				UpdateID int `json:"update_id"`
			}
			if json.Unmarshal(item, &id) != nil || id.UpdateID == 0 {
				return nil, fmt.Errorf("telegram: getUpdates: decode update: %w", err)
			}
			t.log.Warn().Err(err).Int("update_id", id.UpdateID).Msg("skipping an update that does not decode")
			u = wireUpdate{UpdateID: id.UpdateID}
		}
		updates = append(updates, &u)
	}
	return updates, nil
}

// deleteWebhook switches the bot to polling: getUpdates fails with 409
// while a webhook is set. Pending updates are kept.
func (t *Transport) deleteWebhook(ctx context.Context) {
	if _, err := t.request(ctx, "deleteWebhook", nil); err != nil && ctx.Err() == nil {
		t.log.Warn().Err(err).Str("method", "deleteWebhook").Msg("could not delete the webhook")
	}
}

// confirm tells Telegram that the updates before offset were handled, so
// that a restart does not receive them again: Telegram confirms an update
// only when getUpdates is next called with a higher offset.
func (t *Transport) confirm(ctx context.Context, offset int) {
	if offset == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	p := tgbotapi.Params{"offset": strconv.Itoa(offset), "limit": "1", "timeout": "0", "allowed_updates": allowedUpdates}
	if _, err := t.request(ctx, "getUpdates", p); err != nil {
		t.log.Debug().Err(err).Str("method", "getUpdates").Msg("could not confirm the last updates")
	}
}
