package telegramtest_test

import (
	"net/url"
	"testing"

	"github.com/dealdesk/dealdesk/bot/telegram/telegramtest"
)

// TestCommandMenuScopes: setMyCommands, getMyCommands and deleteMyCommands
// take a scope and a language as the Bot API does, with its errors.
func TestCommandMenuScopes(t *testing.T) {
	s := telegramtest.NewServer(t)
	s.SendText(42, 42, "hi") // user 42 opened the chat
	menu := `[{"command":"help","description":"помощь"}]`
	for _, c := range []struct {
		name  string
		form  url.Values
		code  int
		error string
	}{
		{"default scope", url.Values{"commands": {menu}}, 200, ""},
		{"chat scope, number id", url.Values{"commands": {menu}, "scope": {`{"type":"chat","chat_id":42}`}, "language_code": {"en"}}, 200, ""},
		{"chat scope, string id", url.Values{"commands": {menu}, "scope": {`{"type":"chat","chat_id":"42"}`}}, 200, ""},
		{"unknown chat", url.Values{"commands": {menu}, "scope": {`{"type":"chat","chat_id":77}`}}, 400, "Bad Request: chat not found"},
		{"no chat id", url.Values{"commands": {menu}, "scope": {`{"type":"chat"}`}}, 400,
			`Bad Request: can't parse BotCommandScope: Can't find field "chat_id"`},
		{"empty chat id", url.Values{"commands": {menu}, "scope": {`{"type":"chat","chat_id":""}`}}, 400,
			"Bad Request: can't parse BotCommandScope: Empty chat_id specified"},
		{"unknown type", url.Values{"commands": {menu}, "scope": {`{"type":"user"}`}}, 400,
			"Bad Request: can't parse BotCommandScope: Unsupported type specified"},
		{"not JSON", url.Values{"commands": {menu}, "scope": {`{type:chat`}}, 400, "Bad Request: can't parse BotCommandScope JSON object"},
		{"not an object", url.Values{"commands": {menu}, "scope": {`"chat"`}}, 400,
			"Bad Request: can't parse BotCommandScope: BotCommandScope must be an Object"},
		{"regional language", url.Values{"commands": {menu}, "language_code": {"en-US"}}, 400,
			"Bad Request: invalid language code specified"},
		{"bad command", url.Values{"commands": {`[{"command":"Deal","description":"x"}]`}}, 400, "Bad Request: BOT_COMMAND_INVALID"},
	} {
		code, r := call(t, s, s.Token, "setMyCommands", c.form)
		if code != c.code || (c.error != "" && r.Description != c.error) {
			t.Errorf("%s: %d %q, want %d %q", c.name, code, r.Description, c.code, c.error)
		}
	}
	if got, ok := s.ChatCommands(42, "en"); !ok || len(got) != 1 || got[0].Command != "help" {
		t.Fatalf("the chat's English menu = %+v, %v", got, ok)
	}
	_, r := call(t, s, s.Token, "getMyCommands", url.Values{"scope": {`{"type":"chat","chat_id":42}`}, "language_code": {"en"}})
	if string(r.Result) != `[{"command":"help","description":"помощь"}]` {
		t.Fatalf("getMyCommands = %s", r.Result)
	}
	if code, _ := call(t, s, s.Token, "deleteMyCommands", url.Values{"scope": {`{"type":"chat","chat_id":42}`}, "language_code": {"en"}}); code != 200 {
		t.Fatalf("deleteMyCommands answered %d", code)
	}
	if _, ok := s.ChatCommands(42, "en"); ok {
		t.Fatal("deleteMyCommands left the menu")
	}
	_, r = call(t, s, s.Token, "getMyCommands", url.Values{"scope": {`{"type":"chat","chat_id":42}`}, "language_code": {"en"}})
	if string(r.Result) != `[]` {
		t.Fatalf("getMyCommands after the deletion = %s", r.Result)
	}
	if got := s.MenuShown(42, "en"); len(got) != 1 {
		t.Fatalf("the app shows %+v, want the chat's list for every language", got)
	}
}
