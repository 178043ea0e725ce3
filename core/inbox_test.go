package core_test

import (
	"slices"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// inboxUpdate is an inbox item as a transport takes it.
func inboxUpdate(platform, key, chatID string) *core.InboxItem {
	return &core.InboxItem{Platform: platform, Key: key, ChatID: chatID, Payload: []byte(`{"text":"` + key + `"}`)}
}

func keys(items []*core.InboxItem) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Platform+"/"+it.Key)
	}
	return out
}

// TestTakeUpdates_Dedup: an update delivered again, before or after it was
// handled, is not taken twice; keys are per platform; updates without a key
// are always taken; the pending ones come oldest first.
func TestTakeUpdates_Dedup(t *testing.T) {
	o := newOffice(t)
	tg, mm := core.PlatformTelegram, core.PlatformMattermost
	taken, err := o.svc.TakeUpdates(o.ctx(), nil, inboxUpdate(tg, "1", "12"), inboxUpdate(tg, "2", "12"), inboxUpdate(tg, "2", "12"))
	if err != nil || !slices.Equal(keys(taken), []string{"telegram/1", "telegram/2"}) {
		t.Fatalf("first take = %v, %v", keys(taken), err)
	}
	if taken[0].ID == 0 || !taken[0].ReceivedAt.Equal(officeStart) || !taken[0].HandledAt.IsZero() {
		t.Fatalf("taken item = %+v", taken[0])
	}
	if err := o.svc.FinishUpdate(o.ctx(), core.Outcome{InboxID: taken[0].ID}); err != nil {
		t.Fatal(err)
	}
	taken, err = o.svc.TakeUpdates(o.ctx(), nil, inboxUpdate(tg, "1", "12"), inboxUpdate(tg, "2", "12"), inboxUpdate(tg, "3", "12"),
		inboxUpdate(mm, "1", "town-square"), inboxUpdate(tg, "", "12"), inboxUpdate(tg, "", "12"))
	if err != nil || !slices.Equal(keys(taken), []string{"telegram/3", "mattermost/1", "telegram/", "telegram/"}) {
		t.Fatalf("second take = %v, %v", keys(taken), err)
	}
	pending, err := o.svc.PendingUpdates(o.ctx(), 0)
	if err != nil || !slices.Equal(keys(pending), []string{"telegram/2", "telegram/3", "mattermost/1", "telegram/", "telegram/"}) {
		t.Fatalf("pending = %v, %v", keys(pending), err)
	}
	if pending, _ := o.svc.PendingUpdates(o.ctx(), 2); len(pending) != 2 {
		t.Fatalf("pending with a limit of 2 = %v", keys(pending))
	}
	it, err := o.svc.InboxItem(o.ctx(), pending[0].ID)
	if err != nil || string(it.Payload) != `{"text":"2"}` || it.ChatID != "12" {
		t.Fatalf("InboxItem = %+v, %v", it, err)
	}
	_, err = o.svc.InboxItem(o.ctx(), 999)
	checkCode(t, err, core.ENOTFOUND, "err.inbox.not_found")
}

// TestTakeUpdates_Cursor: a transport's cursor is saved with the updates it
// covers, even when they all were taken before.
func TestTakeUpdates_Cursor(t *testing.T) {
	o := newOffice(t)
	if v, err := o.svc.TransportCursor(o.ctx(), "mattermost"); err != nil || v != "" {
		t.Fatalf("cursor before any = %q, %v", v, err)
	}
	mm := core.PlatformMattermost
	if _, err := o.svc.TakeUpdates(o.ctx(), &core.TransportCursor{Name: "mattermost", Value: "1700000000001"},
		inboxUpdate(mm, "p1", "c")); err != nil {
		t.Fatal(err)
	}
	if v, _ := o.svc.TransportCursor(o.ctx(), "mattermost"); v != "1700000000001" {
		t.Fatalf("cursor = %q", v)
	}
	taken, err := o.svc.TakeUpdates(o.ctx(), &core.TransportCursor{Name: "mattermost", Value: "1700000000002"},
		inboxUpdate(mm, "p1", "c"))
	if err != nil || len(taken) != 0 {
		t.Fatalf("taking a post again = %v, %v", keys(taken), err)
	}
	if v, _ := o.svc.TransportCursor(o.ctx(), "mattermost"); v != "1700000000002" {
		t.Fatalf("cursor after a repeated post = %q", v)
	}
}

// reply is a reply to an update in a private chat.
func reply(inboxID int64, chatID, text string) *core.OutboxMessage {
	return &core.OutboxMessage{Platform: core.PlatformTelegram, ChatID: chatID, Text: text, InboxID: inboxID}
}

// TestFinishUpdate_WithTheChange: an update handled in a unit commits its
// change, its replies and its handled mark together; the replies are sent
// in order, ahead of the notifications the change caused; a unit rolled
// back leaves the update pending and sends nothing.
func TestFinishUpdate_WithTheChange(t *testing.T) {
	o := newOffice(t)
	o.bind("-100", core.PurposeOfficers)
	c := o.client(sberINN, sberKPP, "Сбер")
	// A notification already waiting goes first: it is older.
	if _, err := o.svc.CreateTask(o.ctx(), o.officer, &core.Task{Title: "Раньше", AssigneeID: o.lawyer.ID()}); err != nil {
		t.Fatal(err)
	}
	o.clock.Add(time.Second)
	taken, err := o.svc.TakeUpdates(o.ctx(), nil, inboxUpdate(core.PlatformTelegram, "100", "11"), inboxUpdate(core.PlatformTelegram, "101", "11"))
	if err != nil {
		t.Fatal(err)
	}

	// Rolled back: nothing happened.
	uctx, unit := o.svc.Begin(o.ctx())
	if _, err := o.svc.CreateDeal(uctx, o.officer, &core.Deal{ClientID: c.ID, Title: "Лизинг", ManagerID: o.manager.ID()}); err != nil {
		t.Fatal(err)
	}
	if err := o.svc.FinishUpdate(uctx, core.Outcome{InboxID: taken[0].ID, Messages: []*core.OutboxMessage{
		reply(taken[0].ID, "11", "не уйдёт")}}); err != nil {
		t.Fatal(err)
	}
	unit.Rollback()
	if pending, _ := o.svc.PendingUpdates(o.ctx(), 0); len(pending) != 2 {
		t.Fatalf("pending after a rollback = %v; want both", keys(pending))
	}
	if ms := o.messages(); len(ms) != 1 {
		t.Fatalf("messages after a rollback = %d; want only the older notice", len(ms))
	}

	// Committed: the deal, its notices, the replies and the mark.
	o.clock.Add(time.Second)
	uctx, unit = o.svc.Begin(o.ctx())
	d, err := o.svc.CreateDeal(uctx, o.officer, &core.Deal{ClientID: c.ID, Title: "Лизинг", ManagerID: o.manager.ID()})
	if err != nil {
		t.Fatal(err)
	}
	if err := o.svc.FinishUpdate(uctx, core.Outcome{InboxID: taken[0].ID, Messages: []*core.OutboxMessage{
		reply(taken[0].ID, "11", "Сделка открыта"), reply(taken[0].ID, "11", "Что дальше?")}}); err != nil {
		t.Fatal(err)
	}
	if err := unit.Commit(); err != nil {
		t.Fatal(err)
	}
	if d.Number != "D-2026-0001" {
		t.Fatalf("deal number = %s", d.Number)
	}
	it, _ := o.svc.InboxItem(o.ctx(), taken[0].ID)
	if !it.HandledAt.Equal(o.clock.Now()) {
		t.Fatalf("HandledAt = %v, want %v", it.HandledAt, o.clock.Now())
	}
	if pending, _ := o.svc.PendingUpdates(o.ctx(), 0); len(pending) != 1 || pending[0].ID != taken[1].ID {
		t.Fatalf("pending = %v; want the second update only", keys(pending))
	}

	var order []string
	for _, m := range o.due() {
		order = append(order, m.Key+m.Text)
		if m.Text != "" && (m.Status != core.OutboxPending || m.InboxID != taken[0].ID) {
			t.Errorf("reply = %+v", m)
		}
	}
	want := []string{"notify.task.assigned", "Сделка открыта", "Что дальше?", "notify.deal.assigned", "notify.deal.created"}
	if !slices.Equal(order, want) {
		t.Fatalf("delivery order = %v, want %v", order, want)
	}
}

// TestFinishUpdate_DecisionButton: a decision button is used up once its
// update is handled; its replies' buttons are stored; a button gone
// already is no error.
func TestFinishUpdate_DecisionButton(t *testing.T) {
	o := newOffice(t)
	now := o.clock.Now()
	approve := core.NewButton(core.ActionMergeConfirm, "1:2", o.officer.ID(), "telegram:11", now, core.ButtonTTL)
	if err := o.svc.FinishUpdate(o.ctx(), core.Outcome{Buttons: []*core.Button{approve}}); err != nil {
		t.Fatal(err)
	}
	b, err := o.svc.Button(o.ctx(), approve.Token)
	if err != nil || b.Action != core.ActionMergeConfirm || b.Payload != "1:2" || !b.UsedAt.IsZero() {
		t.Fatalf("stored button = %+v, %v", b, err)
	}

	taken, _ := o.svc.TakeUpdates(o.ctx(), nil, inboxUpdate(core.PlatformTelegram, "7", "11"))
	o.clock.Add(time.Minute)
	next := core.NewButton(core.ActionDealShow, "1", o.officer.ID(), "telegram:11", o.clock.Now(), core.ButtonTTL)
	if err := o.svc.FinishUpdate(o.ctx(), core.Outcome{InboxID: taken[0].ID, UsedButton: approve.Token,
		Buttons: []*core.Button{next}}); err != nil {
		t.Fatal(err)
	}
	b, _ = o.svc.Button(o.ctx(), approve.Token)
	if !b.UsedAt.Equal(o.clock.Now()) {
		t.Fatalf("UsedAt = %v, want %v", b.UsedAt, o.clock.Now())
	}
	if b, err := o.svc.Button(o.ctx(), next.Token); err != nil || !b.UsedAt.IsZero() {
		t.Fatalf("the reply's button = %+v, %v", b, err)
	}

	if err := o.svc.FinishUpdate(o.ctx(), core.Outcome{UsedButton: "gone-token"}); err != nil {
		t.Fatalf("a button gone already: %v", err)
	}
	_, err = o.svc.Button(o.ctx(), "gone-token")
	checkCode(t, err, core.ENOTFOUND, "err.button.not_found")

	// An expired button reads as gone.
	o.clock.Add(core.ButtonTTL)
	_, err = o.svc.Button(o.ctx(), next.Token)
	checkCode(t, err, core.ENOTFOUND, "err.button.not_found")
}

// TestFinishUpdate_HandledOnce: an update is marked handled once; a second
// mark is a conflict that spoils its unit, so nothing of the second
// handling is written.
func TestFinishUpdate_HandledOnce(t *testing.T) {
	o := newOffice(t)
	taken, _ := o.svc.TakeUpdates(o.ctx(), nil, inboxUpdate(core.PlatformTelegram, "5", "11"))
	id := taken[0].ID
	if err := o.svc.FinishUpdate(o.ctx(), core.Outcome{InboxID: id}); err != nil {
		t.Fatal(err)
	}
	checkCode(t, o.svc.FinishUpdate(o.ctx(), core.Outcome{InboxID: id}), core.ECONFLICT, "err.inbox.handled")
	checkCode(t, o.svc.FinishUpdate(o.ctx(), core.Outcome{InboxID: 999}), core.ENOTFOUND, "err.inbox.not_found")

	uctx, unit := o.svc.Begin(o.ctx())
	c, err := o.svc.CreateClient(uctx, o.officer, &core.Client{INN: sberINN, ShortName: "Сбер"})
	if err != nil {
		t.Fatal(err)
	}
	err = o.svc.FinishUpdate(uctx, core.Outcome{InboxID: id, Messages: []*core.OutboxMessage{reply(id, "11", "дважды")}})
	checkCode(t, err, core.ECONFLICT, "err.inbox.handled")
	checkCode(t, unit.Commit(), core.ECONFLICT, "err.inbox.handled")
	_, err = o.svc.ClientByID(o.ctx(), o.officer, c.ID)
	checkCode(t, err, core.ENOTFOUND, "err.client.not_found")
	if ms := o.messages(); len(ms) != 0 {
		t.Fatalf("messages of the second handling: %+v", ms)
	}
}

// TestPurgeInbox: handled updates are kept for InboxRetention, so that one
// delivered again is recognized, then deleted; pending ones stay.
func TestPurgeInbox(t *testing.T) {
	o := newOffice(t)
	tg := core.PlatformTelegram
	taken, _ := o.svc.TakeUpdates(o.ctx(), nil, inboxUpdate(tg, "1", "11"), inboxUpdate(tg, "2", "11"))
	if err := o.svc.FinishUpdate(o.ctx(), core.Outcome{InboxID: taken[0].ID}); err != nil {
		t.Fatal(err)
	}
	if n, err := o.svc.PurgeInbox(o.ctx(), officeStart.Add(core.InboxRetention)); err != nil || n != 0 {
		t.Fatalf("purge within the retention = %d, %v", n, err)
	}
	if again, _ := o.svc.TakeUpdates(o.ctx(), nil, inboxUpdate(tg, "1", "11")); len(again) != 0 {
		t.Fatal("a handled update was taken again within the retention")
	}
	if n, err := o.svc.PurgeInbox(o.ctx(), officeStart.Add(core.InboxRetention+time.Second)); err != nil || n != 1 {
		t.Fatalf("purge after the retention = %d, %v; want 1", n, err)
	}
	_, err := o.svc.InboxItem(o.ctx(), taken[0].ID)
	checkCode(t, err, core.ENOTFOUND, "err.inbox.not_found")
	if pending, _ := o.svc.PendingUpdates(o.ctx(), 0); len(pending) != 1 || pending[0].ID != taken[1].ID {
		t.Fatalf("pending after the purge = %v", keys(pending))
	}
}

// TestConversations: a saved dialog lives ConversationTTL from its last
// step; ending it twice is fine.
func TestConversations(t *testing.T) {
	o := newOffice(t)
	conv := &core.Conversation{Key: "telegram:11:11", ID: "c1", Flow: "deal.new", Step: "title",
		Data: map[string]string{"client": "1"}}
	if err := o.svc.SaveConversation(o.ctx(), conv); err != nil {
		t.Fatal(err)
	}
	o.clock.Add(time.Hour)
	conv.Step = "amount"
	if err := o.svc.SaveConversation(o.ctx(), conv); err != nil {
		t.Fatal(err)
	}
	got, err := o.svc.Conversation(o.ctx(), conv.Key)
	if err != nil || got.Step != "amount" || got.Data["client"] != "1" ||
		!got.ExpiresAt.Equal(officeStart.Add(time.Hour+core.ConversationTTL)) {
		t.Fatalf("conversation = %+v, %v", got, err)
	}
	o.clock.Add(core.ConversationTTL)
	_, err = o.svc.Conversation(o.ctx(), conv.Key)
	checkCode(t, err, core.ENOTFOUND, "err.conversation.not_found")
	for range 2 {
		if err := o.svc.EndConversation(o.ctx(), conv.Key); err != nil {
			t.Fatal(err)
		}
	}
}
