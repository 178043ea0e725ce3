package bot_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// forumChat is the test platform whose group chats have threads, as a
// Telegram forum or a Mattermost channel: each opened thread gets the
// next number.
type forumChat struct {
	*recorder
	mu      sync.Mutex
	threads []string // the titles, in order; thread "t<n>" is the n-th
}

func (f *forumChat) OpenThread(_ context.Context, _, title string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.threads = append(f.threads, title)
	return "t" + strconv.Itoa(len(f.threads)), nil
}

// inForum sends a message to the case chat, in a thread ("" for the chat
// itself), through the threaded platform, and returns everything then
// delivered.
func (d *caseDesk) inForum(f *forumChat, userID, thread, msgID, text string) []*bot.Message {
	d.t.Helper()
	u := &bot.Update{Platform: "test", UserID: userID, ChatID: caseChat, ChatType: bot.ChatGroup, ThreadID: thread,
		MessageID: msgID, Text: text}
	u.Command, u.Args, _ = bot.ParseCommand(text)
	d.clock.Add(time.Millisecond)
	d.bot.Handle(context.Background(), f, u)
	return append(d.rec.take(), d.deliverAll()...)
}

// TestCaseInAThread: where the chat has threads, each case gets its own:
// its first message goes there, what is written there is collected and
// answered there, talk elsewhere in the chat is not collected, and two
// cases go on in one chat at once.
func TestCaseInAThread(t *testing.T) {
	d := newCaseDesk(t)
	f := &forumChat{recorder: d.rec}
	d.bot.AddTransport(f)
	sent := d.inForum(f, "off", "", "1", "/case "+d.deal.Number+" Спорный пункт +юрист")
	if len(f.threads) != 1 || f.threads[0] != "Кейс #1: Спорный пункт — сделка "+d.deal.Number {
		t.Fatalf("threads opened: %q", f.threads)
	}
	var first *bot.Message
	for _, m := range sent {
		if strings.HasPrefix(m.Text, "Кейс #1: Спорный пункт\n") {
			first = m
		}
	}
	if first == nil || first.ThreadID != "t1" || first.ChatID != caseChat {
		t.Fatalf("first message not in the thread: %s", dump(sent))
	}
	// A second case in the same chat gets a thread of its own.
	d.inForum(f, "mgr", "", "2", "/case "+d.deal.Number+" Сроки")
	if got := d.theCase(2); got.ThreadID != "t2" || got.Status != core.CaseOpen {
		t.Fatalf("second case = %+v", got)
	}

	if sent := d.inForum(f, "mgr", "t1", "3", "Клиент просит убрать неустойку"); len(sent) != 0 {
		t.Fatalf("talk answered: %s", dump(sent))
	}
	sent = d.inForum(f, "law", "t1", "4", "#решение неустойку оставляем 0,1%")
	var answer *bot.Message
	for _, m := range sent {
		if m.ChatID == caseChat {
			answer = m
		}
	}
	if answer == nil || answer.ThreadID != "t1" || answer.Text != d.p.T("msg.case.decision_made",
		bot.Args{"ID": 1, "OnDeal": true}) {
		t.Fatalf("the decision not answered in its thread: %s", dump(sent))
	}
	d.inForum(f, "off", "t2", "5", "по срокам вопросов нет")
	if sent := d.inForum(f, "mgr", "", "6", "обед в 13:00"); len(sent) != 0 {
		t.Fatalf("talk outside the threads answered: %s", dump(sent))
	}
	one, two := d.caseMessages(1), d.caseMessages(2)
	if len(one) != 2 || len(two) != 1 || one[1].Text != "#решение неустойку оставляем 0,1%" || two[0].Text != "по срокам вопросов нет" {
		t.Fatalf("collected: case 1 %+v, case 2 %+v", one, two)
	}
	// /case in a thread shows that thread's case.
	sent = d.inForum(f, "mgr", "t2", "7", "/case")
	if len(sent) != 1 || sent[0].ThreadID != "t2" || !strings.HasPrefix(sent[0].Text, "Кейс #2 «Сроки»") {
		t.Fatalf("/case in the second thread: %s", dump(sent))
	}
	// Closed in its thread: told there; the other goes on.
	d.inForum(f, "off", "t1", "8", "/case close")
	sent = d.inForum(f, "off", "t1", "9", "Неустойка 0,1%, подписываем")
	if len(sent) != 1 || sent[0].ThreadID != "t1" || !strings.Contains(sent[0].Text, "Неустойка 0,1%, подписываем") {
		t.Fatalf("closing told: %s", dump(sent))
	}
	if d.theCase(1).Status != core.CaseClosed || d.theCase(2).Status != core.CaseOpen {
		t.Fatal("closing the first case closed the wrong one")
	}
}
