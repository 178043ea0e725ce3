package requisite_test

import (
	"reflect"
	"testing"

	"github.com/dealdesk/dealdesk/core/requisite"
)

type card = requisite.Card

// TestParseCardLines covers the ways one line of a card is written.
func TestParseCardLines(t *testing.T) {
	tests := []struct {
		in   string
		want card
	}{
		// numbers: combined labels, glued labels, spaces inside, bullets, table cells
		{"ИНН 7707083893/КПП 773601001", card{INN: "7707083893", KPP: "773601001"}},
		{"ИНН / КПП / ОГРН: 7707083893 / 773601001 / 1027700132195", card{INN: "7707083893", KPP: "773601001", OGRN: "1027700132195"}},
		{"ИНН КПП 7707083893 773601001", card{INN: "7707083893", KPP: "773601001"}},
		{"ИНН/КПП: 7707083893 773601001", card{INN: "7707083893", KPP: "773601001"}},
		{"ИНН\\КПП 7707083893\\7736AB001", card{INN: "7707083893", KPP: "7736AB001"}},
		{"ИНН7707083893КПП773601001", card{INN: "7707083893", KPP: "773601001"}},
		{"ИНН организации: 7707 083 893", card{INN: "7707083893"}},
		{"1. ИНН 7707083893", card{INN: "7707083893"}},
		{"| ИНН | 7707083893 |", card{INN: "7707083893"}},
		{"ОГРН (ОГРНИП) 304500116000157", card{OGRN: "304500116000157"}},
		{"ОГРН ИП 304500116000050", card{OGRN: "304500116000050"}},
		{"ИНН 77070838931234567", card{INN: "77070838931234567"}}, // kept whole for Check to say "length"
		{"КПП: не предусмотрен", card{}},
		{"КПП —", card{}},
		{"ИНН: не присвоен", card{Unread: []string{"ИНН: не присвоен"}}},
		{"ИНН банка 7707083893", card{Skipped: []string{"ИНН банка 7707083893"}}},
		// accounts and bank
		{"р/с 40702810938000012345 в ПАО Сбербанк, к/с 30101810400000000225, БИК 044525225",
			card{Account: "40702810938000012345", BankName: "ПАО Сбербанк", CorrAccount: "30101810400000000225", BIK: "044525225"}},
		{"P/c 40702810938000012345", card{Account: "40702810938000012345"}}, // Latin letters
		{"Счет № 40702810938000012345", card{Account: "40702810938000012345"}},
		{"Счёт № 12 от 01.02.2024", card{Unread: []string{"Счёт № 12 от 01.02.2024"}}}, // an invoice
		{"к/с 30101810400000000225 в ГУ Банка России по ЦФО",
			card{CorrAccount: "30101810400000000225", Skipped: []string{"в ГУ Банка России по ЦФО"}}},
		{"Банк ВТБ (ПАО), БИК 044525187", card{BankName: "Банк ВТБ (ПАО)", BIK: "044525187"}},
		{"Банк ПАО Сбербанк", card{BankName: "ПАО Сбербанк"}},
		{"в ПАО Сбербанк г. Москва", card{BankName: "ПАО Сбербанк г. Москва"}},
		{"Полное наименование банка: ПАО Сбербанк", card{BankName: "ПАО Сбербанк"}},
		{"Лицевой счёт 20736X12345", card{Skipped: []string{"Лицевой счёт 20736X12345"}}},
		// names
		{"ООО «Счет 1»", card{ShortName: "ООО «Счет 1»"}},
		{"Реквизиты ООО «Ромашка»:", card{ShortName: "ООО «Ромашка»"}},
		{"Карточка предприятия", card{}},
		{"Наименование: Ромашка", card{ShortName: "Ромашка"}},
		{"в лице генерального директора Иванова И.И.", card{Unread: []string{"в лице генерального директора Иванова И.И."}}},
		// addresses
		{"Адрес: г. Тула, ул. Тельмана, д. 1, тел. 8 (4872) 12-34-56", card{Address: "г. Тула, ул. Тельмана, д. 1", Phone: "8 (4872) 12-34-56"}},
		{"Юридический и почтовый адрес: г. Москва, ул. Вавилова, 19", card{Address: "г. Москва, ул. Вавилова, 19"}},
		{"Фактический адрес: г. Москва", card{Skipped: []string{"Фактический адрес: г. Москва"}}},
		// the head
		{"Руководитель: Иванов Иван Иванович", card{Director: "Иванов Иван Иванович"}},
		{"Ген. директор — Петров П. П.", card{Director: "Петров П. П.", DirectorPost: "Ген. директор"}},
		{"Генеральный директор Греф Г.О. (на основании Устава)", card{Director: "Греф Г.О.", DirectorPost: "Генеральный директор"}},
		{"Директор по продажам: Петров П.П.", card{Skipped: []string{"Директор по продажам: Петров П.П."}}},
		{"Директор просил срочно", card{Unread: []string{"Директор просил срочно"}}},
		{"Должность руководителя: Управляющий", card{DirectorPost: "Управляющий"}},
		// contacts
		{"тел./факс: 8-800-555-55-50 доб. 123", card{Phone: "8-800-555-55-50 доб. 123"}},
		{"+7 495 123-45-67", card{Phone: "+7 495 123-45-67"}},
		{"info@example.com", card{Email: "info@example.com"}},
		{"email info@x.ru, sales@x.ru", card{Email: "info@x.ru", Skipped: []string{"sales@x.ru"}}},
		{"Почта Банк", card{Unread: []string{"Почта Банк"}}},
	}
	for _, tt := range tests {
		if got := requisite.ParseCard(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseCard(%q)\n got %+v\nwant %+v", tt.in, got, tt.want)
		}
	}
}

// TestParseCardBankBlock: after "Банковские реквизиты" a name without a
// label is the bank's, not the company's.
func TestParseCardBankBlock(t *testing.T) {
	got := requisite.ParseCard("Общество с ограниченной ответственностью «Ромашка»\nБанковские реквизиты:\nПАО Сбербанк\nБИК 044525225")
	want := card{FullName: "Общество с ограниченной ответственностью «Ромашка»", BankName: "ПАО Сбербанк", BIK: "044525225"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

// TestParseCardLineEnds: Windows and old Mac line ends, blank lines between
// a label and its value.
func TestParseCardLineEnds(t *testing.T) {
	got := requisite.ParseCard("ИНН\r\n\r\n7707083893\rКПП\r773601001\r\n")
	if want := (card{INN: "7707083893", KPP: "773601001"}); !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}
