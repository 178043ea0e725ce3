package bot

import (
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/locales"
)

// A UseCase is one package of the chat layer (clients, deals, tasks,
// intake…): it registers its commands, button actions, flows and text
// handlers. bot/usecases lists them; adding a use case is a new package
// and one line there.
type UseCase func(r *Router)

// TextHandler takes a plain message in a private chat that is neither a
// command nor an answer to a dialog (a company card pasted on its own).
// It reports whether the text was its to handle.
type TextHandler func(c *Context, text string) (handled bool, err error)

type textHandler struct {
	perm core.Permission
	h    TextHandler
}

// Text registers a handler of plain private messages for users with perm.
// Handlers are asked in the order they were registered.
func (r *Router) Text(perm core.Permission, h TextHandler) {
	r.texts = append(r.texts, textHandler{perm: perm, h: h})
}

// GroupText registers a handler of plain messages in group chats (work
// chats and their threads) that are not commands: talk among people, which
// the bot otherwise leaves alone (a case discussion collects it). A message
// that answers its writer's dialog reaches the handlers first as talk only
// (Context.TalkOnly: recorded, not acted on); one that starts with a case
// tag reaches them instead of the dialog (see Bot.answer). A handler
// reports whether the message was its
// business; it answers only then, never to say that a message is not for
// it, and one that is not for any handler gets no answer at all. Handlers
// are asked in the order they were registered, for users with perm (only
// known, active users' messages reach them).
func (r *Router) GroupText(perm core.Permission, h TextHandler) {
	r.groupTexts = append(r.groupTexts, textHandler{perm: perm, h: h})
}

// HasAction reports whether a button action is registered.
func (b *Bot) HasAction(name string) bool {
	if name == ActionFlowInput {
		return true
	}
	_, ok := b.router.actions[name]
	return ok
}

// Role names a role in the user's language.
func (c *Context) Role(r core.Role) string { return c.role(r) }

// Now is the bot's clock's time.
func (c *Context) Now() time.Time { return c.bot.now() }

// Printer returns a printer for a language and time zone, to answer in a
// language the user has just chosen.
func (c *Context) Printer(lang string, loc *time.Location) *locales.Printer {
	return c.bot.locales.Printer(lang, loc)
}
