package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/narvaro/narvaro/internal/audit"
	"github.com/narvaro/narvaro/internal/auth"
	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/wheel"
)

// StudentRef is how a case names its student: masked and nameless when the identity is protected.
type StudentRef struct {
	ID                int64  `json:"id" db:"id"`
	Name              string `json:"name" db:"name"`
	Personnummer      string `json:"personnummer" db:"personnummer"`
	PersonnummerFull  string `json:"-" db:"personnummer_full"`
	Grade             int    `json:"grade" db:"grade"`
	ClassName         string `json:"class_name" db:"class_name"`
	ProtectedIdentity bool   `json:"protected_identity" db:"protected_identity"`
	HomeMunicipality  string `json:"home_municipality_code" db:"home_municipality_code"`
}

// CaseView is everything a case page or the case JSON shows, cut to what the actor may see.
type CaseView struct {
	Case          *cases.Case          `json:"case"`
	Student       StudentRef           `json:"student"`
	School        narvaro.School       `json:"school"`
	Huvudman      narvaro.Huvudman     `json:"huvudman"`
	Secret        bool                 `json:"secret_visible"`
	Events        []cases.Event        `json:"events"`
	Contacts      []cases.Contact      `json:"contacts"`
	Investigation *cases.Investigation `json:"investigation,omitempty"`
	Assessments   []wheel.Assessment   `json:"assessments,omitempty"`
	Plans         []cases.Plan         `json:"plans"`
	FollowUps     []cases.FollowUp     `json:"followups,omitempty"`
	Escalations   []cases.Escalation   `json:"escalations,omitempty"`
	Notices       []cases.Notice       `json:"notices"`
	Members       []Member             `json:"members"`
	Documents     []DocumentInfo       `json:"documents"`
}

// Member is a person on the case's team.
type Member struct {
	UserID int64  `json:"user_id" db:"user_id"`
	Name   string `json:"name" db:"display_name"`
	Title  string `json:"title" db:"title"`
	Role   string `json:"role" db:"role"`
}

// DocumentInfo lists an issued document without its bytes.
type DocumentInfo struct {
	ID       int64  `json:"id" db:"id"`
	Kind     string `json:"kind" db:"kind"`
	Version  int    `json:"version" db:"version"`
	Title    string `json:"title" db:"title"`
	SHA256   string `json:"sha256" db:"sha256"`
	IssuedAt string `json:"issued_at" db:"issued_at"`
}

// GetCase reads a case for the actor and records the read in the audit log.
func (s *Store) GetCase(ctx context.Context, a *narvaro.Actor, id int64) (*CaseView, error) {
	var v *CaseView
	err := s.DB.Tx(ctx, func(tx *sqlx.Tx) error {
		c, err := loadCase(ctx, tx, a, id, auth.Visible, false)
		if err != nil {
			return err
		}
		v, err = loadCaseView(ctx, tx, a, c)
		if err != nil {
			return err
		}
		return writeAudit(ctx, tx, a, auditEntry(audit.Read, "case", id, c))
	})
	return v, err
}

// loadCaseView reads everything the case page and the case JSON show in one round trip: the
// statements go to PostgreSQL as one simple query and come back as result sets, in order. One
// statement at a time, a case cost some twenty round trips, which was most of a case read's
// time (docs/benchmarks.md). Only integer ids are written into the SQL.
func loadCaseView(ctx context.Context, tx *sqlx.Tx, a *narvaro.Actor, c *caseRecord) (*CaseView, error) {
	v := &CaseView{Case: &c.Case, Secret: auth.SeeStudent(a, c.subject()) == auth.Full}
	id := strconv.FormatInt(c.ID, 10)
	batch := []string{
		`SELECT id, first_name || ' ' || last_name AS name, personnummer AS personnummer_full,
			left(personnummer, 9) || '****' AS personnummer, grade, class_name, protected_identity, home_municipality_code
			FROM students WHERE id = ` + strconv.FormatInt(c.StudentID, 10),
		`SELECT * FROM schools WHERE id = ` + strconv.FormatInt(c.SchoolID, 10),
		`SELECT * FROM huvudman WHERE id = ` + strconv.FormatInt(c.HuvudmanID, 10),
		`SELECT e.id, e.case_id, e.at, e.actor_id,
			COALESCE((SELECT u.display_name FROM users u WHERE u.id = e.actor_id), '') AS actor_name, e.kind, e.from_status, e.to_status, e.summary
			FROM case_events e WHERE e.case_id = ` + id + ` ORDER BY e.at, e.id`,
		`SELECT * FROM guardian_contacts WHERE case_id = ` + id + ` ORDER BY contacted_on, id`,
		`SELECT * FROM notices WHERE case_id = ` + id + ` ORDER BY created_at, id`,
		`SELECT u.id AS user_id, u.display_name, u.title, u.role FROM case_members m JOIN users u ON u.id = m.user_id
			WHERE m.case_id = ` + id + ` ORDER BY u.display_name`,
		`SELECT id, kind, version, title, sha256, to_char(issued_at, 'YYYY-MM-DD HH24:MI') AS issued_at
			FROM documents WHERE case_id = ` + id + ` ORDER BY issued_at, id`,
		`SELECT * FROM plans WHERE case_id = ` + id + ` ORDER BY version`,
		`SELECT m.* FROM measures m JOIN plans p ON p.id = m.plan_id WHERE p.case_id = ` + id + ` ORDER BY m.plan_id, m.position`,
	}
	if v.Secret {
		batch = append(batch,
			`SELECT * FROM investigations WHERE case_id = `+id,
			`SELECT id, case_id, occasion, assessed_on, child_participation, child_words, child_view_not_followed, created_by, created_at
				FROM wheel_assessments WHERE case_id = `+id+` ORDER BY assessed_on, id`,
			`SELECT r.assessment_id, r.domain, r.perspective, r.rating, r.kind, r.note
				FROM wheel_ratings r JOIN wheel_assessments w ON w.id = r.assessment_id WHERE w.case_id = `+id,
			`SELECT * FROM followups WHERE case_id = `+id+` ORDER BY held_on, id`,
			`SELECT r.followup_id, r.measure_id, r.result, r.comment FROM followup_results r
				JOIN followups f ON f.id = r.followup_id WHERE f.case_id = `+id,
			`SELECT * FROM escalations WHERE case_id = `+id+` ORDER BY occurred_on, id`)
	}
	rows, err := tx.QueryxContext(ctx, strings.Join(batch, ";\n"))
	if err != nil {
		return nil, fmt.Errorf("case %d: %w", c.ID, err)
	}
	defer rows.Close()
	sets := resultSets{rows: rows}
	var students []StudentRef
	var schools []narvaro.School
	var huvudman []narvaro.Huvudman
	var plans []cases.Plan
	var measures []measureRow
	sets.scan("case student", &students)
	sets.scan("case school", &schools)
	sets.scan("case huvudman", &huvudman)
	sets.scan("case events", &v.Events)
	sets.scan("case contacts", &v.Contacts)
	sets.scan("case notices", &v.Notices)
	sets.scan("case members", &v.Members)
	sets.scan("case documents", &v.Documents)
	sets.scan("case plans", &plans)
	sets.scan("measures", &measures)
	var invs []cases.Investigation
	var ratings []ratingRow
	var results []resultRow
	if v.Secret {
		sets.scan("case investigation", &invs)
		sets.scan("wheel assessments", &v.Assessments)
		sets.scan("wheel ratings", &ratings)
		sets.scan("follow-ups", &v.FollowUps)
		sets.scan("follow-up results", &results)
		sets.scan("case escalations", &v.Escalations)
	}
	if sets.err != nil {
		return nil, sets.err
	}
	if len(students) != 1 || len(schools) != 1 || len(huvudman) != 1 {
		return nil, fmt.Errorf("case %d: student, school or huvudman missing: %w", c.ID, sql.ErrNoRows)
	}
	v.Student, v.School, v.Huvudman = students[0], schools[0], huvudman[0]
	if v.Student.ProtectedIdentity {
		v.Student.Name, v.Student.Personnummer = "Skyddad identitet", "********-****"
	}
	if !v.Secret {
		// Outside the team, reasons and summaries in the timeline may reveal secret details.
		for i := range v.Events {
			v.Events[i].Summary = cases.Action(v.Events[i].Kind).Label().SV
		}
		// The same texts stand on the case itself: the rektor's reasons (also the assessment
		// event's summary) and the closure's note and child's view.
		c.Case.AssessmentReasons, c.Case.ClosureNote, c.Case.ClosureChildView = "", "", ""
	}
	v.Plans = assemblePlans(plans, measures)
	if !v.Secret {
		return v, nil
	}
	if len(invs) > 0 {
		v.Investigation = &invs[0]
	}
	assembleAssessments(v.Assessments, ratings)
	assembleFollowUps(v.FollowUps, results, v.Assessments)
	return v, nil
}

// resultSets scans the result sets of one multi-statement query in order, keeping the first
// error.
type resultSets struct {
	rows *sqlx.Rows
	n    int
	err  error
}

func (r *resultSets) scan(what string, dest any) {
	if r.err != nil {
		return
	}
	if r.n > 0 && !r.rows.NextResultSet() {
		r.err = fmt.Errorf("%s: result set missing: %w", what, r.rows.Err())
		return
	}
	r.n++
	if err := sqlx.StructScan(r.rows, dest); err != nil {
		r.err = fmt.Errorf("%s: %w", what, err)
	}
}

type measureRow struct {
	cases.Measure
	Domains pq.StringArray `db:"domains"`
}

type ratingRow struct {
	AssessmentID int64 `db:"assessment_id"`
	wheel.Rating
}

type resultRow struct {
	FollowUpID int64 `db:"followup_id"`
	cases.MeasureResult
}

func assemblePlans(plans []cases.Plan, rows []measureRow) []cases.Plan {
	measures := map[int64][]cases.Measure{}
	for _, r := range rows {
		r.Measure.Domains = []string(r.Domains)
		measures[r.PlanID] = append(measures[r.PlanID], r.Measure)
	}
	for i := range plans {
		plans[i].Measures = measures[plans[i].ID]
		if plans[i].Measures == nil {
			plans[i].Measures = []cases.Measure{}
		}
	}
	if plans == nil {
		plans = []cases.Plan{}
	}
	return plans
}

func loadMeasures(ctx context.Context, q queryer, planIDs []int64) (map[int64][]cases.Measure, error) {
	var rows []measureRow
	if err := q.SelectContext(ctx, &rows, `SELECT * FROM measures WHERE plan_id = ANY($1) ORDER BY plan_id, position`, pq.Int64Array(planIDs)); err != nil {
		return nil, fmt.Errorf("measures: %w", err)
	}
	out := map[int64][]cases.Measure{}
	for _, r := range rows {
		r.Measure.Domains = []string(r.Domains)
		out[r.PlanID] = append(out[r.PlanID], r.Measure)
	}
	return out, nil
}

func assembleAssessments(as []wheel.Assessment, ratings []ratingRow) {
	idx := map[int64]int{}
	for i := range as {
		idx[as[i].ID] = i
		as[i].Ratings = []wheel.Rating{}
	}
	for _, r := range ratings {
		i := idx[r.AssessmentID]
		as[i].Ratings = append(as[i].Ratings, r.Rating)
	}
}

func assembleFollowUps(fs []cases.FollowUp, results []resultRow, assessments []wheel.Assessment) {
	idx := map[int64]int{}
	for i := range fs {
		idx[fs[i].ID] = i
		fs[i].Results = []cases.MeasureResult{}
		for j := range assessments {
			if fs[i].WheelAssessmentID != nil && assessments[j].ID == *fs[i].WheelAssessmentID {
				fs[i].Wheel = &assessments[j]
			}
		}
	}
	for _, r := range results {
		fs[idx[r.FollowUpID]].Results = append(fs[idx[r.FollowUpID]].Results, r.MeasureResult)
	}
}

// CaseSummary is a line in a list of cases.
type CaseSummary struct {
	ID               int64        `json:"id" db:"id"`
	CaseNumber       string       `json:"case_number" db:"case_number"`
	Status           cases.Status `json:"status" db:"status"`
	StudentID        int64        `json:"student_id" db:"student_id"`
	StudentName      string       `json:"student_name" db:"student_name"`
	SchoolID         int64        `json:"school_id" db:"school_id"`
	SchoolName       string       `json:"school_name" db:"school_name"`
	OpenedAt         string       `json:"opened_at" db:"opened_at"`
	InvestigationDue narvaro.Date `json:"investigation_due" db:"investigation_due"`
	NextFollowUp     narvaro.Date `json:"next_followup" db:"next_followup"`
	Version          int          `json:"version" db:"version"`
}

// CaseFilter narrows a list of cases.
type CaseFilter struct {
	Status    string `form:"status" binding:"omitempty,oneof=reported not_investigated investigating planning plan_submitted active closed"`
	SchoolID  int64  `form:"school_id" binding:"omitempty,gt=0"`
	StudentID int64  `form:"student_id" binding:"omitempty,gt=0"`
	Mine      bool   `form:"mine"`
	Limit     int    `form:"limit" binding:"omitempty,min=1,max=500"`
}

// ListCases lists the cases the actor may see.
func (s *Store) ListCases(ctx context.Context, a *narvaro.Actor, f CaseFilter) ([]CaseSummary, error) {
	vis, args := visibleStudents("st", 1, a)
	query := `SELECT c.id, c.case_number, c.status, c.student_id,
		CASE WHEN st.protected_identity THEN 'Skyddad identitet' ELSE st.first_name || ' ' || st.last_name END AS student_name,
		c.school_id, sc.name AS school_name, to_char(c.opened_at, 'YYYY-MM-DD') AS opened_at, c.investigation_due,
		(SELECT f.next_date FROM followups f WHERE f.case_id = c.id ORDER BY f.held_on DESC, f.id DESC LIMIT 1) AS next_followup, c.version
		FROM cases c JOIN students st ON st.id = c.student_id JOIN schools sc ON sc.id = c.school_id
		WHERE c.school_id = ANY($1) AND ` + vis // the record's school too: see caseFrom in tasks.go
	if f.Status != "" {
		args = append(args, f.Status)
		query += fmt.Sprintf(" AND c.status = $%d", len(args))
	}
	if f.SchoolID != 0 {
		args = append(args, f.SchoolID)
		query += fmt.Sprintf(" AND c.school_id = $%d", len(args))
	}
	if f.StudentID != 0 {
		args = append(args, f.StudentID)
		query += fmt.Sprintf(" AND c.student_id = $%d", len(args))
	}
	if f.Mine {
		args = append(args, a.UserID)
		query += fmt.Sprintf(" AND EXISTS (SELECT 1 FROM case_members m WHERE m.case_id = c.id AND m.user_id = $%d)", len(args))
	}
	if f.Limit == 0 {
		f.Limit = 200
	}
	args = append(args, f.Limit)
	query += fmt.Sprintf(" ORDER BY c.opened_at DESC, c.id DESC LIMIT $%d", len(args))
	out := []CaseSummary{}
	err := s.DB.readGeneric(ctx, func(tx *sqlx.Tx) error { return tx.SelectContext(ctx, &out, query, args...) })
	if err != nil {
		return nil, translate(fmt.Errorf("list cases: %w", err))
	}
	if len(out) > 0 {
		if err := s.DB.Audit(ctx, a, audit.Entry{Action: audit.Read, Entity: "case_list", Detail: map[string]any{"count": len(out), "status": f.Status}}); err != nil {
			return nil, err
		}
	}
	return out, nil
}
