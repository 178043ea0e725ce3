package bolt

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/dealdesk/dealdesk/core"
)

// maxProblems is how many problems a CheckReport lists; the rest are
// counted in Omitted.
const maxProblems = 500

// CheckReport is what Check found. A database with no Problems is
// consistent as far as the check can tell.
type CheckReport struct {
	// Problems are human-readable, one per problem found.
	Problems []string `json:"problems,omitempty"`
	// Omitted counts the problems beyond the first maxProblems.
	Omitted int `json:"omitted,omitempty"`
	// Notes are facts worth knowing that are not problems, such as an
	// older schema or buckets the check does not know.
	Notes []string `json:"notes,omitempty"`

	Records      int `json:"records"`       // records decoded
	IndexEntries int `json:"index_entries"` // secondary index entries checked
	Counters     int `json:"counters"`      // ID and named counters checked
}

// OK reports whether the check found no problem.
func (r *CheckReport) OK() bool { return len(r.Problems) == 0 && r.Omitted == 0 }

// CheckFile checks the database file at path without changing it: it is
// opened read-only, so a missing file is an error rather than a new
// database, and its schema is not migrated. It returns ErrDamaged for a
// file Open would refuse and ErrInUse when a running DealDesk holds it
// (then ask that DealDesk to run Check).
func CheckFile(ctx context.Context, path string) (*CheckReport, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("bolt: check: %w", err)
	}
	if err := preflight(path); err != nil {
		return nil, err
	}
	bdb, err := openBolt(path, &bbolt.Options{
		ReadOnly:        true,
		Timeout:         openTimeout,
		FreelistType:    bbolt.FreelistMapType,
		InitialMmapSize: mmapSize,
	})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("bolt: check %s: %w", path, ErrInUse)
	} else if errors.Is(err, ErrDamaged) {
		return nil, err
	} else if err != nil {
		return nil, fmt.Errorf("bolt: check %s: %w", path, err)
	}
	db := &DB{db: bdb, path: path, clock: core.SystemClock{}}
	r, err := db.Check(ctx)
	if cerr := db.Close(); err == nil && cerr != nil {
		return nil, cerr
	}
	return r, err
}

// Check checks the database in one read transaction, so DealDesk can go on
// working meanwhile. It runs bbolt's own check of the file's pages and then
// DealDesk's: every record decodes into its type and is stored under its own
// ID or key; every secondary index entry points at an existing record that
// lists it, and every record's entries are there; the ID counters and the
// deal number counters are ahead of every number in use. The error is for
// a check that could not run (a cancelled ctx); what it found is in the
// report.
func (db *DB) Check(ctx context.Context) (*CheckReport, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r := &CheckReport{}
	err := db.db.View(func(tx *bbolt.Tx) error {
		for err := range tx.Check() {
			r.problem("pages: %v", err)
		}
		c := &checker{ctx: ctx, tx: tx, r: r,
			claimed: map[uint64]struct{}{}, broken: map[uint64]struct{}{}, dealNumbers: map[int]uint64{},
			docNumbers: map[string]uint64{}}
		return c.run()
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: check: %w", err)
	}
	return r, nil
}

func (r *CheckReport) problem(format string, args ...any) {
	if len(r.Problems) >= maxProblems {
		r.Omitted++
		return
	}
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
}

// aggregate is a bucket of records, as Check sees it.
type aggregate struct {
	bucket []byte
	what   string // what a record is, for messages: "client"
	since  int    // the schema version that created the bucket
	// numbered: keyed by an 8-byte ID from the bucket's sequence.
	numbered bool
	// check decodes a record, checks it against its key and lists the
	// index entries it should have.
	check func(c *checker, k, v []byte) ([]entry, error)
}

// aggregates lists every record bucket. Keep it in step with migrate.go.
var aggregates = []aggregate{
	{bucket: bktUsers, what: "user", numbered: true, check: byID(func(u *core.User) int64 { return u.ID }, userEntries)},
	{bucket: bktInvites, what: "invite", check: byKey(func(i *core.Invite) string { return i.Code }, nil)},
	{bucket: bktChats, what: "work chat",
		check: byKey(func(w *core.WorkChat) string { return core.ChatKey(w.Platform, w.ChatID) }, chatEntries)},
	{bucket: bktClients, what: "client", numbered: true, check: byID(func(c *core.Client) int64 { return c.ID }, clientEntries)},
	{bucket: bktDeals, what: "deal", numbered: true, check: checkDeal},
	{bucket: bktTasks, what: "task", numbered: true, check: byID(func(t *core.Task) int64 { return t.ID }, taskEntries)},
	{bucket: bktIntakes, what: "intake", since: 3, numbered: true,
		check: byID(func(i *core.Intake) int64 { return i.ID }, nil)},
	{bucket: bktRegistryCache, what: "registry answer", since: 3, check: checkRegistryRecord},
	{bucket: bktChanges, what: "change", numbered: true, check: byID(func(c *core.Change) int64 { return c.ID },
		changeEntries)},
	{bucket: bktOutbox, what: "outbox message", numbered: true,
		check: byID(func(m *core.OutboxMessage) int64 { return m.ID }, outboxEntries)},
	{bucket: bktConversations, what: "conversation", check: byKey(func(c *core.Conversation) string { return c.Key },
		func(c *core.Conversation) []entry {
			return expiryEntries(bktConversationsByExpiry, c.Key, c.ExpiresAt)
		})},
	{bucket: bktButtons, what: "button", check: byKey(func(b *core.Button) string { return b.Token },
		func(b *core.Button) []entry { return expiryEntries(bktButtonsByExpiry, b.Token, b.ExpiresAt) })},
	{bucket: bktInbox, what: "inbox item", since: 6, numbered: true,
		check: byID(func(it *core.InboxItem) int64 { return it.ID }, inboxEntries)},
	{bucket: bktInviteFailures, what: "failed invite redemptions of", since: 7, check: checkInviteFailures},
	{bucket: bktJobRuns, what: "job run", since: 8, check: byKey(func(r *core.JobRun) string { return r.Name }, nil)},
	{bucket: bktDocuments, what: "document", since: 9, numbered: true, check: checkDocument},
	{bucket: bktDocTemplates, what: "template", since: 9, numbered: true, check: checkTemplate},
	{bucket: bktDocFiles, what: "file", since: 9, check: checkFile},
	{bucket: bktDocSends, what: "document send", since: 9, numbered: true, check: checkDocSend},
	{bucket: bktReminders, what: "reminder", since: 10, numbered: true,
		check: byID(func(r *core.Reminder) int64 { return r.ID }, reminderEntries)},
	{bucket: bktControlResults, what: "control result", since: 10, numbered: true,
		check: byID(func(r *core.ControlResult) int64 { return r.ID }, controlEntries)},
	{bucket: bktSettings, what: "setting", since: 10, check: checkSetting},
	{bucket: bktCalendarYears, what: "calendar year", since: 10, check: checkCalendarYear},
	{bucket: bktRequests, what: "request", since: 11, numbered: true,
		check: byID(func(r *core.Request) int64 { return r.ID }, requestEntries)},
	{bucket: bktCorrections, what: "correction", since: 11, numbered: true,
		check: byID(func(c *core.Correction) int64 { return c.ID }, correctionEntries)},
	{bucket: bktCases, what: "case", since: 11, numbered: true,
		check: byID(func(c *core.Case) int64 { return c.ID }, caseEntries)},
	{bucket: bktCaseMessages, what: "case message", since: 11, check: checkCaseMessage},
	{bucket: bktReportTemplates, what: "report template", since: 12, numbered: true,
		check: byID(func(t *core.ReportTemplate) int64 { return t.ID }, reportTemplateEntries)},
	{bucket: bktReportSchedules, what: "report schedule", since: 12, numbered: true,
		check: byID(func(s *core.ReportSchedule) int64 { return s.ID }, reportScheduleEntries)},
	{bucket: bktReportRuns, what: "report run", since: 12, numbered: true,
		check: byID(func(r *core.ReportRun) int64 { return r.ID }, nil)},
	{bucket: bktReportFiles, what: "report file", since: 12, check: checkReportFile},
	{bucket: bktReportFileRefs, what: "report file's references", since: 12, check: checkReportFileRefs},
	{bucket: bktReportMails, what: "report mail", since: 12, numbered: true,
		check: byID(func(m *core.ReportMail) int64 { return m.ID }, reportMailEntries)},
}

// byID checks a record keyed by its ID.
func byID[T any](id func(*T) int64, entries func(*T) []entry) func(*checker, []byte, []byte) ([]entry, error) {
	return func(_ *checker, k, v []byte) ([]entry, error) {
		rec := new(T)
		if err := decode(v, rec); err != nil {
			return nil, err
		}
		if got := id(rec); got != btoi(k) {
			return nil, fmt.Errorf("it says its ID is %d", got)
		}
		if entries == nil {
			return nil, nil
		}
		return entries(rec), nil
	}
}

// byKey checks a record keyed by a string it holds.
func byKey[T any](name func(*T) string, entries func(*T) []entry) func(*checker, []byte, []byte) ([]entry, error) {
	return func(_ *checker, k, v []byte) ([]entry, error) {
		rec := new(T)
		if err := decode(v, rec); err != nil {
			return nil, err
		}
		if got := name(rec); got != string(k) {
			return nil, fmt.Errorf("it says its key is %q", got)
		}
		if entries == nil {
			return nil, nil
		}
		return entries(rec), nil
	}
}

// checkDeal checks a deal and notes its number for the counter check.
func checkDeal(c *checker, k, v []byte) ([]entry, error) {
	es, err := byID(func(d *core.Deal) int64 { return d.ID }, dealEntries)(c, k, v)
	if err != nil {
		return nil, err
	}
	var d core.Deal
	_ = decode(v, &d)
	if year, n, ok := parseDealNumber(d.Number); ok && n > c.dealNumbers[year] {
		c.dealNumbers[year] = n
	}
	return es, nil
}

// checkRegistryRecord checks a cached registry answer, keyed by
// source/INN/KPP as asked.
func checkRegistryRecord(_ *checker, k, v []byte) ([]entry, error) {
	var rec core.RegistryRecord
	if err := decode(v, &rec); err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(k, []byte(rec.Source+"/")) {
		return nil, fmt.Errorf("it says it comes from %q", rec.Source)
	}
	return nil, nil
}

// checkInviteFailures checks the times of an identity's failed invite
// redemptions, keyed by the identity.
func checkInviteFailures(_ *checker, _, v []byte) ([]entry, error) {
	var times []time.Time
	if err := decode(v, &times); err != nil {
		return nil, err
	}
	if len(times) == 0 {
		return nil, errors.New("it lists no failure")
	}
	return nil, nil
}

// checkSetting checks a setting: the reminder settings or the work
// settings.
func checkSetting(_ *checker, k, v []byte) ([]entry, error) {
	switch {
	case bytes.Equal(k, keyReminderSettings):
		var s core.ReminderSettings
		return nil, decode(v, &s)
	case isWorkSettings(k):
		var s core.WorkSettings
		return nil, decode(v, &s)
	}
	return nil, errors.New("this DealDesk knows no such setting")
}

// checkCaseMessage checks a case message, keyed by its case's ID and its
// own, and notes its ID for the check of the messages' counter.
func checkCaseMessage(c *checker, k, v []byte) ([]entry, error) {
	var m core.CaseMessage
	if err := decode(v, &m); err != nil {
		return nil, err
	}
	if len(k) != 16 {
		return nil, errors.New("its key is not a case ID and a message ID")
	}
	if m.CaseID != btoi(k[:8]) || m.ID != btoi(k[8:]) {
		return nil, fmt.Errorf("it says it is message %d of case %d", m.ID, m.CaseID)
	}
	c.caseMessageMax = max(c.caseMessageMax, m.ID)
	if c.tx.Bucket(bktCases).Get(k[:8]) == nil {
		return nil, fmt.Errorf("its case %d does not exist", m.CaseID)
	}
	return caseMessageEntries(&m), nil
}

// checkCalendarYear checks a loaded production-calendar year: keyed by the
// year, it holds a file.
func checkCalendarYear(_ *checker, k, v []byte) ([]entry, error) {
	if len(k) != 8 {
		return nil, errors.New("its key is not an 8-byte year")
	}
	if len(v) == 0 {
		return nil, errors.New("its file is empty")
	}
	return nil, nil
}

// dealCounter is the name of the counter of a year's deal numbers; it must
// match core.Service.CreateDeal.
func dealCounter(year int) string { return "deal-" + strconv.Itoa(year) }

// parseDealNumber reads a number in the form core.DealNumber writes.
func parseDealNumber(s string) (year int, n uint64, ok bool) {
	rest, ok := strings.CutPrefix(s, "D-")
	if !ok {
		return 0, 0, false
	}
	y, num, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, 0, false
	}
	year, err1 := strconv.Atoi(y)
	n, err2 := strconv.ParseUint(num, 10, 64)
	if err1 != nil || err2 != nil || core.DealNumber(year, n) != s {
		return 0, 0, false
	}
	return year, n, true
}

// index is a secondary index bucket, as Check sees it.
type index struct {
	bucket  []byte
	records []byte // the bucket of the records its entries point at
	since   int    // the schema version that created the bucket
	// target returns the key of the record an entry points at, or nil
	// when the entry is malformed.
	target func(k, v []byte) []byte
}

// The places where an index entry names its record: the whole value (an
// ID, or a string key), the value's first 8 bytes, the key's last 8 bytes,
// the key after an 8-byte time, the second half of a 16-byte key. Each
// returns nil for an entry too short to hold it.

func keyID(k, _ []byte) []byte {
	if len(k) != 8 {
		return nil
	}
	return k
}

func valueID(_, v []byte) []byte {
	if len(v) != 8 {
		return nil
	}
	return v
}

func valueKey(_, v []byte) []byte {
	if len(v) == 0 {
		return nil
	}
	return v
}

func valuePrefixID(_, v []byte) []byte {
	if len(v) < 8 {
		return nil
	}
	return v[:8]
}

func keySuffixID(k, _ []byte) []byte {
	if len(k) < 9 {
		return nil
	}
	return k[len(k)-8:]
}

func keyAfterTime(k, _ []byte) []byte {
	if len(k) <= 8 {
		return nil
	}
	return k[8:]
}

func keyPairID(k, _ []byte) []byte {
	if len(k) != 16 {
		return nil
	}
	return k[8:]
}

// indexes lists every secondary index; the layouts are in the comments of
// the aggregates' files. Keep it in step with migrate.go.
var indexes = []index{
	{bucket: bktUsersByIdentity, records: bktUsers, target: valueID},
	{bucket: bktChatsByPurpose, records: bktChats, target: valueKey},
	{bucket: bktClientsByINN, records: bktClients, target: valuePrefixID},
	{bucket: bktClientsByOGRN, records: bktClients, target: keySuffixID},
	{bucket: bktClientsByName, records: bktClients, target: keySuffixID},
	{bucket: bktClientsByNameKey, records: bktClients, since: 3, target: keySuffixID},
	{bucket: bktClientsByChecked, records: bktClients, since: 4, target: keyPairID},
	{bucket: bktDealsByNumber, records: bktDeals, target: valueID},
	{bucket: bktDealsByClient, records: bktDeals, target: keyPairID},
	{bucket: bktDealsByManager, records: bktDeals, target: keyPairID},
	{bucket: bktTasksByAssignee, records: bktTasks, target: keyPairID},
	{bucket: bktTasksByDue, records: bktTasks, target: keyPairID},
	{bucket: bktTasksByDeal, records: bktTasks, since: 2, target: keyPairID},
	{bucket: bktTasksByClient, records: bktTasks, since: 2, target: keyPairID},
	{bucket: bktChangesByEntity, records: bktChanges, target: keySuffixID},
	{bucket: bktOutboxPending, records: bktOutbox, target: keySuffixID},
	{bucket: bktConversationsByExpiry, records: bktConversations, target: keyAfterTime},
	{bucket: bktButtonsByExpiry, records: bktButtons, target: keyAfterTime},
	{bucket: bktInboxByKey, records: bktInbox, since: 6, target: valueID},
	{bucket: bktInboxPending, records: bktInbox, since: 6, target: keyID},
	{bucket: bktInboxByHandled, records: bktInbox, since: 6, target: keyPairID},
	{bucket: bktInboxByChat, records: bktInbox, since: 6, target: keySuffixID},
	{bucket: bktOutboxByChat, records: bktOutbox, since: 6, target: keySuffixID},
	{bucket: bktDocumentsByDeal, records: bktDocuments, since: 9, target: keyPairID},
	{bucket: bktDocumentsByNumber, records: bktDocuments, since: 9, target: valueID},
	{bucket: bktDocumentsByEDO, records: bktDocuments, since: 9, target: valueID},
	{bucket: bktDocSendsDue, records: bktDocSends, since: 9, target: keyPairID},
	{bucket: bktRemindersByKey, records: bktReminders, since: 10, target: valueID},
	{bucket: bktRemindersDue, records: bktReminders, since: 10, target: keyPairID},
	{bucket: bktRemindersByDeal, records: bktReminders, since: 10, target: keyPairID},
	{bucket: bktRemindersByTask, records: bktReminders, since: 10, target: keyPairID},
	{bucket: bktRemindersPendingByUser, records: bktReminders, since: 10, target: keySuffixID},
	{bucket: bktControlByDeal, records: bktControlResults, since: 10, target: keyPairID},
	{bucket: bktControlByTask, records: bktControlResults, since: 10, target: keyPairID},
	{bucket: bktControlByTime, records: bktControlResults, since: 10, target: keyPairID},
	{bucket: bktRequestsOpen, records: bktRequests, since: 11, target: keyPairID},
	{bucket: bktRequestsByRequester, records: bktRequests, since: 11, target: keySuffixID},
	{bucket: bktRequestsByAssignee, records: bktRequests, since: 11, target: keySuffixID},
	{bucket: bktRequestsByClient, records: bktRequests, since: 11, target: keySuffixID},
	{bucket: bktRequestsByDeal, records: bktRequests, since: 11, target: keySuffixID},
	{bucket: bktCorrectionsPending, records: bktCorrections, since: 11, target: keySuffixID},
	{bucket: bktCasesByThread, records: bktCases, since: 11, target: valueID},
	{bucket: bktCasesByDeal, records: bktCases, since: 11, target: keyPairID},
	{bucket: bktCasesByClient, records: bktCases, since: 11, target: keyPairID},
	{bucket: bktCaseMessagesByPID, records: bktCaseMessages, since: 11, target: caseMessageTarget},
	{bucket: bktChangesByTime, records: bktChanges, since: 12, target: keyPairID},
	{bucket: bktReportTemplatesByName, records: bktReportTemplates, since: 12, target: valueID},
	{bucket: bktReportSchedulesDue, records: bktReportSchedules, since: 12, target: keyPairID},
	{bucket: bktReportMailsDue, records: bktReportMails, since: 12, target: keyPairID},
}

// caseMessageTarget: an entry of case_messages_by_pid holds the 16-byte
// key of its message.
func caseMessageTarget(_, v []byte) []byte {
	if len(v) != 16 {
		return nil
	}
	return v
}

// checker is one run of Check's own part.
type checker struct {
	ctx     context.Context
	tx      *bbolt.Tx
	r       *CheckReport
	version int  // the file's schema version
	current bool // the schema is this program's, so indexes must match the records exactly
	n       int  // items visited, to look at ctx now and then
	err     error

	claimed     map[uint64]struct{} // index entries some record lists: hash of bucket and key
	broken      map[uint64]struct{} // records that could not be decoded: hash of bucket and key
	dealNumbers map[int]uint64      // the highest deal number in use of each year
	docNumbers  map[string]uint64   // the highest document number in use of each counter
	// caseMessageMax is the highest case message ID in use.
	caseMessageMax int64
}

func (c *checker) run() error {
	// A read past the end of the mapped file (a page pointer gone wrong)
	// then panics instead of killing the process; guard recovers it.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	ok := false
	c.guard("bucket "+string(bktMeta), func() { ok = c.schema() })
	if !ok {
		return nil
	}
	c.guard("the list of buckets", c.unknownBuckets)
	for _, a := range aggregates {
		if c.version >= a.since {
			c.guard("bucket "+string(a.bucket), func() { c.records(a) })
		}
	}
	for _, ix := range indexes {
		if c.version >= ix.since {
			c.guard("bucket "+string(ix.bucket), func() { c.index(ix) })
		}
	}
	c.guard("bucket "+string(bktSequences), c.counters)
	return c.err
}

// guard runs fn and reports a panic (bbolt's over a damaged page) as a
// problem with what.
func (c *checker) guard(what string, fn func()) {
	defer func() {
		if p := recover(); p != nil {
			c.r.problem("%s: reading it failed: %v", what, p)
		}
	}()
	fn()
}

// stopped counts an item visited and reports whether ctx is done.
func (c *checker) stopped() bool {
	if c.n++; c.n%1024 == 0 && c.err == nil {
		c.err = c.ctx.Err()
	}
	return c.err != nil
}

// schema reads the schema version; false means there is nothing more this
// program can check.
func (c *checker) schema() bool {
	meta := c.tx.Bucket(bktMeta)
	if meta == nil {
		c.r.problem("bucket %s is missing: this is not a DealDesk database, or it is damaged", bktMeta)
		return false
	}
	v := meta.Get(keySchemaVersion)
	if len(v) != 8 {
		c.r.problem("bucket %s: the schema version is missing or malformed (%x)", bktMeta, v)
		return false
	}
	c.version = int(btoi(v))
	switch {
	case c.version > len(migrations) || c.version < 1:
		c.r.problem("schema version %d is not one this DealDesk knows (1 to %d); check it with the DealDesk that wrote it",
			c.version, len(migrations))
		return false
	case c.version < len(migrations):
		c.r.Notes = append(c.r.Notes, fmt.Sprintf("schema version %d, older than this DealDesk's %d: DealDesk updates it "+
			"at its next start; until then only the records, the index entries' targets and the counters are checked",
			c.version, len(migrations)))
	default:
		c.current = true
	}
	return true
}

// unknownBuckets notes the top-level buckets the check knows nothing of.
func (c *checker) unknownBuckets() {
	// Transport and EDO cursors are plain values, each checked by its
	// reader.
	known := map[string]bool{string(bktMeta): true, string(bktSequences): true, string(bktCursors): true,
		string(bktEDOCursors): true}
	for _, a := range aggregates {
		known[string(a.bucket)] = true
	}
	for _, ix := range indexes {
		known[string(ix.bucket)] = true
	}
	var unknown []string
	_ = c.tx.ForEach(func(name []byte, _ *bbolt.Bucket) error {
		if !known[string(name)] {
			unknown = append(unknown, string(name))
		}
		return nil
	})
	if len(unknown) > 0 {
		c.r.Notes = append(c.r.Notes, "buckets not checked: "+strings.Join(unknown, ", "))
	}
}

// records decodes every record of an aggregate, checks that its index
// entries are there and that the bucket's ID counter is ahead of its IDs.
func (c *checker) records(a aggregate) {
	b := c.tx.Bucket(a.bucket)
	if b == nil {
		c.r.problem("bucket %s is missing", a.bucket)
		return
	}
	var maxID int64
	cur := b.Cursor()
	for k, v := cur.First(); k != nil; k, v = cur.Next() {
		if c.stopped() {
			return
		}
		c.r.Records++
		if v == nil {
			c.r.problem("bucket %s: %s is a nested bucket, not a %s", a.bucket, showKey(k), a.what)
			continue
		}
		if a.numbered && len(k) != 8 {
			c.r.problem("bucket %s: key %s is not an 8-byte ID", a.bucket, showKey(k))
			continue
		}
		if a.numbered {
			maxID = max(maxID, btoi(k))
		}
		es, err := a.check(c, k, v)
		if err != nil {
			c.broken[hash(a.bucket, k)] = struct{}{}
			c.r.problem("%s: it cannot be read: %v", describe(a, k), err)
			continue
		}
		if c.current {
			c.expect(a, k, es)
		}
	}
	if a.numbered {
		c.r.Counters++
		if seq := b.Sequence(); seq < uint64(maxID) {
			c.r.problem("bucket %s: the ID counter is at %d, behind the highest ID in use, %d: a new %s would overwrite %s",
				a.bucket, seq, maxID, a.what, describe(a, itob(int64(seq)+1)))
		}
	}
}

// expect checks that the index entries a record lists are there and point
// at it, and notes them as claimed.
func (c *checker) expect(a aggregate, k []byte, es []entry) {
	for _, e := range es {
		ix := findIndex(e.bucket)
		if ix == nil || c.version < ix.since {
			continue
		}
		c.claimed[hash(e.bucket, e.key)] = struct{}{}
		b := c.tx.Bucket(e.bucket)
		if b == nil {
			continue // reported by index
		}
		v := b.Get(e.key)
		if v == nil {
			c.r.problem("%s: its entry %s is missing from index %s", describe(a, k), showKey(e.key), e.bucket)
		} else if t := ix.target(e.key, v); t != nil && !bytes.Equal(t, k) { // a malformed one is reported by index
			c.r.problem("%s: its entry %s in index %s points at %s instead", describe(a, k), showKey(e.key), e.bucket,
				describe(*findAggregate(ix.records), t))
		}
	}
}

// index checks that every entry of an index points at an existing record
// and, with the current schema, at one that lists it.
func (c *checker) index(ix index) {
	b := c.tx.Bucket(ix.bucket)
	if b == nil {
		c.r.problem("bucket %s is missing", ix.bucket)
		return
	}
	records := c.tx.Bucket(ix.records)
	if records == nil {
		return // reported by records
	}
	a := *findAggregate(ix.records)
	cur := b.Cursor()
	for k, v := cur.First(); k != nil; k, v = cur.Next() {
		if c.stopped() {
			return
		}
		c.r.IndexEntries++
		t := ix.target(k, v)
		switch {
		case v == nil:
			c.r.problem("index %s: %s is a nested bucket, not an entry", ix.bucket, showKey(k))
		case t == nil:
			c.r.problem("index %s: entry %s is malformed (value %s)", ix.bucket, showKey(k), showKey(v))
		case records.Get(t) == nil:
			c.r.problem("index %s: entry %s points at %s, which does not exist", ix.bucket, showKey(k), describe(a, t))
		case !c.current:
			// An older schema's entries may be built differently.
		case !c.isClaimed(ix.bucket, k) && !c.isBroken(ix.records, t):
			c.r.problem("index %s: entry %s points at %s, which does not list it (a stale entry)",
				ix.bucket, showKey(k), describe(a, t))
		}
	}
}

func (c *checker) isClaimed(b, k []byte) bool { _, ok := c.claimed[hash(b, k)]; return ok }
func (c *checker) isBroken(b, k []byte) bool  { _, ok := c.broken[hash(b, k)]; return ok }

// counters checks the named counters: each is 8 bytes, and each year's
// deal counter is ahead of that year's deal numbers.
func (c *checker) counters() {
	b := c.tx.Bucket(bktSequences)
	if b == nil {
		c.r.problem("bucket %s is missing", bktSequences)
		return
	}
	_ = b.ForEach(func(k, v []byte) error {
		c.r.Counters++
		if len(v) != 8 {
			c.r.problem("counter %q: its value %x is not 8 bytes", k, v)
		}
		return nil
	})
	years := make([]int, 0, len(c.dealNumbers))
	for y := range c.dealNumbers {
		years = append(years, y)
	}
	slices.Sort(years)
	for _, y := range years {
		name := dealCounter(y)
		var at uint64
		if v := b.Get([]byte(name)); len(v) == 8 {
			at = uint64(btoi(v))
		}
		if n := c.dealNumbers[y]; at < n {
			c.r.problem("counter %q is at %d, behind deal %s already in use: the next deal would get a number that is taken",
				name, at, core.DealNumber(y, n))
		}
	}
	c.docCounters(b)
	c.caseMessageCounter()
}

// caseMessageCounter checks that the case messages' ID counter is ahead of
// every message ID in use.
func (c *checker) caseMessageCounter() {
	b := c.tx.Bucket(bktCaseMessages)
	if b == nil || c.version < 11 {
		return
	}
	c.r.Counters++
	if seq := b.Sequence(); seq < uint64(c.caseMessageMax) {
		c.r.problem("bucket %s: the ID counter is at %d, behind the highest message ID in use, %d: "+
			"a new message could overwrite one", bktCaseMessages, seq, c.caseMessageMax)
	}
}

// describe names a record for a message: "client 7", `invite "ab12"`.
func describe(a aggregate, k []byte) string {
	if a.numbered && len(k) == 8 {
		return a.what + " " + strconv.FormatInt(btoi(k), 10)
	}
	return a.what + " " + showKey(k)
}

// showKey shows a key for a message: quoted when it has some text in it
// (binary parts escaped), else in hex.
func showKey(k []byte) string {
	run := 0
	for _, r := range string(k) {
		if r != utf8.RuneError && unicode.IsPrint(r) {
			if run++; run >= 3 {
				return strconv.Quote(string(k))
			}
		} else {
			run = 0
		}
	}
	return "0x" + hex.EncodeToString(k)
}

func findIndex(bucket []byte) *index {
	for i := range indexes {
		if bytes.Equal(indexes[i].bucket, bucket) {
			return &indexes[i]
		}
	}
	return nil
}

func findAggregate(bucket []byte) *aggregate {
	for i := range aggregates {
		if bytes.Equal(aggregates[i].bucket, bucket) {
			return &aggregates[i]
		}
	}
	return &aggregate{bucket: bucket, what: string(bucket)}
}

// hash identifies a key of a bucket in the check's sets; a collision could
// at worst hide one stale entry.
func hash(bucket, k []byte) uint64 {
	h := fnv.New64a()
	_, _ = h.Write(bucket)
	_, _ = h.Write([]byte{0})
	_, _ = h.Write(k)
	return h.Sum64()
}
