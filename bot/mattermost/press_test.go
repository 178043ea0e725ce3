package mattermost_test

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/mattermost"
	"github.com/dealdesk/dealdesk/bot/usecases"
	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/locales"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

// pressFor posts a button press to DealDesk's endpoint as the Mattermost
// server does, and returns the answer's status and ephemeral text.
func pressFor(t *testing.T, endpoint string, req model.PostActionIntegrationRequest) (int, string) {
	t.Helper()
	body, _ := json.Marshal(req)
	var resp *http.Response
	var err error
	for range 50 { // the endpoint starts with Run
		if resp, err = http.Post(endpoint, "application/json", strings.NewReader(string(body))); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var answer model.PostActionIntegrationResponse
	if resp.StatusCode == http.StatusOK {
		if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
			t.Fatal(err)
		}
	}
	return resp.StatusCode, answer.EphemeralText
}

// transportWith is newTransport whose presses wait for an answer as long
// as wait.
func transportWith(t *testing.T, f *fakeServer, wait time.Duration) (*mattermost.Transport, mattermost.Config) {
	t.Helper()
	cfg := mattermost.Config{URL: f.URL, Token: "good-token", HTTPAddr: freeAddr(t), Secret: []byte("secret"),
		CommandToken: "cmd-token", ReconnectMin: 50 * time.Millisecond, ReconnectMax: 100 * time.Millisecond,
		PressAnswerWait: wait}
	tr, err := mattermost.New(context.Background(), cfg, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	return tr, cfg
}

// TestPressAnswersWaitForTheBot: the answer to a press waits for DealDesk
// to handle it: a refusal (Popup) is its ephemeral text, any other answer
// is empty, and a Popup after the answer has gone fails.
func TestPressAnswersWaitForTheBot(t *testing.T) {
	f := newFake(t)
	tr, cfg := transportWith(t, f, 2*time.Second)
	got := run(t, tr)
	if _, err := tr.Send(context.Background(), &bot.Message{ChatID: channelID, Text: "Вопрос",
		Buttons: [][]bot.ButtonView{{{Label: "Да", Token: "tok-yes"}}}}); err != nil {
		t.Fatal(err)
	}
	p := f.last(t)
	req := model.PostActionIntegrationRequest{UserId: userID, ChannelId: channelID, PostId: p.Id,
		Context: p.Attachments()[0].Actions[0].Integration.Context}
	endpoint := "http://" + cfg.HTTPAddr + mattermost.ActionPath
	answer := func(f func(u *bot.Update)) (int, string) {
		done := make(chan struct{})
		var code int
		var text string
		go func() {
			defer close(done)
			code, text = pressFor(t, endpoint, req)
		}()
		u := <-got
		if u.CallbackID == "" {
			t.Error("a press has no CallbackID to be answered by")
		}
		f(u)
		<-done
		if err := tr.Popup(context.Background(), u.CallbackID, "late"); err == nil {
			t.Error("a pop-up after the press was answered did not fail")
		}
		return code, text
	}
	code, text := answer(func(u *bot.Update) {
		if err := tr.Popup(context.Background(), u.CallbackID, "Эта кнопка не для вас."); err != nil {
			t.Fatal(err)
		}
	})
	if code != http.StatusOK || text != "Эта кнопка не для вас." {
		t.Fatalf("a refused press answered %d %q, want its ephemeral text", code, text)
	}
	code, text = answer(func(u *bot.Update) { _ = tr.Answer(context.Background(), u.CallbackID, "Готово") })
	if code != http.StatusOK || text != "" {
		t.Fatalf("a handled press answered %d %q, want no ephemeral text", code, text)
	}
}

// TestRefusedPressInAChannel: with the real bot, a press of a stale button
// in a channel is answered with an ephemeral text for the presser alone
// and nothing is posted; when the bot answers later than the server waits,
// the refusal is posted in the channel instead.
func TestRefusedPressInAChannel(t *testing.T) {
	for _, late := range []bool{false, true} {
		f := newFake(t)
		wait := 5 * time.Second
		if late {
			wait = time.Millisecond
		}
		tr, cfg := transportWith(t, f, wait)
		db, err := bolt.Open(filepath.Join(t.TempDir(), "dealdesk.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		svc := core.NewService(db, core.WithPlatforms(mattermost.Platform))
		ctx, cancel := context.WithCancel(context.Background())
		if err := svc.SeedAdmins(ctx, []core.Admin{{Identity: core.Identity(mattermost.Platform, userID), Name: "Ольга"}}); err != nil {
			t.Fatal(err)
		}
		bundle := locales.MustLoad()
		b := bot.New(bot.Config{Service: svc, Locales: bundle, Logger: zerolog.Nop(), UseCases: usecases.All})
		b.AddTransport(tr)
		done := make(chan struct{}, 2)
		runBot := func() { go func() { b.Run(ctx, 20*time.Millisecond, time.Second); done <- struct{}{} }() }
		if !late {
			runBot()
		}
		go func() { _ = tr.Run(ctx, b); done <- struct{}{} }()
		t.Cleanup(func() { cancel(); <-done; <-done })

		if _, err := tr.Send(ctx, &bot.Message{ChatID: channelID, Text: "Вопрос",
			Buttons: [][]bot.ButtonView{{{Label: "Да", Token: "tok-of-a-past-run"}}}}); err != nil {
			t.Fatal(err)
		}
		p := f.last(t)
		code, text := pressFor(t, "http://"+cfg.HTTPAddr+mattermost.ActionPath, model.PostActionIntegrationRequest{
			UserId: userID, ChannelId: channelID, PostId: p.Id, Context: p.Attachments()[0].Actions[0].Integration.Context})
		refusal := bundle.Printer("ru", nil).T("err.button.expired", nil)
		if late {
			// The bot handles the press only now, after the server's wait:
			// late for certain, however fast or loaded the machine.
			runBot()
			if code != http.StatusOK || text != "" {
				t.Fatalf("a press answered after the wait: %d %q, want an empty answer", code, text)
			}
			deadline := time.Now().Add(5 * time.Second)
			for f.last(t).Message != refusal && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if got := f.last(t); got.Message != refusal || got.ChannelId != channelID {
				t.Fatalf("the refusal that came too late for the answer was not posted: last post %q", got.Message)
			}
			continue
		}
		if code != http.StatusOK || text != refusal {
			t.Fatalf("a stale press answered %d %q, want the ephemeral text %q", code, text, refusal)
		}
		time.Sleep(100 * time.Millisecond) // the outbox would have posted by now
		if got := f.last(t); got.Id != p.Id {
			t.Fatalf("a refused press was answered in the channel: %q", got.Message)
		}
	}
}
