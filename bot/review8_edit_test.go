package bot_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot"
)

// TestEditDealDateInWords (review of issue 8): /edit reads a deal's date as
// the date steps do: «срок подписания через 3 дня» is no «Не понимаю дату».
func TestEditDealDateInWords(t *testing.T) {
	h := newEditHarness(t)
	msgs := h.say("m", "/edit D-2026-0001 срок подписания через 3 дня")
	h.wantIn(msgs, "Срок подписания: — → "+h.p.DateTime(time.Date(2026, 12, 1, 18, 0, 0, 0, msk)), "Без причины")
	h.wantIn(h.press("m", msgs, "Без причины"), "Сохранено")
	if got := h.dealNow().SigningDue; !got.Equal(time.Date(2026, 12, 1, 18, 0, 0, 0, msk)) {
		t.Fatalf("signing due = %v", got)
	}
	h.wantIn(h.say("m", "/edit D-2026-0001 оплата до пятницы причина: так договорились"), "Сохранено",
		"Срок оплаты: — → "+h.p.DateTime(time.Date(2026, 12, 4, 18, 0, 0, 0, msk)))
}

// TestEditColleaguesCardRefused (review of issue 8): a manager may not edit
// a colleague's card: /edit is refused at once naming its manager, and the
// card offers them no «Изменить»; its own manager and an officer may.
func TestEditColleaguesCardRefused(t *testing.T) {
	h := newEditHarness(t) // the card is Максим's ("m")
	refusal := "Клиента «ПАО Сбербанк» (ИНН 7707083893) ведёт менеджер Максим"
	for _, text := range []string{"/edit 7707083893 адрес г. Москва", "/edit 7707083893",
		"/edit 7707083893 контакт Петров Пётр; главбух; 89161234567; petrov@mail.ru"} {
		msgs := h.say("m2", text)
		if len(msgs) != 1 || !strings.HasPrefix(msgs[0].Text, refusal) {
			t.Errorf("%s by a colleague:%s", text, dump(msgs))
		}
	}
	if got := h.client(h.card.ID); got.Address != "" || len(got.Contacts) != 0 {
		t.Fatalf("a colleague changed the card: %+v", got)
	}
	for _, label := range dealLabelsOf(h.say("m2", "/client 7707083893")) {
		if label == "Изменить" {
			t.Error("a colleague's card offers «Изменить»")
		}
	}
	if !slices.Contains(dealLabelsOf(h.say("m", "/client 7707083893")), "Изменить") {
		t.Error("the manager's own card offers no «Изменить»")
	}
	h.wantIn(h.say("m", "/edit 7707083893 адрес г. Москва причина: переезд"), "Сохранено")
	h.wantIn(h.say("o", "/edit 7707083893 директор Петров П. П. причина: смена"), "Сохранено")
}

// dealLabelsOf lists the labels of the last message's buttons.
func dealLabelsOf(msgs []*bot.Message) []string {
	var out []string
	if len(msgs) == 0 {
		return nil
	}
	for _, row := range msgs[len(msgs)-1].Buttons {
		for _, b := range row {
			out = append(out, b.Label)
		}
	}
	return out
}

// TestEditOptionalReasonRule (review of issue 8): where a reason is
// optional (an unverified card), a reason typed with the value saves at
// once, in the command or at the value step; a value alone shows old → new
// with «Без причины», one tap; the usage says so.
func TestEditOptionalReasonRule(t *testing.T) {
	h := newEditHarness(t)
	msgs := h.say("m", "/edit 7707083893 адрес г. Москва причина: переезд")
	h.wantIn(msgs, "Сохранено", "Причина: переезд")
	if strings.Contains(dump(msgs), "Без причины") {
		t.Fatalf("asked for an optional reason typed with the value:%s", dump(msgs))
	}
	h.wantIn(h.press("m", h.say("m", "/edit 7707083893"), "Директор"), "Новое значение")
	h.wantIn(h.say("m", "Петров П. П. причина: новый директор"), "Сохранено", "Причина: новый директор")
	msgs = h.say("m", "/edit 7707083893 адрес г. Москва, ул. Вавилова, д. 19")
	h.wantIn(msgs, "Адрес: г. Москва → г. Москва, ул. Вавилова, д. 19", "Без причины")
	h.wantIn(h.press("m", msgs, "Без причины"), "Сохранено")
	if got := h.client(h.card.ID); got.Address != "г. Москва, ул. Вавилова, д. 19" || got.Director != "Петров П. П." {
		t.Fatalf("card = %+v", got)
	}
	for _, lang := range []string{"ru", "en"} {
		usage := bundle.Printer(lang, nil).T("msg.edit.usage", nil)
		for _, s := range map[string][]string{"ru": {"причина:", "«Без причины»", "одно нажатие"},
			"en": {"reason:", "No reason", "one tap"}}[lang] {
			if !strings.Contains(usage, s) {
				t.Errorf("%s usage lacks %q", lang, s)
			}
		}
	}
}

// TestEditContactKeepsWhatWasRight (review of issue 8): a contact whose
// e-mail (or phone) is refused keeps the rest; only that part is asked
// again, and «Без e-mail» saves the contact without it; a reason typed
// with the contact survives the question.
func TestEditContactKeepsWhatWasRight(t *testing.T) {
	h := newEditHarness(t)
	msgs := h.say("m", "/edit 7707083893 контакты Петров Пётр; главбух; 89161234567; petrov@mail")
	if d := dump(msgs); !strings.Contains(d, h.p.T("err.contact.email", map[string]any{"Text": "petrov@mail"})) {
		t.Fatalf("the rule is not said:%s", d)
	}
	h.want(msgs, "flow.edit.contact_part.email", map[string]any{"Draft": "Петров Пётр; главбух; 89161234567"})
	msgs = h.say("m", "petrov@mail.ru")
	h.wantIn(msgs, "Новый контакт: Петров Пётр, главбух, +7 916 123-45-67, petrov@mail.ru", "Без причины")
	h.wantIn(h.press("m", msgs, "Без причины"), "Контакт добавлен")

	// A wrong phone, the reason typed with it; then «Без телефона».
	msgs = h.say("m", "/edit 7707083893 контакт Иванова Анна; юрист; 12345; anna@example.ru причина: новый юрист")
	h.want(msgs, "flow.edit.contact_part.phone", map[string]any{"Draft": "Иванова Анна; юрист; anna@example.ru"})
	h.wantIn(h.press("m", msgs, "Без телефона"), "Контакт добавлен: Иванова Анна, юрист, anna@example.ru",
		"Причина: новый юрист")

	// A wrong e-mail again is asked again; the whole contact typed anew
	// replaces what was typed.
	h.say("m", "/edit 7707083893 контакт Сидоров; 89161112233; s@x")
	h.want(h.say("m", "s@y"), "flow.edit.contact_part.email", map[string]any{"Draft": "Сидоров; 89161112233"})
	h.wantIn(h.say("m", "Сидоров Семён; снабженец; s@example.ru"), "Новый контакт: Сидоров Семён, снабженец, s@example.ru")
	h.say("m", "/cancel")

	got := h.client(h.card.ID).Contacts
	if len(got) != 2 || got[0].Email != "petrov@mail.ru" || got[0].Phone != "+7 916 123-45-67" || got[1].Phone != "" ||
		got[1].Email != "anna@example.ru" {
		t.Fatalf("contacts = %+v", got)
	}
}
