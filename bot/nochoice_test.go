package bot_test

import (
	"testing"

	"github.com/dealdesk/dealdesk/bot"
)

// TestNumberNamingNoShownButton: the number a console user typed that names
// none of the shown buttons is answered from the locales, naming the
// numbers there are; in a dialog the step reads it as any answer. Typed
// text never reaches the command.
func TestNumberNamingNoShownButton(t *testing.T) {
	h := newHarness(t)
	number := func(text, args string) []*bot.Message {
		return h.send(&bot.Update{UserID: "admin", Text: text, Command: bot.NoChoiceCommand, Args: args})
	}
	h.want(number("7", "7 1 3"), "msg.choice.range", bot.Args{"N": "7", "Min": "1", "Max": "3"})
	h.want(number("7", "7 1 1"), "msg.choice.one", bot.Args{"N": "7", "Min": "1"})
	h.want(number("7", "7"), "msg.choice.none_shown", bot.Args{"N": "7"})
	h.want(h.say("admin", "/choice 7 1 3"), "err.command.unknown", bot.Args{"Command": "choice"})

	h.want(h.say("admin", "/deal new"), "flow.deal.client", nil)
	got := number("7", "7 1 3")
	if len(got) != 2 || got[0].Text != h.p.T("err.inn.length", bot.Args{"INN": "7", "Count": 1}) {
		t.Fatalf("the step did not read the number:%s", dump(got))
	}
	h.want(got, "flow.deal.client", nil)
}
