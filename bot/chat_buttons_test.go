package bot_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/usecases"
	"github.com/dealdesk/dealdesk/core"
)

// popupRec is a recording platform whose presses can be answered with a
// pop-up that only the presser sees, like Telegram's and Mattermost's.
type popupRec struct {
	*recorder
	mu     sync.Mutex
	popups []string
	fail   error // returned by Popup when set: the press is too old
}

func (p *popupRec) Popup(_ context.Context, _ string, text string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fail != nil {
		return p.fail
	}
	p.popups = append(p.popups, text)
	return nil
}

// takePopups returns and forgets the pop-ups shown.
func (p *popupRec) takePopups() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.popups
	p.popups = nil
	return out
}

// usePopups makes the harness's platform one with pop-ups.
func (h *harness) usePopups() *popupRec {
	p := &popupRec{recorder: h.rec}
	h.bot.AddTransport(p)
	return p
}

// group is the work chat of these tests.
const group = "-100"

var presses int

// inGroup handles an update from the group through the platform as the
// bot holds it, and returns what was sent.
func (h *harness) inGroup(u *bot.Update) []*bot.Message {
	h.t.Helper()
	u.ChatID, u.ChatType, u.ChatTitle = group, bot.ChatGroup, "Отдел"
	tr, _ := h.bot.Transport("test")
	u.Platform = "test"
	if u.MessageID == "" {
		u.MessageID = "m"
	}
	h.bot.Handle(context.Background(), tr, u)
	return h.rec.take()
}

func (h *harness) sayInGroup(userID, text string) []*bot.Message {
	h.t.Helper()
	u := &bot.Update{UserID: userID, Text: text}
	u.Command, u.Args, _ = bot.ParseCommand(text)
	return h.inGroup(u)
}

// pressInGroup presses a button of msgs in the group.
func (h *harness) pressInGroup(userID string, msgs []*bot.Message, label string) []*bot.Message {
	h.t.Helper()
	for _, m := range msgs {
		for _, row := range m.Buttons {
			for _, b := range row {
				if b.Label == label {
					presses++
					return h.inGroup(&bot.Update{UserID: userID, Token: b.Token, CallbackID: "cb" + strconv.Itoa(presses)})
				}
			}
		}
	}
	h.t.Fatalf("no button %q in %s", label, dump(msgs))
	return nil
}

// refused checks that a press was answered with one pop-up of the key,
// and not in the chat.
func (h *harness) refused(p *popupRec, sent []*bot.Message, key string) {
	h.t.Helper()
	if len(sent) != 0 {
		h.t.Fatalf("a refused press was answered in the chat: %s", dump(sent))
	}
	if got, want := p.takePopups(), []string{h.p.T(key, nil)}; !slices.Equal(got, want) {
		h.t.Fatalf("pop-ups = %q, want %q", got, want)
	}
}

// TestRefusedPressesInAGroupArePopups: in a work chat, a press of someone
// else's button, of a decision made already, of an expired button, of a
// dialog's old choice, of an action the presser's role may not take, and
// any press by someone DealDesk does not know are each answered with a
// pop-up for the presser alone; nothing is posted to the group.
func TestRefusedPressesInAGroupArePopups(t *testing.T) {
	h := newHarness(t)
	h.addUser("m", "Менеджер", core.RoleManager)
	o := h.addUser("o", "Ольга", core.RoleOfficer)
	p := h.usePopups()

	card := h.sayInGroup("admin", "/client 7707083893")
	h.refused(p, h.pressInGroup("m", card, "Создать карточку"), "err.button.not_yours")

	h.want(h.pressInGroup("admin", card, "Создать карточку"), "flow.client.name", nil)
	h.refused(p, h.pressInGroup("admin", card, "Создать карточку"), "err.button.used")

	kpp := h.sayInGroup("admin", "ПАО Сбербанк")
	h.want(h.pressInGroup("admin", kpp, "Пропустить"), "flow.client.ogrn", nil)
	h.refused(p, h.pressInGroup("admin", kpp, "Пропустить"), "err.button.expired")
	h.refused(p, h.inGroup(&bot.Update{UserID: "admin", Token: "no-such-token", CallbackID: "cb-x"}),
		"err.button.expired")

	// The officer's button outlives their role: as a lawyer they may not
	// create cards.
	own := h.sayInGroup("o", "/client 7707083893")
	h.say("admin", "/role "+strconv.FormatInt(o.ID, 10)+" lawyer")
	h.refused(p, h.pressInGroup("o", own, "Создать карточку"), "err.forbidden")

	// Someone DealDesk does not know hears it every time, alone.
	for range 2 {
		h.refused(p, h.pressInGroup("stranger", own, "Создать карточку"), "msg.access.denied")
	}
	if len(h.rec.answers) == 0 {
		t.Fatal("the presses that were not refused were not acknowledged")
	}
}

// TestARefusalThePlatformCannotShowIsSaid: a pop-up the platform no longer
// takes (the press was handled too late) is said in the chat instead; on a
// platform without pop-ups (the console) a refusal is a message, as before.
func TestARefusalThePlatformCannotShowIsSaid(t *testing.T) {
	h := newHarness(t)
	h.addUser("m", "Менеджер", core.RoleManager)
	card := h.sayInGroup("admin", "/client 7707083893")
	// Without pop-ups the refusal is a message.
	h.want(h.pressInGroup("m", card, "Создать карточку"), "err.button.not_yours", nil)

	p := h.usePopups()
	p.fail = errors.New("query is too old")
	sent := h.pressInGroup("m", card, "Создать карточку")
	h.want(sent, "err.button.not_yours", nil)
	if len(sent) != 1 {
		t.Fatalf("said %d times: %s", len(sent), dump(sent))
	}
}

// TestAnsweredQuestionsLoseTheirButtons: a dialog's question with choice
// buttons loses them when it is answered by typing, as when a choice is
// pressed, and when the dialog is cancelled; its old choice is refused.
func TestAnsweredQuestionsLoseTheirButtons(t *testing.T) {
	h := newHarness(t)
	h.press("admin", h.say("admin", "/client 7707083893"), "Создать карточку")
	h.rec.cleared = nil
	kpp := h.say("admin", "ПАО Сбербанк")
	if len(kpp) == 0 || len(kpp[len(kpp)-1].Buttons) == 0 {
		t.Fatalf("the KPP question has no buttons: %s", dump(kpp))
	}
	asked := h.rec.seq // the id the recorder gave the question
	if len(h.rec.cleared) != 0 {
		t.Fatalf("buttons removed before the question was answered: %q", h.rec.cleared)
	}
	h.want(h.say("admin", "773601001"), "flow.client.ogrn", nil)
	if want := []string{strconv.Itoa(asked)}; !slices.Equal(h.rec.cleared, want) {
		t.Fatalf("removed the buttons of %q, want those of the question %q", h.rec.cleared, want)
	}
	h.want(h.press("admin", kpp, "Пропустить"), "err.button.expired", nil)

	// A wrong answer asks again with fresh buttons; the first ones go.
	h.rec.cleared = nil
	h.say("admin", "12345")
	first := h.rec.seq
	h.say("admin", "не номер")
	if !slices.Contains(h.rec.cleared, strconv.Itoa(first)) {
		t.Fatalf("the question asked again kept the buttons it was first asked with: %q", h.rec.cleared)
	}

	h.rec.cleared = nil
	again := h.rec.seq
	h.want(h.say("admin", "/cancel"), "msg.cancel.done", nil)
	if !slices.Contains(h.rec.cleared, strconv.Itoa(again)) {
		t.Fatalf("a cancelled dialog's question kept its buttons: %q", h.rec.cleared)
	}
}

// TestARefusedDecisionStaysForWhoeverMayMakeIt: a decision that a rule of
// core refuses to the presser (their role passes the router, the rule does
// not) is answered with a pop-up and leaves the button usable and its
// keyboard shown; the one who may then makes it once.
func TestARefusedDecisionStaysForWhoeverMayMakeIt(t *testing.T) {
	h := newHarness(t)
	h.addUser("m", "Менеджер", core.RoleManager)
	decided := 0
	decide := func(c *bot.Context) error {
		if c.User.Role != core.RoleAdmin {
			return core.Errorf(core.EFORBIDDEN, "err.forbidden")
		}
		decided++
		return c.Reply("msg.cancel.done", nil)
	}
	h.bot = bot.New(bot.Config{Service: h.svc, Locales: bundle, Logger: zerolog.Nop(), Clock: h.clock,
		UseCases: append(slices.Clone(usecases.All), func(r *bot.Router) {
			r.Action("test.decide", "", decide)
			r.Command("ask", "", func(c *bot.Context) error {
				return c.Reply("msg.confirm.sent", nil, bot.Row(bot.Button{LabelKey: "btn.confirm", Action: "test.decide", AnyUser: true}))
			})
		})})
	p := h.usePopups()

	ask := h.sayInGroup("admin", "/ask")
	h.refused(p, h.pressInGroup("m", ask, "Подтвердить"), "err.forbidden")
	if len(h.rec.cleared) != 0 || decided != 0 {
		t.Fatalf("a refused decision removed its keyboard (%q) or was made (%d)", h.rec.cleared, decided)
	}
	h.want(h.pressInGroup("admin", ask, "Подтвердить"), "msg.cancel.done", nil)
	if len(h.rec.cleared) != 1 || decided != 1 {
		t.Fatalf("the decision made: keyboard removed %q, made %d times", h.rec.cleared, decided)
	}
	h.refused(p, h.pressInGroup("admin", ask, "Подтвердить"), "err.button.used")
}
