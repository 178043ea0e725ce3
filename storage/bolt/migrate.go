package bolt

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"go.etcd.io/bbolt"
	bbolterrors "go.etcd.io/bbolt/errors"

	"github.com/dealdesk/dealdesk/core"
)

// Buckets. Record buckets map an 8-byte ID (or a natural key) to JSON; index
// buckets (…_by_…) map a composite key to an ID or to nothing.
var (
	bktMeta      = []byte("meta")
	bktSequences = []byte("sequences")

	bktUsers           = []byte("users")
	bktUsersByIdentity = []byte("users_by_identity")
	bktInvites         = []byte("invites")

	bktChats          = []byte("chats")
	bktChatsByPurpose = []byte("chats_by_purpose")

	bktClients       = []byte("clients")
	bktClientsByINN  = []byte("clients_by_inn")
	bktClientsByOGRN = []byte("clients_by_ogrn")
	bktClientsByName = []byte("clients_by_name")

	bktDeals          = []byte("deals")
	bktDealsByNumber  = []byte("deals_by_number")
	bktDealsByClient  = []byte("deals_by_client")
	bktDealsByManager = []byte("deals_by_manager")

	bktTasks           = []byte("tasks")
	bktTasksByAssignee = []byte("tasks_by_assignee")
	bktTasksByDue      = []byte("tasks_by_due")
	bktTasksByDeal     = []byte("tasks_by_deal")   // since schema 2
	bktTasksByClient   = []byte("tasks_by_client") // since schema 2

	bktClientsByNameKey = []byte("clients_by_namekey") // since schema 3
	bktIntakes          = []byte("intakes")            // since schema 3
	bktRegistryCache    = []byte("registry_cache")     // since schema 3
	bktClientsByChecked = []byte("clients_by_checked") // since schema 4

	bktChanges         = []byte("changes")
	bktChangesByEntity = []byte("changes_by_entity")

	bktOutbox        = []byte("outbox")
	bktOutboxPending = []byte("outbox_pending")

	bktConversations         = []byte("conversations")
	bktConversationsByExpiry = []byte("conversations_by_expiry")
	bktButtons               = []byte("buttons")
	bktButtonsByExpiry       = []byte("buttons_by_expiry")

	bktInbox          = []byte("inbox")                  // since schema 6
	bktInboxByKey     = []byte("inbox_by_key")           // since schema 6
	bktInboxPending   = []byte("inbox_pending")          // since schema 6
	bktInboxByHandled = []byte("inbox_by_handled")       // since schema 6
	bktInboxByChat    = []byte("inbox_pending_by_chat")  // since schema 6
	bktOutboxByChat   = []byte("outbox_pending_by_chat") // since schema 6
	bktCursors        = []byte("cursors")                // since schema 6

	bktInviteFailures = []byte("invite_failures") // since schema 7

	bktJobRuns = []byte("job_runs") // since schema 8

	bktDocuments         = []byte("docs")           // since schema 9
	bktDocumentsByDeal   = []byte("docs_by_deal")   // since schema 9
	bktDocumentsByNumber = []byte("docs_by_number") // since schema 9
	bktDocumentsByEDO    = []byte("docs_by_edo")    // since schema 9
	bktDocTemplates      = []byte("doc_templates")  // since schema 9
	bktDocFiles          = []byte("doc_files")      // since schema 9
	bktDocSends          = []byte("doc_sends")      // since schema 9
	bktDocSendsDue       = []byte("doc_sends_due")  // since schema 9
	bktEDOCursors        = []byte("edo_cursors")    // since schema 9

	bktReminders              = []byte("reminders")                 // since schema 10
	bktRemindersByKey         = []byte("reminders_by_key")          // since schema 10
	bktRemindersDue           = []byte("reminders_due")             // since schema 10
	bktRemindersByDeal        = []byte("reminders_by_deal")         // since schema 10
	bktRemindersByTask        = []byte("reminders_by_task")         // since schema 10
	bktRemindersPendingByUser = []byte("reminders_pending_by_user") // since schema 10
	bktControlResults         = []byte("control_results")           // since schema 10
	bktControlByDeal          = []byte("control_by_deal")           // since schema 10
	bktControlByTask          = []byte("control_by_task")           // since schema 10
	bktControlByTime          = []byte("control_by_time")           // since schema 10
	bktSettings               = []byte("settings")                  // since schema 10
	bktCalendarYears          = []byte("calendar_years")            // since schema 10

	bktRequests            = []byte("requests")              // since schema 11
	bktRequestsOpen        = []byte("requests_open")         // since schema 11
	bktRequestsByRequester = []byte("requests_by_requester") // since schema 11
	bktRequestsByAssignee  = []byte("requests_by_assignee")  // since schema 11
	bktRequestsByClient    = []byte("requests_by_client")    // since schema 11
	bktRequestsByDeal      = []byte("requests_by_deal")      // since schema 11
	bktCorrections         = []byte("corrections")           // since schema 11
	bktCorrectionsPending  = []byte("corrections_pending")   // since schema 11
	bktCases               = []byte("cases")                 // since schema 11
	bktCasesByThread       = []byte("cases_by_thread")       // since schema 11
	bktCasesByDeal         = []byte("cases_by_deal")         // since schema 11
	bktCasesByClient       = []byte("cases_by_client")       // since schema 11
	bktCaseMessages        = []byte("case_messages")         // since schema 11
	bktCaseMessagesByPID   = []byte("case_messages_by_pid")  // since schema 11

	bktChangesByTime         = []byte("changes_by_time")          // since schema 12
	bktReportTemplates       = []byte("report_templates")         // since schema 12
	bktReportTemplatesByName = []byte("report_templates_by_name") // since schema 12
	bktReportSchedules       = []byte("report_schedules")         // since schema 12
	bktReportSchedulesDue    = []byte("report_schedules_due")     // since schema 12
	bktReportRuns            = []byte("report_runs")              // since schema 12
	bktReportMails           = []byte("report_mails")             // since schema 12
	bktReportMailsDue        = []byte("report_mails_due")         // since schema 12
	bktReportFiles           = []byte("report_files")             // since schema 12
	bktReportFileRefs        = []byte("report_file_refs")         // since schema 12
)

// keySchemaVersion is the meta key of the number of migrations applied.
var keySchemaVersion = []byte("schema_version")

// migration brings the schema from one version to the next.
type migration func(tx *bbolt.Tx) error

// migrations are applied in order; migrations[i] brings the schema to version
// i+1. Append only: never edit or reorder a released migration.
var migrations = []migration{
	createBuckets,      // 1
	indexTasksByRecord, // 2
	addIntake,          // 3
	indexChecked,       // 4
	reindexNameKeys,    // 5
	addInbox,           // 6
	limitInvites,       // 7
	addJobRuns,         // 8
	addDocuments,       // 9
	addReminders,       // 10
	addRequests,        // 11
	addReports,         // 12
}

// addReports adds report templates, schedules, runs and mails with their
// indexes, and the index of the audit records by time (for exports of the
// history over a period), built from the records there are.
func addReports(tx *bbolt.Tx) error {
	for _, b := range [][]byte{bktChangesByTime, bktReportTemplates, bktReportTemplatesByName, bktReportSchedules,
		bktReportSchedulesDue, bktReportRuns, bktReportMails, bktReportMailsDue, bktReportFiles, bktReportFileRefs} {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return err
		}
	}
	idx := tx.Bucket(bktChangesByTime)
	// Changes are appended in ID order, which is (nearly) time order: the
	// index is filled in order too, so its pages fill up.
	idx.FillPercent = 0.9
	c := tx.Bucket(bktChanges).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		at, err := changeTime(v)
		if err != nil {
			return fmt.Errorf("change %x: %w", k, err)
		}
		if err := idx.Put(key(timeKey(at), k), []byte{}); err != nil {
			return err
		}
	}
	return nil
}

// addRequests adds requests, corrections and case discussions with their
// indexes, and makes every intake a request of type intake under the same
// number: the requests' counter goes on from the intakes', and each
// intake's task learns its request.
func addRequests(tx *bbolt.Tx) error {
	for _, b := range [][]byte{bktRequests, bktRequestsOpen, bktRequestsByRequester, bktRequestsByAssignee,
		bktRequestsByClient, bktRequestsByDeal, bktCorrections, bktCorrectionsPending, bktCases, bktCasesByThread,
		bktCasesByDeal, bktCasesByClient, bktCaseMessages, bktCaseMessagesByPID} {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return err
		}
	}
	intakes, requests, tasks := tx.Bucket(bktIntakes), tx.Bucket(bktRequests), tx.Bucket(bktTasks)
	err := intakes.ForEach(func(k, v []byte) error {
		var in core.Intake
		if err := decode(v, &in); err != nil {
			return fmt.Errorf("intake %x: %w", k, err)
		}
		r := requestOfIntake(&in)
		var task *core.Task
		if data := tasks.Get(itob(in.TaskID)); in.TaskID != 0 && data != nil {
			task = new(core.Task)
			if err := decode(data, task); err != nil {
				return fmt.Errorf("task %d of intake %d: %w", in.TaskID, in.ID, err)
			}
			// The officer who took it works it, or did.
			r.AssigneeID = task.AssigneeID
			if r.Status == core.RequestNew && task.AssigneeID != 0 {
				r.Status = core.RequestInWork
			}
		}
		data, err := json.Marshal(r)
		if err != nil {
			return err
		}
		if err := requests.Put(itob(r.ID), data); err != nil {
			return err
		}
		for _, e := range requestEntries(r) {
			if err := tx.Bucket(e.bucket).Put(e.key, []byte{}); err != nil {
				return err
			}
		}
		if task == nil {
			return nil
		}
		// The task's indexes do not depend on RequestID: they stay valid.
		task.RequestID = r.ID
		if data, err = json.Marshal(task); err != nil {
			return err
		}
		return tasks.Put(itob(task.ID), data)
	})
	if err != nil {
		return err
	}
	seq := intakes.Sequence()
	if k, _ := intakes.Cursor().Last(); len(k) == 8 {
		seq = max(seq, uint64(btoi(k)))
	}
	return requests.SetSequence(seq)
}

// requestOfIntake is the request an intake stored before schema 11 is.
func requestOfIntake(in *core.Intake) *core.Request {
	r := &core.Request{ID: in.ID, Type: core.RequestIntake, Status: core.RequestNew, RequesterID: in.ManagerID,
		ClientID: in.ClientID, TaskID: in.TaskID, IntakeID: in.ID,
		Text:      strings.TrimSpace(in.Given.Name() + " " + in.Given.INN),
		CreatedAt: in.CreatedAt, UpdatedAt: in.UpdatedAt}
	switch in.Status {
	case core.IntakeDone:
		r.Status = core.RequestDone
	case core.IntakeReturned:
		r.Status, r.Result = core.RequestRejected, in.ReturnNote
	}
	if r.Status.Closed() {
		r.ClosedAt = in.UpdatedAt
	}
	return r
}

// addReminders adds reminders with their indexes, the control results with
// theirs, the settings and the production calendar's loaded years. They are
// new records: there is nothing to build from the existing ones.
func addReminders(tx *bbolt.Tx) error {
	for _, b := range [][]byte{bktReminders, bktRemindersByKey, bktRemindersDue, bktRemindersByDeal,
		bktRemindersByTask, bktRemindersPendingByUser, bktControlResults, bktControlByDeal, bktControlByTask,
		bktControlByTime, bktSettings, bktCalendarYears} {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return err
		}
	}
	return nil
}

// addDocuments adds documents with their indexes, templates, the files of
// both, the durable sends and the EDO feeds' cursors.
func addDocuments(tx *bbolt.Tx) error {
	for _, b := range [][]byte{bktDocuments, bktDocumentsByDeal, bktDocumentsByNumber, bktDocumentsByEDO,
		bktDocTemplates, bktDocFiles, bktDocSends, bktDocSendsDue, bktEDOCursors} {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return err
		}
	}
	return nil
}

// addJobRuns adds the records of the periodic jobs' runs.
func addJobRuns(tx *bbolt.Tx) error {
	_, err := tx.CreateBucketIfNotExists(bktJobRuns)
	return err
}

// limitInvites adds the failed invite redemptions of each identity, and
// revokes the invites issued so far: their codes were short enough to guess
// and may have been posted to a group chat.
func limitInvites(tx *bbolt.Tx) error {
	if _, err := tx.CreateBucketIfNotExists(bktInviteFailures); err != nil {
		return err
	}
	if err := tx.DeleteBucket(bktInvites); err != nil {
		return err
	}
	_, err := tx.CreateBucket(bktInvites)
	return err
}

// addInbox adds the inbox of updates taken from the chat platforms, the
// transports' cursors, and the index of pending outbox messages by chat,
// built from the messages there are.
func addInbox(tx *bbolt.Tx) error {
	for _, b := range [][]byte{bktInbox, bktInboxByKey, bktInboxPending, bktInboxByHandled, bktInboxByChat,
		bktCursors, bktOutboxByChat} {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return err
		}
	}
	// The pending messages' entries are written anew: the pending index's
	// entries now carry the chat, and the by-chat index is new.
	return tx.Bucket(bktOutbox).ForEach(func(_, v []byte) error {
		var m core.OutboxMessage
		if err := decode(v, &m); err != nil {
			return err
		}
		for _, e := range outboxEntries(&m) {
			if err := tx.Bucket(e.bucket).Put(e.key, e.value); err != nil {
				return err
			}
		}
		return nil
	})
}

// reindexNameKeys rebuilds the name key index after core.NameKey learned
// to read Latin look-alike letters as Cyrillic.
func reindexNameKeys(tx *bbolt.Tx) error {
	if err := tx.DeleteBucket(bktClientsByNameKey); err != nil && !errors.Is(err, bbolterrors.ErrBucketNotFound) {
		return err
	}
	idx, err := tx.CreateBucket(bktClientsByNameKey)
	if err != nil {
		return err
	}
	return fillNameKeys(tx, idx)
}

// indexChecked adds the index of verified clients by the time of their last
// registry check, built from the clients there are.
func indexChecked(tx *bbolt.Tx) error {
	idx, err := tx.CreateBucketIfNotExists(bktClientsByChecked)
	if err != nil {
		return err
	}
	return tx.Bucket(bktClients).ForEach(func(_, v []byte) error {
		var c core.Client
		if err := decode(v, &c); err != nil {
			return err
		}
		if e, ok := checkedEntry(&c); ok {
			return idx.Put(e.key, []byte{})
		}
		return nil
	})
}

// addIntake adds intakes, the registry cache and the index of clients by
// name key (for duplicates), built from the clients there are.
func addIntake(tx *bbolt.Tx) error {
	for _, b := range [][]byte{bktIntakes, bktRegistryCache} {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return err
		}
	}
	idx, err := tx.CreateBucketIfNotExists(bktClientsByNameKey)
	if err != nil {
		return err
	}
	return fillNameKeys(tx, idx)
}

// fillNameKeys writes every client's name key entries into idx.
func fillNameKeys(tx *bbolt.Tx, idx *bbolt.Bucket) error {
	return tx.Bucket(bktClients).ForEach(func(_, v []byte) error {
		var c core.Client
		if err := decode(v, &c); err != nil {
			return err
		}
		for _, e := range nameKeyEntries(&c) {
			if err := idx.Put(e.key, []byte{}); err != nil {
				return err
			}
		}
		return nil
	})
}

// indexTasksByRecord adds the indexes of tasks by deal and by client, for a
// deal's or client's history without reading every task.
func indexTasksByRecord(tx *bbolt.Tx) error {
	byDeal, err := tx.CreateBucketIfNotExists(bktTasksByDeal)
	if err != nil {
		return err
	}
	byClient, err := tx.CreateBucketIfNotExists(bktTasksByClient)
	if err != nil {
		return err
	}
	return tx.Bucket(bktTasks).ForEach(func(k, v []byte) error {
		var t core.Task
		if err := decode(v, &t); err != nil {
			return err
		}
		if t.DealID != 0 {
			if err := byDeal.Put(key(itob(t.DealID), k), nil); err != nil {
				return err
			}
		}
		if t.ClientID != 0 {
			return byClient.Put(key(itob(t.ClientID), k), nil)
		}
		return nil
	})
}

// createBuckets creates every bucket of the first schema.
func createBuckets(tx *bbolt.Tx) error {
	for _, name := range [][]byte{
		bktSequences,
		bktUsers, bktUsersByIdentity, bktInvites,
		bktChats, bktChatsByPurpose,
		bktClients, bktClientsByINN, bktClientsByOGRN, bktClientsByName,
		bktDeals, bktDealsByNumber, bktDealsByClient, bktDealsByManager,
		bktTasks, bktTasksByAssignee, bktTasksByDue,
		bktChanges, bktChangesByEntity,
		bktOutbox, bktOutboxPending,
		bktConversations, bktConversationsByExpiry, bktButtons, bktButtonsByExpiry,
	} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return nil
}

// migrate applies the pending migrations in one transaction, so a failure
// leaves the file as it was. A file written by a newer DealDesk is refused.
func (db *DB) migrate() error {
	err := db.db.Update(func(tx *bbolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bktMeta)
		if err != nil {
			return err
		}
		version := 0
		if v := meta.Get(keySchemaVersion); v != nil {
			version = int(btoi(v))
		}
		if version > len(migrations) {
			return fmt.Errorf("schema version %d is newer than this program supports (%d); "+
				"use a newer DealDesk or restore a backup", version, len(migrations))
		}
		for ; version < len(migrations); version++ {
			if err := migrations[version](tx); err != nil {
				return fmt.Errorf("migration %d: %w", version+1, err)
			}
			if err := meta.Put(keySchemaVersion, itob(int64(version+1))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("bolt: migrate %s: %w", db.path, err)
	}
	return nil
}

// SchemaVersion returns the number of migrations applied to the file.
func (db *DB) SchemaVersion() (int, error) {
	var version int
	err := db.db.View(func(tx *bbolt.Tx) error {
		if v := tx.Bucket(bktMeta).Get(keySchemaVersion); v != nil {
			version = int(btoi(v))
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("bolt: schema version: %w", err)
	}
	return version, nil
}
