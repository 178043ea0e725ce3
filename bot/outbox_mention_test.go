package bot_test

import (
	"slices"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/core"
)

// TestOutboxMentions_NamesAndMerge: a message's mentions reach the
// transport as the people's ids on the platform with their DealDesk names
// (a user with no id there is left out); a burst merged into one message
// mentions each person once, in the order they were first mentioned.
func TestOutboxMentions_NamesAndMerge(t *testing.T) {
	c := newMergeCase(t)
	lawyer := c.h.addUser("law", "Лев Юристов", core.RoleLawyer)
	officer := c.h.addUser("off", "Ирина Сопровождение", core.RoleOfficer)
	elsewhere := &core.User{Name: "Пётр Другой", Role: core.RoleManager, Active: true,
		Identities: []string{"other:p1"}}
	if err := c.h.db.Update(t.Context(), func(tx core.Tx) error { return tx.CreateUser(elsewhere) }); err != nil {
		t.Fatal(err)
	}

	// One message alone: the people in order, the one elsewhere skipped.
	one := c.note("notify.user.disabled", nil)
	one.Mentions = []int64{lawyer.ID, elsewhere.ID, c.user.ID}
	c.write(0, one)
	got := c.deliver()
	want := []bot.Mention{{ID: "law", Name: "Лев Юристов"}, {ID: "m", Name: "Максим"}}
	if len(got) != 1 || !slices.Equal(got[0].Mentions, want) {
		t.Fatalf("mentions %+v, want %+v", got, want)
	}

	// A burst merged into one message: each person once.
	c.h.clock.Add(time.Hour)
	role := map[string]any{"Role": "manager"}
	a, b := c.note("notify.user.role_changed", role), c.note("notify.user.enabled", role)
	a.Mentions = []int64{officer.ID, lawyer.ID}
	b.Mentions = []int64{lawyer.ID, c.user.ID, officer.ID}
	c.write(10*time.Second, a, b)
	got = c.deliver()
	want = []bot.Mention{{ID: "off", Name: "Ирина Сопровождение"}, {ID: "law", Name: "Лев Юристов"},
		{ID: "m", Name: "Максим"}}
	if len(got) != 1 || !slices.Equal(got[0].Mentions, want) {
		t.Fatalf("merged mentions %+v, want one message mentioning %+v", got, want)
	}
}
