package core_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// gateRegistry is a registry configured for the gate's tests; the gate
// never calls it, it only needs to know one is there.
type gateRegistry struct{}

func (gateRegistry) Name() string { return "dadata" }

func (gateRegistry) Lookup(context.Context, string, string) (*core.RegistryRecord, error) {
	return nil, core.Errorf(core.ENOTFOUND, "err.registry.not_found")
}

// A card never checked in a registry holds a run only when a registry is
// configured: without one nothing can check it, and the finding could
// never be cleared. Then it is its own kind («ни разу не проверялся»),
// apart from a check that is too old; an old check without a registry
// holds nothing either.
func TestQualityFixRegistryChecks(t *testing.T) {
	for _, bulk := range []bool{false, true} {
		for _, c := range []struct {
			name       string
			registry   bool
			verifiedAt func(now time.Time) time.Time
			want       string
		}{
			{name: "never checked, no registry", verifiedAt: func(time.Time) time.Time { return time.Time{} }},
			{name: "never checked, a registry", registry: true,
				verifiedAt: func(time.Time) time.Time { return time.Time{} }, want: "[never_checked:]"},
			{name: "checked long ago, no registry",
				verifiedAt: func(now time.Time) time.Time { return now.AddDate(0, 0, -200) }},
			{name: "checked long ago, a registry", registry: true,
				verifiedAt: func(now time.Time) time.Time { return now.AddDate(0, 0, -200) }, want: "[stale_check:%s]"},
			{name: "checked yesterday, a registry", registry: true,
				verifiedAt: func(now time.Time) time.Time { return now.AddDate(0, 0, -1) }},
		} {
			t.Run(fmt.Sprintf("%s bulk=%v", c.name, bulk), func(t *testing.T) {
				if bulk {
					defer core.QualityBulkForTest(0)()
				}
				var opts []core.Option
				if c.registry {
					opts = append(opts, core.WithRegistries(gateRegistry{}))
				}
				o := newReportOffice(t, opts...)
				cl := cleanClient(o)
				at := c.verifiedAt(o.clock.Now())
				cl.Verification = core.Verification{At: at}
				if !at.IsZero() {
					cl.Verification.Status = core.Verified
				}
				o.putClient(cl)
				var got []string
				for _, f := range o.quality([]int64{cl.ID}, nil, nil) {
					got = append(got, string(f.Kind)+":"+f.Detail)
				}
				want := c.want
				if want == "" {
					want = "[]"
				}
				if w := strings.ReplaceAll(want, "%s", at.UTC().Format(time.DateOnly)); fmt.Sprint(got) != w {
					t.Errorf("findings %v, want %s", got, w)
				}
			})
		}
	}
}

// The held note names a never checked card as such, not as a check that
// is too old.
func TestQualityFixNeverCheckedText(t *testing.T) {
	o := newReportOffice(t, core.WithRegistries(gateRegistry{}))
	cl := cleanClient(o)
	cl.Verification = core.Verification{}
	o.putClient(cl)
	out := &core.ReportOutput{Title: "Клиенты", Findings: o.quality([]int64{cl.ID}, nil, nil)}
	for _, lang := range []string{"ru", "en"} {
		n := o.svc.HeldNote(lang, out)
		kinds, _ := n.Args["Kinds"].(string)
		never := repTexts(lang, "delivery.quality."+string(core.QualityNeverChecked), nil)
		if never == "delivery.quality.never_checked" || !strings.Contains(kinds, never) ||
			strings.Contains(kinds, repTexts(lang, "delivery.quality."+string(core.QualityStaleCheck), nil)) {
			t.Errorf("%s: kinds %q", lang, kinds)
		}
	}
}

// Two cards of one name and different INNs are different companies: no
// duplicate holds the run. The same INN (one without KPP) or the same OGRN
// under another INN still does; one name under one INN with two KPPs is a
// branch.
func TestQualityFixNameIsNoDuplicate(t *testing.T) {
	for _, bulk := range []bool{false, true} {
		for _, c := range []struct {
			name  string
			other core.Client
			dup   bool
		}{
			{name: "same name, another INN", other: core.Client{Kind: core.KindLegal, INN: yandexINN, KPP: yandexKPP,
				ShortName: "ПАО Сбербанк"}},
			{name: "same full name, another INN", other: core.Client{Kind: core.KindLegal, INN: yandexINN,
				KPP: yandexKPP, ShortName: "Другое", FullName: "ПАО Сбербанк"}},
			{name: "same INN without KPP", other: core.Client{Kind: core.KindLegal, INN: sberINN, ShortName: "Сбер"},
				dup: true},
			{name: "same OGRN, another INN", other: core.Client{Kind: core.KindLegal, INN: yandexINN, KPP: yandexKPP,
				OGRN: sberOGRN, ShortName: "Другое"}, dup: true},
			{name: "a branch", other: core.Client{Kind: core.KindLegal, INN: sberINN, KPP: "772801001",
				ShortName: "ПАО Сбербанк"}},
		} {
			t.Run(fmt.Sprintf("%s bulk=%v", c.name, bulk), func(t *testing.T) {
				if bulk {
					defer core.QualityBulkForTest(0)()
				}
				o := newReportOffice(t)
				cl := o.putClient(cleanClient(o))
				other := c.other
				o.putClient(&other)
				var dups []string
				for _, f := range o.quality([]int64{cl.ID}, nil, nil) {
					if f.Kind == core.QualityDuplicate {
						dups = append(dups, f.Detail)
					}
				}
				want := "[]"
				if c.dup {
					want = fmt.Sprintf("[#%d]", other.ID)
				}
				if fmt.Sprint(dups) != want {
					t.Errorf("duplicates %v, want %s", dups, want)
				}
			})
		}
	}
}
