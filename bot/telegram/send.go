package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/dealdesk/dealdesk/bot"
)

// Telegram's size limits, counted like Telegram counts them (UTF-16 code
// units for text, bytes for callback data).
const (
	maxCaptionLen      = 1024
	maxCallbackDataLen = 64
	maxAnswerLen       = 200
	maxCommandDescLen  = 256 // a command's description in a menu
)

// emptyKeyboard removes an inline keyboard when a message is edited.
const emptyKeyboard = `{"inline_keyboard":[]}`

type inlineKeyboard struct {
	InlineKeyboard [][]inlineButton `json:"inline_keyboard"`
}

type inlineButton struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data"`
}

// part is one Bot API call of a message that may take several.
type part struct {
	method string
	params tgbotapi.Params
	file   *bot.File
}

// Send delivers m as plain text (no parse mode, so user data needs no
// escaping) and returns the id of the last message sent, which carries the
// buttons. Text over 4096 characters is split on line boundaries into
// several messages; files go as documents, the first captioned with the
// text when it fits 1024 characters. With EditID set the message is edited
// instead (Telegram's "message is not modified" counts as success), any
// files are sent as new documents, and EditID is returned.
//
// The people m mentions are named on a line of their own before the text
// («Name1, Name2»), each name a text_mention entity of the user, so that
// Telegram notifies them (most users have no @username to mention). A
// split text has the line and its entities in its first part; a document's
// caption carries them as caption_entities; an edit of the text keeps the
// line, so that the message reads as before (Telegram notifies nobody of
// an edit). A private chat mentions nobody: no one else is there to be
// notified.
//
// Errors: *bot.RateLimitError on HTTP 429, *MigratedError when a group
// became a supergroup, *bot.PermanentError when Telegram refuses the
// request (bot blocked, chat not found, bad request). A failure after the
// first part of a split message leaves the earlier parts delivered.
func (t *Transport) Send(ctx context.Context, m *bot.Message) (string, error) {
	chatID, err := strconv.ParseInt(m.ChatID, 10, 64)
	if err != nil {
		return "", &bot.PermanentError{Err: fmt.Errorf("telegram: bad chat id %q", m.ChatID)}
	}
	kb, err := keyboard(m.Buttons)
	if err != nil {
		return "", &bot.PermanentError{Err: err}
	}
	var parts []part
	if m.EditID != "" {
		parts, err = editParts(chatID, m, kb)
	} else {
		parts, err = sendParts(chatID, m, kb)
	}
	if err != nil {
		return "", &bot.PermanentError{Err: err}
	}
	id := m.EditID
	for i, p := range parts {
		got, err := t.sendPart(ctx, chatID, p)
		if err != nil {
			if i > 0 {
				err = fmt.Errorf("part %d of %d: %w", i+1, len(parts), err)
			}
			t.log.Debug().Err(err).Str("method", p.method).Int64("chat_id", chatID).Msg("send failed")
			return "", err
		}
		if m.EditID == "" {
			id = got
		}
	}
	return id, nil
}

// sendPart makes one call once the rate limits allow it, and returns the
// id of the message sent ("" for an edit).
func (t *Transport) sendPart(ctx context.Context, chatID int64, p part) (string, error) {
	if err := t.limiter.wait(ctx, chatID); err != nil {
		return "", err
	}
	var (
		raw json.RawMessage
		err error
	)
	if p.file != nil {
		raw, err = t.upload(ctx, p.method, p.params, p.file)
	} else {
		raw, err = t.request(ctx, p.method, p.params)
	}
	switch {
	case err != nil && isNotModified(err):
		return "", nil
	case err != nil:
		return "", err
	case !strings.HasPrefix(p.method, "send"):
		return "", nil
	}
	var msg struct {
		MessageID int `json:"message_id"`
	}
	if err := json.Unmarshal(raw, &msg); err != nil || msg.MessageID == 0 {
		return "", fmt.Errorf("telegram: %s: unexpected result %.100q", p.method, raw)
	}
	return strconv.Itoa(msg.MessageID), nil
}

// sendParts plans a new message: text parts, then documents; the reply
// goes on the first part and the keyboard on the last.
func sendParts(chatID int64, m *bot.Message, kb *inlineKeyboard) ([]part, error) {
	text, entities := m.Text, []entity(nil)
	if strings.TrimSpace(text) != "" || len(m.Files) > 0 {
		text, entities = withMentions(text, mentionsOf(chatID, m))
	}
	caption, captionEntities := "", []entity(nil)
	if len(m.Files) > 0 && textLen(text) <= maxCaptionLen {
		text, caption = "", text
		entities, captionEntities = nil, entities
	}
	var parts []part
	for i, chunk := range splitText(text, bot.MaxTextLen) {
		p, err := baseParams(chatID, m.ThreadID)
		if err != nil {
			return nil, err
		}
		p["text"] = chunk
		if i == 0 {
			// The first part is the start of the text, with the mentions.
			if err := addEntities(p, "entities", within(entities, textLen(chunk))); err != nil {
				return nil, err
			}
		}
		parts = append(parts, part{method: "sendMessage", params: p})
	}
	docs, err := docParts(chatID, m.ThreadID, m.Files, caption, captionEntities)
	if err != nil {
		return nil, err
	}
	parts = append(parts, docs...)
	if len(parts) == 0 {
		return nil, errors.New("telegram: empty message")
	}
	if m.ReplyTo != "" {
		if _, err := strconv.Atoi(m.ReplyTo); err != nil {
			return nil, fmt.Errorf("telegram: bad reply-to message id %q", m.ReplyTo)
		}
		parts[0].params["reply_to_message_id"] = m.ReplyTo
		// A deleted original must not make the reply undeliverable.
		parts[0].params["allow_sending_without_reply"] = "true"
	}
	if kb != nil {
		if err := parts[len(parts)-1].params.AddInterface("reply_markup", kb); err != nil {
			return nil, err
		}
	}
	return parts, nil
}

// editParts plans an edit: new text and keyboard (or only the keyboard when
// the text is empty), then any files as new documents.
func editParts(chatID int64, m *bot.Message, kb *inlineKeyboard) ([]part, error) {
	if _, err := strconv.Atoi(m.EditID); err != nil {
		return nil, fmt.Errorf("telegram: bad message id to edit %q", m.EditID)
	}
	p := tgbotapi.Params{"chat_id": strconv.FormatInt(chatID, 10), "message_id": m.EditID}
	if kb == nil {
		p["reply_markup"] = emptyKeyboard
	} else if err := p.AddInterface("reply_markup", kb); err != nil {
		return nil, err
	}
	method := "editMessageReplyMarkup"
	if m.Text != "" {
		method = "editMessageText"
		text, entities := withMentions(m.Text, mentionsOf(chatID, m))
		// An edit cannot be split; keep the start of an over-long text.
		p["text"] = truncate(text, bot.MaxTextLen)
		kept := textLen(p["text"])
		if p["text"] != text {
			kept-- // the ellipsis
		}
		if err := addEntities(p, "entities", within(entities, kept)); err != nil {
			return nil, err
		}
	}
	docs, err := docParts(chatID, m.ThreadID, m.Files, "", nil)
	if err != nil {
		return nil, err
	}
	return append([]part{{method: method, params: p}}, docs...), nil
}

// mentionsOf is whom a message to a chat mentions: nobody in a private
// chat (a positive chat id is a user's).
func mentionsOf(chatID int64, m *bot.Message) []bot.Mention {
	if chatID > 0 {
		return nil
	}
	return m.Mentions
}

func docParts(chatID int64, threadID string, files []bot.File, caption string, entities []entity) ([]part, error) {
	parts := make([]part, 0, len(files))
	for i := range files {
		p, err := baseParams(chatID, threadID)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			p.AddNonEmpty("caption", caption)
			if err := addEntities(p, "caption_entities", entities); err != nil {
				return nil, err
			}
		}
		parts = append(parts, part{method: "sendDocument", params: p, file: &files[i]})
	}
	return parts, nil
}

func baseParams(chatID int64, threadID string) (tgbotapi.Params, error) {
	p := tgbotapi.Params{"chat_id": strconv.FormatInt(chatID, 10)}
	if threadID != "" {
		if _, err := strconv.Atoi(threadID); err != nil {
			return nil, fmt.Errorf("telegram: bad thread id %q", threadID)
		}
		p["message_thread_id"] = threadID
	}
	return p, nil
}

// keyboard renders buttons as an inline keyboard; nil when there are none.
func keyboard(rows [][]bot.ButtonView) (*inlineKeyboard, error) {
	var kb inlineKeyboard
	for _, row := range rows {
		var out []inlineButton
		for _, b := range row {
			if b.Label == "" || b.Token == "" {
				return nil, fmt.Errorf("telegram: button with empty label or token (%q, %q)", b.Label, b.Token)
			}
			if len(b.Token) > maxCallbackDataLen {
				return nil, fmt.Errorf("telegram: button token is %d bytes, over Telegram's %d", len(b.Token), maxCallbackDataLen)
			}
			out = append(out, inlineButton{Text: b.Label, CallbackData: b.Token})
		}
		if len(out) > 0 {
			kb.InlineKeyboard = append(kb.InlineKeyboard, out)
		}
	}
	if len(kb.InlineKeyboard) == 0 {
		return nil, nil
	}
	return &kb, nil
}

// Answer acknowledges a button press (answerCallbackQuery), showing text,
// if any, as a toast.
func (t *Transport) Answer(ctx context.Context, callbackID, text string) error {
	return t.answer(ctx, callbackID, text, false)
}

// Popup answers a refused press with text in an alert that the presser
// closes (answerCallbackQuery with show_alert): nobody else in the chat
// sees it. Telegram takes the answer only for a while after the press; a
// late one fails with a permanent error ("query is too old").
func (t *Transport) Popup(ctx context.Context, callbackID, text string) error {
	return t.answer(ctx, callbackID, text, true)
}

func (t *Transport) answer(ctx context.Context, callbackID, text string, alert bool) error {
	p := tgbotapi.Params{"callback_query_id": callbackID}
	p.AddNonEmpty("text", truncate(text, maxAnswerLen))
	p.AddBool("show_alert", alert && text != "")
	_, err := t.request(ctx, "answerCallbackQuery", p)
	return err
}

// botCommandScope is Telegram's BotCommandScope: "default", or "chat" with
// the chat's id (a user's private chat has the user's id).
type botCommandScope struct {
	Type   string `json:"type"`
	ChatID int64  `json:"chat_id,omitempty"`
}

// SetCommands sets a command menu (setMyCommands) for one language: in the
// private chat with a user (scope "chat" with the user's id, which is
// their private chat's) or, for an empty userID, the default menu. Nil
// cmds delete the user's menu (deleteMyCommands), so that the default one
// shows again. lang "" sets the list for every language without one of
// its own; a regional tag is cut to its language ("en-US" → "en"), as
// Telegram accepts only ISO 639-1 codes. Menu calls keep to Limits.Menu.
func (t *Transport) SetCommands(ctx context.Context, userID, lang string, cmds []bot.CommandInfo) error {
	lang, _, _ = strings.Cut(strings.ToLower(lang), "-")
	lang, _, _ = strings.Cut(lang, "_")
	scope := botCommandScope{Type: "default"}
	if userID != "" {
		id, err := strconv.ParseInt(userID, 10, 64)
		if err != nil || id <= 0 {
			return &bot.PermanentError{Err: fmt.Errorf("telegram: bad user id %q for a command menu", userID)}
		}
		scope = botCommandScope{Type: "chat", ChatID: id}
	}
	p := tgbotapi.Params{}
	if err := p.AddInterface("scope", scope); err != nil {
		return err
	}
	p.AddNonEmpty("language_code", lang)
	method := "deleteMyCommands"
	if cmds != nil || userID == "" {
		method = "setMyCommands"
		list := make([]tgbotapi.BotCommand, len(cmds))
		for i, c := range cmds {
			list[i] = tgbotapi.BotCommand{Command: c.Command, Description: truncate(c.Description, maxCommandDescLen)}
		}
		if err := p.AddInterface("commands", list); err != nil {
			return err
		}
	}
	if err := t.limiter.waitMenu(ctx); err != nil {
		return err
	}
	_, err := t.request(ctx, method, p)
	return err
}
