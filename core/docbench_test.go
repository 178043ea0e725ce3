package core_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

// benchFeed serves one page of events after the cursor "c<n>" and
// nothing after "c<n+1>".
type benchFeed struct {
	fakeEDO
	page []core.EDOEvent
	n    int
}

func (f *benchFeed) Events(_ context.Context, after string) ([]core.EDOEvent, string, error) {
	if after == "c"+strconv.Itoa(f.n) || (after == "" && f.n == 0) {
		return f.page, "c" + strconv.Itoa(f.n+1), nil
	}
	return nil, after, nil
}

// benchEDOWorld is a durable bbolt file (fsync on) with a manager, an
// officer, a client and a deal.
func benchEDOWorld(b *testing.B, opts ...core.Option) (*bolt.DB, *core.Service, core.Actor, *core.Deal) {
	b.Helper()
	db, err := bolt.Open(filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	ctx := context.Background()
	svc := core.NewService(db, append([]core.Option{core.WithPlatforms("telegram")}, opts...)...)
	if err := svc.SeedAdmins(ctx, []core.Admin{{Identity: "telegram:1", Name: "Админ"}}); err != nil {
		b.Fatal(err)
	}
	admin, _ := svc.Authenticate(ctx, "telegram:1")
	a := core.Actor{User: admin, Source: "bench"}
	officer := &core.User{Name: "Ирина", Role: core.RoleOfficer, Identities: []string{"telegram:2"}, Active: true}
	if err := db.Update(ctx, func(tx core.Tx) error { return tx.CreateUser(officer) }); err != nil {
		b.Fatal(err)
	}
	c, err := svc.CreateClient(ctx, a, &core.Client{INN: sberINN, KPP: sberKPP, ShortName: "ООО «Ромашка»"})
	if err != nil {
		b.Fatal(err)
	}
	deal, err := svc.CreateDeal(ctx, a, &core.Deal{ClientID: c.ID, Title: "Поставка", Amount: 100000})
	if err != nil {
		b.Fatal(err)
	}
	return db, svc, core.Actor{User: officer, Source: "bench"}, deal
}

// BenchmarkPollEDOPage: PollEDO applying a page of 100 events, each
// moving a posted contract to delivered (the document, its audit records
// and two notifications) with the cursor, in one durable transaction.
// Target: under 50 ms. Compare BenchmarkEDOBareTransaction.
func BenchmarkPollEDOPage(b *testing.B) {
	feed := &benchFeed{}
	db, svc, officer, deal := benchEDOWorld(b, core.WithEDO(feed))
	ctx := context.Background()
	docx := []byte("PK bench docx")
	ref := core.NewFileRef("bench.docx", core.MIMEDOCX, docx)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		feed.n, feed.page = i, feed.page[:0]
		err := db.Update(ctx, func(tx core.Tx) error {
			if err := tx.PutFile(ref, docx); err != nil {
				return err
			}
			for j := range 100 {
				msg := fmt.Sprintf("msg-%d-%d", i, j)
				d := &core.Document{Number: core.DocNumber(core.DocContract, 2026, uint64(i*100+j+1)),
					Kind: core.DocContract, DealID: deal.ID, ClientID: deal.ClientID, Status: core.DocSent,
					OfficerID: officer.ID(), Versions: []core.DocVersion{{N: 1, DOCX: ref}}, Approved: 1,
					Channel: core.ChannelEDO, EDOMessageID: msg, SentVersion: 1}
				if err := tx.CreateDocument(d); err != nil {
					return err
				}
				feed.page = append(feed.page, core.EDOEvent{IndexKey: msg, MessageID: msg, Status: core.EDODelivered})
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		n, err := svc.PollEDO(ctx, deal.CreatedAt)
		if err != nil || n != 100 {
			b.Fatalf("PollEDO = %d, %v", n, err)
		}
	}
}

// BenchmarkEDOBareTransaction is the floor of the page's transaction on
// the same kind of file: one bbolt transaction with one small write,
// fsync on.
func BenchmarkEDOBareTransaction(b *testing.B) {
	db, _, _, _ := benchEDOWorld(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		err := db.Update(ctx, func(tx core.Tx) error { return tx.PutEDOCursor("bench", strconv.Itoa(i)) })
		if err != nil {
			b.Fatal(err)
		}
	}
}
