package core_test

import (
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// A held report's buttons name each record as people do: a card by its
// name, a deal by its number, a request as «обращение #N» in the reader's
// language.
func TestHeldNoteNamesRecords(t *testing.T) {
	o := newReportOffice(t)
	out := &core.ReportOutput{Run: &core.ReportRun{ID: 7}, Title: "Воронка", Findings: []core.QualityFinding{
		{Kind: core.QualityNoAmount, Entity: core.EntityDeal, ID: 2, Label: "D-2026-0002"},
		{Kind: core.QualityOpenRequest, Entity: core.EntityRequest, ID: 3, Label: "#3"},
		{Kind: core.QualityStaleCheck, Entity: core.EntityClient, ID: 1, Label: "ПАО Сбербанк"}}}
	for lang, want := range map[string]string{"ru": "обращение #3", "en": "request #3"} {
		labels := map[string]bool{}
		for _, row := range o.svc.HeldNote(lang, out).Buttons {
			for _, b := range row {
				labels[b.Label] = true
			}
		}
		for _, l := range []string{want, "D-2026-0002", "ПАО Сбербанк"} {
			if !labels[l] {
				t.Errorf("%s: no button %q among %v", lang, l, labels)
			}
		}
	}
}
