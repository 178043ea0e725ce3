package bot_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// TestCaseTagsOnlyOfThoseWhoSeeTheDeal: a manager who may not see the
// deal, writing in its case's chat, records nothing: a plain message is
// not collected and not answered, #решение and #задача are refused with
// why; the case stays closed to them, and nothing reached the deal, its
// manager or their tasks.
func TestCaseTagsOnlyOfThoseWhoSeeTheDeal(t *testing.T) {
	d := newCaseDesk(t)
	other := d.addUser("m2", "Марина Чужая", core.RoleManager)
	d.group("off", "1", "/case "+d.deal.Number+" Спорный пункт")
	if sent := d.group("m2", "2", "мне тоже интересно"); len(sent) != 0 {
		t.Fatalf("a plain message answered: %s", dump(sent))
	}
	d.want(d.group("m2", "3", "#решение отдать скидку 50%"), "err.case.tag_forbidden", bot.Args{"ID": 1, "OnDeal": true})
	d.want(d.group("m2", "4", "#задача мне завтра 12:00 позвонить клиенту"), "err.case.tag_forbidden",
		bot.Args{"ID": 1, "OnDeal": true})
	if ms := d.caseMessages(1); len(ms) != 0 {
		t.Fatalf("collected: %+v", ms)
	}
	if cs := d.theCase(1); cs.Decisions != 0 || len(cs.Tasks) != 0 || len(cs.Participants) != 2 {
		t.Fatalf("case = %+v", cs)
	}
	for _, ch := range d.changes(core.EntityDeal, d.deal.ID) {
		if ch.Field == "decision" {
			t.Fatalf("a decision on the deal: %+v", ch)
		}
	}
	if tasks, err := d.svc.MyTasks(context.Background(), core.Actor{User: other}); err != nil || len(tasks) != 0 {
		t.Fatalf("m2's tasks: %v, %v", tasks, err)
	}
	d.want(d.say("m2", "/case #1"), "err.case.not_found", bot.Args{"ID": 1})
	d.want(d.group("m2", "5", "/case"), "err.case.not_found", bot.Args{"ID": 1})
	// Those who see the deal go on as before.
	if !d.hasText(d.group("law", "6", "#решение скидка не больше 5%"), "msg.case.decision_made",
		bot.Args{"ID": 1, "OnDeal": true}) {
		t.Fatal("a lawyer's decision not recorded")
	}
}

// TestCaseOnlyInAWorkChat: a group that is not bound as a work chat takes
// no case (its first message would name the deal before whoever is
// there): refused with the hint to bind it, before anything is asked, and
// nothing is opened or sent there.
func TestCaseOnlyInAWorkChat(t *testing.T) {
	d := newCaseDesk(t)
	for i, text := range []string{"/case " + d.deal.Number + " Скидка", "/case " + d.deal.Number} {
		u := &bot.Update{UserID: "off", ChatID: "g-other", ChatType: bot.ChatGroup, ChatTitle: "Курилка",
			MessageID: strconv.Itoa(i), Text: text}
		u.Command, u.Args, _ = bot.ParseCommand(text)
		d.want(d.send(u), "err.case.not_work_chat", nil)
	}
	if sent := d.deliverAll(); len(sent) != 0 {
		t.Fatalf("sent: %s", dump(sent))
	}
	err := d.db.View(context.Background(), func(tx core.Tx) error {
		_, err := tx.CaseByID(1)
		return err
	})
	if !core.IsNotFound(err) {
		t.Fatalf("a case was opened: %v", err)
	}
	// Bound, with any purpose, it takes one.
	d.bind("g-other", "Курилка", core.PurposeHeads)
	u := &bot.Update{UserID: "off", ChatID: "g-other", ChatType: bot.ChatGroup, MessageID: "9",
		Text: "/case " + d.deal.Number + " Скидка"}
	u.Command, u.Args, _ = bot.ParseCommand(u.Text)
	if !d.hasText(d.send(u), "msg.case.opened_here", bot.Args{"ID": 1, "Topic": "Скидка",
		"Subject": d.deal.Number + " «Поставка оборудования»"}) {
		t.Fatal("not opened in a bound chat")
	}
}

// TestCaseButtonWithNoWorkChat: «Обсудить» (and /case without a topic) in
// a private chat when the platform has no work chat to open a case in says
// so at once, instead of asking the topic first.
func TestCaseButtonWithNoWorkChat(t *testing.T) {
	d := newCaseDesk(t)
	// The case chat is the lawyers': a private chat's case goes to the
	// team's or the officers' chat, and neither is bound.
	btn := core.NewButton(core.ActionCaseOpen, "deal:"+strconv.FormatInt(d.deal.ID, 10), d.manager.ID,
		core.ChatKey("test", "mgr"), d.clock.Now(), time.Hour)
	if err := d.db.Update(context.Background(), func(tx core.Tx) error { return tx.PutButton(btn) }); err != nil {
		t.Fatal(err)
	}
	d.want(d.send(&bot.Update{UserID: "mgr", Token: btn.Token, CallbackID: "cb"}), "err.case.no_work_chat", nil)
	d.want(d.say("mgr", "/case "+d.deal.Number), "err.case.no_work_chat", nil)
	// No dialog was started: a plain message is not taken as a topic.
	d.want(d.say("mgr", "Сроки поставки"), "msg.unknown_text", nil)
}

// TestCaseLabelsInEnglish: the deal or card a case is about is named in
// the user's language, with its quotes.
func TestCaseLabelsInEnglish(t *testing.T) {
	d := newCaseDesk(t)
	d.bindTeam("g-team", "Sales team")
	d.say("mgr", "/lang en")
	en := bundle.Printer("en", nil)
	sent := d.say("mgr", "/cases "+d.deal.Number)
	want := en.T("msg.cases.none", bot.Args{"Subject": d.deal.Number + " “Поставка оборудования”"})
	if len(sent) != 1 || sent[0].Text != want {
		t.Fatalf("/cases in English: %s\nwant %q", dump(sent), want)
	}
	sent = d.say("mgr", "/case 7707083893")
	if want := en.T("flow.case.topic", bot.Args{"Subject": "Ромашка, 7707083893/773601001"}); len(sent) == 0 ||
		sent[len(sent)-1].Text != want {
		t.Fatalf("the topic asked in English: %s\nwant %q", dump(sent), want)
	}
	for _, m := range sent {
		if strings.ContainsAny(m.Text, "«»") {
			t.Errorf("Russian quotes in English: %q", m.Text)
		}
	}
}

// TestCaseWordsInRussian: a case is «кейс» in every reply, as the
// glossary has it (обсуждение кейса for its discussion).
func TestCaseWordsInRussian(t *testing.T) {
	d := newCaseDesk(t)
	for _, tc := range []struct{ text, want string }{
		{"/case #99", "Кейс #99 не найден."},
		{"/case close 99", "Кейс #99 не найден."},
	} {
		if sent := d.say("off", tc.text); len(sent) != 1 || sent[0].Text != tc.want {
			t.Errorf("%s: %s\nwant %q", tc.text, dump(sent), tc.want)
		}
	}
}

// TestCaseNamesOnlyThoseWhoSeeTheDeal: asking someone to join who may not
// see the deal is refused, naming them, and the topic is asked again.
func TestCaseNamesOnlyThoseWhoSeeTheDeal(t *testing.T) {
	d := newCaseDesk(t)
	d.addUser("m2", "Марина Чужая", core.RoleManager)
	subject := d.deal.Number + " «Поставка оборудования»"
	d.want(d.group("off", "1", "/case "+d.deal.Number), "flow.case.topic", bot.Args{"Subject": subject})
	sent := d.group("off", "2", "Скидка +Чужая")
	if !d.hasText(sent, "err.case.person_no_access", bot.Args{"Name": "Марина Чужая"}) {
		t.Fatalf("not refused: %s", dump(sent))
	}
	d.want(sent, "flow.case.topic", bot.Args{"Subject": subject})
	if sent := d.group("off", "3", "Скидка +юрист"); !d.hasText(sent, "msg.case.opened_here",
		bot.Args{"ID": 1, "Topic": "Скидка", "Subject": subject}) {
		t.Fatalf("not opened: %s", dump(sent))
	}
}
