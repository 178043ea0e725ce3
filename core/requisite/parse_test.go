package requisite_test

import (
	"reflect"
	"testing"

	"github.com/dealdesk/dealdesk/core/requisite"
)

// Realistic company cards as people paste them into chat. Company data are
// public register data; accounts marked synthetic were made to pass the key.
var cards = []struct {
	name     string
	text     string
	want     requisite.Card
	problems []requisite.Problem
}{
	{
		name: "Sberbank, colon-separated, combined ИНН/КПП",
		text: `Карточка предприятия
Полное наименование: Публичное акционерное общество «Сбербанк России»
Сокращённое наименование: ПАО Сбербанк
ИНН/КПП 7707083893/773601001
ОГРН 1027700132195 от 16.08.2002
Юридический адрес: 117997, г. Москва, ул. Вавилова, д. 19
Генеральный директор: Греф Герман Оскарович
Р/сч 40702810938000012345 в ПАО Сбербанк
Корр. счёт 30101810400000000225
БИК 044525225
Телефон: +7 (495) 500-55-50
E-mail: sberbank@sberbank.ru`,
		want: requisite.Card{
			INN: "7707083893", KPP: "773601001", OGRN: "1027700132195",
			ShortName: "ПАО Сбербанк", FullName: "Публичное акционерное общество «Сбербанк России»",
			Address:  "117997, г. Москва, ул. Вавилова, д. 19",
			Director: "Греф Герман Оскарович", DirectorPost: "Генеральный директор",
			BIK: "044525225", BankName: "ПАО Сбербанк", CorrAccount: "30101810400000000225",
			Account: "40702810938000012345", Phone: "+7 (495) 500-55-50", Email: "sberbank@sberbank.ru",
			Skipped: []string{"от 16.08.2002"},
		},
	},
	{
		name: "Yandex, several fields on a line, spaces inside numbers, ё/е and case",
		text: `ООО «ЯНДЕКС»
ИНН 7736 207 543 КПП 770401001
огрн: 1027700229193
Адрес (место нахождения): 119021, г. Москва, ул. Льва Толстого, д. 16
Руководитель — Генеральный директор Иванов Иван Иванович
Банк: АО «Альфа-Банк», БИК 044525593, к/с 30101810200000000593
РАСЧЕТНЫЙ СЧЁТ № 4070 2810 8013 0001 2345
Тел. 8 (495) 739-70-00, e-mail: info@yandex-team.ru`,
		want: requisite.Card{
			INN: "7736207543", KPP: "770401001", OGRN: "1027700229193", ShortName: "ООО «ЯНДЕКС»",
			Address:  "119021, г. Москва, ул. Льва Толстого, д. 16",
			Director: "Иванов Иван Иванович", DirectorPost: "Генеральный директор",
			BIK: "044525593", BankName: "АО «Альфа-Банк»", CorrAccount: "30101810200000000593",
			Account: "40702810801300012345", // synthetic
			Phone:   "8 (495) 739-70-00", Email: "info@yandex-team.ru",
		},
	},
	{
		name: "Gazprom-like, dashes, one line of numbers, bullets, skipped codes",
		text: `Реквизиты организации:
• Наименование — ПАО «Газпром»
• ИНН 7736050003 КПП 997250001 ОГРН 1027700070518
• Место нахождения — 197229, г. Санкт-Петербург, Лахтинский пр-кт, д. 2, к. 3, стр. 1
• Почтовый адрес — 117997, г. Москва, ул. Наметкина, д. 16
• Председатель Правления - Миллер Алексей Борисович
• ОКПО 00040778, ОКВЭД 49.50.1
• Расчетный счет 40702810400000005432 в Банк ВТБ (ПАО)
• Корреспондентский счет 30101810700000000187, БИК 044525187`,
		want: requisite.Card{
			INN: "7736050003", KPP: "997250001", OGRN: "1027700070518", ShortName: "ПАО «Газпром»",
			Address:  "197229, г. Санкт-Петербург, Лахтинский пр-кт, д. 2, к. 3, стр. 1",
			Director: "Миллер Алексей Борисович", DirectorPost: "Председатель Правления",
			BIK: "044525187", BankName: "Банк ВТБ (ПАО)", CorrAccount: "30101810700000000187",
			Account: "40702810400000005432", // synthetic
			Skipped: []string{"Почтовый адрес — 117997, г. Москва, ул. Наметкина, д. 16", "ОКПО 00040778", "ОКВЭД 49.50.1"},
		},
	},
	{
		name: "sole proprietor with ОГРНИП, 12-digit INN and no KPP",
		text: `Индивидуальный предприниматель Иванов Иван Иванович
ИНН/КПП 123456789047 / —
ОГРНИП: 304500116000157
Адрес регистрации: 141400, Московская обл., г. Химки, ул. Ленина, д. 1, кв. 2
Р/с 40802810900001234567
Банк: АО «ТБанк»
БИК: 044525974
К/с: 30101810145250000974
Моб.: +7 916 123-45-67
Email: ivanov.ip@mail.ru`,
		want: requisite.Card{
			INN: "123456789047", OGRN: "304500116000157",
			FullName: "Индивидуальный предприниматель Иванов Иван Иванович",
			Address:  "141400, Московская обл., г. Химки, ул. Ленина, д. 1, кв. 2",
			BIK:      "044525974", BankName: "АО «ТБанк»", CorrAccount: "30101810145250000974",
			Account: "40802810900001234567", // synthetic
			Phone:   "+7 916 123-45-67", Email: "ivanov.ip@mail.ru",
		},
	},
	{
		name: "wrong account key and Alfa-Bank's BIK with Sberbank's к/с",
		text: `Наименование ООО «Ромашка»
ИНН 7707083893
КПП 773601001
р/с 40702810938000012346
к/с 30101810400000000225
БИК 044525593
Наименование банка: АО «Альфа-Банк»`,
		want: requisite.Card{
			INN: "7707083893", KPP: "773601001", ShortName: "ООО «Ромашка»",
			BIK: "044525593", BankName: "АО «Альфа-Банк»",
			CorrAccount: "30101810400000000225", Account: "40702810938000012346",
		},
		problems: []requisite.Problem{
			{Field: "account", Code: "checksum", Value: "40702810938000012346"},
			{Field: "corr_account", Code: "bank_mismatch", Value: "30101810400000000225"},
		},
	},
	{
		name: "table pasted from Excel (tabs), quoted cell",
		text: "Полное наименование\t\"Публичное акционерное общество \"\"Сбербанк России\"\"\"\n" +
			"Сокращенное наименование\tПАО Сбербанк\n" +
			"ИНН\t7707083893\tКПП\t773601001\n" +
			"ОГРН\t1027700132195\n" +
			"Юридический адрес\t117997, г. Москва, ул. Вавилова, д. 19\n" +
			"Расчетный счет\t4070 2810 9380 0001 2345\n" +
			"Корреспондентский счет\t30101810400000000225\n" +
			"БИК банка\t044 525 225\n" +
			"Наименование банка\tПАО Сбербанк\n" +
			"Генеральный директор\tГреф Герман Оскарович\n",
		want: requisite.Card{
			INN: "7707083893", KPP: "773601001", OGRN: "1027700132195",
			ShortName: "ПАО Сбербанк", FullName: `Публичное акционерное общество "Сбербанк России"`,
			Address:  "117997, г. Москва, ул. Вавилова, д. 19",
			Director: "Греф Герман Оскарович", DirectorPost: "Генеральный директор",
			BIK: "044525225", BankName: "ПАО Сбербанк", CorrAccount: "30101810400000000225",
			Account: "40702810938000012345",
		},
	},
	{
		name: "junk lines, an invoice number and an unlabelled number are reported",
		text: `Добрый день! Высылаю реквизиты.
ООО «Ромашка»
ИНН 7707083893, КПП 773601001
Счёт № 123 от 01.02.2024
7736207543
ИНН банка 7707083893
Директор: Петров П.П., действует на основании Устава
С уважением, Мария`,
		want: requisite.Card{
			INN: "7707083893", KPP: "773601001", ShortName: "ООО «Ромашка»",
			Director: "Петров П.П.", DirectorPost: "Директор",
			Unread:  []string{"Добрый день! Высылаю реквизиты.", "Счёт № 123 от 01.02.2024", "7736207543", "С уважением, Мария"},
			Skipped: []string{"ИНН банка 7707083893"},
		},
	},
	{
		name: "labels and values on separate lines (a table copied cell by cell)",
		text: "ИНН\n7736207543\nКПП:\n770401001\nПолное наименование\nОбщество с ограниченной ответственностью «ЯНДЕКС»\n",
		want: requisite.Card{INN: "7736207543", KPP: "770401001",
			FullName: "Общество с ограниченной ответственностью «ЯНДЕКС»"},
	},
	{
		name: "treasury requisites: казначейский счёт 03… and ЕКС",
		text: `Получатель: УФК по Тульской области
ИНН 7107036186 КПП 710701001
Банк получателя: ОТДЕЛЕНИЕ ТУЛА БАНКА РОССИИ//УФК по Тульской области г. Тула
БИК ТОФК 017003983
Казначейский счёт 03100643000000018500
ЕКС 40102810445370000059`,
		want: requisite.Card{INN: "7107036186", KPP: "710701001", ShortName: "УФК по Тульской области",
			BankName: "ОТДЕЛЕНИЕ ТУЛА БАНКА РОССИИ//УФК по Тульской области г. Тула", BIK: "017003983",
			Account: "03100643000000018500", CorrAccount: "40102810445370000059"},
	},
	{
		name: "wrong values are kept in their field for Check, not moved",
		text: `ИНН 7707083894
КПП 7736ab001
ОГРН 304500116000157
БИК 04452522
р/с 4070281О938000012345
Телефон: звоните в офис
E-mail: нет`,
		want: requisite.Card{INN: "7707083894", KPP: "7736ab001", OGRN: "304500116000157", BIK: "04452522",
			Account: "4070281О938000012345",
			Unread:  []string{"Телефон: звоните в офис"}}, // "E-mail: нет" says there is none
		problems: []requisite.Problem{
			{Field: "inn", Code: "checksum", Value: "7707083894"},
			{Field: "kpp", Code: "format", Value: "7736ab001"},
			{Field: "ogrn", Code: "kind_mismatch", Value: "304500116000157"},
			{Field: "bik", Code: "length", Value: "04452522"},
			{Field: "account", Code: "format", Value: "4070281О938000012345"},
		},
	},
}

func TestParseCard(t *testing.T) {
	for _, tt := range cards {
		got := requisite.ParseCard(tt.text)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.name, got, tt.want)
		}
		if pr := got.Check(); !reflect.DeepEqual(pr, tt.problems) {
			t.Errorf("%s: Check() = %v, want %v", tt.name, pr, tt.problems)
		}
	}
}
