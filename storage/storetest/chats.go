package storetest

import (
	"context"
	"slices"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

func init() {
	register("WorkChats/BindRebindUnbind", testWorkChats)
}

func workChatKeys(cs []*core.WorkChat) []string {
	var ks []string
	for _, c := range cs {
		ks = append(ks, core.ChatKey(c.Platform, c.ChatID))
	}
	return ks
}

func testWorkChats(t *testing.T, open Opener) {
	s, clock := newStore(t, open)
	update(t, s, func(tx core.Tx) error {
		for _, c := range []*core.WorkChat{
			{Platform: "telegram", ChatID: "-1002", Title: "Юристы", Purpose: core.PurposeLawyers},
			{Platform: "telegram", ChatID: "-1001", Title: "Сопровождение", Purpose: core.PurposeOfficers},
			{Platform: "mattermost", ChatID: "ch1", Title: "Officers", Purpose: core.PurposeOfficers},
			{Platform: "console", ChatID: "z", Title: "Console", Purpose: core.PurposeOfficers},
		} {
			if err := tx.PutWorkChat(c); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx core.Tx) error {
		got, err := tx.WorkChat("telegram", "-1002")
		if err != nil {
			return err
		}
		if got.Title != "Юристы" || !got.BoundAt.Equal(clock.Now()) {
			t.Fatalf("WorkChat = %+v, want its title and BoundAt now", got)
		}
		cs, err := tx.WorkChatsByPurpose(core.PurposeOfficers)
		if err != nil {
			return err
		}
		if got, want := workChatKeys(cs), []string{"console:z", "mattermost:ch1", "telegram:-1001"}; !slices.Equal(got, want) {
			t.Fatalf("officers = %v, want %v", got, want)
		}
		_, err = tx.WorkChat("telegram", "-1003")
		wantCodeKey(t, err, core.ENOTFOUND, "err.chat.not_found")
		return nil
	})

	// Rebinding a chat moves it to the new purpose.
	update(t, s, func(tx core.Tx) error {
		return tx.PutWorkChat(&core.WorkChat{Platform: "telegram", ChatID: "-1001", Purpose: core.PurposeHeads})
	})
	update(t, s, func(tx core.Tx) error { return tx.DeleteWorkChat("telegram", "-1002") })
	view(t, s, func(tx core.Tx) error {
		for p, want := range map[core.ChatPurpose][]string{
			core.PurposeOfficers: {"console:z", "mattermost:ch1"},
			core.PurposeHeads:    {"telegram:-1001"},
			core.PurposeLawyers:  nil,
		} {
			cs, err := tx.WorkChatsByPurpose(p)
			if err != nil {
				return err
			}
			if cs == nil {
				t.Errorf("%s: nil, want an empty list", p)
			}
			if got := workChatKeys(cs); !slices.Equal(got, want) {
				t.Errorf("%s = %v, want %v", p, got, want)
			}
		}
		_, err := tx.WorkChat("telegram", "-1002")
		wantCodeKey(t, err, core.ENOTFOUND, "err.chat.not_found")
		return nil
	})
	err := s.Update(context.Background(), func(tx core.Tx) error { return tx.DeleteWorkChat("telegram", "-1002") })
	wantCodeKey(t, err, core.ENOTFOUND, "err.chat.not_found")
}
