package report_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/report"
)

func date(s string) narvaro.Date { d, _ := narvaro.ParseDate(s); return d }

func f(v float64) *float64 { return &v }

// sample is a small report with exact counts, some of them below the threshold.
func sample() *report.Report {
	c := report.C
	return &report.Report{
		Huvudman: "Exempelkommun, barn- och utbildningsnämnden", HuvudmanOrgNumber: "212000-9999",
		From: date("2026-08-17"), To: date("2026-12-18"), AsOf: date("2026-12-20"), Weeks: 4,
		GeneratedAt: time.Date(2026, 12, 20, 9, 30, 0, 0, time.UTC),
		Students:    c(1200), Flagged: c(37), Signals: c(41),
		Cases:       report.CaseFigures{Opened: c(22), Ongoing: c(18), Closed: c(3)},
		Assessments: report.AssessmentFigures{Started: c(19), NotNeeded: c(2), SignalToDecision: report.Summarize([]int{2, 4, 4, 9})},
		Notices: report.NoticeFigures{Total: c(19), OnTime: c(12), Late: c(4), UnsentOverdue: c(0), UnsentPending: c(3),
			OnTimeShare: report.ShareOf(12, 16), StartToSent: report.Summarize([]int{1, 2, 3, 4, 5, 6, 7})},
		Closures: report.ClosureFigures{Closed: c(30), RestoredShare: report.ShareOf(27, 30), Reasons: []report.KindCount{
			{Kind: "attendance_restored", Label: "Närvaron återställd", Count: c(27)},
			{Kind: "moved", Label: "Eleven har flyttat", Count: c(3)},
			{Kind: "other", Label: "Annat skäl", Count: c(0)}}},
		Effect: report.EffectFigures{
			Overall: report.EffectRow{Label: "Samtliga planer", Plans: c(12), Improved: c(9), Before: f(31.5), After: f(18.25)},
			Domains: []report.EffectRow{{Key: "safe", Label: "Trygg", Plans: c(3), Improved: c(2), Before: f(40), After: f(10)}},
		},
		Schools: []report.SchoolRow{
			{Name: "Björkskolan", Students: c(600), Flagged: c(20), Opened: c(12)},
			{Name: "Ekskolan", Students: c(597), Flagged: c(15), Opened: c(8)},
			{Name: "Åsens skola", Students: c(3), Flagged: c(2), Opened: c(2)},
		},
	}
}

func TestPublishSuppressesSmallCounts(t *testing.T) {
	t.Parallel()
	r := sample()
	r.Publish(5)
	for _, tc := range []struct {
		name string
		got  report.Count
		want string
	}{
		{"a count of 3 is hidden", r.Cases.Closed, "< 5"},
		{"a count of 2 is hidden", r.Assessments.NotNeeded, "< 5"},
		{"a count of 5 is shown", report.Count{N: 5}, "5"},
		{"zero is shown: it describes nobody", r.Notices.UnsentOverdue, "0"},
		{"a large count is shown", r.Students, "1200"},
		{"the one hidden school's students", r.Schools[2].Students, "< 5"},
		// 600 + 597 + 3 = 1200 is shown, so one more school is hidden to protect the 3.
		{"the smallest other school is hidden too", r.Schools[1].Students, report.Hidden},
		{"the largest school stays", r.Schools[0].Students, "600"},
		// Closures: 27 + 3 + 0 = 30; hiding "moved" (3) alone would let 30 − 27 give it away.
		{"moved is hidden", r.Closures.Reasons[1].Count, "< 5"},
		{"so is attendance restored", r.Closures.Reasons[0].Count, report.Hidden},
		// Notices 12 + 4 + 0 + 3 = 19: two small ones hidden, nothing more needed.
		{"late notices", r.Notices.Late, "< 5"},
		{"pending notices", r.Notices.UnsentPending, "< 5"},
		{"notices on time", r.Notices.OnTime, "12"},
	} {
		if tc.got.String() != tc.want {
			t.Errorf("%s: printed %q, want %q", tc.name, tc.got.String(), tc.want)
		}
	}
	for _, c := range []report.Count{r.Cases.Closed, r.Schools[1].Students, r.Closures.Reasons[0].Count} {
		if c.N != 0 || !c.Suppressed {
			t.Errorf("a hidden count keeps its value: %+v", c)
		}
	}
	// Percentages from small counts are hidden: 27 of 30 restored leaves 3 not restored.
	if r.Closures.RestoredShare.Percent != nil || r.Closures.RestoredShare.Text != "–" {
		t.Errorf("restored share = %v %q, want hidden", r.Closures.RestoredShare.Percent, r.Closures.RestoredShare.Text)
	}
	// 12 of 16 notices sent on time: 4 late is below the threshold, so the share is hidden too.
	if r.Notices.OnTimeShare.Percent != nil {
		t.Errorf("on-time share %v reveals the 4 late notices", *r.Notices.OnTimeShare.Percent)
	}
	// A median over 4 durations is hidden; over 7 it is shown (median 4, mean 4).
	if r.Assessments.SignalToDecision.Median != nil || r.Assessments.SignalToDecision.Mean != nil {
		t.Error("the median of 4 durations is shown")
	}
	if m := r.Notices.StartToSent.Median; m == nil || *m != 4 {
		t.Errorf("median of 7 durations = %v, want 4", m)
	}
	// Before/after over 3 plans is hidden; over 12 plans shown, but 12 − 9 = 3 not improved
	// means the improved count must go.
	if r.Effect.Domains[0].Before != nil || r.Effect.Domains[0].After != nil {
		t.Error("the before/after of 3 plans is shown")
	}
	if r.Effect.Overall.Before == nil || r.Effect.Overall.Improved.String() != report.Hidden {
		t.Errorf("overall effect = %+v", r.Effect.Overall)
	}
	// The JSON form cannot be mistaken for zero.
	b, _ := json.Marshal(r.Cases)
	var got map[string]map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if c := got["closed"]; c["n"] != nil || c["text"] != "< 5" || c["suppressed"] != true {
		t.Errorf("JSON of a hidden count = %s", b)
	}
	if c := got["opened"]; c["n"] != 22.0 || c["text"] != "22" {
		t.Errorf("JSON of a shown count = %s", b)
	}
	// Publishing twice changes nothing, and a threshold of 1 hides nothing.
	r.Publish(50)
	if r.Cases.Opened.String() != "22" {
		t.Errorf("a second Publish re-applied the rules: %s", r.Cases.Opened)
	}
	open := sample()
	open.Publish(1)
	if open.Cases.Closed.String() != "3" || open.Closures.RestoredShare.Percent == nil {
		t.Errorf("threshold 1 hid %s / %v", open.Cases.Closed, open.Closures.RestoredShare.Percent)
	}
}

func TestSummarizeAndShares(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		days         []int
		median, mean float64
	}{
		{[]int{7}, 7, 7},
		{[]int{8, 3, 6, 3}, 4.5, 5}, // sorted 3 3 6 8
		{[]int{1, 100, 2}, 2, 103.0 / 3},
	} {
		d := report.Summarize(tc.days)
		if d.N.N != len(tc.days) || *d.Median != tc.median || *d.Mean != tc.mean {
			t.Errorf("Summarize(%v) = %d, %v, %v", tc.days, d.N.N, *d.Median, *d.Mean)
		}
	}
	if d := report.Summarize(nil); d.Median != nil || d.N.N != 0 {
		t.Errorf("Summarize(nil) = %+v", d)
	}
	if s := report.ShareOf(1, 3); s.String() != "33,3 %" {
		t.Errorf("1 of 3 = %q", s.String())
	}
	if s := report.ShareOf(0, 0); s.Percent != nil || s.String() != "–" {
		t.Errorf("0 of 0 = %q", s.String())
	}
	for v, want := range map[float64]string{12: "12", 12.25: "12,3", -2.5: "-2,5", 0.04: "0", -0.04: "0"} {
		if got := report.FormatNumber(v); got != want {
			t.Errorf("FormatNumber(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestEffectOf(t *testing.T) {
	t.Parallel()
	wheel := []report.DomainRef{{Key: "safe", Label: "Trygg"}, {Key: "healthy", Label: "Må bra"}}
	e := report.EffectOf([]report.PlanWindow{
		{Domains: []string{"safe", "healthy"}, Complete: true, Before: f(40), After: f(10)},
		{Domains: []string{"safe"}, Complete: true, Before: f(20), After: f(30)},
		{Domains: []string{"healthy"}, Complete: false, Before: f(90), After: f(0)}, // too recent
		{Domains: []string{"healthy"}, Complete: true, Before: nil, After: f(5)},    // no data before
		{Domains: []string{"renamed"}, Complete: true, Before: f(10), After: f(5)},
	}, wheel)
	// Overall: (40 + 20 + 10) / 3 before, (10 + 30 + 5) / 3 after; two of three improved.
	if e.Overall.Plans.N != 3 || e.Overall.Improved.N != 2 || *e.Overall.Before != 70.0/3 || *e.Overall.After != 15 {
		t.Errorf("overall = %+v before %v after %v", e.Overall, *e.Overall.Before, *e.Overall.After)
	}
	if e.TooRecent.N != 1 || e.NoData.N != 1 {
		t.Errorf("too recent %d, no data %d", e.TooRecent.N, e.NoData.N)
	}
	// safe: plans 1 and 2 → before 30, after 20; healthy: plan 1 only; a renamed domain keeps its key.
	if len(e.Domains) != 3 || e.Domains[0].Key != "safe" || *e.Domains[0].Before != 30 || *e.Domains[0].After != 20 ||
		e.Domains[1].Plans.N != 1 || e.Domains[2].Label != "renamed" {
		t.Errorf("domains = %+v", e.Domains)
	}
}

func TestParamsCheck(t *testing.T) {
	t.Parallel()
	p := report.Params{From: date("2026-08-17"), To: date("2026-12-18")}
	if err := p.Check(); err != nil || p.Weeks != report.DefaultWeeks {
		t.Fatalf("a term: %v, weeks %d", err, p.Weeks)
	}
	for name, p := range map[string]report.Params{
		"no dates":       {},
		"reversed":       {From: date("2026-12-18"), To: date("2026-08-17")},
		"too long":       {From: date("2016-01-01"), To: date("2026-12-31")},
		"too many weeks": {From: date("2026-08-17"), To: date("2026-12-18"), Weeks: 13},
	} {
		if err := p.Check(); narvaro.ErrorCode(err) != narvaro.CodeInvalid {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
}
