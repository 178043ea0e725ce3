package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

func init() {
	register("Cases/CreateReadUpdate", testCasesCRUD)
	register("Cases/AThreadHasOneOpenCase", testCasesThreads)
	register("Cases/ByDealAndClientOldestFirstFollowingChanges", testCasesByDealClient)
	register("Cases/MessagesInOrderEachPlatformMessageOnce", testCaseMessages)
}

func caseIDs(cs []*core.Case) []int64 {
	ids := []int64{}
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	return ids
}

// newCase is an open case of deal 7 in a thread of chat -100 on Telegram.
func newCase(thread string) *core.Case {
	return &core.Case{DealID: 7, ClientID: 3, Topic: "Залог", OpenedBy: 5, Platform: "telegram", ChatID: "-100",
		ThreadID: thread, Status: core.CaseOpen}
}

// caseOfThread returns the ID of the open case of a thread, 0 for none.
func caseOfThread(t *testing.T, s core.Store, platform, chat, thread string) int64 {
	t.Helper()
	var got int64
	err := s.View(t.Context(), func(tx core.Tx) error {
		c, err := tx.CaseByThread(platform, chat, thread)
		if err == nil {
			got = c.ID
		}
		return err
	})
	if core.ErrorCode(err) == core.ENOTFOUND {
		wantCodeKey(t, err, core.ENOTFOUND, "err.case.none_in_thread")
		return 0
	} else if err != nil {
		t.Fatal(err)
	}
	return got
}

func testCasesCRUD(t *testing.T, open Opener) {
	s, clock := newStore(t, open)
	c := newCase("55")
	c.Participants = []int64{5, 6}
	update(t, s, func(tx core.Tx) error { return tx.CreateCase(c) })
	if c.ID != 1 || !c.CreatedAt.Equal(T0) || !c.UpdatedAt.Equal(T0) {
		t.Fatalf("created %+v: want ID 1, created and updated Now", c)
	}
	clock.Add(time.Hour)
	update(t, s, func(tx core.Tx) error {
		got, err := tx.CaseByID(1)
		if err != nil {
			return err
		}
		if got.Topic != "Залог" || got.DealID != 7 || got.ClientID != 3 || !slices.Equal(got.Participants, []int64{5, 6}) ||
			got.Status != core.CaseOpen || got.ThreadID != "55" {
			t.Errorf("CaseByID = %+v", got)
		}
		got.Tasks, got.Decisions, got.Messages = []int64{9}, 1, 4
		got.CreatedAt = time.Time{} // kept as it was
		return tx.UpdateCase(got)
	})
	view(t, s, func(tx core.Tx) error {
		got, err := tx.CaseByID(1)
		if err != nil {
			return err
		}
		if !slices.Equal(got.Tasks, []int64{9}) || got.Decisions != 1 || got.Messages != 4 || !got.CreatedAt.Equal(T0) ||
			!got.UpdatedAt.Equal(T0.Add(time.Hour)) {
			t.Errorf("updated case = %+v", got)
		}
		_, err = tx.CaseByID(2)
		wantCodeKey(t, err, core.ENOTFOUND, "err.case.not_found")
		return nil
	})
	err := s.Update(t.Context(), func(tx core.Tx) error { return tx.UpdateCase(&core.Case{ID: 2, Status: core.CaseOpen}) })
	wantCodeKey(t, err, core.ENOTFOUND, "err.case.not_found")
}

func testCasesThreads(t *testing.T, open Opener) {
	s, _ := newStore(t, open)
	create := func(c *core.Case) error {
		return s.Update(t.Context(), func(tx core.Tx) error { return tx.CreateCase(c) })
	}
	change := func(id int64, fn func(c *core.Case)) error {
		return s.Update(t.Context(), func(tx core.Tx) error {
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
	if got := caseOfThread(t, s, "telegram", "-100", "55"); got != 1 {
		t.Errorf("the case of thread 55 = %d, want 1", got)
	}
	for _, other := range [][3]string{{"telegram", "-100", "56"}, {"telegram", "-101", "55"},
		{"mattermost", "-100", "55"}, {"telegram", "-100", ""}, {"telegram", "-10", "055"}} {
		if got := caseOfThread(t, s, other[0], other[1], other[2]); got != 0 {
			t.Errorf("the case of %q = %d, want none", other, got)
		}
	}
	wantCodeKey(t, create(newCase("55")), core.ECONFLICT, "err.case.thread_taken")

	// Two threads being opened in the same chat are in none yet.
	opening := func() *core.Case { c := newCase(""); c.Opening = true; return c }
	if err := create(opening()); err != nil { // 2 (the conflict above took no ID)
		t.Fatal(err)
	}
	if err := create(opening()); err != nil { // 3
		t.Fatal(err)
	}
	if got := caseOfThread(t, s, "telegram", "-100", ""); got != 0 {
		t.Errorf("a case being opened is the chat's own: %d", got)
	}
	if err := change(2, func(c *core.Case) { c.Opening, c.ThreadID = false, "57" }); err != nil {
		t.Fatal(err)
	}
	if got := caseOfThread(t, s, "telegram", "-100", "57"); got != 2 {
		t.Errorf("the case of thread 57 once opened = %d, want 2", got)
	}
	// The platform cannot give case 3 a thread that has an open case.
	wantCodeKey(t, change(3, func(c *core.Case) { c.Opening, c.ThreadID = false, "55" }), core.ECONFLICT,
		"err.case.thread_taken")

	// Closing case 1 frees thread 55.
	if err := change(1, func(c *core.Case) { c.Status, c.ClosedBy, c.Resolution = core.CaseClosed, 5, "решено" }); err != nil {
		t.Fatal(err)
	}
	if got := caseOfThread(t, s, "telegram", "-100", "55"); got != 0 {
		t.Errorf("thread 55 after its case closed: %d", got)
	}
	if err := change(3, func(c *core.Case) { c.Opening, c.ThreadID = false, "55" }); err != nil {
		t.Fatal(err)
	}
	if got := caseOfThread(t, s, "telegram", "-100", "55"); got != 3 {
		t.Errorf("thread 55 = %d, want 3", got)
	}

	// A case kept in a plain group holds the chat.
	plain := &core.Case{DealID: 8, Topic: "Неустойка", OpenedBy: 6, Platform: "telegram", ChatID: "-200",
		Status: core.CaseOpen}
	if err := create(plain); err != nil { // 4
		t.Fatal(err)
	}
	if plain.ID != 4 {
		t.Errorf("plain case ID = %d, want 4", plain.ID)
	}
	if got := caseOfThread(t, s, "telegram", "-200", ""); got != 4 {
		t.Errorf("the case of chat -200 = %d, want 4", got)
	}
	again := *plain
	again.ID = 0
	wantCodeKey(t, create(&again), core.ECONFLICT, "err.case.thread_taken")
	// Updating a case that holds its thread is no conflict with itself.
	if err := change(4, func(c *core.Case) { c.Messages++ }); err != nil {
		t.Fatal(err)
	}
	// A case that moves to another thread leaves the old one.
	if err := change(4, func(c *core.Case) { c.ThreadID = "9" }); err != nil {
		t.Fatal(err)
	}
	if got := caseOfThread(t, s, "telegram", "-200", ""); got != 0 {
		t.Errorf("chat -200 after its case moved to thread 9: %d", got)
	}
	if got := caseOfThread(t, s, "telegram", "-200", "9"); got != 4 {
		t.Errorf("thread 9 = %d, want 4", got)
	}
}

func testCasesByDealClient(t *testing.T, open Opener) {
	s, clock := newStore(t, open)
	for i, c := range []*core.Case{
		{DealID: 7, ClientID: 3},  // 1
		{ClientID: 3},             // 2
		{DealID: 8, ClientID: 30}, // 3
		{DealID: 7},               // 4
		{DealID: 8, ClientID: 3},  // 5: created earliest
	} {
		c.Platform, c.ChatID, c.ThreadID, c.Status = "telegram", "-100", string(rune('a'+i)), core.CaseOpen
		if i == 4 {
			c.CreatedAt = T0.Add(-time.Hour)
		}
		update(t, s, func(tx core.Tx) error { return tx.CreateCase(c) })
		clock.Add(time.Minute)
	}
	// Case 4 moves from deal 7 to deal 8 and closes: it stays a case of
	// its record. Case 2 loses its client.
	update(t, s, func(tx core.Tx) error {
		c, err := tx.CaseByID(4)
		if err != nil {
			return err
		}
		c.DealID, c.Status = 8, core.CaseClosed
		if err := tx.UpdateCase(c); err != nil {
			return err
		}
		if c, err = tx.CaseByID(2); err != nil {
			return err
		}
		c.ClientID = 0
		return tx.UpdateCase(c)
	})
	view(t, s, func(tx core.Tx) error {
		for _, c := range []struct {
			name string
			get  func() ([]*core.Case, error)
			want []int64
		}{
			{"deal 7", func() ([]*core.Case, error) { return tx.CasesByDeal(7) }, []int64{1}},
			{"deal 8", func() ([]*core.Case, error) { return tx.CasesByDeal(8) }, []int64{5, 3, 4}},
			{"deal 9", func() ([]*core.Case, error) { return tx.CasesByDeal(9) }, []int64{}},
			{"deal 0", func() ([]*core.Case, error) { return tx.CasesByDeal(0) }, []int64{}},
			{"client 3", func() ([]*core.Case, error) { return tx.CasesByClient(3) }, []int64{5, 1}},
			{"client 30", func() ([]*core.Case, error) { return tx.CasesByClient(30) }, []int64{3}},
			{"client 0", func() ([]*core.Case, error) { return tx.CasesByClient(0) }, []int64{}},
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
}

func testCaseMessages(t *testing.T, open Opener) {
	s, clock := newStore(t, open)
	update(t, s, func(tx core.Tx) error {
		if err := tx.CreateCase(newCase("55")); err != nil {
			return err
		}
		return tx.CreateCase(newCase("56"))
	})
	add := func(m *core.CaseMessage) error {
		return s.Update(t.Context(), func(tx core.Tx) error { return tx.AddCaseMessage(m) })
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
	wantCodeKey(t, add(&core.CaseMessage{CaseID: 1, UserID: 5, PlatformID: "100", Text: "Что с залогом?"}),
		core.ECONFLICT, "err.case.message_taken")
	wantCodeKey(t, add(&core.CaseMessage{CaseID: 9, UserID: 5, Text: "в никуда"}), core.ENOTFOUND, "err.case.not_found")
	view(t, s, func(tx core.Tx) error {
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
			t.Fatalf("messages of case 1 = %q, want %q", texts, want)
		}
		if !ms[3].Decision || !ms[0].At.Equal(T0) || !ms[3].At.Equal(T0.Add(4*time.Second)) {
			t.Errorf("messages' times and decision: %+v, %+v", ms[0], ms[3])
		}
		if ms, err := tx.CaseMessages(2); err != nil || len(ms) != 1 {
			t.Errorf("messages of case 2: %d, %v; want 1", len(ms), err)
		}
		if ms, err := tx.CaseMessages(3); err != nil || ms == nil || len(ms) != 0 {
			t.Errorf("messages of case 3: %v, %v; want an empty list", ms, err)
		}
		m, err := tx.CaseMessageByPlatformID(2, "100")
		if err != nil {
			return err
		}
		if m.CaseID != 2 || m.UserID != 6 || m.ID != 2 {
			t.Errorf("message 100 of case 2 = %+v", m)
		}
		for _, q := range []struct {
			caseID int64
			pid    string
		}{{1, "102"}, {3, "100"}, {1, ""}} {
			_, err := tx.CaseMessageByPlatformID(q.caseID, q.pid)
			wantCodeKey(t, err, core.ENOTFOUND, "err.case.message_not_found")
		}
		return nil
	})
}
