package core_test

import (
	"slices"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// A file's notes name the time zone in words, as /schedule does: «Москва»,
// or another zone's name with its offset from UTC; not Europe/Moscow.
func TestExportFixNotesZone(t *testing.T) {
	o := newReportOffice(t)
	yekat, err := time.LoadLocation("Asia/Yekaterinburg")
	if err != nil {
		t.Skip("no zone data:", err)
	}
	for _, c := range []struct {
		lang string
		loc  *time.Location
		want string
	}{
		{"ru", repLoc, "Сформировано: 28.11.2026 12:00 (Москва)"},
		{"ru", yekat, "Сформировано: 28.11.2026 14:00 (Asia/Yekaterinburg, UTC+5)"},
	} {
		w := &repWriter{}
		o.view(func(tx core.Tx) error {
			_, err := o.svc.ExportForTest(tx, o.officer, core.ExportDeals, core.ReportFilter{}, w, c.lang, c.loc)
			return err
		})
		if notes := w.tables[0].head.Notes; !slices.Contains(notes, c.want) {
			t.Errorf("%s %s: notes %q lack %q", c.lang, c.loc, notes, c.want)
		}
	}
}
