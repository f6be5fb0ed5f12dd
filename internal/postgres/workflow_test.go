package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/narvaro/narvaro/configs"
	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/config"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/pgtest"
	"github.com/narvaro/narvaro/internal/postgres"
	"github.com/narvaro/narvaro/internal/wheel"
)

func newStore(t *testing.T) (*postgres.Store, *pgtest.Org) {
	t.Helper()
	cfg, err := config.LoadFS(configs.FS, "", func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	db := pgtest.New(t)
	org := pgtest.NewOrg(t, db)
	s := postgres.NewStore(db, postgres.Settings{Wheel: cfg.Wheel, Deadlines: cfg.Deadlines, CaseNumber: cfg.CaseNumber})
	s.Now = func() time.Time { return time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC) }
	return s, org
}

func ptr[T any](v T) *T { return &v }

func version(t *testing.T, s *postgres.Store, a *narvaro.Actor, id int64) int {
	t.Helper()
	v, err := s.GetCase(context.Background(), a, id)
	if err != nil {
		t.Fatal(err)
	}
	return v.Case.Version
}

func day(s string) narvaro.Date { d, _ := narvaro.ParseDate(s); return d }

func TestCaseFromReportToClosureAndReopen(t *testing.T) {
	t.Parallel()
	s, org := newStore(t)
	ctx := context.Background()
	eht := pgtest.Actor(t, s.DB, org.A.EHT)
	rektor := pgtest.Actor(t, s.DB, org.A.Rektor)

	id, _, err := s.OpenCase(ctx, eht, cases.OpenInput{StudentID: org.StudentA, Description: "Upprepad frånvaro på måndagar sedan september.",
		ConcernDomains: []string{"safe", "included"}, FirstContacts: "Mentor ringde vårdnadshavare 2026-09-30."}, "")
	if err != nil {
		t.Fatal(err)
	}
	v, _ := s.GetCase(ctx, eht, id)
	if v.Case.CaseNumber != "BUN 2026/0001" || v.Case.Status != cases.Reported {
		t.Fatalf("opened case = %s %s", v.Case.CaseNumber, v.Case.Status)
	}

	// Only the rektor assesses.
	if err := s.Assess(ctx, eht, id, cases.AssessInput{Decision: "started", Reasons: "Tydligt mönster", Version: version(t, s, eht, id)}); narvaro.ErrorCode(err) != narvaro.CodeForbidden {
		t.Fatalf("EHT assessing: %v, want forbidden", err)
	}
	if err := s.Assess(ctx, rektor, id, cases.AssessInput{Decision: "started", Reasons: "Tydligt mönster", Version: version(t, s, eht, id)}); err != nil {
		t.Fatal(err)
	}
	v, _ = s.GetCase(ctx, eht, id)
	if v.Case.Status != cases.Investigating || v.Case.InvestigationDue.String() != "2026-10-26" {
		t.Fatalf("after start: %s due %s", v.Case.Status, v.Case.InvestigationDue)
	}
	if len(v.Notices) != 1 || v.Notices[0].Kind != cases.NoticeInvestigationStarted || v.Notices[0].DueOn.String() != "2026-10-10" {
		t.Fatalf("notices = %+v, want one notice to the huvudman due 2026-10-10", v.Notices)
	}

	// Completing needs consultation, a conclusion and a wheel assessment.
	err = s.CompleteInvestigation(ctx, eht, id, version(t, s, eht, id))
	if ne := narvaro.AsError(err); ne.Code != narvaro.CodeInvalid || len(ne.Fields) != 5 {
		t.Fatalf("completing an empty investigation: %v, want 5 field problems", err)
	}
	err = s.SaveInvestigation(ctx, eht, id, cases.InvestigationInput{
		AbsenceSummary: "18 % frånvaro", StudentView: "Jag är rädd på rasterna", Conclusion: "Otrygghet på rasterna",
		ConsultStudent: ptr("held"), ConsultStudentOn: day("2026-10-06"),
		ConsultGuardians: ptr("held"), ConsultGuardiansOn: day("2026-10-06"),
		ConsultEHT: ptr("not_possible"), ConsultEHTNote: "Psykolog sjukskriven; skolsköterska samrådde skriftligt",
		Version: version(t, s, eht, id)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.RecordAssessment(ctx, eht, id, wheel.AtInvestigation, cases.AssessmentInput{AssessedOn: day("2026-10-06"), ChildParticipation: "separate_conversation",
		ChildWords: "Jag vill vara med mina kompisar men inte på rasten.",
		Ratings: []wheel.Rating{{Domain: "safe", Perspective: wheel.Child, Kind: ptr(wheel.Concern), Note: "Rädd på rasten"},
			{Domain: "active", Perspective: wheel.Child, Kind: ptr(wheel.Strength), Note: "Spelar fotboll"}}}, version(t, s, eht, id))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CompleteInvestigation(ctx, eht, id, version(t, s, eht, id)); err != nil {
		t.Fatal(err)
	}

	// A plan, returned once, then approved.
	plan := cases.PlanInput{Summary: "Trygghet på rasterna", Measures: []cases.MeasureInput{{Description: "Rastvärd möter eleven", Domains: []string{"safe"},
		Level: "school", Responsible: "Rektor", StartDate: day("2026-10-12"), ExpectedEffect: "Eleven känner sig trygg", FollowUpDate: day("2026-11-02")}}}
	plan.Version = version(t, s, eht, id)
	if _, err := s.SubmitPlan(ctx, eht, id, plan); err != nil {
		t.Fatal(err)
	}
	if err := s.DecidePlan(ctx, rektor, id, cases.DecisionInput{Decision: "return", Version: version(t, s, eht, id)}); narvaro.ErrorCode(err) != narvaro.CodeInvalid {
		t.Fatalf("returning without comments: %v, want invalid", err)
	}
	if err := s.DecidePlan(ctx, rektor, id, cases.DecisionInput{Decision: "return", Comment: "Lägg till en åtgärd hemma", Version: version(t, s, eht, id)}); err != nil {
		t.Fatal(err)
	}
	plan.Measures = append(plan.Measures, cases.MeasureInput{Description: "Morgonrutin med vårdnadshavare", Domains: []string{"nurtured", "responsible"},
		Level: "home", Responsible: "Vårdnadshavare", StartDate: day("2026-10-12"), ExpectedEffect: "Kommer i tid", FollowUpDate: day("2026-11-02")})
	plan.Version = version(t, s, eht, id)
	if _, err := s.SubmitPlan(ctx, eht, id, plan); err != nil {
		t.Fatal(err)
	}
	if err := s.DecidePlan(ctx, rektor, id, cases.DecisionInput{Decision: "approve", Version: version(t, s, eht, id)}); err != nil {
		t.Fatal(err)
	}
	v, _ = s.GetCase(ctx, eht, id)
	if v.Case.Status != cases.Active || len(v.Plans) != 2 || v.Plans[0].Status != cases.PlanReturned || v.Plans[1].Status != cases.PlanApproved ||
		v.Plans[1].DeciderName != rektor.Name {
		t.Fatalf("plans after approval: %+v", v.Plans)
	}
	// The approved plan is frozen in the database itself.
	if _, err := s.DB.Exec(`UPDATE measures SET description = 'ändrad' WHERE plan_id = $1`, v.Plans[1].ID); err == nil {
		t.Fatal("an approved plan's measure could be changed")
	}

	// A follow-up with a result for every measure; attendance is computed from the records.
	if _, err := s.DB.Exec(`INSERT INTO attendance_days (student_id, day, offered_minutes, valid_absence_minutes, invalid_absence_minutes)
		VALUES ($1, '2026-10-20', 300, 0, 60), ($1, '2026-10-21', 300, 0, 0)`, org.StudentA); err != nil {
		t.Fatal(err)
	}
	ms := v.Plans[1].Measures
	fu := cases.FollowUpInput{HeldOn: day("2026-11-02"), NextDate: day("2026-11-30"), Comment: "Bättre",
		Results: []cases.MeasureResult{{MeasureID: ms[0].ID, Result: "improved"}}, Version: version(t, s, eht, id)}
	if _, _, err := s.RecordFollowUp(ctx, eht, id, fu, ""); narvaro.ErrorCode(err) != narvaro.CodeInvalid {
		t.Fatalf("follow-up missing a measure's result: %v, want invalid", err)
	}
	fu.Results = append(fu.Results, cases.MeasureResult{MeasureID: ms[1].ID, Result: "unchanged"})
	fu.Wheel = &cases.AssessmentInput{AssessedOn: day("2026-11-02"), ChildParticipation: "meeting", ChildWords: "Det är lugnare nu.",
		Ratings: []wheel.Rating{{Domain: "safe", Perspective: wheel.Child, Kind: ptr(wheel.Strength)}}}
	if _, _, err := s.RecordFollowUp(ctx, eht, id, fu, "fu-1"); err != nil {
		t.Fatal(err)
	}
	v, _ = s.GetCase(ctx, eht, id)
	if len(v.FollowUps) != 1 || v.FollowUps[0].AbsencePercent == nil || *v.FollowUps[0].AbsencePercent != 10 || v.FollowUps[0].Wheel == nil {
		t.Fatalf("follow-up = %+v, want 10 %% absence (60 of 600 minutes) and a wheel", v.FollowUps)
	}

	// A report of concern by the mentor: never gated.
	mentor := pgtest.Actor(t, s.DB, org.A.Mentor)
	if _, _, err := s.Escalate(ctx, mentor, id, cases.EscalationInput{Kind: cases.ReportOfConcern, OccurredOn: day("2026-11-03"), Note: "Oro för hemsituationen"}, ""); err != nil {
		t.Fatalf("mentor's report of concern: %v", err)
	}

	// Closure creates the notice; reopening keeps the history.
	if err := s.Close(ctx, eht, id, cases.CloseInput{Reason: "attendance_restored", ChildView: "Jag trivs i skolan igen.", Version: version(t, s, eht, id)}); err != nil {
		t.Fatal(err)
	}
	if err := s.Reopen(ctx, eht, id, cases.ReopenInput{Reason: "Frånvaron har ökat igen", Version: version(t, s, eht, id)}); err != nil {
		t.Fatal(err)
	}
	v, _ = s.GetCase(ctx, eht, id)
	if v.Case.Status != cases.Reported || len(v.FollowUps) != 1 || len(v.Plans) != 2 || len(v.Escalations) != 1 {
		t.Fatalf("after reopen: %s, %d follow-ups, %d plans, %d escalations", v.Case.Status, len(v.FollowUps), len(v.Plans), len(v.Escalations))
	}
	kinds := map[string]int{}
	for _, n := range v.Notices {
		kinds[n.Kind]++
	}
	if kinds[cases.NoticeClosure] != 1 || kinds[cases.NoticeInvestigationStarted] != 1 {
		t.Fatalf("notices = %v", kinds)
	}
	var audits int
	s.DB.Get(&audits, `SELECT count(*) FROM audit_log WHERE entity_id = $1 OR (detail->>'case_id')::bigint = $1`, id)
	if audits < 15 {
		t.Fatalf("only %d audit rows for the case's reads and writes", audits)
	}
}

func TestIndependentSchoolNotifiesHomeMunicipality(t *testing.T) {
	t.Parallel()
	s, org := newStore(t)
	ctx := context.Background()
	eht, rektor := pgtest.Actor(t, s.DB, org.B.EHT), pgtest.Actor(t, s.DB, org.B.Rektor)
	id, _, err := s.OpenCase(ctx, eht, cases.OpenInput{StudentID: org.OtherHomeB, Description: "Lång sammanhängande frånvaro.", ConcernDomains: []string{"healthy"}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Assess(ctx, rektor, id, cases.AssessInput{Decision: "started", Reasons: "Två veckors frånvaro", Version: 1}); err != nil {
		t.Fatal(err)
	}
	v, _ := s.GetCase(ctx, eht, id)
	if v.Case.CaseNumber != "FRI 2026/0001" || len(v.Notices) != 2 || v.Notices[1].Kind != cases.NoticeHomeMunicipality {
		t.Fatalf("case %s notices %+v: want FRI numbering and a notice to the home municipality", v.Case.CaseNumber, v.Notices)
	}
}

func TestStaleUpdateIsRefusedAndLosesNothing(t *testing.T) {
	t.Parallel()
	s, org := newStore(t)
	ctx := context.Background()
	eht, rektor := pgtest.Actor(t, s.DB, org.A.EHT), pgtest.Actor(t, s.DB, org.A.Rektor)
	id, _, err := s.OpenCase(ctx, eht, cases.OpenInput{StudentID: org.StudentA, Description: "Frånvaro under flera veckor.", ConcernDomains: []string{"safe"}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Assess(ctx, rektor, id, cases.AssessInput{Decision: "started", Reasons: "Skäl", Version: 1}); err != nil {
		t.Fatal(err)
	}
	// Two people read version 2; the first save wins, the second gets a conflict.
	if err := s.SaveInvestigation(ctx, eht, id, cases.InvestigationInput{Analysis: "Först", Version: 2}); err != nil {
		t.Fatal(err)
	}
	err = s.SaveInvestigation(ctx, rektor, id, cases.InvestigationInput{Analysis: "Sen", Version: 2})
	if narvaro.ErrorCode(err) != narvaro.CodeConflict {
		t.Fatalf("stale save: %v, want conflict", err)
	}
	v, _ := s.GetCase(ctx, eht, id)
	if v.Investigation.Analysis != "Först" {
		t.Fatalf("analysis = %q: the first save was lost or the stale one applied", v.Investigation.Analysis)
	}
}

func TestIdempotentCreates(t *testing.T) {
	t.Parallel()
	s, org := newStore(t)
	ctx := context.Background()
	eht := pgtest.Actor(t, s.DB, org.A.EHT)
	in := cases.OpenInput{StudentID: org.StudentA, Description: "Frånvaro under flera veckor.", ConcernDomains: []string{"safe"}}
	first, replay1, err := s.OpenCase(ctx, eht, in, "key-1")
	if err != nil || replay1 {
		t.Fatal(err, replay1)
	}
	second, replay2, err := s.OpenCase(ctx, eht, in, "key-1")
	if err != nil || !replay2 || second != first {
		t.Fatalf("retry: id %d replay %v err %v, want id %d replayed", second, replay2, err, first)
	}
	in.Description = "Något helt annat den här gången."
	if _, _, err := s.OpenCase(ctx, eht, in, "key-1"); narvaro.ErrorCode(err) != narvaro.CodeConflict {
		t.Fatalf("same key, different request: %v, want conflict", err)
	}
	var n int
	s.DB.Get(&n, `SELECT count(*) FROM cases`)
	if n != 1 {
		t.Fatalf("%d cases exist, want 1", n)
	}
}

func TestConcurrentCreationsGetDifferentGapFreeNumbers(t *testing.T) {
	t.Parallel()
	s, org := newStore(t)
	ctx := context.Background()
	// Eight students at school A, opened at the same moment by two EHT members.
	var students []int64
	for i := 0; i < 8; i++ {
		var id int64
		if err := s.DB.Get(&id, `INSERT INTO students (school_id, personnummer, first_name, last_name, home_municipality_code, school_form, grade)
			VALUES ($1, $2, 'Elev', $3, '1999', 'gr', 5) RETURNING id`, org.SchoolA, pgtest.Pnr(t, "150101", 5+i), fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
		students = append(students, id)
	}
	actors := []*narvaro.Actor{pgtest.Actor(t, s.DB, org.A.EHT), pgtest.Actor(t, s.DB, org.A.EHT2)}
	var wg sync.WaitGroup
	errs := make(chan error, len(students))
	for i, st := range students {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := s.OpenCase(ctx, actors[i%2], cases.OpenInput{StudentID: st, Description: "Samtidigt öppnat ärende.", ConcernDomains: []string{"safe"}}, "")
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var numbers []string
	s.DB.Select(&numbers, `SELECT case_number FROM cases ORDER BY case_number`)
	for i, n := range numbers {
		if want := fmt.Sprintf("BUN 2026/%04d", i+1); n != want {
			t.Fatalf("numbers = %v: want 0001..%04d without gaps or repeats", numbers, len(students))
		}
	}
}

func TestOtherSchoolsCasesAreNotFound(t *testing.T) {
	t.Parallel()
	s, org := newStore(t)
	ctx := context.Background()
	id, _, err := s.OpenCase(ctx, pgtest.Actor(t, s.DB, org.A.EHT), cases.OpenInput{StudentID: org.StudentA, Description: "Frånvaro under flera veckor.", ConcernDomains: []string{"safe"}}, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []int64{org.B.EHT, org.B.Rektor, org.B.Admin, org.B.Mentor} {
		a := pgtest.Actor(t, s.DB, u)
		if _, err := s.GetCase(ctx, a, id); narvaro.ErrorCode(err) != narvaro.CodeNotFound {
			t.Errorf("user %d of school B reading school A's case: %v, want not found", u, err)
		}
		list, err := s.ListCases(ctx, a, postgres.CaseFilter{})
		if err != nil || len(list) != 0 {
			t.Errorf("user %d of school B lists %d cases (%v), want 0", u, len(list), err)
		}
	}
	// Opening a case for another school's student is "not found" too.
	if _, _, err := s.OpenCase(ctx, pgtest.Actor(t, s.DB, org.B.EHT), cases.OpenInput{StudentID: org.StudentA, Description: "Försök över skolgränsen.", ConcernDomains: []string{"safe"}}, ""); narvaro.ErrorCode(err) != narvaro.CodeNotFound {
		t.Fatalf("school B opening a case for school A's student: %v, want not found", err)
	}
}
