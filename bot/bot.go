package bot

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/locales"
)

// Bot dispatches updates from every transport to the same handlers.
type Bot struct {
	svc        *core.Service
	locales    *locales.Bundle
	router     *Router
	log        zerolog.Logger
	clock      core.Clock
	transports map[string]Transport
	handler    Handler // the dispatcher wrapped in middleware
	dispatch   *dispatcher
	kicks      map[string]chan struct{} // wakes a platform's outbox loop
	chatBurst  float64
	chatRate   float64

	refusals refusals
	notices  pressNotices
	menuMu   sync.Mutex // one user's command menu published at a time
	obs      *observing // nil: no Observer
}

// Config configures a Bot.
type Config struct {
	Service *core.Service
	Locales *locales.Bundle
	Logger  zerolog.Logger
	Clock   core.Clock // nil: the system clock
	// UseCases register DealDesk's commands, actions and flows, in the
	// order of /help (bot/usecases lists them all).
	UseCases []UseCase
	// ChatBurst and ChatRate bound how fast one chat's updates are handled:
	// ChatBurst at once, then ChatRate a second (defaults DefaultChatBurst
	// and DefaultChatRate), so that a flooding chat is slowed.
	ChatBurst int
	ChatRate  float64
	// Observer is told of each update handled and each delivery attempt,
	// for metrics; nil: none (and no cost).
	Observer Observer
}

// New builds a bot with DealDesk's commands, actions and flows.
func New(cfg Config) *Bot {
	b := &Bot{svc: cfg.Service, locales: cfg.Locales, log: cfg.Logger, clock: cfg.Clock,
		router: NewRouter(), transports: map[string]Transport{},
		chatBurst: float64(cfg.ChatBurst), chatRate: cfg.ChatRate, obs: newObserving(cfg.Observer)}
	if b.chatBurst < 1 {
		b.chatBurst = DefaultChatBurst
	}
	if b.chatRate <= 0 {
		b.chatRate = DefaultChatRate
	}
	if b.clock == nil {
		b.clock = core.SystemClock{}
	}
	registerBuiltins(b.router)
	for _, uc := range cfg.UseCases {
		uc(b.router)
	}
	b.handler = chain(b.route, b.observe, b.recoverer, b.logger, b.access)
	b.dispatch = newDispatcher(b)
	b.kicks = map[string]chan struct{}{}
	return b
}

// AddTransport makes a transport's messages reach the bot and lets the
// outbox deliver through it. Transports are added before the bot runs.
func (b *Bot) AddTransport(t Transport) {
	b.transports[t.Platform()] = &answering{Transport: t, b: b}
	b.kicks[t.Platform()] = make(chan struct{}, 1)
}

// kick wakes a platform's outbox loop: there is something to deliver.
func (b *Bot) kick(platform string) {
	select {
	case b.kicks[platform] <- struct{}{}:
	default:
	}
}

// Transport returns the transport of a platform as the bot uses it (its
// answers to refused presses are pop-ups; see answering), if it is running.
func (b *Bot) Transport(platform string) (Transport, bool) {
	t, ok := b.transports[platform]
	return t, ok
}

// answering is a transport as the bot holds it: a press refused with a
// pop-up (Context.refuse) is answered with the platform's Popup, and a
// pop-up that the platform no longer takes (the press was handled after a
// restart, or after Mattermost stopped waiting for the answer) is said in
// the chat instead, so that no refusal goes unheard.
type answering struct {
	Transport
	b *Bot
}

// unwrap returns the transport a platform package made.
func unwrap(t Transport) Transport {
	if a, ok := t.(*answering); ok {
		return a.Transport
	}
	return t
}

// Answer acknowledges a press: with its refusal's pop-up, when it was
// refused so, else as the transport does.
func (a *answering) Answer(ctx context.Context, callbackID, text string) error {
	msg, refused := a.b.notices.take(callbackID)
	p, ok := a.Transport.(Popups)
	if !refused || !ok {
		return a.Transport.Answer(ctx, callbackID, text)
	}
	err := p.Popup(ctx, callbackID, text)
	if err == nil {
		return nil
	}
	a.b.log.Info().Err(err).Str("platform", msg.Platform).Str("chat_id", msg.ChatID).
		Msg("a refused press could not be answered with a pop-up; said in the chat instead")
	ctx = context.WithoutCancel(ctx)
	if err := a.b.svc.FinishUpdate(ctx, core.Outcome{Messages: []*core.OutboxMessage{msg}}); err != nil {
		return err
	}
	a.b.kick(msg.Platform)
	return nil
}

// pressNotices hold, by callback id, the refusals of presses answered with
// a pop-up until the press is acknowledged: as a message, in case the
// pop-up cannot be shown. A press whose acknowledgement never came (its
// update failed) is forgotten after noticeTTL.
type pressNotices struct {
	mu sync.Mutex
	m  map[string]heldNotice
}

type heldNotice struct {
	msg *core.OutboxMessage
	at  time.Time
}

const noticeTTL = 10 * time.Minute

func (n *pressNotices) hold(callbackID string, msg *core.OutboxMessage) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.m == nil {
		n.m = map[string]heldNotice{}
	}
	now := time.Now() // memory's own time, not the domain clock
	for id, h := range n.m {
		if now.Sub(h.at) > noticeTTL {
			delete(n.m, id)
		}
	}
	n.m[callbackID] = heldNotice{msg: msg, at: now}
}

// drop forgets a press's pop-up: it is answered otherwise after all.
func (n *pressNotices) drop(callbackID string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	delete(n.m, callbackID)
}

func (n *pressNotices) take(callbackID string) (*core.OutboxMessage, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	h, ok := n.m[callbackID]
	delete(n.m, callbackID)
	return h.msg, ok
}

func (b *Bot) now() time.Time { return b.clock.Now() }

func chain(h Handler, mw ...Middleware) Handler {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}

// bareCommand makes a message without the slash a command, where the
// platform sends commands so, when its first word is a command's name that
// allow accepts. It reports whether it did.
func (b *Bot) bareCommand(u *Update, allow func(cmd string) bool) bool {
	if u.Command != "" || !u.BareCommands || u.IsAction() {
		return false
	}
	cmd, args, ok := ParseCommand("/" + strings.TrimSpace(u.Text))
	if !ok || (cmd != "cancel" && b.router.find(cmd) == nil) || !allow(cmd) {
		return false
	}
	u.Command, u.Args = cmd, args
	return true
}

// replyError turns an error into a localized reply. Only internal errors
// are logged as errors; their details never reach the user.
func (c *Context) replyError(err error) error {
	code := core.ErrorCode(err)
	if code == core.EINTERNAL {
		c.bot.log.Error().Err(err).Str("platform", c.Update.Platform).Str("chat_id", c.Update.ChatID).
			Str("user_id", c.Update.UserID).Str("command", c.Update.Command).Msg("internal error")
	}
	key, args := core.ErrorKey(err)
	if pressRefusal(err) && c.refuse(key, args) {
		return nil // the presser alone hears why
	}
	if c.Update.IsAction() && c.Update.CallbackID != "" {
		c.bot.notices.drop(c.Update.CallbackID)
		if !c.answered {
			// A button press that failed is answered in its own notice too.
			_ = c.answer(c.T(key, args))
		}
	}
	return c.Reply(key, args)
}

// pressRefusal reports whether an error refuses a press rather than
// reporting what it did: a button that is stale (expired, used, of a
// question that is over) or not the presser's, or an action their role
// may not take.
func pressRefusal(err error) bool {
	if core.ErrorCode(err) == core.EFORBIDDEN {
		return true
	}
	key, _ := core.ErrorKey(err)
	return strings.HasPrefix(key, "err.button.")
}

// sameChat reports whether a button was pressed where it was issued. A
// personal message's buttons are bound to the user (core binds them to the
// user's identity): on Mattermost the direct chat has an id of its own, so
// in a private chat a button bound to the presser is in its place too.
func sameChat(btn *core.Button, u *Update) bool {
	return btn.ChatKey == core.ChatKey(u.Platform, u.ChatID) ||
		u.ChatType == ChatPrivate && btn.ChatKey == core.ChatKey(u.Platform, u.UserID)
}

// route routes an update: a button action first, then a command, then
// the step of an active conversation, then help.
func (b *Bot) route(c *Context) error {
	u := c.Update
	if len([]rune(u.Text)) > MaxTextLen {
		return c.tooLong()
	}
	if u.IsAction() {
		return b.dispatchAction(c)
	}
	if u.Command != "" {
		return b.dispatchCommand(c)
	}
	conv, err := c.loadConv()
	if err != nil {
		return err
	}
	// Where commands come without the slash, a dialog's answer stays an
	// answer even when it starts with a command's name; only "cancel" leaves.
	if b.bareCommand(u, func(cmd string) bool { return conv == nil || cmd == "cancel" }) {
		return b.dispatchCommand(c)
	}
	if conv != nil {
		return b.answer(c, conv)
	}
	if !c.Private() {
		// Ordinary talk in a work chat is not for the bot, unless a use
		// case listens to it (a case discussion collects its messages).
		_, err := askTexts(c, b.router.groupTexts)
		return err
	}
	if handled, err := askTexts(c, b.router.texts); handled || err != nil {
		return err
	}
	if len(u.Files) > 0 {
		return c.Reply("msg.file.unexpected", nil)
	}
	return c.Reply("msg.unknown_text", nil)
}

// answer handles a plain message of a user whose dialog waits in the
// chat. Where the chat's talk is kept (a case discussion collects what is
// said in a thread, in a plain group or in the console's chat, through
// the chat's text handlers), the dialog does not swallow it:
//
//   - a message that starts with a case tag (#решение, #decision, #задача,
//     #task: core.StartsWithCaseTag) is said to the case, never to the
//     dialog: it goes where it would go with no dialog waiting (the
//     group's handlers, or a private chat's), and the dialog goes on
//     waiting. Only if none takes it (no case is kept there) is it the
//     dialog's answer;
//   - in a group, any other message is talk among people too: the group's
//     handlers hear it first as talk only (Context.TalkOnly: a case records
//     it, and does not act on its tags, which are the dialog's answer to
//     act on), then the dialog takes it as its answer. A private chat is
//     one person's talk with the bot: there the answer is the dialog's
//     alone;
//   - files that the step does not take (Step.Files) are no answer: in a
//     group they go to its handlers as they would with no dialog waiting
//     (a case collects them); where none takes them, they are refused and
//     the question stays as it is.
//
// A stranger's message never gets here: only known, active users' updates
// are handled.
func (b *Bot) answer(c *Context, conv *core.Conversation) error {
	u := c.Update
	texts := b.router.texts
	if !c.Private() {
		texts = b.router.groupTexts
	}
	takesFiles := false
	if f, ok := b.router.flows[conv.Flow]; ok && f.Steps[conv.Step] != nil {
		takesFiles = f.Steps[conv.Step].Files
	}
	tagged := core.StartsWithCaseTag(u.Text)
	noAnswer := len(u.Files) > 0 && !takesFiles
	if tagged || noAnswer && !c.Private() {
		if handled, err := askTexts(c, texts); handled || err != nil {
			return err
		}
	}
	if noAnswer {
		// A dialog's step that asks for words takes no file (one goes with
		// its command as the caption): the question stays as it is.
		return c.Reply("msg.file.in_dialog", nil)
	}
	if !c.Private() && !tagged {
		c.talkOnly = true
		_, err := askTexts(c, texts)
		c.talkOnly = false
		if err != nil {
			return err
		}
	}
	c.Conv = conv
	c.clearQuestion() // answered by typing: the question's buttons go
	return c.input(u.Text)
}

// askTexts offers a plain message to text handlers in turn, until one
// takes it. A file without a command comes with its text (its caption, or
// ""): a handler that takes files finds them in c.Update.Files.
func askTexts(c *Context, hs []textHandler) (bool, error) {
	for _, t := range hs {
		if t.perm != "" && !c.User.Can(t.perm) {
			continue
		}
		if handled, err := t.h(c, c.Update.Text); handled || err != nil {
			return handled, err
		}
	}
	return false, nil
}

func (b *Bot) dispatchCommand(c *Context) error {
	u := c.Update
	if u.Command == "cancel" {
		conv, err := c.loadConv()
		if err != nil {
			return err
		}
		if conv == nil {
			return c.Reply("msg.cancel.nothing", nil)
		}
		c.Conv = conv
		c.clearQuestion()
		if err := c.Finish(); err != nil {
			return err
		}
		return c.Reply("msg.cancel.done", nil)
	}
	cmd := b.router.find(u.Command)
	if cmd == nil {
		return core.Errorf(core.EINVALID, "err.command.unknown", "Command", u.Command)
	}
	if cmd.perm != "" && !c.User.Can(cmd.perm) {
		b.log.Info().Str("platform", u.Platform).Str("user_id", u.UserID).Str("command", u.Command).
			Msg("command denied by role")
		return core.Errorf(core.EFORBIDDEN, "err.forbidden")
	}
	if u.Unverified && needsConfirmation(cmd.perm) {
		return c.askConfirmation() // the sender is not proven: ask them in their direct chat
	}
	return cmd.h(c)
}

func (b *Bot) dispatchAction(c *Context) error {
	u := c.Update
	btn, err := c.Svc.Button(c.ctx, u.Token)
	if core.IsNotFound(err) || (err == nil && !b.now().Before(btn.ExpiresAt)) {
		return core.Errorf(core.EINVALID, "err.button.expired")
	} else if err != nil {
		return err
	}
	if btn.ChatKey != "" && !sameChat(btn, u) || btn.UserID != 0 && btn.UserID != c.User.ID {
		b.log.Warn().Str("platform", u.Platform).Str("user_id", u.UserID).Str("action", btn.Action).
			Msg("button of another user or chat refused")
		return core.Errorf(core.EFORBIDDEN, "err.button.not_yours")
	}
	c.Button = btn
	if u.Platform == core.PlatformConsole && u.Text != "" && btn.Action != ActionFlowInput {
		// A number typed in the console while a dialog waits for text,
		// asked after this button was shown, is the dialog's answer, not
		// a press of an older card's button (the console cannot tell).
		conv, err := c.loadConv()
		if err != nil {
			return err
		}
		if conv != nil && conv.UpdatedAt.After(btn.CreatedAt) {
			c.Button, c.Conv = nil, conv
			return c.input(u.Text)
		}
	}
	if btn.Action != ActionFlowInput && !btn.UsedAt.IsZero() {
		// A decision works once; a second press (a double tap, an update
		// delivered again) only hears that it is done. A dialog's choice
		// pressed again is refused below: its question is over.
		return core.Errorf(core.EINVALID, "err.button.used")
	}
	if btn.Action == ActionFlowInput {
		conv, err := c.loadConv()
		if err != nil {
			return err
		}
		if conv == nil || btn.Step != conv.ID+"/"+conv.Step {
			return core.Errorf(core.EINVALID, "err.button.expired")
		}
		c.Conv = conv
		c.outcome.UsedButton = btn.Token
		c.clearButtons()
		c.clearQuestion() // the pressed one, or an older one still shown
		return c.input(btn.Payload)
	}
	a, ok := b.router.actions[btn.Action]
	if !ok {
		return core.Errorf(core.EINVALID, "err.button.expired")
	}
	if a.perm != "" && !c.User.Can(a.perm) {
		return core.Errorf(core.EFORBIDDEN, "err.forbidden")
	}
	if a.view {
		return a.h(c)
	}
	c.outcome.UsedButton = btn.Token
	n := len(c.outcome.Messages)
	c.clearButtons()
	cleared := len(c.outcome.Messages) > n
	err = a.h(c)
	if err != nil && pressRefusal(err) {
		// The decision was not the presser's to make (a rule of core said
		// so): nothing happened, so it stays for whoever may make it.
		c.outcome.UsedButton = ""
		if cleared {
			c.outcome.Messages = slices.Delete(c.outcome.Messages, n, n+1)
		}
	}
	return err
}
