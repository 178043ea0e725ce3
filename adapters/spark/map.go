package spark

import (
	"strconv"
	"strings"
	"time"

	"github.com/dealdesk/dealdesk/core"
)

// Thresholds that turn SPARK's numbers into risk flags.
const (
	// DueDiligenceThreshold is the due diligence index (ИДО, 1–99) from
	// which a company is flagged core.RiskDueDiligence. SPARK calls 1–40 a
	// low risk, 41–70 a medium and 71–99 a high one: medium is flagged.
	DueDiligenceThreshold = 41
	// MassAddressThreshold is the number of companies at the same legal
	// address (CompanyWithSameInfo/AddressCount) from which the address is
	// flagged core.RiskMassAddress, the same bar as the FNS's open list of
	// mass registration addresses (ten or more companies).
	MassAddressThreshold = 10
	// MassDirectorThreshold is the number of companies in Russia headed by
	// the same person (CompanyWithSameInfo/ManagerCountInCountry) from which
	// the director is flagged core.RiskMassDirector (ten or more).
	MassDirectorThreshold = 10
)

// report is a <Report> of GetCompanyShortReport or
// GetEntrepreneurShortReport. Elements the mapping does not need are left
// out; missing ones stay empty.
type report struct {
	SparkID string `xml:"SparkID"`
	Status  struct {
		IsActing  string `xml:"IsActing,attr"`
		Code      string `xml:"Code,attr"`
		Type      string `xml:"Type,attr"` // companies
		Text      string `xml:"Text,attr"` // sole proprietors
		GroupName string `xml:"GroupName,attr"`
		Date      string `xml:"Date,attr"`
	} `xml:"Status"`
	IsActing     string `xml:"IsActing"`
	DateFirstReg string `xml:"DateFirstReg"`
	DateReg      string `xml:"DateReg"` // sole proprietors
	ShortNameRus string `xml:"ShortNameRus"`
	FullNameRus  string `xml:"FullNameRus"`
	INN          string `xml:"INN"`
	KPP          string `xml:"KPP"`
	OGRN         string `xml:"OGRN"`
	OGRNIP       string `xml:"OGRNIP"`
	OKVEDs       []struct {
		Code   string `xml:"Code,attr"`
		Name   string `xml:"Name,attr"`
		IsMain string `xml:"IsMain,attr"`
	} `xml:"OKVED2List>OKVED"`
	Leaders []struct {
		FIO      string `xml:"FIO,attr"`
		Position string `xml:"Position,attr"`
	} `xml:"LeaderList>Leader"`
	Addresses []struct {
		Address string `xml:"Address,attr"`
	} `xml:"LegalAddresses>Address"`
	DueDiligence struct {
		Index string `xml:"Index,attr"`
		Desc  string `xml:"IndexDesc,attr"`
	} `xml:"IndexOfDueDiligence"`
	SameInfo struct {
		AddressCount          string `xml:"AddressCount"`
		ManagerCountInCountry string `xml:"ManagerCountInCountry"`
	} `xml:"CompanyWithSameInfo"`
	Lists []struct {
		IsNegative string `xml:"IsNegative,attr"`
		Name       string `xml:",chardata"`
	} `xml:"IncludeInList>ListName"`
}

// toRecord maps a report to the normalized record. inn is the INN asked
// for, kept when the report leaves its own INN out.
func toRecord(r *report, kind core.ClientKind, inn string, now time.Time) *core.RegistryRecord {
	rec := &core.RegistryRecord{
		Source:       Name,
		Kind:         kind,
		INN:          first(value(r.INN), inn),
		KPP:          value(r.KPP),
		OGRN:         first(value(r.OGRN), value(r.OGRNIP)),
		ShortName:    value(r.ShortNameRus),
		FullName:     value(r.FullNameRus),
		RegisteredAt: date(first(value(r.DateFirstReg), value(r.DateReg))),
		FetchedAt:    now,
	}
	if len(r.Addresses) > 0 {
		rec.Address = value(r.Addresses[0].Address)
	}
	if len(r.Leaders) > 0 {
		rec.Director, rec.DirectorPost = value(r.Leaders[0].FIO), value(r.Leaders[0].Position)
	}
	if kind == core.KindIndividual {
		// A sole proprietor's "full name" is the person's name; SPARK gives
		// no short one, so it is the usual "ИП <name>".
		rec.KPP = ""
		rec.Director = first(rec.Director, rec.FullName)
		if rec.ShortName == "" && rec.FullName != "" {
			rec.ShortName = "ИП " + rec.FullName
		}
	}
	for _, o := range r.OKVEDs {
		if main := value(o.IsMain); main == "1" || strings.EqualFold(main, "true") {
			rec.OKVED, rec.OKVEDName = value(o.Code), value(o.Name)
			break
		}
	}
	rec.Status, rec.StatusText = status(r)
	// The short report has no date of liquidation; a liquidated company's
	// status dates from it.
	if rec.Status == core.StatusLiquidated {
		rec.LiquidatedAt = date(value(r.Status.Date))
	}
	rec.Risks = risks(r)
	return rec
}

// status maps SPARK's status words the way the FNS ones are mapped; the
// words win over IsActing, which is only a fallback when they are missing.
func status(r *report) (core.CompanyStatus, string) {
	text := first(value(r.Status.Text), value(r.Status.Type), value(r.Status.GroupName))
	low := strings.ToLower(text)
	switch {
	case containsAny(low, "ликвидир", "исключ", "прекрат"):
		return core.StatusLiquidated, text
	case strings.Contains(low, "банкрот"):
		return core.StatusBankrupt, text
	case strings.Contains(low, "ликвидац"):
		return core.StatusLiquidating, text
	case strings.Contains(low, "реорганиз"):
		return core.StatusReorganizing, text
	case strings.Contains(low, "недейств"):
		return core.StatusUnknown, text
	case strings.Contains(low, "действ"):
		return core.StatusActive, text
	case text != "":
		return core.StatusUnknown, text
	}
	// Code 24 is "Действующее" in SPARK's status list.
	acting := first(value(r.Status.IsActing), value(r.IsActing))
	if acting == "1" || strings.EqualFold(acting, "true") || value(r.Status.Code) == "24" {
		return core.StatusActive, ""
	}
	return core.StatusUnknown, ""
}

// risks collects the flags SPARK's short report supports.
func risks(r *report) []core.RiskFlag {
	var out []core.RiskFlag
	if idx, ok := number(r.DueDiligence.Index); ok && idx >= DueDiligenceThreshold {
		text := strconv.Itoa(idx)
		if desc := value(r.DueDiligence.Desc); desc != "" {
			text = desc + " (" + text + ")"
		}
		out = append(out, core.RiskFlag{Code: core.RiskDueDiligence, Text: text})
	}
	if n, ok := number(r.SameInfo.AddressCount); ok && n >= MassAddressThreshold {
		out = append(out, core.RiskFlag{Code: core.RiskMassAddress, Text: strconv.Itoa(n)})
	}
	if n, ok := number(r.SameInfo.ManagerCountInCountry); ok && n >= MassDirectorThreshold {
		out = append(out, core.RiskFlag{Code: core.RiskMassDirector, Text: strconv.Itoa(n)})
	}
	for _, l := range r.Lists {
		if value(l.IsNegative) == "1" {
			out = append(out, core.RiskFlag{Code: core.RiskOther, Text: strings.Join(strings.Fields(l.Name), " ")})
		}
	}
	return out
}

// value trims a field; "*" (outside the subscription) is unknown.
func value(s string) string {
	s = strings.TrimSpace(s)
	if s == "*" {
		return ""
	}
	return s
}

func first(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func number(s string) (int, bool) {
	n, err := strconv.Atoi(value(s))
	return n, err == nil
}

// date reads SPARK's YYYY-MM-DD (sometimes with a time after it) as a
// calendar date at midnight UTC; anything else is unknown.
func date(s string) time.Time {
	if len(s) < 10 {
		return time.Time{}
	}
	t, err := time.Parse(time.DateOnly, s[:10])
	if err != nil {
		return time.Time{}
	}
	return t
}
