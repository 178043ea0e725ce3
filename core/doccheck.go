package core

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Codes of the findings of the check before producing a document.
const (
	IssueMissing       = "missing"           // a field the template uses is empty (Field: its name)
	IssueRequisite     = "requisite"         // a requisite fails its check (Field, Value; Detail: the check's code)
	IssueNeverVerified = "never_verified"    // the card was never checked against a registry
	IssueVerifyOld     = "verified_long_ago" // checked longer ago than the configured age (At)
	IssueVerifyProblem = "verify_problems"   // the last check found problems
	IssueCompany       = "company_status"    // the registry says liquidating, liquidated or bankrupt (Value)
	IssueNoSignatory   = "no_signatory"      // nobody to sign for the client
)

// DocIssue is one finding of the check before producing a document.
type DocIssue struct {
	Code   string    `json:"code"`
	Field  string    `json:"field,omitempty"` // a placeholder name: client.account, deal.amount
	Value  string    `json:"value,omitempty"`
	Detail string    `json:"detail,omitempty"`
	At     time.Time `json:"at,omitzero"`
}

// ID names the finding for an override: "requisite:client.account",
// "never_verified".
func (i DocIssue) ID() string {
	if i.Field == "" {
		return i.Code
	}
	return i.Code + ":" + i.Field
}

// DocCheck is the result of the check before producing a document: what is
// missing refuses it; warnings may be overridden with a reason.
type DocCheck struct {
	Template *DocTemplate
	VAT      VATRate
	Missing  []DocIssue
	Warnings []DocIssue
}

// WarningIDs lists the warnings' ids, for ProduceDocument's override.
func (c *DocCheck) WarningIDs() []string {
	out := make([]string, 0, len(c.Warnings))
	for _, w := range c.Warnings {
		out = append(out, w.ID())
	}
	return out
}

// docInputs is what producing a document reads: the document, its deal,
// client and manager, the template and its content.
type docInputs struct {
	doc      *Document
	deal     *Deal
	client   *Client
	manager  *User
	template *DocTemplate
	file     []byte
	dealDocs []*Document // the deal's documents: a supplement names its contract
}

// loadDocInputs reads what a document is produced from; withFile also
// reads the template's content.
func (s *Service) loadDocInputs(tx Tx, a Actor, docID int64, withFile bool) (*docInputs, error) {
	in := &docInputs{}
	var err error
	if in.doc, in.deal, err = visibleDocument(tx, a, docID); err != nil {
		return nil, err
	}
	if in.client, err = tx.ClientByID(in.deal.ClientID); err != nil {
		return nil, err
	}
	if in.manager, err = tx.UserByID(in.deal.ManagerID); err != nil && !IsNotFound(err) {
		return nil, err
	}
	if in.template, err = activeTemplate(tx, in.doc.Kind); err != nil {
		return nil, err
	}
	if in.dealDocs, err = tx.DocumentsByDeal(in.deal.ID); err != nil {
		return nil, err
	}
	if withFile {
		if in.file, err = tx.File(in.template.File.SHA256); err != nil {
			return nil, err
		}
	}
	return in, nil
}

// CheckDocument checks the data a document's template needs before it is
// produced: the fields it uses that are empty (Missing: nothing is
// produced until they are filled) and the warnings that need a person's
// decision (requisites that fail their checks, a card never verified or
// verified too long ago, a liquidated or bankrupt counterparty, nobody to
// sign).
func (s *Service) CheckDocument(ctx context.Context, a Actor, docID int64) (*DocCheck, error) {
	if err := a.require(PermDocuments); err != nil {
		return nil, err
	}
	var check *DocCheck
	err := s.view(ctx, func(tx Tx) error {
		in, err := s.loadDocInputs(tx, a, docID, false)
		if err != nil {
			return err
		}
		check = s.checkInputs(in, tx.Now())
		return nil
	})
	return check, err
}

// checkInputs runs the check on what was read.
func (s *Service) checkInputs(in *docInputs, now time.Time) *DocCheck {
	vat := s.docVAT(in.doc)
	check := &DocCheck{Template: in.template, VAT: vat}
	values := DocValuesFor(in.client, in.deal, s.docs.company, in.manager, in.doc, len(in.doc.Versions)+1, now, vat)
	ContractValues(values, in.dealDocs)
	used := in.template.Placeholders
	for _, name := range used {
		f, ok := DocFieldByName(name)
		if !ok || f.Optional || f.List != "" || f.Money {
			continue
		}
		if name == "client.kpp" && in.client.Kind == KindIndividual {
			continue // a sole proprietor has none
		}
		if strings.TrimSpace(values.Values[name]) == "" {
			check.Missing = append(check.Missing, DocIssue{Code: IssueMissing, Field: name})
		}
	}
	if in.deal.Amount <= 0 && slices.ContainsFunc(used, func(n string) bool { f, _ := DocFieldByName(n); return f.Money }) {
		check.Missing = append(check.Missing, DocIssue{Code: IssueMissing, Field: "deal.amount"})
	}
	check.Warnings = s.docWarnings(in, now)
	signs := slices.ContainsFunc(used, func(n string) bool {
		return n == "client.director" || n == "client.signatory" || n == "client.signatory_name"
	})
	if in.doc.Kind.NeedsSignature() && !signs && strings.TrimSpace(in.client.Director) == "" {
		check.Warnings = append(check.Warnings, DocIssue{Code: IssueNoSignatory})
	}
	return check
}

// docWarnings are the findings about the card a person may accept.
func (s *Service) docWarnings(in *docInputs, now time.Time) []DocIssue {
	var out []DocIssue
	c := in.client
	r := Requisites{INN: c.INN, KPP: c.KPP, OGRN: c.OGRN}
	if len(c.Accounts) > 0 {
		acc := c.Accounts[0]
		r.BIK, r.Account, r.CorrAccount = acc.BIK, acc.Account, acc.CorrAccount
	}
	for _, p := range CheckRequisites(r) {
		if p.Code != "missing" { // what is missing the template's fields say
			out = append(out, DocIssue{Code: IssueRequisite, Field: "client." + p.Field, Value: p.Value, Detail: p.Code})
		}
	}
	v := c.Verification
	switch {
	case v.Status == Unverified || v.At.IsZero():
		out = append(out, DocIssue{Code: IssueNeverVerified})
	case v.Status == ProblemsFound:
		out = append(out, DocIssue{Code: IssueVerifyProblem, At: v.At, Value: strings.Join(v.Problems, ", ")})
	}
	if maxAge := s.DocConfig().VerifyMaxAge; maxAge > 0 && !v.At.IsZero() && now.Sub(v.At) > maxAge {
		out = append(out, DocIssue{Code: IssueVerifyOld, At: v.At})
	}
	if statusRank[v.Company] >= statusRank[StatusLiquidating] {
		out = append(out, DocIssue{Code: IssueCompany, Value: string(v.Company)})
	}
	return out
}

// docVAT is a document's rate: its own, else the configured default.
func (s *Service) docVAT(d *Document) VATRate {
	if d.VAT != nil {
		return *d.VAT
	}
	return s.DocConfig().VAT
}

// checkOverride returns an error unless the check lets the document be
// produced: nothing missing, and every warning overridden with a reason.
func checkOverride(check *DocCheck, override []string, reason string) error {
	if len(check.Missing) > 0 {
		var names []string
		for _, m := range check.Missing {
			names = append(names, m.Field)
		}
		return Errorf(EINVALID, "err.doc.missing", "Fields", strings.Join(names, ", "), "Count", len(names))
	}
	var open []string
	for _, w := range check.Warnings {
		if !slices.Contains(override, w.ID()) {
			open = append(open, w.ID())
		}
	}
	if len(open) > 0 {
		return Errorf(ECONFLICT, "err.doc.warnings", "Warnings", strings.Join(open, ", "), "Count", len(open))
	}
	if len(check.Warnings) > 0 && strings.TrimSpace(reason) == "" {
		return Errorf(EINVALID, "err.doc.override_reason")
	}
	return nil
}
