package telegram

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/dealdesk/dealdesk/bot"
)

// maxTopicNameLen is the longest name of a forum topic (createForumTopic
// takes 1-128 characters).
const maxTopicNameLen = 128

var _ bot.ThreadOpener = (*Transport)(nil)

// forumTopic is the ForumTopic object createForumTopic returns.
type forumTopic struct {
	MessageThreadID int    `json:"message_thread_id"`
	Name            string `json:"name"`
	IconColor       int    `json:"icon_color"`
}

// OpenThread opens a forum topic named title in a forum supergroup
// (createForumTopic, through the library's raw request, as the library
// does not know the method) and returns its message_thread_id, which
// messages sent into the topic carry. The title is put on one line and
// cut, on a character boundary with an ellipsis, to Telegram's 128
// characters. The call keeps to the chat's rate limits: Telegram posts
// the topic's first (service) message in the chat.
//
// Errors are a send's: *bot.PermanentError when Telegram refuses it ("the
// chat is not a forum", "not enough rights to create a topic", chat not
// found), *bot.RateLimitError on 429, *MigratedError when a group became a
// supergroup; others are worth retrying.
func (t *Transport) OpenThread(ctx context.Context, chatID, title string) (string, error) {
	id, err := strconv.ParseInt(chatID, 10, 64)
	if err != nil {
		return "", &bot.PermanentError{Err: fmt.Errorf("telegram: bad chat id %q", chatID)}
	}
	name := topicName(title)
	if name == "" {
		return "", &bot.PermanentError{Err: fmt.Errorf("telegram: createForumTopic: empty topic name")}
	}
	if err := t.limiter.wait(ctx, id); err != nil {
		return "", err
	}
	raw, err := t.request(ctx, "createForumTopic", tgbotapi.Params{"chat_id": chatID, "name": name})
	if err != nil {
		t.log.Debug().Err(err).Int64("chat_id", id).Msg("createForumTopic failed")
		return "", err
	}
	var topic forumTopic
	if err := json.Unmarshal(raw, &topic); err != nil || topic.MessageThreadID == 0 {
		return "", fmt.Errorf("telegram: createForumTopic: unexpected result %.100q", raw)
	}
	return strconv.Itoa(topic.MessageThreadID), nil
}

// topicName is title as a forum topic's name: its lines and runs of space
// joined by single spaces, cut to maxTopicNameLen.
func topicName(title string) string {
	return truncate(strings.Join(strings.Fields(title), " "), maxTopicNameLen)
}
