package bot_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/telegram"
	"github.com/dealdesk/dealdesk/bot/telegram/telegramtest"
	"github.com/dealdesk/dealdesk/bot/usecases"
	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

// Telegram users of the test: the admin and a lawyer.
const (
	tgAdmin  = 1001
	tgLawyer = 1003
)

// TestDocumentsThroughTelegram runs DealDesk on the fake Bot API: an admin
// sends a .docx with the caption /template договор, which the bot fetches
// with getFile and the file download and accepts, answering with a sample
// it uploads with sendDocument; a document goes to a lawyer's private chat
// as two documents, the PDF carrying the decision buttons, and the lawyer
// approves it by pressing «Согласовать».
func TestDocumentsThroughTelegram(t *testing.T) {
	srv := telegramtest.NewServer(t)
	db, err := bolt.Open(filepath.Join(t.TempDir(), "dealdesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx, cancel := context.WithCancel(context.Background())
	svc := core.NewService(db, core.WithPlatforms(telegram.Platform), core.WithDocEngine(fakeEngine{}), core.WithPDF(fakePDF{}),
		core.WithBuiltinTemplates(map[core.DocKind][]byte{core.DocContract: []byte(contractTemplate)}))
	if err := svc.SeedTemplates(ctx); err != nil {
		t.Fatal(err)
	}
	if err := svc.SeedAdmins(ctx, []core.Admin{{Identity: "telegram:1001", Name: "Админ"}}); err != nil {
		t.Fatal(err)
	}
	b := bot.New(bot.Config{Service: svc, Locales: bundle, Logger: zerolog.Nop(), UseCases: usecases.All})
	tr, err := telegram.New(telegram.Config{Token: srv.Token, APIURL: srv.URL, PollTimeout: time.Second,
		MinPollGap: 10 * time.Millisecond, Limits: telegram.Limits{Chat: telegram.Limit{N: -1},
			Group: telegram.Limit{N: -1}, Global: telegram.Limit{N: -1}, Menu: telegram.Limit{N: -1}}}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	b.AddTransport(tr)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); b.Run(ctx, 20*time.Millisecond, time.Second) }()
	go func() { defer wg.Done(); _ = tr.Run(ctx, b) }()
	t.Cleanup(func() { cancel(); wg.Wait() })

	admin, err := svc.Authenticate(ctx, "telegram:1001")
	if err != nil {
		t.Fatal(err)
	}
	inv, err := svc.CreateInvite(ctx, core.Actor{User: admin}, core.RoleLawyer)
	if err != nil {
		t.Fatal(err)
	}
	taken := map[int]bool{}
	// next waits for the bot's first message to a chat not taken yet that
	// pred accepts (skipping its other calls and messages) and returns it.
	next := func(chat int64, what string, pred func(telegramtest.SentMessage) bool) telegramtest.SentMessage {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for n := 1; time.Now().Before(deadline); n++ {
			all := srv.WaitSent(t, min(n, len(srv.Sent())+1), 10*time.Second)
			for i, m := range all {
				if !taken[i] && m.ChatID == chat && strings.HasPrefix(m.Method, "send") && pred(m) {
					taken[i] = true
					return m
				}
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("no message to %d: %s; sent %+v", chat, what, srv.Sent())
		return telegramtest.SentMessage{}
	}
	has := func(s string) func(telegramtest.SentMessage) bool {
		return func(m telegramtest.SentMessage) bool { return strings.Contains(m.Text, s) }
	}
	file := func(name string) func(telegramtest.SentMessage) bool {
		return func(m telegramtest.SentMessage) bool { return m.Document != nil && m.Document.Name == name }
	}
	srv.SendText(tgLawyer, tgLawyer, "/start "+inv.Code)
	next(tgLawyer, "welcome", has("Добро пожаловать"))

	// The admin's template, as a document with its command as the caption.
	tpl := []byte(fakeDOCX + "Договор {{doc.number}}\nЗаказчик: {{client.full_name}}, ИНН {{client.inn}}\nСумма: {{deal.amount_words}}")
	srv.SendDocument(tgAdmin, tgAdmin, "Договор услуг.docx", docxMIME, tpl, "/template договор")
	next(tgAdmin, "template added", has("Шаблон «Договор услуг» принят"))
	sample := next(tgAdmin, "sample", file("Образец — Договор.docx"))
	if sample.Method != "sendDocument" || sample.Document == nil || sample.Document.Name != "Образец — Договор.docx" ||
		!strings.Contains(string(sample.Document.Data), "Заказчик: Общество с ограниченной ответственностью «Ромашка»") {
		t.Fatalf("sample %+v", sample)
	}
	if srv.Count("getFile") != 1 || srv.Count("file") != 1 {
		t.Fatalf("getFile %d, downloads %d; want the template fetched once", srv.Count("getFile"), srv.Count("file"))
	}

	// A contract to approve: made through the service, sent for approval.
	a := core.Actor{User: admin}
	c, err := svc.CreateClient(ctx, a, &core.Client{Kind: core.KindLegal, INN: "7707083893", KPP: "773601001",
		ShortName: "ООО «Ромашка»", FullName: "ООО «Ромашка»", Director: "Иванов И. И."})
	if err != nil {
		t.Fatal(err)
	}
	deal, err := svc.CreateDeal(ctx, a, &core.Deal{ClientID: c.ID, ManagerID: admin.ID, Title: "Услуги", Amount: 100000})
	if err != nil {
		t.Fatal(err)
	}
	d, err := svc.RequestDocument(ctx, a, deal.ID, core.DocContract, "")
	if err != nil {
		t.Fatal(err)
	}
	check, err := svc.CheckDocument(ctx, a, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ProduceDocument(ctx, a, d.ID, check.WarningIDs(), "тест"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SubmitForApproval(ctx, a, d.ID); err != nil {
		t.Fatal(err)
	}
	docx := next(tgLawyer, "the DOCX", file("ДГ-2026-0001.docx"))
	pdf := next(tgLawyer, "the PDF", file("ДГ-2026-0001.pdf"))
	if docx.Method != "sendDocument" || docx.Document.Name != "ДГ-2026-0001.docx" || !strings.Contains(docx.Text, "На согласование") ||
		pdf.Method != "sendDocument" || pdf.Document.Name != "ДГ-2026-0001.pdf" || len(pdf.Buttons) != 2 {
		t.Fatalf("to the lawyer: %+v\n%+v", docx, pdf)
	}
	cb := srv.Press(tgLawyer, tgLawyer, pdf.MessageID, pdf.Buttons[0][0].Data)
	srv.WaitAnswer(t, cb, 10*time.Second)
	next(tgLawyer, "decided", has("ДГ-2026-0001, версия 1: согласован"))
	if got, _ := svc.DocumentByID(ctx, a, d.ID); got.Status != core.DocApproved {
		t.Fatalf("status %s", got.Status)
	}
}
