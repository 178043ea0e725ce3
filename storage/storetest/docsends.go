package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

func init() {
	register("DocSends/DueInOrderAndMoveOnUpdate", testDocSendsDue)
}

func testDocSendsDue(t *testing.T, open Opener) {
	s, clock := newStore(t, open)
	now := clock.Now()
	update(t, s, func(tx core.Tx) error {
		if err := docCreate(tx, 1, nil); err != nil {
			return err
		}
		for i, due := range []time.Duration{time.Minute, -time.Minute, 0, -2 * time.Minute} {
			s := &core.DocSend{DocID: 1, Version: 1, Channel: core.ChannelEmail, To: []string{"a@b.ru"},
				OperationID: "op" + string(rune('a'+i)), Status: core.SendPending, NextAttemptAt: now.Add(due)}
			if err := tx.CreateDocSend(s); err != nil {
				return err
			}
		}
		// A send already done is never due.
		return tx.CreateDocSend(&core.DocSend{DocID: 1, Version: 1, Channel: core.ChannelEDO, BoxID: "box",
			Status: core.SendDone, NextAttemptAt: now.Add(-time.Hour)})
	})
	ids := func(at time.Time, limit int) []int64 {
		t.Helper()
		out := []int64{}
		view(t, s, func(tx core.Tx) error {
			ss, err := tx.DueDocSends(at, limit)
			for _, s := range ss {
				out = append(out, s.ID)
			}
			return err
		})
		return out
	}
	for _, tt := range []struct {
		at    time.Time
		limit int
		want  []int64
	}{
		{now, 0, []int64{4, 2, 3}},
		{now, -1, []int64{4, 2, 3}},
		{now, 2, []int64{4, 2}},
		{now.Add(-time.Microsecond), 0, []int64{4, 2}},
		{now.Add(time.Hour), 0, []int64{4, 2, 3, 1}},
		{now.Add(-time.Hour), 0, []int64{}},
	} {
		if got := ids(tt.at, tt.limit); !slices.Equal(got, tt.want) {
			t.Errorf("DueDocSends(%v, %d) = %v, want %v", tt.at, tt.limit, got, tt.want)
		}
	}
	clock.Add(time.Second)
	update(t, s, func(tx core.Tx) error {
		s, err := tx.DocSendByID(4)
		if err != nil {
			return err
		}
		s.Status = core.SendDone
		if err := tx.UpdateDocSend(s); err != nil {
			return err
		}
		s, err = tx.DocSendByID(2)
		if err != nil {
			return err
		}
		s.NextAttemptAt, s.Attempts, s.CreatedAt = now.Add(time.Hour), 1, time.Time{}
		return tx.UpdateDocSend(s)
	})
	if got := ids(now, 0); !slices.Equal(got, []int64{3}) {
		t.Errorf("due after one done and one postponed = %v; want [3]", got)
	}
	if got := ids(now.Add(time.Hour), 0); !slices.Equal(got, []int64{3, 1, 2}) {
		t.Errorf("due in an hour = %v; want [3 1 2]", got)
	}
	view(t, s, func(tx core.Tx) error {
		s, err := tx.DocSendByID(2)
		if err == nil && (!s.CreatedAt.Equal(now) || !s.UpdatedAt.Equal(now.Add(time.Second)) || s.Attempts != 1) {
			t.Errorf("send 2 after the update = %+v", s)
		}
		_, err2 := tx.DocSendByID(9)
		wantCodeKey(t, err2, core.ENOTFOUND, "err.doc.send_not_found")
		return err
	})
	ctx := context.Background()
	if err := s.Update(ctx, func(tx core.Tx) error {
		return tx.CreateDocSend(&core.DocSend{DocID: 1, Version: 1, Channel: "fax"})
	}); err == nil {
		t.Error("a send by fax was stored")
	}
	err := s.Update(ctx, func(tx core.Tx) error {
		return tx.UpdateDocSend(&core.DocSend{ID: 9, DocID: 1, Version: 1, Channel: core.ChannelEmail})
	})
	wantCodeKey(t, err, core.ENOTFOUND, "err.doc.send_not_found")
}
