package core

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// exportColumn is one column of an export: its header's key (under
// export.col.<entity>.), how its values are written and its width.
type exportColumn struct {
	key   string
	kind  ColumnKind
	width float64
}

// exportSpec is an entity's export: its columns, whether a deal's stage
// filters it, and the walk that writes its rows.
type exportSpec struct {
	cols  []exportColumn
	stage bool
	write func(x *exporter) error
}

// exportSpecs are the exports by entity (filled in init: the walks refer
// to the exporter, whose columns come from here).
var exportSpecs map[ReportEntity]exportSpec

func init() {
	exportSpecs = map[ReportEntity]exportSpec{
		ExportClients:   {cols: clientColumns, stage: true, write: (*exporter).writeClients},
		ExportDeals:     {cols: dealColumns, stage: true, write: (*exporter).writeDeals},
		ExportTasks:     {cols: taskColumns, stage: true, write: (*exporter).writeTasks},
		ExportDocuments: {cols: documentColumns, stage: true, write: (*exporter).writeDocuments},
		ExportRequests:  {cols: requestColumns, stage: true, write: (*exporter).writeRequests},
		ExportControl:   {cols: controlColumns, stage: true, write: (*exporter).writeControl},
		ExportChanges:   {cols: changeColumns, write: (*exporter).writeChanges},
	}
}

// exporter writes one export: the filter, the people read once, and the
// clients, deals and other records the rows refer to, read when first
// needed and kept by ID.
type exporter struct {
	s    *Service
	tx   Tx
	lang string
	loc  *time.Location
	now  time.Time
	f    ReportFilter
	// status is the filter's status as the entity's code.
	status string
	// clientIDs are the cards the filter's client stands for: the card
	// named, and when it was merged, the cards it was merged into (its
	// deals, tasks, documents and requests moved there).
	clientIDs map[int64]bool

	users   map[int64]*User
	team    map[int64]bool // the team's people, when the filter names a team
	clients map[int64]*clientRef
	deals   map[int64]*dealRef
	docs    map[int64]*docRef
	tasks   map[int64]*taskRef
	texts   map[string]string  // translated keys
	codes   map[codeKey]string // translated codes

	scope *reportScope
	w     TableWriter
	row   *exportRow
	rows  int
}

// clientRef, dealRef, docRef and taskRef are what rows show of the
// records they refer to; nil: the record is gone.
type (
	clientRef struct{ name, inn, kpp string }
	dealRef   struct {
		number, title       string
		clientID, managerID int64
		stage               Stage
	}
	docRef struct {
		number           string
		dealID, clientID int64
	}
	taskRef struct {
		title            string
		dealID, clientID int64
	}
)

// loadUsers reads the people once, and the team of the filter.
func (x *exporter) loadUsers() error {
	us, err := x.tx.ListUsers()
	if err != nil {
		return err
	}
	x.users = make(map[int64]*User, len(us))
	for _, u := range us {
		x.users[u.ID] = u
	}
	if x.f.TeamID != 0 {
		x.team = map[int64]bool{x.f.TeamID: true}
		for _, u := range us {
			if u.HeadID == x.f.TeamID {
				x.team[u.ID] = true
			}
		}
	}
	return nil
}

// tr translates a key once per export.
func (x *exporter) tr(key string) string {
	if t, ok := x.texts[key]; ok {
		return t
	}
	t := x.s.text(x.lang, key, nil)
	x.texts[key] = t
	return t
}

// code translates a code under a key prefix ("stage." + "signing"); an
// empty code is empty, a code without a translation is shown as it is.
func (x *exporter) code(prefix, code string) string {
	if code == "" {
		return ""
	}
	k := codeKey{prefix, code}
	if t, ok := x.codes[k]; ok {
		return t // no key built for every row
	}
	t, key := code, prefix+code
	if tr := x.tr(key); tr != key {
		t = tr
	}
	if x.codes == nil {
		x.codes = map[codeKey]string{}
	}
	x.codes[k] = t
	return t
}

// codeKey is a code under its key prefix.
type codeKey struct{ prefix, code string }

// yes is «да» for true and empty for false.
func (x *exporter) yes(b bool) string {
	if !b {
		return ""
	}
	return x.tr("msg.export.yes")
}

// userName names a person; 0 is no one.
func (x *exporter) userName(id int64) string {
	if id == 0 {
		return ""
	}
	if u, ok := x.users[id]; ok {
		return u.Name
	}
	return "#" + strconv.FormatInt(id, 10)
}

// cachedRef returns what rows show of a record, read once through load and
// kept in *m; a missing record (or id 0) is nil.
func cachedRef[R, T any](m *map[int64]*R, id int64, load func(int64) (*T, error), ref func(*T) *R) (*R, error) {
	if id == 0 {
		return nil, nil
	}
	if *m == nil {
		*m = map[int64]*R{}
	}
	if r, ok := (*m)[id]; ok {
		return r, nil
	}
	rec, err := load(id)
	if IsNotFound(err) {
		(*m)[id] = nil
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	r := ref(rec)
	(*m)[id] = r
	return r, nil
}

// client returns what rows show of a card, nil for none.
func (x *exporter) client(id int64) (*clientRef, error) {
	return cachedRef(&x.clients, id, x.tx.ClientByID, func(c *Client) *clientRef {
		return &clientRef{name: c.Name(), inn: c.INN, kpp: c.KPP}
	})
}

// deal returns what rows show of a deal, nil for none.
func (x *exporter) deal(id int64) (*dealRef, error) {
	return cachedRef(&x.deals, id, x.tx.DealByID, func(d *Deal) *dealRef {
		return &dealRef{number: d.Number, title: d.Title, clientID: d.ClientID, managerID: d.ManagerID, stage: d.Stage}
	})
}

// doc returns what rows show of a document, nil for none.
func (x *exporter) doc(id int64) (*docRef, error) {
	return cachedRef(&x.docs, id, x.tx.DocumentByID, func(d *Document) *docRef {
		return &docRef{number: d.Number, dealID: d.DealID, clientID: d.ClientID}
	})
}

// task returns what rows show of a task, nil for none.
func (x *exporter) task(id int64) (*taskRef, error) {
	return cachedRef(&x.tasks, id, x.tx.TaskByID, func(t *Task) *taskRef {
		return &taskRef{title: t.Title, dealID: t.DealID, clientID: t.ClientID}
	})
}

// inPeriod reports whether a record's date is in the filter's period; a
// record without the date is out of any period.
func (x *exporter) inPeriod(t time.Time) bool {
	if x.f.From.IsZero() && x.f.To.IsZero() {
		return true
	}
	return !t.IsZero() && (x.f.From.IsZero() || !t.Before(x.f.From)) && (x.f.To.IsZero() || t.Before(x.f.To))
}

// person reports whether a record of the person passes the filter's
// manager and team.
func (x *exporter) person(id int64) bool {
	return (x.f.ManagerID == 0 || id == x.f.ManagerID) && (x.team == nil || x.team[id])
}

// linked reports whether a record about a client and a deal passes the
// filter's client and stage: the client is the record's own or its
// deal's; the stage is its deal's.
func (x *exporter) linked(clientID int64, d *dealRef) bool {
	if x.f.Stage != "" && (d == nil || d.stage != x.f.Stage) {
		return false
	}
	return x.f.ClientID == 0 || x.clientIDs[clientID] || d != nil && x.clientIDs[d.clientID]
}

// followMerged sets the cards the filter's client stands for: the card
// named and those it was merged into, in turn.
func (x *exporter) followMerged() error {
	if x.f.ClientID == 0 {
		return nil
	}
	ids, err := mergedChain(x.tx, x.f.ClientID)
	if err != nil {
		return err
	}
	x.clientIDs = map[int64]bool{x.f.ClientID: true}
	for _, id := range ids {
		x.clientIDs[id] = true
	}
	return nil
}

// mergedChain lists a card and the cards it was merged into, in turn: the
// last one is the card its records are on now. A filter by a merged card
// follows the chain (a report filters by the last card, and its notes
// still name the card the filter named: filterNotes says it was merged).
func mergedChain(tx Tx, id int64) ([]int64, error) {
	var out []int64
	for id != 0 && !slices.Contains(out, id) {
		c, err := tx.ClientByID(id)
		if IsNotFound(err) {
			break
		} else if err != nil {
			return nil, err
		}
		out = append(out, id)
		id = c.MergedInto
	}
	return out, nil
}

// cover adds the records a row shows to the file's scope.
func (x *exporter) cover(clientID int64, d *dealRef, dealID int64) {
	if clientID != 0 {
		x.scope.Clients[clientID] = true
	}
	if d != nil {
		x.scope.Deals[dealID] = true
		if d.clientID != 0 {
			x.scope.Clients[d.clientID] = true
		}
	}
}

// emit writes the row built.
func (x *exporter) emit() error {
	if x.row.n != len(x.row.vals) {
		return Wrap(EINTERNAL, "err.internal", fmt.Errorf("export row has %d of %d values", x.row.n, len(x.row.vals)))
	}
	if err := x.w.Row(x.row.vals); err != nil {
		return err
	}
	x.rows++
	x.row.n = 0
	return nil
}

// exportRow fills one row, reused for every row: the values are set in
// the order of the columns.
type exportRow struct {
	vals []Value
	n    int
}

func (r *exportRow) set(v Value) {
	if r.n < len(r.vals) {
		r.vals[r.n] = v
	}
	r.n++
}

func (r *exportRow) text(s string) { r.set(Value{S: s, Blank: s == ""}) }

// num writes an integer; 0 is blank (no version, no number).
func (r *exportRow) num(n int64) { r.set(Value{N: n, Blank: n == 0}) }

// count writes an integer, 0 included.
func (r *exportRow) count(n int) { r.set(Value{N: int64(n)}) }

// money writes an amount in kopecks; 0 is blank (no amount given).
func (r *exportRow) money(m Money) { r.set(Value{N: int64(m), Blank: m == 0}) }

// time writes a date or a time; zero is blank.
func (r *exportRow) time(t time.Time) { r.set(Value{T: t, Blank: t.IsZero()}) }

// join writes texts separated by "; ".
func exportJoin(parts []string) string { return strings.Join(parts, "; ") }

// moneyText is an amount in the reader's words, for a text cell that
// lists several (a deal's payments).
func (x *exporter) moneyText(m Money) string {
	return x.s.text(x.lang, "msg.export.money", map[string]any{"Amount": int64(m)})
}

// exportRef is a number shown as «#12»; 0 is empty.
func exportRef(id int64) string {
	if id == 0 {
		return ""
	}
	return "#" + strconv.FormatInt(id, 10)
}

// Columns of the clients' export.
var clientColumns = []exportColumn{
	{"id", ColInt, 8}, {"kind", ColText, 6}, {"inn", ColText, 14}, {"kpp", ColText, 11}, {"ogrn", ColText, 16},
	{"short_name", ColText, 30}, {"full_name", ColText, 45}, {"address", ColText, 45}, {"director", ColText, 30},
	{"accounts", ColText, 50}, {"contacts", ColText, 50}, {"manager", ColText, 25},
	{"verification", ColText, 16}, {"verified_at", ColDateTime, 17}, {"source", ColText, 12},
	{"problems", ColText, 40}, {"company_status", ColText, 20}, {"risks", ColText, 40},
	{"merged_into", ColText, 35}, {"drift_at", ColDateTime, 17},
	{"created_at", ColDateTime, 17}, {"updated_at", ColDateTime, 17},
}

// clients writes the clients' export: the cards created in the period,
// of the manager or team, of a client, with a deal at the stage, of the
// verification status («статус проверен», «объединена»).
func (x *exporter) writeClients() error {
	var staged map[int64]bool
	if x.f.Stage != "" {
		staged = map[int64]bool{}
		err := x.tx.EachDeal(func(d *Deal) error {
			if d.Stage == x.f.Stage {
				staged[d.ClientID] = true
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return x.tx.EachClient(func(c *Client) error {
		switch {
		case !x.inPeriod(c.CreatedAt), !x.person(c.ManagerID), x.f.ClientID != 0 && !x.clientIDs[c.ID],
			staged != nil && !staged[c.ID]:
			return nil
		}
		verification := c.Verification.Status
		if verification == "" {
			verification = Unverified
		}
		if x.status == "merged" && c.MergedInto == 0 || x.status != "" && x.status != "merged" &&
			string(verification) != x.status {
			return nil
		}
		r := x.row
		r.num(c.ID)
		r.text(x.code("kind.", string(c.Kind)))
		r.text(c.INN)
		r.text(c.KPP)
		r.text(c.OGRN)
		r.text(c.ShortName)
		r.text(c.FullName)
		r.text(c.Address)
		r.text(c.Director)
		r.text(exportJoin(strs(c.Accounts)))
		r.text(exportJoin(strs(c.Contacts)))
		r.text(x.userName(c.ManagerID))
		r.text(x.code("verification.", string(verification)))
		r.time(c.Verification.At)
		r.text(c.Verification.Source)
		r.text(exportJoin(c.Verification.Problems))
		r.text(x.code("company.", string(c.Verification.Company)))
		risks := make([]string, 0, len(c.Verification.Risks))
		for _, f := range c.Verification.Risks {
			risk := x.code("risk.", string(f.Code))
			if f.Text != "" {
				risk += " (" + f.Text + ")"
			}
			risks = append(risks, risk)
		}
		r.text(exportJoin(risks))
		merged := ""
		if c.MergedInto != 0 {
			into, err := x.client(c.MergedInto)
			if err != nil {
				return err
			}
			merged = exportRef(c.MergedInto)
			if into != nil {
				merged = into.name + ", " + into.inn
			}
		}
		r.text(merged)
		var drift time.Time
		if c.Drift != nil {
			drift = c.Drift.At
		}
		r.time(drift)
		r.time(c.CreatedAt)
		r.time(c.UpdatedAt)
		x.scope.Clients[c.ID] = true
		return x.emit()
	})
}

// Columns of the deals' export.
var dealColumns = []exportColumn{
	{"number", ColText, 14}, {"title", ColText, 40}, {"client", ColText, 30}, {"inn", ColText, 14},
	{"kpp", ColText, 11}, {"manager", ColText, 25}, {"amount", ColMoney, 18}, {"stage", ColText, 16},
	{"signing_due", ColDate, 12}, {"payment_due", ColDate, 12}, {"contract_end", ColDate, 12},
	{"payments", ColText, 40}, {"leads", ColText, 30}, {"closed_at", ColDateTime, 17},
	{"closed_from", ColText, 16}, {"lost_reason", ColText, 40}, {"override", ColText, 10},
	{"created_by", ColText, 25}, {"created_at", ColDateTime, 17}, {"updated_at", ColDateTime, 17},
}

// deals writes the deals' export: the deals created in the period, of the
// manager or team, at the stage, open or closed (won, lost), of a client.
func (x *exporter) writeDeals() error {
	return x.tx.EachDeal(func(d *Deal) error {
		switch {
		case !x.inPeriod(d.CreatedAt), !x.person(d.ManagerID), x.f.Stage != "" && d.Stage != x.f.Stage,
			x.f.ClientID != 0 && !x.clientIDs[d.ClientID], !exportDealStatus(d.Stage, x.status):
			return nil
		}
		c, err := x.client(d.ClientID)
		if err != nil {
			return err
		}
		r := x.row
		r.text(d.Number)
		r.text(d.Title)
		if c != nil {
			r.text(c.name)
			r.text(c.inn)
			r.text(c.kpp)
		} else {
			r.text(exportRef(d.ClientID))
			r.text("")
			r.text("")
		}
		r.text(x.userName(d.ManagerID))
		r.money(d.Amount)
		r.text(x.code("stage.", string(d.Stage)))
		r.time(d.SigningDue)
		r.time(d.PaymentDue)
		r.time(d.ContractEnd)
		var payments []string
		for _, p := range d.Payments {
			item := exportDate(x.lang, p.Due, x.loc)
			if p.Amount != 0 {
				item += " — " + x.moneyText(p.Amount)
			}
			payments = append(payments, item)
		}
		r.text(exportJoin(payments))
		r.text(x.leads(d.Leads))
		r.time(d.ClosedAt)
		r.text(x.code("stage.", string(d.ClosedFrom)))
		r.text(d.LostReason)
		r.text(x.yes(d.Override))
		r.text(x.userName(d.CreatedBy))
		r.time(d.CreatedAt)
		r.time(d.UpdatedAt)
		x.scope.Deals[d.ID] = true
		if d.ClientID != 0 {
			x.scope.Clients[d.ClientID] = true
		}
		return x.emit()
	})
}

// exportDealStatus reports whether a deal at the stage has the status: open,
// closed, won or lost; "" is any.
func exportDealStatus(st Stage, status string) bool {
	switch status {
	case "":
		return true
	case statusOpen:
		return !st.Closed()
	case statusClosed:
		return st.Closed()
	}
	return string(st) == status
}

// leads are a deal's own reminder lead days in the reader's words:
// «оплата: 7, 1, 0; подписание: 7, 1», in the order of the kinds.
func (x *exporter) leads(leads map[ReminderKind][]int) string {
	if len(leads) == 0 {
		return ""
	}
	var parts []string
	for _, k := range ReminderKinds {
		days, ok := leads[k]
		if !ok {
			continue
		}
		ds := make([]string, len(days))
		for i, d := range days {
			ds[i] = strconv.Itoa(d)
		}
		v := strings.Join(ds, ", ")
		if len(days) == 0 {
			v = x.tr("msg.export.no_leads")
		}
		parts = append(parts, x.code("reminder.kind.", string(k))+": "+v)
	}
	return exportJoin(parts)
}

// Columns of the tasks' export.
var taskColumns = []exportColumn{
	{"id", ColInt, 8}, {"title", ColText, 40}, {"status", ColText, 12}, {"assignee", ColText, 25},
	{"queue", ColText, 25}, {"deal", ColText, 14}, {"client", ColText, 30}, {"inn", ColText, 14},
	{"request", ColInt, 10}, {"due", ColDateTime, 17}, {"overdue", ColText, 10}, {"result", ColText, 40},
	{"created_by", ColText, 25}, {"created_at", ColDateTime, 17}, {"done_at", ColDateTime, 17},
	{"updated_at", ColDateTime, 17},
}

// tasks writes the tasks' export: the tasks due in the period, of the
// assignee or team, of a deal at the stage, of the status (open, done,
// cancelled, overdue), of a client or its deals.
func (x *exporter) writeTasks() error {
	return x.tx.EachTask(func(t *Task) error {
		if !x.inPeriod(t.Due) || !x.person(t.AssigneeID) {
			return nil
		}
		overdue := t.Overdue(x.now)
		switch x.status {
		case "":
		case statusOverdue:
			if !overdue {
				return nil
			}
		default:
			if string(t.Status) != x.status {
				return nil
			}
		}
		d, err := x.deal(t.DealID)
		if err != nil {
			return err
		}
		if !x.linked(t.ClientID, d) {
			return nil
		}
		clientID := t.ClientID
		if clientID == 0 && d != nil {
			clientID = d.clientID
		}
		c, err := x.client(clientID)
		if err != nil {
			return err
		}
		r := x.row
		r.num(t.ID)
		r.text(t.Title)
		r.text(x.code("task_status.", string(t.Status)))
		r.text(x.userName(t.AssigneeID))
		r.text(x.code("purpose.", string(t.Queue)))
		if d != nil {
			r.text(d.number)
		} else {
			r.text(exportRef(t.DealID))
		}
		if c != nil {
			r.text(c.name)
			r.text(c.inn)
		} else {
			r.text(exportRef(clientID))
			r.text("")
		}
		request := t.RequestID
		if request == 0 {
			request = t.IntakeID // an intake has its request's number
		}
		r.num(request)
		r.time(t.Due)
		r.text(x.yes(overdue))
		r.text(t.Result)
		r.text(x.userName(t.CreatedBy))
		r.time(t.CreatedAt)
		r.time(t.DoneAt)
		r.time(t.UpdatedAt)
		x.cover(clientID, d, t.DealID)
		if request != 0 {
			x.scope.Requests[request] = true
		}
		return x.emit()
	})
}

// Columns of the documents' export.
var documentColumns = []exportColumn{
	{"number", ColText, 14}, {"kind", ColText, 22}, {"deal", ColText, 14}, {"deal_title", ColText, 35},
	{"client", ColText, 30}, {"inn", ColText, 14}, {"manager", ColText, 25}, {"status", ColText, 18},
	{"comment", ColText, 35}, {"requested_by", ColText, 25}, {"officer", ColText, 25},
	{"versions", ColInt, 8}, {"version_at", ColDateTime, 17}, {"approved", ColInt, 10}, {"vat", ColText, 10},
	{"channel", ColText, 12}, {"sent_to", ColText, 30}, {"sent_version", ColInt, 10},
	{"send_error", ColText, 35}, {"remark", ColText, 35}, {"edo_box", ColText, 20},
	{"created_at", ColDateTime, 17}, {"updated_at", ColDateTime, 17},
}

// documents writes the documents' export: the documents asked for in the
// period, of deals of the manager or team, at the stage, of the status, of
// a client.
func (x *exporter) writeDocuments() error {
	return x.tx.EachDocument(func(doc *Document) error {
		if !x.inPeriod(doc.CreatedAt) || x.status != "" && string(doc.Status) != x.status {
			return nil
		}
		d, err := x.deal(doc.DealID)
		if err != nil {
			return err
		}
		var manager int64
		if d != nil {
			manager = d.managerID
		}
		if !x.person(manager) || !x.linked(doc.ClientID, d) {
			return nil
		}
		clientID := doc.ClientID
		if d != nil && d.clientID != 0 {
			clientID = d.clientID // documents are made for the deal's client
		}
		c, err := x.client(clientID)
		if err != nil {
			return err
		}
		r := x.row
		r.text(doc.Number)
		r.text(x.code("doc.kind.", string(doc.Kind)))
		if d != nil {
			r.text(d.number)
			r.text(d.title)
		} else {
			r.text(exportRef(doc.DealID))
			r.text("")
		}
		if c != nil {
			r.text(c.name)
			r.text(c.inn)
		} else {
			r.text(exportRef(clientID))
			r.text("")
		}
		r.text(x.userName(manager))
		r.text(x.code("doc.status.", string(doc.Status)))
		r.text(doc.Comment)
		r.text(x.userName(doc.RequestedBy))
		r.text(x.userName(doc.OfficerID))
		r.count(len(doc.Versions))
		var versionAt time.Time
		if v := doc.Current(); v != nil {
			versionAt = v.CreatedAt
		}
		r.time(versionAt)
		r.num(int64(doc.Approved))
		vat := ""
		if doc.VAT != nil {
			if *doc.VAT == VATNone {
				vat = x.tr("doc.vat.none")
			} else {
				vat = doc.VAT.Code() + " %"
			}
		}
		r.text(vat)
		r.text(x.code("doc.channel.", string(doc.Channel)))
		r.text(doc.SentTo)
		r.num(int64(doc.SentVersion))
		r.text(doc.SendError)
		r.text(doc.Remark)
		r.text(doc.EDOBoxID)
		r.time(doc.CreatedAt)
		r.time(doc.UpdatedAt)
		x.cover(clientID, d, doc.DealID)
		return x.emit()
	})
}

// Columns of the requests' export.
var requestColumns = []exportColumn{
	{"number", ColInt, 10}, {"type", ColText, 16}, {"status", ColText, 14}, {"requester", ColText, 25},
	{"assignee", ColText, 25}, {"client", ColText, 30}, {"inn", ColText, 14}, {"deal", ColText, 14},
	{"document", ColText, 14}, {"text", ColText, 50}, {"files", ColInt, 8}, {"due", ColDateTime, 17},
	{"overdue", ColText, 10}, {"result", ColText, 40}, {"messages", ColInt, 10}, {"corrections", ColText, 16},
	{"created_at", ColDateTime, 17}, {"closed_at", ColDateTime, 17}, {"updated_at", ColDateTime, 17},
}

// requests writes the requests' export: the requests filed in the period,
// by the person or team, about a deal at the stage, of the status (new…,
// open, closed, overdue), about a client or its deals.
func (x *exporter) writeRequests() error {
	// The store lists requests rather than streaming them; the requester
	// narrows the list where the filter names one.
	rs, err := x.tx.Requests(RequestFilter{RequesterID: x.f.ManagerID})
	if err != nil {
		return err
	}
	for _, q := range rs {
		if err := x.request(q); err != nil {
			return err
		}
	}
	return nil
}

// request writes one request's row, when the filter selects it.
func (x *exporter) request(q *Request) error {
	if !x.inPeriod(q.CreatedAt) || !x.person(q.RequesterID) {
		return nil
	}
	overdue := !q.Status.Closed() && !q.Due.IsZero() && q.Due.Before(x.now)
	switch x.status {
	case "":
	case statusOpen, statusClosed:
		if q.Status.Closed() != (x.status == statusClosed) {
			return nil
		}
	case statusOverdue:
		if !overdue {
			return nil
		}
	default:
		if string(q.Status) != x.status {
			return nil
		}
	}
	doc, err := x.doc(q.DocumentID)
	if err != nil {
		return err
	}
	dealID := q.DealID
	if dealID == 0 && doc != nil {
		dealID = doc.dealID
	}
	d, err := x.deal(dealID)
	if err != nil {
		return err
	}
	if !x.linked(q.ClientID, d) {
		return nil
	}
	clientID := q.ClientID
	if clientID == 0 && d != nil {
		clientID = d.clientID
	}
	c, err := x.client(clientID)
	if err != nil {
		return err
	}
	r := x.row
	r.num(q.ID)
	r.text(x.code("request.type.", string(q.Type)))
	r.text(x.code("request.status.", string(q.Status)))
	r.text(x.userName(q.RequesterID))
	r.text(x.userName(q.AssigneeID))
	if c != nil {
		r.text(c.name)
		r.text(c.inn)
	} else {
		r.text(exportRef(clientID))
		r.text("")
	}
	if d != nil {
		r.text(d.number)
	} else {
		r.text(exportRef(dealID))
	}
	if doc != nil {
		r.text(doc.number)
	} else {
		r.text(exportRef(q.DocumentID))
	}
	r.text(q.Text)
	r.count(len(q.Files))
	r.time(q.Due)
	r.text(x.yes(overdue))
	r.text(q.Result)
	r.count(len(q.Messages))
	corrections := make([]string, len(q.Corrections))
	for i, id := range q.Corrections {
		corrections[i] = exportRef(id)
	}
	r.text(strings.Join(corrections, ", "))
	r.time(q.CreatedAt)
	r.time(q.ClosedAt)
	r.time(q.UpdatedAt)
	x.cover(clientID, d, dealID)
	x.scope.Requests[q.ID] = true
	return x.emit()
}

// Columns of the control results' export.
var controlColumns = []exportColumn{
	{"at", ColDateTime, 17}, {"user", ColText, 25}, {"kind", ColText, 20}, {"reminder", ColInt, 10},
	{"deal", ColText, 14}, {"deal_title", ColText, 35}, {"client", ColText, 30}, {"inn", ColText, 14},
	{"task", ColInt, 8}, {"task_title", ColText, 35}, {"outcome", ColText, 16}, {"text", ColText, 40},
	{"until", ColDateTime, 17}, {"late", ColText, 12},
}

// Bounds of a walk over records by time when the filter leaves the period
// open: the store keys records by the time's nanoseconds.
var (
	exportWalkFrom = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	exportWalkTo   = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

// control writes the control results' export: what was done about the
// reminders and alerts in the period, by the person or team, of a deal at
// the stage, of the outcome, about a client or its deals.
func (x *exporter) writeControl() error {
	from, to := x.f.From, x.f.To
	if from.IsZero() {
		from = exportWalkFrom
	}
	if to.IsZero() {
		to = exportWalkTo
	}
	// The store lists the results of a period rather than streaming them.
	rs, err := x.tx.ControlResults(from, to)
	if err != nil {
		return err
	}
	for _, c := range rs {
		if err := x.controlResult(c); err != nil {
			return err
		}
	}
	return nil
}

// controlResult writes one control result's row, when the filter selects
// it.
func (x *exporter) controlResult(cr *ControlResult) error {
	if !x.inPeriod(cr.At) || !x.person(cr.UserID) {
		return nil
	}
	switch x.status {
	case "":
	case statusLate:
		if !cr.Late {
			return nil
		}
	default:
		if string(cr.Outcome) != x.status {
			return nil
		}
	}
	t, err := x.task(cr.TaskID)
	if err != nil {
		return err
	}
	dealID := cr.DealID
	if dealID == 0 && t != nil {
		dealID = t.dealID
	}
	d, err := x.deal(dealID)
	if err != nil {
		return err
	}
	clientID := cr.ClientID
	if clientID == 0 && t != nil {
		clientID = t.clientID
	}
	if !x.linked(clientID, d) {
		return nil
	}
	if clientID == 0 && d != nil {
		clientID = d.clientID
	}
	c, err := x.client(clientID)
	if err != nil {
		return err
	}
	r := x.row
	r.time(cr.At)
	r.text(x.userName(cr.UserID))
	r.text(x.code("reminder.kind.", string(cr.Kind)))
	r.num(cr.ReminderID)
	if d != nil {
		r.text(d.number)
		r.text(d.title)
	} else {
		r.text(exportRef(dealID))
		r.text("")
	}
	if c != nil {
		r.text(c.name)
		r.text(c.inn)
	} else {
		r.text(exportRef(clientID))
		r.text("")
	}
	r.num(cr.TaskID)
	if t != nil {
		r.text(t.title)
	} else {
		r.text("")
	}
	r.text(x.code("msg.export.outcome.", string(cr.Outcome)))
	r.text(cr.Text)
	r.time(cr.Until)
	late := ""
	if cr.Late {
		late = x.tr("msg.export.late")
	}
	r.text(late)
	x.cover(clientID, d, dealID)
	return x.emit()
}

// Columns of the changes' export (the audit trail).
var changeColumns = []exportColumn{
	{"id", ColInt, 10}, {"at", ColDateTime, 17}, {"user", ColText, 25}, {"entity", ColText, 16},
	{"record_id", ColInt, 10}, {"record", ColText, 35}, {"field", ColText, 22}, {"old", ColText, 35},
	{"new", ColText, 35}, {"reason", ColText, 35}, {"request", ColInt, 10}, {"correction", ColInt, 12},
	{"reverts", ColInt, 10}, {"source", ColText, 30},
}

// changes writes the changes' export: the audit records of the period,
// made by the person or team, about a client (its card, its deals and
// their documents, tasks and requests).
func (x *exporter) writeChanges() error {
	labels := map[Entity]map[int64]string{}
	return x.tx.EachChange(x.f.From, x.f.To, func(ch *Change) error {
		if !x.inPeriod(ch.At) || !x.person(ch.ActorID) {
			return nil
		}
		clientID, err := x.changeClient(ch)
		if err != nil {
			return err
		}
		if x.f.ClientID != 0 && !x.clientIDs[clientID] {
			return nil
		}
		label, err := x.label(labels, ch.Entity, ch.EntityID)
		if err != nil {
			return err
		}
		r := x.row
		r.num(ch.ID)
		r.time(ch.At)
		who := x.tr("msg.export.system")
		if ch.ActorID != 0 {
			who = x.userName(ch.ActorID)
		}
		r.text(who)
		r.text(x.code("entity.", string(ch.Entity)))
		r.num(ch.EntityID)
		r.text(label)
		field := ch.Field
		if key := "field." + string(ch.Entity) + "." + ch.Field; x.tr(key) != key {
			field = x.tr(key)
		}
		r.text(field)
		old, err := x.changeValue(labels, ch, ch.Old)
		if err != nil {
			return err
		}
		r.text(old)
		v, err := x.changeValue(labels, ch, ch.New)
		if err != nil {
			return err
		}
		r.text(v)
		reason := ch.Reason
		if reason != "" && !strings.Contains(reason, " ") {
			if key := "reason." + reason; x.tr(key) != key {
				reason = x.tr(key) // a move's code: stage_forward
			}
		}
		r.text(reason)
		r.num(ch.Request)
		r.num(ch.Correction)
		r.num(ch.Reverts)
		r.text(x.sourceText(ch.Source))
		switch ch.Entity {
		case EntityClient:
			x.scope.Clients[ch.EntityID] = true
		case EntityDeal:
			x.scope.Deals[ch.EntityID] = true
		case EntityRequest:
			x.scope.Requests[ch.EntityID] = true
		}
		return x.emit()
	})
}

// changeClient returns the client a change's record belongs to (see
// recordClient); 0 when the filter names no client (only it needs them).
func (x *exporter) changeClient(ch *Change) (int64, error) {
	if x.f.ClientID == 0 {
		return 0, nil
	}
	return x.recordClient(ch)
}

// recordClient returns the client a change's record belongs to: a card
// itself, a deal's client, a document's, task's or request's (their own,
// or their deal's); 0 for other records. The records are read once each.
func (x *exporter) recordClient(ch *Change) (int64, error) {
	var clientID, dealID int64
	switch ch.Entity {
	case EntityClient:
		return ch.EntityID, nil
	case EntityDeal:
		dealID = ch.EntityID
	case EntityDocument:
		doc, err := x.doc(ch.EntityID)
		if err != nil || doc == nil {
			return 0, err
		}
		clientID, dealID = doc.clientID, doc.dealID
	case EntityTask:
		t, err := x.task(ch.EntityID)
		if err != nil || t == nil {
			return 0, err
		}
		clientID, dealID = t.clientID, t.dealID
	case EntityRequest:
		q, err := x.tx.RequestByID(ch.EntityID)
		if IsNotFound(err) {
			return 0, nil
		} else if err != nil {
			return 0, err
		}
		clientID, dealID = q.ClientID, q.DealID
	default:
		return 0, nil
	}
	d, err := x.deal(dealID)
	if err != nil {
		return 0, err
	}
	if d != nil && d.clientID != 0 {
		clientID = d.clientID
	}
	return clientID, nil
}

// label names a record as the history does: a card by name and INN, a
// deal by number and title, a person by name, a document by number, a
// request or task by number; read once per record.
func (x *exporter) label(labels map[Entity]map[int64]string, e Entity, id int64) (string, error) {
	if l, ok := labels[e][id]; ok {
		return l, nil
	}
	var label string
	switch e {
	case EntityClient:
		c, err := x.client(id)
		if err != nil {
			return "", err
		}
		if c != nil {
			label = c.name + ", " + c.inn
		}
	case EntityDeal:
		d, err := x.deal(id)
		if err != nil {
			return "", err
		}
		if d != nil {
			label = strings.TrimSpace(d.number + " " + d.title)
		}
	case EntityUser:
		if id != 0 {
			label = x.userName(id)
		}
	case EntityDocument:
		doc, err := x.doc(id)
		if err != nil {
			return "", err
		}
		if doc != nil {
			label = doc.number
		}
	case EntityTask:
		t, err := x.task(id)
		if err != nil {
			return "", err
		}
		if t != nil {
			label = exportRef(id) + " " + t.title
		}
	case EntityReport:
		run, err := x.tx.ReportRunByID(id)
		if err != nil && !IsNotFound(err) {
			return "", err
		}
		if run != nil {
			label = exportRef(id) + " " + x.runTitle(run.Spec)
		}
	case EntityReportTemplate:
		t, err := x.tx.ReportTemplateByID(id)
		if err != nil && !IsNotFound(err) {
			return "", err
		}
		if t != nil {
			label = t.Name
		}
	}
	if label == "" && id != 0 {
		label = exportRef(id)
	}
	if labels[e] == nil {
		labels[e] = map[int64]string{}
	}
	labels[e][id] = label
	return label, nil
}

// changeValue shows a changed value in the reader's words: the records
// and people it refers to by name, codes translated, amounts and dates in
// the reader's forms; other values as they are.
func (x *exporter) changeValue(labels map[Entity]map[int64]string, ch *Change, v string) (string, error) {
	if v == "" {
		return "", nil
	}
	switch ch.Entity {
	case EntityReport, EntityReportTemplate, EntityReportSchedule:
		return x.reportValue(ch, v), nil
	}
	if _, ok := RefEntity(ch.Field); ok {
		if e, id, ok := RefOf(ch.Field, v); ok {
			return x.label(labels, e, id)
		}
		if v == "0" {
			return "", nil
		}
		return v, nil
	}
	switch ch.Field {
	case "stage", "closed_from":
		return x.code("stage.", v), nil
	case "status":
		switch ch.Entity {
		case EntityDocument:
			return x.code("doc.status.", v), nil
		case EntityRequest:
			return x.code("request.status.", v), nil
		case EntityReminder:
			return x.code("reminder.status.", v), nil
		case EntityTask:
			return x.code("task_status.", v), nil
		}
	case "type":
		if ch.Entity == EntityRequest {
			return x.code("request.type.", v), nil
		}
	case "kind":
		return x.code("kind.", v), nil
	case "channel":
		return x.code("doc.channel.", v), nil
	case "role":
		return x.code("role.", v), nil
	case "verification":
		return x.code("verification.", v), nil
	case "company_status":
		return x.code("company.", v), nil
	case "amount":
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			if n == 0 {
				return "", nil
			}
			return x.moneyText(Money(n)), nil
		}
	}
	if len(v) >= 20 && v[4] == '-' && v[10] == 'T' {
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return exportDateTime(x.lang, t, x.loc), nil // a date as the audit keeps it
		}
	}
	return v, nil
}

// The audit of reports, templates and schedules is kept as one-line
// manifests in codes and English («export tasks · file «…» (csv, 1444
// bytes) · rows 5 · …»); the changes' export shows them in the reader's
// words, part by part. A part it does not know is shown as it is.

// manifestParts are the parts of a manifest it translates: a pattern, and
// the text of its key with the pattern's groups.
var manifestParts = []struct {
	re    *regexp.Regexp
	trans func(x *exporter, m []string) string
}{
	{regexp.MustCompile(`^(export|report) ([a-z_]+)(?: \(([a-z]+)\))?$`), func(x *exporter, m []string) string {
		return x.reportWhat(m[1], m[2], m[3])
	}},
	{regexp.MustCompile(`^report template #(\d+)(?: \(([a-z]+)\))?$`), func(x *exporter, m []string) string {
		return x.textArgs("msg.export.audit.template", map[string]any{"ID": m[1], "Format": strings.ToUpper(m[2])})
	}},
	{regexp.MustCompile(`^file «(.*)» \(([a-z]+), (\d+) bytes\)$`), func(x *exporter, m []string) string {
		n, _ := strconv.Atoi(m[3])
		return x.textArgs("msg.export.audit.file", map[string]any{"Name": m[1], "Format": strings.ToUpper(m[2]),
			"Size": exportGroupDigits(x.lang, n), "Bytes": n})
	}},
	{regexp.MustCompile(`^file «(.*)» sha256 ([0-9a-f]+)$`), func(x *exporter, m []string) string {
		return x.textArgs("msg.export.audit.file_sha", map[string]any{"Name": m[1], "SHA": m[2]})
	}},
	{regexp.MustCompile(`^file «(.*)»$`), func(x *exporter, m []string) string {
		return x.textArgs("msg.export.audit.file_name", map[string]any{"Name": m[1]})
	}},
	{regexp.MustCompile(`^rows (\d+)$`), func(x *exporter, m []string) string {
		return x.textArgs("msg.export.audit.rows", map[string]any{"N": m[1]})
	}},
	{regexp.MustCompile(`^filters: (.*)$`), func(x *exporter, m []string) string {
		v := m[1]
		if v == "none" {
			v = x.tr("msg.export.audit.none")
		}
		return x.textArgs("msg.export.audit.filters", map[string]any{"Filters": v})
	}},
	{regexp.MustCompile(`^to: (.*)$`), func(x *exporter, m []string) string {
		return x.textArgs("msg.export.audit.to", map[string]any{"To": x.targetsText(m[1])})
	}},
	{regexp.MustCompile(`^by (.*) \(#\d+\)$`), func(x *exporter, m []string) string {
		return x.textArgs("msg.export.audit.by", map[string]any{"Name": m[1]})
	}},
	{regexp.MustCompile(`^schedule #(\d+)$`), func(x *exporter, m []string) string {
		return x.textArgs("msg.export.audit.schedule", map[string]any{"ID": m[1]})
	}},
	{regexp.MustCompile(`^chart sha256 ([0-9a-f]+)$`), func(x *exporter, m []string) string {
		return x.textArgs("msg.export.audit.chart_sha", map[string]any{"SHA": m[1]})
	}},
	{regexp.MustCompile(`^sha256 ([0-9a-f]+)$`), func(x *exporter, m []string) string {
		return x.textArgs("msg.export.audit.sha", map[string]any{"SHA": m[1]})
	}},
	{regexp.MustCompile(`^findings: (.*)$`), func(x *exporter, m []string) string {
		return x.textArgs("msg.export.audit.findings", map[string]any{"Findings": x.findingsText(m[1])})
	}},
	{regexp.MustCompile(`^dropped after (\d+) days$`), func(x *exporter, m []string) string {
		return x.textArgs("msg.export.audit.dropped", map[string]any{"Days": m[1]})
	}},
	{regexp.MustCompile(`^sent to (.*)$`), func(x *exporter, m []string) string {
		return x.textArgs("msg.export.audit.sent_to", map[string]any{"To": m[1]})
	}},
	{regexp.MustCompile(`^cron "(.*)"( on working days)? in (.*)$`), func(x *exporter, m []string) string {
		return x.textArgs("msg.export.audit.cron", map[string]any{"Cron": m[1], "WorkDays": m[2] != "",
			"Zone": m[3]})
	}},
	{regexp.MustCompile(`^next (.*)$`), func(x *exporter, m []string) string {
		return x.textArgs("msg.export.audit.next", map[string]any{"At": m[1]})
	}},
}

// textArgs translates a key with arguments.
func (x *exporter) textArgs(key string, args map[string]any) string {
	return x.s.text(x.lang, key, args)
}

// reportValue shows a value of a report's, template's or schedule's audit
// in the reader's words: a manifest part by part, a run's status, a
// template's entity, report or owner, yes and no.
func (x *exporter) reportValue(ch *Change, v string) string {
	switch {
	case v == "":
		return ""
	case ch.Entity == EntityReportTemplate && ch.Field == "entity":
		return x.code("msg.export.title.", v)
	case ch.Entity == EntityReportTemplate && ch.Field == "report":
		if t := x.tr("report." + v + ".title"); t != "report."+v+".title" {
			return t
		}
		return v
	case ch.Entity == EntityReportTemplate && ch.Field == "owner_id":
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			return x.userName(id)
		}
		return v
	case v == "true" || v == "false":
		return x.tr("msg.export.audit." + v)
	}
	if t := x.tr("msg.export.run_status." + v); t != "msg.export.run_status."+v {
		return t // held, sent, cancelled, superseded
	}
	parts := strings.Split(v, " · ")
	for i, p := range parts {
		for _, mp := range manifestParts {
			if m := mp.re.FindStringSubmatch(p); m != nil {
				parts[i] = mp.trans(x, m)
				break
			}
		}
	}
	return strings.Join(parts, " · ")
}

// runTitle names what a run made: the export's title, the built-in
// report's, or the template's name.
func (x *exporter) runTitle(spec ReportSpec) string {
	switch {
	case spec.Export != "":
		return x.code("msg.export.title.", string(spec.Export))
	case spec.TemplateID != 0:
		if t, err := x.tx.ReportTemplateByID(spec.TemplateID); err == nil {
			return t.Name
		}
	case spec.Template != nil && spec.Template.Name != "":
		return spec.Template.Name
	case spec.Report != "" && x.tr("report."+string(spec.Report)+".title") != "report."+string(spec.Report)+".title":
		return x.tr("report." + string(spec.Report) + ".title")
	}
	return string(spec.Report)
}

// reportWhat names what a run or schedule made: «выгрузка «Задачи»»,
// «отчёт «Воронка по стадиям и менеджерам»», with the file's format when
// given.
func (x *exporter) reportWhat(kind, code, format string) string {
	key, title := "msg.export.audit.export", x.code("msg.export.title.", code)
	if kind == "report" {
		key = "msg.export.audit.report"
		if t := x.tr("report." + code + ".title"); t != "report."+code+".title" {
			title = t
		}
	}
	return x.textArgs(key, map[string]any{"Title": title, "Format": strings.ToUpper(format)})
}

// targetsText shows a manifest's recipients: its chats as «чат» in the
// reader's words; people and addresses as they are.
func (x *exporter) targetsText(v string) string {
	parts := strings.Split(v, ", ")
	for i, p := range parts {
		if rest, ok := strings.CutPrefix(p, "chat "); ok {
			if m := chatTarget.FindStringSubmatch(rest); m != nil {
				rest = "«" + m[1] + "»" // the title; its key is in the source
			}
			parts[i] = x.textArgs("msg.export.audit.chat", map[string]any{"Chat": rest})
		}
	}
	return strings.Join(parts, ", ")
}

// chatTarget is a chat of a manifest's recipients: «Title» (platform:id).
var chatTarget = regexp.MustCompile(`^«(.*)» \([a-z]+:[^)]*\)$`)

// findingsText shows the gate's counts («no_amount 2, duplicate 1») as
// the held note names them: «сделка без суммы — 2, …».
func (x *exporter) findingsText(v string) string {
	if v == "none" {
		return x.tr("msg.export.audit.none")
	}
	parts := strings.Split(v, ", ")
	for i, p := range parts {
		if kind, n, ok := strings.Cut(p, " "); ok {
			if t := x.tr("delivery.quality." + kind); t != "delivery.quality."+kind {
				parts[i] = t + " — " + n
			}
		}
	}
	return strings.Join(parts, ", ")
}

// sourceText shows where a change came from in the reader's words: a
// chat's message as «Telegram, чат «Руководители», сообщение 42» (the
// chat by its title when it is a work chat), a job as «DealDesk
// автоматически (reports)»; other sources as they are.
func (x *exporter) sourceText(src string) string {
	platform, rest, ok := strings.Cut(src, ":")
	if !ok {
		return src
	}
	if platform == "job" {
		return x.textArgs("msg.export.source.job", map[string]any{"Job": rest})
	}
	chat, ok := strings.CutPrefix(rest, "chat/")
	if !ok {
		return src
	}
	chat, msg, _ := strings.Cut(chat, "/msg/")
	name := x.code("msg.export.platform.", platform)
	title := chat
	if c, err := x.tx.WorkChat(platform, chat); err == nil && c.Title != "" {
		title = "«" + c.Title + "»"
	}
	return x.textArgs("msg.export.source.chat", map[string]any{"Platform": name, "Chat": title, "Msg": msg})
}
