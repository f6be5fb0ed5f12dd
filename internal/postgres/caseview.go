package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/narvaro/narvaro/internal/audit"
	"github.com/narvaro/narvaro/internal/auth"
	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/wheel"
)

// caseViewSelect reads everything a case page shows as one row of JSON columns, one per kind
// of record, in one prepared statement: planned once per connection and sent in one round trip.
// (Sixteen statements sent as one query cost PostgreSQL about twice the CPU, since it parsed
// and planned each of them on every read; see docs/benchmarks.md.) $1 is the case, $2 whether
// the reader may see the secret parts, which are then not even read.
//
// The JSON keys are the columns' names, which are the Go types' json names too; the test
// TestCaseViewReadsEveryColumn compares the result with reading each table on its own.
const caseViewSelect = `
SELECT
  (SELECT json_build_object('id', st.id, 'name', st.first_name || ' ' || st.last_name,
      'personnummer', left(st.personnummer, 9) || '****', 'grade', st.grade, 'class_name', st.class_name,
      'protected_identity', st.protected_identity, 'home_municipality_code', st.home_municipality_code)
    FROM students st WHERE st.id = c.student_id) AS student,
  (SELECT st.personnummer FROM students st WHERE st.id = c.student_id) AS personnummer_full,
  (SELECT row_to_json(sc) FROM schools sc WHERE sc.id = c.school_id) AS school,
  (SELECT row_to_json(h) FROM huvudman h WHERE h.id = c.huvudman_id) AS huvudman,
  (SELECT json_agg(json_build_object('id', e.id, 'case_id', e.case_id, 'at', e.at, 'actor_id', e.actor_id,
      'actor_name', COALESCE((SELECT u.display_name FROM users u WHERE u.id = e.actor_id), ''), 'kind', e.kind,
      'from_status', e.from_status, 'to_status', e.to_status, 'summary', e.summary) ORDER BY e.at, e.id)
    FROM case_events e WHERE e.case_id = c.id) AS events,
  (SELECT json_agg(g ORDER BY g.contacted_on, g.id) FROM guardian_contacts g WHERE g.case_id = c.id) AS contacts,
  (SELECT json_agg(n ORDER BY n.created_at, n.id) FROM notices n WHERE n.case_id = c.id) AS notices,
  (SELECT json_agg(json_build_object('user_id', u.id, 'name', u.display_name, 'title', u.title, 'role', u.role)
      ORDER BY u.display_name, u.id)
    FROM case_members m JOIN users u ON u.id = m.user_id WHERE m.case_id = c.id) AS members,
  (SELECT json_agg(json_build_object('id', d.id, 'kind', d.kind, 'version', d.version, 'title', d.title,
      'sha256', d.sha256, 'issued_at', to_char(d.issued_at, 'YYYY-MM-DD HH24:MI')) ORDER BY d.issued_at, d.id)
    FROM documents d WHERE d.case_id = c.id) AS documents,
  (SELECT json_agg(p ORDER BY p.version) FROM plans p WHERE p.case_id = c.id) AS plans,
  (SELECT json_agg(ms ORDER BY ms.plan_id, ms.position) FROM measures ms JOIN plans p ON p.id = ms.plan_id
    WHERE p.case_id = c.id) AS measures,
  CASE WHEN $2 THEN (SELECT row_to_json(i) FROM investigations i WHERE i.case_id = c.id) END AS investigation,
  CASE WHEN $2 THEN (SELECT json_agg(json_build_object('id', w.id, 'case_id', w.case_id, 'occasion', w.occasion,
      'assessed_on', to_char(w.assessed_on, 'YYYY-MM-DD"T00:00:00Z"'), 'child_participation', w.child_participation,
      'child_words', w.child_words, 'child_view_not_followed', w.child_view_not_followed,
      'created_by', w.created_by, 'created_at', w.created_at) ORDER BY w.assessed_on, w.id)
    FROM wheel_assessments w WHERE w.case_id = c.id) END AS assessments,
  CASE WHEN $2 THEN (SELECT json_agg(json_build_object('assessment_id', r.assessment_id, 'domain', r.domain,
      'perspective', r.perspective, 'rating', r.rating, 'kind', r.kind, 'note', r.note))
    FROM wheel_ratings r JOIN wheel_assessments w ON w.id = r.assessment_id WHERE w.case_id = c.id) END AS ratings,
  CASE WHEN $2 THEN (SELECT json_agg(f ORDER BY f.held_on, f.id) FROM followups f WHERE f.case_id = c.id) END AS followups,
  CASE WHEN $2 THEN (SELECT json_agg(json_build_object('followup_id', r.followup_id, 'measure_id', r.measure_id,
      'result', r.result, 'comment', r.comment))
    FROM followup_results r JOIN followups f ON f.id = r.followup_id WHERE f.case_id = c.id) END AS results,
  CASE WHEN $2 THEN (SELECT json_agg(x ORDER BY x.occurred_on, x.id) FROM escalations x WHERE x.case_id = c.id) END AS escalations
FROM cases c WHERE c.id = $1`

// caseViewLoggedSelect is caseViewSelect that also writes the read's audit row ($3 to $12). A statement is one transaction, so the read and its record stand or fall
// together without a BEGIN and a COMMIT of their own.
var caseViewLoggedSelect = `WITH logged AS (` + auditInsert(3) + `)` + caseViewSelect

// caseViewColumns receives caseViewSelect's row; each column is JSON, NULL for no records.
type caseViewColumns struct {
	student, school, huvudman, events, contacts, notices, members, documents []byte
	plans, measures, investigation, assessments, ratings, followups, results []byte
	escalations                                                              []byte
	personnummerFull                                                         sql.NullString
}

func (cols *caseViewColumns) dest() []any {
	return []any{&cols.student, &cols.personnummerFull, &cols.school, &cols.huvudman, &cols.events, &cols.contacts,
		&cols.notices, &cols.members, &cols.documents, &cols.plans, &cols.measures, &cols.investigation,
		&cols.assessments, &cols.ratings, &cols.followups, &cols.results, &cols.escalations}
}

// loadCaseView reads everything the case page, the case JSON and the documents show, cut to
// what the actor may see. With a non-nil logEntry the same statement writes that audit row.
func loadCaseView(ctx context.Context, q queryer, a *narvaro.Actor, c *caseRecord, logEntry *audit.Entry) (*CaseView, error) {
	v := &CaseView{Case: &c.Case, Secret: auth.SeeStudent(a, c.subject()) == auth.Full}
	query, args := caseViewSelect, []any{c.ID, v.Secret}
	if logEntry != nil {
		logArgs, err := auditArgs(a, *logEntry)
		if err != nil {
			return nil, err
		}
		query, args = caseViewLoggedSelect, append(args, logArgs...)
	}
	var cols caseViewColumns
	if err := q.QueryRowxContext(ctx, query, args...).Scan(cols.dest()...); err != nil {
		return nil, fmt.Errorf("case %d: %w", c.ID, err)
	}
	if err := cols.decode(v); err != nil {
		return nil, fmt.Errorf("case %d: %w", c.ID, err)
	}
	if cols.student == nil || cols.school == nil || cols.huvudman == nil {
		return nil, fmt.Errorf("case %d: student, school or huvudman missing: %w", c.ID, sql.ErrNoRows)
	}
	v.Student.PersonnummerFull = cols.personnummerFull.String
	mask(v, c)
	return v, nil
}

// decode fills v from the columns and puts the child records under their parents.
func (cols *caseViewColumns) decode(v *CaseView) error {
	var (
		plans    []cases.Plan
		measures []cases.Measure
		ratings  []ratingRow
		results  []resultRow
	)
	parts := []struct {
		what string
		src  []byte
		dest any
	}{
		{"student", cols.student, &v.Student}, {"school", cols.school, &v.School}, {"huvudman", cols.huvudman, &v.Huvudman},
		{"events", cols.events, &v.Events}, {"contacts", cols.contacts, &v.Contacts}, {"notices", cols.notices, &v.Notices},
		{"members", cols.members, &v.Members}, {"documents", cols.documents, &v.Documents}, {"plans", cols.plans, &plans},
		{"measures", cols.measures, &measures}, {"investigation", cols.investigation, &v.Investigation},
		{"wheel assessments", cols.assessments, &v.Assessments}, {"wheel ratings", cols.ratings, &ratings},
		{"follow-ups", cols.followups, &v.FollowUps}, {"follow-up results", cols.results, &results},
		{"escalations", cols.escalations, &v.Escalations},
	}
	for _, p := range parts {
		if p.src == nil {
			continue
		}
		if err := json.Unmarshal(p.src, p.dest); err != nil {
			return fmt.Errorf("%s: %w", p.what, err)
		}
	}
	v.Plans = assemblePlans(plans, measures)
	if v.Secret {
		assembleAssessments(v.Assessments, ratings)
		assembleFollowUps(v.FollowUps, results, v.Assessments)
	}
	return nil
}

// mask removes what the actor may not see from a view read for them.
func mask(v *CaseView, c *caseRecord) {
	if v.Student.ProtectedIdentity {
		v.Student.Name, v.Student.Personnummer = "Skyddad identitet", "********-****"
	}
	if v.Secret {
		return
	}
	// Outside the team, reasons and summaries in the timeline may reveal secret details.
	for i := range v.Events {
		v.Events[i].Summary = cases.Action(v.Events[i].Kind).Label().SV
	}
	// The same texts stand on the case itself: the rektor's reasons (also the assessment
	// event's summary) and the closure's note and child's view.
	c.Case.AssessmentReasons, c.Case.ClosureNote, c.Case.ClosureChildView = "", "", ""
}

type ratingRow struct {
	AssessmentID int64 `json:"assessment_id" db:"assessment_id"`
	wheel.Rating
}

type resultRow struct {
	FollowUpID int64 `json:"followup_id" db:"followup_id"`
	cases.MeasureResult
}
