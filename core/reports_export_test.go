package core

import "time"

// What the external tests of reports and of the quality gate see of the
// unexported parts.

// ReportResult is what writeReport returned, for the tests.
type ReportResult struct {
	Title                    string
	Rows                     int
	Summary                  []string
	Chart                    *Chart
	Clients, Deals, Requests map[int64]bool
}

// ReportForTest runs writeReport.
func (s *Service) ReportForTest(tx Tx, a Actor, spec ReportSpec, w TableWriter, lang string,
	loc *time.Location) (*ReportResult, error) {
	b, err := s.writeReport(tx, a, spec, w, lang, loc)
	if err != nil {
		return nil, err
	}
	return &ReportResult{Title: b.Title, Rows: b.Rows, Summary: b.Summary, Chart: b.Chart, Clients: b.Scope.Clients,
		Deals: b.Scope.Deals, Requests: b.Scope.Requests}, nil
}

// QualityForTest runs qualityCheck over the records named.
func (s *Service) QualityForTest(tx Tx, clients, deals, requests []int64) ([]QualityFinding, error) {
	set := func(ids []int64) map[int64]bool {
		m := map[int64]bool{}
		for _, id := range ids {
			m[id] = true
		}
		return m
	}
	return s.qualityCheck(tx, &reportScope{Clients: set(clients), Deals: set(deals), Requests: set(requests)})
}

// QualityBulkForTest makes the gate read the records of a scope larger
// than n in one walk, and returns the restore.
func QualityBulkForTest(n int) func() {
	was := qualityBulk
	qualityBulk = n
	return func() { qualityBulk = was }
}
