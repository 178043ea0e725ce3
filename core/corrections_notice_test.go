package core_test

import (
	"strings"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// chatOf is the private chat an actor of the office is told in.
func chatOf(a core.Actor) string { return strings.TrimPrefix(a.User.Identities[0], "telegram:") }

// told counts, for each chat, the notices of the correction among ms, by
// key.
func told(ms []*core.OutboxMessage, id int64) map[string]map[string]int {
	out := map[string]map[string]int{}
	for _, m := range ms {
		if argInt(m.Args["ID"]) != id {
			continue
		}
		if out[m.ChatID] == nil {
			out[m.ChatID] = map[string]int{}
		}
		out[m.ChatID][m.Key]++
	}
	return out
}

// TestFixNoticesOncePerPerson: each person hears of a correction once per
// event, whatever else they are in it: a lawyer who filed the request and
// is asked to approve it is not also told it waits; a correction that goes
// stale is told to its author (who may propose it again) and to the
// requester and the manager, who were told it waits, each once, and not to
// the one who made it stale.
func TestFixNoticesOncePerPerson(t *testing.T) {
	for _, tc := range []struct {
		name string
		// run makes the correction and settles it; it returns it and the
		// outbox's length once it was proposed and once it was settled.
		run func(o *office, c *core.Client, d *core.Deal) (corr *core.Correction, proposed, settled int)
		// waiting and outcome are the notices expected, each once, on the
		// proposal and on the outcome: who → key; anyone else hears
		// nothing of it.
		waiting, outcome map[string]string
	}{
		{
			name: "a lawyer's request, approved by a head",
			run: func(o *office, c *core.Client, _ *core.Deal) (*core.Correction, int, int) {
				r := o.fixRequest(o.lawyer, c.ID, "Сменился директор")
				corr := o.mustFix(o.officer, core.EntityClient, c.ID, "директор", "Петров Пётр Петрович", "письмо", r.ID)
				proposed := len(o.messages())
				o.mustApprove(o.head, corr.ID)
				return corr, proposed, len(o.messages())
			},
			waiting: map[string]string{"lawyer": "notify.fix.approval", "head": "notify.fix.approval", "manager": "notify.fix.waiting"},
			outcome: map[string]string{"officer": "notify.fix.applied", "lawyer": "notify.fix.applied", "manager": "notify.fix.applied"},
		},
		{
			name: "stale on approval: its field changed meanwhile",
			run: func(o *office, c *core.Client, _ *core.Deal) (*core.Correction, int, int) {
				r := o.fixRequest(o.underwriter, c.ID, "Сменился директор")
				corr := o.mustFix(o.officer, core.EntityClient, c.ID, "директор", "Петров Пётр Петрович", "письмо", r.ID)
				proposed := len(o.messages())
				o.setClient(c.ID, func(cl *core.Client) { cl.Director = "Сидоров Сидор Сидорович" })
				if got, err := o.svc.ApproveCorrection(o.ctx(), o.head, corr.ID); err != nil || got.Status != core.CorrectionStale {
					t.Fatalf("approved: %+v, %v", got, err)
				}
				return corr, proposed, len(o.messages())
			},
			waiting: map[string]string{"lawyer": "notify.fix.approval", "head": "notify.fix.approval",
				"underwriter": "notify.fix.waiting", "manager": "notify.fix.waiting"},
			outcome: map[string]string{"officer": "notify.fix.stale", "underwriter": "notify.fix.stale_party",
				"manager": "notify.fix.stale_party"},
		},
		{
			name: "stale: the deal closed by its manager, the requester a lawyer",
			run: func(o *office, _ *core.Client, d *core.Deal) (*core.Correction, int, int) {
				r := &core.Request{Type: core.RequestCorrection, Status: core.RequestInWork, RequesterID: o.lawyer.ID(),
					AssigneeID: o.officer.ID(), DealID: d.ID, Text: "Сумма по допсоглашению"}
				o.update(func(tx core.Tx) error { return tx.CreateRequest(r) })
				corr := o.mustFix(o.officer, core.EntityDeal, d.ID, "сумма", "2 000 000", "допсоглашение", r.ID)
				proposed := len(o.messages())
				if _, err := o.svc.MoveDeal(o.ctx(), o.manager, d.ID, core.StageNew, core.StageClosedLost, "клиент ушёл"); err != nil {
					t.Fatal(err)
				}
				return corr, proposed, len(o.messages())
			},
			waiting: map[string]string{"lawyer": "notify.fix.approval", "head": "notify.fix.approval", "manager": "notify.fix.waiting"},
			outcome: map[string]string{"officer": "notify.fix.stale", "lawyer": "notify.fix.stale_party"},
		},
		{
			name: "stale: the manager's own edit, the deal closed by a head",
			run: func(o *office, _ *core.Client, d *core.Deal) (*core.Correction, int, int) {
				e, err := o.plan(o.manager, core.EntityDeal, d.ID, "сумма", "3 000 000")
				if err != nil {
					t.Fatal(err)
				}
				e.Reason = "скидка"
				corr := o.mustPropose(o.manager, e)
				proposed := len(o.messages())
				if _, err := o.svc.MoveDeal(o.ctx(), o.head, d.ID, core.StageNew, core.StageClosedLost, "клиент ушёл"); err != nil {
					t.Fatal(err)
				}
				return corr, proposed, len(o.messages())
			},
			waiting: map[string]string{"lawyer": "notify.fix.approval", "head": "notify.fix.approval"},
			outcome: map[string]string{"manager": "notify.fix.stale"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, c, d := editOffice(t)
			o.setClient(c.ID, func(cl *core.Client) { cl.Director = "Греф Герман Оскарович" })
			people := map[string]core.Actor{"officer": o.officer, "manager": o.manager, "manager2": o.manager2,
				"lawyer": o.lawyer, "underwriter": o.underwriter, "head": o.head, "admin": o.admin}
			start := len(o.messages())
			corr, proposed, settled := tc.run(o, c, d)
			ms := o.messages()
			for stage, want := range map[string]map[string]string{"proposed": tc.waiting, "settled": tc.outcome} {
				from, to := start, proposed
				if stage == "settled" {
					from, to = proposed, settled
				}
				got := told(ms[from:to], corr.ID)
				for name, a := range people {
					keys := got[chatOf(a)]
					n := 0
					for _, k := range keys {
						n += k
					}
					switch key := want[name]; {
					case key == "" && n != 0:
						t.Errorf("%s: %s told %v", stage, name, keys)
					case key != "" && (n != 1 || keys[key] != 1):
						t.Errorf("%s: %s told %v, want %s once", stage, name, keys, key)
					}
				}
			}
		})
	}
}
