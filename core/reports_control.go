package core

// Reminders and control: per person, the reminders and alerts that fired
// for them in the period (those that fired late because DealDesk was down,
// and those still unanswered), and the answers they gave (control
// results) by outcome — done, snoozed, moved, escalated — and how many
// came after the reminder's date had passed. Reminders are read through
// the deals and tasks they are about: a personal reminder about nothing
// and the morning digests are no control items. A reminder snoozed and
// fired again counts once, at its last firing.

// controlRow is one person's line.
type controlRow struct {
	fired, firedLate, unanswered int
	answers                      int
	outcomes                     [4]int // done, snoozed, moved, escalated
	late                         int
}

// controlOutcomes are the outcomes in the order of the columns.
var controlOutcomes = []ControlOutcome{ControlDone, ControlSnoozed, ControlMoved, ControlEscalated}

func (r *reportRun) control(w TableWriter) (*reportBody, error) {
	status, err := r.statusOf(ExportControl)
	if err != nil {
		return nil, err
	}
	rows := map[int64]*controlRow{}
	row := func(id int64) *controlRow {
		p := rows[id]
		if p == nil {
			p = &controlRow{}
			rows[id] = p
		}
		return p
	}
	deals := map[int64]*Deal{}
	seen := map[int64]bool{}
	fired := func(rs []*Reminder) {
		for _, rem := range rs {
			if seen[rem.ID] || rem.FiredAt.IsZero() || rem.Kind == ReminderDigest || !r.inPeriod(rem.FiredAt) ||
				!r.person(rem.UserID) {
				continue
			}
			seen[rem.ID] = true
			p := row(rem.UserID)
			p.fired++
			if rem.Late {
				p.firedLate++
			}
			if rem.Status == ReminderFired {
				p.unanswered++
			}
		}
	}
	if status == "" {
		err = r.tx.EachDeal(func(d *Deal) error {
			if !r.linked(d.ClientID, d) {
				return nil
			}
			deals[d.ID] = d
			rs, err := r.tx.RemindersByDeal(d.ID)
			fired(rs)
			return err
		})
		if err != nil {
			return nil, err
		}
		err = r.tx.EachTask(func(t *Task) error {
			if ok, err := r.linkedDeal(deals, t.ClientID, t.DealID); err != nil || !ok {
				return err
			}
			rs, err := r.tx.RemindersByTask(t.ID)
			fired(rs)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	from, to := r.f.From, r.f.To
	if from.IsZero() {
		from = adhocFrom
	}
	if to.IsZero() {
		to = adhocTo
	}
	results, err := r.tx.ControlResults(from, to)
	if err != nil {
		return nil, err
	}
	for _, c := range results {
		if !r.person(c.UserID) || !controlStatus(c, status) {
			continue
		}
		if ok, err := r.linkedDeal(deals, c.ClientID, c.DealID); err != nil {
			return nil, err
		} else if !ok {
			continue
		}
		p := row(c.UserID)
		p.answers++
		for i, o := range controlOutcomes {
			if c.Outcome == o {
				p.outcomes[i]++
			}
		}
		if c.Late {
			p.late++
		}
		if c.ClientID != 0 {
			r.scope.Clients[c.ClientID] = true
		}
		if c.DealID != 0 {
			d, err := r.deal(deals, c.DealID)
			if err != nil {
				return nil, err
			}
			if d != nil {
				r.addDeal(d)
			}
		}
	}
	ids := make([]int64, 0, len(rows))
	for id := range rows {
		ids = append(ids, id)
	}
	r.byName(ids)

	title := r.t("report.control.title", nil)
	cols := []col{r.c("report.col.person", ColText, 28), r.c("report.col.fired", ColInt, 0),
		r.c("report.col.fired_late", ColInt, 0), r.c("report.col.unanswered", ColInt, 0),
		r.c("report.col.answers", ColInt, 0), r.c("report.col.outcome_done", ColInt, 0),
		r.c("report.col.outcome_snoozed", ColInt, 0), r.c("report.col.outcome_moved", ColInt, 0),
		r.c("report.col.outcome_escalated", ColInt, 0), r.c("report.col.answered_late", ColInt, 0)}
	if err := r.head(w, "report.control.sheet", title, cols, len(ids)+1); err != nil {
		return nil, err
	}
	var total controlRow
	line := func(name string, p *controlRow) []Value {
		return []Value{textV(name), intV(p.fired), intV(p.firedLate), intV(p.unanswered), intV(p.answers),
			intV(p.outcomes[0]), intV(p.outcomes[1]), intV(p.outcomes[2]), intV(p.outcomes[3]), intV(p.late)}
	}
	for _, id := range ids {
		p := rows[id]
		if err := w.Row(line(r.userName(id), p)); err != nil {
			return nil, err
		}
		total.fired, total.firedLate, total.unanswered = total.fired+p.fired, total.firedLate+p.firedLate,
			total.unanswered+p.unanswered
		total.answers, total.late = total.answers+p.answers, total.late+p.late
		for i := range p.outcomes {
			total.outcomes[i] += p.outcomes[i]
		}
	}
	if err := w.Row(line(r.t("report.total", nil), &total)); err != nil {
		return nil, err
	}

	body := &reportBody{Title: title, Rows: len(ids) + 1}
	body.Summary = append(body.Summary, r.t("report.control.sum.fired", map[string]any{"Count": total.fired,
		"Late": total.firedLate, "Unanswered": total.unanswered}))
	body.Summary = append(body.Summary, r.t("report.control.sum.answers", map[string]any{"Count": total.answers,
		"Done": total.outcomes[0], "Snoozed": total.outcomes[1], "Moved": total.outcomes[2],
		"Escalated": total.outcomes[3]}))
	if total.answers > 0 {
		body.Summary = append(body.Summary, r.t("report.control.sum.late", map[string]any{"Count": total.late,
			"OnTime": total.answers - total.late, "Percent": percent(total.late, total.answers)}))
	}
	if i := topBy(ids, func(id int64) (Money, int) { return 0, rows[id].outcomes[3] }); i >= 0 {
		body.Summary = append(body.Summary, r.t("report.control.sum.escalated", map[string]any{
			"Name": r.userName(ids[i]), "Count": rows[ids[i]].outcomes[3]}))
	}
	if i := topBy(ids, func(id int64) (Money, int) { return 0, rows[id].unanswered }); i >= 0 {
		body.Summary = append(body.Summary, r.t("report.control.sum.unanswered", map[string]any{
			"Name": r.userName(ids[i]), "Count": rows[ids[i]].unanswered}))
	}
	return body, nil
}

// percent is part of whole in percent, rounded to a whole number; 0 of
// nothing.
func percent(part, whole int) int {
	if whole == 0 {
		return 0
	}
	return (part*100 + whole/2) / whole
}
