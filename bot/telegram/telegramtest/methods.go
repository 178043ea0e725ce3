package telegramtest

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Telegram's descriptions of the errors the fake reproduces.
const (
	errNotModified = "message is not modified: specified new message content and reply markup are " +
		"exactly the same as a current content and reply markup of the message"
	errQueryTooOld   = "query is too old and response timeout expired or query ID is invalid"
	errWebhookActive = "Conflict: can't use getUpdates method while webhook is active; " +
		"use deleteWebhook to delete the webhook first"
	errTerminated = "Conflict: terminated by other getUpdates request; " +
		"make sure that only one bot instance is running"
)

func (s *Server) getMe(w http.ResponseWriter, _ *http.Request, _ *Call) {
	me := botObject()
	me["can_join_groups"] = true
	me["can_read_all_group_messages"] = false
	me["supports_inline_queries"] = false
	writeResult(w, me)
}

// getUpdates confirms the updates before offset, then answers with the
// pending ones, holding the request up to timeout seconds while there are
// none. A newer getUpdates ends a held one with 409, as Telegram does.
func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, c *Call) {
	offset, _ := strconv.Atoi(c.Params["offset"])
	timeout, _ := strconv.Atoi(c.Params["timeout"])
	limit, err := strconv.Atoi(c.Params["limit"])
	if err != nil || limit <= 0 || limit > 100 {
		limit = 100
	}
	timer := time.NewTimer(time.Duration(timeout) * time.Second)
	defer timer.Stop()

	s.mu.Lock()
	if s.hook.url != "" {
		s.mu.Unlock()
		writeFault(w, Fault{Code: http.StatusConflict, Description: errWebhookActive})
		return
	}
	s.pollGen++
	gen := s.pollGen
	for offset > 0 && len(s.pending) > 0 && s.pending[0].id < offset {
		s.pending = s.pending[1:]
	}
	for len(s.pending) == 0 && timeout > 0 && !s.atOnce && !s.closed {
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-timer.C:
			timeout = 0
		case <-r.Context().Done():
			return
		}
		s.mu.Lock()
		if s.pollGen != gen {
			s.mu.Unlock()
			writeFault(w, Fault{Code: http.StatusConflict, Description: errTerminated})
			return
		}
	}
	batch := make([]json.RawMessage, 0, min(limit, len(s.pending)))
	for _, u := range s.pending[:min(limit, len(s.pending))] {
		batch = append(batch, u.raw)
	}
	s.mu.Unlock()
	writeResult(w, batch)
}

func (s *Server) sendMessage(w http.ResponseWriter, _ *http.Request, c *Call) {
	chatID, ok := chatParam(w, c)
	if !ok {
		return
	}
	if !s.threadParam(w, c, chatID) {
		return
	}
	text := c.Params["text"]
	switch {
	case strings.TrimSpace(text) == "":
		badRequest(w, "message text is empty")
		return
	case utf16Len(text) > 4096:
		badRequest(w, "message is too long")
		return
	}
	entities, ok := s.entitiesParam(w, c, "entities", text)
	if !ok {
		return
	}
	buttons, ok := markupParam(w, c)
	if !ok {
		return
	}
	writeResult(w, s.record(c, chatID, text, entities, buttons, nil))
}

func (s *Server) sendDocument(w http.ResponseWriter, _ *http.Request, c *Call) {
	chatID, ok := chatParam(w, c)
	if !ok {
		return
	}
	if !s.threadParam(w, c, chatID) {
		return
	}
	var doc *Upload
	for i := range c.Files {
		if c.Files[i].Field == "document" {
			doc = &c.Files[i]
		}
	}
	if doc == nil {
		badRequest(w, "there is no document in the request")
		return
	}
	if utf16Len(c.Params["caption"]) > 1024 {
		badRequest(w, "message caption is too long")
		return
	}
	entities, ok := s.entitiesParam(w, c, "caption_entities", c.Params["caption"])
	if !ok {
		return
	}
	buttons, ok := markupParam(w, c)
	if !ok {
		return
	}
	writeResult(w, s.record(c, chatID, c.Params["caption"], entities, buttons, doc))
}

// record stores a new message of the bot and returns its Message object.
// A document the bot sent becomes a file that getFile serves, as in
// Telegram.
func (s *Server) record(c *Call, chatID int64, text string, entities []Entity, buttons [][]Button, doc *Upload) map[string]any {
	thread, _ := strconv.Atoi(c.Params["message_thread_id"])
	reply, _ := strconv.Atoi(c.Params["reply_to_message_id"])
	s.mu.Lock()
	id := s.newMessageID(chatID)
	s.messages[msgKey{chatID, id}] = &stored{text: text, entities: entities, buttons: buttons}
	var docObj map[string]any
	fileID := ""
	if doc != nil {
		docObj = s.addFileLocked(doc.Name, doc.MIME, doc.Data)
		fileID = docObj["file_id"].(string)
	}
	s.sent = append(s.sent, SentMessage{
		Method: c.Method, ChatID: chatID, MessageID: id, ThreadID: thread, ReplyTo: reply,
		Text: text, Entities: entities, Buttons: buttons, Document: doc, FileID: fileID,
	})
	chat := s.chatObjectLocked(chatID)
	m := messageObject(chat, id, text, buttons)
	if len(entities) > 0 {
		m["entities"] = s.entityObjects(entities)
	}
	s.notify()
	s.mu.Unlock()

	if thread != 0 {
		m["message_thread_id"] = thread
		m["is_topic_message"] = true
	}
	if doc != nil {
		delete(m, "text")
		m["caption"] = text
		m["document"] = docObj
		if e, ok := m["entities"]; ok {
			delete(m, "entities")
			m["caption_entities"] = e
		}
	}
	return m
}

func (s *Server) editMessageText(w http.ResponseWriter, _ *http.Request, c *Call) {
	if strings.TrimSpace(c.Params["text"]) == "" {
		badRequest(w, "message text is empty")
		return
	}
	if utf16Len(c.Params["text"]) > 4096 {
		badRequest(w, "MESSAGE_TOO_LONG")
		return
	}
	entities, ok := s.entitiesParam(w, c, "entities", c.Params["text"])
	if !ok {
		return
	}
	s.edit(w, c, c.Params["text"], entities, true)
}

func (s *Server) editMessageReplyMarkup(w http.ResponseWriter, _ *http.Request, c *Call) {
	s.edit(w, c, "", nil, false)
}

// edit changes a stored message: its text and entities (withText) and its
// keyboard. As in Telegram, an edit without reply_markup removes the
// keyboard, and an edit that changes nothing fails with "message is not
// modified".
func (s *Server) edit(w http.ResponseWriter, c *Call, text string, entities []Entity, withText bool) {
	chatID, ok := chatParam(w, c)
	if !ok {
		return
	}
	buttons, ok := markupParam(w, c)
	if !ok {
		return
	}
	id, _ := strconv.Atoi(c.Params["message_id"])
	s.mu.Lock()
	m := s.messages[msgKey{chatID, id}]
	switch {
	case m == nil:
		s.mu.Unlock()
		badRequest(w, "message to edit not found")
		return
	case !withText:
		text, entities = m.text, m.entities
	}
	if m.text == text && reflect.DeepEqual(m.entities, entities) && reflect.DeepEqual(m.buttons, buttons) {
		s.mu.Unlock()
		badRequest(w, errNotModified)
		return
	}
	m.text, m.entities, m.buttons = text, entities, buttons
	s.sent = append(s.sent, SentMessage{Method: c.Method, ChatID: chatID, MessageID: id, Text: text,
		Entities: entities, Buttons: buttons})
	chat := s.chatObjectLocked(chatID)
	obj := messageObject(chat, id, text, buttons)
	if len(entities) > 0 {
		obj["entities"] = s.entityObjects(entities)
	}
	s.notify()
	s.mu.Unlock()
	writeResult(w, obj)
}

func (s *Server) answerCallbackQuery(w http.ResponseWriter, _ *http.Request, c *Call) {
	id := c.Params["callback_query_id"]
	s.mu.Lock()
	defer s.mu.Unlock()
	if answered, ok := s.callbacks[id]; !ok || answered {
		badRequest(w, errQueryTooOld)
		return
	}
	s.callbacks[id] = true
	s.answers = append(s.answers, Answer{CallbackID: id, Text: c.Params["text"], ShowAlert: c.Params["show_alert"] == "true"})
	s.notify()
	writeResult(w, true)
}

// setMyCommands stores a command menu for a scope and language, checked
// as the Bot API checks them: the scope as a BotCommandScope JSON object
// (default scope when absent), the chat of a chat scope known to the bot,
// language_code empty or two letters, at most 100 valid commands.
func (s *Server) setMyCommands(w http.ResponseWriter, _ *http.Request, c *Call) {
	key, ok := s.menuKey(w, c)
	if !ok {
		return
	}
	var cmds []BotCommand
	if raw := c.Params["commands"]; raw != "" {
		if err := json.Unmarshal([]byte(raw), &cmds); err != nil {
			badRequest(w, "can't parse commands JSON object")
			return
		}
	}
	if len(cmds) > 100 {
		badRequest(w, "BOT_COMMANDS_TOO_MUCH")
		return
	}
	for _, cmd := range cmds {
		if !validCommand(cmd.Command) {
			badRequest(w, "BOT_COMMAND_INVALID")
			return
		}
		if d := utf16Len(cmd.Description); d == 0 || d > 256 {
			badRequest(w, "BOT_COMMAND_DESCRIPTION_INVALID")
			return
		}
	}
	s.mu.Lock()
	if len(cmds) == 0 {
		delete(s.commands, key) // an empty list is no list: the next scope's shows
	} else {
		s.commands[key] = cmds
	}
	s.notify()
	s.mu.Unlock()
	writeResult(w, true)
}

// deleteMyCommands removes the menu of a scope and language.
func (s *Server) deleteMyCommands(w http.ResponseWriter, _ *http.Request, c *Call) {
	key, ok := s.menuKey(w, c)
	if !ok {
		return
	}
	s.mu.Lock()
	delete(s.commands, key)
	s.notify()
	s.mu.Unlock()
	writeResult(w, true)
}

// getMyCommands answers the menu of exactly a scope and language ([] when
// none is set).
func (s *Server) getMyCommands(w http.ResponseWriter, _ *http.Request, c *Call) {
	key, ok := s.menuKey(w, c)
	if !ok {
		return
	}
	s.mu.Lock()
	cmds := slices.Clone(s.commands[key])
	s.mu.Unlock()
	if cmds == nil {
		cmds = []BotCommand{}
	}
	writeResult(w, cmds)
}

// menuKey reads a menu call's scope and language_code, answering 400 with
// the Bot API's description when they are wrong.
func (s *Server) menuKey(w http.ResponseWriter, c *Call) (menuKey, bool) {
	lang := c.Params["language_code"]
	if lang != "" && !isLanguageCode(lang) {
		badRequest(w, "invalid language code specified")
		return menuKey{}, false
	}
	scope := "default"
	if raw, ok := c.Params["scope"]; ok && raw != "" {
		var err string
		if scope, err = s.parseScope(raw); err != "" {
			badRequest(w, err)
			return menuKey{}, false
		}
	}
	return menuKey{scope: scope, lang: lang}, true
}

// parseScope reads a BotCommandScope into a key ("default", "chat:42");
// the second result is the error's description.
func (s *Server) parseScope(raw string) (string, string) {
	var obj map[string]json.RawMessage
	if json.Unmarshal([]byte(raw), &obj) != nil {
		if json.Valid([]byte(raw)) {
			return "", "can't parse BotCommandScope: BotCommandScope must be an Object"
		}
		return "", "can't parse BotCommandScope JSON object"
	}
	var typ string
	if json.Unmarshal(obj["type"], &typ) != nil {
		return "", `can't parse BotCommandScope: Can't find field "type"`
	}
	switch typ {
	case "default", "all_private_chats", "all_group_chats", "all_chat_administrators":
		return typ, ""
	case "chat", "chat_administrators", "chat_member":
	default:
		return "", "can't parse BotCommandScope: Unsupported type specified"
	}
	chat, ok := idField(obj["chat_id"])
	switch {
	case !ok && len(obj["chat_id"]) == 0:
		return "", `can't parse BotCommandScope: Can't find field "chat_id"`
	case chat == "":
		return "", "can't parse BotCommandScope: Empty chat_id specified"
	}
	id, err := strconv.ParseInt(chat, 10, 64)
	s.mu.Lock()
	known := err == nil && s.chats[id]
	s.mu.Unlock()
	if !known {
		return "", "chat not found"
	}
	key := typ + ":" + chat
	if typ == "chat_member" {
		user, ok := idField(obj["user_id"])
		if n, err := strconv.ParseInt(user, 10, 64); !ok || err != nil || n <= 0 {
			return "", "can't parse BotCommandScope: Invalid user_id specified"
		}
		key += ":" + user
	}
	return key, ""
}

// idField reads an id given as a JSON number or string.
func idField(raw json.RawMessage) (string, bool) {
	var str string
	if json.Unmarshal(raw, &str) == nil {
		return str, true
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String(), true
	}
	return "", false
}

// isLanguageCode reports whether s is a two-letter ISO 639-1 code.
func isLanguageCode(s string) bool {
	return len(s) == 2 && s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z'
}

func (s *Server) setWebhook(w http.ResponseWriter, _ *http.Request, c *Call) {
	if c.Params["url"] == "" {
		badRequest(w, "bad webhook: An HTTPS URL must be provided for webhook")
		return
	}
	s.mu.Lock()
	s.hook = webhook{url: c.Params["url"], secret: c.Params["secret_token"]}
	s.notify()
	s.mu.Unlock()
	writeResult(w, true)
}

func (s *Server) deleteWebhook(w http.ResponseWriter, _ *http.Request, c *Call) {
	s.mu.Lock()
	s.hook = webhook{}
	if c.Params["drop_pending_updates"] == "true" {
		s.pending = nil
	}
	s.notify()
	s.mu.Unlock()
	writeResult(w, true)
}

func messageObject(chat map[string]any, id int, text string, buttons [][]Button) map[string]any {
	m := map[string]any{
		"message_id": id,
		"from":       botObject(),
		"chat":       chat,
		"date":       time.Now().Unix(),
		"text":       text,
	}
	if len(buttons) > 0 {
		m["reply_markup"] = map[string]any{"inline_keyboard": buttons}
	}
	return m
}

func chatParam(w http.ResponseWriter, c *Call) (int64, bool) {
	id, err := strconv.ParseInt(c.Params["chat_id"], 10, 64)
	if err != nil || id == 0 {
		badRequest(w, "chat not found")
		return 0, false
	}
	return id, true
}

// markupParam decodes reply_markup; an empty inline keyboard is none.
func markupParam(w http.ResponseWriter, c *Call) ([][]Button, bool) {
	raw, ok := c.Params["reply_markup"]
	if !ok {
		return nil, true
	}
	var kb struct {
		InlineKeyboard [][]Button `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(raw), &kb); err != nil {
		badRequest(w, "can't parse reply keyboard markup JSON object")
		return nil, false
	}
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			if b.Text == "" {
				badRequest(w, "text buttons are unallowed in the inline keyboard")
				return nil, false
			}
			if b.Data == "" || len(b.Data) > 64 {
				badRequest(w, "BUTTON_DATA_INVALID")
				return nil, false
			}
		}
	}
	if len(kb.InlineKeyboard) == 0 {
		return nil, true
	}
	return kb.InlineKeyboard, true
}

func validCommand(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// utf16Len measures text as Telegram does, in UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r > 0xFFFF {
			n++
		}
	}
	return n
}
