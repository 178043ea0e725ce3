package bolt

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/dealdesk/dealdesk/core"
)

// Case indexes:
//
//	cases_by_thread:      platform sep chatID sep threadID sep → caseID (open
//	                      cases in a thread, or kept in the chat itself)
//	cases_by_deal:        dealID caseID → nothing
//	cases_by_client:      clientID caseID → nothing
//
// Case messages are keyed by caseID messageID (the IDs from the
// case_messages bucket's counter), so a case's messages are one range in
// the order they came:
//
//	case_messages_by_pid: caseID platformID → caseID messageID (messages
//	                      with a platform ID)

// CaseByID returns the case with the ID, or ENOTFOUND.
func (tx *Tx) CaseByID(id int64) (*core.Case, error) {
	c := new(core.Case)
	if ok, err := tx.get(bktCases, itob(id), c); err != nil {
		return nil, fmt.Errorf("bolt: case %d: %w", id, err)
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.case.not_found", "ID", id)
	}
	return c, nil
}

// CaseByThread returns the open case of a chat's thread (threadID "" for
// a case kept in the chat itself), or ENOTFOUND. A case whose thread is
// still being opened is in no thread yet.
func (tx *Tx) CaseByThread(platform, chatID, threadID string) (*core.Case, error) {
	id := tx.tx.Bucket(bktCasesByThread).Get(threadKey(platform, chatID, threadID))
	if id == nil {
		return nil, core.Errorf(core.ENOTFOUND, "err.case.none_in_thread")
	}
	c := new(core.Case)
	if err := tx.load(bktCases, id, c); err != nil {
		return nil, fmt.Errorf("bolt: case of thread %s/%s/%s: %w", platform, chatID, threadID, err)
	}
	return c, nil
}

// CreateCase assigns the case an ID and stores it. CreatedAt is Now when
// zero. It returns ECONFLICT when its thread already has an open case.
func (tx *Tx) CreateCase(c *core.Case) (err error) {
	defer wrapf(&err, "create case")
	if err := tx.threadFree(c); err != nil {
		return err
	}
	if c.ID, err = tx.nextID(bktCases); err != nil {
		return err
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = tx.now
	}
	c.UpdatedAt = tx.now
	if err := tx.put(bktCases, itob(c.ID), c); err != nil {
		return err
	}
	return tx.reindex(nil, caseEntries(c))
}

// UpdateCase stores a changed case and moves its index entries: a closed
// one leaves its thread, one whose thread has opened enters it. It returns
// ENOTFOUND for an unknown case and ECONFLICT when its thread has another
// open case.
func (tx *Tx) UpdateCase(c *core.Case) (err error) {
	defer wrapf(&err, "update case %d", c.ID)
	old, err := tx.CaseByID(c.ID)
	if err != nil {
		return err
	}
	if err := tx.threadFree(c); err != nil {
		return err
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = old.CreatedAt
	}
	c.UpdatedAt = tx.now
	if err := tx.put(bktCases, itob(c.ID), c); err != nil {
		return err
	}
	return tx.reindex(caseEntries(old), caseEntries(c))
}

// threadFree returns ECONFLICT when the thread c would be indexed under
// holds another open case.
func (tx *Tx) threadFree(c *core.Case) error {
	k, ok := caseThreadKey(c)
	if !ok {
		return nil
	}
	if v := tx.tx.Bucket(bktCasesByThread).Get(k); len(v) == 8 && btoi(v) != c.ID {
		return core.Errorf(core.ECONFLICT, "err.case.thread_taken", "ID", btoi(v))
	}
	return nil
}

// CasesByDeal returns a deal's cases, oldest first (ties by ID).
func (tx *Tx) CasesByDeal(dealID int64) ([]*core.Case, error) {
	cs, err := tx.casesIn(bktCasesByDeal, itob(dealID))
	if err != nil {
		return nil, fmt.Errorf("bolt: cases of deal %d: %w", dealID, err)
	}
	return cs, nil
}

// CasesByClient returns a client's cases, oldest first (ties by ID).
func (tx *Tx) CasesByClient(clientID int64) ([]*core.Case, error) {
	cs, err := tx.casesIn(bktCasesByClient, itob(clientID))
	if err != nil {
		return nil, fmt.Errorf("bolt: cases of client %d: %w", clientID, err)
	}
	return cs, nil
}

// casesIn loads the cases of the index entries with the prefix, each key
// ending in the case's ID, oldest first.
func (tx *Tx) casesIn(index, prefix []byte) ([]*core.Case, error) {
	cs := []*core.Case{}
	err := tx.scan(index, prefix, func(k, _ []byte) (bool, error) {
		if len(k) != len(prefix)+8 {
			return false, fmt.Errorf("%s: malformed entry %x", index, k)
		}
		c := new(core.Case)
		if err := tx.load(bktCases, k[len(prefix):], c); err != nil {
			return false, err
		}
		cs = append(cs, c)
		return true, nil
	})
	slices.SortStableFunc(cs, func(a, b *core.Case) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return cs, err
}

// AddCaseMessage assigns the message an ID and stores it; At is Now when
// zero. A message whose PlatformID the case already has (the chat
// delivered it again) is ECONFLICT; an unknown case is ENOTFOUND.
func (tx *Tx) AddCaseMessage(m *core.CaseMessage) (err error) {
	defer wrapf(&err, "add message to case %d", m.CaseID)
	if _, err := tx.CaseByID(m.CaseID); err != nil {
		return err
	}
	if m.PlatformID != "" && tx.tx.Bucket(bktCaseMessagesByPID).Get(casePIDKey(m.CaseID, m.PlatformID)) != nil {
		return core.Errorf(core.ECONFLICT, "err.case.message_taken", "ID", m.CaseID)
	}
	if m.ID, err = tx.nextID(bktCaseMessages); err != nil {
		return err
	}
	if m.At.IsZero() {
		m.At = tx.now
	}
	if err := tx.put(bktCaseMessages, caseMessageKey(m), m); err != nil {
		return err
	}
	return tx.reindex(nil, caseMessageEntries(m))
}

// CaseMessageByPlatformID returns the message of a case that has the
// platform message id, through case_messages_by_pid; ENOTFOUND when none.
func (tx *Tx) CaseMessageByPlatformID(caseID int64, platformID string) (*core.CaseMessage, error) {
	if platformID == "" {
		return nil, core.Errorf(core.ENOTFOUND, "err.case.message_not_found")
	}
	k := tx.tx.Bucket(bktCaseMessagesByPID).Get(casePIDKey(caseID, platformID))
	if k == nil {
		return nil, core.Errorf(core.ENOTFOUND, "err.case.message_not_found")
	}
	m := new(core.CaseMessage)
	if err := tx.load(bktCaseMessages, k, m); err != nil {
		return nil, fmt.Errorf("bolt: message %q of case %d: %w", platformID, caseID, err)
	}
	return m, nil
}

// CaseMessages returns a case's messages in the order they were added.
func (tx *Tx) CaseMessages(caseID int64) ([]*core.CaseMessage, error) {
	ms := []*core.CaseMessage{}
	err := tx.scan(bktCaseMessages, itob(caseID), func(k, v []byte) (bool, error) {
		m := new(core.CaseMessage)
		if err := decode(v, m); err != nil {
			return false, fmt.Errorf("%s %x: %w", bktCaseMessages, k, err)
		}
		ms = append(ms, m)
		return true, nil
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: messages of case %d: %w", caseID, err)
	}
	return ms, nil
}

// threadKey is the key of a chat thread in cases_by_thread.
func threadKey(platform, chatID, threadID string) []byte {
	return key(str(platform), str(chatID), str(threadID))
}

// caseThreadKey is the thread key an open case is indexed under; ok is
// false for a closed case and for one whose thread is still being opened.
func caseThreadKey(c *core.Case) (k []byte, ok bool) {
	if c.Status != core.CaseOpen || (c.Opening && c.ThreadID == "") {
		return nil, false
	}
	return threadKey(c.Platform, c.ChatID, c.ThreadID), true
}

// caseEntries lists the index entries of a case.
func caseEntries(c *core.Case) []entry {
	id := itob(c.ID)
	es := make([]entry, 0, 3)
	if k, ok := caseThreadKey(c); ok {
		es = append(es, entry{bktCasesByThread, k, id})
	}
	if c.DealID != 0 {
		es = append(es, entry{bktCasesByDeal, key(itob(c.DealID), id), nil})
	}
	if c.ClientID != 0 {
		es = append(es, entry{bktCasesByClient, key(itob(c.ClientID), id), nil})
	}
	return es
}

// caseMessageKey is a message's key in case_messages.
func caseMessageKey(m *core.CaseMessage) []byte { return key(itob(m.CaseID), itob(m.ID)) }

// casePIDKey is the key of a platform message ID in case_messages_by_pid.
func casePIDKey(caseID int64, pid string) []byte { return key(itob(caseID), []byte(pid)) }

// caseMessageEntries lists the index entries of a case message.
func caseMessageEntries(m *core.CaseMessage) []entry {
	if m.PlatformID == "" {
		return nil
	}
	return []entry{{bktCaseMessagesByPID, casePIDKey(m.CaseID, m.PlatformID), caseMessageKey(m)}}
}
