package postgres

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

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

// GetCase reads a case for the actor and records the read in the audit log. The access check
// and the read are two statements, each its own transaction: a read in between sees the case
// as it is a moment later, which the version check of every change keeps harmless, and saves
// the two round trips of a BEGIN and a COMMIT on the hottest read there is.
func (s *Store) GetCase(ctx context.Context, a *narvaro.Actor, id int64) (*CaseView, error) {
	c, err := loadCase(ctx, s.DB, a, id, auth.Visible, false)
	if err != nil {
		return nil, translate(err)
	}
	entry := auditEntry(audit.Read, "case", id, c)
	v, err := loadCaseView(ctx, s.DB, a, c, &entry)
	return v, translate(err)
}

func assemblePlans(plans []cases.Plan, rows []cases.Measure) []cases.Plan {
	measures := map[int64][]cases.Measure{}
	for _, m := range rows {
		measures[m.PlanID] = append(measures[m.PlanID], m)
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
