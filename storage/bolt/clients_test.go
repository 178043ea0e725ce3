package bolt_test

import (
	"github.com/dealdesk/dealdesk/core"
)

func newClient(inn, kpp, ogrn, short string) *core.Client {
	return &core.Client{Kind: core.KindForINN(inn), INN: inn, KPP: kpp, OGRN: ogrn, ShortName: short,
		Verification: core.Verification{Status: core.Unverified}}
}
