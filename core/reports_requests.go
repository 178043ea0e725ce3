package core

import (
	"time"

	"github.com/dealdesk/dealdesk/core/requisite"
)

// Intake quality per manager, and requests by type and SLA.

// intakeRow is one manager's intakes.
type intakeRow struct {
	count, done, returned, open, errors, duplicates int
}

// intakeErrors reports whether an intake's requisites had errors: the
// checks of the last verification (or of what was given, before one)
// found a problem that is not a mere warning.
func intakeErrors(in *Intake) bool {
	ps := checkGiven(in.Given)
	if in.Report != nil {
		ps = in.Report.Problems
	}
	for _, p := range ps {
		if !(requisite.Problem{Field: p.Field, Code: p.Code}).Warning() {
			return true
		}
	}
	return false
}

func (r *reportRun) intake(w TableWriter) (*reportBody, error) {
	status, err := r.statusOf(ExportRequests)
	if err != nil {
		return nil, err
	}
	qs, err := r.tx.Requests(RequestFilter{Type: RequestIntake})
	if err != nil {
		return nil, err
	}
	rows := map[int64]*intakeRow{}
	for _, q := range qs {
		if !r.inPeriod(q.CreatedAt) || !requestStatus(q, status, r.now) {
			continue
		}
		in, err := r.tx.IntakeByID(q.IntakeID)
		if IsNotFound(err) {
			continue
		} else if err != nil {
			return nil, err
		}
		clientID := q.ClientID
		if clientID == 0 {
			clientID = in.ClientID
		}
		if !r.person(in.ManagerID) || !r.linked(clientID, nil) {
			continue
		}
		p := rows[in.ManagerID]
		if p == nil {
			p = &intakeRow{}
			rows[in.ManagerID] = p
		}
		p.count++
		switch in.Status {
		case IntakeDone:
			p.done++
		case IntakeReturned:
			p.returned++
		default:
			p.open++
		}
		bad := intakeErrors(in)
		if bad || in.Status == IntakeReturned {
			p.errors++
		}
		if in.Report != nil && len(in.Report.Duplicates) > 0 {
			p.duplicates++
		}
		r.scope.Requests[q.ID] = true
		if clientID != 0 {
			r.scope.Clients[clientID] = true
		}
	}
	ids := make([]int64, 0, len(rows))
	for id := range rows {
		ids = append(ids, id)
	}
	r.byName(ids)

	title := r.t("report.intake.title", nil)
	cols := []col{r.c("report.col.manager", ColText, 28), r.c("report.col.intakes", ColInt, 0),
		r.c("report.col.intake_done", ColInt, 0), r.c("report.col.intake_returned", ColInt, 0),
		r.c("report.col.intake_open", ColInt, 0), r.c("report.col.intake_errors", ColInt, 0),
		r.c("report.col.intake_duplicates", ColInt, 0), r.c("report.col.error_share", ColNumber, 0)}
	if err := r.head(w, "report.intake.sheet", title, cols, len(ids)+1, r.t("report.note.intake_errors", nil)); err != nil {
		return nil, err
	}
	var total intakeRow
	line := func(name string, p *intakeRow) []Value {
		return []Value{textV(name), intV(p.count), intV(p.done), intV(p.returned), intV(p.open), intV(p.errors),
			intV(p.duplicates), numV(share(p.errors, p.count))}
	}
	for _, id := range ids {
		p := rows[id]
		if err := w.Row(line(r.userName(id), p)); err != nil {
			return nil, err
		}
		total.count, total.done, total.returned = total.count+p.count, total.done+p.done, total.returned+p.returned
		total.open, total.errors, total.duplicates = total.open+p.open, total.errors+p.errors, total.duplicates+p.duplicates
	}
	if err := w.Row(line(r.t("report.total", nil), &total)); err != nil {
		return nil, err
	}

	body := &reportBody{Title: title, Rows: len(ids) + 1}
	body.Summary = append(body.Summary, r.t("report.intake.sum.total", map[string]any{"Count": total.count,
		"Done": total.done, "Returned": total.returned, "Open": total.open}))
	if total.count > 0 {
		body.Summary = append(body.Summary, r.t("report.intake.sum.errors", map[string]any{"Errors": total.errors,
			"Duplicates": total.duplicates, "Percent": percent(total.errors, total.count)}))
	}
	if i := topBy(ids, func(id int64) (Money, int) { return 0, rows[id].errors }); i >= 0 {
		p := rows[ids[i]]
		body.Summary = append(body.Summary, r.t("report.intake.sum.top", map[string]any{"Name": r.userName(ids[i]),
			"Errors": p.errors, "Count": p.count}))
	}
	if i := topBy(ids, func(id int64) (Money, int) { return 0, rows[id].duplicates }); i >= 0 {
		body.Summary = append(body.Summary, r.t("report.intake.sum.duplicates", map[string]any{
			"Name": r.userName(ids[i]), "Count": rows[ids[i]].duplicates}))
	}
	return body, nil
}

// share is part of whole in percent with two decimals; 0 of nothing.
func share(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return round2(float64(part) * 100 / float64(whole))
}

// requestRow is one type's requests.
type requestRow struct {
	count, done, rejected, open, overdue int
	work                                 time.Duration // working time to done, summed over the done ones
}

func (r *reportRun) requests(w TableWriter) (*reportBody, error) {
	status, err := r.statusOf(ExportRequests)
	if err != nil {
		return nil, err
	}
	qs, err := r.tx.Requests(RequestFilter{RequesterID: r.f.ManagerID})
	if err != nil {
		return nil, err
	}
	ws, err := r.tx.WorkSettings()
	if err != nil {
		return nil, err
	}
	sla := ws.WithDefaults().SLA
	st, err := reminderSettings(r.tx)
	if err != nil {
		return nil, err
	}
	cal, loc := r.s.calendar(), requestLoc()
	rows := map[RequestType]*requestRow{}
	deals := map[int64]*Deal{}
	for _, q := range qs {
		if !r.inPeriod(q.CreatedAt) || !r.person(q.RequesterID) || !requestStatus(q, status, r.now) {
			continue
		}
		dealID, err := r.requestDeal(q)
		if err != nil {
			return nil, err
		}
		if ok, err := r.linkedDeal(deals, q.ClientID, dealID); err != nil {
			return nil, err
		} else if !ok {
			continue
		}
		p := rows[q.Type]
		if p == nil {
			p = &requestRow{}
			rows[q.Type] = p
		}
		p.count++
		switch q.Status {
		case RequestDone:
			p.done++
			p.work += requestWorkTime(q, cal, st, loc)
		case RequestRejected:
			p.rejected++
		default:
			p.open++
		}
		late, err := r.requestLate(q)
		if err != nil {
			return nil, err
		}
		if late {
			p.overdue++
		}
		r.scope.Requests[q.ID] = true
		if q.ClientID != 0 {
			r.scope.Clients[q.ClientID] = true
		}
		if dealID != 0 {
			r.scope.Deals[dealID] = true
		}
	}
	var types []RequestType
	for _, t := range RequestTypes {
		if rows[t] != nil {
			types = append(types, t)
		}
	}

	title := r.t("report.requests.title", nil)
	cols := []col{r.c("report.col.request_type", ColText, 22), r.c("report.col.requests", ColInt, 0),
		r.c("report.col.request_done", ColInt, 0), r.c("report.col.request_rejected", ColInt, 0),
		r.c("report.col.request_open", ColInt, 0), r.c("report.col.request_overdue", ColInt, 0),
		r.c("report.col.overdue_share", ColNumber, 0), r.c("report.col.avg_hours", ColNumber, 0),
		r.c("report.col.sla_hours", ColNumber, 0)}
	if err := r.head(w, "report.requests.sheet", title, cols, len(types)+1, r.t("report.note.sla", nil)); err != nil {
		return nil, err
	}
	var total requestRow
	line := func(name string, p *requestRow, slaV Value) []Value {
		avg := blankV()
		if p.done > 0 {
			avg = numV(round2(p.work.Hours() / float64(p.done)))
		}
		return []Value{textV(name), intV(p.count), intV(p.done), intV(p.rejected), intV(p.open), intV(p.overdue),
			numV(share(p.overdue, p.count)), avg, slaV}
	}
	for _, t := range types {
		p := rows[t]
		if err := w.Row(line(r.t("request.type."+string(t), nil), p, numV(round2(sla[t].Hours())))); err != nil {
			return nil, err
		}
		total.count, total.done, total.rejected = total.count+p.count, total.done+p.done, total.rejected+p.rejected
		total.open, total.overdue, total.work = total.open+p.open, total.overdue+p.overdue, total.work+p.work
	}
	if err := w.Row(line(r.t("report.total", nil), &total, blankV())); err != nil {
		return nil, err
	}

	body := &reportBody{Title: title, Rows: len(types) + 1}
	body.Summary = append(body.Summary, r.t("report.requests.sum.total", map[string]any{"Count": total.count,
		"Done": total.done, "Rejected": total.rejected, "Open": total.open}))
	if total.count > 0 {
		body.Summary = append(body.Summary, r.t("report.requests.sum.overdue", map[string]any{"Count": total.overdue,
			"Total": total.count, "Percent": percent(total.overdue, total.count)}))
	}
	if total.done > 0 {
		body.Summary = append(body.Summary, r.t("report.requests.sum.avg", map[string]any{
			"Hours": r.workText(total.work / time.Duration(total.done))}))
	}
	var worst RequestType
	for _, t := range types {
		if rows[t].overdue > 0 && (worst == "" || rows[t].overdue > rows[worst].overdue) {
			worst = t
		}
	}
	if worst != "" {
		body.Summary = append(body.Summary, r.t("report.requests.sum.worst", map[string]any{
			"Type": r.t("request.type."+string(worst), nil), "Count": rows[worst].overdue, "Total": rows[worst].count}))
	}
	return body, nil
}

// requestDeal is the deal a request is about: its own, or its document's.
func (r *reportRun) requestDeal(q *Request) (int64, error) {
	if q.DealID != 0 || q.DocumentID == 0 {
		return q.DealID, nil
	}
	d, err := r.tx.DocumentByID(q.DocumentID)
	if IsNotFound(err) {
		return 0, nil
	} else if err != nil {
		return 0, err
	}
	return d.DealID, nil
}

// requestWorkTime is the working time a done request took: from filing to
// done, without the time it waited for the requester's answer (its SLA
// clock stops then).
func requestWorkTime(q *Request, cal WorkCalendar, st ReminderSettings, loc *time.Location) time.Duration {
	if q.ClosedAt.IsZero() {
		return 0
	}
	d := WorkingTimeBetween(cal, st, loc, q.CreatedAt, q.ClosedAt)
	var since time.Time
	for _, m := range q.Messages {
		switch {
		case m.Kind == RequestMsgQuestion && since.IsZero():
			since = m.At
		case m.Kind == RequestMsgAnswer && !since.IsZero():
			d -= WorkingTimeBetween(cal, st, loc, since, m.At)
			since = time.Time{}
		}
	}
	if !since.IsZero() && q.ClosedAt.After(since) {
		d -= WorkingTimeBetween(cal, st, loc, since, q.ClosedAt)
	}
	return max(d, 0)
}

// requestLate reports whether a request missed its deadline: at some time
// while it was open its task's due time (the SLA deadline, moved or
// resumed as it was) had passed. Without a task, its own due time now.
func (r *reportRun) requestLate(q *Request) (bool, error) {
	if q.TaskID == 0 {
		return RequestOverdue(q, r.now), nil
	}
	t, err := r.tx.TaskByID(q.TaskID)
	if IsNotFound(err) {
		return RequestOverdue(q, r.now), nil
	} else if err != nil {
		return false, err
	}
	cs, err := r.tx.Changes(EntityTask, t.ID)
	if err != nil {
		return false, err
	}
	until := r.now
	if c := closedAt(t); !c.IsZero() {
		until = c
	}
	return everOverdue(t, cs, until), nil
}

// everOverdue reports whether a task's due time passed while it was open,
// up to until (its closing, or now): each due time it had, from its
// history (oldest first), is checked against when it changed.
func everOverdue(t *Task, cs []*Change, until time.Time) bool {
	cur, known := time.Time{}, false
	for _, c := range cs {
		if c.Field != "due" {
			continue
		}
		if !known {
			cur, known = auditTime(c.Old), true
		}
		if !cur.IsZero() && c.At.After(cur) {
			return true
		}
		cur = auditTime(c.New)
	}
	if !known {
		cur = t.Due
	}
	return !cur.IsZero() && until.After(cur)
}

// auditTime reads a time as the audit writes it; "" is zero.
func auditTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t
}
