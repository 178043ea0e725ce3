package core

import "time"

// reportScope is the records a file covers, by ID: the data-quality gate
// checks them before the file leaves DealDesk for someone else.
type reportScope struct{ Clients, Deals, Requests map[int64]bool }

// newReportScope is an empty scope.
func newReportScope() *reportScope {
	return &reportScope{Clients: map[int64]bool{}, Deals: map[int64]bool{}, Requests: map[int64]bool{}}
}

// reportBody is what an export or a report wrote into its file, for the
// chat and the run's manifest.
type reportBody struct {
	Title   string   // translated: «Сделки», «Воронка по стадиям и менеджерам»
	Rows    int      // data rows written (exports: equals the query's count)
	Summary []string // translated lines for the chat
	Chart   *Chart   // nil when none
	Scope   *reportScope
}

var _ = time.Time{}
