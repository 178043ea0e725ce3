package bolt_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/dealdesk/dealdesk/core"
	"github.com/dealdesk/dealdesk/storage/bolt"
)

func caseIDs(cs []*core.Case) []int64 {
	ids := []int64{}
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	return ids
}

// newCase is an open case of deal 7 in thread of chat -100 on Telegram.
func newCase(thread string) *core.Case {
	return &core.Case{DealID: 7, ClientID: 3, Topic: "Залог", OpenedBy: 5, Platform: "telegram", ChatID: "-100",
		ThreadID: thread, Status: core.CaseOpen}
}

// caseInThread returns the ID of the open case of a thread, 0 for none.
func caseInThread(t *testing.T, db *bolt.DB, platform, chat, thread string) int64 {
	t.Helper()
	var got int64
	err := db.View(context.Background(), func(tx core.Tx) error {
		c, err := tx.CaseByThread(platform, chat, thread)
		if err == nil {
			got = c.ID
		}
		return err
	})
	if core.ErrorCode(err) == core.ENOTFOUND {
		CheckCode(t, err, core.ENOTFOUND, "err.case.none_in_thread")
		return 0
	} else if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestCases_CreateGetUpdate(t *testing.T) {
	clock := NewClock()
	db := MustOpenDB(t, bolt.WithClock(clock))
	now := clock.Now().UTC().Truncate(time.Microsecond)
	c := newCase("55")
	c.Participants = []int64{5, 6}
	MustUpdate(t, db, func(tx core.Tx) error { return tx.CreateCase(c) })
	if c.ID != 1 || !c.CreatedAt.Equal(now) || !c.UpdatedAt.Equal(now) {
		t.Fatalf("created %+v", c)
	}
	clock.Add(time.Hour)
	MustUpdate(t, db, func(tx core.Tx) error {
		got, err := tx.CaseByID(1)
		if err != nil {
			return err
		}
		if got.Topic != "Залог" || !slices.Equal(got.Participants, []int64{5, 6}) {
			t.Errorf("CaseByID = %+v", got)
		}
		got.CreatedAt = time.Time{}
		got.Decisions = 1
		return tx.UpdateCase(got)
	})
	MustView(t, db, func(tx core.Tx) error {
		got, err := tx.CaseByID(1)
		if err == nil && (!got.CreatedAt.Equal(now) || !got.UpdatedAt.Equal(now.Add(time.Hour)) || got.Decisions != 1) {
			t.Errorf("after update: %+v", got)
		}
		if err == nil {
			_, err := tx.CaseByID(2)
			CheckCode(t, err, core.ENOTFOUND, "err.case.not_found")
		}
		return err
	})
	err := db.Update(context.Background(), func(tx core.Tx) error {
		return tx.UpdateCase(&core.Case{ID: 2, Status: core.CaseOpen})
	})
	CheckCode(t, err, core.ENOTFOUND, "err.case.not_found")
	mustConsistent(t, db)
}

// TestCases_Threads: a thread's open case is found by it; a second open
// case there is ECONFLICT; a case whose thread is being opened is in none
// until it has one; a closed case frees its thread; a case kept in a chat
// without threads holds the chat itself.
func TestCases_Threads(t *testing.T) {
	db := MustOpenDB(t)
	create := func(c *core.Case) error {
		return db.Update(context.Background(), func(tx core.Tx) error { return tx.CreateCase(c) })
	}
	update := func(id int64, fn func(c *core.Case)) error {
		return db.Update(context.Background(), func(tx core.Tx) error {
			c, err := tx.CaseByID(id)
			if err != nil {
				return err
			}
			fn(c)
			return tx.UpdateCase(c)
		})
	}
	if err := create(newCase("55")); err != nil { // 1
		t.Fatal(err)
	}
	if got := caseInThread(t, db, "telegram", "-100", "55"); got != 1 {
		t.Errorf("the case of thread 55 = %d, want 1", got)
	}
	for _, other := range [][3]string{{"telegram", "-100", "56"}, {"telegram", "-101", "55"},
		{"mattermost", "-100", "55"}, {"telegram", "-100", ""}} {
		if got := caseInThread(t, db, other[0], other[1], other[2]); got != 0 {
			t.Errorf("the case of %q = %d, want none", other, got)
		}
	}
	CheckCode(t, create(newCase("55")), core.ECONFLICT, "err.case.thread_taken")

	// Two threads being opened in the same chat are in none yet.
	opening := func() *core.Case { c := newCase(""); c.Opening = true; return c }
	if err := create(opening()); err != nil { // 2
		t.Fatal(err)
	}
	if err := create(opening()); err != nil { // 3
		t.Fatal(err)
	}
	if got := caseInThread(t, db, "telegram", "-100", ""); got != 0 {
		t.Errorf("a case being opened is the chat's own: %d", got)
	}
	if err := update(2, func(c *core.Case) { c.Opening, c.ThreadID = false, "57" }); err != nil {
		t.Fatal(err)
	}
	if got := caseInThread(t, db, "telegram", "-100", "57"); got != 2 {
		t.Errorf("the case of thread 57 once opened = %d, want 2", got)
	}
	// The platform cannot give case 3 a thread that has an open case.
	CheckCode(t, update(3, func(c *core.Case) { c.Opening, c.ThreadID = false, "55" }), core.ECONFLICT,
		"err.case.thread_taken")

	// Closing case 1 frees thread 55.
	if err := update(1, func(c *core.Case) { c.Status, c.ClosedBy, c.Resolution = core.CaseClosed, 5, "решено" }); err != nil {
		t.Fatal(err)
	}
	if got := caseInThread(t, db, "telegram", "-100", "55"); got != 0 {
		t.Errorf("thread 55 after its case closed: %d", got)
	}
	if err := update(3, func(c *core.Case) { c.Opening, c.ThreadID = false, "55" }); err != nil {
		t.Fatal(err)
	}
	if got := caseInThread(t, db, "telegram", "-100", "55"); got != 3 {
		t.Errorf("thread 55 = %d, want 3", got)
	}

	// A case kept in a plain group holds the chat.
	plain := &core.Case{DealID: 8, Topic: "Неустойка", OpenedBy: 6, Platform: "telegram", ChatID: "-200",
		Status: core.CaseOpen}
	if err := create(plain); err != nil { // 4
		t.Fatal(err)
	}
	if got := caseInThread(t, db, "telegram", "-200", ""); got != 4 {
		t.Errorf("the case of chat -200 = %d, want 4", got)
	}
	again := *plain
	again.ID = 0
	CheckCode(t, create(&again), core.ECONFLICT, "err.case.thread_taken")
	// Updating a case that holds its thread is no conflict with itself.
	if err := update(4, func(c *core.Case) { c.Messages++ }); err != nil {
		t.Fatal(err)
	}
	mustConsistent(t, db)
}

func TestCases_ByDealAndClient(t *testing.T) {
	clock := NewClock()
	db := MustOpenDB(t, bolt.WithClock(clock))
	for i, c := range []*core.Case{
		{DealID: 7, ClientID: 3},  // 1
		{ClientID: 3},             // 2
		{DealID: 8, ClientID: 30}, // 3
		{DealID: 7},               // 4
	} {
		c.Platform, c.ChatID, c.ThreadID, c.Status = "telegram", "-100", string(rune('a'+i)), core.CaseOpen
		MustUpdate(t, db, func(tx core.Tx) error { return tx.CreateCase(c) })
		clock.Add(time.Minute)
	}
	// Case 4 moves from deal 7 to deal 8 and closes: it stays a case of
	// its record.
	MustUpdate(t, db, func(tx core.Tx) error {
		c, err := tx.CaseByID(4)
		if err != nil {
			return err
		}
		c.DealID, c.Status = 8, core.CaseClosed
		return tx.UpdateCase(c)
	})
	MustView(t, db, func(tx core.Tx) error {
		for _, c := range []struct {
			name string
			get  func() ([]*core.Case, error)
			want []int64
		}{
			{"deal 7", func() ([]*core.Case, error) { return tx.CasesByDeal(7) }, []int64{1}},
			{"deal 8", func() ([]*core.Case, error) { return tx.CasesByDeal(8) }, []int64{3, 4}},
			{"deal 9", func() ([]*core.Case, error) { return tx.CasesByDeal(9) }, []int64{}},
			{"client 3", func() ([]*core.Case, error) { return tx.CasesByClient(3) }, []int64{1, 2}},
			{"client 30", func() ([]*core.Case, error) { return tx.CasesByClient(30) }, []int64{3}},
		} {
			cs, err := c.get()
			if err != nil {
				return err
			}
			if got := caseIDs(cs); !slices.Equal(got, c.want) {
				t.Errorf("cases of %s = %v, want %v", c.name, got, c.want)
			}
		}
		return nil
	})
	mustConsistent(t, db)
}

func TestCases_Messages(t *testing.T) {
	clock := NewClock()
	db := MustOpenDB(t, bolt.WithClock(clock))
	MustUpdate(t, db, func(tx core.Tx) error {
		if err := tx.CreateCase(newCase("55")); err != nil {
			return err
		}
		return tx.CreateCase(newCase("56"))
	})
	add := func(m *core.CaseMessage) error {
		return db.Update(context.Background(), func(tx core.Tx) error { return tx.AddCaseMessage(m) })
	}
	for _, m := range []*core.CaseMessage{
		{CaseID: 1, UserID: 5, PlatformID: "100", Text: "Что с залогом?"},
		{CaseID: 2, UserID: 6, PlatformID: "100", Text: "Другая ветка, тот же номер сообщения"},
		{CaseID: 1, UserID: 6, Text: "без номера"},
		{CaseID: 1, UserID: 6, Text: "ещё без номера"},
		{CaseID: 1, UserID: 5, PlatformID: "101", Text: "#решение продлить", Decision: true},
	} {
		if err := add(m); err != nil {
			t.Fatal(err)
		}
		clock.Add(time.Second)
	}
	// The chat delivers message 100 again.
	CheckCode(t, add(&core.CaseMessage{CaseID: 1, UserID: 5, PlatformID: "100", Text: "Что с залогом?"}),
		core.ECONFLICT, "err.case.message_taken")
	CheckCode(t, add(&core.CaseMessage{CaseID: 9, UserID: 5, Text: "в никуда"}), core.ENOTFOUND, "err.case.not_found")
	MustView(t, db, func(tx core.Tx) error {
		ms, err := tx.CaseMessages(1)
		if err != nil {
			return err
		}
		var texts []string
		for _, m := range ms {
			texts = append(texts, m.Text)
			if m.CaseID != 1 || m.At.IsZero() || m.ID == 0 {
				t.Errorf("message %+v", m)
			}
		}
		if want := []string{"Что с залогом?", "без номера", "ещё без номера", "#решение продлить"}; !slices.Equal(texts, want) {
			t.Errorf("messages of case 1 = %q, want %q", texts, want)
		}
		if !ms[3].Decision || !ms[0].At.Before(ms[3].At) {
			t.Errorf("the last message: %+v", ms[3])
		}
		ms, err = tx.CaseMessages(2)
		if err == nil && len(ms) != 1 {
			t.Errorf("messages of case 2: %d, want 1", len(ms))
		}
		if err == nil {
			ms, err = tx.CaseMessages(3)
			if err == nil && len(ms) != 0 {
				t.Errorf("messages of case 3: %d, want none", len(ms))
			}
		}
		return err
	})
	mustConsistent(t, db)
}

// TestCheck_CaseIndexes: a closed case left in its thread, an open one
// missing from it, a lost platform message entry and a message of a case
// that does not exist.
func TestCheck_CaseIndexes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dealdesk.db")
	db := MustOpenDBAt(t, path)
	MustUpdate(t, db, func(tx core.Tx) error {
		if err := tx.CreateCase(newCase("55")); err != nil {
			return err
		}
		closed := newCase("56")
		closed.Status = core.CaseClosed
		if err := tx.CreateCase(closed); err != nil {
			return err
		}
		return tx.AddCaseMessage(&core.CaseMessage{CaseID: 1, UserID: 5, PlatformID: "100", Text: "Что с залогом?"})
	})
	mustConsistent(t, db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	rawUpdate(t, path, func(tx *bbolt.Tx) error {
		threads := tx.Bucket([]byte("cases_by_thread"))
		if err := threads.Delete([]byte("telegram\x00-100\x0055\x00")); err != nil {
			return err
		}
		if err := threads.Put([]byte("telegram\x00-100\x0056\x00"), id(2)); err != nil {
			return err
		}
		if err := tx.Bucket([]byte("case_messages_by_pid")).Delete(append(id(1), "100"...)); err != nil {
			return err
		}
		return tx.Bucket([]byte("case_messages")).Put(append(id(9), id(5)...), []byte(`{"id":5,"case_id":9}`))
	})
	r := mustCheck(t, path)
	wantProblems(t, r,
		`case 1: its entry "telegram\x00-100\x0055\x00" is missing from index cases_by_thread`,
		`index cases_by_thread: entry "telegram\x00-100\x0056\x00" points at case 2, which does not list it`,
		"is missing from index case_messages_by_pid",
		"its case 9 does not exist",
		"bucket case_messages: the ID counter is at 1, behind the highest message ID in use, 5")
	if len(r.Problems) != 5 {
		t.Errorf("want 5 problems:\n%s", strings.Join(r.Problems, "\n"))
	}
}
