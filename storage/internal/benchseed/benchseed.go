// Package benchseed builds the fixtures that bbolt's (storage/bolt) and
// PostgreSQL's (storage/postgres) benchmarks share, so that the two
// stores' figures are of the same data: a million pending reminders for the
// reminder tick, and 100,000 deals with as many changes for the reports'
// walks. Only benchmarks and tests use it.
package benchseed

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// The reminders' fixture: RemindersPending pending reminders whose due
// times are RemindersStep apart from RemindersStart, created in an order
// that scatters them.
const (
	RemindersPending = 1_000_000
	// RemindersStep is the time between one reminder's DueAt and the
	// next's: a million reminders spread over about a year.
	RemindersStep = 30 * time.Second
	// RemindersStride permutes the reminders' order: the i-th created is
	// due (i*RemindersStride mod n) steps after RemindersStart, so the due
	// ones are scattered through the store as they would be after a year
	// of use, not created one after the other.
	RemindersStride = 999_983 // prime, so coprime with RemindersPending
)

// RemindersStart is the earliest DueAt of the reminders' fixture.
var RemindersStart = time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)

// RemindersDueBy returns the time at which exactly n of the fixture's
// reminders are due (at or before it); n = 0 is a second before the first.
func RemindersDueBy(n int) time.Time {
	if n == 0 {
		return RemindersStart.Add(-time.Second)
	}
	return RemindersStart.Add(time.Duration(n-1) * RemindersStep)
}

// Reminder is the i-th reminder of a fixture of n, as the port creates it:
// no ID and no times (the store sets them). A quarter each are payment,
// signing, renewal and task-due reminders; keys are unique.
func Reminder(i, n int) *core.Reminder {
	slot := int(int64(i) * RemindersStride % int64(n))
	due := RemindersStart.Add(time.Duration(slot) * RemindersStep)
	deal := int64(1 + i/4)
	r := &core.Reminder{Kind: core.ReminderPayment, UserID: int64(1 + i%200), DealID: deal, ClientID: deal%5000 + 1,
		DueAt: due, Target: due.AddDate(0, 0, 7), Lead: 7, Amount: core.Money(1_000_00 * (1 + i%1000)),
		CreatedBy: 1, Status: core.ReminderPending}
	switch i % 4 {
	case 1:
		r.Kind, r.Amount, r.Lead = core.ReminderSigning, 0, 1
	case 2:
		r.Kind, r.Amount, r.Lead = core.ReminderRenewal, 0, 30
	case 3:
		r.Kind, r.TaskID, r.Lead, r.Target = core.ReminderTaskDue, int64(i), 0, due.Add(2*time.Hour)
	}
	r.Key = "deal:" + strconv.FormatInt(deal, 10) + ":" + string(r.Kind) + ":" + r.Target.Format("2006-01-02") +
		":" + strconv.Itoa(r.Lead) + ":" + strconv.Itoa(i)
	return r
}

// ReportDeals is the number of deals, and of changes, of the reports'
// fixture.
const ReportDeals = 100_000

// ReportStart is when the reports' fixture's history starts; its changes
// are ReportStep apart, so 100,000 of them span about 100 days.
var (
	ReportStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ReportStep  = 86400 * time.Second / 1000
)

// ReportDeal is the i-th deal of the reports' fixture: every field an
// export writes, two payments.
func ReportDeal(i int) *core.Deal {
	created := ReportStart.Add(time.Duration(i) * ReportStep)
	return &core.Deal{Number: core.DealNumber(2026, uint64(i+1)), ClientID: int64(i%1000 + 1),
		ManagerID: int64(i%20 + 1), Title: fmt.Sprintf("Поставка оборудования по договору №%d", i),
		Amount: core.Money(125_000_00 + i), Stage: core.Stages[i%len(core.Stages)],
		SigningDue: created.AddDate(0, 0, 10), PaymentDue: created.AddDate(0, 0, 20),
		ContractEnd: created.AddDate(1, 0, 0), CreatedBy: 1,
		Payments: []core.Payment{{Due: created.AddDate(0, 0, 20), Amount: 50_000_00},
			{Due: created.AddDate(0, 0, 50), Amount: core.Money(75_000_00 + i)}}}
}

// FillReports writes the reports' fixture through the store's port:
// ReportDeals deals and as many changes, the i-th change (of the i-th deal)
// at ReportStart + i·ReportStep, in transactions of batch deals.
func FillReports(ctx context.Context, s core.Store, batch int) error {
	for start := 0; start < ReportDeals; start += batch {
		err := s.Update(ctx, func(tx core.Tx) error {
			for i := start; i < min(start+batch, ReportDeals); i++ {
				d := ReportDeal(i)
				if err := tx.CreateDeal(d); err != nil {
					return err
				}
				err := tx.AddChanges(&core.Change{ActorID: int64(i%20 + 1), Entity: core.EntityDeal, EntityID: d.ID,
					Field: "stage", New: string(d.Stage), At: ReportStart.Add(time.Duration(i) * ReportStep),
					Source: "telegram:chat/-100123/msg/42"})
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}
