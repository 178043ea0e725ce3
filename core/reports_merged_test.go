package core_test

import (
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// A report filtered by a card merged into another reads the survivor's
// records, where the merged card's deals went, as an export does.
func TestReportByAMergedCard(t *testing.T) {
	o := newReportOffice(t)
	survivor := o.managedClient(sberINN, sberKPP, "ПАО Сбербанк", o.manager)
	merged := o.managedClient(yandexINN, yandexKPP, "ООО Яндекс", o.manager)
	o.putDeal(&core.Deal{ClientID: survivor.ID, ManagerID: o.manager.ID(), Stage: core.StageNew, Amount: 100_000})
	o.update(func(tx core.Tx) error {
		c, err := tx.ClientByID(merged.ID)
		if err != nil {
			return err
		}
		c.MergedInto = survivor.ID
		return tx.UpdateClient(c)
	})
	byMerged, _ := o.report(o.officer, core.ReportSpec{Report: core.ReportPipeline,
		Filter: core.ReportFilter{ClientID: merged.ID}})
	bySurvivor, _ := o.report(o.officer, core.ReportSpec{Report: core.ReportPipeline,
		Filter: core.ReportFilter{ClientID: survivor.ID}})
	if len(byMerged.Deals) != 1 || len(byMerged.Deals) != len(bySurvivor.Deals) {
		t.Fatalf("by the merged card %d deals, by the survivor %d", len(byMerged.Deals), len(bySurvivor.Deals))
	}
}
