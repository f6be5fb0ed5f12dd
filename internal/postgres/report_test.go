package postgres_test

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/pgtest"
	"github.com/narvaro/narvaro/internal/report"
)

// autumn is the term the hand-made world is reported over.
var autumn = report.Params{From: day("2026-08-17"), To: day("2026-12-18")}

func periodReport(t *testing.T, w *reportWorld, p report.Params) *report.Report {
	t.Helper()
	admin := pgtest.Actor(t, w.store.DB, w.org.A.Admin)
	r, err := w.store.PeriodReport(context.Background(), admin, p, "json")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

type figure struct {
	name      string
	got, want int
}

func checkFigures(t *testing.T, figs []figure) {
	t.Helper()
	for _, f := range figs {
		if f.got != f.want {
			t.Errorf("%s = %d, want %d", f.name, f.got, f.want)
		}
	}
}

func checkFloat(t *testing.T, name string, got *float64, want float64) {
	t.Helper()
	if got == nil || math.Abs(*got-want) > 1e-9 {
		t.Errorf("%s = %v, want %v", name, deref(got), want)
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// The period report's figures for the hand-made world (report_fixture_test.go), worked out by hand.
// The period is 2026-08-17 – 2026-12-18; deadlines still running are judged on 2026-12-20.
func TestPeriodReportFiguresByHand(t *testing.T) {
	t.Parallel()
	w := newReportWorld(t)
	r := periodReport(t, w, autumn)

	checkFigures(t, []figure{
		// A: StudentA, ProtectedA, s3, s4; A2: s5, s6, s7. School B's student is another huvudman's.
		{"students", r.Students.N, 7},
		// Signals created in the period: g1 09-01, g2 09-10, g3 10-05, g4 09-15, g6 11-20 = 5
		// (g5 08-01 is before it, g7 is school B's); five different students.
		{"signals", r.Signals.N, 5},
		{"flagged", r.Flagged.N, 5},
		// Opened in the period: c1 09-02, c2 09-11, c3 10-06, c4 09-16, c5 11-30 = 5 (c6, c8 earlier).
		{"opened", r.Cases.Opened.N, 5},
		// Open on 12-18: c1, c4, c5, c8 = 4 (c2 closed 12-01, c3 not needed 10-08, c6 closed 09-30).
		{"ongoing", r.Cases.Ongoing.N, 4},
		// Closed in the period: c6 09-30, c2 12-01 = 2.
		{"closed", r.Cases.Closed.N, 2},
		// Investigations started: c1 09-04, c2 09-18, c4 09-21 = 3; not needed: c3 = 1.
		{"started", r.Assessments.Started.N, 3},
		{"not needed", r.Assessments.NotNeeded.N, 1},
		// Decisions in the period on cases from a signal, signal → decision in days:
		// c1 09-01→09-04 = 3, c2 09-10→09-18 = 8, c3 10-05→10-08 = 3, c4 09-15→09-21 = 6.
		{"signal→decision n", r.Assessments.SignalToDecision.N.N, 4},
		// Notices for the three investigations: c1 due 09-09 sent 09-07 (on time), c2 due 09-23
		// sent 09-25 (late), c4 due 09-28 never sent (overdue on 12-20).
		{"notices", r.Notices.Total.N, 3},
		{"notices on time", r.Notices.OnTime.N, 1},
		{"notices late", r.Notices.Late.N, 1},
		{"notices unsent overdue", r.Notices.UnsentOverdue.N, 1},
		{"notices unsent pending", r.Notices.UnsentPending.N, 0},
		{"start→sent n", r.Notices.StartToSent.N.N, 2},
		// Investigations: c1 done 09-22 ≤ due 09-25 (on time), c2 done 10-14 > due 10-09 (late),
		// c4 open and due 10-12 < 12-20 (overdue).
		{"inv on time", r.Investigations.OnTime.N, 1},
		{"inv late", r.Investigations.Late.N, 1},
		{"inv open overdue", r.Investigations.OpenOverdue.N, 1},
		{"inv open pending", r.Investigations.OpenPending.N, 0},
		{"inv ended", r.Investigations.Ended.N, 0},
		// Follow-up dates in the period:
		//   c1 measures' date 10-29 (set 10-01): first follow-up 10-27 ≤ 10-29 → on time;
		//   c1 next date 11-24 (set 10-27): first later follow-up 11-26 > 11-24 → late;
		//   c2 measure's date 11-17 (set 10-20): none held, case open until 12-01 → missed.
		// (c1's next date 2027-01-10, c6's 07-20 and c8's 2027-01-15 are outside the period.)
		{"follow-ups held", r.FollowUps.Held.N, 2}, // 10-27, 11-26
		{"follow-ups due", r.FollowUps.Due.N, 3},
		{"follow-ups on time", r.FollowUps.OnTime.N, 1},
		{"follow-ups late", r.FollowUps.Late.N, 1},
		{"follow-ups missed", r.FollowUps.Missed.N, 1},
		// Closures: c2 attendance restored, c6 moved.
		{"closures", r.Closures.Closed.N, 2},
	})
	// Signal → decision: sorted 3, 3, 6, 8 → median (3 + 6) / 2 = 4.5; mean 20 / 4 = 5.
	checkFloat(t, "signal→decision median", r.Assessments.SignalToDecision.Median, 4.5)
	checkFloat(t, "signal→decision mean", r.Assessments.SignalToDecision.Mean, 5)
	// Start → notice sent: c1 09-04→09-07 = 3, c2 09-18→09-25 = 7 → median 5, mean 5.
	checkFloat(t, "start→sent median", r.Notices.StartToSent.Median, 5)
	checkFloat(t, "start→sent mean", r.Notices.StartToSent.Mean, 5)
	// Sent on time: 1 of the 2 sent = 50 %.
	checkFloat(t, "notices on-time share", r.Notices.OnTimeShare.Percent, 50)
	// Investigation time: c1 09-04→09-22 = 18, c2 09-18→10-14 = 26 → median 22, mean 22.
	checkFloat(t, "investigation median", r.Investigations.DurationDays.Median, 22)
	checkFloat(t, "investigation mean", r.Investigations.DurationDays.Mean, 22)
	checkFloat(t, "investigations on-time share", r.Investigations.OnTimeShare.Percent, 50)
	// Follow-ups on time: 1 of 3 = 33.33… %.
	checkFloat(t, "follow-up on-time share", r.FollowUps.OnTimeShare.Percent, 100.0/3)
	// Attendance restored: 1 of 2 closed = 50 %.
	checkFloat(t, "restored share", r.Closures.RestoredShare.Percent, 50)

	// Escalations in the period: reports of concern c1 09-20 and c4 10-02 (c7's is B's), SIP
	// requested c4 10-01.
	esc := map[string]int{}
	for _, e := range r.Escalations {
		esc[e.Kind] = e.Count.N
	}
	if esc["report_of_concern"] != 2 || esc["sip_requested"] != 1 || esc["sip_established"] != 0 || len(r.Escalations) != 5 {
		t.Errorf("escalations = %v (%d kinds)", esc, len(r.Escalations))
	}
	reasons := map[string]int{}
	for _, c := range r.Closures.Reasons {
		reasons[c.Kind] = c.Count.N
	}
	if reasons["attendance_restored"] != 1 || reasons["moved"] != 1 || reasons["other"] != 0 {
		t.Errorf("closure reasons = %v", reasons)
	}

	// Domains of concern on cases opened in the period: safe c1 c3 c4 = 3, healthy c2 c4 = 2,
	// included c1 = 1, active c5 = 1. Wheel concerns in the period: safe c1, healthy c4,
	// included c4 (c6's safe concern is from June). Measures in plans approved in the period:
	// c1 safe+included, achieving; c2 healthy; c8 respected.
	// Order: most cases first; a tie (included, active) goes to the wheel concerns.
	var order []string
	for _, d := range r.Domains {
		order = append(order, d.Key)
	}
	if got := strings.Join(order[:4], " "); got != "safe healthy included active" {
		t.Errorf("domains most often of concern = %q", got)
	}
	dom := map[string]report.DomainRow{}
	for _, d := range r.Domains {
		dom[d.Key] = d
	}
	checkFigures(t, []figure{
		{"safe cases", dom["safe"].Cases.N, 3}, {"safe wheel", dom["safe"].WheelConcerns.N, 1}, {"safe measures", dom["safe"].Measures.N, 1},
		{"healthy cases", dom["healthy"].Cases.N, 2}, {"healthy wheel", dom["healthy"].WheelConcerns.N, 1}, {"healthy measures", dom["healthy"].Measures.N, 1},
		{"included cases", dom["included"].Cases.N, 1}, {"included wheel", dom["included"].WheelConcerns.N, 1}, {"included measures", dom["included"].Measures.N, 1},
		{"achieving measures", dom["achieving"].Measures.N, 1}, {"respected measures", dom["respected"].Measures.N, 1},
		{"nurtured measures", dom["nurtured"].Measures.N, 0},
	})

	// Do the measures work? Plans approved in the period: c1 10-01, c2 10-20, c8 12-10.
	// c8: 12-10 + 28 days = 2027-01-07 is after 12-20 → too recent.
	// c1 before [09-03, 10-01): (150 + 90) / 600 = 40 %; after [10-01, 10-29): 30 / 600 = 5 %.
	// c2 before [09-22, 10-20): (300 + 100) / 800 = 50 %; after [10-20, 11-17): (0 + 200) / 800 = 25 %.
	// Overall: mean before (40 + 50) / 2 = 45 %, after (5 + 25) / 2 = 15 %, both improved.
	e := r.Effect
	checkFigures(t, []figure{{"effect plans", e.Overall.Plans.N, 2}, {"effect improved", e.Overall.Improved.N, 2},
		{"too recent", e.TooRecent.N, 1}, {"no data", e.NoData.N, 0}})
	checkFloat(t, "overall before", e.Overall.Before, 45)
	checkFloat(t, "overall after", e.Overall.After, 15)
	checkFloat(t, "overall change", e.Overall.Change(), -30)
	eff := map[string]report.EffectRow{}
	for _, d := range e.Domains {
		eff[d.Key] = d
	}
	// c1's measures address safe, included and achieving; c2's healthy; c8 (respected) is too recent.
	checkFloat(t, "safe before", eff["safe"].Before, 40)
	checkFloat(t, "safe after", eff["safe"].After, 5)
	checkFloat(t, "achieving after", eff["achieving"].After, 5)
	checkFloat(t, "healthy before", eff["healthy"].Before, 50)
	checkFloat(t, "healthy after", eff["healthy"].After, 25)
	if eff["respected"].Plans.N != 0 || eff["respected"].Before != nil {
		t.Errorf("respected: a plan too recent to judge was compared: %+v", eff["respected"])
	}

	// Trend per month (August from the 17th to December to the 18th).
	type m struct{ signals, opened, started, closed int }
	want := map[string]m{
		"2026-08": {0, 0, 0, 0},
		"2026-09": {3, 3, 3, 1}, // g1 g2 g4; c1 c2 c4; c1 c2 c4; c6
		"2026-10": {1, 1, 0, 0}, // g3; c3
		"2026-11": {1, 1, 0, 0}, // g6; c5
		"2026-12": {0, 0, 0, 1}, // c2
	}
	if len(r.Months) != 5 {
		t.Fatalf("months = %d, want 5", len(r.Months))
	}
	for _, x := range r.Months {
		if got := (m{x.Signals.N, x.Opened.N, x.Started.N, x.Closed.N}); got != want[x.Month] {
			t.Errorf("month %s = %+v, want %+v", x.Month, got, want[x.Month])
		}
	}
	if r.Months[1].Label != "sep 2026" {
		t.Errorf("month label = %q", r.Months[1].Label)
	}

	// Per school (sorted by name: Alfaskolan, Gammaskolan).
	if len(r.Schools) != 2 || r.Schools[0].ID != w.org.SchoolA || r.Schools[1].ID != w.schoolA2 {
		t.Fatalf("schools = %+v", r.Schools)
	}
	a, a2 := r.Schools[0], r.Schools[1]
	checkFigures(t, []figure{
		{"A students", a.Students.N, 4}, {"A2 students", a2.Students.N, 3},
		{"A flagged", a.Flagged.N, 3}, {"A2 flagged", a2.Flagged.N, 2}, // g1 g2 g3; g4 g6
		{"A opened", a.Opened.N, 3}, {"A2 opened", a2.Opened.N, 2}, // c1 c2 c3; c4 c5
		{"A ongoing", a.Ongoing.N, 1}, {"A2 ongoing", a2.Ongoing.N, 3}, // c1; c4 c5 c8
		{"A closed", a.Closed.N, 2}, {"A2 closed", a2.Closed.N, 0}, // c2 c6
		{"A started", a.Started.N, 2}, {"A2 started", a2.Started.N, 1}, // c1 c2; c4
		{"A notices late", a.NoticesLate.N, 1}, {"A2 notices late", a2.NoticesLate.N, 1}, // c2 sent late; c4 unsent
		{"A investigations late", a.InvestigationsLate.N, 1}, {"A2 investigations late", a2.InvestigationsLate.N, 1}, // c2; c4
	})

	// Nothing in the report names a student or carries free text from the cases.
	b, _ := json.Marshal(r)
	for _, secret := range []string{"Hemlig", "Åsa", "Öberg", "Fritext", "Frånvaro", "Nummer"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("the report contains %q", secret)
		}
	}
}

// One school unit's report counts only that school; another huvudman's school is not found.
func TestPeriodReportForOneSchool(t *testing.T) {
	t.Parallel()
	w := newReportWorld(t)
	p := autumn
	p.SchoolID = w.schoolA2
	r := periodReport(t, w, p)
	checkFigures(t, []figure{
		{"students", r.Students.N, 3},
		{"flagged", r.Flagged.N, 2},       // g4 s5, g6 s6
		{"opened", r.Cases.Opened.N, 2},   // c4, c5
		{"ongoing", r.Cases.Ongoing.N, 3}, // c4, c5, c8
		{"closed", r.Cases.Closed.N, 0},
		{"notices unsent overdue", r.Notices.UnsentOverdue.N, 1}, // c4
		{"effect too recent", r.Effect.TooRecent.N, 1},           // c8
	})
	if r.School != "Gammaskolan" || r.SchoolUnitCode != "10000003" || len(r.Schools) != 1 {
		t.Errorf("scope = %q %q, %d schools", r.School, r.SchoolUnitCode, len(r.Schools))
	}

	ctx := context.Background()
	adminA := pgtest.Actor(t, w.store.DB, w.org.A.Admin)
	p.SchoolID = w.org.SchoolB
	if _, err := w.store.PeriodReport(ctx, adminA, p, "json"); narvaro.ErrorCode(err) != narvaro.CodeNotFound {
		t.Errorf("another huvudman's school: %v, want not found", err)
	}
	// Huvudman B's administrator sees only B: one case opened, none of A's.
	adminB := pgtest.Actor(t, w.store.DB, w.org.B.Admin)
	rb, err := w.store.PeriodReport(ctx, adminB, autumn, "json")
	if err != nil {
		t.Fatal(err)
	}
	if rb.Cases.Opened.N != 1 || rb.Students.N != 2 || rb.Huvudman != "Friskolan Test AB" {
		t.Errorf("B's report: opened %d, students %d, huvudman %q", rb.Cases.Opened.N, rb.Students.N, rb.Huvudman)
	}
}

// Reports are the administrators'; every export is in the audit log.
func TestPeriodReportAccessAndAudit(t *testing.T) {
	t.Parallel()
	w := newReportWorld(t)
	ctx := context.Background()
	for _, u := range []int64{w.org.A.Rektor, w.org.A.EHT, w.org.A.Mentor} {
		if _, err := w.store.PeriodReport(ctx, pgtest.Actor(t, w.store.DB, u), autumn, "json"); narvaro.ErrorCode(err) != narvaro.CodeForbidden {
			t.Errorf("user %d: %v, want forbidden", u, err)
		}
	}
	bad := report.Params{From: day("2026-12-18"), To: day("2026-08-17")}
	if _, err := w.store.PeriodReport(ctx, pgtest.Actor(t, w.store.DB, w.org.A.Admin), bad, "json"); narvaro.ErrorCode(err) != narvaro.CodeInvalid {
		t.Errorf("reversed period: %v, want invalid", err)
	}
	periodReport(t, w, autumn)
	if _, err := w.store.SystemPeriodReport(ctx, "212000-0001", autumn, "csv"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.store.SystemPeriodReport(ctx, "", autumn, "csv"); narvaro.ErrorCode(err) != narvaro.CodeInvalid {
		t.Errorf("two huvudmän and no org number: %v, want invalid", err)
	}
	var rows []struct {
		Actor  string `db:"actor_name"`
		Detail string `db:"detail"`
	}
	if err := w.store.DB.SelectContext(ctx, &rows, `SELECT actor_name, detail::text AS detail FROM audit_log WHERE action = 'export' AND entity = 'period_report' ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Actor != "Test admin.a" || rows[1].Actor != "system" || !strings.Contains(rows[1].Detail, `"format": "csv"`) {
		t.Errorf("audit rows = %+v", rows)
	}
}
