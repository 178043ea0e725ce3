package bot_test

import (
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/bot"
)

// TestBuilderMeasureWords: the builder names a sum and an average as
// people say them — «сумма сделок», «средняя сумма сделки», «дней
// просрочки — в среднем» — not «сумма: сумма сделки».
func TestBuilderMeasureWords(t *testing.T) {
	d := newReportDesk(t)
	msgs := d.press("o", d.press("o", d.say("o", "/report свой"), "сделки"), "Без фильтров")
	msgs = d.press("o", msgs, "Готово")
	for _, label := range []string{"количество", "сумма сделок", "средняя сумма сделки"} {
		if !anyButton(msgs, label) {
			t.Errorf("no button %q: %s", label, dump(msgs))
		}
	}
	if strings.Contains(dump(msgs), "сумма: ") {
		t.Errorf("a doubled colon: %s", dump(msgs))
	}
	msgs = d.press("o", d.press("o", msgs, "сумма сделок"), "средняя сумма сделки")
	containsAll(t, msgs, "Что считать: сумма сделок, средняя сумма сделки.")
	msgs = d.press("o", d.press("o", msgs, "Готово"), "Сохранить как шаблон")
	d.want(msgs, "flow.reports.save_name", bot.Args{"What": "сделки; группировка: без группировки; " +
		"показатели: сумма сделок, средняя сумма сделки; фильтры: без фильтров"})
	d.say("o", "/cancel")
	// A field without words of its own: the field, then the measure.
	msgs = d.press("o", d.press("o", d.say("o", "/report свой"), "задачи"), "Без фильтров")
	msgs = d.press("o", msgs, "Готово")
	for _, label := range []string{"дней просрочки — всего", "дней просрочки — в среднем"} {
		if !anyButton(msgs, label) {
			t.Errorf("no button %q: %s", label, dump(msgs))
		}
	}
}
