package diadoc_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/adapters/diadoc/diadoctest"
	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

// copyEngine is a DOCX engine for core that finds no placeholders and
// fills a template by copying it: what this test follows is the posted
// file's way through Diadoc, not its content.
type copyEngine struct{}

func (copyEngine) Inspect([]byte) ([]core.Placeholder, error) { return nil, nil }

func (copyEngine) Fill(docx []byte, _ core.DocValues) ([]byte, error) { return docx, nil }

// TestCoreFollowsADraftThroughDiadocToTheSignature: core posts a contract
// through the adapter to the fake Diadoc as a draft; a person sends it
// (a letter with ids of its own), the client's box gets it and signs it;
// core's poll of the feed moves the same document to sent, delivered and
// signed, stores the cursor, and the deal moves to «действует».
func TestCoreFollowsADraftThroughDiadocToTheSignature(t *testing.T) {
	fake := diadoctest.New(t)
	romashka := fake.AddOrganization(diadoctest.Organization{INN: "7707083893", KPP: "773601001", Name: "ООО «Ромашка»"})
	edo, _, _ := client(t, fake, nil)

	db, err := bolt.Open(filepath.Join(t.TempDir(), "dealdesk.db"), bolt.WithNoSync(true))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cfg := core.DefaultDocConfig()
	cfg.ApprovalKinds = nil // no lawyer in this test
	svc := core.NewService(db, core.WithPlatforms(core.PlatformTelegram), core.WithDocEngine(copyEngine{}),
		core.WithEDO(edo), core.WithDocConfig(cfg), core.WithCompany(core.Company{Name: "ООО «ДилДеск»"}),
		core.WithBuiltinTemplates(map[core.DocKind][]byte{core.DocContract: []byte("PK договор")}))
	if err := svc.SeedTemplates(ctx); err != nil {
		t.Fatal(err)
	}
	user := func(name string, role core.Role, identity string) core.Actor {
		u := &core.User{Name: name, Role: role, Identities: []string{identity}, Active: true}
		if err := db.Update(ctx, func(tx core.Tx) error { return tx.CreateUser(u) }); err != nil {
			t.Fatal(err)
		}
		return core.Actor{User: u, Source: "test"}
	}
	officer := user("Ирина Сопровождение", core.RoleOfficer, "telegram:11")
	manager := user("Максим Менеджеров", core.RoleManager, "telegram:12")
	c, err := svc.CreateClient(ctx, officer, &core.Client{INN: romashka.INN, KPP: romashka.KPP,
		ShortName: romashka.Name, ManagerID: manager.ID()})
	if err != nil {
		t.Fatal(err)
	}
	deal, err := svc.CreateDeal(ctx, manager, &core.Deal{ClientID: c.ID, Title: "Поставка", Amount: 100000})
	if err != nil {
		t.Fatal(err)
	}
	d, err := svc.RequestDocument(ctx, manager, deal.ID, core.DocContract, "")
	if err != nil {
		t.Fatal(err)
	}
	check, err := svc.CheckDocument(ctx, officer, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ProduceDocument(ctx, officer, d.ID, check.WarningIDs(), "проверено вручную"); err != nil {
		t.Fatal(err)
	}
	boxes, err := svc.EDOBoxes(ctx, officer, d.ID)
	if err != nil || len(boxes) != 1 || boxes[0].ID != romashka.BoxID {
		t.Fatalf("boxes = %+v, %v", boxes, err)
	}
	if _, err := svc.SendDocumentEDO(ctx, officer, d.ID, boxes[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.DeliverDocuments(ctx, time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	posted := fake.Posted()
	doc := func() *core.Document {
		t.Helper()
		got, err := svc.DocumentByID(ctx, officer, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if len(posted) != 1 || !posted[0].IsDraft || doc().EDOMessageID != posted[0].MessageID {
		t.Fatalf("posted %+v, the document keeps %q", posted, doc().EDOMessageID)
	}
	poll := func() {
		t.Helper()
		if _, err := svc.PollEDO(ctx, time.Now()); err != nil {
			t.Fatal(err)
		}
	}

	letter := fake.Send(posted[0].MessageID)
	poll()
	if got := doc(); got.Status != core.DocSent || got.EDOMessageID != letter {
		t.Fatalf("after sending: %s, EDO message %q (the letter is %q)", got.Status, got.EDOMessageID, letter)
	}
	fake.Deliver(letter)
	poll()
	if got := doc(); got.Status != core.DocDelivered {
		t.Fatalf("after delivery: %s", got.Status)
	}
	fake.Sign(letter)
	poll()
	if got := doc(); got.Status != core.DocSigned {
		t.Fatalf("after the signature: %s", got.Status)
	}
	if got, _ := svc.DealByID(ctx, manager, deal.ID); got.Stage != core.StageActive {
		t.Errorf("deal stage = %s", got.Stage)
	}
	err = db.View(context.Background(), func(tx core.Tx) error {
		cursor, err := tx.EDOCursor(edo.Name())
		if err == nil && cursor != fake.LastIndexKey() {
			t.Errorf("cursor %q, the feed ends at %q", cursor, fake.LastIndexKey())
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
