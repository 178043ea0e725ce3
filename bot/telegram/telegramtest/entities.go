package telegramtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// Entity is a MessageEntity the bot sent with a text or a caption (the
// entities or caption_entities parameter), as the fake took it.
type Entity struct {
	Type   string      `json:"type"`
	Offset int         `json:"offset"` // UTF-16 code units
	Length int         `json:"length"` // UTF-16 code units
	URL    string      `json:"url,omitempty"`
	User   *EntityUser `json:"user,omitempty"` // text_mention only
}

// EntityUser is the user a text_mention entity mentions.
type EntityUser struct {
	ID int64 `json:"id"`
}

// maxEntityBound is the largest offset or length the Bot API takes.
const maxEntityBound = 1000000

// entityTypes are the MessageEntity types the Bot API takes: true for
// those it keeps, false for those it drops and finds again in the text
// itself (mention, hashtag, url…).
var entityTypes = map[string]bool{
	"bold": true, "italic": true, "underline": true, "strikethrough": true, "spoiler": true, "code": true,
	"pre": true, "text_link": true, "text_mention": true, "custom_emoji": true, "blockquote": true,
	"expandable_blockquote": true,
	"mention":               false, "hashtag": false, "cashtag": false, "bot_command": false, "url": false,
	"email": false, "phone_number": false, "bank_card_number": false,
}

// entitiesParam reads and checks the entities of a text sent with a call
// (field is "entities" or "caption_entities") as the Bot API does: a value
// that is no JSON array is ignored; an entity that is no object, lacks a
// field or has an unknown type is refused ("can't parse MessageEntity: …");
// an offset or length out of range, an entity that begins or ends past the
// end of the text (in UTF-16 code units), or a text_mention of a user the
// bot never met (none of the fake's users wrote to it) is refused with
// Telegram's description. Empty entities are dropped. It answers 400 and
// reports false when the entities are refused.
func (s *Server) entitiesParam(w http.ResponseWriter, c *Call, field, text string) ([]Entity, bool) {
	raw := c.Params[field]
	if raw == "" {
		return nil, true
	}
	var list []json.RawMessage
	if json.Unmarshal([]byte(raw), &list) != nil {
		return nil, true // the Bot API logs it and sends the text without entities
	}
	var out []Entity
	for _, item := range list {
		e, keep, err := parseEntity(item)
		if err != "" {
			badRequest(w, "can't parse MessageEntity: "+err)
			return nil, false
		}
		if keep {
			out = append(out, e)
		}
	}
	for _, e := range out {
		if e.Offset < 0 || e.Offset > maxEntityBound {
			badRequest(w, fmt.Sprintf("receive an entity with incorrect offset %d", e.Offset))
			return nil, false
		}
		if e.Length < 0 || e.Length > maxEntityBound {
			badRequest(w, fmt.Sprintf("receive an entity with incorrect length %d", e.Length))
			return nil, false
		}
	}
	size := utf16Len(text)
	kept := out[:0]
	for _, e := range out {
		switch {
		case e.Length == 0:
			continue
		case e.Offset > size:
			badRequest(w, fmt.Sprintf("entity begins after the end of the text at UTF-16 offset %d", e.Offset))
			return nil, false
		case e.Offset+e.Length > size:
			badRequest(w, fmt.Sprintf("entity beginning at UTF-16 offset %d ends after the end of the text at UTF-16 offset %d",
				e.Offset, e.Offset+e.Length))
			return nil, false
		}
		if e.User != nil {
			s.mu.Lock()
			known := s.users[e.User.ID]
			s.mu.Unlock()
			if !known {
				badRequest(w, "user not found")
				return nil, false
			}
		}
		kept = append(kept, e)
	}
	if len(kept) == 0 {
		return nil, true
	}
	return kept, true
}

// parseEntity reads one MessageEntity; keep is false for a type the Bot
// API drops, err the description of a refusal.
func parseEntity(raw json.RawMessage) (e Entity, keep bool, err string) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil || obj == nil {
		return e, false, "expected an Object"
	}
	var msg string
	if e.Offset, msg = intField(obj, "offset"); msg != "" {
		return e, false, msg
	}
	if e.Length, msg = intField(obj, "length"); msg != "" {
		return e, false, msg
	}
	t, ok := obj["type"]
	if !ok {
		return e, false, `Can't find field "type"`
	}
	if json.Unmarshal(t, &e.Type) != nil {
		return e, false, `Field "type" must be of type String`
	}
	keep, known := entityTypes[e.Type]
	switch {
	case e.Type == "":
		return e, false, "Type is not specified"
	case !known:
		return e, false, "Unsupported type specified"
	}
	switch e.Type {
	case "text_link":
		u, ok := obj["url"]
		if !ok {
			return e, false, `Can't find field "url"`
		}
		if json.Unmarshal(u, &e.URL) != nil {
			return e, false, `Field "url" must be of type String`
		}
	case "text_mention":
		u, ok := obj["user"]
		if !ok {
			return e, false, `Can't find field "user"`
		}
		var user map[string]json.RawMessage
		if json.Unmarshal(u, &user) != nil || user == nil {
			return e, false, `Field "user" must be of type Object`
		}
		id, ok := user["id"]
		if !ok {
			return e, false, `Can't find field "id"`
		}
		n, valid := idField(id)
		userID, perr := strconv.ParseInt(n, 10, 64)
		if !valid || perr != nil {
			return e, false, `Field "id" must be a valid Number`
		}
		e.User = &EntityUser{ID: userID}
	}
	return e, keep, ""
}

// intField reads a required integer field, given as a JSON number or a
// string of digits as the Bot API allows.
func intField(obj map[string]json.RawMessage, name string) (int, string) {
	raw, ok := obj[name]
	if !ok {
		return 0, fmt.Sprintf("Can't find field %q", name)
	}
	var n json.Number
	if json.Unmarshal(raw, &n) != nil {
		var str string
		if json.Unmarshal(raw, &str) != nil {
			return 0, fmt.Sprintf("Field %q must be a Number", name)
		}
		n = json.Number(str)
	}
	v, err := strconv.ParseInt(string(n), 10, 32)
	if err != nil {
		return 0, fmt.Sprintf("Field %q must be a valid Number", name)
	}
	return int(v), ""
}

// entityObjects are the entities of a Message object the fake answers
// with, each text_mention naming its user in full; s.mu must be held.
func (s *Server) entityObjects(es []Entity) []map[string]any {
	out := make([]map[string]any, 0, len(es))
	for _, e := range es {
		obj := map[string]any{"type": e.Type, "offset": e.Offset, "length": e.Length}
		if e.URL != "" {
			obj["url"] = e.URL
		}
		if e.User != nil {
			obj["user"] = s.userObject(e.User.ID)
		}
		out = append(out, obj)
	}
	return out
}
