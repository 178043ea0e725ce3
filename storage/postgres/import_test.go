package postgres_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
	"github.com/dealdesk/dealdesk/storage/postgres"
)

var importT0 = time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)

func fileRef(name string, data []byte) core.FileRef {
	sum := sha256.Sum256(data)
	return core.FileRef{SHA256: hex.EncodeToString(sum[:]), Name: name, MIME: "application/octet-stream",
		Size: int64(len(data))}
}

var (
	docData    = []byte("договор.docx")
	tplData    = []byte("шаблон.docx")
	reportData = []byte("stage;count\nnew;3\n")
)

// seedBolt writes records of every aggregate, and every kind of other data,
// into a new bbolt database at path through the store's methods, and
// closes it.
func seedBolt(t *testing.T, path string) {
	t.Helper()
	db, err := bolt.Open(path, bolt.WithNoSync(true), bolt.WithClock(fixedClock{importT0}))
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}()
	err = db.Update(context.Background(), func(tx core.Tx) error {
		now := tx.Now()
		u := &core.User{Identities: []string{"telegram:1", "console:local"}, Name: "Анна", Role: core.RoleAdmin}
		u2 := &core.User{Identities: []string{"mattermost:x"}, Name: "Борис", Role: core.RoleManager}
		for _, x := range []*core.User{u, u2} {
			if err := tx.CreateUser(x); err != nil {
				return err
			}
		}
		steps := []error{
			tx.CreateInvite(&core.Invite{Code: "c0de", Role: core.RoleManager, CreatedBy: u.ID,
				ExpiresAt: now.Add(time.Hour)}),
			tx.PutInviteFailures("telegram:9", []time.Time{now.Add(-time.Minute), now}),
			tx.PutWorkChat(&core.WorkChat{Platform: "telegram", ChatID: "-100", Title: "Юристы",
				Purpose: core.PurposeLawyers}),
		}
		var clients []*core.Client
		for i := range 3 {
			c := &core.Client{Kind: core.KindLegal, INN: fmt.Sprintf("77%08d", i+1), KPP: "770101001",
				OGRN: fmt.Sprintf("10277%08d", i+1), ShortName: fmt.Sprintf("ООО «Ромашка-%d»", i+1),
				Director: "Иванов И. И.", ManagerID: u2.ID,
				Contacts: []core.Contact{{Name: "Пётр", Phone: "+7 900 000-00-0" + fmt.Sprint(i)}}}
			if i == 1 {
				c.Verification = core.Verification{Status: core.Verified, At: now, Source: "dadata"}
			}
			steps = append(steps, tx.CreateClient(c))
			clients = append(clients, c)
		}
		for i := range 3 {
			n, err := tx.NextSequence("deal-2026")
			if err != nil {
				return err
			}
			d := &core.Deal{Number: core.DealNumber(2026, n), ClientID: clients[i].ID, ManagerID: u2.ID,
				Title: "Поставка " + fmt.Sprint(i), Stage: core.StageNew, CreatedBy: u.ID}
			steps = append(steps, tx.CreateDeal(d),
				tx.AddChanges(&core.Change{ActorID: u.ID, Entity: core.EntityDeal, EntityID: d.ID,
					Field: "stage", New: string(d.Stage)}))
			task := &core.Task{Title: "Договор", AssigneeID: u2.ID, DealID: d.ID, ClientID: d.ClientID,
				Status: core.TaskOpen, CreatedBy: u.ID}
			if i > 0 {
				task.Due = now.Add(time.Duration(i) * 24 * time.Hour)
			}
			steps = append(steps, tx.CreateTask(task))
		}
		steps = append(steps,
			tx.CreateIntake(&core.Intake{ManagerID: u.ID}),
			tx.PutCachedRecord(clients[0].INN, "", &core.RegistryRecord{Source: "dadata", INN: clients[0].INN,
				ShortName: clients[0].ShortName}),
			tx.Enqueue(&core.OutboxMessage{Platform: "telegram", ChatID: "1", Key: "notify", Status: core.OutboxPending}),
			tx.Enqueue(&core.OutboxMessage{Platform: "telegram", ChatID: "1", Key: "notify", Status: core.OutboxDelivered}),
			tx.PutConversation(&core.Conversation{Key: "telegram:1:1", ID: "f1", Flow: "deal", Step: "title",
				ExpiresAt: now.Add(24 * time.Hour)}),
			tx.PutButton(&core.Button{Token: "tok", Action: "deal.open", ExpiresAt: now.Add(24 * time.Hour)}),
			tx.PutJobRun(&core.JobRun{Name: "purge_inbox", LastSuccess: now, Runs: 1}),
			tx.PutTransportCursor(core.TransportCursor{Name: "telegram", Value: "12345"}),
		)
		for i, key := range []string{"1", "2"} {
			added, err := tx.AddInboxItem(&core.InboxItem{Platform: "telegram", Key: key, ChatID: "42",
				Payload: []byte(`{"n":1}`)})
			if err != nil || !added {
				return fmt.Errorf("inbox item %d: added %v, %v", i, added, err)
			}
		}
		steps = append(steps, tx.MarkInboxHandled(1))
		// Documents: files, a template, a document with a version, a send,
		// an EDO cursor.
		docRef, tplRef := fileRef("договор.docx", docData), fileRef("шаблон.docx", tplData)
		steps = append(steps, tx.PutFile(docRef, docData), tx.PutFile(tplRef, tplData))
		tpl := &core.DocTemplate{Kind: core.DocContract, Name: "Договор", File: tplRef, Active: true}
		steps = append(steps, tx.CreateTemplate(tpl))
		n, err := tx.NextSequence(core.DocCounter(core.DocContract, 2026))
		if err != nil {
			return err
		}
		doc := &core.Document{Number: core.DocNumber(core.DocContract, 2026, n), Kind: core.DocContract, DealID: 1,
			ClientID: 1, Status: core.DocRequested, RequestedBy: u.ID, EDOMessageID: "msg-1",
			Versions: []core.DocVersion{{N: 1, TemplateID: 1, DOCX: docRef, CreatedBy: u.ID, CreatedAt: now}}}
		steps = append(steps, tx.CreateDocument(doc),
			tx.CreateDocSend(&core.DocSend{DocID: 1, Version: 1, Channel: core.ChannelEmail, To: []string{"a@b.ru"},
				OperationID: "op1", Status: core.SendPending, NextAttemptAt: now.Add(time.Minute)}),
			tx.PutEDOCursor("diadoc", "cursor-7"))
		// Reminders, control results, settings, calendar.
		steps = append(steps,
			tx.CreateReminder(&core.Reminder{Key: "deal:1:signing:0", Kind: core.ReminderSigning, UserID: u2.ID,
				DealID: 1, TaskID: 1, DueAt: now.Add(time.Hour)}),
			tx.CreateReminder(&core.Reminder{Key: "deal:2:payment:0", Kind: core.ReminderPayment, UserID: u2.ID,
				DealID: 2, DueAt: now.Add(-time.Hour), Status: core.ReminderFired, FiredAt: now}),
			tx.AddControlResult(&core.ControlResult{ReminderID: 2, Kind: core.ReminderPayment, DealID: 2, TaskID: 2,
				UserID: u2.ID, Outcome: core.ControlDone, Text: "оплачено"}),
			tx.PutReminderSettings(core.DefaultReminderSettings()),
			tx.PutWorkSettings(core.WorkSettings{Approvers: []core.Role{core.RoleHead}}),
			tx.PutCalendarYear(2026, []byte("<calendar year=\"2026\"/>")),
			tx.PutCalendarYear(2027, []byte("<calendar year=\"2027\"/>")),
		)
		if _, err := tx.NextSequence("reminder-escalation"); err != nil {
			return err
		}
		// Requests, corrections, cases and their messages.
		steps = append(steps,
			tx.CreateRequest(&core.Request{Type: core.RequestQuestion, Status: core.RequestNew, RequesterID: u2.ID,
				DealID: 1, Text: "Когда придёт оплата?", Files: []core.FileRef{docRef}}),
			tx.CreateCorrection(&core.Correction{Edit: core.Edit{Entity: core.EntityClient, ID: 1,
				Label: "ООО Ромашка", Field: "kpp", Op: core.EditSet, Old: "1", New: "2", Reason: "опечатка"},
				Status: core.CorrectionPending, ProposedBy: u2.ID}),
			tx.CreateCase(&core.Case{DealID: 1, ClientID: 1, Topic: "Залог", OpenedBy: u2.ID, Platform: "telegram",
				ChatID: "-100", ThreadID: "77", Status: core.CaseOpen}),
		)
		for _, m := range []*core.CaseMessage{{CaseID: 1, UserID: u2.ID, PlatformID: "100", Text: "Что с залогом?"},
			{CaseID: 1, UserID: u.ID, PlatformID: "101", Text: "Готовим"}} {
			steps = append(steps, tx.AddCaseMessage(m))
		}
		// Reports: a template, a schedule, a run with its file counted
		// twice, a mail.
		spec := core.ReportSpec{Report: core.ReportPipeline, Filter: core.ReportFilter{Rel: core.RelLastWeek}}
		repRef := fileRef("Воронка.csv", reportData)
		steps = append(steps,
			tx.CreateReportTemplate(&core.ReportTemplate{Name: "Воронка", Entity: core.ExportDeals, OwnerID: u.ID,
				GroupBy: []string{"stage"}, Measures: []core.Measure{{Func: core.MeasureCount}}}),
			tx.CreateReportSchedule(&core.ReportSchedule{Spec: spec, Cron: "0 9 * * 1", TimeZone: "Europe/Moscow",
				To:      []core.ReportTarget{{Kind: core.TargetChat, Platform: "telegram", ChatID: "-100"}},
				OwnerID: u.ID, Lang: "ru", Active: true, NextRun: now.Add(24 * time.Hour)}),
			tx.CreateReportRun(&core.ReportRun{Spec: spec, By: u.ID, Lang: "ru", Status: core.RunSent, Rows: 3,
				File: repRef}),
			tx.PutReportFile(repRef, reportData),
			tx.PutReportFile(repRef, reportData),
			tx.CreateReportMail(&core.ReportMail{RunID: 1, To: []string{"head@example.ru"}, Subject: "Воронка",
				Text: "Во вложении", OperationID: "op", Status: core.SendPending, NextAttemptAt: now}),
		)
		return errors.Join(steps...)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// reads are what the test reads back from both stores: every aggregate
// through its lookups and listings.
var reads = []struct {
	name string
	read func(tx core.Tx) (any, error)
}{
	{"users", func(tx core.Tx) (any, error) { return tx.ListUsers() }},
	{"user by identity", func(tx core.Tx) (any, error) { return tx.UserByIdentity("mattermost:x") }},
	{"invite", func(tx core.Tx) (any, error) { return tx.InviteByCode("c0de") }},
	{"invite failures", func(tx core.Tx) (any, error) { return tx.InviteFailures("telegram:9") }},
	{"work chat", func(tx core.Tx) (any, error) { return tx.WorkChatsByPurpose(core.PurposeLawyers) }},
	{"clients", func(tx core.Tx) (any, error) { return tx.SearchClients("Ромашка", 10) }},
	{"client by INN", func(tx core.Tx) (any, error) { return tx.ClientByINN("7700000002", "770101001") }},
	{"client by OGRN", func(tx core.Tx) (any, error) { return tx.ClientByOGRN("1027700000003") }},
	{"deals", func(tx core.Tx) (any, error) { return tx.FindDeals(core.DealFilter{}) }},
	{"deal by number", func(tx core.Tx) (any, error) { return tx.DealByNumber(core.DealNumber(2026, 2)) }},
	{"tasks", func(tx core.Tx) (any, error) { return tx.FindTasks(core.TaskFilter{AssigneeID: 2}) }},
	{"intake", func(tx core.Tx) (any, error) { return tx.IntakeByID(1) }},
	{"registry cache", func(tx core.Tx) (any, error) { return tx.CachedRecord("dadata", "7700000001", "") }},
	{"changes", func(tx core.Tx) (any, error) { return tx.Changes(core.EntityDeal, 3) }},
	{"change by ID", func(tx core.Tx) (any, error) { return tx.ChangeByID(2) }},
	{"outbox 1", func(tx core.Tx) (any, error) { return tx.OutboxMessage(1) }},
	{"outbox 2", func(tx core.Tx) (any, error) { return tx.OutboxMessage(2) }},
	{"outbox due", func(tx core.Tx) (any, error) {
		return tx.DueMessages(core.OutboxQuery{Now: importT0.Add(time.Hour), Limit: 10})
	}},
	{"conversation", func(tx core.Tx) (any, error) { return tx.Conversation("telegram:1:1") }},
	{"button", func(tx core.Tx) (any, error) { return tx.Button("tok") }},
	{"inbox 1", func(tx core.Tx) (any, error) { return tx.InboxItem(1) }},
	{"inbox pending", func(tx core.Tx) (any, error) { return tx.PendingInboxItems(10) }},
	{"transport cursor", func(tx core.Tx) (any, error) { return tx.TransportCursor("telegram") }},
	{"job runs", func(tx core.Tx) (any, error) { return tx.JobRuns() }},
	{"document", func(tx core.Tx) (any, error) { return tx.DocumentByID(1) }},
	{"document by EDO", func(tx core.Tx) (any, error) { return tx.DocumentByEDO("msg-1") }},
	{"documents by deal", func(tx core.Tx) (any, error) { return tx.DocumentsByDeal(1) }},
	{"document file", func(tx core.Tx) (any, error) { return tx.File(fileRef("", docData).SHA256) }},
	{"template file", func(tx core.Tx) (any, error) { return tx.File(fileRef("", tplData).SHA256) }},
	{"templates", func(tx core.Tx) (any, error) { return tx.Templates() }},
	{"doc send", func(tx core.Tx) (any, error) { return tx.DocSendByID(1) }},
	{"doc sends due", func(tx core.Tx) (any, error) { return tx.DueDocSends(importT0.Add(time.Hour), 10) }},
	{"EDO cursor", func(tx core.Tx) (any, error) { return tx.EDOCursor("diadoc") }},
	{"reminder 1", func(tx core.Tx) (any, error) { return tx.ReminderByKey("deal:1:signing:0") }},
	{"reminders by deal", func(tx core.Tx) (any, error) { return tx.RemindersByDeal(2) }},
	{"reminders pending", func(tx core.Tx) (any, error) { return tx.PendingRemindersByUser(2) }},
	{"reminders pending count", func(tx core.Tx) (any, error) { return tx.CountPendingReminders() }},
	{"control results", func(tx core.Tx) (any, error) { return tx.ControlResultsByDeal(2) }},
	{"reminder settings", func(tx core.Tx) (any, error) { return tx.ReminderSettings() }},
	{"work settings", func(tx core.Tx) (any, error) { return tx.WorkSettings() }},
	{"calendar years", func(tx core.Tx) (any, error) { return tx.CalendarYears() }},
	{"calendar 2027", func(tx core.Tx) (any, error) { return tx.CalendarYear(2027) }},
	{"request", func(tx core.Tx) (any, error) { return tx.RequestByID(1) }},
	{"correction", func(tx core.Tx) (any, error) { return tx.CorrectionByID(1) }},
	{"corrections pending", func(tx core.Tx) (any, error) { return tx.PendingCorrections(core.EntityClient, 1) }},
	{"case", func(tx core.Tx) (any, error) { return tx.CaseByThread("telegram", "-100", "77") }},
	{"case messages", func(tx core.Tx) (any, error) { return tx.CaseMessages(1) }},
	{"report templates", func(tx core.Tx) (any, error) { return tx.ReportTemplates() }},
	{"report schedules", func(tx core.Tx) (any, error) { return tx.ReportSchedules() }},
	{"report run", func(tx core.Tx) (any, error) { return tx.ReportRunByID(1) }},
	{"report mail", func(tx core.Tx) (any, error) { return tx.ReportMailByID(1) }},
	{"report file", func(tx core.Tx) (any, error) { return tx.File(fileRef("", reportData).SHA256) }},
	{"each deal", func(tx core.Tx) (any, error) {
		var ds []*core.Deal
		err := tx.EachDeal(func(d *core.Deal) error { ds = append(ds, d); return nil })
		return ds, err
	}},
}

// readAll runs every read in one transaction of the store.
func readAll(t *testing.T, s core.Store) map[string]any {
	t.Helper()
	got := map[string]any{}
	err := s.View(context.Background(), func(tx core.Tx) error {
		for _, r := range reads {
			v, err := r.read(tx)
			if err != nil {
				return fmt.Errorf("%s: %w", r.name, err)
			}
			got[r.name] = v
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func openBolt(t *testing.T, path string) *bolt.DB {
	t.Helper()
	db, err := bolt.Open(path, bolt.WithNoSync(true), bolt.WithClock(fixedClock{importT0.Add(time.Hour)}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func TestImportBucketsAreBoltsDump(t *testing.T) {
	dump, imp := bolt.DumpBuckets(), postgres.ImportBuckets()
	for _, b := range dump {
		if !slices.Contains(imp, b) {
			t.Errorf("bbolt's bucket %s is dumped but Import does not copy it", b)
		}
	}
	for _, b := range imp {
		if !slices.Contains(dump, b) {
			t.Errorf("Import copies bucket %s, which bbolt does not dump", b)
		}
	}
}

func TestImportCopiesEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	seedBolt(t, path)
	src := openBolt(t, path)
	pg := open(t, postgres.WithClock(fixedClock{importT0.Add(time.Hour)}))

	rep, err := pg.Import(context.Background(), src, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"users": 2, "invites": 1, "chats": 1, "clients": 3, "deals": 3, "tasks": 3,
		"intakes": 1, "registry_cache": 1, "changes": 3, "outbox": 2, "conversations": 1, "buttons": 1,
		"inbox": 2, "invite_failures": 1, "job_runs": 1, "docs": 1, "doc_templates": 1, "doc_files": 2,
		"doc_sends": 1, "reminders": 2, "control_results": 1, "settings": 2, "calendar_years": 2, "requests": 1,
		"corrections": 1, "cases": 1, "case_messages": 2, "report_templates": 1, "report_schedules": 1,
		"report_runs": 1, "report_files": 1, "report_file_refs": 1, "report_mails": 1, "sequences": 3,
		"cursors": 1, "edo_cursors": 1}
	if len(rep.Counts) != len(postgres.ImportBuckets()) {
		t.Errorf("report has %d counts, want one per bucket (%d)", len(rep.Counts), len(postgres.ImportBuckets()))
	}
	for _, c := range rep.Counts {
		if c.Source != want[c.Bucket] || c.Target != c.Source {
			t.Errorf("%s → %s: %d → %d, want %d", c.Bucket, c.Table, c.Source, c.Target, want[c.Bucket])
		}
	}
	// 21 ID counters (every numbered bucket was used) and 3 named ones.
	if rep.Counters != 24 {
		t.Errorf("counters set: %d, want 24", rep.Counters)
	}

	before, after := readAll(t, src), readAll(t, pg)
	for _, r := range reads {
		if b, a := before[r.name], after[r.name]; !reflect.DeepEqual(b, a) {
			bj, _ := json.Marshal(b)
			aj, _ := json.Marshal(a)
			t.Errorf("%s differs:\nbbolt:      %s\npostgresql: %s", r.name, bj, aj)
		}
	}
	if t.Failed() {
		return
	}

	// What is created next continues the numbering in both stores alike: no
	// ID or number is taken twice.
	next := func(s core.Store) []int64 {
		var ids []int64
		err := s.Update(context.Background(), func(tx core.Tx) error {
			n, err := tx.NextSequence("deal-2026")
			if err != nil {
				return err
			}
			d := &core.Deal{Number: core.DealNumber(2026, n), ClientID: 1, ManagerID: 2, Title: "Новая",
				Stage: core.StageNew, CreatedBy: 1}
			u := &core.User{Identities: []string{"telegram:55"}, Name: "Вера", Role: core.RoleManager}
			m := &core.CaseMessage{CaseID: 1, UserID: 1, PlatformID: "102", Text: "ещё"}
			doc, err := tx.NextSequence(core.DocCounter(core.DocContract, 2026))
			if err != nil {
				return err
			}
			if err := errors.Join(tx.CreateDeal(d), tx.CreateUser(u), tx.AddCaseMessage(m)); err != nil {
				return err
			}
			it := &core.InboxItem{Platform: "telegram", Key: "3", ChatID: "42"}
			if _, err := tx.AddInboxItem(it); err != nil {
				return err
			}
			ids = append(ids, int64(n), d.ID, u.ID, m.ID, int64(doc), it.ID)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	if b, p := next(src), next(pg); !slices.Equal(b, p) || !slices.Equal(p, []int64{4, 4, 3, 3, 2, 3}) {
		t.Errorf("next numbers and IDs: bbolt %v, postgresql %v, want [4 4 3 3 2 3]", b, p)
	}

	// The report file kept its two references: the first release keeps it,
	// the second deletes it.
	sha := fileRef("", reportData).SHA256
	for i, wantThere := range []bool{true, false} {
		err := pg.Update(context.Background(), func(tx core.Tx) error {
			if err := tx.ReleaseReportFile(sha); err != nil {
				return err
			}
			_, err := tx.File(sha)
			if there := err == nil; there != wantThere {
				return fmt.Errorf("release %d: file there %v (%v), want %v", i+1, there, err, wantThere)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// TestImportRefusesNonEmpty: a database holding anything, even a counter,
// is refused and left as it was.
func TestImportRefusesNonEmpty(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	seedBolt(t, path)
	src := openBolt(t, path)
	ctx := context.Background()

	pg := open(t)
	if err := pg.Update(ctx, func(tx core.Tx) error { _, err := tx.NextSequence("deal-2026"); return err }); err != nil {
		t.Fatal(err)
	}
	if _, err := pg.Import(ctx, src, nil); err == nil || !strings.Contains(err.Error(), "not empty") ||
		!strings.Contains(err.Error(), "counters") {
		t.Fatalf("import into a database with a counter: %v, want refused naming counters", err)
	}

	pg2 := open(t, postgres.WithClock(fixedClock{importT0.Add(time.Hour)}))
	if _, err := pg2.Import(ctx, src, nil); err != nil {
		t.Fatal(err)
	}
	before := readAll(t, pg2)
	_, err := pg2.Import(ctx, src, nil)
	if err == nil || !strings.Contains(err.Error(), "users") || !strings.Contains(err.Error(), "deals") {
		t.Fatalf("a second import: %v, want refused naming the tables", err)
	}
	if after := readAll(t, pg2); !reflect.DeepEqual(before, after) {
		t.Error("the refused import changed the database")
	}
}

// fakeSource is a source with the given entries.
type fakeSource struct {
	entries [][3]string // bucket, key, value
	seqs    map[string]uint64
}

func (f fakeSource) Dump(_ context.Context, fn func(bucket string, key, value []byte) error) error {
	for _, e := range f.entries {
		if err := fn(e[0], []byte(e[1]), []byte(e[2])); err != nil {
			return err
		}
	}
	return nil
}

func (f fakeSource) Sequences(context.Context) (map[string]uint64, error) { return f.seqs, nil }

func id8(n byte) string { return string([]byte{0, 0, 0, 0, 0, 0, 0, n}) }

// TestImportFailsAndRollsBack: counts that differ, an unknown bucket, a
// record that cannot be read or a report file without its count fail the
// whole copy, and the database stays empty (a later copy succeeds).
func TestImportFailsAndRollsBack(t *testing.T) {
	pg := open(t)
	ctx := context.Background()
	user := `{"id":1,"name":"Анна","role":"admin","identities":["telegram:1"]}`
	for name, c := range map[string]struct {
		src  fakeSource
		want string
	}{
		// The same user twice: one row for two entries.
		"counts differ": {fakeSource{entries: [][3]string{{"users", id8(1), user}, {"users", id8(1), user}}},
			"users: 2 in the source, 1 in table users"},
		"unknown bucket": {fakeSource{entries: [][3]string{{"users", id8(1), user}, {"gadgets", "a", "{}"}}},
			"cannot copy bucket gadgets"},
		"unreadable record": {fakeSource{entries: [][3]string{{"deals", id8(1), `{"id":`}}}, "bucket deals"},
		"file without count": {fakeSource{entries: [][3]string{{"report_files", "ab", "x"}}},
			"report file ab has no count"},
		"unknown counter": {fakeSource{seqs: map[string]uint64{"invites": 3}}, "invites has an ID counter"},
	} {
		_, err := pg.Import(ctx, c.src, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", name, err, c.want)
		}
	}
	ok := fakeSource{entries: [][3]string{{"users", id8(1), user}, {"sequences", "deal-2026", id8(7)}},
		seqs: map[string]uint64{"users": 1}}
	rep, err := pg.Import(ctx, ok, nil)
	if err != nil {
		t.Fatalf("a copy after the failed ones: %v", err)
	}
	if rep.Counters != 2 {
		t.Errorf("counters %d, want 2", rep.Counters)
	}
	err = pg.Update(ctx, func(tx core.Tx) error {
		if n, err := tx.NextSequence("deal-2026"); err != nil || n != 8 {
			return fmt.Errorf("next deal number %d, %v; want 8", n, err)
		}
		u := &core.User{Identities: []string{"telegram:2"}, Name: "Борис", Role: core.RoleManager}
		if err := tx.CreateUser(u); err != nil || u.ID != 2 {
			return fmt.Errorf("next user %d, %v; want 2", u.ID, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestImportProgress: a long copy reports every 10,000 entries of a bucket.
func TestImportProgress(t *testing.T) {
	pg := open(t)
	var src fakeSource
	for i := range 10001 {
		src.entries = append(src.entries, [3]string{"cursors", fmt.Sprintf("c%05d", i), "1"})
	}
	var calls []string
	rep, err := pg.Import(context.Background(), src, func(bucket string, n int64) {
		calls = append(calls, fmt.Sprintf("%s %d", bucket, n))
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(calls, []string{"cursors 10000"}) {
		t.Errorf("progress calls %v, want [cursors 10000]", calls)
	}
	if i := slices.IndexFunc(rep.Counts, func(c postgres.ImportCount) bool { return c.Bucket == "cursors" }); i < 0 ||
		rep.Counts[i].Target != 10001 {
		t.Errorf("counts %+v", rep.Counts)
	}
}
