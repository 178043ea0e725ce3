package main

import (
	"archive/zip"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dealdesk/dealdesk/adapters/diadoc/diadoctest"
	"github.com/dealdesk/dealdesk/adapters/mail/mailpittest"
	"github.com/dealdesk/dealdesk/adapters/pdf"
	"github.com/dealdesk/dealdesk/bot/telegram/telegramtest"
)

// ourCompany is the company card documents are made in the name of.
const ourCompany = `Сокращённое наименование: ООО «ДилДеск»
Полное наименование: Общество с ограниченной ответственностью «ДилДеск»
ИНН/КПП 7736207543/773601001
ОГРН 1027700229193
Адрес: 119021, г. Москва, ул. Льва Толстого, д. 16
Генеральный директор: Петров Пётр Петрович
Банк: ПАО Сбербанк
р/с 40702810938000012345
БИК 044525225
к/с 30101810400000000225
`

// needPDF skips outside CI when LibreOffice or pdftotext is missing; in CI
// they must be there (.ci/run installs them).
func needPDF(t *testing.T) {
	t.Helper()
	_, err := pdf.Find("")
	if err == nil {
		_, err = exec.LookPath("pdftotext")
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI must have LibreOffice and pdftotext: %v", err)
		}
		t.Skip(err)
	}
}

// pdfText reads a PDF's text back with pdftotext.
func pdfText(t *testing.T, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// sentFiles are the documents the bot sent to chat since message n.
func sentFiles(srv *telegramtest.Server, chat int64, n int) []*telegramtest.Upload {
	var out []*telegramtest.Upload
	for _, m := range srv.Sent()[n:] {
		if m.ChatID == chat && m.Document != nil {
			out = append(out, m.Document)
		}
	}
	return out
}

// TestDocumentsThroughTelegramEndToEnd is issue 9's "Done when" with the
// real program and real parts: LibreOffice makes the PDF, mailpit takes
// the e-mail, the Diadoc fake takes the draft and sends its events, DaData's
// fake verifies the client. A manager asks for a contract; the officer's
// first try is refused for the missing bank account with the list; with
// the account added the officer gets the DOCX and the PDF (read back: the
// client's name, INN, the amount in words); a lawyer approves it by a
// button; it goes by e-mail and to Diadoc as a draft; delivered and signed
// come back to the manager's chat and the deal is «действует»; the history
// shows every step. An admin's template with a misspelled placeholder is
// refused naming it.
func TestDocumentsThroughTelegramEndToEnd(t *testing.T) {
	needPDF(t)
	const officerTG, lawyerTG = 3003, 4004
	srv := telegramtest.NewServer(t)
	dadata := dadataServer(t, nil)
	mp := mailpittest.Shared(t)
	edo := diadoctest.New(t)
	edo.AddOrganization(diadoctest.Organization{INN: "7707083893", KPP: "773601001", Name: "ПАО Сбербанк"})
	dir := t.TempDir()
	company := filepath.Join(dir, "company.txt")
	if err := os.WriteFile(company, []byte(ourCompany), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"DADATA_API_KEY": "test-key", "DADATA_URL": dadata.URL,
		"DEALDESK_COMPANY_FILE": company, "SMTP_FROM": "DealDesk <crm@dealdesk.test>",
		"DIADOC_URL": edo.URL, "DIADOC_CLIENT_ID": diadoctest.ClientID, "DIADOC_TOKEN": diadoctest.Token,
		"DEALDESK_DOC_SEND_INTERVAL": "100ms", "DEALDESK_EDO_POLL_INTERVAL": "200ms",
		"DEALDESK_SOFFICE": "", "DEALDESK_PDF_WORKERS": "1"}
	for k, v := range mp.Env() {
		env[k] = v
	}
	r := startTelegram(t, dir, srv, env)
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(r.logs.String())
		}
	})

	for user, role := range map[int64]string{managerTG: "менеджер", officerTG: "сотрудник сопровождения", lawyerTG: "юрист"} {
		invite := r.say(adminTG, adminTG, "/invite "+role)
		code := strings.Fields(strings.SplitN(invite.Text, "/start ", 2)[1])[0]
		expect(t, r.say(user, user, "/start "+code), "Ваша роль")
	}
	const me = managerTG
	record := r.say(me, me, "/client 7707083893")
	r.tap(me, me, record, "Создать", "карточка #1")
	confirm := r.say(me, me, "/deal new 7707083893 Поставка оборудования 1 500 000")
	r.tap(me, me, confirm, "Создать", "Стадия: новая")

	// The manager asks; the officer is told and takes it.
	request := r.until(officerTG, "Взять", func() { r.srv.SendText(me, me, "/doc request D-2026-0001 договор Срочно") })
	taken := r.tap(officerTG, officerTG, request, "Взять", "Сформировать")

	// No bank account on the card: refused with the list, nothing made.
	refused := r.tap(officerTG, officerTG, taken, "Сформировать", "счёт")
	for _, want := range []string{"ДГ-2026-0001 не сформирован", "расчётный счёт клиента", "БИК банка клиента",
		"срок оплаты", "Проверить снова"} {
		if !strings.Contains(refused.Text, want) && !hasButton(refused, want) {
			t.Fatalf("the refusal lacks %q:\n%s", want, refused.Text)
		}
	}
	if got := sentFiles(srv, officerTG, 0); len(got) != 0 {
		t.Fatalf("a refused document sent files: %d", len(got))
	}

	// The officer fills the deal's dates and the client's account.
	expect(t, r.say(officerTG, officerTG, "/edit D-2026-0001 оплата 25.12.2030 причина: по договору"), "Сохранено")
	expect(t, r.say(officerTG, officerTG, "/edit D-2026-0001 окончание 31.12.2031 причина: по договору"), "Сохранено")
	expect(t, r.say(officerTG, officerTG, "/edit 7707083893 счёт БИК 044525225 р/с 40702810938000012345 к/с 30101810400000000225 ПАО Сбербанк причина: из письма клиента"), "Сохранено")
	n := len(srv.Sent())
	var made telegramtest.SentMessage
	for _, row := range refused.Buttons {
		for _, b := range row {
			if b.Text == "Проверить снова" {
				made = r.within(2*time.Minute, officerTG, "На согласование", func() {
					r.srv.Press(officerTG, officerTG, refused.MessageID, b.Data)
				})
			}
		}
	}
	docs := sentFiles(srv, officerTG, n)
	if len(docs) != 2 {
		t.Fatalf("files sent: %d, want the DOCX and the PDF", len(docs))
	}
	text := pdfText(t, docs[1].Data)
	for _, want := range []string{"ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО \"СБЕРБАНК РОССИИ\" (ИНН 7707083893",
		"Один миллион пятьсот тысяч рублей 00 копеек", "Общество с ограниченной ответственностью «ДилДеск»"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q:\n%s", want, text)
		}
	}

	// To the lawyer, who approves it by a button on the files' message.
	toLawyer := r.until(lawyerTG, "Согласовать", func() {
		r.tap(officerTG, officerTG, made, "На согласование", "на согласовании")
	})
	approved := r.until(officerTG, "согласован", func() { r.tap(lawyerTG, lawyerTG, toLawyer, "Согласовать", "огласован") })
	expect(t, approved, "согласован — User 4004")

	// By e-mail to mailpit, typed address.
	card := r.say(officerTG, officerTG, "/doc ДГ-2026-0001")
	expect(t, r.tap(officerTG, officerTG, card, "Отправить по e-mail", "e-mail"), "Напишите адрес")
	sent := r.within(30*time.Second, managerTG, "отправлен", func() { r.srv.SendText(officerTG, officerTG, "buh@sber.test") })
	expect(t, sent, "отправлен клиенту по e-mail: buh@sber.test")
	got := mp.Find(t, "to:buh@sber.test")
	if !strings.Contains(got.Subject, "ДГ-2026-0001") || len(got.Attachments) != 2 {
		t.Fatalf("mail: subject %q, %d attachments", got.Subject, len(got.Attachments))
	}

	// As a draft to Diadoc; a person sends it there; delivered and signed
	// come back to the manager; the signed contract makes the deal active.
	card = r.say(officerTG, officerTG, "/doc ДГ-2026-0001")
	r.within(30*time.Second, officerTG, "Диадок", func() { r.tap(officerTG, officerTG, card, "Отправить в Диадок", "Диадок") })
	deadline := time.Now().Add(30 * time.Second)
	for len(edo.Posted()) == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	posted := edo.Posted()
	if len(posted) != 1 || !posted[0].IsDraft {
		t.Fatalf("Diadoc got %+v, want one draft", posted)
	}
	r.within(30*time.Second, managerTG, "доставлен", func() { edo.Send(posted[0].MessageID); edo.Deliver(posted[0].MessageID) })
	signed := r.within(30*time.Second, managerTG, "подписан", func() { edo.Sign(posted[0].MessageID) })
	expect(t, signed, "Сделка переведена в стадию «действует»")
	expect(t, r.say(me, me, "/deal D-2026-0001"), "Стадия: действует")

	history := r.say(me, me, "/history D-2026-0001")
	for _, want := range []string{"документ ДГ-2026-0001 · статус: черновик → на согласовании",
		"статус: на согласовании → согласован", "статус: согласован → отправлен", "получатель: — → buh@sber.test",
		"статус: отправлен → доставлен", "статус: доставлен → подписан", "стадия: новая → действует (причина: документ подписан)"} {
		expect(t, history, want)
	}
}

// TestDocumentsThroughTheConsole: the console's admin makes a contract with
// LibreOffice, finds the DOCX and PDF in DEALDESK_FILES_DIR, sends it for
// approval and approves it by its button; /templates shows the built-in
// ones; a template with a misspelled placeholder is refused naming it.
func TestDocumentsThroughTheConsole(t *testing.T) {
	needPDF(t)
	dir := t.TempDir()
	dadata := dadataServer(t, nil)
	company := filepath.Join(dir, "company.txt")
	if err := os.WriteFile(company, []byte(ourCompany), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"DADATA_API_KEY": "test-key", "DADATA_URL": dadata.URL, "DEALDESK_COMPANY_FILE": company,
		"DEALDESK_SOFFICE": "", "DEALDESK_PDF_WORKERS": "1"}
	run := func(input string) string {
		t.Helper()
		return strings.ReplaceAll(runMain(t, dir, input, env), "\u00a0", " ")
	}
	run("/client 7707083893\n1\n/deal new 7707083893 Поставка оборудования 1 500 000 оплата 25.12.2030 окончание 31.12.2031\n1\n")
	out := run("/doc request D-2026-0001 договор\n/doc ДГ-2026-0001\n1\n1\n")
	for _, want := range []string{"Вы взяли ДГ-2026-0001 в работу", "ДГ-2026-0001 не сформирован",
		"расчётный счёт клиента", "[1] Проверить снова"} {
		if !strings.Contains(out, want) {
			t.Fatalf("output lacks %q:\n%s", want, out)
		}
	}
	run("/edit 7707083893 счёт БИК 044525225 р/с 40702810938000012345 к/с 30101810400000000225 ПАО Сбербанк причина: из письма\n")
	out = run("/doc ДГ-2026-0001\n1\n2\n/doc ДГ-2026-0001\n")
	for _, want := range []string{"Готово: ДГ-2026-0001, версия 1.", "ДГ-2026-0001.docx", "ДГ-2026-0001.pdf",
		"[на согласовании]", "[1] Согласовать"} {
		if !strings.Contains(out, want) {
			t.Fatalf("output lacks %q:\n%s", want, out)
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "files", "ДГ-2026-0001.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	if text := pdfText(t, data); !strings.Contains(text, "Один миллион пятьсот тысяч рублей 00 копеек") ||
		!strings.Contains(text, "7707083893") {
		t.Fatalf("the PDF lacks the amount in words or the INN:\n%s", text)
	}
	out = run("/doc ДГ-2026-0001\n1\n")
	if !strings.Contains(out, "ДГ-2026-0001, версия 1: согласован (console).") {
		t.Fatalf("not approved:\n%s", out)
	}

	// A supplementary agreement names the deal's contract.
	out = run("/doc request D-2026-0001 допсоглашение\n/doc ДС-2026-0001\n1\n/doc ДС-2026-0001\n1\n")
	if !strings.Contains(out, "Готово: ДС-2026-0001") {
		t.Fatalf("the supplement was not made:\n%s", out)
	}
	data, err = os.ReadFile(filepath.Join(dir, "files", "ДС-2026-0001.pdf"))
	if err != nil {
		t.Fatal(err)
	}
	if text := pdfText(t, data); !strings.Contains(text, "№ ДГ-2026-0001 от") {
		t.Fatalf("the supplement does not name the contract:\n%s", text)
	}

	// An admin's template with a misspelled placeholder is refused, naming it.
	bad := filepath.Join(dir, "Договор с ошибкой.docx")
	if err := os.WriteFile(bad, docxWith(t, "Договор с {{client.nmae}}, ИНН {{client.inn}}"), 0o600); err != nil {
		t.Fatal(err)
	}
	out = run("/file \"" + bad + "\" /template договор\n")
	if !strings.Contains(out, "client.nmae") || strings.Contains(out, "добавлен") {
		t.Fatalf("the misspelled placeholder was not named:\n%s", out)
	}
}

// docxWith builds a one-paragraph DOCX, the text split across two runs
// as Word does.
func docxWith(t *testing.T, text string) []byte {
	t.Helper()
	half := len(text) / 2
	for !utf8.RuneStart(text[half]) {
		half++
	}
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	files := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
		"_rels/.rels":         `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
		"word/document.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t xml:space="preserve">` +
			text[:half] + `</w:t></w:r><w:proofErr w:type="spellStart"/><w:r><w:t xml:space="preserve">` + text[half:] +
			`</w:t></w:r></w:p></w:body></w:document>`,
	}
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml"} {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(files[name])); err != nil {
			t.Fatal(err)
		}
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
