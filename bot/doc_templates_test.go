package bot_test

import (
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// TestTemplateWithMisspelledPlaceholder: an admin's template with a
// misspelled placeholder is refused naming it and its paragraph; a good one
// replaces the kind's template, and a sample filled from a sample client
// comes with the answer; documents are produced from it from then on.
func TestTemplateWithMisspelledPlaceholder(t *testing.T) {
	w := newDocWorld(t)
	bad := w.fc.put("Договор поставки.docx", []byte(fakeDOCX+"Договор {{doc.number}}\nПокупатель: {{client.nmae}}, ИНН {{client.inn}}"))
	got := w.sendFile(w.fc, "admin", "/template договор", bad)
	wantText(t, got, "Шаблон не принят: неизвестное поле «client.nmae» — основной текст, абзац 2: «Покупатель: {{client.nmae}}, ИНН {{client.inn}}»",
		"/templates поля")
	good := w.fc.put("Договор поставки v2.docx", []byte(fakeDOCX+"Договор {{doc.number}}\nПокупатель: {{client.name}}, ИНН {{client.inn}}"))
	got = w.sendFile(w.fc, "admin", "/template договор", good)
	wantText(t, got, "Шаблон «Договор поставки v2» принят и теперь используется для вида «Договор»: полей — 3.",
		"Образец шаблона «Договор поставки v2» (Договор)")
	sample := files(got)
	if len(sample) != 1 || sample[0].Name != "Образец — Договор.docx" || !strings.Contains(string(sample[0].Data), "Покупатель: ООО «Ромашка»") {
		t.Fatalf("sample %+v", sample)
	}
	// The list shows it in use; the built-in one is kept as an earlier one.
	list := w.say("o", "/templates")
	wantText(t, list, "• Договор: «Договор поставки v2» — добавил Админ 28.11.2026, полей: 3, прежних версий: 1",
		"• Счёт на оплату: «Счёт на оплату» — встроенный")
	if strings.Contains(dump(list), "/template договор") {
		t.Errorf("an officer is shown the admin's hint:%s", dump(list))
	}
	preview := w.pressIn("o", list, "Образец: Счёт на оплату")
	if fs := files(preview); len(fs) != 1 || !strings.Contains(string(fs[0].Data), "Плательщик: ООО «Ромашка», ИНН 7707083893") {
		t.Fatalf("invoice sample %s", dump(preview))
	}
	// A document is made from the new template now.
	deal := w.deal("7707083893", "773601001", true)
	made := w.produceAnyway(w.requestAndTake(deal, "договор"))
	if fs := files(made); len(fs) != 2 || !strings.Contains(string(fs[0].Data), "Покупатель: ООО «Ромашка», ИНН 7707083893") {
		t.Fatalf("made from %s", dump(made))
	}
}

// TestTemplateSentWithoutCommand: a .docx an admin sends alone asks which
// kind it is for; the choice adds it. Anyone else's file, or /template
// without a file, is answered with how to do it.
func TestTemplateSentWithoutCommand(t *testing.T) {
	w := newDocWorld(t)
	f := w.fc.put("Счёт.docx", []byte(fakeDOCX+"Счёт {{doc.number}} для {{client.name}}"))
	ask := w.sendFile(w.fc, "admin", "", f)
	w.want(ask, "flow.doc.template_kind", map[string]any{"Name": "Счёт.docx"})
	added := w.through(w.fc, &bot.Update{UserID: "admin", Token: tokenOf(t, ask, "Счёт на оплату"), CallbackID: "cb"})
	wantText(t, added, "Шаблон «Счёт» принят и теперь используется для вида «Счёт на оплату»: полей — 2.")
	if fc := w.fc; fc.downloads != 1 {
		t.Errorf("%d downloads, want 1", fc.downloads)
	}

	w.want(w.sendFile(w.fc, "o", "", f), "msg.file.unexpected", nil)
	w.want(w.sendFile(w.fc, "o", "/template договор", f), "err.forbidden", nil)
	w.want(w.say("admin", "/template договор"), "msg.template.usage", nil)
	two := w.sendFile(w.fc, "admin", "/template договор", f, f)
	w.want(two, "err.file.several", map[string]any{"N": 2})
	// A file that is no DOCX at all.
	pdf := w.fc.put("scan.docx", []byte("%PDF-1.4"))
	w.want(w.sendFile(w.fc, "admin", "/template счёт", pdf), "err.doc.template_not_docx", nil)
}

// TestTemplateFields: /templates поля lists every placeholder with what it
// is filled with.
func TestTemplateFields(t *testing.T) {
	w := newDocWorld(t)
	got := w.say("o", "/templates поля")
	wantText(t, got, "{{client.inn}} — ИНН клиента", "{{deal.amount_words}} — сумма сделки словами",
		"{{client.email}} — e-mail клиента (может быть пустым)", "Строки таблицы (внутри {{#items}}…{{/items}}):")
	for _, f := range core.DocFields {
		if !strings.Contains(dump(got), "{{"+f.Name+"}} — ") {
			t.Errorf("field %s not listed", f.Name)
		}
	}
	if n := len([]rune(got[0].Text)); n > bot.MaxTextLen {
		t.Errorf("the list is %d characters, over a message's %d", n, bot.MaxTextLen)
	}
}

// TestFilesOverThePlatformsLimits: a template over the bot's download
// limit is refused with its size before it is fetched; a produced
// document's files over the platform's upload limit are left out of the
// message, which says so.
func TestFilesOverThePlatformsLimits(t *testing.T) {
	w := newDocWorld(t)
	big := bot.IncomingFile{Name: "huge.docx", MIME: docxMIME, Size: 25 << 20, Ref: "file-huge"}
	w.want(w.sendFile(w.fc, "admin", "/template договор", big), "err.file.too_large",
		map[string]any{"Name": "huge.docx", "Size": "25 МБ", "Max": "20 МБ"})
	if w.fc.downloads != 0 {
		t.Fatal("a file over the limit was fetched")
	}

	deal := w.deal("7707083893", "773601001", true)
	card := w.requestAndTake(deal, "договор")
	warn := w.pressIn("o", card, "Сформировать")
	w.fc.maxUpload = 100 // bytes: the files are larger
	w.through(w.fc, &bot.Update{UserID: "o", Token: tokenOf(t, warn, "Сформировать всё равно"), CallbackID: "cb"})
	got := w.through(w.fc, &bot.Update{UserID: "o", Text: "Проверено"})
	wantText(t, got, "Файл «ДГ-2026-0001.docx» (", "не отправлен в этот чат: сюда бот может отправить файл не больше 100 байт.",
		"Файл «ДГ-2026-0001.pdf» (")
	if fs := files(got); len(fs) != 0 {
		t.Fatalf("files over the limit sent: %+v", fs)
	}
}

// tokenOf returns the token of the button with the label.
func tokenOf(t *testing.T, msgs []*bot.Message, label string) string {
	t.Helper()
	for _, m := range msgs {
		for _, row := range m.Buttons {
			for _, b := range row {
				if b.Label == label {
					return b.Token
				}
			}
		}
	}
	t.Fatalf("no button %q in %s", label, dump(msgs))
	return ""
}
