package mattermosttest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot/mattermost/mattermosttest"
	"github.com/mattermost/mattermost/server/public/model"
)

const wait = 10 * time.Second

// TestKit proves the kit against the real server: a DM with the bot, a bot card with buttons pressed through the
// server into an integration, a thread reply and a custom slash command.
func TestKit(t *testing.T) {
	e := mattermosttest.Bootstrap(t, mattermosttest.Require(t))
	if e.Admin.ID == "" || e.Team == nil || e.Channel == nil || e.Bot == nil || e.Bot.Token == "" {
		t.Fatalf("incomplete env: %+v", e)
	}
	alice := e.NewUser(t, "alice")
	if again := e.NewUser(t, "alice"); again != alice || e.Users["alice"] != alice {
		t.Fatal("NewUser did not return the same user for the same name")
	}
	dm := e.DM(t, alice)
	inbox := e.Listen(t, alice)

	start := time.Now()
	hello := alice.Post(t, dm.Id, "hello bot")
	if got := e.WaitPost(t, dm.Id, alice.ID, "hello", start, wait); got.Id != hello.Id {
		t.Fatalf("WaitPost found %s, want the user's post %s", got.Id, hello.Id)
	}

	card := pressFlow(t, e, alice, dm, hello)

	reply := alice.Reply(t, card, "a note in the thread")
	if reply.RootId != card.Id {
		t.Fatalf("reply root %q, want %q", reply.RootId, card.Id)
	}
	slashFlow(t, e, alice, dm, inbox)

	var ids []string
	for _, p := range e.Posts(t, dm.Id, start) {
		ids = append(ids, p.Id)
	}
	if want := []string{hello.Id, card.Id, reply.Id}; !slices.Equal(ids, want) {
		t.Fatalf("Posts(dm) = %v, want %v oldest first", ids, want)
	}
}

// pressFlow has the bot post a card with two buttons and the user press them: the refused one through an
// integration answering 403, the accepted one through an integration that updates the card.
func pressFlow(t *testing.T, e *mattermosttest.Env, u *mattermosttest.User, dm *model.Channel, after *model.Post) *model.Post {
	t.Helper()
	presses := make(chan model.PostActionIntegrationRequest, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req model.PostActionIntegrationRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		presses <- req
		if r.URL.Path == "/reject" {
			http.Error(w, "no", http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(model.PostActionIntegrationResponse{
			// a nil Props would keep the old props, buttons included; an empty map drops them
			Update:        &model.Post{Message: "Deal 42: approved", Props: model.StringInterface{}},
			EphemeralText: "Approved by you",
		})
	}))
	t.Cleanup(srv.Close)

	button := func(label, path string) *model.PostAction {
		return &model.PostAction{Type: model.PostActionTypeButton, Name: label, Integration: &model.PostActionIntegration{
			URL: srv.URL + path, Context: map[string]any{"deal": "42"},
		}}
	}
	e.Bot.PostAttachments(t, dm.Id, "Deal 42", &model.MessageAttachment{
		Text: "Approve the deal?", Actions: []*model.PostAction{button("Approve", "/approve"), button("Reject", "/reject")},
	})
	card := e.WaitPost(t, dm.Id, e.Bot.ID, "Approve the deal?", mattermosttest.After(after), wait)
	if got := mattermosttest.Buttons(card); !slices.Equal(got, []string{"Approve", "Reject"}) {
		t.Fatalf("Buttons = %q", got)
	}

	if err := u.Press(t, card, "Reject"); err == nil {
		t.Fatal("a press answered 403 by the integration was accepted")
	}
	<-presses
	if err := u.Press(t, card, "Approve"); err != nil {
		t.Fatalf("Press Approve: %v", err)
	}
	req := <-presses
	if req.UserId != u.ID || req.PostId != card.Id || req.ChannelId != dm.Id || req.Context["deal"] != "42" {
		t.Fatalf("integration got %+v, want user %s, post %s, channel %s, deal 42", req, u.ID, card.Id, dm.Id)
	}
	if p := e.WaitPost(t, dm.Id, e.Bot.ID, "approved", time.UnixMilli(card.CreateAt), wait); len(mattermosttest.Buttons(p)) != 0 {
		t.Fatalf("the updated card still has buttons %q", mattermosttest.Buttons(p))
	}
	if err := u.Press(t, card, "Approve"); err == nil || !strings.Contains(err.Error(), "no such button") {
		t.Fatalf("pressing a removed button: %v", err)
	}
	return card
}

// slashFlow creates a custom slash command and runs it in the team channel and in the DM with the bot.
func slashFlow(t *testing.T, e *mattermosttest.Env, u *mattermosttest.User, dm *model.Channel, inbox *mattermosttest.Inbox) {
	t.Helper()
	var cmd *model.Command
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("token") != cmd.Token || r.FormValue("user_id") != u.ID {
			http.Error(w, "bad token or user", http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(model.CommandResponse{
			ResponseType: model.CommandResponseTypeEphemeral,
			Text:         fmt.Sprintf("DealDesk %s: %s", r.FormValue("command"), r.FormValue("text")),
		})
	}))
	t.Cleanup(srv.Close)
	cmd = e.NewCommand(t, "crm", srv.URL)

	for _, ch := range []string{e.Channel.Id, dm.Id} {
		if resp := u.Slash(t, ch, "/crm help"); resp.Text != "DealDesk /crm: help" {
			t.Fatalf("Slash in %s answered %+v", ch, resp)
		}
		p := inbox.Wait(t, ch, "", "DealDesk /crm: help", wait)
		if p.Type != model.PostTypeEphemeral {
			t.Fatalf("the ephemeral answer arrived as type %q", p.Type)
		}
	}
	if _, err := u.TrySlash(dm.Id, "/nosuchcommand"); err == nil {
		t.Fatal("an unknown slash command was accepted")
	}
}

// TestWaitPostFailureListsPosts checks that a timed-out WaitPost fails the test and shows what was posted.
func TestWaitPostFailureListsPosts(t *testing.T) {
	e := mattermosttest.Bootstrap(t, mattermosttest.Require(t))
	start := time.Now()
	e.Admin.Post(t, e.Channel.Id, "something else")
	msg := fatalOf(func(tb testing.TB) {
		e.WaitPost(tb, e.Channel.Id, e.Bot.ID, "never", start, 300*time.Millisecond)
	})
	if !strings.Contains(msg, `"something else"`) || !strings.Contains(msg, "bot @"+e.Bot.Username) {
		t.Fatalf("failure message does not list the posts:\n%s", msg)
	}
}

// TestRequire checks that Require skips without MM_URL, and fails instead when CI=true.
func TestRequire(t *testing.T) {
	t.Setenv("MM_URL", "")
	t.Setenv("CI", "")
	reached := false
	t.Run("skips", func(t *testing.T) {
		mattermosttest.Require(t)
		reached = true
	})
	if reached {
		t.Fatal("Require without MM_URL did not skip")
	}
	t.Setenv("CI", "true")
	if msg := fatalOf(func(tb testing.TB) { mattermosttest.Require(tb) }); !strings.Contains(msg, "MM_URL") {
		t.Fatalf("Require with CI=true and no MM_URL did not fail: %q", msg)
	}
}

// fatalTB records the first Fatal or Skip and stops the goroutine, like testing.T does.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Helper()                        {}
func (f *fatalTB) Fatal(args ...any)              { f.msg = fmt.Sprint(args...); panic(f) }
func (f *fatalTB) Fatalf(format string, a ...any) { f.msg = fmt.Sprintf(format, a...); panic(f) }
func (f *fatalTB) Skip(args ...any)               { f.msg = "skip: " + fmt.Sprint(args...); panic(f) }

// fatalOf runs fn and returns the message it failed with, "" if it did not fail.
func fatalOf(fn func(tb testing.TB)) (msg string) {
	f := &fatalTB{}
	defer func() {
		if r := recover(); r != nil && r != any(f) {
			panic(r)
		}
		msg = f.msg
	}()
	fn(f)
	return ""
}
