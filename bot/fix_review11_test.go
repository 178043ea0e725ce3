package bot_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// labelsOf lists the labels of every button of the messages.
func labelsOf(msgs []*bot.Message) []string {
	var out []string
	for _, m := range msgs {
		for _, row := range m.Buttons {
			for _, b := range row {
				out = append(out, b.Label)
			}
		}
	}
	return out
}

// TestEditSensitiveAsksReasonFirst (review of issue 11): an /edit that
// will wait for a second approval (a deal's amount, a director the card
// has, a bank account removed) says so before it asks the reason, and asks
// it without «Без причины»; «-» is refused and nothing waits; the reason
// typed makes the correction, with it. An edit written at once (a director
// the card had none of, an address) still offers «Без причины».
func TestEditSensitiveAsksReasonFirst(t *testing.T) {
	h := newFixOffice(t)
	ctx := context.Background()
	deal, err := h.svc.CreateDeal(ctx, core.Actor{User: h.m, Source: "test"}, &core.Deal{ClientID: h.card.ID,
		Title: "Кредит", Amount: 1_000_000_00})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.CreateClient(ctx, core.Actor{User: h.admin}, &core.Client{INN: "7736207543", KPP: "773601001",
		ShortName: "ООО Яндекс", Director: "Иванов Иван Иванович", ManagerID: h.m.ID}); err != nil {
		t.Fatal(err)
	}
	h.deliver()
	approval := "только после второго одобрения (руководитель или юрист)"
	for _, tc := range []struct {
		name    string
		start   func() []*bot.Message
		line    string
		waits   bool
		reasons int // corrections waiting once the reason is given
	}{
		{"deal amount", func() []*bot.Message { return h.say("m", "/edit "+deal.Number+" сумма 2 000 000") },
			"Сумма: " + h.p.Money(int64(1_000_000_00)) + " → " + h.p.Money(int64(2_000_000_00)), true, 1},
		{"director the card has", func() []*bot.Message {
			return h.say("m", "/edit 7736207543 директор Петров Пётр Петрович")
		},
			"Директор: Иванов Иван Иванович → Петров Пётр Петрович", true, 2},
		{"account removed", func() []*bot.Message { return h.press("m", h.say("m", "/edit 7707083893 счета"), "✕ 1") },
			"Удалить счёт: " + fixOldLine, true, 3},
		{"director the card lacks", func() []*bot.Message {
			return h.say("m", "/edit 7707083893 директор Греф Герман Оскарович")
		},
			"Директор: — → Греф Герман Оскарович", false, 3},
		{"address", func() []*bot.Message {
			return h.say("m", "/edit 7707083893 адрес г. Москва, ул. Вавилова, д. 19")
		},
			"Адрес: — → г. Москва, ул. Вавилова, д. 19", false, 3},
	} {
		msgs := tc.start()
		fixHas(t, tc.name+": reason question", lastText(msgs), tc.line)
		noReason := slices.Contains(labelsOf(msgs), "Без причины")
		if !tc.waits {
			if !noReason || strings.Contains(lastText(msgs), approval) {
				t.Fatalf("%s: an edit written at once is asked as one that waits:%s", tc.name, dump(msgs))
			}
			fixHas(t, tc.name+": saved", lastText(h.press("m", msgs, "Без причины")), "Сохранено")
			continue
		}
		if noReason || !strings.Contains(lastText(msgs), approval) {
			t.Fatalf("%s: the question does not say it waits, or offers «Без причины»:%s", tc.name, dump(msgs))
		}
		fixHas(t, tc.name+": «-»", dump(h.say("m", "-")), h.p.T("err.edit.reason_required", nil), approval)
		if got := len(h.pending()); got != tc.reasons-1 {
			t.Fatalf("%s: %d corrections wait after «-»", tc.name, got)
		}
		fixHas(t, tc.name+": pending", lastText(h.say("m", "письмо клиента")), "Ждёт одобрения", "Причина: письмо клиента")
		p := h.pending()
		if len(p) != tc.reasons || p[len(p)-1].Edit.Reason != "письмо клиента" {
			t.Fatalf("%s: pending = %+v", tc.name, p)
		}
	}
}

// TestFixRejectAfterCancel (review of issue 11): «Отклонить» only starts
// the dialog that asks the reason, so after /cancel the same button asks
// again rather than saying it is done; the rejection is made once, and
// «Одобрить» afterwards says it was rejected and writes nothing.
func TestFixRejectAfterCancel(t *testing.T) {
	h := newFixOffice(t)
	h.say("o", "/fix 7707083893 кпп 773601002 причина: опечатка")
	h.deliver()
	ask := inChat(h.sent, "head")
	h.want(h.press("head", ask, "Отклонить"), "flow.fix.reject", bot.Args{"ID": "1"})
	h.say("head", "/cancel")
	h.want(h.press("head", ask, "Отклонить"), "flow.fix.reject", bot.Args{"ID": "1"})
	fixHas(t, "rejected", lastText(h.say("head", "КПП верный")), "Корректировка #1 отклонена")
	fixHas(t, "approve after", dump(h.press("head", ask, "Одобрить")), "уже отклонена")
	fixHas(t, "reject after", dump(h.press("head", ask, "Отклонить")), "уже отклонена")
	if got := h.client().KPP; got != "773601001" {
		t.Fatalf("KPP = %s", got)
	}
}

// TestFixManagerButtons (review of issue 11): /fix of a manager offers the
// people a record may be given to as buttons, as its refusal of a name
// says («Выберите кнопкой»); a button corrects it.
func TestFixManagerButtons(t *testing.T) {
	h := newFixOffice(t)
	msgs := h.say("o", "/fix 7707083893 менеджер Ульяна причина: передача")
	fixHas(t, "refusal", dump(msgs), "Нет менеджера или руководителя с именем «Ульяна». Выберите кнопкой.",
		"Менеджер сейчас: Максим", "Кому передать?")
	if got := labelsOf(msgs); !slices.Contains(got, "Глеб (руководитель)") || !slices.Contains(got, "Максим (менеджер)") {
		t.Fatalf("buttons = %q", got)
	}
	msgs = h.press("o", msgs, "Глеб (руководитель)")
	fixHas(t, "reason", lastText(msgs), "Менеджер: Максим → Глеб")
	fixHas(t, "applied", lastText(h.say("o", "передача клиента")), "Корректировка #1 применена")
	if got := h.client().ManagerID; got != h.head.ID {
		t.Fatalf("manager = %d", got)
	}
}

// TestFixRequestInValue (review of issue 11): a request named inside a
// value is a part of it; only «обращение #N» after the value or with the
// reason links the request.
func TestFixRequestInValue(t *testing.T) {
	h := newFixOffice(t)
	ctx := context.Background()
	deal, err := h.svc.CreateDeal(ctx, core.Actor{User: h.m, Source: "test"}, &core.Deal{ClientID: h.card.ID,
		Title: "Кредит", Amount: 1_000_000_00})
	if err != nil {
		t.Fatal(err)
	}
	r, err := h.svc.CreateRequest(ctx, core.Actor{User: h.u}, core.NewRequest{Type: core.RequestCorrection,
		Ref: core.RequestRef{DealID: deal.ID}, Text: "Название сделки неверное"})
	if err != nil {
		t.Fatal(err)
	}
	h.deliver()
	n := id(r.ID)
	title := func() string {
		d, err := h.svc.DealByID(ctx, core.Actor{User: h.admin}, deal.ID)
		if err != nil {
			t.Fatal(err)
		}
		return d.Title
	}
	corrections := func() []int64 {
		rr, err := h.svc.ShowRequest(ctx, core.Actor{User: h.admin}, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		return rr.Corrections
	}

	msgs := h.say("o", "/fix "+deal.Number+" название Ответ на обращение 5 клиента причина: опечатка")
	fixHas(t, "title with a number", lastText(msgs), "→ Ответ на обращение 5 клиента", "По какому обращению")
	fixHas(t, "saved", lastText(h.press("o", msgs, "Без обращения")), "Корректировка #1 применена")
	msgs = h.say("o", "/fix "+deal.Number+" название Ответ на обращение "+n+" клиента причина: опечатка")
	fixHas(t, "title with the request's number", dump(msgs), "→ Ответ на обращение "+n+" клиента", "По какому обращению")
	fixHas(t, "no request", lastText(h.press("o", msgs, "Без обращения")), "Корректировка #2 применена")
	if got := title(); got != "Ответ на обращение "+n+" клиента" {
		t.Fatalf("title = %q", got)
	}
	if got := corrections(); len(got) != 0 {
		t.Fatalf("the request got corrections %v from a title", got)
	}
	msgs = h.say("o", "/fix "+deal.Number+" название Кредит на пополнение обращение #"+n+" причина: опечатка")
	fixHas(t, "request after the value", lastText(msgs), "→ Кредит на пополнение", "По обращению #"+n)
	msgs = h.say("o", "/fix "+deal.Number+" название Кредит причина: по просьбе клиента, обращение #"+n)
	fixHas(t, "request with the reason", lastText(msgs), "→ Кредит\n", "Причина: по просьбе клиента\n", "По обращению #"+n)
	if got := corrections(); len(got) != 2 {
		t.Fatalf("request's corrections = %v", got)
	}
}

// TestFixClosedRequestAsksAgain (review of issue 11): a closed or unknown
// request named for a correction writes nothing and asks for the request
// again, offering the open ones, instead of ending the dialog.
func TestFixClosedRequestAsksAgain(t *testing.T) {
	h := newFixOffice(t)
	ctx := context.Background()
	closed, err := h.svc.CreateRequest(ctx, core.Actor{User: h.u}, core.NewRequest{Type: core.RequestCorrection,
		Ref: core.RequestRef{ClientID: h.card.ID}, Text: "Адрес"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.DoneRequest(ctx, core.Actor{User: h.o}, closed.ID, "готово"); err != nil {
		t.Fatal(err)
	}
	open, err := h.svc.CreateRequest(ctx, core.Actor{User: h.u}, core.NewRequest{Type: core.RequestCorrection,
		Ref: core.RequestRef{ClientID: h.card.ID}, Text: "Адрес устарел"})
	if err != nil {
		t.Fatal(err)
	}
	h.deliver()
	h.say("o", "/fix 7707083893 адрес г. Москва, ул. Вавилова, д. 19")
	msgs := h.say("o", "по выписке обращение #"+id(closed.ID))
	fixHas(t, "closed", dump(msgs), h.p.T("err.fix.request_closed", bot.Args{"ID": closed.ID}), "По какому обращению")
	if h.client().Address != "" {
		t.Fatal("written for a closed request")
	}
	msgs = h.say("o", "999")
	fixHas(t, "unknown", dump(msgs), "Обращение #999 не найдено", "По какому обращению")
	msgs = h.press("o", msgs, "#"+id(open.ID)+": Адрес устарел")
	fixHas(t, "applied", lastText(msgs), "Корректировка #1 применена", "Причина: по выписке", "По обращению #"+id(open.ID))

	msgs = h.say("o", "/fix 7707083893 адрес г. Москва, ул. Новая, д. 1 причина: переезд обращение #"+id(closed.ID))
	fixHas(t, "closed in the command", dump(msgs), "уже закрыто", "По какому обращению")
	fixHas(t, "without", lastText(h.press("o", msgs, "Без обращения")), "Корректировка #2 применена")

	other, err := h.svc.CreateClient(ctx, core.Actor{User: h.admin}, &core.Client{INN: "7736207543", KPP: "773601001",
		ShortName: "ООО Яндекс"})
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := h.svc.CreateRequest(ctx, core.Actor{User: h.u}, core.NewRequest{Type: core.RequestQuestion,
		Ref: core.RequestRef{ClientID: other.ID}, Text: "вопрос про Яндекс"})
	if err != nil {
		t.Fatal(err)
	}
	h.deliver()
	msgs = h.say("o", "/fix 7707083893 адрес г. Москва, ул. Старая, д. 2 причина: переезд обращение #"+id(foreign.ID))
	fixHas(t, "another record's request", dump(msgs), "Обращение #"+id(foreign.ID)+" — о другом", "По какому обращению")
	if h.client().Address != "г. Москва, ул. Новая, д. 1" {
		t.Fatal("written for another record's request")
	}
	fixHas(t, "the card's request", lastText(h.press("o", msgs, "#"+id(open.ID)+": Адрес устарел")),
		"Корректировка #3 применена", "По обращению #"+id(open.ID))
}

// TestEditOwnPendingWithdraw (review of issue 11): a manager whose /edit
// waits for approval sees it in /corrections with «Отозвать» alone and
// withdraws it with a reason, said to be a withdrawal; the deal stays as
// it was.
func TestEditOwnPendingWithdraw(t *testing.T) {
	h := newFixOffice(t)
	ctx := context.Background()
	deal, err := h.svc.CreateDeal(ctx, core.Actor{User: h.m, Source: "test"}, &core.Deal{ClientID: h.card.ID,
		Title: "Кредит", Amount: 1_000_000_00})
	if err != nil {
		t.Fatal(err)
	}
	h.deliver()
	fixHas(t, "pending", lastText(h.say("m", "/edit "+deal.Number+" сумма 2 000 000 причина: допсоглашение")),
		"корректировка #1")
	h.deliver()
	msgs := h.say("m", "/corrections")
	fixHas(t, "own list", lastText(msgs), "Ждёт одобрения 1 корректировка", "#1",
		"Сумма: "+h.p.Money(int64(1_000_000_00))+" → "+h.p.Money(int64(2_000_000_00)))
	if got := labelsOf(msgs); len(got) != 1 || got[0] != "Отозвать #1" {
		t.Fatalf("manager's buttons = %q", got)
	}
	h.want(h.press("m", msgs, "Отозвать #1"), "flow.fix.withdraw", bot.Args{"ID": "1"})
	fixHas(t, "withdrawn", lastText(h.say("m", "передумал")), "Корректировка #1 отозвана", "Причина: передумал")
	h.want(h.say("m", "/corrections"), "msg.fix.none_pending", nil)
	d, err := h.svc.DealByID(ctx, core.Actor{User: h.admin}, deal.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Amount != 1_000_000_00 {
		t.Fatalf("amount = %d", d.Amount)
	}
}

// TestUnknownFieldOfFoundRecord (review of issue 11): a record that is
// found, followed by a name that is no field of it, is answered with the
// field unknown and the record's fields, not with «не нашлось»: in /fix
// and /edit (whose field step follows), and in /history.
func TestUnknownFieldOfFoundRecord(t *testing.T) {
	h := newFixOffice(t)
	deal, err := h.svc.CreateDeal(context.Background(), core.Actor{User: h.m, Source: "test"}, &core.Deal{
		ClientID: h.card.ID, Title: "Кредит", Amount: 1_000_000_00})
	if err != nil {
		t.Fatal(err)
	}
	h.deliver()
	card := "«ПАО Сбербанк, 7707083893»"
	for _, tc := range []struct {
		user, text string
		want       []string
	}{
		{"o", "/fix 7707083893 поле значение", []string{"У карточки " + card + " нет поля «поле». Её поля: ИНН, КПП, ОГРН, наименование",
			"Что исправить в карточке " + card}},
		{"o", "/fix " + deal.Number + " поле значение", []string{"У сделки " + deal.Number + " «Кредит» нет поля «поле»",
			"Её поля: название, сумма, срок подписания"}},
		{"m", "/edit 7707083893 цвет синий", []string{"У карточки " + card + " нет поля «цвет». Её поля: наименование",
			"Что изменить в карточке " + card}},
		{"m", "/history 7707083893 сумма", []string{"У карточки " + card + " нет поля «сумма». Её поля: ИНН, КПП, ОГРН"}},
		{"m", "/history " + deal.Number + " цвет", []string{"У сделки " + deal.Number + " «Кредит» нет поля «цвет»", "менеджер, стадия."}},
		{"m", "/history D-2026-0999 цвет", []string{"Сделка D-2026-0999 не найдена"}},
		{"m", "/history Сбербанк цвет", []string{"Карточек по «Сбербанк цвет» не нашлось"}},
	} {
		msgs := h.say(tc.user, tc.text)
		fixHas(t, tc.text, dump(msgs), tc.want...)
		h.say(tc.user, "/cancel")
	}
	if !strings.Contains(dump(h.say("o", "/fix 7707083893 поле значение")), "[КПП]") {
		t.Fatal("the field step offers no fields")
	}
	fixHas(t, "field chosen", lastText(h.say("o", "кпп 773601002")), "КПП: 773601001 → 773601002")
}

// TestFixApproveStale (review of issue 11): «Одобрить» of a correction
// whose field changed meanwhile applies nothing and says what the field
// holds now (core's CurrentValue, in the approver's words); of one whose
// deal was closed meanwhile, says that.
func TestFixApproveStale(t *testing.T) {
	h := newFixOffice(t)
	ctx := context.Background()
	deal, err := h.svc.CreateDeal(ctx, core.Actor{User: h.m, Source: "test"}, &core.Deal{ClientID: h.card.ID,
		Title: "Кредит", Amount: 1_000_000_00})
	if err != nil {
		t.Fatal(err)
	}
	h.deliver()
	fixHas(t, "pending", lastText(h.say("o", "/fix "+deal.Number+" сумма 2 000 000 причина: допсоглашение")), "ждёт одобрения")
	h.deliver()
	ask := inChat(h.sent, "head")
	if _, err := h.svc.UpdateDeal(ctx, core.Actor{User: h.admin}, deal.ID, "пересчёт", func(d *core.Deal) error {
		d.Amount = 1_500_000_00
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	msgs := h.press("head", ask, "Одобрить")
	fixHas(t, "stale", lastText(msgs), "Корректировка #1 не применена", "поле уже изменили",
		"Сейчас там: "+h.p.Money(int64(1_500_000_00)))

	// A deal closed while its correction waited: said so, with no value.
	fixHas(t, "pending", lastText(h.say("o", "/fix "+deal.Number+" сумма 3 000 000 причина: допсоглашение №2")), "ждёт одобрения")
	h.deliver()
	ask = inChat(h.sent, "head")
	if _, err := h.svc.MoveDeal(ctx, core.Actor{User: h.admin}, deal.ID, core.StageNew, core.StageClosedLost, "отказ"); err != nil {
		t.Fatal(err)
	}
	msgs = h.press("head", ask, "Одобрить")
	// Closing the deal settled it (its author told then); the late press says why.
	fixHas(t, "closed", lastText(msgs), "Корректировка #2 не применена", "сделку уже закрыли", "повторно ничего не делаю")
	if strings.Contains(lastText(msgs), "Сейчас там") {
		t.Fatalf("a closed deal's stale correction shows a value:%s", dump(msgs))
	}
}
