package telegram

import (
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/dealdesk/dealdesk/bot"
)

// entity is a Bot API MessageEntity; DealDesk sends only text_mention
// ones, which mention a user by id (Telegram users often have no
// @username) under a text of the bot's choosing, and notify them.
type entity struct {
	Type   string      `json:"type"`
	Offset int         `json:"offset"` // UTF-16 code units
	Length int         `json:"length"` // UTF-16 code units
	User   *entityUser `json:"user,omitempty"`
}

type entityUser struct {
	ID int64 `json:"id"`
}

// withMentions puts the line of the people a message mentions before its
// text: their names joined with ", ", each name a text_mention of its
// user. A mention whose id is no Telegram user id is left out, and a user
// is mentioned once; a name is shown on one line (its id when it has
// none). With no one to mention the text is returned as it is.
func withMentions(text string, people []bot.Mention) (string, []entity) {
	var (
		line     strings.Builder
		entities []entity
		seen     = map[int64]bool{}
	)
	for _, m := range people {
		id, err := strconv.ParseInt(m.ID, 10, 64)
		if err != nil || id <= 0 || seen[id] {
			continue
		}
		seen[id] = true
		name := strings.Join(strings.Fields(m.Name), " ")
		if name == "" {
			name = m.ID
		}
		if line.Len() > 0 {
			line.WriteString(", ")
		}
		offset := textLen(line.String())
		line.WriteString(name)
		entities = append(entities, entity{Type: "text_mention", Offset: offset, Length: textLen(name),
			User: &entityUser{ID: id}})
	}
	switch {
	case len(entities) == 0:
		return text, nil
	case text == "":
		return line.String(), entities
	}
	return line.String() + "\n" + text, entities
}

// within returns the entities that lie wholly in the first n UTF-16 units
// of their text: those of a text cut to its first part or its start.
func within(entities []entity, n int) []entity {
	var out []entity
	for _, e := range entities {
		if e.Offset+e.Length <= n {
			out = append(out, e)
		}
	}
	return out
}

// addEntities sets a call's entities parameter (entities, or
// caption_entities for a caption) when there are any.
func addEntities(p tgbotapi.Params, field string, entities []entity) error {
	if len(entities) == 0 {
		return nil
	}
	return p.AddInterface(field, entities)
}
