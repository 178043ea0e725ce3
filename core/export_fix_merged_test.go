package core_test

import (
	"slices"
	"testing"

	"github.com/dealdesk/dealdesk/core"
)

// An export filtered by a card merged into another follows it: its deals
// and tasks moved to the card it was merged into, and the export lists
// them, saying that the card named was merged into that one.
func TestExportFixMergedClient(t *testing.T) {
	o := newReportOffice(t)
	into := o.putClient(cleanClient(o))
	dup := o.putClient(&core.Client{Kind: core.KindIndividual, INN: soleINN, OGRN: soleOGRNIP, ShortName: "ИП Сидоров",
		MergedInto: into.ID})
	other := o.putClient(&core.Client{Kind: core.KindLegal, INN: yandexINN, KPP: yandexKPP, ShortName: "ООО Яндекс"})
	d := o.putDeal(cleanDeal(o, into.ID))
	o.putDeal(cleanDeal(o, other.ID))

	export := func(e core.ReportEntity, lang string, clientID int64) (*core.ExportResult, *repWriter) {
		t.Helper()
		w := &repWriter{}
		var res *core.ExportResult
		o.view(func(tx core.Tx) (err error) {
			res, err = o.svc.ExportForTest(tx, o.officer, e, core.ReportFilter{ClientID: clientID}, w, lang, repLoc)
			return err
		})
		return res, w
	}
	res, w := export(core.ExportDeals, "ru", dup.ID)
	if res.Rows != 1 || !res.Deals[d.ID] || len(res.Deals) != 1 {
		t.Errorf("deals of the merged card: %d rows, %v", res.Rows, res.Deals)
	}
	note := "Клиент: ПАО Сбербанк, " + sberINN + " — с этой карточкой объединена указанная в фильтре ИП Сидоров, " +
		soleINN + ", записи взяты по обеим"
	if !slices.Contains(res.Summary, note) || !slices.Contains(w.tables[0].head.Notes, note) {
		t.Errorf("summary %q\nnotes %q\nlack %q", res.Summary, w.tables[0].head.Notes, note)
	}
	en, _ := export(core.ExportDeals, "en", dup.ID)
	if !slices.Contains(en.Summary, "Client: ПАО Сбербанк, "+sberINN+" — the card named in the filter, ИП Сидоров, "+
		soleINN+", was merged into it; records of both are included") {
		t.Errorf("en summary %q", en.Summary)
	}
	// The cards' export lists the card named and the one it was merged
	// into.
	if res, _ := export(core.ExportClients, "ru", dup.ID); res.Rows != 2 || !res.Clients[dup.ID] || !res.Clients[into.ID] {
		t.Errorf("cards: %d rows, %v", res.Rows, res.Clients)
	}
	// A card not merged is named as it is, and only its records come.
	res, _ = export(core.ExportDeals, "ru", into.ID)
	if res.Rows != 1 || !slices.Contains(res.Summary, "Клиент: ПАО Сбербанк, "+sberINN) {
		t.Errorf("the card itself: %d rows, %q", res.Rows, res.Summary)
	}
}
