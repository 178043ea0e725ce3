package deals

import (
	"maps"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// TestParseQuickDeal: the one-message form's parts, titles with numbers
// among them.
func TestParseQuickDeal(t *testing.T) {
	for _, tc := range []struct {
		in                    string
		client, title, amount string
		dates                 map[string]string
	}{
		{"7707083893 Поставка оборудования 1 500 000 подписание 15.12.2026",
			"7707083893", "Поставка оборудования", "1 500 000", map[string]string{"signing_due": "15.12.2026"}},
		{"7707083893 Поставка 20 станков 1 500 000,50",
			"7707083893", "Поставка 20 станков", "1 500 000,50", nil},
		{"7707083893 Поставка 20 станков 1500000 ₽",
			"7707083893", "Поставка 20 станков", "1500000 ₽", nil},
		{"7707083893 Лизинг 2026 100 000", "7707083893", "Лизинг 2026", "100 000", nil},
		{"7707083893 Поставка 300 1500000", "7707083893", "Поставка 300", "1500000", nil},
		{`7707083893 "Поставка 20" 500 000`, "7707083893", "Поставка 20", "500 000", nil},
		{"7707083893 «Поставка 20» станков 500 000", "7707083893", "«Поставка 20» станков", "500 000", nil},
		{"«Ромашка плюс» Аренда склада 250 000 оплата до 20.12.2026 12:00 окончание 31.12.2027 подписание завтра",
			"Ромашка плюс", "Аренда склада", "250 000", map[string]string{"payment_due": "до 20.12.2026 12:00",
				"contract_end": "31.12.2027", "signing_due": "завтра"}},
		{"сбер Оплата услуг связи 90 000 оплата +5", "сбер", "Оплата услуг связи", "90 000",
			map[string]string{"payment_due": "+5"}},
		{"7707083893 Equipment supply 1,500,000.50 signing by 2026-12-15 end 31.12.2027",
			"7707083893", "Equipment supply", "1,500,000.50", map[string]string{"signing_due": "by 2026-12-15",
				"contract_end": "31.12.2027"}},
		{"7707083893 Поставка оборудования", "7707083893", "Поставка оборудования", "", nil},
		{"7707083893 Поставка 20 станков", "7707083893", "Поставка 20 станков", "", nil},
		{"7707083893 1 500 000", "7707083893", "", "1 500 000", nil},
		{"7707083893", "7707083893", "", "", nil},
		{"7707083893 Поставка -1 500 000", "7707083893", "Поставка", "-1 500 000", nil},
		{"7707083893 Поставка 100 подписание 32.13.2026", "7707083893", "Поставка", "100",
			map[string]string{"signing_due": "32.13.2026"}},
		// The deadline forms of the date steps (review of issue 8).
		{"7707083893 Поставка оборудования 1 500 000 подписание через 3 дня", "7707083893",
			"Поставка оборудования", "1 500 000", map[string]string{"signing_due": "через 3 дня"}},
		{"7707083893 Поставка оборудования 1 500 000 подписание до пятницы оплата через неделю", "7707083893",
			"Поставка оборудования", "1 500 000", map[string]string{"signing_due": "до пятницы", "payment_due": "через неделю"}},
		{"7707083893 Equipment supply 1,500,000 signing by Friday end in 3 days", "7707083893",
			"Equipment supply", "1,500,000", map[string]string{"signing_due": "by Friday", "contract_end": "in 3 days"}},
		{"7707083893 Поставка 100 подписание в пятницу в 12:00 оплата послезавтра", "7707083893", "Поставка", "100",
			map[string]string{"signing_due": "в пятницу в 12:00", "payment_due": "послезавтра"}},
		{"7707083893 Поставка 100 подписание до 31.02", "7707083893", "Поставка", "100",
			map[string]string{"signing_due": "31.02"}},
	} {
		q, err := parseQuickDeal(tc.in)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if tc.dates == nil {
			tc.dates = map[string]string{}
		}
		if q.client != tc.client || q.title != tc.title || q.amount != tc.amount || !maps.Equal(q.dates, tc.dates) {
			t.Errorf("%q:\n got client %q, title %q, amount %q, dates %v\nwant client %q, title %q, amount %q, dates %v",
				tc.in, q.client, q.title, q.amount, q.dates, tc.client, tc.title, tc.amount, tc.dates)
		}
	}
}

// TestParseQuickDeal_Refused: a word after the dates that is no date, and a
// date given twice.
func TestParseQuickDeal_Refused(t *testing.T) {
	for in, key := range map[string]string{
		"7707083893 Поставка 100 подписание 15.12.2026 срочно":           "err.deal.quick.extra",
		"7707083893 Поставка 100 подписание 15.12.2026 подписание 16.12": "err.deal.quick.twice",
		"7707083893 Поставка 100 signing 15.12.2026 подписание 16.12":    "err.deal.quick.twice",
		"7707083893 Поставка 100 подписание до пятницы срочно":           "err.deal.quick.extra",
	} {
		_, err := parseQuickDeal(in)
		if k, _ := core.ErrorKey(err); core.ErrorCode(err) != core.EINVALID || k != key {
			t.Errorf("%q: %v, want %s", in, err, key)
		}
	}
}
