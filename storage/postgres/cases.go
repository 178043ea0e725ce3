package postgres

import (
	"cmp"
	"slices"

	"github.com/dealdesk/dealdesk/core"
)

// The cases table has a case's platform, chat_id, thread_id, in_thread
// (open in its thread, unless the thread is still being opened: unique per
// thread), deal_id and client_id (0: none) and created_at. Case messages
// are the case_messages table, by case_id and ID, with platform_id ('':
// none) unique per case.

// CaseByID returns the case with the ID, or ENOTFOUND.
func (tx *Tx) CaseByID(id int64) (_ *core.Case, err error) {
	defer wrapf(&err, "case %d", id)
	c := new(core.Case)
	if ok, err := tx.get(c, `SELECT doc FROM cases WHERE id = $1`, id); err != nil {
		return nil, err
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.case.not_found", "ID", id)
	}
	return c, nil
}

// CaseByThread returns the open case of a chat's thread (threadID "" for
// a case kept in the chat itself), or ENOTFOUND. A case whose thread is
// still being opened is in no thread yet.
func (tx *Tx) CaseByThread(platform, chatID, threadID string) (_ *core.Case, err error) {
	defer wrapf(&err, "case of thread %s/%s/%s", platform, chatID, threadID)
	c := new(core.Case)
	if ok, err := tx.get(c, `SELECT doc FROM cases
		WHERE in_thread AND platform = $1 AND chat_id = $2 AND thread_id = $3`, platform, chatID, threadID); err != nil {
		return nil, err
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.case.none_in_thread")
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
	if c.ID, err = tx.nextID("cases"); err != nil {
		return err
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = tx.now
	}
	c.UpdatedAt = tx.now
	return tx.putCase(c)
}

// UpdateCase stores a changed case: a closed one leaves its thread, one
// whose thread has opened enters it. It returns ENOTFOUND for an unknown
// case and ECONFLICT when its thread has another open case.
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
	return tx.putCase(c)
}

// threadFree returns ECONFLICT when the thread c would be in holds another
// open case.
func (tx *Tx) threadFree(c *core.Case) error {
	if !caseInThread(c) {
		return nil
	}
	var id int64
	ok, err := tx.scalar(&id, `SELECT id FROM cases WHERE in_thread AND platform = $1 AND chat_id = $2 AND thread_id = $3`,
		c.Platform, c.ChatID, c.ThreadID)
	if err != nil {
		return err
	}
	if ok && id != c.ID {
		return core.Errorf(core.ECONFLICT, "err.case.thread_taken", "ID", id)
	}
	return nil
}

// CasesByDeal returns a deal's cases, oldest first (ties by ID).
func (tx *Tx) CasesByDeal(dealID int64) (cs []*core.Case, err error) {
	defer wrapf(&err, "cases of deal %d", dealID)
	if dealID == 0 {
		return []*core.Case{}, nil
	}
	cs, err = list[core.Case](tx, `SELECT doc FROM cases WHERE deal_id = $1 ORDER BY created_at, id`, dealID)
	sortCases(cs)
	return cs, err
}

// CasesByClient returns a client's cases, oldest first (ties by ID).
func (tx *Tx) CasesByClient(clientID int64) (cs []*core.Case, err error) {
	defer wrapf(&err, "cases of client %d", clientID)
	if clientID == 0 {
		return []*core.Case{}, nil
	}
	cs, err = list[core.Case](tx, `SELECT doc FROM cases WHERE client_id = $1 ORDER BY created_at, id`, clientID)
	sortCases(cs)
	return cs, err
}

// sortCases puts cases in the order of their full-precision CreatedAt,
// then ID (the column keeps microseconds).
func sortCases(cs []*core.Case) {
	slices.SortStableFunc(cs, func(a, b *core.Case) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
}

// AddCaseMessage assigns the message an ID and stores it; At is Now when
// zero. A message whose PlatformID the case already has (the chat
// delivered it again) is ECONFLICT; an unknown case is ENOTFOUND.
func (tx *Tx) AddCaseMessage(m *core.CaseMessage) (err error) {
	defer wrapf(&err, "add message to case %d", m.CaseID)
	if _, err := tx.CaseByID(m.CaseID); err != nil {
		return err
	}
	if m.PlatformID != "" {
		taken, err := tx.exists(`SELECT 1 FROM case_messages WHERE case_id = $1 AND platform_id = $2`, m.CaseID, m.PlatformID)
		if err != nil {
			return err
		}
		if taken {
			return core.Errorf(core.ECONFLICT, "err.case.message_taken", "ID", m.CaseID)
		}
	}
	if m.ID, err = tx.nextID("case_messages"); err != nil {
		return err
	}
	if m.At.IsZero() {
		m.At = tx.now
	}
	return tx.putCaseMessage(m)
}

// CaseMessageByPlatformID returns the message of a case that has the
// platform message id; ENOTFOUND when none.
func (tx *Tx) CaseMessageByPlatformID(caseID int64, platformID string) (_ *core.CaseMessage, err error) {
	defer wrapf(&err, "message %q of case %d", platformID, caseID)
	m := new(core.CaseMessage)
	if platformID == "" {
		return nil, core.Errorf(core.ENOTFOUND, "err.case.message_not_found")
	}
	if ok, err := tx.get(m, `SELECT doc FROM case_messages WHERE case_id = $1 AND platform_id = $2`, caseID, platformID); err != nil {
		return nil, err
	} else if !ok {
		return nil, core.Errorf(core.ENOTFOUND, "err.case.message_not_found")
	}
	return m, nil
}

// CaseMessages returns a case's messages in the order they were added.
func (tx *Tx) CaseMessages(caseID int64) (_ []*core.CaseMessage, err error) {
	defer wrapf(&err, "messages of case %d", caseID)
	return list[core.CaseMessage](tx, `SELECT doc FROM case_messages WHERE case_id = $1 ORDER BY id`, caseID)
}

// caseInThread reports whether a case is indexed by its thread: it is open
// and its thread is not still being opened.
func caseInThread(c *core.Case) bool {
	return c.Status == core.CaseOpen && !(c.Opening && c.ThreadID == "")
}

// putCase writes a case under its ID, replacing one there.
func (tx *Tx) putCase(c *core.Case) error {
	doc, err := encode(c)
	if err != nil {
		return err
	}
	return tx.exec(`INSERT INTO cases (id, platform, chat_id, thread_id, in_thread, deal_id, client_id, created_at, doc)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (id) DO UPDATE SET platform = EXCLUDED.platform, chat_id = EXCLUDED.chat_id,
			thread_id = EXCLUDED.thread_id, in_thread = EXCLUDED.in_thread, deal_id = EXCLUDED.deal_id,
			client_id = EXCLUDED.client_id, created_at = EXCLUDED.created_at, doc = EXCLUDED.doc`,
		c.ID, c.Platform, c.ChatID, c.ThreadID, caseInThread(c), c.DealID, c.ClientID, c.CreatedAt, doc)
}

// putCaseMessage writes a case message under its ID, replacing one there.
func (tx *Tx) putCaseMessage(m *core.CaseMessage) error {
	doc, err := encode(m)
	if err != nil {
		return err
	}
	return tx.exec(`INSERT INTO case_messages (id, case_id, platform_id, doc) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET case_id = EXCLUDED.case_id, platform_id = EXCLUDED.platform_id,
			doc = EXCLUDED.doc`,
		m.ID, m.CaseID, m.PlatformID, doc)
}
