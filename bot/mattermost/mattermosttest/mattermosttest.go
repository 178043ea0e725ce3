// Package mattermosttest bootstraps a real Mattermost server through its REST API for end-to-end tests and acts
// as its users: a system admin, a fresh team and public channel, a bot account with a user access token, and
// ordinary users created on demand.
//
// Start a server with `MM_WORKDIR=/tmp/mm bash shared/mattermost-server/start.sh` and run the tests with
// MM_URL=http://127.0.0.1:8065. Every Bootstrap creates uniquely named team, channel, bot and users, so many
// runs (and parallel tests) can share one server; nothing is deleted afterwards.
package mattermosttest

import (
	"context"
	"crypto/rand"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
)

// Fixed credentials of the system admin that Bootstrap creates on a fresh server and logs in as on later runs.
const (
	AdminUsername = "dealdesk-admin"
	AdminEmail    = "dealdesk-admin@example.com"
	// Password is the password of the admin and of every user that NewUser creates.
	Password = "Passw0rd!dealdesk"
)

// callTimeout bounds every single REST call.
const callTimeout = 30 * time.Second

// URL returns the server URL from the MM_URL environment variable, or "" when unset.
func URL() string {
	return strings.TrimRight(strings.TrimSpace(os.Getenv("MM_URL")), "/")
}

// Require returns the server URL from MM_URL, or skips the test with a clear message when MM_URL is unset, except
// when CI=true, where a missing server fails the test. A set MM_URL whose server does not answer fails the test.
func Require(tb testing.TB) string {
	tb.Helper()
	url := URL()
	if url == "" {
		msg := "MM_URL is not set: start a server with `MM_WORKDIR=/tmp/mm bash shared/mattermost-server/start.sh` " +
			"and run with MM_URL=http://127.0.0.1:8065"
		if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
			tb.Fatal("mattermosttest: " + msg + " (CI=true, so this is a failure)")
		}
		tb.Skip("mattermosttest: " + msg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, _, err := model.NewAPIv4Client(url).GetPing(ctx); err != nil {
		tb.Fatalf("mattermosttest: MM_URL=%s does not answer /api/v4/system/ping: %v", url, err)
	}
	return url
}

// User is a Mattermost account the test acts as. Client is logged in (a session token for people, the user access
// token for the bot) and Token holds that token; Password is empty for the bot.
type User struct {
	ID, Username, Password, Token string
	Client                        *model.Client4

	teamID string // team for slash commands, which Mattermost cannot infer in a direct channel
}

// Env is one bootstrapped test world on a shared server.
type Env struct {
	URL     string
	Admin   *User          // the system admin (AdminUsername)
	Team    *model.Team    // a fresh open team
	Channel *model.Channel // a fresh public channel "Work chat" in Team
	Bot     *User          // a fresh bot account in Team and Channel, with a user access token
	Users   map[string]*User

	mu sync.Mutex // guards Users
}

// Bootstrap logs in as the system admin (creating it on a fresh server) and creates a fresh team, public channel
// and bot account with a user access token. The names carry a random suffix, so many runs can share one server.
func Bootstrap(tb testing.TB, url string) *Env {
	tb.Helper()
	url = strings.TrimRight(url, "/")
	e := &Env{URL: url, Users: map[string]*User{}}
	e.Admin = adminLogin(tb, url)
	ensureBotSettings(tb, e.Admin.Client)
	sfx := suffix()
	c, cancel := callCtx()
	defer cancel()

	team, _, err := e.Admin.Client.CreateTeam(c, &model.Team{
		Name: "dd-" + sfx, DisplayName: "DealDesk " + sfx, Type: model.TeamOpen, AllowOpenInvite: true,
	})
	check(tb, "CreateTeam", err)
	e.Team = team
	e.Admin.teamID = team.Id
	ch, _, err := e.Admin.Client.CreateChannel(c, &model.Channel{
		TeamId: team.Id, Name: "work-chat", DisplayName: "Work chat", Type: model.ChannelTypeOpen,
	})
	check(tb, "CreateChannel", err)
	e.Channel = ch

	bot, _, err := e.Admin.Client.CreateBot(c, &model.Bot{
		Username: "dealdesk-" + sfx, DisplayName: "DealDesk", Description: "DealDesk end-to-end test bot",
	})
	check(tb, "CreateBot", err)
	e.join(tb, bot.UserId)
	tok, _, err := e.Admin.Client.CreateUserAccessToken(c, bot.UserId, "dealdesk e2e "+sfx, 0)
	check(tb, "CreateUserAccessToken", err)
	bc := model.NewAPIv4Client(url)
	bc.SetToken(tok.Token)
	e.Bot = &User{ID: bot.UserId, Username: bot.Username, Token: tok.Token, Client: bc, teamID: team.Id}
	return e
}

// NewUser returns the ordinary user with the short name (lowercase letters, digits, '.', '-', '_', starting with a
// letter, at most 13 characters), creating it on first use: a fresh account with a unique username and Password,
// logged in, member of Team and Channel. NewUser is safe for concurrent use.
func (e *Env) NewUser(tb testing.TB, name string) *User {
	tb.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	if u, ok := e.Users[name]; ok {
		return u
	}
	if !validShortName(name) {
		tb.Fatalf("mattermosttest: NewUser(%q): use 1-13 characters [a-z0-9.-_] starting with a letter", name)
	}
	username := name + "-" + suffix()
	c, cancel := callCtx()
	defer cancel()
	created, _, err := e.Admin.Client.CreateUser(c, &model.User{
		Username: username, Email: username + "@example.com", Password: Password,
		FirstName: name, EmailVerified: true,
	})
	check(tb, "CreateUser "+username, err)
	e.join(tb, created.Id)
	u := login(tb, e.URL, username)
	u.teamID = e.Team.Id
	e.Users[name] = u
	return u
}

// DM returns the direct channel between u and the bot, creating it if needed.
func (e *Env) DM(tb testing.TB, u *User) *model.Channel {
	tb.Helper()
	c, cancel := callCtx()
	defer cancel()
	ch, _, err := u.Client.CreateDirectChannel(c, u.ID, e.Bot.ID)
	check(tb, "CreateDirectChannel", err)
	return ch
}

// join adds a user to the env's team and channel as the admin.
func (e *Env) join(tb testing.TB, userID string) {
	tb.Helper()
	c, cancel := callCtx()
	defer cancel()
	_, _, err := e.Admin.Client.AddTeamMember(c, e.Team.Id, userID)
	check(tb, "AddTeamMember", err)
	_, _, err = e.Admin.Client.AddChannelMember(c, e.Channel.Id, userID)
	check(tb, "AddChannelMember", err)
}

// adminLogin logs in as AdminUsername, creating the account first if the login fails; on a fresh server the
// first account becomes system admin. If the account exists but is not an admin (someone else created the first
// user), it is promoted through the local-mode socket named by MM_LOCAL_SOCKET, if set.
func adminLogin(tb testing.TB, url string) *User {
	tb.Helper()
	c, cancel := callCtx()
	defer cancel()
	client := model.NewAPIv4Client(url)
	me, _, err := client.Login(c, AdminUsername, Password)
	if err != nil {
		// a parallel Bootstrap may create it at the same moment: ignore the error and let Login decide
		_, _, cerr := client.CreateUser(c, &model.User{
			Username: AdminUsername, Email: AdminEmail, Password: Password, EmailVerified: true,
		})
		if me, _, err = client.Login(c, AdminUsername, Password); err != nil {
			tb.Fatalf("mattermosttest: cannot log in as %s (create: %v): %v", AdminUsername, cerr, err)
		}
	}
	if !me.IsSystemAdmin() {
		promote(tb, me.Id)
		if me, _, err = client.Login(c, AdminUsername, Password); err != nil {
			tb.Fatalf("mattermosttest: log in after promotion: %v", err)
		}
	}
	return &User{ID: me.Id, Username: me.Username, Password: Password, Token: client.AuthToken, Client: client}
}

// promote makes a user system admin through the local-mode socket in MM_LOCAL_SOCKET.
func promote(tb testing.TB, userID string) {
	tb.Helper()
	sock := os.Getenv("MM_LOCAL_SOCKET")
	if sock == "" {
		tb.Fatalf("mattermosttest: %s exists but is not a system admin (the server's first user is someone else); "+
			"use a fresh server, or set MM_LOCAL_SOCKET to its local-mode socket (start.sh: $MM_WORKDIR/mm/local.socket)",
			AdminUsername)
	}
	c, cancel := callCtx()
	defer cancel()
	_, err := model.NewAPIv4SocketClient(sock).UpdateUserRoles(c, userID, model.SystemUserRoleId+" "+model.SystemAdminRoleId)
	check(tb, "UpdateUserRoles through "+sock, err)
}

// ensureBotSettings turns on bot accounts and user access tokens if the server has them off.
func ensureBotSettings(tb testing.TB, admin *model.Client4) {
	tb.Helper()
	c, cancel := callCtx()
	defer cancel()
	cfg, _, err := admin.GetConfig(c)
	check(tb, "GetConfig", err)
	s := cfg.ServiceSettings
	if s.EnableBotAccountCreation != nil && *s.EnableBotAccountCreation &&
		s.EnableUserAccessTokens != nil && *s.EnableUserAccessTokens {
		return
	}
	patch := &model.Config{}
	patch.ServiceSettings.EnableBotAccountCreation = model.NewPointer(true)
	patch.ServiceSettings.EnableUserAccessTokens = model.NewPointer(true)
	_, _, err = admin.PatchConfig(c, patch)
	check(tb, "PatchConfig (enable bot accounts and user access tokens)", err)
}

// login logs a user in with Password.
func login(tb testing.TB, url, username string) *User {
	tb.Helper()
	c, cancel := callCtx()
	defer cancel()
	client := model.NewAPIv4Client(url)
	me, _, err := client.Login(c, username, Password)
	check(tb, "Login "+username, err)
	return &User{ID: me.Id, Username: me.Username, Password: Password, Token: client.AuthToken, Client: client}
}

// suffix returns 8 random characters [a-z0-9] for unique names.
func suffix() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// validShortName reports whether name, with a 9-character suffix, makes a valid Mattermost username.
func validShortName(name string) bool {
	if len(name) == 0 || len(name) > 13 || name[0] < 'a' || name[0] > 'z' {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// callCtx bounds one REST call.
func callCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), callTimeout)
}

// check fails the test when a REST call failed.
func check(tb testing.TB, what string, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatalf("mattermosttest: %s: %v", what, err)
	}
}
