package core

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The ad hoc report of a template: the entity's records that its export
// with the same filters would list (the same rules: the period by the
// record's own date, the person, the client as the record's own or its
// deal's, the deal's stage, the statuses as the exports read them),
// grouped by the template's fields, one row per group with its measures,
// and a total.

// gval is a record's value of a group field: groups sort by ord, then by
// text, then by id.
type gval struct {
	ord  int64
	text string
	id   int64
}

// adhocRec is one record: its values of the group fields and its numbers
// (false: the record has none, as an open task has no time to done).
type adhocRec struct {
	group  func(key string) gval
	number func(key string) (float64, bool)
}

// adhocGroup is one group's measures.
type adhocGroup struct {
	keys  []gval
	count int
	sum   []float64
	n     []int
}

// Bounds of a walk over the control results when the period is open.
var (
	adhocFrom = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	adhocTo   = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

func (r *reportRun) custom(w TableWriter, t *ReportTemplate) (*reportBody, error) {
	status, err := r.statusOf(t.Entity)
	if err != nil {
		return nil, err
	}
	if r.f.Stage != "" && t.Entity == ExportChanges {
		return nil, Errorf(EINVALID, "err.report.template.stage")
	}
	need := map[string]bool{}
	for _, m := range t.Measures {
		need[m.Field] = true
	}
	groups := map[string]*adhocGroup{}
	records := 0
	emit := func(rec adhocRec) {
		records++
		keys := make([]gval, len(t.GroupBy))
		var k strings.Builder
		for i, f := range t.GroupBy {
			keys[i] = rec.group(f)
			k.WriteString(strconv.FormatInt(keys[i].ord, 10) + "\x00" + strconv.FormatInt(keys[i].id, 10) + "\x00" +
				keys[i].text + "\x01")
		}
		g := groups[k.String()]
		if g == nil {
			g = &adhocGroup{keys: keys, sum: make([]float64, len(t.Measures)), n: make([]int, len(t.Measures))}
			groups[k.String()] = g
		}
		g.count++
		for i, m := range t.Measures {
			if m.Func == MeasureCount {
				continue
			}
			if v, ok := rec.number(m.Field); ok {
				g.sum[i] += v
				g.n[i]++
			}
		}
	}
	each := map[ReportEntity]func(string, map[string]bool, func(adhocRec)) error{
		ExportClients: r.adhocClients, ExportDeals: r.adhocDeals, ExportTasks: r.adhocTasks,
		ExportDocuments: r.adhocDocuments, ExportRequests: r.adhocRequests, ExportControl: r.adhocControl,
		ExportChanges: r.adhocChanges,
	}[t.Entity]
	if each == nil {
		return nil, Errorf(EINVALID, "err.report.template.entity", "Entity", string(t.Entity))
	}
	if err := each(status, need, emit); err != nil {
		return nil, err
	}
	list := make([]*adhocGroup, 0, len(groups))
	for _, g := range groups {
		list = append(list, g)
	}
	slices.SortFunc(list, func(a, b *adhocGroup) int {
		for i := range a.keys {
			if c := cmp.Or(cmp.Compare(a.keys[i].ord, b.keys[i].ord), cmp.Compare(a.keys[i].text, b.keys[i].text),
				cmp.Compare(a.keys[i].id, b.keys[i].id)); c != 0 {
				return c
			}
		}
		return 0
	})
	if len(t.GroupBy) == 0 && len(list) == 0 {
		list = append(list, &adhocGroup{sum: make([]float64, len(t.Measures)), n: make([]int, len(t.Measures))})
	}
	total := &adhocGroup{sum: make([]float64, len(t.Measures)), n: make([]int, len(t.Measures))}
	for _, g := range list {
		total.count += g.count
		for i := range g.sum {
			total.sum[i] += g.sum[i]
			total.n[i] += g.n[i]
		}
	}

	var cols []col
	for _, f := range t.GroupBy {
		cols = append(cols, r.c("report.field."+f, ColText, 28))
	}
	for _, m := range t.Measures {
		cols = append(cols, col{name: r.measureName(m), kind: measureKind(t.Entity, m), width: 16})
	}
	rows := len(list)
	if len(t.GroupBy) > 0 {
		rows++
	}
	title := t.Name
	extra := []string{r.t("report.note.template", map[string]any{"Entity": r.t("report.entity."+string(t.Entity), nil),
		"ID": t.ID}), r.t("report.note.records", map[string]any{"Count": records})}
	if err := r.head(w, "report.custom.sheet", title, cols, rows, extra...); err != nil {
		return nil, err
	}
	for _, g := range list {
		var vals []Value
		for _, k := range g.keys {
			vals = append(vals, textV(k.text))
		}
		vals = append(vals, r.measureValues(t, g)...)
		if err := w.Row(vals); err != nil {
			return nil, err
		}
	}
	if len(t.GroupBy) > 0 {
		vals := []Value{textV(r.t("report.total", nil))}
		for range t.GroupBy[1:] {
			vals = append(vals, blankV())
		}
		if err := w.Row(append(vals, r.measureValues(t, total)...)); err != nil {
			return nil, err
		}
	}

	body := &reportBody{Title: title, Rows: rows}
	body.Summary = append(body.Summary, r.t("report.custom.sum.records", map[string]any{"Name": t.Name,
		"Count": records, "Groups": len(groups)}))
	var parts []string
	for i, m := range t.Measures {
		parts = append(parts, r.measureName(m)+": "+r.measureText(t, m, total, i))
	}
	body.Summary = append(body.Summary, r.t("report.custom.sum.total", map[string]any{"Values": strings.Join(parts, "; ")}))
	if n := noAmount(t, total, records); n > 0 {
		body.Summary = append(body.Summary, r.t("msg.export.adhoc.no_amount", map[string]any{"Count": n}))
	}
	if len(t.GroupBy) > 0 && len(list) > 1 {
		top := slices.MaxFunc(list, func(a, b *adhocGroup) int {
			return cmp.Compare(measureOf(t, a, 0), measureOf(t, b, 0))
		})
		var names []string
		for _, k := range top.keys {
			names = append(names, k.text)
		}
		body.Summary = append(body.Summary, r.t("report.custom.sum.top", map[string]any{
			"Group": strings.Join(names, ", "), "Measure": r.measureName(t.Measures[0]),
			"Value": r.measureText(t, t.Measures[0], top, 0)}))
	}
	return body, nil
}

// noAmount is how many deals were left out of the sums and averages of
// the deals' amount for having none; 0 for other entities or measures.
func noAmount(t *ReportTemplate, total *adhocGroup, records int) int {
	if t.Entity != ExportDeals {
		return 0
	}
	for i, m := range t.Measures {
		if m.Field == fieldAmount && m.Func != MeasureCount {
			return records - total.n[i]
		}
	}
	return 0
}

// measureKind is how a measure's column is written: counts as integers,
// sums and averages of amounts as money, others as numbers.
func measureKind(e ReportEntity, m Measure) ColumnKind {
	if m.Func == MeasureCount {
		return ColInt
	}
	if f, _ := reportField(e, m.Field); f.Money {
		return ColMoney
	}
	return ColNumber
}

// measureOf is a group's value of the i-th measure.
func measureOf(t *ReportTemplate, g *adhocGroup, i int) float64 {
	switch t.Measures[i].Func {
	case MeasureCount:
		return float64(g.count)
	case MeasureSum:
		return g.sum[i]
	}
	if g.n[i] == 0 {
		return 0
	}
	return g.sum[i] / float64(g.n[i])
}

// measureValues are a group's cells of the measures.
func (r *reportRun) measureValues(t *ReportTemplate, g *adhocGroup) []Value {
	vals := make([]Value, len(t.Measures))
	for i, m := range t.Measures {
		v := measureOf(t, g, i)
		switch {
		case m.Func == MeasureCount:
			vals[i] = intV(g.count)
		case m.Func == MeasureAvg && g.n[i] == 0:
			vals[i] = blankV()
		case measureKind(t.Entity, m) == ColMoney:
			vals[i] = moneyV(Money(roundHalf(v)))
		default:
			vals[i] = numV(round2(v))
		}
	}
	return vals
}

// measureText is a group's value of a measure in words, for the chat.
func (r *reportRun) measureText(t *ReportTemplate, m Measure, g *adhocGroup, i int) string {
	v := measureOf(t, g, i)
	switch {
	case m.Func == MeasureCount:
		return strconv.Itoa(g.count)
	case m.Func == MeasureAvg && g.n[i] == 0:
		return "—"
	case measureKind(t.Entity, m) == ColMoney:
		return r.t("report.value.money", map[string]any{"Amount": Money(roundHalf(v))})
	}
	return r.num(v)
}

// roundHalf rounds to the nearest integer, halves away from zero.
func roundHalf(f float64) int64 {
	if f < 0 {
		return -int64(-f + 0.5)
	}
	return int64(f + 0.5)
}

// measureName is a measure's column header: «Количество», «Сумма: сумма
// сделки», «Среднее: дней просрочки».
func (r *reportRun) measureName(m Measure) string {
	if m.Func == MeasureCount {
		return r.t("report.measure.count", nil)
	}
	return r.t("report.measure."+string(m.Func), map[string]any{"Field": r.t("report.field."+m.Field, nil)})
}

// code translates a code under a key prefix; a code without a
// translation is shown as it is, an empty one as «не указано».
func (r *reportRun) code(prefix, code string) string {
	if code == "" {
		return r.t("report.none", nil)
	}
	key := prefix + code
	if t := r.t(key, nil); t != key {
		return t
	}
	return code
}

// Group values.
func (r *reportRun) personVal(id int64) gval {
	if id == 0 {
		return gval{ord: 1, text: r.userName(0)}
	}
	return gval{text: r.userName(id), id: id}
}

func (r *reportRun) monthVal(t time.Time) gval {
	if t.IsZero() {
		return gval{ord: 1 << 40, text: r.t("report.none", nil)}
	}
	t = t.In(r.loc)
	return gval{ord: int64(t.Year())*12 + int64(t.Month()) - 1, text: t.Format("01.2006")}
}

// codeVal is a code's value, ordered by its place in a list.
func codeVal[T ~string](r *reportRun, prefix string, list []T, c T) gval {
	i := slices.Index(list, c)
	if i < 0 {
		i = len(list)
	}
	return gval{ord: int64(i), text: r.code(prefix, string(c))}
}

func (r *reportRun) clientVal(names map[int64]string, id int64) gval {
	if id == 0 {
		return gval{ord: 1, text: r.t("report.none", nil)}
	}
	return gval{text: r.clientName(names, id), id: id}
}

func none(string) (float64, bool) { return 0, false }

// adhocClients: the cards created in the period, of the manager or team,
// the client, with a deal at the stage, of the verification status (or
// merged); their open deals (of the filter's people) counted.
func (r *reportRun) adhocClients(status string, need map[string]bool, emit func(adhocRec)) error {
	var staged map[int64]bool
	type stake struct {
		n   int
		sum Money
	}
	var open map[int64]*stake
	if r.f.Stage != "" || need[fieldOpenDeals] || need[fieldOpenAmount] {
		staged, open = map[int64]bool{}, map[int64]*stake{}
		err := r.tx.EachDeal(func(d *Deal) error {
			if d.Stage == r.f.Stage {
				staged[d.ClientID] = true
			}
			if !d.Stage.Closed() && r.person(d.ManagerID) {
				s := open[d.ClientID]
				if s == nil {
					s = &stake{}
					open[d.ClientID] = s
				}
				s.n++
				s.sum += d.Amount
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return r.tx.EachClient(func(c *Client) error {
		switch {
		case !r.inPeriod(c.CreatedAt), !r.person(c.ManagerID), r.f.ClientID != 0 && c.ID != r.f.ClientID,
			r.f.Stage != "" && !staged[c.ID]:
			return nil
		}
		verification := c.Verification.Status
		if verification == "" {
			verification = Unverified
		}
		if status == "merged" && c.MergedInto == 0 || status != "" && status != "merged" && string(verification) != status {
			return nil
		}
		r.scope.Clients[c.ID] = true
		emit(adhocRec{
			group: func(key string) gval {
				switch key {
				case fieldManager:
					return r.personVal(c.ManagerID)
				case fieldKind:
					return codeVal(r, "kind.", []ClientKind{KindLegal, KindIndividual}, c.Kind)
				case fieldVerification:
					return codeVal(r, "verification.", []VerificationStatus{Unverified, Verified, ProblemsFound},
						verification)
				case fieldCompanyStatus:
					return codeVal(r, "company.", []CompanyStatus{StatusActive, StatusReorganizing, StatusLiquidating,
						StatusLiquidated, StatusBankrupt, StatusUnknown}, c.Verification.Company)
				}
				return r.monthVal(c.CreatedAt)
			},
			number: func(key string) (float64, bool) {
				s := open[c.ID]
				if s == nil {
					s = &stake{}
				}
				if key == fieldOpenDeals {
					return float64(s.n), true
				}
				return float64(s.sum), true
			},
		})
		return nil
	})
}

// adhocDeals: the deals created in the period, of the manager or team, at
// the stage, open or closed (won, lost), of the client.
func (r *reportRun) adhocDeals(status string, _ map[string]bool, emit func(adhocRec)) error {
	names := map[int64]string{}
	return r.tx.EachDeal(func(d *Deal) error {
		if !r.inPeriod(d.CreatedAt) || !r.dealFits(d) || !dealHasStatus(d.Stage, status) {
			return nil
		}
		r.addDeal(d)
		emit(adhocRec{
			group: func(key string) gval {
				switch key {
				case fieldManager:
					return r.personVal(d.ManagerID)
				case fieldStage:
					return codeVal(r, "stage.", Stages, d.Stage)
				case fieldClient:
					return r.clientVal(names, d.ClientID)
				}
				return r.monthVal(d.CreatedAt)
			},
			// A deal without an amount is left out of the amount's sum
			// and average, as its cell in the export is blank; the
			// summary counts them.
			number: func(string) (float64, bool) { return float64(d.Amount), d.Amount != 0 },
		})
		return nil
	})
}

// adhocTasks: the tasks due in the period, of the assignee or team, of the
// status (open, done, cancelled, overdue), of a deal at the stage, of the
// client or its deals. Days overdue: how long past due an open task is
// now, or a done one was when done (0 when on time); none without a due
// time or when cancelled.
func (r *reportRun) adhocTasks(status string, _ map[string]bool, emit func(adhocRec)) error {
	deals, names := map[int64]*Deal{}, map[int64]string{}
	return r.tx.EachTask(func(t *Task) error {
		if !r.inPeriod(t.Due) || !r.person(t.AssigneeID) || !taskStatus(t, status, r.now) {
			return nil
		}
		d, err := r.deal(deals, t.DealID)
		if err != nil {
			return err
		}
		if !r.linked(t.ClientID, d) {
			return nil
		}
		clientID := t.ClientID
		if clientID == 0 && d != nil {
			clientID = d.ClientID
		}
		if err := r.addTask(deals, t); err != nil {
			return err
		}
		if clientID != 0 {
			r.scope.Clients[clientID] = true
		}
		emit(adhocRec{
			group: func(key string) gval {
				switch key {
				case fieldAssignee:
					return r.personVal(t.AssigneeID)
				case fieldStatus:
					return codeVal(r, "task_status.", []TaskStatus{TaskOpen, TaskDone, TaskCancelled}, t.Status)
				case fieldClient:
					return r.clientVal(names, clientID)
				case fieldDeal:
					if d == nil {
						return gval{ord: 1, text: r.t("report.none", nil)}
					}
					return gval{text: d.Number, id: d.ID}
				}
				return r.monthVal(t.Due)
			},
			number: func(string) (float64, bool) {
				if t.Due.IsZero() || t.Status == TaskCancelled {
					return 0, false
				}
				end := r.now
				if t.Status == TaskDone {
					end = t.DoneAt
				}
				return round2(max(days(end.Sub(t.Due)), 0)), true
			},
		})
		return nil
	})
}

// adhocDocuments: the documents asked for in the period, of the status, of
// deals of the manager or team, at the stage, of the client. Days to sign:
// from its first draft to its signing, for the signed ones.
func (r *reportRun) adhocDocuments(status string, need map[string]bool, emit func(adhocRec)) error {
	deals, names := map[int64]*Deal{}, map[int64]string{}
	return r.tx.EachDocument(func(doc *Document) error {
		if !r.inPeriod(doc.CreatedAt) || status != "" && string(doc.Status) != status {
			return nil
		}
		d, err := r.deal(deals, doc.DealID)
		if err != nil {
			return err
		}
		var manager int64
		clientID := doc.ClientID
		if d != nil {
			manager = d.ManagerID
			if d.ClientID != 0 {
				clientID = d.ClientID
			}
		}
		if !r.person(manager) || !r.linked(doc.ClientID, d) {
			return nil
		}
		var steps docSteps
		if need[fieldDaysToSign] {
			cs, err := r.tx.Changes(EntityDocument, doc.ID)
			if err != nil {
				return err
			}
			steps = milestones(doc, cs).steps()
		}
		if d != nil {
			r.addDeal(d)
		}
		if clientID != 0 {
			r.scope.Clients[clientID] = true
		}
		emit(adhocRec{
			group: func(key string) gval {
				switch key {
				case fieldKind:
					return codeVal(r, "doc.kind.", DocKinds, doc.Kind)
				case fieldStatus:
					return codeVal(r, "doc.status.", DocStatuses, doc.Status)
				case fieldManager:
					return r.personVal(manager)
				case fieldClient:
					return r.clientVal(names, clientID)
				}
				return r.monthVal(doc.CreatedAt)
			},
			number: func(string) (float64, bool) { return steps.v[3], steps.ok[3] },
		})
		return nil
	})
}

// adhocRequests: the requests filed in the period, by the person or team,
// of the status (new…, open, closed, overdue), about a deal at the stage,
// about the client or its deals. Hours to done: working hours from filing
// to done, without the time waiting for the requester.
func (r *reportRun) adhocRequests(status string, _ map[string]bool, emit func(adhocRec)) error {
	qs, err := r.tx.Requests(RequestFilter{RequesterID: r.f.ManagerID})
	if err != nil {
		return err
	}
	st, err := reminderSettings(r.tx)
	if err != nil {
		return err
	}
	cal, loc := r.s.calendar(), requestLoc()
	deals, names := map[int64]*Deal{}, map[int64]string{}
	for _, q := range qs {
		if !r.inPeriod(q.CreatedAt) || !r.person(q.RequesterID) || !requestStatus(q, status, r.now) {
			continue
		}
		dealID, err := r.requestDeal(q)
		if err != nil {
			return err
		}
		d, err := r.deal(deals, dealID)
		if err != nil {
			return err
		}
		if !r.linked(q.ClientID, d) {
			continue
		}
		clientID := q.ClientID
		if clientID == 0 && d != nil {
			clientID = d.ClientID
		}
		r.scope.Requests[q.ID] = true
		if d != nil {
			r.addDeal(d)
		}
		if clientID != 0 {
			r.scope.Clients[clientID] = true
		}
		emit(adhocRec{
			group: func(key string) gval {
				switch key {
				case fieldType:
					return codeVal(r, "request.type.", RequestTypes, q.Type)
				case fieldStatus:
					return codeVal(r, "request.status.", RequestStatuses, q.Status)
				case fieldRequester:
					return r.personVal(q.RequesterID)
				case fieldAssignee:
					return r.personVal(q.AssigneeID)
				case fieldClient:
					return r.clientVal(names, clientID)
				}
				return r.monthVal(q.CreatedAt)
			},
			number: func(string) (float64, bool) {
				if q.Status != RequestDone {
					return 0, false
				}
				return round2(requestWorkTime(q, cal, st, loc).Hours()), true
			},
		})
	}
	return nil
}

// adhocControl: the control results of the period, by the person or team,
// of the outcome (or late), of a deal at the stage, about the client or
// its deals.
func (r *reportRun) adhocControl(status string, _ map[string]bool, emit func(adhocRec)) error {
	from, to := r.f.From, r.f.To
	if from.IsZero() {
		from = adhocFrom
	}
	if to.IsZero() {
		to = adhocTo
	}
	rs, err := r.tx.ControlResults(from, to)
	if err != nil {
		return err
	}
	deals := map[int64]*Deal{}
	for _, c := range rs {
		if !r.inPeriod(c.At) || !r.person(c.UserID) || !controlStatus(c, status) {
			continue
		}
		dealID, clientID := c.DealID, c.ClientID
		if c.TaskID != 0 && (dealID == 0 || clientID == 0) {
			t, err := r.tx.TaskByID(c.TaskID)
			if err != nil && !IsNotFound(err) {
				return err
			}
			if t != nil {
				dealID, clientID = cmp.Or(dealID, t.DealID), cmp.Or(clientID, t.ClientID)
			}
		}
		d, err := r.deal(deals, dealID)
		if err != nil {
			return err
		}
		if !r.linked(clientID, d) {
			continue
		}
		if d != nil {
			r.addDeal(d)
		}
		if clientID != 0 {
			r.scope.Clients[clientID] = true
		}
		emit(adhocRec{
			group: func(key string) gval {
				switch key {
				case fieldUser:
					return r.personVal(c.UserID)
				case fieldOutcome:
					return codeVal(r, "report.outcome.", controlOutcomes, c.Outcome)
				case fieldKind:
					return codeVal(r, "reminder.kind.", ReminderKinds, c.Kind)
				}
				return r.monthVal(c.At)
			},
			number: none,
		})
	}
	return nil
}

// adhocChanges: the audit records of the period, made by the person or
// team, about the client (its card, its deals and their documents, tasks
// and requests).
func (r *reportRun) adhocChanges(_ string, _ map[string]bool, emit func(adhocRec)) error {
	// The export's record lookups, each record read once.
	records := &exporter{tx: r.tx}
	return r.tx.EachChange(r.f.From, r.f.To, func(ch *Change) error {
		if !r.inPeriod(ch.At) || !r.person(ch.ActorID) {
			return nil
		}
		if r.f.ClientID != 0 {
			id, err := records.recordClient(ch)
			if err != nil {
				return err
			}
			if id != r.f.ClientID {
				return nil
			}
		}
		switch ch.Entity {
		case EntityClient:
			r.scope.Clients[ch.EntityID] = true
		case EntityDeal:
			r.scope.Deals[ch.EntityID] = true
		case EntityRequest:
			r.scope.Requests[ch.EntityID] = true
		}
		emit(adhocRec{
			group: func(key string) gval {
				switch key {
				case fieldUser:
					if ch.ActorID == 0 {
						return gval{ord: 1, text: r.t("report.by_system", nil)}
					}
					return r.personVal(ch.ActorID)
				case fieldEntity:
					return gval{text: r.code("entity.", string(ch.Entity))}
				case fieldField:
					return gval{text: r.code("field."+string(ch.Entity)+".", ch.Field)}
				}
				return r.monthVal(ch.At)
			},
			number: none,
		})
		return nil
	})
}
