package cases_test

import (
	"testing"

	"github.com/narvaro/narvaro/internal/cases"
)

func TestCaseNumberFormat(t *testing.T) {
	tests := []struct {
		format cases.CaseNumberFormat
		prefix string
		year   int
		number int
		want   string
	}{
		{"{prefix} {year}/{number:4}", "BUN", 2026, 42, "BUN 2026/0042"},
		{"{prefix} {year}/{number:4}", "BUN", 2026, 12345, "BUN 2026/12345"},
		{"{prefix}-{year}-{number}", "UTB", 2027, 7, "UTB-2027-7"},
		{"{year}:{number:3}", "", 2026, 1, "2026:001"},
	}
	for _, tt := range tests {
		if err := tt.format.Check(); err != nil {
			t.Fatalf("Check(%q) = %v", tt.format, err)
		}
		if got := tt.format.Render(tt.prefix, tt.year, tt.number); got != tt.want {
			t.Errorf("Render(%q) = %q, want %q", tt.format, got, tt.want)
		}
	}
	for _, bad := range []cases.CaseNumberFormat{"{prefix} {number}", "{prefix} {year}", "{year}/{number:x}", "{year}/{number:4"} {
		if err := bad.Check(); err == nil {
			t.Errorf("Check(%q) accepted a format that cannot give unique numbers", bad)
		}
	}
}
