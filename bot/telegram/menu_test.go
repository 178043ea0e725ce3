package telegram_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/telegram"
	"github.com/dealdesk/dealdesk/bot/telegram/telegramtest"
)

// TestUserCommandMenus: a user's menu goes to their private chat's scope
// (BotCommandScopeChat with their id) in a language, over the default
// one; nil commands delete it, so the default shows again; a user who
// never opened the chat is refused for good.
func TestUserCommandMenus(t *testing.T) {
	s := telegramtest.NewServer(t)
	tr := MustNew(t, testConfig(s))
	ctx := context.Background()
	guest := []bot.CommandInfo{{Command: "start", Description: "войти"}, {Command: "help", Description: "помощь"}}
	manager := []bot.CommandInfo{{Command: "deals", Description: "my deals"}, {Command: "cancel", Description: "leave"}}
	if err := tr.SetCommands(ctx, "", "", guest); err != nil {
		t.Fatal(err)
	}
	err := tr.SetCommands(ctx, "42", "en", manager)
	if !bot.IsPermanent(err) {
		t.Fatalf("a menu for a chat the user never opened: %v, want a permanent error", err)
	}
	s.SendText(42, 42, "/start") // the user opens the chat with the bot
	if err := tr.SetCommands(ctx, "42", "en-GB", manager); err != nil {
		t.Fatal(err)
	}
	calls := s.CallsTo("setMyCommands")
	if p := calls[len(calls)-1].Params; p["scope"] != `{"type":"chat","chat_id":42}` || p["language_code"] != "en" {
		t.Fatalf("scope %s, language %q; want the chat scope of user 42 and en", p["scope"], p["language_code"])
	}
	want := []telegramtest.BotCommand{{Command: "deals", Description: "my deals"}, {Command: "cancel", Description: "leave"}}
	if got := s.MenuShown(42, "en"); !reflect.DeepEqual(got, want) {
		t.Fatalf("an English app shows %+v, want the user's menu", got)
	}
	if got := s.MenuShown(42, "ru"); len(got) != 2 || got[0].Command != "start" {
		t.Fatalf("a Russian app shows %+v, want the default menu (no Russian list of the user's)", got)
	}

	if err := tr.SetCommands(ctx, "42", "en", nil); err != nil {
		t.Fatal(err)
	}
	if n := s.Count("deleteMyCommands"); n != 1 {
		t.Fatalf("deleteMyCommands called %d times", n)
	}
	if _, ok := s.ChatCommands(42, "en"); ok {
		t.Fatal("the user's menu was not deleted")
	}
	if got := s.MenuShown(42, "en"); len(got) != 2 || got[0].Command != "start" {
		t.Fatalf("after the deletion an English app shows %+v, want the default menu", got)
	}
	if err := tr.SetCommands(ctx, "not-a-user", "", manager); !bot.IsPermanent(err) {
		t.Fatalf("a bad user id: %v, want a permanent error", err)
	}
}

// TestCommandMenuRateLimits: menu calls keep to Limits.Menu, and a 429
// from Telegram comes back as a *bot.RateLimitError.
func TestCommandMenuRateLimits(t *testing.T) {
	s := telegramtest.NewServer(t)
	cfg := testConfig(s)
	cfg.Limits.Menu = telegram.Limit{N: 1, Per: 150 * time.Millisecond}
	tr := MustNew(t, cfg)
	ctx := context.Background()
	cmds := []bot.CommandInfo{{Command: "help", Description: "help"}}
	start := time.Now()
	for range 3 {
		if err := tr.SetCommands(ctx, "", "", cmds); err != nil {
			t.Fatal(err)
		}
	}
	if took := time.Since(start); took < 300*time.Millisecond {
		t.Fatalf("3 menu calls at 1 per 150ms took %s", took)
	}
	s.FailNext("setMyCommands", 429, 7)
	var rl *bot.RateLimitError
	if err := tr.SetCommands(ctx, "", "", cmds); !errors.As(err, &rl) || rl.RetryAfter != 7*time.Second {
		t.Fatalf("429: %v, want a rate limit of 7s", err)
	}
}

// TestPopup: a refused press is answered with an alert (show_alert), the
// acknowledgement of any other press with a toast; a late answer fails.
func TestPopup(t *testing.T) {
	s := telegramtest.NewServer(t)
	tr := MustNew(t, testConfig(s))
	ctx := context.Background()
	refused, done := s.Press(-100, 8, 1, "tok-a"), s.Press(-100, 8, 1, "tok-b")
	if err := tr.Popup(ctx, refused, "Эта кнопка не для вас."); err != nil {
		t.Fatal(err)
	}
	if err := tr.Answer(ctx, done, ""); err != nil {
		t.Fatal(err)
	}
	want := []telegramtest.Answer{{CallbackID: refused, Text: "Эта кнопка не для вас.", ShowAlert: true},
		{CallbackID: done}}
	if got := s.Answers(); !reflect.DeepEqual(got, want) {
		t.Fatalf("answers = %+v, want %+v", got, want)
	}
	if err := tr.Popup(ctx, refused, "again"); !bot.IsPermanent(err) {
		t.Fatalf("a second answer: %v, want a permanent error (query is too old)", err)
	}
}
