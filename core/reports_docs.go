package core

import (
	"slices"
	"time"
)

// Document turnaround: for each document, when it first became a draft,
// was approved, went out and was signed (read from its status changes in
// the audit), the days each step took and the whole way; then the
// averages per kind and over all. A kind that needs no approval goes from
// draft straight to sent: its «to sent» step counts from the draft.

// docMilestones are the times a document first reached each step.
type docMilestones struct {
	draft, approved, sent, signed time.Time
}

// docSteps are a document's steps in days; ok says the step was made.
type docSteps struct {
	v  [4]float64 // draft→approved, →sent, sent→signed, draft→signed
	ok [4]bool
}

// milestones reads a document's status changes, oldest first.
func milestones(d *Document, cs []*Change) docMilestones {
	var m docMilestones
	first := func(t *time.Time, at time.Time) {
		if t.IsZero() {
			*t = at
		}
	}
	for _, c := range cs {
		if c.Field != "status" {
			continue
		}
		switch DocStatus(c.New) {
		case DocDraft:
			first(&m.draft, c.At)
		case DocApproved:
			first(&m.approved, c.At)
		case DocSent, DocDelivered:
			first(&m.sent, c.At)
		case DocSigned, DocDisagreed, DocOriginal:
			first(&m.signed, c.At)
		}
	}
	return m
}

// steps computes the days of each step that was made.
func (m docMilestones) steps() docSteps {
	var s docSteps
	set := func(i int, from, to time.Time) {
		if !from.IsZero() && !to.IsZero() && !to.Before(from) {
			s.v[i], s.ok[i] = round2(days(to.Sub(from))), true
		}
	}
	set(0, m.draft, m.approved)
	if !m.approved.IsZero() {
		set(1, m.approved, m.sent)
	} else {
		set(1, m.draft, m.sent)
	}
	set(2, m.sent, m.signed)
	set(3, m.draft, m.signed)
	return s
}

// stepAvg averages steps.
type stepAvg struct {
	sum [4]float64
	n   [4]int
	all int
}

func (a *stepAvg) add(s docSteps) {
	a.all++
	for i := range s.v {
		if s.ok[i] {
			a.sum[i] += s.v[i]
			a.n[i]++
		}
	}
}

// value is step i's average, blank when no document made it.
func (a *stepAvg) value(i int) Value {
	if a.n[i] == 0 {
		return blankV()
	}
	return numV(round2(a.sum[i] / float64(a.n[i])))
}

func (a *stepAvg) avg(i int) float64 {
	if a.n[i] == 0 {
		return 0
	}
	return round2(a.sum[i] / float64(a.n[i]))
}

func (r *reportRun) turnaround(w TableWriter) (*reportBody, error) {
	status, err := r.statusOf(ExportDocuments)
	if err != nil {
		return nil, err
	}
	type docRow struct {
		d    *Document
		deal *Deal
		m    docMilestones
		s    docSteps
	}
	var docs []docRow
	deals := map[int64]*Deal{}
	err = r.tx.EachDocument(func(d *Document) error {
		if !r.inPeriod(d.CreatedAt) || (status != "" && string(d.Status) != status) {
			return nil
		}
		deal, err := r.deal(deals, d.DealID)
		if err != nil || deal == nil || !r.person(deal.ManagerID) || !r.linked(d.ClientID, deal) {
			return err
		}
		cs, err := r.tx.Changes(EntityDocument, d.ID)
		if err != nil {
			return err
		}
		m := milestones(d, cs)
		docs = append(docs, docRow{d: d, deal: deal, m: m, s: m.steps()})
		r.addDeal(deal)
		return nil
	})
	if err != nil {
		return nil, err
	}
	byKind := map[DocKind]*stepAvg{}
	var all stepAvg
	for _, x := range docs {
		a := byKind[x.d.Kind]
		if a == nil {
			a = &stepAvg{}
			byKind[x.d.Kind] = a
		}
		a.add(x.s)
		all.add(x.s)
	}
	var kinds []DocKind
	for _, k := range DocKinds {
		if byKind[k] != nil {
			kinds = append(kinds, k)
		}
	}
	title := r.t("report.turnaround.title", nil)
	cols := []col{r.c("report.col.document", ColText, 16), r.c("report.col.kind", ColText, 22),
		r.c("report.col.deal", ColText, 14), r.c("report.col.client", ColText, 30),
		r.c("report.col.manager", ColText, 24), r.c("report.col.status", ColText, 18),
		r.c("report.col.draft_at", ColDateTime, 0), r.c("report.col.approved_at", ColDateTime, 0),
		r.c("report.col.sent_at", ColDateTime, 0), r.c("report.col.signed_at", ColDateTime, 0),
		r.c("report.col.step_approve", ColNumber, 0), r.c("report.col.step_send", ColNumber, 0),
		r.c("report.col.step_sign", ColNumber, 0), r.c("report.col.step_total", ColNumber, 0)}
	rows := len(docs) + len(kinds) + 1
	if err := r.head(w, "report.turnaround.sheet", title, cols, rows, r.t("report.note.days", nil)); err != nil {
		return nil, err
	}
	clients := map[int64]string{}
	for _, x := range docs {
		vals := []Value{textV(x.d.Number), textV(r.t("doc.kind."+string(x.d.Kind), nil)), textV(x.deal.Number),
			textV(r.clientName(clients, x.deal.ClientID)), textV(r.userName(x.deal.ManagerID)),
			textV(r.t("doc.status."+string(x.d.Status), nil)), timeV(x.m.draft), timeV(x.m.approved),
			timeV(x.m.sent), timeV(x.m.signed)}
		for i := range x.s.v {
			if x.s.ok[i] {
				vals = append(vals, numV(x.s.v[i]))
			} else {
				vals = append(vals, blankV())
			}
		}
		if err := w.Row(vals); err != nil {
			return nil, err
		}
	}
	avgRow := func(label, kind string, a *stepAvg) []Value {
		vals := []Value{textV(label), textV(kind)}
		for range 8 {
			vals = append(vals, blankV())
		}
		for i := range a.sum {
			vals = append(vals, a.value(i))
		}
		return vals
	}
	for _, k := range kinds {
		if err := w.Row(avgRow(r.t("report.average", nil), r.t("doc.kind."+string(k), nil), byKind[k])); err != nil {
			return nil, err
		}
	}
	if err := w.Row(avgRow(r.t("report.average_all", nil), "", &all)); err != nil {
		return nil, err
	}

	body := &reportBody{Title: title, Rows: rows}
	signed := all.n[2]
	body.Summary = append(body.Summary, r.t("report.turnaround.sum.total", map[string]any{"Count": len(docs),
		"Signed": all.n[3], "Sent": all.n[1]}))
	if len(docs) > 0 {
		body.Summary = append(body.Summary, r.t("report.turnaround.sum.steps", map[string]any{
			"Approve": r.daysText(fromDays(all.avg(0))), "Send": r.daysText(fromDays(all.avg(1))),
			"Sign": r.daysText(fromDays(all.avg(2))), "Total": r.daysText(fromDays(all.avg(3))),
			"HasApprove": all.n[0] > 0, "HasSend": all.n[1] > 0, "HasSign": signed > 0, "HasTotal": all.n[3] > 0}))
	}
	if i := slices.IndexFunc(docs, func(x docRow) bool { return x.s.ok[3] }); i >= 0 {
		slowest := docs[i]
		for _, x := range docs[i:] {
			if x.s.ok[3] && x.s.v[3] > slowest.s.v[3] {
				slowest = x
			}
		}
		body.Summary = append(body.Summary, r.t("report.turnaround.sum.slowest", map[string]any{
			"Number": slowest.d.Number, "Days": r.daysText(fromDays(slowest.s.v[3]))}))
	}
	var slowKind DocKind
	for _, k := range kinds {
		if a := byKind[k]; a.n[3] > 0 && (slowKind == "" || a.avg(3) > byKind[slowKind].avg(3)) {
			slowKind = k
		}
	}
	if slowKind != "" && len(kinds) > 1 {
		body.Summary = append(body.Summary, r.t("report.turnaround.sum.slow_kind", map[string]any{
			"Kind": r.t("doc.kind."+string(slowKind), nil), "Days": r.daysText(fromDays(byKind[slowKind].avg(3)))}))
	}
	return body, nil
}
