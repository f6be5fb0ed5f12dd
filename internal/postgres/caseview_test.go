package postgres_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/lib/pq"

	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/pgtest"
	"github.com/narvaro/narvaro/internal/postgres"
	"github.com/narvaro/narvaro/internal/wheel"
)

// TestCaseViewReadsEveryColumn checks the one-statement case read (JSON built by PostgreSQL)
// against reading each table on its own with sqlx, field by field through the API's JSON: a
// column whose name differs from its Go field's json name would be lost silently otherwise.
func TestCaseViewReadsEveryColumn(t *testing.T) {
	t.Parallel()
	s, org := newStore(t)
	ctx := context.Background()
	rektor := pgtest.Actor(t, s.DB, org.A.Rektor)
	id := richCase(t, s, rektor, org.StudentA)
	protected := driveCase(t, s, rektor, org.ProtectedA, cases.Active)

	for _, tc := range []struct {
		name   string
		actor  *narvaro.Actor
		caseID int64
	}{
		{"rektor sees everything", rektor, id},
		{"mentor sees the case without its secret parts", pgtest.Actor(t, s.DB, org.A.Mentor), id},
		{"protected identity", rektor, protected},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.GetCase(ctx, tc.actor, tc.caseID)
			if err != nil {
				t.Fatal(err)
			}
			want := referenceCaseView(t, s.DB, got, tc.caseID)
			gotJSON, _ := json.MarshalIndent(got, "", " ")
			wantJSON, _ := json.MarshalIndent(want, "", " ")
			if string(gotJSON) != string(wantJSON) {
				t.Errorf("case view differs from reading each table:\n got %s\nwant %s", gotJSON, wantJSON)
			}
			if got.Student.PersonnummerFull != want.Student.PersonnummerFull {
				t.Errorf("full personnummer %q, want %q", got.Student.PersonnummerFull, want.Student.PersonnummerFull)
			}
		})
	}
	if v, _ := s.GetCase(ctx, rektor, id); len(v.Events) < 5 || len(v.FollowUps) != 1 || len(v.FollowUps[0].Results) != 1 ||
		len(v.Escalations) != 1 || len(v.Contacts) != 1 || len(v.Assessments) != 2 || v.Investigation == nil || len(v.Plans) != 1 {
		t.Fatalf("the rich case lacks records to compare: %+v", v)
	}
}

// richCase is an active case with a record of every kind.
func richCase(t *testing.T, s *postgres.Store, rektor *narvaro.Actor, studentID int64) int64 {
	t.Helper()
	ctx := context.Background()
	id := driveCase(t, s, rektor, studentID, cases.Active)
	v, err := s.GetCase(ctx, rektor, id)
	if err != nil {
		t.Fatal(err)
	}
	measure := v.Plans[0].Measures[0].ID
	if _, _, err := s.RecordFollowUp(ctx, rektor, id, cases.FollowUpInput{HeldOn: day("2026-10-05"), Comment: "Bättre på rasterna",
		NextDate: day("2026-11-02"), Version: v.Case.Version,
		Results: []cases.MeasureResult{{MeasureID: measure, Result: "improved", Comment: "Rastvärden fungerar"}},
		Wheel: &cases.AssessmentInput{AssessedOn: day("2026-10-05"), ChildParticipation: string(wheel.SeparateConversation), ChildWords: "Det är lugnare nu",
			Ratings: []wheel.Rating{{Domain: "safe", Perspective: wheel.Child, Rating: ptr(3), Note: "Tryggare"}}}}, ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Escalate(ctx, rektor, id, cases.EscalationInput{Kind: cases.SIPRequested, OccurredOn: day("2026-10-05"),
		Note: "Socialtjänsten kontaktad", ConsentChild: ptr(true)}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordContact(ctx, rektor, id, cases.ContactInput{ContactedOn: day("2026-10-04"), Method: "phone",
		Guardian: "Åsa Öberg", Note: "Samtal om skolvägen"}); err != nil {
		t.Fatal(err)
	}
	return id
}

// referenceCaseView reads the case's records one table at a time, the plain way, and cuts them
// as loadCaseView does (got supplies the case and what the actor may see).
func referenceCaseView(t *testing.T, db *postgres.DB, got *postgres.CaseView, id int64) *postgres.CaseView {
	t.Helper()
	ctx := context.Background()
	want := &postgres.CaseView{Case: got.Case, Secret: got.Secret}
	sel := func(dest any, query string) {
		t.Helper()
		if err := db.SelectContext(ctx, dest, query, id); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	get := func(dest any, query string) {
		t.Helper()
		if err := db.GetContext(ctx, dest, query, id); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	get(&want.Student, `SELECT st.id, first_name || ' ' || last_name AS name, personnummer AS personnummer_full,
		left(personnummer, 9) || '****' AS personnummer, grade, class_name, protected_identity, home_municipality_code
		FROM students st JOIN cases c ON c.student_id = st.id WHERE c.id = $1`)
	get(&want.School, `SELECT sc.* FROM schools sc JOIN cases c ON c.school_id = sc.id WHERE c.id = $1`)
	get(&want.Huvudman, `SELECT h.* FROM huvudman h JOIN cases c ON c.huvudman_id = h.id WHERE c.id = $1`)
	sel(&want.Events, `SELECT e.id, e.case_id, e.at, e.actor_id, COALESCE(u.display_name, '') AS actor_name, e.kind, e.from_status,
		e.to_status, e.summary FROM case_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.case_id = $1 ORDER BY e.at, e.id`)
	sel(&want.Contacts, `SELECT * FROM guardian_contacts WHERE case_id = $1 ORDER BY contacted_on, id`)
	sel(&want.Notices, `SELECT * FROM notices WHERE case_id = $1 ORDER BY created_at, id`)
	sel(&want.Members, `SELECT u.id AS user_id, u.display_name, u.title, u.role FROM case_members m JOIN users u ON u.id = m.user_id
		WHERE m.case_id = $1 ORDER BY u.display_name, u.id`)
	sel(&want.Documents, `SELECT id, kind, version, title, sha256, to_char(issued_at, 'YYYY-MM-DD HH24:MI') AS issued_at
		FROM documents WHERE case_id = $1 ORDER BY issued_at, id`)
	sel(&want.Plans, `SELECT * FROM plans WHERE case_id = $1 ORDER BY version`)
	if want.Plans == nil {
		want.Plans = []cases.Plan{}
	}
	for i := range want.Plans {
		var ms []struct {
			cases.Measure
			Domains pq.StringArray `db:"domains"`
		}
		if err := db.SelectContext(ctx, &ms, `SELECT * FROM measures WHERE plan_id = $1 ORDER BY position`, want.Plans[i].ID); err != nil {
			t.Fatal(err)
		}
		want.Plans[i].Measures = []cases.Measure{}
		for _, m := range ms {
			m.Measure.Domains = m.Domains
			want.Plans[i].Measures = append(want.Plans[i].Measures, m.Measure)
		}
	}
	if want.Student.ProtectedIdentity {
		want.Student.Name, want.Student.Personnummer = "Skyddad identitet", "********-****"
	}
	if !want.Secret {
		for i := range want.Events {
			want.Events[i].Summary = cases.Action(want.Events[i].Kind).Label().SV
		}
		return want
	}
	var invs []cases.Investigation
	sel(&invs, `SELECT * FROM investigations WHERE case_id = $1`)
	if len(invs) == 1 {
		want.Investigation = &invs[0]
	}
	sel(&want.Assessments, `SELECT id, case_id, occasion, assessed_on, child_participation, child_words, child_view_not_followed,
		created_by, created_at FROM wheel_assessments WHERE case_id = $1 ORDER BY assessed_on, id`)
	for i := range want.Assessments {
		want.Assessments[i].Ratings = []wheel.Rating{}
		if err := db.SelectContext(ctx, &want.Assessments[i].Ratings, `SELECT domain, perspective, rating, kind, note FROM wheel_ratings
			WHERE assessment_id = $1`, want.Assessments[i].ID); err != nil {
			t.Fatal(err)
		}
	}
	sel(&want.FollowUps, `SELECT * FROM followups WHERE case_id = $1 ORDER BY held_on, id`)
	for i := range want.FollowUps {
		f := &want.FollowUps[i]
		f.Results = []cases.MeasureResult{}
		if err := db.SelectContext(ctx, &f.Results, `SELECT measure_id, result, comment FROM followup_results WHERE followup_id = $1`, f.ID); err != nil {
			t.Fatal(err)
		}
		for j := range want.Assessments {
			if f.WheelAssessmentID != nil && want.Assessments[j].ID == *f.WheelAssessmentID {
				f.Wheel = &want.Assessments[j]
			}
		}
	}
	sel(&want.Escalations, `SELECT * FROM escalations WHERE case_id = $1 ORDER BY occurred_on, id`)
	return want
}

// TestTasksComeInOneListPerKind checks that the start page's task lists, read as one
// statement, keep each role's lists in their order and each list in its own.
func TestTasksComeInOneListPerKind(t *testing.T) {
	t.Parallel()
	s, org := newStore(t)
	ctx := context.Background()
	rektor := pgtest.Actor(t, s.DB, org.A.Rektor)
	driveCase(t, s, rektor, org.StudentA, cases.PlanSubmitted)
	driveCase(t, s, rektor, newStudent(t, s.DB, org.SchoolA, 0, false), cases.Reported)
	driveCase(t, s, rektor, newStudent(t, s.DB, org.SchoolA, 0, false), cases.Reported)
	driveCase(t, s, rektor, newStudent(t, s.DB, org.SchoolA, 0, false), cases.Investigating)

	tasks, err := s.Tasks(ctx, rektor)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, tk := range tasks {
		if len(kinds) == 0 || kinds[len(kinds)-1] != tk.Kind {
			kinds = append(kinds, tk.Kind)
		}
	}
	want := []string{"assess", "decide", "send_notice"}
	if len(kinds) != len(want) {
		t.Fatalf("task kinds in order = %v, want %v (tasks %+v)", kinds, want, tasks)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Fatalf("task kinds in order = %v, want %v", kinds, want)
		}
	}
	for i := 1; i < len(tasks); i++ {
		if tasks[i].Kind == tasks[i-1].Kind && tasks[i].Due.Before(tasks[i-1].Due) {
			t.Errorf("%s tasks not by due date: %v before %v", tasks[i].Kind, tasks[i-1].Due, tasks[i].Due)
		}
	}
	if n := len(tasks); n != 2+1+2 {
		t.Errorf("%d tasks, want 2 to assess, 1 to decide and 2 notices to send: %+v", n, tasks)
	}
}
