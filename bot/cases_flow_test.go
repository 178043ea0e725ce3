package bot_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// caseChat is the group the case tests talk in, bound as the lawyers'
// work chat (a case opens only in a work chat, of any purpose; the
// lawyers' is one a private chat's /case does not go to); the test
// platform has no threads, so a case opened there is kept in the chat
// itself.
const caseChat = "g-cases"

// caseDesk is the harness with an officer, a manager, a lawyer, the
// manager's card and deal.
type caseDesk struct {
	*harness
	officer, manager, lawyer *core.User
	client                   *core.Client
	deal                     *core.Deal
}

func newCaseDesk(t *testing.T) *caseDesk {
	t.Helper()
	h := newHarness(t)
	d := &caseDesk{harness: h}
	d.officer = h.addUser("off", "Ирина Сопровождение", core.RoleOfficer)
	d.manager = h.addUser("mgr", "Максим Менеджеров", core.RoleManager)
	d.lawyer = h.addUser("law", "Лев Юристов", core.RoleLawyer)
	ctx := context.Background()
	var err error
	d.client, err = h.svc.CreateClient(ctx, core.Actor{User: d.officer, Source: "test"},
		&core.Client{INN: "7707083893", KPP: "773601001", ShortName: "Ромашка", ManagerID: d.manager.ID})
	if err != nil {
		t.Fatal(err)
	}
	d.deal, err = h.svc.CreateDeal(ctx, core.Actor{User: d.manager, Source: "test"},
		&core.Deal{ClientID: d.client.ID, Title: "Поставка оборудования"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.bot.DeliverDue(ctx, "test"); err != nil {
		t.Fatal(err)
	}
	h.rec.take()
	d.bind(caseChat, "Сделки", core.PurposeLawyers)
	return d
}

// bind binds a group as a work chat of the purpose, as the admin does.
func (d *caseDesk) bind(chatID, title string, p core.ChatPurpose) {
	d.t.Helper()
	u := &bot.Update{UserID: "admin", ChatID: chatID, ChatType: bot.ChatGroup, ChatTitle: title, Text: "/bind " + string(p)}
	u.Command, u.Args, _ = bot.ParseCommand(u.Text)
	d.want(d.send(u), "msg.bind.done", bot.Args{"Purpose": d.p.T("purpose."+string(p), nil)})
}

// group sends a message to the case chat (a command when it is one) and
// returns everything delivered after it: its replies, and what a thread's
// record wrote when it was delivered (the case's first message).
func (d *caseDesk) group(userID, msgID, text string, files ...bot.IncomingFile) []*bot.Message {
	d.t.Helper()
	u := &bot.Update{UserID: userID, ChatID: caseChat, ChatType: bot.ChatGroup, ChatTitle: "Сделки", MessageID: msgID,
		Text: text, Files: files}
	u.Command, u.Args, _ = bot.ParseCommand(text)
	out := d.send(u)
	if _, err := d.bot.DeliverDue(context.Background(), "test"); err != nil {
		d.t.Fatal(err)
	}
	return append(out, d.rec.take()...)
}

func (d *caseDesk) theCase(id int64) *core.Case {
	d.t.Helper()
	var cs *core.Case
	err := d.db.View(context.Background(), func(tx core.Tx) (err error) {
		cs, err = tx.CaseByID(id)
		return err
	})
	if err != nil {
		d.t.Fatal(err)
	}
	return cs
}

func (d *caseDesk) caseMessages(id int64) []*core.CaseMessage {
	d.t.Helper()
	var ms []*core.CaseMessage
	err := d.db.View(context.Background(), func(tx core.Tx) (err error) {
		ms, err = tx.CaseMessages(id)
		return err
	})
	if err != nil {
		d.t.Fatal(err)
	}
	return ms
}

// hasText reports whether a message's text is the rendered key.
func (d *caseDesk) hasText(msgs []*bot.Message, key string, args bot.Args) bool {
	want := d.p.T(key, args)
	for _, m := range msgs {
		if m.Text == want {
			return true
		}
	}
	return false
}

// TestCaseInAChatWithoutThreads opens a case in a group of a platform
// without threads, as the console and a plain group are: the case is kept
// in the chat, its first message names the deal and mentions the people
// asked; talk is collected silently, #решение and #задача are answered,
// a wrong tag explained, a message delivered again collected once, a
// stranger's message ignored; /case shows it, /case close asks for the
// resolution, and the deal's history shows the case and the decision.
func TestCaseInAChatWithoutThreads(t *testing.T) {
	d := newCaseDesk(t)
	sent := d.group("off", "1", "/case "+d.deal.Number+" Спорный пункт договора +юрист")
	subject := d.deal.Number + " «Поставка оборудования»"
	if !d.hasText(sent, "msg.case.opened_here", bot.Args{"ID": 1, "Topic": "Спорный пункт договора", "Subject": subject}) {
		t.Fatalf("no reply that the case opened: %s", dump(sent))
	}
	first := inChat(sent, caseChat)
	opened := d.p.T("notify.case.opened", bot.Args{"ID": 1, "Topic": "Спорный пункт договора", "Deal": d.deal.Number,
		"Title": d.deal.Title, "By": "Ирина Сопровождение", "People": "Максим Менеджеров, Ирина Сопровождение, Лев Юристов",
		"InChat": true})
	var firstMsg *bot.Message
	for _, m := range first {
		if m.Text == opened {
			firstMsg = m
		}
	}
	mentions := []bot.Mention{{ID: "mgr", Name: "Максим Менеджеров"}, {ID: "off", Name: "Ирина Сопровождение"},
		{ID: "law", Name: "Лев Юристов"}}
	if firstMsg == nil || firstMsg.ThreadID != "" || !slices.Equal(firstMsg.Mentions, mentions) {
		t.Fatalf("first message %q not in the chat with mentions: %s", opened, dump(sent))
	}
	cs := d.theCase(1)
	if cs.Opening || cs.ThreadID != "" || cs.ChatID != caseChat || cs.DealID != d.deal.ID {
		t.Fatalf("case = %+v", cs)
	}

	// Talk is collected without a word from the bot.
	if sent := d.group("mgr", "2", "Клиент настаивает на своей редакции п. 5.2"); len(sent) != 0 {
		t.Fatalf("the bot answered plain talk: %s", dump(sent))
	}
	// A decision and a task are answered.
	sent = d.group("law", "3", "#решение принимаем редакцию клиента")
	if !d.hasText(sent, "msg.case.decision_made", bot.Args{"ID": 1, "Topic": cs.Topic, "OnDeal": true}) {
		t.Fatalf("no answer that the decision was recorded: %s", dump(sent))
	}
	if told := inChat(sent, "mgr"); len(told) != 1 || !told[0].Direct || !strings.Contains(told[0].Text, "принимаем редакцию клиента") {
		t.Fatalf("the deal's manager not told of the decision: %s", dump(sent))
	}
	sent = d.group("off", "4", "#задача @Менеджеров 05.12 подготовить протокол разногласий")
	tasks, err := d.svc.MyTasks(context.Background(), core.Actor{User: d.manager})
	if err != nil || len(tasks) != 1 {
		t.Fatalf("manager's tasks = %v, %v", tasks, err)
	}
	task := tasks[0]
	if task.DealID != d.deal.ID || task.Title != "подготовить протокол разногласий" {
		t.Fatalf("task = %+v", task)
	}
	if !d.hasText(sent, "msg.case.task_made", bot.Args{"ID": 1, "Topic": cs.Topic, "Task": task.ID, "Title": task.Title,
		"Due": task.Due, "Who": "Максим Менеджеров", "Decision": false, "OnDeal": true}) {
		t.Fatalf("no answer that the task was made: %s", dump(sent))
	}
	// A wrong tag: why, and the form.
	sent = d.group("off", "5", "#задача @Никтоев 05.12 позвонить")
	want := d.p.T("err.case.person_unknown", bot.Args{"Name": "@Никтоев"}) + "\n" + d.p.T("msg.case.form.task", nil)
	if len(sent) != 1 || sent[0].Text != want {
		t.Fatalf("bad tag answered %s\nwant %q", dump(sent), want)
	}
	// Delivered again: nothing more.
	if sent := d.group("mgr", "2", "Клиент настаивает на своей редакции п. 5.2"); len(sent) != 0 {
		t.Fatalf("a redelivered message answered: %s", dump(sent))
	}
	// A stranger: no answer, nothing kept.
	if sent := d.group("stranger", "6", "#решение отдать всё даром"); len(sent) != 0 {
		t.Fatalf("a stranger was answered: %s", dump(sent))
	}
	ms := d.caseMessages(1)
	if len(ms) != 4 {
		t.Fatalf("%d messages collected, want 4: %+v", len(ms), ms)
	}
	if ms[0].UserID != d.manager.ID || ms[1].UserID != d.lawyer.ID || !ms[1].Decision || ms[2].TaskID != task.ID ||
		ms[3].PlatformID != "5" {
		t.Errorf("messages = %+v", ms)
	}

	// /case in the chat shows it.
	sent = d.group("mgr", "7", "/case")
	if len(sent) != 1 || !strings.Contains(sent[0].Text, "Кейс #1 «Спорный пункт договора»") ||
		!strings.Contains(sent[0].Text, "принимаем редакцию клиента") || !strings.Contains(sent[0].Text, "#"+strconv.FormatInt(task.ID, 10)) {
		t.Fatalf("case card: %s", dump(sent))
	}

	// Closed with its resolution: the chat is told, the talk is over.
	sent = d.group("off", "8", "/case close")
	d.want(sent, "flow.case.resolution", bot.Args{"ID": "1", "Topic": cs.Topic})
	sent = d.group("off", "9", "Подписываем с протоколом разногласий")
	d.want(sent, "notify.case.closed", bot.Args{"ID": 1, "Topic": cs.Topic, "By": "Ирина Сопровождение",
		"Resolution": "Подписываем с протоколом разногласий", "Decisions": 1, "Tasks": 1})
	// The resolution was said in the chat while the case was open: the
	// dialog takes it, and the case keeps it as its last message.
	if got := d.theCase(1); got.Status != core.CaseClosed || got.Messages != 5 {
		t.Fatalf("closed case = %+v", got)
	}
	if ms := d.caseMessages(1); ms[4].Text != "Подписываем с протоколом разногласий" || ms[4].Decision {
		t.Fatalf("the resolution's message = %+v", ms[4])
	}
	if sent := d.group("mgr", "10", "спасибо"); len(sent) != 0 || len(d.caseMessages(1)) != 5 {
		t.Fatalf("talk after closing: %s", dump(sent))
	}

	// The deal's history: the case opened and closed, the decision.
	sent = d.say("mgr", "/history "+d.deal.Number)
	all := strings.Join(texts(sent), "\n")
	for _, s := range []string{"решение по кейсу #1 «Спорный пункт договора»: принимаем редакцию клиента",
		"открыт кейс #1 «Спорный пункт договора»",
		"кейс #1 «Спорный пункт договора» закрыт: Подписываем с протоколом разногласий"} {
		if !strings.Contains(all, s) {
			t.Errorf("history lacks %q:\n%s", s, all)
		}
	}
	// /cases lists it.
	sent = d.say("mgr", "/cases "+d.deal.Number)
	if len(sent) != 1 || !strings.Contains(sent[0].Text, d.p.T("card.case.line", bot.Args{"ID": 1, "Topic": cs.Topic,
		"Open": false, "Decisions": 1, "Tasks": 1})) {
		t.Fatalf("/cases: %s", dump(sent))
	}
	shown := d.press("mgr", sent, "Кейс #1: Спорный пункт договора")
	if len(shown) != 1 || !strings.HasPrefix(shown[0].Text, d.p.T("card.case.title", bot.Args{"ID": 1, "Topic": cs.Topic,
		"Open": false})) {
		t.Fatalf("the case's button: %s", dump(shown))
	}
}
