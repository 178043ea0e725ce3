package core_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// cleanClient is a card the gate finds nothing wrong with.
func cleanClient(o *office) *core.Client {
	return &core.Client{Kind: core.KindLegal, INN: sberINN, KPP: sberKPP, OGRN: sberOGRN, ShortName: "ПАО Сбербанк",
		Address: "117312, г. Москва, ул. Вавилова, д. 19", Director: "Греф Герман Оскарович",
		Accounts: []core.BankAccount{{BIK: "044525225", CorrAccount: "30101810400000000225",
			Account: "40702810938000012345"}},
		ManagerID:    o.manager.ID(),
		Verification: core.Verification{Status: core.Verified, At: o.clock.Now().Add(-24 * time.Hour)}}
}

// cleanDeal is a deal of the card the gate finds nothing wrong with.
func cleanDeal(o *office, clientID int64) *core.Deal {
	now := o.clock.Now()
	day := 24 * time.Hour
	return &core.Deal{ClientID: clientID, ManagerID: o.manager.ID(), Title: "Поставка", Amount: 100_000_000,
		Stage: core.StageNew, SigningDue: now.Add(10 * day), PaymentDue: now.Add(20 * day),
		ContractEnd: now.Add(365 * day), CreatedAt: now.Add(-day)}
}

// putClient stores a card as it is.
func (o *office) putClient(c *core.Client) *core.Client {
	o.t.Helper()
	o.update(func(tx core.Tx) error { return tx.CreateClient(c) })
	return c
}

// quality runs the gate over the records.
func (o *office) quality(clients, deals, requests []int64) []core.QualityFinding {
	o.t.Helper()
	var out []core.QualityFinding
	o.view(func(tx core.Tx) (err error) {
		out, err = o.svc.QualityForTest(tx, clients, deals, requests)
		return err
	})
	return out
}

func TestQualityGate(t *testing.T) {
	day := 24 * time.Hour
	type scope struct{ clients, deals, requests []int64 }
	for _, c := range []struct {
		name string
		// setup changes the clean card and deal before they are stored,
		// stores what else the case needs and returns the records to
		// check beyond the card and the deal.
		setup func(o *office, cl *core.Client, d *core.Deal) func(cl *core.Client, d *core.Deal) scope
		want  []core.QualityFinding // the card's ID is 1 and the deal's 1; 0 is the record the case made
	}{
		{name: "clean"},
		{name: "missing requisites", setup: func(o *office, cl *core.Client, d *core.Deal) func(*core.Client, *core.Deal) scope {
			cl.KPP, cl.OGRN, cl.Address, cl.Director = "", "", "", ""
			cl.Accounts[0].BIK, cl.Accounts[0].CorrAccount = "", ""
			return nil
		}, want: []core.QualityFinding{{Kind: core.QualityMissingRequisites, Entity: core.EntityClient,
			Detail: "kpp, ogrn, address, director, bik:40702810938000012345"}}},
		{name: "a sole proprietor needs no KPP, address or director", setup: func(o *office, cl *core.Client, d *core.Deal) func(*core.Client, *core.Deal) scope {
			cl.Kind, cl.INN, cl.KPP, cl.OGRN, cl.ShortName = core.KindIndividual, soleINN, "", soleOGRNIP, "ИП Иванов"
			cl.Address, cl.Director = "", ""
			return nil
		}},
		{name: "checksums", setup: func(o *office, cl *core.Client, d *core.Deal) func(*core.Client, *core.Deal) scope {
			cl.INN, cl.OGRN, cl.Accounts[0].Account = "7707083894", "1027700132196", "40702810938000012346"
			return nil
		}, want: []core.QualityFinding{{Kind: core.QualityChecksum, Entity: core.EntityClient,
			Detail: "inn:7707083894, ogrn:1027700132196, account:40702810938000012346"}}},
		{name: "an OGRN of the wrong kind", setup: func(o *office, cl *core.Client, d *core.Deal) func(*core.Client, *core.Deal) scope {
			cl.OGRN = soleOGRNIP
			return nil
		}, want: []core.QualityFinding{{Kind: core.QualityChecksum, Entity: core.EntityClient, Detail: "ogrn:" + soleOGRNIP}}},
		{name: "never verified", setup: func(o *office, cl *core.Client, d *core.Deal) func(*core.Client, *core.Deal) scope {
			cl.Verification = core.Verification{Status: core.Unverified}
			return nil
		}, want: []core.QualityFinding{{Kind: core.QualityNeverChecked, Entity: core.EntityClient}}},
		{name: "verified too long ago", setup: func(o *office, cl *core.Client, d *core.Deal) func(*core.Client, *core.Deal) scope {
			cl.Verification.At = time.Date(2026, 8, 29, 8, 0, 0, 0, time.UTC) // 91 days before
			return nil
		}, want: []core.QualityFinding{{Kind: core.QualityStaleCheck, Entity: core.EntityClient, Detail: "2026-08-29"}}},
		{name: "verified within the age", setup: func(o *office, cl *core.Client, d *core.Deal) func(*core.Client, *core.Deal) scope {
			cl.Verification.At = o.clock.Now().Add(-89 * day)
			return nil
		}},
		{name: "one name under another INN is no duplicate", setup: func(o *office, cl *core.Client, d *core.Deal) func(*core.Client, *core.Deal) scope {
			return func(cl *core.Client, d *core.Deal) scope {
				o.putClient(&core.Client{Kind: core.KindLegal, INN: yandexINN, KPP: yandexKPP, ShortName: "ООО «Сбербанк»"})
				return scope{}
			}
		}},
		{name: "a duplicate by OGRN", setup: func(o *office, cl *core.Client, d *core.Deal) func(*core.Client, *core.Deal) scope {
			return func(cl *core.Client, d *core.Deal) scope {
				o.putClient(&core.Client{Kind: core.KindLegal, INN: yandexINN, KPP: yandexKPP, OGRN: sberOGRN, ShortName: "Другое"})
				return scope{}
			}
		}, want: []core.QualityFinding{{Kind: core.QualityDuplicate, Entity: core.EntityClient, Detail: "#2"}}},
		{name: "a duplicate of the INN without KPP", setup: func(o *office, cl *core.Client, d *core.Deal) func(*core.Client, *core.Deal) scope {
			return func(cl *core.Client, d *core.Deal) scope {
				o.putClient(&core.Client{Kind: core.KindLegal, INN: sberINN, ShortName: "Сбер"})
				return scope{}
			}
		}, want: []core.QualityFinding{{Kind: core.QualityDuplicate, Entity: core.EntityClient, Detail: "#2"}}},
		{name: "a branch is no duplicate", setup: func(o *office, cl *core.Client, d *core.Deal) func(*core.Client, *core.Deal) scope {
			return func(cl *core.Client, d *core.Deal) scope {
				o.putClient(&core.Client{Kind: core.KindLegal, INN: sberINN, KPP: "772801001", ShortName: "ПАО Сбербанк"})
				return scope{}
			}
		}},
		{name: "a merged duplicate is resolved", setup: func(o *office, cl *core.Client, d *core.Deal) func(*core.Client, *core.Deal) scope {
			return func(cl *core.Client, d *core.Deal) scope {
				dup := o.putClient(&core.Client{Kind: core.KindLegal, INN: yandexINN, KPP: yandexKPP,
					ShortName: "ООО «Сбербанк»", MergedInto: cl.ID})
				return scope{clients: []int64{dup.ID}}
			}
		}},
		{name: "an open deal without amount", setup: func(o *office, cl *core.Client, d *core.Deal) func(*core.Client, *core.Deal) scope {
			d.Amount = 0
			return nil
		}, want: []core.QualityFinding{{Kind: core.QualityNoAmount, Entity: core.EntityDeal}}},
		{name: "a closed deal without amount", setup: func(o *office, cl *core.Client, d *core.Deal) func(*core.Client, *core.Deal) scope {
			d.Amount, d.Stage, d.ClosedAt = 0, core.StageClosedLost, o.clock.Now()
			return nil
		}},
		{name: "a deal without manager", setup: func(o *office, cl *core.Client, d *core.Deal) func(*core.Client, *core.Deal) scope {
			d.ManagerID = 0
			return nil
		}, want: []core.QualityFinding{{Kind: core.QualityNoManager, Entity: core.EntityDeal, Detail: "none"}}},
		{name: "a deal of a disabled manager", setup: func(o *office, cl *core.Client, d *core.Deal) func(*core.Client, *core.Deal) scope {
			o.update(func(tx core.Tx) error {
				u, err := tx.UserByID(o.manager2.ID())
				if err != nil {
					return err
				}
				u.Active = false
				return tx.UpdateUser(u)
			})
			d.ManagerID = o.manager2.ID()
			return nil
		}, want: []core.QualityFinding{{Kind: core.QualityNoManager, Entity: core.EntityDeal, Detail: "inactive:#4"}}},
		{name: "a closed deal of a disabled manager", setup: func(o *office, cl *core.Client, d *core.Deal) func(*core.Client, *core.Deal) scope {
			o.update(func(tx core.Tx) error {
				u, err := tx.UserByID(o.manager2.ID())
				if err != nil {
					return err
				}
				u.Active = false
				return tx.UpdateUser(u)
			})
			d.ManagerID, d.Stage, d.ClosedAt = o.manager2.ID(), core.StageClosedWon, o.clock.Now()
			return nil
		}},
		{name: "dates out of order", setup: func(o *office, cl *core.Client, d *core.Deal) func(*core.Client, *core.Deal) scope {
			now := o.clock.Now()
			d.SigningDue, d.ContractEnd = now.Add(10*day), now.Add(5*day)
			d.PaymentDue = now.Add(-3 * day)
			d.Stage, d.ClosedAt = core.StageClosedWon, now.Add(-2*day)
			return nil
		}, want: []core.QualityFinding{{Kind: core.QualityDateOrder, Entity: core.EntityDeal,
			Detail: "contract_end<signing_due, payment_due<created_at, closed_at<created_at"}}},
		{name: "a payment of the schedule before the deal", setup: func(o *office, cl *core.Client, d *core.Deal) func(*core.Client, *core.Deal) scope {
			d.Payments = []core.Payment{{Due: d.PaymentDue}, {Due: o.clock.Now().Add(-5 * day)}}
			return nil
		}, want: []core.QualityFinding{{Kind: core.QualityDateOrder, Entity: core.EntityDeal, Detail: "payment_due<created_at"}}},
		{name: "a payment on the day the deal was opened", setup: func(o *office, cl *core.Client, d *core.Deal) func(*core.Client, *core.Deal) scope {
			d.PaymentDue = d.CreatedAt.Add(-time.Hour)
			return nil
		}},
		{name: "open requests about the records", setup: func(o *office, cl *core.Client, d *core.Deal) func(*core.Client, *core.Deal) scope {
			return func(cl *core.Client, d *core.Deal) scope {
				about := func(r core.RequestRef, tp core.RequestType) *core.Request {
					q, err := o.svc.CreateRequest(o.ctx(), o.manager, core.NewRequest{Type: tp, Ref: r, Text: "Проверьте"})
					if err != nil {
						t.Fatal(err)
					}
					return q
				}
				about(core.RequestRef{ClientID: cl.ID}, core.RequestCorrection)
				about(core.RequestRef{DealID: d.ID}, core.RequestQuestion)
				done := about(core.RequestRef{ClientID: cl.ID}, core.RequestQuestion)
				if _, err := o.svc.DoneRequest(o.ctx(), o.officer, done.ID, "Готово"); err != nil {
					t.Fatal(err)
				}
				doc := &core.Document{Number: "ДГ-2026-0001", Kind: core.DocContract, DealID: d.ID, ClientID: cl.ID,
					Status: core.DocDraft}
				o.update(func(tx core.Tx) error { return tx.CreateDocument(doc) })
				about(core.RequestRef{DocumentID: doc.ID}, core.RequestDocument)
				other := o.putClient(&core.Client{Kind: core.KindLegal, INN: alfaINN, KPP: "770801001", ShortName: "АО Альфа"})
				about(core.RequestRef{ClientID: other.ID}, core.RequestQuestion)
				return scope{}
			}
		}, want: []core.QualityFinding{
			{Kind: core.QualityOpenRequest, Entity: core.EntityRequest, ID: 1, Label: "#1", Detail: "correction, new"},
			{Kind: core.QualityOpenRequest, Entity: core.EntityRequest, ID: 2, Label: "#2", Detail: "question, new"},
			{Kind: core.QualityOpenRequest, Entity: core.EntityRequest, ID: 4, Label: "#4", Detail: "document, new"}}},
		{name: "an open request in the file", setup: func(o *office, cl *core.Client, d *core.Deal) func(*core.Client, *core.Deal) scope {
			return func(cl *core.Client, d *core.Deal) scope {
				other := o.putClient(&core.Client{Kind: core.KindLegal, INN: alfaINN, KPP: "770801001", ShortName: "АО Альфа"})
				q, err := o.svc.CreateRequest(o.ctx(), o.manager, core.NewRequest{Type: core.RequestQuestion,
					Ref: core.RequestRef{ClientID: other.ID}, Text: "Вопрос"})
				if err != nil {
					t.Fatal(err)
				}
				return scope{requests: []int64{q.ID}}
			}
		}, want: []core.QualityFinding{{Kind: core.QualityOpenRequest, Entity: core.EntityRequest, ID: 1, Label: "#1",
			Detail: "question, new"}}},
	} {
		for _, bulk := range []int{2000, 0} {
			t.Run(fmt.Sprintf("%s, in one walk above %d", c.name, bulk), func(t *testing.T) {
				defer core.QualityBulkForTest(bulk)()
				o := newReportOffice(t, core.WithRegistries(gateRegistry{}))
				cl, d := cleanClient(o), cleanDeal(o, 0)
				var after func(*core.Client, *core.Deal) scope
				if c.setup != nil {
					after = c.setup(o, cl, d)
				}
				o.putClient(cl)
				d.ClientID = cl.ID
				o.putDeal(d)
				sc := scope{}
				if after != nil {
					sc = after(cl, d)
				}
				got := o.quality(append([]int64{cl.ID}, sc.clients...), append([]int64{d.ID}, sc.deals...), sc.requests)
				var want []core.QualityFinding
				for _, f := range c.want {
					switch {
					case f.Entity == core.EntityClient:
						f.ID, f.Label = cl.ID, cl.Name()
					case f.Entity == core.EntityDeal:
						f.ID, f.Label = d.ID, d.Number
					}
					want = append(want, f)
				}
				if !slices.Equal(got, want) {
					t.Errorf("findings\n%+v\nwant\n%+v", got, want)
				}
			})
		}
	}
}

// The findings come in the order of the kinds, then cards, deals and
// requests by ID; a record gone since the file was made is skipped.
func TestQualityGateOrder(t *testing.T) {
	o := newReportOffice(t, core.WithRegistries(gateRegistry{}))
	a := cleanClient(o)
	a.Verification = core.Verification{}
	o.putClient(a)
	b := o.putClient(&core.Client{Kind: core.KindLegal, INN: yandexINN, KPP: yandexKPP, ShortName: "ООО Яндекс"})
	d1 := cleanDeal(o, a.ID)
	d1.Amount = 0
	o.putDeal(d1)
	d2 := cleanDeal(o, b.ID)
	d2.Amount, d2.ManagerID = 0, 0
	o.putDeal(d2)
	got := o.quality([]int64{b.ID, a.ID, 99}, []int64{d2.ID, d1.ID, 98}, nil)
	var order []string
	for _, f := range got {
		order = append(order, string(f.Kind)+":"+f.Label)
	}
	want := []string{"missing_requisites:ООО Яндекс", "no_amount:" + d1.Number, "no_amount:" + d2.Number,
		"no_manager:" + d2.Number, "never_checked:ПАО Сбербанк", "never_checked:ООО Яндекс"}
	if !slices.Equal(order, want) {
		t.Errorf("order %q\nwant %q", order, want)
	}
	// A stricter age names the card checked yesterday.
	o2 := newReportOffice(t, core.WithReportConfig(core.ReportConfig{StaleAfter: time.Hour}),
		core.WithRegistries(gateRegistry{}))
	c := o2.putClient(cleanClient(o2))
	if got := o2.quality([]int64{c.ID}, nil, nil); len(got) != 1 || got[0].Kind != core.QualityStaleCheck {
		t.Errorf("stale after an hour: %+v", got)
	}
}
