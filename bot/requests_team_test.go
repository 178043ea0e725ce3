package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// pressAny presses the button whose label is label, or ends with it (a
// merged notice numbers its buttons: «2️⃣ Ответить»).
func (ro *requestOffice) pressAny(userID string, msgs []*bot.Message, label string) []*bot.Message {
	ro.t.Helper()
	for i := len(msgs) - 1; i >= 0; i-- {
		for _, row := range msgs[i].Buttons {
			for _, b := range row {
				if b.Label == label || strings.HasSuffix(b.Label, " "+label) {
					return ro.press(userID, msgs, b.Label)
				}
			}
		}
	}
	ro.t.Fatalf("no button %q in %s", label, dump(msgs))
	return nil
}

// TestARequestsStepButtonsWorkAgainAfterCancel: «Ответить», «Передать»,
// «Спросить», «Выполнено» and «Отклонить» only start a dialog; left with
// /cancel, the same button starts it again instead of answering «Это уже
// сделано» about a step nobody took.
func TestARequestsStepButtonsWorkAgainAfterCancel(t *testing.T) {
	ro := newRequestOffice(t)
	ro.addUser("o2", "Олег", core.RoleOfficer)
	ro.say("u", "/request вопрос 7707083893 Какой лимит?")
	ro.deliver()
	if _, err := ro.svc.AskRequest(context.Background(), core.Actor{User: ro.o}, 1, "Какой срок?"); err != nil {
		t.Fatal(err)
	}
	question := ro.deliver()["u"]
	card := ro.say("o", "/request 1")
	cases := []struct {
		who    string
		msgs   []*bot.Message
		button string
		prompt string
	}{
		{"u", question, "Ответить", "Напишите ответ."},
		{"o", card, "Передать", "Кому передать обращение #1?"},
		{"o", card, "Спросить", "Вопрос автору обращения #1"},
		{"o", card, "Выполнено", "Что сделано?"},
		{"o", card, "Отклонить", "Почему отклонить обращение #1"},
	}
	for _, tc := range cases {
		containsAll(t, ro.pressAny(tc.who, tc.msgs, tc.button), tc.prompt)
		containsAll(t, ro.say(tc.who, "/cancel"), "Отменено")
		again := ro.pressAny(tc.who, tc.msgs, tc.button)
		if strings.Contains(dump(again), ro.p.T("err.button.used", nil)) {
			t.Fatalf("«%s» after /cancel: %s", tc.button, dump(again))
		}
		containsAll(t, again, tc.prompt)
		ro.say(tc.who, "/cancel")
	}
	// Once the step is taken, the button says the request moved on.
	ro.pressAny("o", card, "Отклонить")
	ro.say("o", "Дубль")
	containsAll(t, ro.pressAny("o", card, "Выполнено"), "Обращение #1 уже отклонено.")
	containsAll(t, ro.pressAny("u", question, "Ответить"), "Обращение #1 уже отклонено.")
}

// TestAnotherOfficerWorkingARequestTellsWhoHasItAndNamesEveryone: requests
// are the team's queue: Оксана passes Ольга's request to Олег; Ольга
// hears it went to Олег and who passed it, the requester who has it now,
// and Олег who filed it and who passed it (no «от Оксана» that reads as
// if she filed it). Олег's colleague marks it done: Олег is told. Names
// stand where Russian need not decline them.
func TestAnotherOfficerWorkingARequestTellsWhoHasItAndNamesEveryone(t *testing.T) {
	ro := newRequestOffice(t)
	ro.addUser("o2", "Олег", core.RoleOfficer)
	ro.addUser("o3", "Оксана", core.RoleOfficer)
	ro.say("u", "/request вопрос 7707083893 Какой лимит?")
	got := ro.deliver()
	news := told(t, got, "o", "Новое обращение #1 (вопрос)", "Автор: Ульяна", "Какой лимит?")
	if strings.Contains(news[0].Text, "от Ульяна") {
		t.Fatalf("an undeclined name: %s", news[0].Text)
	}
	ro.press("o", news, "Взять")
	ro.deliver()

	card := ro.say("o3", "/request 1")
	msgs := ro.press("o3", card, "Передать")
	containsAll(t, msgs, "Кому передать обращение #1? Сейчас его ведёт Ольга: исполнитель получит уведомление.")
	msgs = ro.press("o3", msgs, "Олег (сотрудник сопровождения)")
	containsAll(t, msgs, "Обращение #1 передано: Олег.")
	got = ro.deliver()
	told(t, got, "o", "Обращение #1 (вопрос, ПАО Сбербанк; автор — Ульяна), которое вы вели, передано: теперь его ведёт Олег.",
		"Кто передал: Оксана")
	told(t, got, "u", "Обращение #1 (вопрос, ПАО Сбербанк): передано, теперь его ведёт Олег")
	passed := told(t, got, "o2", "Вам передано обращение #1 (вопрос, ПАО Сбербанк)", "Автор: Ульяна · кто передал: Оксана")
	if strings.Contains(passed[0].Text, "от Оксана") {
		t.Fatalf("reads as if Оксана filed it: %s", passed[0].Text)
	}

	card = ro.say("o", "/request 1")
	msgs = ro.press("o", card, "Выполнено")
	containsAll(t, msgs, "Обращение #1 (автор — Ульяна)", "Обращение ведёт Олег: исполнитель получит уведомление.")
	ro.say("o", "Ответила сама: лимит 5 млн")
	got = ro.deliver()
	told(t, got, "o2", "Обращение #1", "которое вы вели, выполнено.", "Кто закрыл: Ольга", "Результат: Ответила сама: лимит 5 млн")
	told(t, got, "u", "Обращение #1", "выполнено (Ольга)")
	if r := ro.stored(1); r.Status != core.RequestDone || r.AssigneeID != ro.user("test:o2").ID {
		t.Fatalf("done: %+v", r)
	}
}

// TestACorrectionRequestIsNotOfferedNothingToBeAbout: a correction is
// always about a card, a deal or a document, so its step does not offer
// «Ни к чему не привязано» (which it would refuse); a question does. The
// type is named «корректировка», as the glossary has it, and «исправление»
// is still read.
func TestACorrectionRequestIsNotOfferedNothingToBeAbout(t *testing.T) {
	ro := newRequestOffice(t)
	msgs := ro.say("m", "/request")
	msgs = ro.press("m", msgs, "корректировка")
	containsAll(t, msgs, "О ком или о чём обращение?")
	if strings.Contains(dump(msgs), "Ни к чему не привязано") {
		t.Fatalf("offered to a correction: %s", dump(msgs))
	}
	ro.say("m", "/cancel")
	msgs = ro.press("m", ro.say("m", "/request"), "вопрос")
	containsAll(t, msgs, "Ни к чему не привязано")
	ro.say("m", "/cancel")
	msgs = ro.say("u", "/request исправление 7707083893 Неверный КПП")
	containsAll(t, msgs, "Обращение #1 (корректировка) передано в сопровождение")
}

// TestARequestInOneMessageReadsAClientByName: as /case and /fix do,
// /request reads a client's name after the type («/request вопрос
// Ромашка …»); a name of several cards offers them; a word that only
// appears inside a name, or no name, is the text.
func TestARequestInOneMessageReadsAClientByName(t *testing.T) {
	ro := newRequestOffice(t)
	ctx := context.Background()
	admin := core.Actor{User: ro.admin, Source: "test"}
	romashka, err := ro.svc.CreateClient(ctx, admin, &core.Client{INN: "7736207543", KPP: "773601001", ShortName: "ООО «Ромашка»"})
	if err != nil {
		t.Fatal(err)
	}
	plus, err := ro.svc.CreateClient(ctx, admin, &core.Client{INN: "7728168971", KPP: "772801001", ShortName: "ООО «Ромашка Плюс»"})
	if err != nil {
		t.Fatal(err)
	}
	ro.deliver()
	cases := []struct {
		line   string
		client int64
		text   string
	}{
		{"/request вопрос Сбербанк какой лимит?", ro.client.ID, "какой лимит?"},
		{"/request вопрос ПАО Сбербанк: какой лимит?", ro.client.ID, "какой лимит?"},
		{"/request вопрос Ромашка Плюс какой лимит?", plus.ID, "какой лимит?"},
		{"/request вопрос Банк просит справку", 0, "Банк просит справку"},
		{"/request вопрос Можно ли подписать без печати?", 0, "Можно ли подписать без печати?"},
	}
	for i, tc := range cases {
		msgs := ro.say("u", tc.line)
		containsAll(t, msgs, "передано в сопровождение")
		r := ro.stored(int64(i + 1))
		if r.ClientID != tc.client || r.Text != tc.text {
			t.Errorf("%s: client %d text %q, want %d %q", tc.line, r.ClientID, r.Text, tc.client, tc.text)
		}
	}
	// Two cards by the name: they are offered, the text is kept.
	msgs := ro.say("u", "/request вопрос Ромашка какой лимит?")
	containsAll(t, msgs, "По «Ромашка» нашлось несколько карточек")
	msgs = ro.press("u", msgs, "ООО «Ромашка», 7736207543/773601001")
	containsAll(t, msgs, "Обращение #6 (вопрос) передано в сопровождение", "Клиент: ООО «Ромашка», ИНН 7736207543")
	if r := ro.stored(6); r.ClientID != romashka.ID || r.Text != "какой лимит?" {
		t.Fatalf("picked: %+v", r)
	}
}
