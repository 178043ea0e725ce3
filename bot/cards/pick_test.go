package cards_test

import (
	"reflect"
	"slices"
	"testing"

	"github.com/dealdesk/dealdesk/bot"
	"github.com/dealdesk/dealdesk/bot/cards"
	"github.com/dealdesk/dealdesk/core"
)

func testCards() []*core.Client {
	return []*core.Client{
		{ID: 1, ShortName: "ООО «Ромашка»", INN: "7707083893", KPP: "773601001"},
		{ID: 2, ShortName: "ООО «Ромашка-Юг»", INN: "7736050003", MergedInto: 3},
		{ID: 3, ShortName: "АО «Ромашка Плюс»", INN: "7702070139"},
	}
}

func TestWorkingDropsMergedCardsAndLeavesTheInputAlone(t *testing.T) {
	cs := testCards()
	all := slices.Clone(cs)
	if got := cards.Working(cs); !slices.Equal(got, []*core.Client{cs[0], cs[2]}) {
		t.Fatalf("Working = %+v, want cards 1 and 3", got)
	}
	if !slices.Equal(cs, all) {
		t.Fatalf("input changed: %+v", cs)
	}
	if got := cards.Working(cs[1:2]); len(got) != 0 {
		t.Fatalf("Working of merged cards only = %+v, want none", got)
	}
}

func TestClientChoices(t *testing.T) {
	tests := []struct {
		name    string
		prefix  string
		limit   int
		payload []string
	}{
		{"all, bare ids", "", 8, []string{"1", "2", "3"}},
		{"prefixed", "client:", 8, []string{"client:1", "client:2", "client:3"}},
		{"capped", "id:", 2, []string{"id:1", "id:2"}},
		{"none", "", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := cards.ClientChoices(testCards(), tt.prefix, tt.limit)
			var payload []string
			for _, row := range rows {
				if len(row) != 1 {
					t.Fatalf("row %v: want one button a row", row)
				}
				b := row[0]
				if b.LabelKey != "btn.client.pick" || b.Action != bot.ActionFlowInput {
					t.Fatalf("button %+v: want btn.client.pick answering the step", b)
				}
				payload = append(payload, b.Payload)
			}
			if !reflect.DeepEqual(payload, tt.payload) {
				t.Fatalf("payloads = %v, want %v", payload, tt.payload)
			}
		})
	}
}

func TestClientPicksRunTheActionWithThePayloadOfEachCard(t *testing.T) {
	cs := testCards()
	rows := cards.ClientPicks(cs, 8, core.ActionHistoryShow, func(cl *core.Client) string { return cl.INN + " kpp" })
	if len(rows) != len(cs) {
		t.Fatalf("rows = %d, want %d", len(rows), len(cs))
	}
	for i, row := range rows {
		want := bot.Button{LabelKey: "btn.client.pick", Args: cards.ClientChoiceArgs(cs[i]),
			Action: core.ActionHistoryShow, Payload: cs[i].INN + " kpp"}
		if len(row) != 1 || !reflect.DeepEqual(row[0], want) {
			t.Fatalf("row %d = %+v, want %+v", i, row, want)
		}
	}
	if merged := rows[1][0].Args["Merged"]; merged != true {
		t.Fatalf("merged card's label args: Merged = %v", merged)
	}
}
