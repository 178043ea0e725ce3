package bot

import (
	"slices"
	"strings"

	"github.com/dealdesk/dealdesk/core"
)

// Handler handles an update.
type Handler func(*Context) error

// Middleware wraps a handler.
type Middleware func(Handler) Handler

// command is a registered chat command.
type command struct {
	name     string
	perm     core.Permission // "" = any known user
	hidden   bool            // not listed in /help
	h        Handler
	variants []variant
}

// variant is a command's first argument that needs a permission of its own
// ("/deals all").
type variant struct {
	arg  string
	perm core.Permission
}

// mayRunAll reports whether a user may run every variant of the command.
func (c *command) mayRunAll(u *core.User) bool {
	return !slices.ContainsFunc(c.variants, func(v variant) bool { return !u.Can(v.perm) })
}

// action is a registered button action.
type action struct {
	perm core.Permission
	h    Handler
	view bool // shows something and may be pressed again; others are decisions
}

// Router maps commands, button actions and flows to handlers.
type Router struct {
	commands []*command
	actions  map[string]action
	flows    map[string]*Flow
	texts    []textHandler
	// groupTexts take plain messages in group chats (see GroupText).
	groupTexts []textHandler
}

// NewRouter returns an empty router.
func NewRouter() *Router {
	return &Router{actions: map[string]action{}, flows: map[string]*Flow{}}
}

// Command registers a command that needs perm ("" for any known user). Its
// line in /help and the menu come from the locale keys cmd.<name>.usage and
// cmd.<name>.desc.
func (r *Router) Command(name string, perm core.Permission, h Handler) {
	r.commands = append(r.commands, &command{name: name, perm: perm, h: h})
}

// Variant registers a first argument of a registered command that needs
// perm beyond the command's own ("/deals all" to see every deal). Typed by
// a user without perm it is refused with err.forbidden before the handler
// runs; /help shows such a user the command without its variants, from the
// locale keys cmd.<name>.basic.usage and cmd.<name>.basic.desc.
func (r *Router) Variant(name, arg string, perm core.Permission) {
	cmd := r.find(name)
	if cmd == nil {
		panic("bot: variant " + arg + " of unregistered command " + name)
	}
	cmd.variants = append(cmd.variants, variant{arg: arg, perm: perm})
	h := cmd.h
	cmd.h = func(c *Context) error {
		if first, _, _ := strings.Cut(strings.TrimSpace(c.Update.Args), " "); strings.EqualFold(first, arg) &&
			!c.User.Can(perm) {
			return core.Errorf(core.EFORBIDDEN, "err.forbidden")
		}
		return h(c)
	}
}

// Hidden registers a command that /help does not list.
func (r *Router) Hidden(name string, h Handler) {
	r.commands = append(r.commands, &command{name: name, hidden: true, h: h})
}

// Action registers a button action that needs perm. It is a decision: once
// pressed, the buttons of its message go away.
func (r *Router) Action(name string, perm core.Permission, h Handler) {
	r.actions[name] = action{perm: perm, h: h}
}

// View registers a button action that only shows something; its message
// keeps its buttons.
func (r *Router) View(name string, perm core.Permission, h Handler) {
	r.actions[name] = action{perm: perm, h: h, view: true}
}

// Flow registers a step-by-step conversation.
func (r *Router) Flow(f *Flow) { r.flows[f.Name] = f }

func (r *Router) find(name string) *command {
	i := slices.IndexFunc(r.commands, func(c *command) bool { return c.name == name })
	if i < 0 {
		return nil
	}
	return r.commands[i]
}

// allowed lists the commands a user may run, in registration order.
func (r *Router) allowed(u *core.User) []*command {
	var out []*command
	for _, c := range r.commands {
		if !c.hidden && (c.perm == "" || u.Can(c.perm)) {
			out = append(out, c)
		}
	}
	return out
}
