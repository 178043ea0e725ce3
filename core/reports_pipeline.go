package core

import (
	"cmp"
	"slices"
	"time"
)

// The pipeline: the open deals by manager and stage (count and sum) as
// they are when the report is made, and what moved in the period: deals
// opened, won (with their sum) and lost. Without a period the changes are
// those of the last seven days.

// pipeRow is one manager's line of the pipeline.
type pipeRow struct {
	count  [numStages]int
	sum    [numStages]Money
	open   int
	openS  Money
	opened int
	won    int
	wonS   Money
	lost   int
}

// numStages is len(Stages).
const numStages = 8

// stageIndexes numbers the stages in their order.
var stageIndexes = func() map[Stage]int {
	m := make(map[Stage]int, len(Stages))
	for i, s := range Stages {
		m[s] = i
	}
	return m
}()

// changeWindow is the period whose changes a snapshot report shows: the
// filter's, or the last seven days.
func (r *reportRun) changeWindow() (from, to time.Time) {
	if r.hasPeriod() {
		return r.f.From, r.f.To
	}
	return r.now.AddDate(0, 0, -7), r.now
}

func (r *reportRun) pipeline(w TableWriter) (*reportBody, error) {
	from, to := r.changeWindow()
	window := ReportFilter{From: from, To: to}
	rows := map[int64]*pipeRow{}
	row := func(id int64) *pipeRow {
		p := rows[id]
		if p == nil {
			p = &pipeRow{}
			rows[id] = p
		}
		return p
	}
	status, err := r.statusOf(ExportDeals)
	if err != nil {
		return nil, err
	}
	err = r.tx.EachDeal(func(d *Deal) error {
		if !r.dealFits(d) || !dealHasStatus(d.Stage, status) {
			return nil
		}
		counted := false
		if !d.Stage.Closed() {
			p, i := row(d.ManagerID), stageIndexes[d.Stage]
			p.count[i]++
			p.sum[i] += d.Amount
			p.open++
			p.openS += d.Amount
			counted = true
		}
		if inPeriod(window, d.CreatedAt) {
			row(d.ManagerID).opened++
			counted = true
		}
		if d.Stage.Closed() && inPeriod(window, d.ClosedAt) {
			p := row(d.ManagerID)
			if d.Stage == StageClosedWon {
				p.won++
				p.wonS += d.Amount
			} else {
				p.lost++
			}
			counted = true
		}
		if counted {
			r.addDeal(d)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	stages := openStages
	if r.f.Stage != "" {
		stages = nil
		if !r.f.Stage.Closed() {
			stages = []Stage{r.f.Stage}
		}
	}
	ids := make([]int64, 0, len(rows))
	for id := range rows {
		ids = append(ids, id)
	}
	r.byName(ids)

	cols := []col{r.c("report.col.manager", ColText, 28)}
	for _, st := range stages {
		args := map[string]any{"Stage": r.t("stage."+string(st), nil)}
		cols = append(cols, col{name: r.t("report.col.stage_count", args), kind: ColInt},
			col{name: r.t("report.col.stage_sum", args), kind: ColMoney, width: 16})
	}
	cols = append(cols, r.c("report.col.open_count", ColInt, 0), r.c("report.col.open_sum", ColMoney, 16),
		r.c("report.col.opened", ColInt, 0), r.c("report.col.won", ColInt, 0),
		r.c("report.col.won_sum", ColMoney, 16), r.c("report.col.lost", ColInt, 0))
	title := r.t("report.pipeline.title", nil)
	window0 := r.t("report.note.window", map[string]any{"Span": r.span(from, to)})
	if err := r.head(w, "report.pipeline.sheet", title, cols, len(ids)+1, r.t("report.note.snapshot", nil),
		window0); err != nil {
		return nil, err
	}
	var total pipeRow
	for _, id := range ids {
		p := rows[id]
		vals := []Value{textV(r.userName(id))}
		for _, st := range stages {
			i := stageIndexes[st]
			vals = append(vals, intV(p.count[i]), moneyV(p.sum[i]))
			total.count[i] += p.count[i]
			total.sum[i] += p.sum[i]
		}
		vals = append(vals, intV(p.open), moneyV(p.openS), intV(p.opened), intV(p.won), moneyV(p.wonS), intV(p.lost))
		total.open, total.openS, total.opened = total.open+p.open, total.openS+p.openS, total.opened+p.opened
		total.won, total.wonS, total.lost = total.won+p.won, total.wonS+p.wonS, total.lost+p.lost
		if err := w.Row(vals); err != nil {
			return nil, err
		}
	}
	vals := []Value{textV(r.t("report.total", nil))}
	for _, st := range stages {
		i := stageIndexes[st]
		vals = append(vals, intV(total.count[i]), moneyV(total.sum[i]))
	}
	vals = append(vals, intV(total.open), moneyV(total.openS), intV(total.opened), intV(total.won),
		moneyV(total.wonS), intV(total.lost))
	if err := w.Row(vals); err != nil {
		return nil, err
	}

	body := &reportBody{Title: title, Rows: len(ids) + 1}
	body.Summary = append(body.Summary, r.t("report.pipeline.sum.open", map[string]any{"Count": total.open,
		"Sum": total.openS}))
	if top := topBy(ids, func(id int64) (Money, int) { return rows[id].openS, rows[id].open }); top >= 0 {
		id := ids[top]
		body.Summary = append(body.Summary, r.t("report.pipeline.sum.top_manager", map[string]any{
			"Name": r.userName(id), "Count": rows[id].open, "Sum": rows[id].openS}))
	}
	bigStage, bigSum := Stage(""), Money(-1)
	for _, st := range stages {
		if i := stageIndexes[st]; total.count[i] > 0 && total.sum[i] > bigSum {
			bigStage, bigSum = st, total.sum[i]
		}
	}
	if bigStage != "" {
		body.Summary = append(body.Summary, r.t("report.pipeline.sum.top_stage", map[string]any{
			"Stage": r.t("stage."+string(bigStage), nil), "Count": total.count[stageIndexes[bigStage]], "Sum": bigSum}))
	}
	body.Summary = append(body.Summary, r.t("report.pipeline.sum.changes", map[string]any{
		"Opened": total.opened, "Won": total.won, "WonSum": total.wonS, "Lost": total.lost,
		"Span": r.span(from, to)}))
	if total.open > 0 && len(stages) > 0 {
		body.Chart = r.pipelineChart(ids, rows, stages, total)
	}
	return body, nil
}

// topBy returns the index of the item with the largest money, then
// count (the first of equals), or -1 when every one is zero.
func topBy(ids []int64, of func(int64) (Money, int)) int {
	best, bm, bc := -1, Money(0), 0
	for i, id := range ids {
		m, c := of(id)
		if c == 0 && m == 0 {
			continue
		}
		if best < 0 || m > bm || (m == bm && c > bc) {
			best, bm, bc = i, m, c
		}
	}
	return best
}

// maxChartSeries is how many managers a chart draws as their own bars;
// the rest are summed as «прочие».
const maxChartSeries = 6

// pipelineChart draws the open deals' sums by stage, a set of bars per
// manager (the largest ones, the others together); when no deal has an
// amount, their count by stage.
func (r *reportRun) pipelineChart(ids []int64, rows map[int64]*pipeRow, stages []Stage, total pipeRow) *Chart {
	c := &Chart{Kind: ChartBar, Title: r.t("report.pipeline.chart", nil), Money: total.openS > 0}
	for _, st := range stages {
		c.Categories = append(c.Categories, r.t("stage."+string(st), nil))
	}
	if !c.Money {
		c.YLabel = r.t("report.chart.deals", nil)
		s := ChartSeries{Name: r.t("report.total", nil)}
		for _, st := range stages {
			s.Values = append(s.Values, float64(total.count[stageIndexes[st]]))
		}
		c.Series = []ChartSeries{s}
		return c
	}
	c.YLabel = r.t("report.chart.sum", nil)
	open := slices.DeleteFunc(slices.Clone(ids), func(id int64) bool { return rows[id].open == 0 })
	slices.SortStableFunc(open, func(a, b int64) int { return cmp.Compare(rows[b].openS, rows[a].openS) })
	series := func(name string, ps ...*pipeRow) ChartSeries {
		s := ChartSeries{Name: name, Values: make([]float64, len(stages))}
		for _, p := range ps {
			for j, st := range stages {
				s.Values[j] += rubles(p.sum[stageIndexes[st]])
			}
		}
		return s
	}
	for i, id := range open {
		if i == maxChartSeries-1 && len(open) > maxChartSeries {
			var rest []*pipeRow
			for _, id := range open[i:] {
				rest = append(rest, rows[id])
			}
			c.Series = append(c.Series, series(r.t("report.chart.others", nil), rest...))
			break
		}
		c.Series = append(c.Series, series(r.userName(id), rows[id]))
	}
	return c
}
