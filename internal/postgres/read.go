package postgres

import (
	"context"
	"fmt"

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

func loadCaseView(ctx context.Context, tx *sqlx.Tx, a *narvaro.Actor, c *caseRecord) (*CaseView, error) {
	v := &CaseView{Case: &c.Case, Secret: auth.SeeStudent(a, c.subject()) == auth.Full}
	if err := tx.GetContext(ctx, &v.Student, `SELECT id, first_name || ' ' || last_name AS name, personnummer AS personnummer_full,
		left(personnummer, 9) || '****' AS personnummer, grade, class_name, protected_identity, home_municipality_code FROM students WHERE id = $1`, c.StudentID); err != nil {
		return nil, fmt.Errorf("case student: %w", err)
	}
	if v.Student.ProtectedIdentity {
		v.Student.Name, v.Student.Personnummer = "Skyddad identitet", "********-****"
	}
	if err := tx.GetContext(ctx, &v.School, `SELECT * FROM schools WHERE id = $1`, c.SchoolID); err != nil {
		return nil, fmt.Errorf("case school: %w", err)
	}
	if err := tx.GetContext(ctx, &v.Huvudman, `SELECT * FROM huvudman WHERE id = $1`, c.HuvudmanID); err != nil {
		return nil, fmt.Errorf("case huvudman: %w", err)
	}
	if err := tx.SelectContext(ctx, &v.Events, `SELECT e.id, e.case_id, e.at, e.actor_id, COALESCE(u.display_name, '') AS actor_name, e.kind, e.from_status, e.to_status, e.summary
		FROM case_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.case_id = $1 ORDER BY e.at, e.id`, c.ID); err != nil {
		return nil, fmt.Errorf("case events: %w", err)
	}
	if !v.Secret {
		// Outside the team, reasons and summaries in the timeline may reveal secret details.
		for i := range v.Events {
			v.Events[i].Summary = cases.Action(v.Events[i].Kind).Label().SV
		}
	}
	if err := tx.SelectContext(ctx, &v.Contacts, `SELECT * FROM guardian_contacts WHERE case_id = $1 ORDER BY contacted_on, id`, c.ID); err != nil {
		return nil, fmt.Errorf("case contacts: %w", err)
	}
	if err := tx.SelectContext(ctx, &v.Notices, `SELECT * FROM notices WHERE case_id = $1 ORDER BY created_at, id`, c.ID); err != nil {
		return nil, fmt.Errorf("case notices: %w", err)
	}
	if err := tx.SelectContext(ctx, &v.Members, `SELECT u.id AS user_id, u.display_name, u.title, u.role FROM case_members m JOIN users u ON u.id = m.user_id
		WHERE m.case_id = $1 ORDER BY u.display_name`, c.ID); err != nil {
		return nil, fmt.Errorf("case members: %w", err)
	}
	if err := tx.SelectContext(ctx, &v.Documents, `SELECT id, kind, version, title, sha256, to_char(issued_at, 'YYYY-MM-DD HH24:MI') AS issued_at
		FROM documents WHERE case_id = $1 ORDER BY issued_at, id`, c.ID); err != nil {
		return nil, fmt.Errorf("case documents: %w", err)
	}
	plans, err := loadPlans(ctx, tx, c.ID)
	if err != nil {
		return nil, err
	}
	v.Plans = plans
	if !v.Secret {
		return v, nil
	}
	var inv cases.Investigation
	switch err := tx.GetContext(ctx, &inv, `SELECT * FROM investigations WHERE case_id = $1`, c.ID); {
	case err == nil:
		v.Investigation = &inv
	case !isNoRows(err):
		return nil, fmt.Errorf("case investigation: %w", err)
	}
	if v.Assessments, err = loadAssessments(ctx, tx, c.ID); err != nil {
		return nil, err
	}
	if v.FollowUps, err = loadFollowUps(ctx, tx, c.ID, v.Assessments); err != nil {
		return nil, err
	}
	if err := tx.SelectContext(ctx, &v.Escalations, `SELECT * FROM escalations WHERE case_id = $1 ORDER BY occurred_on, id`, c.ID); err != nil {
		return nil, fmt.Errorf("case escalations: %w", err)
	}
	return v, nil
}

func loadPlans(ctx context.Context, q queryer, caseID int64) ([]cases.Plan, error) {
	var plans []cases.Plan
	if err := q.SelectContext(ctx, &plans, `SELECT * FROM plans WHERE case_id = $1 ORDER BY version`, caseID); err != nil {
		return nil, fmt.Errorf("case plans: %w", err)
	}
	ids := make([]int64, len(plans))
	for i, p := range plans {
		ids[i] = p.ID
	}
	measures, err := loadMeasures(ctx, q, ids)
	if err != nil {
		return nil, err
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
	return plans, nil
}

func loadMeasures(ctx context.Context, q queryer, planIDs []int64) (map[int64][]cases.Measure, error) {
	var rows []struct {
		cases.Measure
		Domains pq.StringArray `db:"domains"`
	}
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

func loadAssessments(ctx context.Context, q queryer, caseID int64) ([]wheel.Assessment, error) {
	var as []wheel.Assessment
	if err := q.SelectContext(ctx, &as, `SELECT id, case_id, occasion, assessed_on, child_participation, child_words, child_view_not_followed, created_by, created_at
		FROM wheel_assessments WHERE case_id = $1 ORDER BY assessed_on, id`, caseID); err != nil {
		return nil, fmt.Errorf("wheel assessments: %w", err)
	}
	var ratings []struct {
		AssessmentID int64 `db:"assessment_id"`
		wheel.Rating
	}
	if err := q.SelectContext(ctx, &ratings, `SELECT r.assessment_id, r.domain, r.perspective, r.rating, r.kind, r.note
		FROM wheel_ratings r JOIN wheel_assessments w ON w.id = r.assessment_id WHERE w.case_id = $1`, caseID); err != nil {
		return nil, fmt.Errorf("wheel ratings: %w", err)
	}
	idx := map[int64]int{}
	for i := range as {
		idx[as[i].ID] = i
		as[i].Ratings = []wheel.Rating{}
	}
	for _, r := range ratings {
		i := idx[r.AssessmentID]
		as[i].Ratings = append(as[i].Ratings, r.Rating)
	}
	return as, nil
}

func loadFollowUps(ctx context.Context, q queryer, caseID int64, assessments []wheel.Assessment) ([]cases.FollowUp, error) {
	var fs []cases.FollowUp
	if err := q.SelectContext(ctx, &fs, `SELECT * FROM followups WHERE case_id = $1 ORDER BY held_on, id`, caseID); err != nil {
		return nil, fmt.Errorf("follow-ups: %w", err)
	}
	var results []struct {
		FollowUpID int64 `db:"followup_id"`
		cases.MeasureResult
	}
	if err := q.SelectContext(ctx, &results, `SELECT r.followup_id, r.measure_id, r.result, r.comment FROM followup_results r
		JOIN followups f ON f.id = r.followup_id WHERE f.case_id = $1`, caseID); err != nil {
		return nil, fmt.Errorf("follow-up results: %w", err)
	}
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
	return fs, nil
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
		WHERE ` + vis
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
	if err := s.DB.SelectContext(ctx, &out, query, args...); err != nil {
		return nil, translate(fmt.Errorf("list cases: %w", err))
	}
	if len(out) > 0 {
		if err := s.DB.Audit(ctx, a, audit.Entry{Action: audit.Read, Entity: "case_list", Detail: map[string]any{"count": len(out), "status": f.Status}}); err != nil {
			return nil, err
		}
	}
	return out, nil
}
