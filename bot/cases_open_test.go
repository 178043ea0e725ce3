package bot_test

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// bindTeam binds a group as the team's work chat, as the admin does.
func (d *caseDesk) bindTeam(chatID, title string) {
	d.t.Helper()
	d.bind(chatID, title, core.PurposeTeam)
}

// deliverAll delivers what is due, and what that delivery wrote (a
// case's first message, written when its thread's record is delivered),
// and returns what was sent.
func (d *caseDesk) deliverAll() []*bot.Message {
	d.t.Helper()
	var out []*bot.Message
	for {
		n, err := d.bot.DeliverDue(context.Background(), "test")
		if err != nil {
			d.t.Fatal(err)
		}
		out = append(out, d.rec.take()...)
		if n == 0 {
			return out
		}
	}
}

// TestCaseFromAPrivateChat: /case in a private chat opens the case in the
// team's work chat, where its first message goes; with no work chat bound
// it says so and opens nothing.
func TestCaseFromAPrivateChat(t *testing.T) {
	d := newCaseDesk(t)
	sent := d.say("mgr", "/case "+d.deal.Number+" Скидка 15%")
	d.want(sent, "err.case.no_work_chat", nil)

	d.bindTeam("g-team", "Команда продаж")
	sent = d.say("mgr", "/case "+d.deal.Number+" Скидка 15%")
	d.want(sent, "msg.case.opened_in", bot.Args{"ID": 1, "Topic": "Скидка 15%", "Chat": "Команда продаж",
		"Subject": d.deal.Number + " «Поставка оборудования»"})
	first := inChat(d.deliverAll(), "g-team")
	if len(first) != 1 || !strings.HasPrefix(first[0].Text, "Кейс #1: Скидка 15%") {
		t.Fatalf("first message in the team chat: %s", dump(first))
	}
	if got := d.theCase(1); got.ChatID != "g-team" || got.Opening {
		t.Fatalf("case = %+v", got)
	}
	// Talk in the team chat is collected.
	u := &bot.Update{UserID: "law", ChatID: "g-team", ChatType: bot.ChatGroup, MessageID: "41", Text: "Скидка выше 10% — через юристов"}
	if sent := d.send(u); len(sent) != 0 || len(d.caseMessages(1)) != 1 {
		t.Fatalf("talk in the team chat: %s, %d collected", dump(sent), len(d.caseMessages(1)))
	}
}

// TestCaseAsksWhatIsMissing: a name of several cards offers them, and a
// missing topic is asked, with those asked to join in its answer.
func TestCaseAsksWhatIsMissing(t *testing.T) {
	d := newCaseDesk(t)
	plus, err := d.svc.CreateClient(context.Background(), core.Actor{User: d.officer, Source: "test"},
		&core.Client{INN: "7736207543", KPP: "770401001", ShortName: "Ромашка Плюс"})
	if err != nil {
		t.Fatal(err)
	}
	sent := d.group("mgr", "1", "/case ромашка")
	d.want(sent, "flow.case.pick", bot.Args{"Query": "ромашка"})
	label := d.p.T("btn.client.pick", bot.Args{"Name": plus.Name(), "INN": plus.INN, "KPP": plus.KPP, "Merged": false})
	sent = d.pressInCaseChat("mgr", sent, label)
	subject := plus.Name() + ", " + plus.INN + "/" + plus.KPP
	d.want(sent, "flow.case.topic", bot.Args{"Subject": subject})
	sent = d.group("mgr", "2", "Проверка бенефициаров +андеррайтер +Юристов")
	if !d.hasText(sent, "err.case.role_nobody", bot.Args{"Role": "underwriter"}) {
		t.Fatalf("no underwriter, not said: %s", dump(sent))
	}
	d.want(sent, "flow.case.topic", bot.Args{"Subject": subject}) // asked again
	d.addUser("uw", "Ульяна Рискова", core.RoleUnderwriter)
	sent = d.group("mgr", "3", "Проверка бенефициаров +андеррайтер +Юристов")
	if !d.hasText(sent, "msg.case.opened_here", bot.Args{"ID": 1, "Topic": "Проверка бенефициаров", "Subject": subject}) {
		t.Fatalf("not opened: %s", dump(sent))
	}
	cs := d.theCase(1)
	uw := d.user("test:uw")
	if cs.ClientID != plus.ID || cs.DealID != 0 || len(cs.Participants) != 3 || cs.Participants[1] != uw.ID ||
		cs.Participants[2] != d.lawyer.ID {
		t.Fatalf("case = %+v", cs)
	}
	// A decision on a card goes to the card's history.
	d.group("uw", "4", "#решение бенефициары проверены, риск низкий")
	h, err := d.svc.FindHistory(context.Background(), core.Actor{User: d.officer}, plus.INN)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, ch := range h.Changes {
		found = found || ch.Entity == core.EntityClient && ch.Field == "decision" && ch.New == "бенефициары проверены, риск низкий"
	}
	if !found {
		t.Error("the decision is not in the card's history")
	}
}

// pressInCaseChat presses a button of msgs in the case chat.
func (d *caseDesk) pressInCaseChat(userID string, msgs []*bot.Message, label string) []*bot.Message {
	d.t.Helper()
	for _, m := range msgs {
		for _, row := range m.Buttons {
			for _, b := range row {
				if b.Label == label {
					u := &bot.Update{UserID: userID, ChatID: caseChat, ChatType: bot.ChatGroup, Token: b.Token, CallbackID: "cb"}
					out := d.send(u)
					return append(out, d.deliverAll()...)
				}
			}
		}
	}
	d.t.Fatalf("no button %q in %s", label, dump(msgs))
	return nil
}

// TestCaseOpenButton: the button a deal's card carries (payload
// "deal:<id>") asks the topic and opens the case in the team's chat.
func TestCaseOpenButton(t *testing.T) {
	d := newCaseDesk(t)
	d.bindTeam("g-team", "Команда")
	btn := core.NewButton(core.ActionCaseOpen, "deal:"+strconv.FormatInt(d.deal.ID, 10), d.manager.ID,
		core.ChatKey("test", "mgr"), d.clock.Now(), time.Hour)
	if err := d.db.Update(context.Background(), func(tx core.Tx) error { return tx.PutButton(btn) }); err != nil {
		t.Fatal(err)
	}
	sent := d.send(&bot.Update{UserID: "mgr", Token: btn.Token, CallbackID: "cb"})
	d.want(sent, "flow.case.topic", bot.Args{"Subject": d.deal.Number + " «Поставка оборудования»"})
	sent = d.say("mgr", "Сроки поставки")
	d.want(sent, "msg.case.opened_in", bot.Args{"ID": 1, "Topic": "Сроки поставки", "Chat": "Команда",
		"Subject": d.deal.Number + " «Поставка оборудования»"})
	// Someone else's deal: the button of a manager who may not see it.
	other := d.addUser("mgr2", "Марина Продажина", core.RoleManager)
	btn = core.NewButton(core.ActionCaseOpen, "deal:"+strconv.FormatInt(d.deal.ID, 10), other.ID,
		core.ChatKey("test", "mgr2"), d.clock.Now(), time.Hour)
	if err := d.db.Update(context.Background(), func(tx core.Tx) error { return tx.PutButton(btn) }); err != nil {
		t.Fatal(err)
	}
	d.want(d.send(&bot.Update{UserID: "mgr2", Token: btn.Token, CallbackID: "cb2"}), "err.deal.not_found",
		bot.Args{"Number": d.deal.Number})
}

// TestCaseRefusals: one chat-kept case per chat; a case closed only by
// those who may, and not twice; usage answers.
func TestCaseRefusals(t *testing.T) {
	d := newCaseDesk(t)
	d.group("off", "1", "/case "+d.deal.Number+" Первый")
	sent := d.group("mgr", "2", "/case "+d.deal.Number+" Второй")
	d.want(sent, "err.case.chat_busy", bot.Args{"ID": 1, "Topic": "Первый"})
	d.want(d.group("law", "3", "/case close"), "err.case.close_forbidden", bot.Args{"ID": 1})
	d.want(d.say("off", "/case close 99"), "err.case.not_found", bot.Args{"ID": 99})
	d.want(d.say("off", "/case close"), "msg.case.close_usage", nil)
	d.want(d.say("off", "/case"), "msg.case.usage", nil)
	d.want(d.say("off", "/cases"), "msg.cases.usage", nil)
	// Closed from a private chat by its number: told there and in the chat.
	d.want(d.say("off", "/case close 1"), "flow.case.resolution", bot.Args{"ID": "1", "Topic": "Первый"})
	d.want(d.say("off", "Договорились"), "msg.case.closed", bot.Args{"ID": 1, "Topic": "Первый"})
	if told := inChat(d.deliverAll(), caseChat); len(told) != 1 || !strings.Contains(told[0].Text, "Договорились") {
		t.Fatalf("the chat not told: %s", dump(told))
	}
	d.want(d.say("off", "/case close 1"), "err.case.closed", bot.Args{"ID": 1})
	// The chat takes a new case now.
	sent = d.group("mgr", "4", "/case "+d.deal.Number+" Второй")
	if !d.hasText(sent, "msg.case.opened_here", bot.Args{"ID": 2, "Topic": "Второй",
		"Subject": d.deal.Number + " «Поставка оборудования»"}) {
		t.Fatalf("second case: %s", dump(sent))
	}
}

// TestCaseFiles: files sent in a case's chat are stored with the message;
// one that cannot be fetched is said, and the message is kept without it.
func TestCaseFiles(t *testing.T) {
	d := newCaseDesk(t)
	d.group("off", "1", "/case "+d.deal.Number+" Скан договора")
	fc := newFileChat(d.rec)
	scan := []byte("%PDF-1.7 скан")
	in := fc.put("договор.pdf", scan)
	u := &bot.Update{UserID: "mgr", ChatID: caseChat, ChatType: bot.ChatGroup, MessageID: "2", Text: "подписанный скан",
		Files: []bot.IncomingFile{in}}
	if sent := d.through(fc, u); len(sent) != 0 {
		t.Fatalf("a file answered: %s", dump(sent))
	}
	gone := bot.IncomingFile{Name: "пропал.pdf", Ref: "nowhere"}
	u = &bot.Update{UserID: "mgr", ChatID: caseChat, ChatType: bot.ChatGroup, MessageID: "3", Files: []bot.IncomingFile{gone}}
	sent := d.through(fc, u)
	d.want(sent, "msg.case.file_lost", bot.Args{"Why": d.p.T("err.file.gone", bot.Args{"Name": "пропал.pdf"})})
	ms := d.caseMessages(1)
	if len(ms) != 2 || len(ms[0].Files) != 1 || ms[0].Files[0].Name != "договор.pdf" || len(ms[1].Files) != 0 {
		t.Fatalf("messages = %+v", ms)
	}
	if got := d.storedFile(ms[0].Files[0].SHA256); !bytes.Equal(got, scan) {
		t.Fatalf("stored file = %q", got)
	}
}

// TestCaseStrangerThroughTheInbox: a stranger's post in a case's chat,
// taken into the inbox as every update is, is handled without a word,
// recorded in no case, and the inbox keeps nothing of what was said.
func TestCaseStrangerThroughTheInbox(t *testing.T) {
	d := newCaseDesk(t)
	d.group("off", "1", "/case "+d.deal.Number+" Спорный пункт")
	ctx := context.Background()
	u := &bot.Update{ID: "upd-7", Platform: "test", ChatID: caseChat, ChatType: bot.ChatGroup, MessageID: "7",
		UserID: "stranger", Text: "мой номер карты 4276 0000 0000 0000"}
	if err := d.bot.Take(ctx, nil, u); err != nil {
		t.Fatal(err)
	}
	// Another update of the chat makes the bot handle what waits.
	if sent := d.group("mgr", "8", "ок"); len(sent) != 0 {
		t.Fatalf("answered: %s", dump(sent))
	}
	var item *core.InboxItem
	err := d.db.View(ctx, func(tx core.Tx) error {
		for id := int64(1); ; id++ {
			it, err := tx.InboxItem(id)
			if core.IsNotFound(err) {
				return nil
			} else if err != nil {
				return err
			}
			if it.Key == "upd-7" {
				item = it
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if item == nil || item.HandledAt.IsZero() || len(item.Payload) != 0 {
		t.Fatalf("stranger's inbox item = %+v", item)
	}
	for _, m := range d.caseMessages(1) {
		if m.PlatformID == "7" || strings.Contains(m.Text, "4276") {
			t.Fatalf("the stranger's message was collected: %+v", m)
		}
	}
	if sent := d.deliverAll(); len(sent) != 0 {
		t.Fatalf("something was sent for the stranger: %s", dump(sent))
	}
}
