package web_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/pgtest"
	"github.com/narvaro/narvaro/internal/postgres"
	"github.com/narvaro/narvaro/internal/wheel"
)

// subject is whose record a request concerns, seen from the callers (all at school A).
type mxSubject int

const (
	own       mxSubject = iota // a student of the caller's school (the mentor's own student)
	other                      // a student of school B, another huvudman
	protected                  // a student of the caller's school with a protected identity
)

var mxSubjects = []mxSubject{own, other, protected}

func (s mxSubject) String() string {
	return [...]string{"own school", "other school", "protected identity"}[s]
}

var matrixSeq atomic.Int64

// matrixPnr makes the n-th valid fictional personnummer born in 2014, in a month of the
// subject's own (March, May, July), so that even a masked number shows whose it is.
func matrixPnr(s mxSubject, n int64) string {
	nine := fmt.Sprintf("14%02d%02d%03d", 3+2*int(s), 1+(n/1000)%28, n%1000)
	return "20" + nine[:6] + "-" + nine[6:] + string(narvaro.LuhnDigit(nine))
}

// student adds a fresh student of the subject's kind, named so that leaks can be searched for:
// school B's students are "Främling", protected identities "Hemlig".
func (e *env) student(s mxSubject) int64 {
	e.t.Helper()
	o := e.org
	school, mentor, first, last := o.SchoolA, o.A.Mentor, "Ägare", "Synligsson"
	switch s {
	case other:
		school, mentor, first, last = o.SchoolB, o.B.Mentor, "Främling", "Annanskola"
	case protected:
		first, last = "Hemlig", "Personsson"
	}
	n := matrixSeq.Add(1)
	var id int64
	if err := e.store.DB.Get(&id, `INSERT INTO students (school_id, personnummer, first_name, last_name, protected_identity, home_municipality_code, school_form, grade, class_name, mentor_id)
		VALUES ($1, $2, $3, $4, $5, '1999', 'gr', 7, '7B', $6) RETURNING id`, school, matrixPnr(s, n), first, fmt.Sprintf("%s%d", last, n), s == protected, mentor); err != nil {
		e.t.Fatalf("student: %v", err)
	}
	return id
}

// rektorOf is the rektor of the subject's school, who may take every step for its students.
func (e *env) rektorOf(s mxSubject) *narvaro.Actor {
	if s == other {
		return pgtest.Actor(e.t, e.store.DB, e.org.B.Rektor)
	}
	return pgtest.Actor(e.t, e.store.DB, e.org.A.Rektor)
}

// Stages a case can be driven to; "ready" is investigating with everything recorded to complete.
const (
	stageReported      = "reported"
	stageInvestigating = "investigating"
	stageReady         = "ready"
	stagePlanning      = "planning"
	stageSubmitted     = "plan_submitted"
	stageActive        = "active"
	stageClosed        = "closed"
)

// caseAt opens a case for a fresh student of the subject and drives it to the stage.
func (e *env) caseAt(s mxSubject, stage string) (caseID, studentID int64) {
	e.t.Helper()
	studentID = e.student(s)
	return e.drive(e.rektorOf(s), studentID, stage), studentID
}

func (e *env) drive(r *narvaro.Actor, studentID int64, stage string) int64 {
	t := e.t
	t.Helper()
	ctx := context.Background()
	st := e.store
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("drive a case to %s: %v", stage, err)
		}
	}
	id, _, err := st.OpenCase(ctx, r, cases.OpenInput{StudentID: studentID, Description: "Frånvaro under flera veckor, främst måndagar.",
		ConcernDomains: []string{"safe"}, FirstContacts: "Mentor ringde hem."}, "")
	must(err)
	v := func() int { return e.mxVersion(id) }
	today := narvaro.DateOf(st.Now())
	if stage == stageReported {
		return id
	}
	must(st.Assess(ctx, r, id, cases.AssessInput{Decision: "started", Reasons: "Upprepad frånvaro", Version: v()}))
	if stage == stageInvestigating {
		return id
	}
	held := "held"
	must(st.SaveInvestigation(ctx, r, id, cases.InvestigationInput{Conclusion: "Slutsats Q42", StudentView: "Elevens syn X17",
		ConsultStudent: &held, ConsultStudentOn: today, ConsultGuardians: &held, ConsultGuardiansOn: today, ConsultEHT: &held, ConsultEHTOn: today, Version: v()}))
	_, err = st.RecordAssessment(ctx, r, id, wheel.AtInvestigation, cases.AssessmentInput{AssessedOn: today, ChildParticipation: "meeting", ChildWords: "Barnord Z93"}, v())
	must(err)
	if stage == stageReady {
		return id
	}
	must(st.CompleteInvestigation(ctx, r, id, v()))
	if stage == stagePlanning {
		return id
	}
	_, err = st.SubmitPlan(ctx, r, id, cases.PlanInput{Version: v(), Measures: []cases.MeasureInput{{Description: "Rastvärd", Domains: []string{"safe"},
		Level: "school", Responsible: "Rektor", StartDate: today, ExpectedEffect: "Trygghet", FollowUpDate: today.AddDays(21)}}})
	must(err)
	if stage == stageSubmitted {
		return id
	}
	must(st.DecidePlan(ctx, r, id, cases.DecisionInput{Decision: "approve", Version: v()}))
	if stage == stageActive {
		return id
	}
	must(st.Close(ctx, r, id, cases.CloseInput{Reason: "attendance_restored", ChildView: "Bra nu", Version: v()}))
	if stage != stageClosed {
		t.Fatalf("unknown stage %s", stage)
	}
	return id
}

// version reads a case's version directly (no audit row, no access check).
func (e *env) mxVersion(id int64) int {
	e.t.Helper()
	var v int
	if err := e.store.DB.Get(&v, `SELECT version FROM cases WHERE id = $1`, id); err != nil {
		e.t.Fatal(err)
	}
	return v
}

func (e *env) scalar(q string, args ...any) int64 {
	e.t.Helper()
	var v int64
	if err := e.store.DB.Get(&v, q, args...); err != nil {
		e.t.Fatalf("%s: %v", q, err)
	}
	return v
}

// signalFor raises an open signal for a fresh student of the subject.
func (e *env) signalFor(s mxSubject) (signalID, studentID int64) {
	e.t.Helper()
	studentID = e.student(s)
	id, err := e.store.RaiseSignal(context.Background(), e.rektorOf(s), postgres.RaiseInput{StudentID: studentID, Reason: "Mycket frånvaro senaste veckorna"})
	if err != nil {
		e.t.Fatal(err)
	}
	return id, studentID
}

// userAt adds a user with a role at the subject's school (another huvudman's for other).
func (e *env) userAt(s mxSubject, mxRole narvaro.Role) int64 {
	e.t.Helper()
	school := e.org.SchoolA
	if s == other {
		school = e.org.SchoolB
	}
	n := matrixSeq.Add(1)
	id := e.scalar(`INSERT INTO users (username, display_name, role, password_hash) VALUES ($1, $2, $3, 'x') RETURNING id`,
		fmt.Sprintf("matrix.%d", n), fmt.Sprintf("Matris %d", n), mxRole)
	if _, err := e.store.DB.Exec(`INSERT INTO user_schools (user_id, school_id) VALUES ($1, $2)`, id, school); err != nil {
		e.t.Fatal(err)
	}
	return id
}

// newMatrixEnv is an env with a revoked token for a rektor of school A: revocation must beat
// the most powerful school role.
func newMatrixEnv(t *testing.T) (*env, string) {
	e := newEnv(t)
	revokedUser := e.userAt(own, narvaro.RoleRektor)
	tok := e.token(revokedUser)
	if _, err := e.store.DB.Exec(`UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1`, revokedUser); err != nil {
		t.Fatal(err)
	}
	return e, tok
}
