package bot_test

import (
	"context"
	"testing"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// TestRequestStepByStepTakesFiles: the text step of a request asks for
// files too; a file sent with the text as its caption comes with the
// request, and files sent on their own before the text are kept, counted,
// and come with it.
func TestRequestStepByStepTakesFiles(t *testing.T) {
	ro := newRequestOffice(t)
	fc := newFileChat(ro.rec)
	msgs := ro.say("u", "/request вопрос 7707083893")
	containsAll(t, msgs, "Опишите обращение.", ro.p.T("flow.request.text_files", nil))
	scan := fc.put("договор.pdf", []byte("%PDF-1.7 договор"))
	msgs = ro.sendFile(fc, "u", "Вот договор, вопрос по п.5", scan)
	containsAll(t, msgs, "Обращение #1 (вопрос) передано в сопровождение, файлов: 1")
	r := ro.stored(1)
	if r.Text != "Вот договор, вопрос по п.5" || len(r.Files) != 1 || r.Files[0].Name != "договор.pdf" {
		t.Fatalf("request = %q, files %+v", r.Text, r.Files)
	}

	ro.say("u", "/request другое 7707083893")
	msgs = ro.sendFile(fc, "u", "", fc.put("письмо.pdf", []byte("%PDF-1.7 письмо")))
	containsAll(t, msgs, "Опишите обращение. Файлов приложено: 1.")
	msgs = ro.sendFile(fc, "u", "-", fc.put("выписка.pdf", []byte("%PDF-1.7 выписка")))
	containsAll(t, msgs, "Файлов приложено: 2.")
	msgs = ro.sendFile(fc, "u", "Смотрите вложения") // the text, through the same chat
	containsAll(t, msgs, "Обращение #2 (другое) передано в сопровождение, файлов: 2")
	r = ro.stored(2)
	if r.Text != "Смотрите вложения" || len(r.Files) != 2 || r.Files[0].Name != "письмо.pdf" || r.Files[1].Name != "выписка.pdf" {
		t.Fatalf("request = %q, files %+v", r.Text, r.Files)
	}

	// A file larger than can be fetched is refused at once, and not kept.
	ro.say("u", "/request вопрос 7707083893")
	big := bot.IncomingFile{Name: "огромный.pdf", Size: bot.MaxDownload + 1, Ref: "big"}
	msgs = ro.sendFile(fc, "u", "", big)
	containsAll(t, msgs, ro.p.T("err.file.too_large", bot.Args{"Name": "огромный.pdf",
		"Size": bot.FileSize(ro.p, bot.MaxDownload+1), "Max": bot.FileSize(ro.p, bot.MaxDownload)}), "Опишите обращение.")
	containsAll(t, ro.say("u", "Без файла"), "Обращение #3 (вопрос) передано в сопровождение.")
	if r := ro.stored(3); len(r.Files) != 0 {
		t.Fatalf("files %+v", r.Files)
	}
}

// TestRequestAnswerDialogTakesFiles: «Ответить» says that files may come
// with the answer; a file with the answer as its caption, or sent before
// it, comes with the answer. A step of the officer that asks for words
// still refuses a file.
func TestRequestAnswerDialogTakesFiles(t *testing.T) {
	ro := newRequestOffice(t)
	fc := newFileChat(ro.rec)
	ro.say("u", "/request вопрос 7707083893 Какой лимит?")
	ro.deliver()
	ask := func(q string) []*bot.Message {
		t.Helper()
		if _, err := ro.svc.AskRequest(context.Background(), core.Actor{User: ro.o}, 1, q); err != nil {
			t.Fatal(err)
		}
		return ro.deliver()["u"]
	}
	msgs := ro.pressAny("u", ask("Какой пункт?"), "Ответить")
	ro.want(msgs, "flow.request.answer_files", bot.Args{"ID": 1, "Question": "Какой пункт?", "Files": 0})
	msgs = ro.sendFile(fc, "u", "пункт 5.2, письмо во вложении", fc.put("письмо.pdf", []byte("%PDF-1.7 письмо")))
	containsAll(t, msgs, "Ответ по обращению #1 передан сопровождению, файлов: 1")
	r := ro.stored(1)
	last := r.Messages[len(r.Messages)-1]
	if last.Kind != core.RequestMsgAnswer || last.Text != "пункт 5.2, письмо во вложении" || len(last.Files) != 1 {
		t.Fatalf("answer = %+v", last)
	}

	ro.pressAny("u", ask("А выписка?"), "Ответить")
	msgs = ro.sendFile(fc, "u", "", fc.put("выписка.pdf", []byte("%PDF-1.7 выписка")))
	ro.want(msgs, "flow.request.answer_files", bot.Args{"ID": 1, "Question": "А выписка?", "Files": 1})
	containsAll(t, ro.sendFile(fc, "u", "Вот выписка"), "Ответ по обращению #1 передан сопровождению, файлов: 1")
	r = ro.stored(1)
	last = r.Messages[len(r.Messages)-1]
	if last.Text != "Вот выписка" || len(last.Files) != 1 || last.Files[0].Name != "выписка.pdf" {
		t.Fatalf("answer = %+v", last)
	}

	// A kept file that cannot be fetched when the answer comes is let go,
	// with why, and the answer is asked again.
	ro.pressAny("u", ask("А акт?"), "Ответить")
	ro.sendFile(fc, "u", "", bot.IncomingFile{Name: "акт.pdf", Ref: "nowhere"})
	msgs = ro.sendFile(fc, "u", "Акт во вложении")
	containsAll(t, msgs, ro.p.T("err.file.gone", bot.Args{"Name": "акт.pdf"}))
	ro.want(msgs, "flow.request.answer_files", bot.Args{"ID": 1, "Question": "А акт?", "Files": 0})
	containsAll(t, ro.sendFile(fc, "u", "Акт пришлю позже"), "Ответ по обращению #1 передан сопровождению.")

	// The officer's question is words only.
	card := ro.say("o", "/request 1")
	containsAll(t, ro.pressAny("o", card, "Спросить"), "Вопрос автору обращения #1")
	ro.want(ro.sendFile(fc, "o", "вопрос", fc.put("x.pdf", []byte("%PDF x"))), "msg.file.in_dialog", nil)
}
