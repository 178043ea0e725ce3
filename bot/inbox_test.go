package bot_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// A reply that cannot reach the chat after its change committed is not a
// failure: the change stands, nothing says «Не получилось», and the reply
// comes once the platform is back.
func TestReplyThatFailsToSendIsRetriedNotReported(t *testing.T) {
	h := newHarness(t)
	h.addUser("o", "Ольга", core.RoleOfficer) // someone else to give the task to: whom is asked
	createClient(t, h, "admin")
	h.say("admin", "/task new")
	h.say("admin", "Позвонить клиенту")
	h.say("admin", "-")
	h.say("admin", "-")
	h.rec.fail = errors.New("connection reset")
	msgs := h.press("admin", h.rec.sentLast(), "Мне")
	if len(msgs) != 0 {
		t.Fatalf("sent while the platform fails: %s", dump(msgs))
	}
	tasks, err := h.svc.MyTasks(context.Background(), core.Actor{User: h.admin})
	if err != nil || len(tasks) != 1 {
		t.Fatalf("tasks = %d, %v; want the one created", len(tasks), err)
	}
	h.rec.fail = nil
	h.clock.Add(time.Minute)
	if _, err := h.bot.DeliverDue(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	got := dump(h.rec.take())
	if !strings.Contains(got, "Позвонить клиенту") || strings.Contains(got, h.p.T("err.internal", nil)) {
		t.Fatalf("after the platform came back: %s", got)
	}
}

// A decision button works once: pressed again (a double tap, a press
// delivered twice) it says that it is done, and nothing happens twice.
func TestDecisionButtonWorksOnce(t *testing.T) {
	h := newHarness(t)
	h.addUser("o", "Ольга", core.RoleOfficer) // someone else to give the task to: whom is asked
	h.say("admin", "/task new")
	h.say("admin", "Позвонить клиенту")
	h.say("admin", "-")
	h.say("admin", "-")
	h.press("admin", h.rec.sentLast(), "Мне")
	list := h.say("admin", "/tasks")
	h.want(h.press("admin", list, "Выполнено #1"), "flow.done.result", bot.Args{"ID": 1, "Title": "Позвонить клиенту"})
	h.say("admin", "/cancel")
	h.want(h.press("admin", list, "Выполнено #1"), "err.button.used", nil)
	if len(h.rec.answers) == 0 || h.rec.answers[len(h.rec.answers)-1] != h.p.T("err.button.used", nil) {
		t.Fatalf("second press not answered in its notice: %q", h.rec.answers)
	}
}

// One chat's flood does not hold up another: while 300 messages of chat A
// wait, chat B's /help is answered at once, and A is told once that it is
// being slowed down; all of A's messages are handled in the end, in order.
func TestFloodingChatDoesNotHoldUpOthers(t *testing.T) {
	h := newHarness(t)
	h.addUser("a", "Флудер", core.RoleManager)
	h.addUser("b", "Спокойный", core.RoleManager)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		h.bot.Run(ctx, 10*time.Millisecond, 5*time.Second)
	}()
	defer func() { cancel(); wg.Wait() }()
	var flood []*bot.Update
	for i := range 300 {
		flood = append(flood, &bot.Update{ID: fmt.Sprint("a", i), Platform: "test", ChatID: "a", ChatType: bot.ChatPrivate,
			UserID: "a", Text: fmt.Sprint("сообщение ", i)})
	}
	if err := h.bot.Take(ctx, nil, flood...); err != nil {
		t.Fatal(err)
	}
	help := &bot.Update{ID: "b1", Platform: "test", ChatID: "b", ChatType: bot.ChatPrivate, UserID: "b",
		Text: "/help", Command: "help"}
	if err := h.bot.Take(ctx, nil, help); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	var toA, toB int
	slowed := 0
	for time.Now().Before(deadline) && (toB == 0 || slowed == 0) {
		time.Sleep(20 * time.Millisecond)
		toA, toB, slowed = 0, 0, 0
		h.rec.mu.Lock()
		for _, m := range h.rec.sent {
			switch m.ChatID {
			case "a":
				toA++
				if m.Text == h.p.T("msg.flood.slowed", nil) {
					slowed++
				}
			case "b":
				toB++
			}
		}
		h.rec.mu.Unlock()
	}
	if toB == 0 {
		t.Fatalf("chat B was not answered while A floods (A got %d)", toA)
	}
	if toA >= 300 {
		t.Fatalf("A's whole flood (%d) was answered before B", toA)
	}
	if slowed != 1 {
		t.Fatalf("A was told %d times that it is slowed down, want once", slowed)
	}
	// Nothing is dropped: A's messages wait in the inbox.
	pending, err := h.svc.PendingUpdates(context.Background(), 0)
	if err != nil || len(pending) == 0 {
		t.Fatalf("pending = %d, %v; want A's backlog kept", len(pending), err)
	}
}

// An update delivered twice by its platform is taken once.
func TestUpdateDeliveredTwiceIsTakenOnce(t *testing.T) {
	h := newHarness(t)
	u := &bot.Update{ID: "42", Platform: "test", ChatID: "admin", ChatType: bot.ChatPrivate, UserID: "admin",
		Text: "/help", Command: "help"}
	for range 2 {
		if err := h.bot.Take(context.Background(), nil, u); err != nil {
			t.Fatal(err)
		}
	}
	pending, err := h.svc.PendingUpdates(context.Background(), 0)
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending = %d, %v; want 1", len(pending), err)
	}
}

// A rule that refuses the last step's change (someone else created the
// same client meanwhile) ends the dialog and says why; the dialog does not
// stay at «Создать» refusing the same way again and again.
func TestRefusedLastStepEndsTheDialog(t *testing.T) {
	h := newHarness(t)
	h.addUser("m", "Сотрудник", core.RoleOfficer)
	fill := func(user string) []*bot.Message {
		msgs := h.say(user, "/client 7707083893")
		h.want(h.press(user, msgs, "Создать карточку"), "flow.client.name", nil)
		h.say(user, "ПАО Сбербанк")
		h.say(user, "773601001")
		h.say(user, "1027700132195")
		h.say(user, "г. Москва")
		return h.say(user, "-")
	}
	confirmA := fill("admin")
	confirmM := fill("m")
	h.press("admin", confirmA, "Создать")
	got := h.press("m", confirmM, "Создать")
	if last := got[len(got)-1].Text; last == h.p.T("msg.client.created", nil) || !strings.Contains(dump(got), "7707083893") {
		t.Fatalf("the second «Создать» = %s", dump(got))
	}
	h.want(h.say("m", "/cancel"), "msg.cancel.nothing", nil)
}

// A chat's queue in memory is bounded: the rest of a flood waits in the
// inbox and is read in order when the queue is empty. Another chat's
// updates are neither held up behind it nor put out of order, and the
// flooding chat's are handled in the order they came.
func TestFloodBeyondTheQueueKeepsEveryChatInOrder(t *testing.T) {
	h := newHarness(t)
	h.addUser("a", "Флудер", core.RoleManager)
	h.addUser("b", "Спокойный", core.RoleManager)
	ctx, cancel := context.WithCancel(context.Background())
	var flood []*bot.Update
	for i := range 400 {
		flood = append(flood, &bot.Update{ID: fmt.Sprint("a", i), Platform: "test", ChatID: "a", ChatType: bot.ChatPrivate,
			UserID: "a", Text: fmt.Sprintf("/deal D-2026-%04d", i+1), Command: "deal", Args: fmt.Sprintf("D-2026-%04d", i+1)})
	}
	if err := h.bot.Take(ctx, nil, flood...); err != nil {
		t.Fatal(err)
	}
	b1 := &bot.Update{ID: "b1", Platform: "test", ChatID: "b", ChatType: bot.ChatPrivate, UserID: "b", Text: "/help", Command: "help"}
	if err := h.bot.Take(ctx, nil, b1); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		h.bot.Run(ctx, 10*time.Millisecond, time.Second)
	}()
	defer func() { cancel(); wg.Wait() }()
	toChat := func(chat string) []string {
		h.rec.mu.Lock()
		defer h.rec.mu.Unlock()
		var out []string
		for _, m := range h.rec.sent {
			if m.ChatID == chat {
				out = append(out, m.Text)
			}
		}
		return out
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s; B got %q", what, toChat("b"))
			}
		}
	}
	waitFor("B's /help", func() bool { return len(toChat("b")) >= 1 })
	b2 := &bot.Update{ID: "b2", Platform: "test", ChatID: "b", ChatType: bot.ChatPrivate, UserID: "b", Text: "/cancel", Command: "cancel"}
	if err := h.bot.Take(ctx, nil, b2); err != nil {
		t.Fatal(err)
	}
	waitFor("B's /cancel", func() bool { return len(toChat("b")) >= 2 })
	if got := toChat("b"); !strings.Contains(got[0], "/help") || got[1] != h.p.T("msg.cancel.nothing", nil) {
		t.Fatalf("B got %q, want the help and then the answer to /cancel", got)
	}
	// A's answers name its deal numbers in the order they were sent.
	last := 0
	for _, s := range toChat("a") {
		var n int
		if i := strings.Index(s, "D-2026-"); i >= 0 {
			fmt.Sscanf(s[i+len("D-2026-"):], "%04d", &n)
		}
		if n == 0 {
			continue
		}
		if n <= last {
			t.Fatalf("A's answers out of order: %d after %d", n, last)
		}
		last = n
	}
	if last == 0 {
		t.Fatal("A got no answer naming its deals")
	}
}

// stopDuringSend is a platform that is stopped while it sends a message:
// the message goes out, and the stop's cancellation comes meanwhile.
type stopDuringSend struct {
	*recorder
	stop context.CancelFunc
}

func (s stopDuringSend) Send(ctx context.Context, m *bot.Message) (string, error) {
	id, err := s.recorder.Send(ctx, m)
	s.stop()
	return id, err
}

// A message that went out while DealDesk was stopping is recorded as sent,
// so that the restart does not send it again.
func TestMessageSentDuringStopIsNotSentAgain(t *testing.T) {
	h := newHarness(t)
	ctx, cancel := context.WithCancel(context.Background())
	tr := stopDuringSend{recorder: &recorder{}, stop: cancel}
	h.bot.AddTransport(tr)
	m := &core.OutboxMessage{Platform: "test", ChatID: "admin", Text: "Готово"}
	if err := h.svc.FinishUpdate(context.Background(), core.Outcome{Messages: []*core.OutboxMessage{m}}); err != nil {
		t.Fatal(err)
	}
	_, _ = h.bot.DeliverDue(ctx, "test")
	if len(tr.take()) != 1 {
		t.Fatal("the message was not sent")
	}
	if n, err := h.bot.DeliverDue(context.Background(), "test"); n != 0 || err != nil || len(tr.take()) != 0 {
		t.Fatalf("sent again after the stop: %d, %v", n, err)
	}
}
