package core

import "time"

// What the external tests of report runs see of the unexported parts.

// CSVOneTableForTest wraps a CSV writer as build does: a second table is
// refused.
func CSVOneTableForTest(w TableWriter) TableWriter { return &csvOneTable{TableWriter: w} }

// ReportFileNameForTest is reportFileName.
func ReportFileNameForTest(title string, day time.Time, ext string) string {
	return reportFileName(title, day, ext)
}
