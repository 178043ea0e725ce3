package core

import "time"

// What the external tests of exports see of the unexported parts.

// ExportResult is what writeExport returned, for the tests.
type ExportResult struct {
	Title                    string
	Rows                     int
	Summary                  []string
	Clients, Deals, Requests map[int64]bool
}

// ExportForTest runs writeExport.
func (s *Service) ExportForTest(tx Tx, a Actor, e ReportEntity, f ReportFilter, w TableWriter, lang string,
	loc *time.Location) (*ExportResult, error) {
	b, err := s.writeExport(tx, a, e, f, w, lang, loc)
	if err != nil {
		return nil, err
	}
	return &ExportResult{Title: b.Title, Rows: b.Rows, Summary: b.Summary, Clients: b.Scope.Clients,
		Deals: b.Scope.Deals, Requests: b.Scope.Requests}, nil
}

// ScopeFilterForTest runs scopeFilter.
func (s *Service) ScopeFilterForTest(tx Tx, a Actor, f ReportFilter) (ReportFilter, error) {
	return s.scopeFilter(tx, a, f)
}

// FilterNotesForTest runs filterNotes.
func (s *Service) FilterNotesForTest(tx Tx, lang string, f ReportFilter, loc *time.Location) []string {
	return s.filterNotes(tx, lang, f, loc)
}
