package bolt_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

// seedAll writes a record of every aggregate, with every kind of index
// entry, into a new database at path and closes it.
func seedAll(t *testing.T, path string) {
	t.Helper()
	db, err := bolt.Open(path, bolt.WithNoSync(true), bolt.WithClock(NewClock()))
	if err != nil {
		t.Fatal(err)
	}
	MustUpdate(t, db, func(tx core.Tx) error {
		u := &core.User{Identities: []string{"telegram:1", "console:local"}, Name: "Анна", Role: core.RoleAdmin}
		if err := tx.CreateUser(u); err != nil {
			return err
		}
		if err := tx.CreateInvite(&core.Invite{Code: "c0de", Role: core.RoleManager, CreatedBy: u.ID,
			ExpiresAt: tx.Now().Add(time.Hour)}); err != nil {
			return err
		}
		if err := tx.PutWorkChat(&core.WorkChat{Platform: "telegram", ChatID: "-100", Title: "Юристы",
			Purpose: core.PurposeLawyers}); err != nil {
			return err
		}
		var clients []*core.Client
		for i := range 3 {
			c := fixtureClient(i)
			if i == 1 {
				c.Verification = core.Verification{Status: core.Verified, At: tx.Now(), Source: "dadata"}
			}
			if err := tx.CreateClient(c); err != nil {
				return err
			}
			clients = append(clients, c)
		}
		for i := range 3 {
			n, err := tx.NextSequence("deal-2026")
			if err != nil {
				return err
			}
			d := &core.Deal{Number: core.DealNumber(2026, n), ClientID: clients[i].ID, ManagerID: u.ID,
				Title: "Поставка", Stage: core.StageNew, CreatedBy: u.ID}
			if err := tx.CreateDeal(d); err != nil {
				return err
			}
			if err := tx.AddChanges(&core.Change{ActorID: u.ID, Entity: core.EntityDeal, EntityID: d.ID,
				Field: "stage", New: string(d.Stage)}); err != nil {
				return err
			}
			task := &core.Task{Title: "Договор", AssigneeID: u.ID, DealID: d.ID, ClientID: d.ClientID,
				Status: core.TaskOpen, CreatedBy: u.ID}
			if i > 0 {
				task.Due = tx.Now().Add(time.Duration(i) * 24 * time.Hour)
			}
			if err := tx.CreateTask(task); err != nil {
				return err
			}
		}
		if err := tx.CreateIntake(&core.Intake{ManagerID: u.ID}); err != nil {
			return err
		}
		if err := tx.PutCachedRecord(clients[0].INN, "", &core.RegistryRecord{Source: "dadata",
			INN: clients[0].INN, ShortName: clients[0].ShortName}); err != nil {
			return err
		}
		for _, st := range []core.OutboxStatus{core.OutboxPending, core.OutboxDelivered} {
			if err := tx.Enqueue(&core.OutboxMessage{Platform: "telegram", ChatID: "1", Key: "notify",
				Status: st}); err != nil {
				return err
			}
		}
		if err := tx.PutConversation(&core.Conversation{Key: "telegram:1:1", ID: "f1", Flow: "deal",
			Step: "title", ExpiresAt: tx.Now().Add(time.Hour)}); err != nil {
			return err
		}
		if err := tx.PutJobRun(&core.JobRun{Name: "purge_inbox", LastSuccess: tx.Now(), Runs: 1}); err != nil {
			return err
		}
		if err := tx.PutInviteFailures("telegram:9", []time.Time{tx.Now()}); err != nil {
			return err
		}
		// Reminder 1 is pending (in every index), reminder 2 fired (out of
		// the due ones).
		if err := tx.CreateReminder(&core.Reminder{Key: "deal:1:signing:0", Kind: core.ReminderSigning, UserID: u.ID,
			DealID: 1, TaskID: 1, DueAt: tx.Now().Add(time.Hour)}); err != nil {
			return err
		}
		if err := tx.CreateReminder(&core.Reminder{Key: "deal:2:payment:0", Kind: core.ReminderPayment, UserID: u.ID,
			DealID: 2, DueAt: tx.Now().Add(-time.Hour), Status: core.ReminderFired, FiredAt: tx.Now()}); err != nil {
			return err
		}
		if err := tx.AddControlResult(&core.ControlResult{ReminderID: 2, Kind: core.ReminderPayment, DealID: 2,
			TaskID: 2, UserID: u.ID, Outcome: core.ControlDone, Text: "оплачено"}); err != nil {
			return err
		}
		if err := tx.PutReminderSettings(core.DefaultReminderSettings()); err != nil {
			return err
		}
		if err := tx.PutCalendarYear(2027, []byte("<calendar/>")); err != nil {
			return err
		}
		return tx.PutButton(&core.Button{Token: "tok", Action: "deal.open", ExpiresAt: tx.Now().Add(time.Hour)})
	})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

// rawUpdate changes the closed database at path behind DealDesk's back.
func rawUpdate(t *testing.T, path string, fn func(tx *bbolt.Tx) error) {
	t.Helper()
	raw, err := bbolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := raw.Update(fn); err != nil {
		t.Fatal(err)
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
}

// mustCheck runs Check on the database at path through Open.
func mustCheck(t *testing.T, path string) *bolt.CheckReport {
	t.Helper()
	db := MustOpenDBAt(t, path)
	r, err := db.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// wantProblems fails unless every want is part of some problem.
func wantProblems(t *testing.T, r *bolt.CheckReport, wants ...string) {
	t.Helper()
	all := strings.Join(r.Problems, "\n")
	if r.OK() {
		t.Fatalf("no problems reported; want %q", wants)
	}
	for _, w := range wants {
		if !strings.Contains(all, w) {
			t.Errorf("no problem mentions %q:\n%s", w, all)
		}
	}
}

func id(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

func TestCheck_Healthy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	seedAll(t, path)
	r := mustCheck(t, path)
	if !r.OK() {
		t.Fatalf("problems in a healthy database:\n%s", strings.Join(r.Problems, "\n"))
	}
	if len(r.Notes) > 0 {
		t.Errorf("notes on a healthy database of this schema: %q", r.Notes)
	}
	// users 1, invites 1, chats 1, clients 3, deals 3, tasks 3, intakes 1,
	// registry 1, changes 3, outbox 2, conversations 1, buttons 1, job runs 1,
	// invite failures 1, reminders 2, control results 1, settings 1,
	// calendar years 1.
	if r.Records != 28 || r.IndexEntries < 40 || r.Counters < 10 {
		t.Errorf("checked %d records, %d index entries, %d counters", r.Records, r.IndexEntries, r.Counters)
	}
}

// TestCheck_DanglingIndexEntry: a record deleted without its index entries.
func TestCheck_DanglingIndexEntry(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	seedAll(t, path)
	rawUpdate(t, path, func(tx *bbolt.Tx) error { return tx.Bucket([]byte("deals")).Delete(id(2)) })
	r := mustCheck(t, path)
	wantProblems(t, r, "index deals_by_number: entry \"D-2026-0002\" points at deal 2, which does not exist",
		"index deals_by_client", "index deals_by_manager")
	if len(r.Problems) != 3 {
		t.Errorf("want 3 problems:\n%s", strings.Join(r.Problems, "\n"))
	}
}

// TestCheck_MissingAndStaleEntries: an index entry lost, and one left
// pointing at a record that no longer lists it.
func TestCheck_MissingAndStaleEntries(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	seedAll(t, path)
	rawUpdate(t, path, func(tx *bbolt.Tx) error {
		if err := tx.Bucket([]byte("users_by_identity")).Delete([]byte("telegram:1")); err != nil {
			return err
		}
		return tx.Bucket([]byte("users_by_identity")).Put([]byte("telegram:999"), id(1))
	})
	r := mustCheck(t, path)
	wantProblems(t, r, `user 1: its entry "telegram:1" is missing from index users_by_identity`,
		`index users_by_identity: entry "telegram:999" points at user 1, which does not list it`)
}

func TestCheck_UndecodableRecord(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	seedAll(t, path)
	rawUpdate(t, path, func(tx *bbolt.Tx) error {
		if err := tx.Bucket([]byte("clients")).Put(id(2), []byte(`{"id": 2, "inn": `)); err != nil {
			return err
		}
		return tx.Bucket([]byte("tasks")).Put(id(3), []byte(`{"id": 4}`))
	})
	r := mustCheck(t, path)
	wantProblems(t, r, "client 2: it cannot be read: decode:", "task 3: it cannot be read: it says its ID is 4")
	// The entries of the unreadable client point at it; they are not
	// reported again as stale.
	for _, p := range r.Problems {
		if strings.Contains(p, "stale") {
			t.Errorf("unexpected problem: %s", p)
		}
	}
}

// TestCheck_Reminders: the reminders' and control results' indexes are
// checked like the others: an entry lost, a stale one, one pointing at
// nothing; and a setting or calendar year that cannot be read.
func TestCheck_Reminders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	seedAll(t, path)
	var dueKey []byte
	rawUpdate(t, path, func(tx *bbolt.Tx) error {
		due := tx.Bucket([]byte("reminders_due"))
		k, _ := due.Cursor().First()
		dueKey = bytes.Clone(k)
		if err := due.Delete(dueKey); err != nil {
			return err
		}
		// Reminder 2 fired: it has no place in a user's pending list.
		if err := tx.Bucket([]byte("reminders_pending_by_user")).Put(append(id(1), append(dueKey[:8:8], id(2)...)...),
			[]byte{}); err != nil {
			return err
		}
		if err := tx.Bucket([]byte("reminders_by_key")).Put([]byte("deal:3:renewal:0"), id(9)); err != nil {
			return err
		}
		if err := tx.Bucket([]byte("control_by_task")).Delete(append(id(2), id(1)...)); err != nil {
			return err
		}
		if err := tx.Bucket([]byte("settings")).Put([]byte("colours"), []byte(`{}`)); err != nil {
			return err
		}
		return tx.Bucket([]byte("calendar_years")).Put(id(2028), []byte{})
	})
	r := mustCheck(t, path)
	wantProblems(t, r,
		"reminder 1: its entry 0x"+hex.EncodeToString(dueKey)+" is missing from index reminders_due",
		"index reminders_pending_by_user: entry 0x"+hex.EncodeToString(id(1))+hex.EncodeToString(dueKey[:8])+
			hex.EncodeToString(id(2))+" points at reminder 2, which does not list it (a stale entry)",
		`index reminders_by_key: entry "deal:3:renewal:0" points at reminder 9, which does not exist`,
		"control result 1: its entry 0x"+hex.EncodeToString(id(2))+hex.EncodeToString(id(1))+
			" is missing from index control_by_task",
		`setting "colours": it cannot be read: this DealDesk knows no such setting`,
		"calendar year 0x"+hex.EncodeToString(id(2028))+": it cannot be read: its file is empty")
	if len(r.Problems) != 6 {
		t.Errorf("want 6 problems:\n%s", strings.Join(r.Problems, "\n"))
	}
}

// TestCheck_InviteFailures: the failed invite redemptions are read too.
func TestCheck_InviteFailures(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	seedAll(t, path)
	rawUpdate(t, path, func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte("invite_failures"))
		if err := b.Put([]byte("telegram:7"), []byte(`[]`)); err != nil {
			return err
		}
		return b.Put([]byte("telegram:8"), []byte(`{"at": 1}`))
	})
	r := mustCheck(t, path)
	wantProblems(t, r, `failed invite redemptions of "telegram:7": it cannot be read: it lists no failure`,
		`failed invite redemptions of "telegram:8": it cannot be read: decode:`)
}

func TestCheck_CountersBehind(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	seedAll(t, path)
	rawUpdate(t, path, func(tx *bbolt.Tx) error {
		if err := tx.Bucket([]byte("sequences")).Put([]byte("deal-2026"), id(1)); err != nil {
			return err
		}
		return tx.Bucket([]byte("tasks")).SetSequence(1)
	})
	r := mustCheck(t, path)
	wantProblems(t, r, `counter "deal-2026" is at 1, behind deal D-2026-0003 already in use`,
		"bucket tasks: the ID counter is at 1, behind the highest ID in use, 3: a new task would overwrite task 2")
}

// TestCheck_DamagedPage: a data page overwritten with garbage is reported,
// by bbolt's check and by reading the records, without a crash.
func TestCheck_DamagedPage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	db, err := bolt.Open(path, bolt.WithNoSync(true))
	if err != nil {
		t.Fatal(err)
	}
	MustUpdate(t, db, func(tx core.Tx) error {
		for i := range 2000 {
			if err := tx.CreateClient(fixtureClient(i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	var page int64
	var pageSize int
	rawUpdate(t, path, func(tx *bbolt.Tx) error {
		page, pageSize = int64(tx.Bucket([]byte("clients")).Root()), tx.DB().Info().PageSize
		return nil
	})
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte(strings.Repeat("\xa5", pageSize)), page*int64(pageSize)); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := bolt.CheckFile(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	wantProblems(t, r, "pages: ", "bucket clients: reading it failed")
}

// TestCheckFile reads a closed file without changing it and never makes a
// new one.
func TestCheckFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "dealdesk.db")
	seedAll(t, path)
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	r, err := bolt.CheckFile(context.Background(), path)
	if err != nil || !r.OK() {
		t.Fatalf("%v %v", err, r)
	}
	if after, err := os.Stat(path); err != nil || after.Size() != before.Size() || !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("the file changed: %v", err)
	}

	missing := filepath.Join(dir, "missing.db")
	if _, err := bolt.CheckFile(context.Background(), missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: err = %v", err)
	}
	if _, err := os.Stat(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the check made a file: %v", err)
	}

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "cut.db")
	if err := os.WriteFile(cut, data[:8<<10], 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := bolt.CheckFile(context.Background(), cut); !errors.Is(err, bolt.ErrDamaged) {
		t.Errorf("cut file: err = %v", err)
	}

	db := MustOpenDBAt(t, path)
	if _, err := bolt.CheckFile(context.Background(), path); !errors.Is(err, bolt.ErrInUse) {
		t.Errorf("file in use: err = %v", err)
	}
	if r, err := db.Check(context.Background()); err != nil || !r.OK() {
		t.Errorf("Check on the open database: %v %v", err, r)
	}
}

func TestCheck_Cancelled(t *testing.T) {
	db := MustOpenDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := db.Check(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}
