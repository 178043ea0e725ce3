package main

import (
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/dealdesk/dealdesk/bot/telegram/telegramtest"
)

const (
	officerTG  = 4004
	strangerTG = 6006
	forumTG    = -1001500 // a forum supergroup: cases open as topics
	plainTG    = -1001600 // a supergroup without topics: a case is kept in the chat
)

// caseJoin brings a user in with an invite code for the role.
func (r *tgRun) caseJoin(user int64, role string) {
	r.t.Helper()
	invite := r.say(adminTG, adminTG, "/invite "+role)
	code := strings.Fields(strings.SplitN(invite.Text, "/start ", 2)[1])[0]
	expect(r.t, r.say(user, user, "/start "+code), "Ваша роль")
}

// inTopic runs an action and returns the first message the bot sends into
// the forum topic after it whose text holds want.
func (r *tgRun) inTopic(chat int64, thread int, want string, action func()) telegramtest.SentMessage {
	r.t.Helper()
	r.quiet()
	before := len(r.srv.Sent())
	action()
	deadline := time.Now().Add(10 * time.Second)
	for n := before + 1; time.Now().Before(deadline); n++ {
		for _, m := range r.srv.WaitSent(r.t, n, time.Until(deadline))[before:] {
			if m.ChatID == chat && m.ThreadID == thread && !strings.HasPrefix(m.Method, "edit") && strings.Contains(m.Text, want) {
				return m
			}
		}
	}
	r.t.Fatalf("no message in topic %d of chat %d with %q; sent: %+v", thread, chat, want, r.srv.Sent()[before:])
	return telegramtest.SentMessage{}
}

// sentTo waits until the bot has sent, at any time, a message into the
// chat's topic (0: the chat itself) whose text holds want, and returns it.
func (r *tgRun) sentTo(chat int64, thread int, want string) telegramtest.SentMessage {
	r.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for n := 1; time.Now().Before(deadline); n++ {
		for _, m := range r.srv.WaitSent(r.t, n, time.Until(deadline)) {
			if m.ChatID == chat && m.ThreadID == thread && strings.Contains(m.Text, want) {
				return m
			}
		}
	}
	r.t.Fatalf("no message in topic %d of chat %d with %q", thread, chat, want)
	return telegramtest.SentMessage{}
}

// expectMentions fails unless the message's first line is the names of
// the people it mentions, joined with ", ", each covered by a text_mention
// entity of their Telegram id (offsets and lengths in UTF-16 units), and
// want (Telegram id → name) is among them.
func expectMentions(t *testing.T, m telegramtest.SentMessage, want map[int64]string) {
	t.Helper()
	line, _, _ := strings.Cut(m.Text, "\n")
	units := utf16.Encode([]rune(m.Text))
	lineLen := len(utf16.Encode([]rune(line)))
	got := map[int64]string{}
	var names []string
	for _, e := range m.Entities {
		if e.Type != "text_mention" || e.User == nil || e.Offset < 0 || e.Offset+e.Length > lineLen {
			t.Fatalf("entity %+v is no text_mention on the first line %q", e, line)
		}
		name := string(utf16.Decode(units[e.Offset : e.Offset+e.Length]))
		got[e.User.ID] = name
		names = append(names, name)
	}
	for id, name := range want {
		if got[id] != name {
			t.Fatalf("the message does not mention %s (Telegram id %d): entities %+v over %q", name, id, m.Entities, names)
		}
	}
	if strings.Join(names, ", ") != line {
		t.Fatalf("first line %q, want the mentioned names %q", line, strings.Join(names, ", "))
	}
}

// TestCaseInATelegramForum is issue 11's case discussion through the fake
// Bot API, as people would have it: a deal; /case in the officers' forum
// supergroup opens a forum topic (createForumTopic) whose first message
// names the people involved; what the deal's manager and the officer write
// in the topic is collected into the case; «#решение» ends as a decision in
// the deal's history and is told to its manager; a stranger's post in the
// topic gets no answer and is recorded nowhere; «/case close» asks the
// resolution and closes the case, which the deal's card lists. In a plain
// group (no topics) the case is kept in the chat.
func TestCaseInATelegramForum(t *testing.T) {
	srv := telegramtest.NewServer(t)
	srv.SetForum(forumTG)
	dadata := dadataServer(t, nil)
	dir := t.TempDir()
	r := startTelegram(t, dir, srv, map[string]string{"DADATA_API_KEY": "test-key", "DADATA_URL": dadata.URL})

	const me = managerTG
	r.caseJoin(me, "manager")
	r.caseJoin(officerTG, "officer")
	record := r.say(me, me, "/client 7707083893")
	r.tap(me, me, record, "Создать", "карточка #1")
	confirm := r.say(me, me, "/deal new 7707083893 Поставка оборудования 1 500 000")
	r.tap(me, me, confirm, "Создать", "Стадия: новая")
	expect(t, r.say(forumTG, adminTG, "/bind officers"), "привязан как рабочий чат")

	// The officer opens the case in the forum's general topic: a topic of
	// its own opens, and its first message names who takes part.
	opened := r.say(forumTG, officerTG, "/case D-2026-0001 скидка для клиента")
	expect(t, opened, "Кейс #1 «скидка для клиента» открыт")
	topics := srv.WaitTopics(t, forumTG, 1, 10*time.Second)
	topic := topics[0]
	if !strings.Contains(topic.Name, "скидка для клиента") || !strings.Contains(topic.Name, "D-2026-0001") ||
		topic.CreatedBy != telegramtest.BotID {
		t.Fatalf("forum topic %+v", topic)
	}
	if calls := srv.CallsTo("createForumTopic"); len(calls) != 1 || calls[0].Params["name"] != topic.Name {
		t.Fatalf("createForumTopic calls %+v", calls)
	}
	first := r.sentTo(forumTG, topic.ThreadID, "Кейс #1: скидка для клиента")
	for _, want := range []string{"Сделка D-2026-0001 «Поставка оборудования»", "User 2002", "User 4004", "ветке"} {
		expect(t, first, want)
	}
	// It mentions the deal's manager and the officer, so that Telegram
	// notifies them: their names on its first line, each a text_mention of
	// their Telegram id (few have an @username).
	expectMentions(t, first, map[int64]string{managerTG: "User 2002", officerTG: "User 4004"})

	// The discussion: plain messages are collected silently; a decision is
	// recorded, answered in the topic and told to the deal's manager.
	srv.SendTopicText(forumTG, topic.ThreadID, me, "Клиент просит скидку 5% за предоплату")
	srv.SendTopicText(forumTG, topic.ThreadID, officerTG, "По регламенту можно до 7%")
	decided := r.inTopic(forumTG, topic.ThreadID, "Решение записано в кейс #1", func() {
		srv.SendTopicText(forumTG, topic.ThreadID, officerTG, "#решение скидка 5% при 100% предоплате")
	})
	expect(t, decided, "истори")
	r.waitText(me, "скидка 5% при 100% предоплате")

	// A stranger (never invited) writes in the topic: no answer, anywhere.
	const strangerText = "Посторонний-пишет-в-тему #решение отказать"
	before := len(srv.Sent())
	srv.SendTopicText(forumTG, topic.ThreadID, strangerTG, strangerText)
	card := r.inTopic(forumTG, topic.ThreadID, "Кейс #1 «скидка для клиента»", func() {
		srv.SendTopicText(forumTG, topic.ThreadID, me, "/case")
	})
	for _, m := range srv.Sent()[before:] {
		if m.ChatID == strangerTG || m.MessageID != card.MessageID && m.ChatID == forumTG {
			t.Fatalf("the stranger's post was answered: %+v", m)
		}
	}
	for _, want := range []string{"Сообщений в кейсе: 3", "скидка 5% при 100% предоплате", "User 2002", "User 4004"} {
		expect(t, card, want)
	}
	if strings.Contains(card.Text, "Посторонний") || strings.Contains(card.Text, "отказать") {
		t.Fatalf("the case shows the stranger's post:\n%s", card.Text)
	}
	history := r.say(me, me, "/history D-2026-0001")
	expect(t, history, "скидка 5% при 100% предоплате")
	if strings.Contains(history.Text, "отказать") || strings.Contains(history.Text, "Посторонний") {
		t.Fatalf("the history shows the stranger's post:\n%s", history.Text)
	}

	// /case close in the topic asks the resolution, and the topic is told.
	r.inTopic(forumTG, topic.ThreadID, "Какой итог обсуждения", func() {
		srv.SendTopicText(forumTG, topic.ThreadID, officerTG, "/case close")
	})
	closed := r.inTopic(forumTG, topic.ThreadID, "закрыт", func() {
		srv.SendTopicText(forumTG, topic.ThreadID, officerTG, "Скидка согласована, договор на подписание")
	})
	expect(t, closed, "Итог: Скидка согласована, договор на подписание")
	deal := r.say(me, me, "/deal D-2026-0001")
	expect(t, deal, "#1 «скидка для клиента»")
	expect(t, deal, "закрыт")

	// A plain group has no topics: the case is kept in the chat itself.
	expect(t, r.say(plainTG, adminTG, "/bind team"), "привязан как рабочий чат")
	r.say(plainTG, me, "/case D-2026-0001 сроки оплаты")
	inChat := r.sentTo(plainTG, 0, "Кейс #2: сроки оплаты")
	if !strings.Contains(inChat.Text, "в этом чате") {
		t.Fatalf("the case in a plain group: %+v", inChat)
	}
	expectMentions(t, inChat, map[int64]string{managerTG: "User 2002"})
	if got := srv.Topics(plainTG); len(got) != 0 {
		t.Fatalf("topics in a plain group: %+v", got)
	}
	expect(t, r.say(plainTG, officerTG, "#решение оплата двумя частями"), "Решение записано в кейс #2")
	expect(t, r.say(me, me, "/history D-2026-0001"), "оплата двумя частями")

	// Nothing the stranger wrote is kept: not even in the database file.
	r.stop()
	if storedAnywhere(t, dir, "Посторонний-пишет-в-тему") {
		t.Fatal("the stranger's post is stored in the database")
	}
}
