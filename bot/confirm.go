package bot

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// ActionConfirmCommand is the action of the button that confirms a command
// whose sender the platform could not prove (Update.Unverified). Its
// payload is the command's update, stored server-side with the token.
const ActionConfirmCommand = "command.confirm"

// confirmTTL is how long a confirmation button works: a command is
// confirmed while its sender still means it, not days later.
const confirmTTL = 15 * time.Minute

// viewPerms are the permissions of commands that only show something.
var viewPerms = []core.Permission{core.PermViewClients, core.PermViewDeals, core.PermViewAllDeals, core.PermHistory}

// needsConfirmation is the rule for a command of an unverified update (one
// that names its sender without proof, such as Mattermost's /crm): it runs
// only once confirmed in the sender's direct chat with the bot when it
// needs a permission other than one to view: the admin's commands
// (invites, roles, users, heads, chat binding) and every command that
// changes data or exports it (clients, deals, tasks, intake, merge).
// Commands that need no permission (help, lang, tz, start, cancel) and
// views (client, clients, deal, deals, history) run at once: they show the
// sender's own data in a chat of which the sender is a member, or change
// only the sender's own settings. A dialog that a view starts (deal new)
// changes nothing until it is answered by posts and presses, which the
// platform proves.
func needsConfirmation(perm core.Permission) bool {
	return perm != "" && !slices.Contains(viewPerms, perm)
}

// registerConfirm registers the framework's confirmation button.
func registerConfirm(r *Router) {
	r.Action(ActionConfirmCommand, "", confirmCommand)
}

// askConfirmation holds back the command of an unverified update: it writes
// to the outbox a message in the sender's direct chat with the bot, with
// the command and a button that runs it, and tells the chat the command
// came from that the confirmation went there. Both are written in the
// update's unit; nothing else happens.
func (c *Context) askConfirmation() error {
	u := c.Update
	held := *u
	held.Unverified, held.Token, held.CallbackID = false, "", ""
	payload, err := json.Marshal(&held)
	if err != nil {
		return err
	}
	now := c.bot.now()
	// The button belongs to the user and is not bound to a chat key: on
	// Mattermost the direct chat's id is known only once the message is
	// sent. confirmCommand checks that it is pressed in a private chat; the
	// platform proves the press (Mattermost: a signature for that chat).
	btn := core.NewButton(ActionConfirmCommand, string(payload), c.User.ID, "", now, confirmTTL)
	c.outcome.Buttons = append(c.outcome.Buttons, btn)
	c.outcome.Messages = append(c.outcome.Messages, &core.OutboxMessage{Platform: u.Platform, ChatID: u.UserID,
		UserID: c.User.ID, Locale: c.P.Lang(), Key: "msg.confirm.ask", InboxID: c.inboxID,
		Args:    map[string]any{"Command": c.typed(), "Chat": u.ChatTitle, "Expires": btn.ExpiresAt},
		Buttons: [][]core.OutboxButton{{{LabelKey: "btn.confirm", Token: btn.Token}}}})
	c.bot.log.Info().Str("platform", u.Platform).Str("chat_id", u.ChatID).Str("user_id", u.UserID).
		Str("command", u.Command).Msg("unverified command held for a confirmation in the direct chat")
	if c.Private() {
		return nil // the confirmation comes to this very chat
	}
	return c.Reply("msg.confirm.sent", nil)
}

// typed is the command as it was typed in its chat: "/crm role 5 admin".
func (c *Context) typed() string {
	text := strings.TrimSpace(c.Update.Text)
	if c.Update.CommandPrefix != "" {
		return c.Update.CommandPrefix + strings.TrimPrefix(text, "/")
	}
	return text
}

// confirmCommand runs a held command once its owner presses the button in
// their private chat with the bot: it is taken again as an update of the
// chat and thread it came from, with its words, and checked there against
// the owner's role as any command. The
// dispatcher has checked the owner and uses the button up.
func confirmCommand(c *Context) error {
	var held Update
	if err := json.Unmarshal([]byte(c.Button.Payload), &held); err != nil || held.Command == "" {
		return core.Errorf(core.EINVALID, "err.button.expired")
	}
	press := c.Update
	if !c.Private() || press.Platform != held.Platform || press.UserID != held.UserID {
		c.bot.log.Warn().Str("platform", press.Platform).Str("chat_id", press.ChatID).Str("user_id", press.UserID).
			Msg("confirmation pressed outside its user's direct chat refused")
		return core.Errorf(core.EFORBIDDEN, "err.button.not_yours")
	}
	held.Unverified, held.ID, held.CallbackID = false, "", ""
	payload, err := json.Marshal(&held)
	if err != nil {
		return err
	}
	// The command is taken again as an update of the chat it was typed in,
	// with this press, and handled there in its turn: after what was typed
	// there before it, never at the same time.
	c.outcome.Updates = append(c.outcome.Updates, &core.InboxItem{Platform: held.Platform, ChatID: held.ChatID,
		Payload: payload})
	c.bot.log.Info().Str("platform", held.Platform).Str("chat_id", held.ChatID).Str("user_id", held.UserID).
		Str("command", held.Command).Msg("unverified command confirmed in the direct chat")
	return nil
}
