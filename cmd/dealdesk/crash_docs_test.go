package main

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/dealdesk/dealdesk/adapters/diadoc"
	"github.com/dealdesk/dealdesk/adapters/diadoc/diadoctest"
	"github.com/dealdesk/dealdesk/adapters/docx"
	"github.com/dealdesk/dealdesk/bot/telegram/telegramtest"
	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

// TestCrashWhileDocumentsArePostedToEDO: documents wait to be posted to
// Diadoc; DealDesk's send job runs and is killed (kill -9) at random
// moments, again and again: before a post, during it, between Diadoc's
// answer and the record of it. After the restarts every document is
// posted and recorded, and Diadoc holds each once: a retry carries the
// first try's operationId, so Diadoc answers with the first post.
func TestCrashWhileDocumentsArePostedToEDO(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills the program many times")
	}
	const docs = 8
	edo := diadoctest.New(t)
	edo.AddOrganization(diadoctest.Organization{INN: "7707083893", KPP: "773601001", Name: "ПАО Сбербанк"})
	dir := t.TempDir()
	ids := prepareEDOSends(t, dir, edo, docs)
	edo.PostAnswerDelay = 150 * time.Millisecond

	env := []string{"DEALDESK_CONSOLE=off", "DEALDESK_SOFFICE=" + noSoffice, "DEALDESK_DOC_SEND_INTERVAL=20ms",
		"DIADOC_URL=" + edo.URL, "DIADOC_CLIENT_ID=" + diadoctest.ClientID, "DIADOC_TOKEN=" + diadoctest.Token,
		"DEALDESK_EDO_POLL_INTERVAL=1h"}
	// Serving needs a chat platform: the fake Bot API, unused here.
	srv := telegramtest.NewServer(t)
	env = append(env, "TELEGRAM_TOKEN="+srv.Token, "TELEGRAM_API_URL="+srv.URL, "DEALDESK_TEST_NO_LIMITS=1")
	kills := 0
	for round := 0; ; round++ {
		if posted(t, dir, ids) == docs {
			break
		}
		if round > 100 {
			t.Fatalf("after %d restarts %d of %d documents are recorded as posted", round, posted(t, dir, ids), docs)
		}
		log, err := os.OpenFile(filepath.Join(dir, "child.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		cmd := childCommand(t, dir, env...)
		cmd.Stdout, cmd.Stderr = log, log
		calls := edo.Calls(diadoctest.PostMessage)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Killed once it posts (the start takes long on a busy machine),
		// at a random moment of the post's answer (PostAnswerDelay) or after.
		waitUntil(t, "a post to Diadoc", 60*time.Second, func() bool { return edo.Calls(diadoctest.PostMessage) > calls })
		time.Sleep(time.Duration(rand.IntN(300)) * time.Millisecond)
		stopChild(t, cmd, syscall.SIGKILL)
		log.Close()
		kills++
	}
	if got := len(edo.Posted()); got != docs {
		t.Fatalf("Diadoc holds %d documents for %d sends (%d kill -9, %d PostMessage calls)", got, docs, kills,
			edo.Calls(diadoctest.PostMessage))
	}
	t.Logf("%d documents posted once each through %d kill -9 and %d PostMessage calls", docs, kills,
		edo.Calls(diadoctest.PostMessage))
}

// prepareEDOSends makes n commercial proposals, each produced and waiting
// to be posted to the client's Diadoc box, in the database in dir.
func prepareEDOSends(t *testing.T, dir string, edo *diadoctest.Server, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	db, err := bolt.Open(filepath.Join(dir, "dealdesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	d, err := diadoc.New(edo.Config(), zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	svc := core.NewService(db, core.WithDocEngine(docx.Engine{}), core.WithBuiltinTemplates(docx.Builtin()),
		core.WithEDO(d), core.WithCompany(core.Company{Name: "ООО «ДилДеск»", FullName: "ООО «ДилДеск»",
			INN: "7736207543", KPP: "773601001", OGRN: "1027700229193", Address: "Москва", Director: "Петров П. П.",
			Bank: "ПАО Сбербанк", BIK: "044525225", Account: "40702810938000012345", CorrAccount: "30101810400000000225"}))
	if err := svc.SeedTemplates(ctx); err != nil {
		t.Fatal(err)
	}
	if err := svc.SeedAdmins(ctx, []core.Admin{{Identity: "telegram:" + strconv.Itoa(adminTG), Name: "Админ"}}); err != nil {
		t.Fatal(err)
	}
	admin, err := svc.Authenticate(ctx, "telegram:"+strconv.Itoa(adminTG))
	if err != nil {
		t.Fatal(err)
	}
	a := core.Actor{User: admin}
	client, err := svc.CreateClient(ctx, a, &core.Client{INN: "7707083893", KPP: "773601001", OGRN: "1027700132195",
		ShortName: "ПАО Сбербанк", FullName: "ПАО Сбербанк", Address: "Москва, ул. Вавилова, 19", Director: "Греф Г. О.",
		Accounts: []core.BankAccount{{BIK: "044525225", BankName: "ПАО Сбербанк", Account: "40702810938000012345",
			CorrAccount: "30101810400000000225"}}})
	if err != nil {
		t.Fatal(err)
	}
	boxes, err := d.Boxes(ctx, client.INN, client.KPP)
	if err != nil || len(boxes) != 1 {
		t.Fatalf("boxes = %v, %v", boxes, err)
	}
	due := time.Now().AddDate(1, 0, 0)
	var ids []int64
	for i := range n {
		deal, err := svc.CreateDeal(ctx, a, &core.Deal{ClientID: client.ID, ManagerID: admin.ID,
			Title: "Поставка " + strconv.Itoa(i+1), Amount: core.Money(100_000_00 * (i + 1)), SigningDue: due,
			PaymentDue: due, ContractEnd: due.AddDate(1, 0, 0)})
		if err != nil {
			t.Fatal(err)
		}
		doc, err := svc.RequestDocument(ctx, a, deal.ID, core.DocProposal, "")
		if err != nil {
			t.Fatal(err)
		}
		check, err := svc.CheckDocument(ctx, a, doc.ID)
		if err != nil || len(check.Missing) > 0 {
			t.Fatalf("check = %+v, %v", check, err)
		}
		if _, err := svc.ProduceDocument(ctx, a, doc.ID, check.WarningIDs(), "проверено"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SendDocumentEDO(ctx, a, doc.ID, boxes[0]); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, doc.ID)
	}
	return ids
}

// posted counts the documents recorded as posted to EDO in the stopped
// child's database.
func posted(t *testing.T, dir string, ids []int64) int {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dir, "dealdesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n := 0
	err = db.View(context.Background(), func(tx core.Tx) error {
		for _, id := range ids {
			d, err := tx.DocumentByID(id)
			if err != nil {
				return err
			}
			if d.EDOMessageID != "" && d.SendID == 0 {
				n++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
