package telegramtest_test

import (
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/bot/telegram/telegramtest"
)

// TestEntitiesChecked: the entities of a text are checked as the Bot API
// checks them, offsets and lengths in UTF-16 code units (a Cyrillic
// letter is one unit and two bytes, an emoji two units and four bytes);
// a refused one is 400 with Telegram's description and sends nothing, an
// accepted one is recorded with the message and returned in it.
func TestEntitiesChecked(t *testing.T) {
	const chat, user = -1002000, 77
	mention := func(offset, length string) string {
		return `[{"type":"text_mention","offset":` + offset + `,"length":` + length + `,"user":{"id":77}}]`
	}
	tests := []struct {
		name, text, entities string
		want                 []telegramtest.Entity // when accepted
		refusal              string                // the description, when refused
	}{
		{name: "Cyrillic in units", text: "Иван, привет", entities: mention("0", "4"),
			want: []telegramtest.Entity{{Type: "text_mention", Offset: 0, Length: 4, User: &telegramtest.EntityUser{ID: 77}}}},
		{name: "emoji is two units", text: "🎉 Иван", entities: mention("3", "4"),
			want: []telegramtest.Entity{{Type: "text_mention", Offset: 3, Length: 4, User: &telegramtest.EntityUser{ID: 77}}}},
		{name: "whole text", text: "Иван", entities: mention("0", "4"),
			want: []telegramtest.Entity{{Type: "text_mention", Offset: 0, Length: 4, User: &telegramtest.EntityUser{ID: 77}}}},
		{name: "counted in bytes", text: "Иван", entities: mention("0", "8"),
			refusal: "Bad Request: entity beginning at UTF-16 offset 0 ends after the end of the text at UTF-16 offset 8"},
		{name: "emoji whole", text: "Иван 🎉", entities: mention("5", "2"),
			want: []telegramtest.Entity{{Type: "text_mention", Offset: 5, Length: 2, User: &telegramtest.EntityUser{ID: 77}}}},
		{name: "emoji counted in bytes", text: "Иван 🎉", entities: mention("5", "4"),
			refusal: "Bad Request: entity beginning at UTF-16 offset 5 ends after the end of the text at UTF-16 offset 9"},
		{name: "begins past the end", text: "Иван", entities: mention("5", "1"),
			refusal: "Bad Request: entity begins after the end of the text at UTF-16 offset 5"},
		{name: "negative offset", text: "Иван", entities: mention("-1", "2"),
			refusal: "Bad Request: receive an entity with incorrect offset -1"},
		{name: "negative length", text: "Иван", entities: mention("0", "-2"),
			refusal: "Bad Request: receive an entity with incorrect length -2"},
		{name: "empty entity dropped", text: "Иван", entities: mention("9", "0")},
		{name: "unknown user", text: "Иван",
			entities: `[{"type":"text_mention","offset":0,"length":4,"user":{"id":999}}]`,
			refusal:  "Bad Request: user not found"},
		{name: "no user", text: "Иван", entities: `[{"type":"text_mention","offset":0,"length":4}]`,
			refusal: `Bad Request: can't parse MessageEntity: Can't find field "user"`},
		{name: "no offset", text: "Иван", entities: `[{"type":"bold","length":4}]`,
			refusal: `Bad Request: can't parse MessageEntity: Can't find field "offset"`},
		{name: "unknown type", text: "Иван", entities: `[{"type":"sparkle","offset":0,"length":4}]`,
			refusal: "Bad Request: can't parse MessageEntity: Unsupported type specified"},
		{name: "not an object", text: "Иван", entities: `[1]`,
			refusal: "Bad Request: can't parse MessageEntity: expected an Object"},
		{name: "not an array: ignored", text: "Иван", entities: `{"type":"bold"}`},
		{name: "found in the text: dropped", text: "@ivan", entities: `[{"type":"mention","offset":0,"length":5}]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := telegramtest.NewServer(t)
			s.SendText(chat, user, "привет") // the bot knows the user
			code, r := call(t, s, s.Token, "sendMessage", url.Values{"chat_id": {"-1002000"}, "text": {tc.text},
				"entities": {tc.entities}})
			if tc.refusal != "" {
				if code != 400 || r.OK || r.Description != tc.refusal {
					t.Fatalf("got %d %q, want 400 %q", code, r.Description, tc.refusal)
				}
				if sent := s.Sent(); len(sent) != 0 {
					t.Fatalf("a refused message was recorded: %+v", sent)
				}
				return
			}
			if code != 200 || !r.OK {
				t.Fatalf("got %d %q, want it sent", code, r.Description)
			}
			sent := s.Sent()
			if len(sent) != 1 || sent[0].Text != tc.text || !reflect.DeepEqual(sent[0].Entities, tc.want) {
				t.Fatalf("recorded %+v, want entities %+v", sent, tc.want)
			}
			if has := strings.Contains(string(r.Result), `"entities"`); has != (tc.want != nil) {
				t.Errorf("result %s: entities shown %v, want %v", r.Result, has, tc.want != nil)
			}
		})
	}
}

// TestEditEntitiesChecked: editMessageText checks its entities against
// the new text, and an edit that changes only the entities is a change.
func TestEditEntitiesChecked(t *testing.T) {
	const chat, user = -1002000, 77
	s := telegramtest.NewServer(t)
	s.SendText(chat, user, "привет")
	code, r := call(t, s, s.Token, "sendMessage", url.Values{"chat_id": {"-1002000"}, "text": {"Иван"}})
	if code != 200 {
		t.Fatalf("send: %d %q", code, r.Description)
	}
	edit := func(entities string) (int, response) {
		return call(t, s, s.Token, "editMessageText", url.Values{"chat_id": {"-1002000"}, "message_id": {"2"},
			"text": {"Иван"}, "entities": {entities}})
	}
	if code, r := edit(`[{"type":"text_mention","offset":0,"length":5,"user":{"id":77}}]`); code != 400 ||
		r.Description != "Bad Request: entity beginning at UTF-16 offset 0 ends after the end of the text at UTF-16 offset 5" {
		t.Fatalf("edit past the end: %d %q", code, r.Description)
	}
	if code, r := edit(`[{"type":"text_mention","offset":0,"length":4,"user":{"id":77}}]`); code != 200 {
		t.Fatalf("edit adding a mention: %d %q", code, r.Description)
	}
	sent := s.Sent()
	want := []telegramtest.Entity{{Type: "text_mention", Offset: 0, Length: 4, User: &telegramtest.EntityUser{ID: 77}}}
	if len(sent) != 2 || !reflect.DeepEqual(sent[1].Entities, want) {
		t.Fatalf("sent %+v", sent)
	}
}
