package core

import (
	"cmp"
	"slices"
	"strconv"
	"time"
)

// The overdue report: the open tasks past their due time (requests' tasks
// among them, the queue's as «не назначен») by assignee — how many, the
// oldest due time, the longest delay — and, with a period, the tasks due
// in it that were done late. An XLSX file also lists the tasks on a second
// sheet. The chart is the trend: how many tasks were overdue at the end of
// each week of the period (or of the last eight weeks), read from each
// task's history.

// overdueItem is one task the overdue report lists.
type overdueItem struct {
	t    *Task
	late time.Duration // how long past due: until now, or until it was done
}

// overdueRow is one person's line.
type overdueRow struct {
	open, doneLate int
	oldest         time.Time // the earliest due time of an open one
	longest        time.Duration
}

func (r *reportRun) overdue(w TableWriter) (*reportBody, error) {
	points := r.weekPoints()
	var items []overdueItem
	var trend []int
	if len(points) > 0 {
		trend = make([]int, len(points))
	}
	status, err := r.statusOf(ExportTasks)
	if err != nil {
		return nil, err
	}
	deals := map[int64]*Deal{}
	err = r.tx.EachTask(func(t *Task) error {
		if t.Status == TaskCancelled && !r.taskInTrend(t, points) {
			return nil
		}
		if !r.person(t.AssigneeID) {
			return nil
		}
		if ok, err := r.linkedDeal(deals, t.ClientID, t.DealID); err != nil || !ok {
			return err
		}
		if r.taskInTrend(t, points) {
			if err := r.countOverdue(t, points, trend); err != nil {
				return err
			}
		}
		if t.Due.IsZero() || !taskStatus(t, status, r.now) || (r.hasPeriod() && !r.inPeriod(t.Due)) {
			return nil
		}
		switch {
		case t.Status == TaskOpen && t.Due.Before(r.now):
			items = append(items, overdueItem{t: t, late: r.now.Sub(t.Due)})
		case t.Status == TaskDone && r.hasPeriod() && t.DoneAt.After(t.Due):
			items = append(items, overdueItem{t: t, late: t.DoneAt.Sub(t.Due)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	rows := map[int64]*overdueRow{}
	for _, it := range items {
		p := rows[it.t.AssigneeID]
		if p == nil {
			p = &overdueRow{}
			rows[it.t.AssigneeID] = p
		}
		if it.t.Status == TaskOpen {
			p.open++
			if p.oldest.IsZero() || it.t.Due.Before(p.oldest) {
				p.oldest = it.t.Due
			}
		} else {
			p.doneLate++
		}
		p.longest = max(p.longest, it.late)
		if err := r.addTask(deals, it.t); err != nil {
			return nil, err
		}
	}
	ids := make([]int64, 0, len(rows))
	for id := range rows {
		ids = append(ids, id)
	}
	r.byName(ids)

	title := r.t("report.overdue.title", nil)
	cols := []col{r.c("report.col.person", ColText, 28), r.c("report.col.overdue_open", ColInt, 0),
		r.c("report.col.done_late", ColInt, 0), r.c("report.col.oldest_due", ColDateTime, 0),
		r.c("report.col.max_days", ColNumber, 0)}
	if err := r.head(w, "report.overdue.sheet", title, cols, len(ids)+1, r.t("report.note.overdue_now", map[string]any{
		"At": r.dateTimeText(r.now)})); err != nil {
		return nil, err
	}
	var total overdueRow
	for _, id := range ids {
		p := rows[id]
		if err := w.Row([]Value{textV(r.userName(id)), intV(p.open), intV(p.doneLate), timeV(p.oldest),
			numV(round2(days(p.longest)))}); err != nil {
			return nil, err
		}
		total.open, total.doneLate = total.open+p.open, total.doneLate+p.doneLate
		if !p.oldest.IsZero() && (total.oldest.IsZero() || p.oldest.Before(total.oldest)) {
			total.oldest = p.oldest
		}
		total.longest = max(total.longest, p.longest)
	}
	if err := w.Row([]Value{textV(r.t("report.total", nil)), intV(total.open), intV(total.doneLate),
		timeV(total.oldest), numV(round2(days(total.longest)))}); err != nil {
		return nil, err
	}
	if r.format != FormatCSV {
		rank := make(map[int64]int, len(ids))
		for i, id := range ids {
			rank[id] = i
		}
		if err := r.overdueList(w, title, items, deals, rank); err != nil {
			return nil, err
		}
	}

	body := &reportBody{Title: title, Rows: len(ids) + 1}
	if total.open == 0 {
		body.Summary = append(body.Summary, r.t("report.overdue.sum.none", nil))
	} else {
		people := 0
		for _, id := range ids {
			if rows[id].open > 0 {
				people++
			}
		}
		body.Summary = append(body.Summary, r.t("report.overdue.sum.total", map[string]any{"Count": total.open,
			"People": people}))
		top := ids[topBy(ids, func(id int64) (Money, int) { return 0, rows[id].open })]
		body.Summary = append(body.Summary, r.t("report.overdue.sum.top", map[string]any{"Name": r.userName(top),
			"Count": rows[top].open, "Oldest": r.dateText(rows[top].oldest)}))
	}
	if len(items) > 0 {
		worst := slices.MaxFunc(items, func(a, b overdueItem) int { return cmp.Compare(a.late, b.late) })
		body.Summary = append(body.Summary, r.t("report.overdue.sum.longest", map[string]any{
			"Days": int64(worst.late / (24 * time.Hour)), "Task": worst.t.Title, "Name": r.userName(worst.t.AssigneeID)}))
	}
	if r.hasPeriod() {
		body.Summary = append(body.Summary, r.t("report.overdue.sum.done_late", map[string]any{"Count": total.doneLate}))
	}
	if len(points) > 1 {
		body.Summary = append(body.Summary, r.t("report.overdue.sum.trend", map[string]any{"Weeks": len(points),
			"First": trend[0], "Last": trend[len(trend)-1], "From": r.dateText(points[0].start)}))
		body.Chart = r.trendChart(points, trend)
	}
	return body, nil
}

// overdueList writes the tasks of the overdue report on a sheet of their
// own: by person, the longest delay first.
func (r *reportRun) overdueList(w TableWriter, title string, items []overdueItem, deals map[int64]*Deal,
	rank map[int64]int) error {
	slices.SortFunc(items, func(a, b overdueItem) int {
		return cmp.Or(cmp.Compare(rank[a.t.AssigneeID], rank[b.t.AssigneeID]), cmp.Compare(b.late, a.late),
			cmp.Compare(a.t.ID, b.t.ID))
	})
	cols := []col{r.c("report.col.person", ColText, 28), r.c("report.col.task", ColText, 40),
		r.c("report.col.deal", ColText, 14), r.c("report.col.client", ColText, 30),
		r.c("report.col.request", ColText, 12), r.c("report.col.due", ColDateTime, 0),
		r.c("report.col.done_at", ColDateTime, 0), r.c("report.col.late_days", ColNumber, 0)}
	if err := r.head(w, "report.overdue.list_sheet", title, cols, len(items)); err != nil {
		return err
	}
	clients := map[int64]string{}
	for _, it := range items {
		t := it.t
		number, clientID := "", t.ClientID
		if d := deals[t.DealID]; d != nil {
			number = d.Number
			if clientID == 0 {
				clientID = d.ClientID
			}
		}
		req := blankV()
		if t.RequestID != 0 {
			req = textV("#" + strconv.FormatInt(t.RequestID, 10))
		}
		done := blankV()
		if t.Status == TaskDone {
			done = timeV(t.DoneAt)
		}
		if err := w.Row([]Value{textV(r.userName(t.AssigneeID)), textV(t.Title), textV(number),
			textV(r.clientName(clients, clientID)), req, timeV(t.Due), done,
			numV(round2(days(it.late)))}); err != nil {
			return err
		}
	}
	return nil
}

// deal reads a deal once per report; nil when it is gone.
func (r *reportRun) deal(deals map[int64]*Deal, id int64) (*Deal, error) {
	if id == 0 {
		return nil, nil
	}
	if d, ok := deals[id]; ok {
		return d, nil
	}
	d, err := r.tx.DealByID(id)
	if IsNotFound(err) {
		d, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	deals[id] = d
	return d, nil
}

// addTask puts a task's deal, client and request in the scope.
func (r *reportRun) addTask(deals map[int64]*Deal, t *Task) error {
	if t.ClientID != 0 {
		r.scope.Clients[t.ClientID] = true
	}
	if t.RequestID != 0 {
		r.scope.Requests[t.RequestID] = true
	}
	if t.DealID != 0 {
		d, err := r.deal(deals, t.DealID)
		if err != nil {
			return err
		}
		if d != nil {
			r.addDeal(d)
		}
	}
	return nil
}

// trendPoint is a moment of a trend: the end of a week (now, for the week
// under way), labelled by the week's Monday.
type trendPoint struct {
	label string
	start time.Time // the week's Monday
	at    time.Time
}

// maxTrendWeeks bounds the weeks a trend draws; a longer period shows its
// last ones.
const maxTrendWeeks = 106

// trendWeeks is how many weeks a trend draws without a period.
const trendWeeks = 8

// weekStart is the Monday 00:00 of a time's week in loc.
func weekStart(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// weekPoints are the ends of the weeks of the period, or of the last
// eight weeks, the one under way ending at the report's end.
func (r *reportRun) weekPoints() []trendPoint {
	end := r.end()
	last := weekStart(end.Add(-time.Nanosecond), r.loc)
	first := last.AddDate(0, 0, -7*(trendWeeks-1))
	if !r.f.From.IsZero() {
		first = weekStart(r.f.From, r.loc)
	}
	if limit := last.AddDate(0, 0, -7*(maxTrendWeeks-1)); first.Before(limit) {
		first = limit
	}
	// The weeks' labels: 05.10 (Oct 5 in English), with the year when the
	// weeks are of two years or more.
	layout := "02.01"
	if r.english() {
		layout = "Jan 2"
	}
	if first.Year() != weekStart(end.Add(-time.Nanosecond), r.loc).Year() {
		layout = "02.01.06"
		if r.english() {
			layout = "Jan 2 '06"
		}
	}
	var out []trendPoint
	for ws := first; ws.Before(end); ws = ws.AddDate(0, 0, 7) {
		at := ws.AddDate(0, 0, 7)
		if at.After(end) {
			at = end
		}
		out = append(out, trendPoint{label: ws.Format(layout), start: ws, at: at})
	}
	return out
}

// closedAt is when a closed task was closed (done or cancelled); zero for
// an open one.
func closedAt(t *Task) time.Time {
	switch {
	case t.Status == TaskOpen:
		return time.Time{}
	case !t.DoneAt.IsZero():
		return t.DoneAt
	}
	return t.UpdatedAt
}

// taskInTrend reports whether a task may have been overdue at some point
// of the trend: it existed before the last and was not closed before the
// first.
func (r *reportRun) taskInTrend(t *Task, points []trendPoint) bool {
	if len(points) == 0 || !t.CreatedAt.Before(points[len(points)-1].at) {
		return false
	}
	c := closedAt(t)
	return c.IsZero() || !c.Before(points[0].at)
}

// countOverdue adds a task to the points at which it was overdue: it
// existed, was open (not yet done or cancelled) and its due time then —
// read back from its history, since a due time moves and a request's task
// has none while it waits for an answer — had passed.
func (r *reportRun) countOverdue(t *Task, points []trendPoint, trend []int) error {
	var cs []*Change
	if t.UpdatedAt.After(t.CreatedAt) && !t.UpdatedAt.Before(points[0].at) {
		var err error
		if cs, err = r.tx.Changes(EntityTask, t.ID); err != nil {
			return err
		}
	}
	closed := closedAt(t)
	for i, p := range points {
		if !t.CreatedAt.Before(p.at) || (!closed.IsZero() && closed.Before(p.at)) {
			continue
		}
		if due := dueAt(t, cs, p.at); !due.IsZero() && due.Before(p.at) {
			trend[i]++
		}
	}
	return nil
}

// dueAt is a task's due time at a moment: the old value of its first due
// change at or after it, else the one it has now. Changes are oldest
// first.
func dueAt(t *Task, cs []*Change, at time.Time) time.Time {
	for _, c := range cs {
		if c.Field != "due" || c.At.Before(at) {
			continue
		}
		return auditTime(c.Old)
	}
	return t.Due
}

// trendChart draws the overdue tasks at the end of each week.
func (r *reportRun) trendChart(points []trendPoint, trend []int) *Chart {
	c := &Chart{Kind: ChartLine, Title: r.t("report.overdue.chart", nil), YLabel: r.t("report.chart.tasks", nil)}
	s := ChartSeries{Name: r.t("report.overdue.series", nil)}
	for i, p := range points {
		c.Categories = append(c.Categories, p.label)
		s.Values = append(s.Values, float64(trend[i]))
	}
	c.Series = []ChartSeries{s}
	return c
}
