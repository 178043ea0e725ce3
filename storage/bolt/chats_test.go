package bolt_test

import (
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

func chatIDs(cs []*core.WorkChat) []string {
	var ids []string
	for _, c := range cs {
		ids = append(ids, core.ChatKey(c.Platform, c.ChatID))
	}
	return ids
}

func TestWorkChats(t *testing.T) {
	db := MustOpenDB(t)
	MustUpdate(t, db, func(tx core.Tx) error {
		for _, c := range []*core.WorkChat{
			{Platform: "telegram", ChatID: "-1002", Title: "Юристы", Purpose: core.PurposeLawyers},
			{Platform: "telegram", ChatID: "-1001", Title: "Сопровождение", Purpose: core.PurposeOfficers},
			{Platform: "mattermost", ChatID: "ch1", Title: "Officers", Purpose: core.PurposeOfficers},
		} {
			if err := tx.PutWorkChat(c); err != nil {
				return err
			}
		}
		return nil
	})
	MustView(t, db, func(tx core.Tx) error {
		got, err := tx.WorkChat("telegram", "-1002")
		if err != nil {
			return err
		}
		if got.Title != "Юристы" || got.BoundAt.IsZero() {
			t.Fatalf("WorkChat = %+v", got)
		}
		cs, err := tx.WorkChatsByPurpose(core.PurposeOfficers)
		if err != nil {
			return err
		}
		if got, want := chatIDs(cs), []string{"mattermost:ch1", "telegram:-1001"}; !equal(got, want) {
			t.Fatalf("officers = %v, want %v", got, want)
		}
		return nil
	})

	// Rebinding a chat moves it to the new purpose.
	MustUpdate(t, db, func(tx core.Tx) error {
		return tx.PutWorkChat(&core.WorkChat{Platform: "telegram", ChatID: "-1001", Purpose: core.PurposeHeads})
	})
	MustUpdate(t, db, func(tx core.Tx) error { return tx.DeleteWorkChat("telegram", "-1002") })
	MustView(t, db, func(tx core.Tx) error {
		for p, want := range map[core.ChatPurpose][]string{
			core.PurposeOfficers: {"mattermost:ch1"},
			core.PurposeHeads:    {"telegram:-1001"},
			core.PurposeLawyers:  nil,
		} {
			cs, err := tx.WorkChatsByPurpose(p)
			if err != nil {
				return err
			}
			if got := chatIDs(cs); !equal(got, want) {
				t.Errorf("%s = %v, want %v", p, got, want)
			}
		}
		_, err := tx.WorkChat("telegram", "-1002")
		CheckCode(t, err, core.ENOTFOUND, "err.chat.not_found")
		return nil
	})
	err := db.Update(t.Context(), func(tx core.Tx) error { return tx.DeleteWorkChat("telegram", "-1002") })
	CheckCode(t, err, core.ENOTFOUND, "err.chat.not_found")
}

// equal compares string slices, nil and empty alike.
func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
