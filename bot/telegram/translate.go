package telegram

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/dealdesk/dealdesk/bot"
)

// The wire types decode only what DealDesk uses. They are the package's own,
// not the library's, because the library lacks message_thread_id and
// because a field whose type changed in a newer Bot API must not make a
// whole batch of updates undecodable.
type (
	wireUpdate struct {
		UpdateID      int           `json:"update_id"`
		Message       *wireMessage  `json:"message"`
		CallbackQuery *wireCallback `json:"callback_query"`
	}
	wireMessage struct {
		MessageID      int       `json:"message_id"`
		ThreadID       int       `json:"message_thread_id"`
		IsTopicMessage bool      `json:"is_topic_message"`
		From           *wireUser `json:"from"`
		Chat           *wireChat `json:"chat"`
		Text           string    `json:"text"`
		Caption        string    `json:"caption"`
		Document       *wireFile `json:"document"`
	}
	// wireFile is a Document (or any file) object: the bot fetches its
	// content with getFile by file_id.
	wireFile struct {
		FileID   string `json:"file_id"`
		FileName string `json:"file_name"`
		MIMEType string `json:"mime_type"`
		FileSize int64  `json:"file_size"`
	}
	wireCallback struct {
		ID      string       `json:"id"`
		From    *wireUser    `json:"from"`
		Message *wireMessage `json:"message"`
		Data    string       `json:"data"`
	}
	wireUser struct {
		ID           int64  `json:"id"`
		IsBot        bool   `json:"is_bot"`
		FirstName    string `json:"first_name"`
		LastName     string `json:"last_name"`
		UserName     string `json:"username"`
		LanguageCode string `json:"language_code"`
	}
	wireChat struct {
		ID    int64  `json:"id"`
		Type  string `json:"type"`
		Title string `json:"title"`
	}
)

// translate turns a Telegram update into a bot.Update, or returns nil when
// there is nothing for the bot: service messages without text, messages
// without a sender or from a bot, commands addressed to another bot, presses on inline-mode
// messages (no chat).
func (t *Transport) translate(w *wireUpdate) *bot.Update {
	switch {
	case w.Message != nil:
		return t.translateMessage(w.Message)
	case w.CallbackQuery != nil:
		return translateCallback(w.CallbackQuery)
	}
	return nil
}

func (t *Transport) translateMessage(m *wireMessage) *bot.Update {
	// Other bots' messages are skipped so that two bots never talk in a loop.
	if m.Chat == nil || m.From == nil || m.From.IsBot {
		return nil
	}
	u := baseUpdate(m, m.From)
	u.MessageID = strconv.Itoa(m.MessageID)
	u.Text = m.Text
	if u.Text == "" {
		u.Text = m.Caption
	}
	if d := m.Document; d != nil && d.FileID != "" {
		u.Files = []bot.IncomingFile{{Name: d.FileName, MIME: d.MIMEType, Size: d.FileSize, Ref: d.FileID}}
		if u.Files[0].Name == "" {
			u.Files[0].Name = "file"
		}
	}
	if u.Text == "" && len(u.Files) == 0 {
		return nil
	}
	// A document's caption is its command ("/template contract" with a
	// .docx); another caption (a photo's) is only text.
	if command := m.Text; command != "" || len(u.Files) > 0 {
		if command == "" {
			command = m.Caption
		}
		cmd, args, forUs := parseCommand(command, t.Username())
		if !forUs {
			return nil
		}
		u.Command, u.Args = cmd, args
	}
	return u
}

func translateCallback(c *wireCallback) *bot.Update {
	if c.Message == nil || c.Message.Chat == nil || c.From == nil || c.Data == "" {
		return nil
	}
	u := baseUpdate(c.Message, c.From)
	u.MessageID = strconv.Itoa(c.Message.MessageID)
	u.Token = c.Data
	u.CallbackID = c.ID
	return u
}

// baseUpdate fills the chat and user fields shared by messages and presses.
func baseUpdate(m *wireMessage, from *wireUser) *bot.Update {
	u := &bot.Update{
		Platform:  Platform,
		ChatID:    strconv.FormatInt(m.Chat.ID, 10),
		ChatType:  chatType(m.Chat.Type),
		ChatTitle: m.Chat.Title,
		UserID:    strconv.FormatInt(from.ID, 10),
		UserName:  displayName(from),
		// Telegram's language_code is the app's interface language: replies
		// follow it (Russian for any language DealDesk does not speak) until
		// the user picks one with /lang, as on Mattermost.
		Locale: from.LanguageCode,
	}
	// message_thread_id is also set on replies in ordinary groups; only a
	// forum topic is a thread that a message can be sent to.
	if m.IsTopicMessage && m.ThreadID != 0 {
		u.ThreadID = strconv.Itoa(m.ThreadID)
	}
	return u
}

func chatType(t string) bot.ChatType {
	if t == "private" {
		return bot.ChatPrivate
	}
	return bot.ChatGroup // group, supergroup, channel
}

func displayName(u *wireUser) string {
	if name := strings.TrimSpace(u.FirstName + " " + u.LastName); name != "" {
		return name
	}
	return u.UserName
}

// parseCommand splits "/cmd@BotName args" into a lower-case command and its
// arguments (the rest of the text, newlines kept, outer space trimmed).
// forUs is false when the command names another bot. Text that is not a
// command yields an empty cmd and forUs true.
func parseCommand(text, self string) (cmd, args string, forUs bool) {
	if !strings.HasPrefix(text, "/") {
		return "", "", true
	}
	head, rest := text[1:], ""
	if i := strings.IndexFunc(head, unicode.IsSpace); i >= 0 {
		head, rest = head[:i], head[i:]
	}
	if name, target, ok := strings.Cut(head, "@"); ok {
		if target != "" && !strings.EqualFold(target, self) {
			return "", "", false
		}
		head = name
	}
	if !isCommandName(head) {
		return "", "", true
	}
	return strings.ToLower(head), strings.TrimSpace(rest), true
}

// isCommandName reports whether s is a Telegram command: 1-32 of a-z, 0-9, _
// (upper case is accepted from users and folded).
func isCommandName(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if r != '_' && (r > unicode.MaxASCII || !unicode.IsLetter(r) && !unicode.IsDigit(r)) {
			return false
		}
	}
	return true
}
