package core

import (
	"cmp"
	"slices"
	"strings"
)

// Counterparties with registry risk flags: the cards (not merged) whose
// last registry check found risk signals or a state other than active
// (liquidating, liquidated, bankrupt, reorganizing), with their open deals'
// count and sum. Liquidated and bankrupt ones come first, then by the sum
// at stake. The period, when given, is that of the registry check that
// found them. A manager sees the cards they manage and those their open
// deals are with.

// riskyStatus reports whether a registry state is a risk in itself.
func riskyStatus(s CompanyStatus) bool {
	return s == StatusLiquidating || s == StatusLiquidated || s == StatusBankrupt || s == StatusReorganizing
}

type riskRow struct {
	c     *Client
	deals int
	sum   Money
}

func (r *reportRun) risks(w TableWriter) (*reportBody, error) {
	status, err := r.statusOf(ExportClients)
	if err != nil {
		return nil, err
	}
	type stake struct {
		n   int
		sum Money
		ids []int64
	}
	open := map[int64]*stake{}
	err = r.tx.EachDeal(func(d *Deal) error {
		if d.Stage.Closed() || !r.dealFits(d) {
			return nil
		}
		s := open[d.ClientID]
		if s == nil {
			s = &stake{}
			open[d.ClientID] = s
		}
		s.n++
		s.sum += d.Amount
		s.ids = append(s.ids, d.ID)
		return nil
	})
	if err != nil {
		return nil, err
	}
	var rows []riskRow
	err = r.tx.EachClient(func(c *Client) error {
		v := c.Verification
		if c.MergedInto != 0 || (len(v.Risks) == 0 && !riskyStatus(v.Company)) || !clientStatus(c, status) ||
			(r.f.ClientID != 0 && c.ID != r.f.ClientID) || (r.hasPeriod() && (v.At.IsZero() || !r.inPeriod(v.At))) {
			return nil
		}
		s := open[c.ID]
		if !r.person(c.ManagerID) && s == nil {
			return nil
		}
		row := riskRow{c: c}
		if s != nil {
			row.deals, row.sum = s.n, s.sum
			for _, id := range s.ids {
				r.scope.Deals[id] = true
			}
		}
		rows = append(rows, row)
		r.scope.Clients[c.ID] = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(rows, func(a, b riskRow) int {
		ab, bb := a.c.Verification.Company.BlocksDeals(), b.c.Verification.Company.BlocksDeals()
		if ab != bb {
			if ab {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(b.sum, a.sum), cmp.Compare(a.c.Name(), b.c.Name()), cmp.Compare(a.c.ID, b.c.ID))
	})

	title := r.t("report.risks.title", nil)
	cols := []col{r.c("report.col.client", ColText, 34), r.c("report.col.inn", ColText, 14),
		r.c("report.col.company_status", ColText, 22), r.c("report.col.risks", ColText, 50),
		r.c("report.col.checked_at", ColDate, 0), r.c("report.col.manager", ColText, 24),
		r.c("report.col.open_count", ColInt, 0), r.c("report.col.open_sum", ColMoney, 16)}
	if err := r.head(w, "report.risks.sheet", title, cols, len(rows)+1); err != nil {
		return nil, err
	}
	var deals, blocked, blockedDeals int
	var sum Money
	flags := map[Risk]int{}
	for _, x := range rows {
		v := x.c.Verification
		var names []string
		for _, f := range v.Risks {
			names = append(names, r.t("risk."+string(f.Code), nil))
			flags[f.Code]++
		}
		state := ""
		if v.Company != "" {
			state = r.t("company."+string(v.Company), nil)
		}
		if err := w.Row([]Value{textV(x.c.Name()), textV(x.c.INN), textV(state), textV(strings.Join(names, "; ")),
			timeV(v.At), textV(r.userName(x.c.ManagerID)), intV(x.deals), moneyV(x.sum)}); err != nil {
			return nil, err
		}
		deals, sum = deals+x.deals, sum+x.sum
		if v.Company.BlocksDeals() {
			blocked++
			blockedDeals += x.deals
		}
	}
	if err := w.Row([]Value{textV(r.t("report.total", nil)), blankV(), blankV(), blankV(), blankV(), blankV(),
		intV(deals), moneyV(sum)}); err != nil {
		return nil, err
	}

	body := &reportBody{Title: title, Rows: len(rows) + 1}
	body.Summary = append(body.Summary, r.t("report.risks.sum.total", map[string]any{"Count": len(rows),
		"Deals": deals, "Sum": sum}))
	if blocked > 0 {
		body.Summary = append(body.Summary, r.t("report.risks.sum.blocked", map[string]any{"Count": blocked,
			"Deals": blockedDeals}))
	}
	var top Risk
	for _, k := range Risks {
		if flags[k] > 0 && (top == "" || flags[k] > flags[top]) {
			top = k
		}
	}
	if top != "" {
		body.Summary = append(body.Summary, r.t("report.risks.sum.top_flag", map[string]any{
			"Risk": r.t("risk."+string(top), nil), "Count": flags[top]}))
	}
	if i := slices.IndexFunc(rows, func(x riskRow) bool { return x.sum > 0 }); i >= 0 {
		most := rows[i]
		for _, x := range rows {
			if x.sum > most.sum {
				most = x
			}
		}
		body.Summary = append(body.Summary, r.t("report.risks.sum.most", map[string]any{"Name": most.c.Name(),
			"Sum": most.sum, "Deals": most.deals}))
	}
	return body, nil
}
