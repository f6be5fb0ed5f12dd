package postgres_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/postgres"
	"github.com/narvaro/narvaro/internal/wheel"
)

// driveCase opens a case for the student and takes it to the wanted status, as the school's
// rektor (who may take every step, also for a protected identity).
func driveCase(t *testing.T, s *postgres.Store, rektor *narvaro.Actor, studentID int64, to cases.Status) int64 {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("drive case to %s: %v", to, err)
		}
	}
	id, _, err := s.OpenCase(ctx, rektor, cases.OpenInput{StudentID: studentID, Description: "Frånvaro under flera veckor, främst måndagar.",
		ConcernDomains: []string{"safe", "included"}, FirstContacts: "Mentor ringde hem."}, "")
	must(err)
	v := func() int { return version(t, s, rektor, id) }
	if to == cases.Reported {
		return id
	}
	if to == cases.NotInvestigated {
		must(s.Assess(ctx, rektor, id, cases.AssessInput{Decision: "not_needed", Reasons: "Frånvaron är förklarad av sjukdom", Version: v()}))
		return id
	}
	must(s.Assess(ctx, rektor, id, cases.AssessInput{Decision: "started", Reasons: "Upprepad frånvaro utan förklaring", Version: v()}))
	if to == cases.Investigating {
		return id
	}
	must(s.SaveInvestigation(ctx, rektor, id, cases.InvestigationInput{StudentView: "Jag är rädd på rasterna", Conclusion: "Otrygghet",
		SecretAppendix: "Hemliga uppgifter om familjen", ConsultStudent: ptr("held"), ConsultStudentOn: day("2026-10-06"),
		ConsultGuardians: ptr("held"), ConsultGuardiansOn: day("2026-10-06"), ConsultEHT: ptr("held"), ConsultEHTOn: day("2026-10-06"), Version: v()}))
	_, err = s.RecordAssessment(ctx, rektor, id, wheel.AtInvestigation, cases.AssessmentInput{AssessedOn: day("2026-10-06"), ChildParticipation: "meeting",
		ChildWords: "Barnets egna ord", Ratings: []wheel.Rating{{Domain: "safe", Perspective: wheel.Child, Rating: ptr(2), Note: "Rädd på rasten"}}}, v())
	must(err)
	must(s.CompleteInvestigation(ctx, rektor, id, v()))
	if to == cases.Planning {
		return id
	}
	_, err = s.SubmitPlan(ctx, rektor, id, cases.PlanInput{Summary: "Trygghet", Version: v(), Measures: []cases.MeasureInput{{Description: "Rastvärd möter eleven",
		Domains: []string{"safe"}, Level: "school", Responsible: "Rektor", StartDate: day("2026-10-12"), ExpectedEffect: "Trygg på rasten", FollowUpDate: day("2026-11-02")}}})
	must(err)
	if to == cases.PlanSubmitted {
		return id
	}
	must(s.DecidePlan(ctx, rektor, id, cases.DecisionInput{Decision: "approve", Comment: "Beslutat", Version: v()}))
	if to == cases.Active {
		return id
	}
	must(s.Close(ctx, rektor, id, cases.CloseInput{Reason: "attendance_restored", Note: "Närvaron är tillbaka", ChildView: "Nu trivs jag", Version: v()}))
	if to != cases.Closed {
		t.Fatalf("driveCase: unknown status %s", to)
	}
	return id
}

var studentSeq atomic.Int64

// newStudent adds a student to a school, with a mentor (0: none) and possibly a protected identity.
func newStudent(t *testing.T, db *postgres.DB, school, mentor int64, protected bool) int64 {
	t.Helper()
	n := studentSeq.Add(1)
	var m *int64
	if mentor != 0 {
		m = &mentor
	}
	var id int64
	err := db.Get(&id, `INSERT INTO students (school_id, personnummer, first_name, last_name, protected_identity, home_municipality_code, school_form, grade, class_name, mentor_id)
		VALUES ($1, $2, $3, 'Testsson', $4, '1999', 'gr', 7, '7B', $5) RETURNING id`,
		school, pnr(n), fmt.Sprintf("Elev%d", n), protected, m)
	if err != nil {
		t.Fatalf("new student: %v", err)
	}
	return id
}

// pnr makes the n-th valid fictional personnummer of January 2013 (the fixture uses other dates).
func pnr(n int64) string {
	nine := fmt.Sprintf("1301%02d%03d", 1+(n/1000)%28, n%1000)
	return "2013" + nine[2:6] + "-" + nine[6:] + string(narvaro.LuhnDigit(nine))
}

// issueDocument stores an issued PDF for a case directly, as the documents feature would.
func issueDocument(t *testing.T, db *postgres.DB, caseID int64, kind string, pdf []byte) string {
	t.Helper()
	sum := sha256.Sum256(pdf)
	h := hex.EncodeToString(sum[:])
	if _, err := db.Exec(`INSERT INTO documents (case_id, student_id, kind, title, sha256, pdf, issued_at)
		SELECT id, student_id, $2, 'Handling', $3, $4, opened_at FROM cases WHERE id = $1`, caseID, kind, h, pdf); err != nil {
		t.Fatalf("issue document: %v", err)
	}
	return h
}
