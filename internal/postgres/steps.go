package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/wheel"
)

// Assess records the rektor's assessment. Starting the investigation sets the clock and
// creates the notice to the huvudman, and to the home municipality when the huvudman is not it.
func (s *Store) Assess(ctx context.Context, a *narvaro.Actor, caseID int64, in cases.AssessInput) error {
	return s.step(ctx, a, caseID, in.Version, "assess", func(tx *sqlx.Tx, c *caseRecord) error {
		if _, err := s.transition(ctx, tx, a, c, in.Action(), in.Reasons); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET assessment = $2, assessment_reasons = $3, assessed_by = $4, assessed_at = $5 WHERE id = $1`,
			caseID, in.Decision, strings.TrimSpace(in.Reasons), a.UserID, s.Now()); err != nil {
			return err
		}
		if in.Action() != cases.StartInvestigation {
			return nil
		}
		today := s.today()
		due := s.Settings.Deadlines.InvestigationDue(today)
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET investigation_started_at = $3, investigation_due = $2 WHERE id = $1`, caseID, due, s.Now()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO investigations (case_id, updated_by) VALUES ($1, $2) ON CONFLICT (case_id) DO NOTHING`, caseID, a.UserID); err != nil {
			return err
		}
		var org struct {
			Name             string `db:"name"`
			Kind             string `db:"kind"`
			MunicipalityCode string `db:"municipality_code"`
			HomeMunicipality string `db:"home_municipality_code"`
		}
		if err := tx.GetContext(ctx, &org, `SELECT h.name, h.kind, h.municipality_code, s.home_municipality_code
			FROM cases c JOIN huvudman h ON h.id = c.huvudman_id JOIN students s ON s.id = c.student_id WHERE c.id = $1`, caseID); err != nil {
			return err
		}
		if err := addNotice(ctx, tx, caseID, cases.NoticeInvestigationStarted, org.Name, today.AddDays(s.Settings.Deadlines.NoticeHuvudmanDays)); err != nil {
			return err
		}
		h := narvaro.Huvudman{Kind: narvaro.HuvudmanKind(org.Kind), MunicipalityCode: org.MunicipalityCode}
		if !h.IsHomeMunicipalityOf(narvaro.Student{HomeMunicipalityCode: org.HomeMunicipality}) {
			return addNotice(ctx, tx, caseID, cases.NoticeHomeMunicipality, "Hemkommun (kommunkod "+org.HomeMunicipality+")",
				today.AddDays(s.Settings.Deadlines.NoticeHomeMunicipality))
		}
		return nil
	})
}

func addNotice(ctx context.Context, tx *sqlx.Tx, caseID int64, kind, recipient string, due narvaro.Date) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO notices (case_id, kind, recipient, due_on) VALUES ($1, $2, $3, $4)`, caseID, kind, recipient, due)
	if err != nil {
		return fmt.Errorf("add notice: %w", err)
	}
	return nil
}

// SaveInvestigation saves the investigation's sections (a draft, saved as often as needed).
func (s *Store) SaveInvestigation(ctx context.Context, a *narvaro.Actor, caseID int64, in cases.InvestigationInput) error {
	if err := in.Check(); err != nil {
		return err
	}
	return s.step(ctx, a, caseID, in.Version, "save_investigation", func(tx *sqlx.Tx, c *caseRecord) error {
		if err := cases.MayRecord(c.Status, cases.EditInvestigation, a.Role); err != nil {
			return err
		}
		_, err := tx.NamedExecContext(ctx, `
			UPDATE investigations SET absence_summary = :absence_summary, earlier_measures = :earlier_measures,
				school_situation = :school_situation, social_situation = :social_situation, health_considered = :health_considered,
				student_view = :student_view, guardian_view = :guardian_view, triggering_factors = :triggering_factors,
				maintaining_factors = :maintaining_factors, analysis = :analysis, special_support_needed = :special_support_needed,
				special_support_note = :special_support_note, collaboration_need = :collaboration_need, conclusion = :conclusion,
				consult_student = :consult_student, consult_student_on = :consult_student_on, consult_student_note = :consult_student_note,
				consult_guardians = :consult_guardians, consult_guardians_on = :consult_guardians_on, consult_guardians_note = :consult_guardians_note,
				consult_eht = :consult_eht, consult_eht_on = :consult_eht_on, consult_eht_note = :consult_eht_note,
				secret_appendix = :secret_appendix, updated_by = :updated_by, updated_at = now(), version = version + 1
			WHERE case_id = :case_id`, investigationArgs(caseID, a.UserID, in))
		if err != nil {
			return fmt.Errorf("save investigation: %w", err)
		}
		return addEvent(ctx, tx, s.Now(), caseID, a, "investigation_saved", nil, nil, "Utredningen uppdaterad")
	})
}

func investigationArgs(caseID, userID int64, in cases.InvestigationInput) map[string]any {
	empty := func(p *string) *string {
		if p == nil || *p == "" {
			return nil
		}
		return p
	}
	return map[string]any{
		"case_id": caseID, "updated_by": userID,
		"absence_summary": in.AbsenceSummary, "earlier_measures": in.EarlierMeasures, "school_situation": in.SchoolSituation,
		"social_situation": in.SocialSituation, "health_considered": in.HealthConsidered, "student_view": in.StudentView,
		"guardian_view": in.GuardianView, "triggering_factors": in.TriggeringFactors, "maintaining_factors": in.MaintainingFactors,
		"analysis": in.Analysis, "special_support_needed": in.SpecialSupportNeeded, "special_support_note": in.SpecialSupportNote,
		"collaboration_need": in.CollaborationNeed, "conclusion": in.Conclusion,
		"consult_student": empty(in.ConsultStudent), "consult_student_on": in.ConsultStudentOn, "consult_student_note": in.ConsultStudentNote,
		"consult_guardians": empty(in.ConsultGuardians), "consult_guardians_on": in.ConsultGuardiansOn, "consult_guardians_note": in.ConsultGuardiansNote,
		"consult_eht": empty(in.ConsultEHT), "consult_eht_on": in.ConsultEHTOn, "consult_eht_note": in.ConsultEHTNote,
		"secret_appendix": in.SecretAppendix,
	}
}

// RecordAssessment records a wheel assessment at the report or during the investigation.
func (s *Store) RecordAssessment(ctx context.Context, a *narvaro.Actor, caseID int64, occasion wheel.Occasion, in cases.AssessmentInput, version int) (int64, error) {
	assessment, err := in.Assessment(s.Settings.Wheel, occasion)
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.step(ctx, a, caseID, version, "wheel_assessment", func(tx *sqlx.Tx, c *caseRecord) error {
		if err := cases.MayRecord(c.Status, cases.RecordAssessment, a.Role); err != nil {
			return err
		}
		id, err = insertAssessment(ctx, tx, caseID, a.UserID, assessment)
		if err != nil {
			return err
		}
		return addEvent(ctx, tx, s.Now(), caseID, a, "wheel_assessment", nil, nil, "Bedömning i hjulet ("+string(occasion)+")")
	})
	return id, err
}

func insertAssessment(ctx context.Context, tx *sqlx.Tx, caseID, userID int64, w *wheel.Assessment) (int64, error) {
	var id int64
	err := tx.GetContext(ctx, &id, `INSERT INTO wheel_assessments (case_id, occasion, assessed_on, child_participation, child_words, child_view_not_followed, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		caseID, w.Occasion, narvaro.DateOf(w.AssessedOn), w.ChildParticipation, w.ChildWords, w.ChildViewNotFollowed, userID)
	if err != nil {
		return 0, fmt.Errorf("insert wheel assessment: %w", err)
	}
	for _, r := range w.Ratings {
		if _, err := tx.ExecContext(ctx, `INSERT INTO wheel_ratings (assessment_id, domain, perspective, rating, kind, note) VALUES ($1, $2, $3, $4, $5, $6)`,
			id, r.Domain, r.Perspective, r.Rating, r.Kind, strings.TrimSpace(r.Note)); err != nil {
			return 0, fmt.Errorf("insert wheel rating: %w", err)
		}
	}
	return id, nil
}

// CompleteInvestigation ends the investigation once consultation, conclusion and the wheel
// assessment are recorded.
func (s *Store) CompleteInvestigation(ctx context.Context, a *narvaro.Actor, caseID int64, version int) error {
	return s.step(ctx, a, caseID, version, "complete_investigation", func(tx *sqlx.Tx, c *caseRecord) error {
		var inv cases.Investigation
		if err := tx.GetContext(ctx, &inv, `SELECT * FROM investigations WHERE case_id = $1`, caseID); err != nil {
			return fmt.Errorf("load investigation: %w", err)
		}
		var hasWheel bool
		if err := tx.GetContext(ctx, &hasWheel, `SELECT EXISTS (SELECT 1 FROM wheel_assessments WHERE case_id = $1 AND occasion = 'investigation')`, caseID); err != nil {
			return err
		}
		if _, err := s.transition(ctx, tx, a, c, cases.CompleteInvestigation, "Utredningen slutförd"); err != nil {
			return err
		}
		if err := cases.CheckComplete(&inv, hasWheel); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE cases SET investigation_completed_at = $2 WHERE id = $1`, caseID, s.Now())
		return err
	})
}

// SubmitPlan stores a new plan version with its measures and submits it to the rektor.
func (s *Store) SubmitPlan(ctx context.Context, a *narvaro.Actor, caseID int64, in cases.PlanInput) (int64, error) {
	if err := in.Check(s.Settings.Wheel); err != nil {
		return 0, err
	}
	var planID int64
	err := s.step(ctx, a, caseID, in.Version, "submit_plan", func(tx *sqlx.Tx, c *caseRecord) error {
		if _, err := s.transition(ctx, tx, a, c, cases.SubmitPlan, "Åtgärdsplan lämnad till rektor"); err != nil {
			return err
		}
		err := tx.GetContext(ctx, &planID, `INSERT INTO plans (case_id, version, status, summary, created_by)
			VALUES ($1, (SELECT COALESCE(max(version), 0) + 1 FROM plans WHERE case_id = $1), 'draft', $2, $3) RETURNING id`,
			caseID, strings.TrimSpace(in.Summary), a.UserID)
		if err != nil {
			return fmt.Errorf("insert plan: %w", err)
		}
		for i, m := range in.Measures {
			if _, err := tx.ExecContext(ctx, `INSERT INTO measures (plan_id, position, description, domains, level, responsible, start_date, expected_effect, follow_up_date)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, planID, i+1, strings.TrimSpace(m.Description), pq.StringArray(m.Domains),
				m.Level, strings.TrimSpace(m.Responsible), m.StartDate, strings.TrimSpace(m.ExpectedEffect), m.FollowUpDate); err != nil {
				return fmt.Errorf("insert measure: %w", err)
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE plans SET status = 'submitted', submitted_by = $2, submitted_at = $3 WHERE id = $1`, planID, a.UserID, s.Now())
		return err
	})
	return planID, err
}

// DecidePlan records the rektor's decision on the submitted plan. An approved plan is frozen
// and replaces the previously approved version, which stays readable as superseded.
func (s *Store) DecidePlan(ctx context.Context, a *narvaro.Actor, caseID int64, in cases.DecisionInput) error {
	act, err := in.Action()
	if err != nil {
		return err
	}
	return s.step(ctx, a, caseID, in.Version, "decide_plan", func(tx *sqlx.Tx, c *caseRecord) error {
		var planID int64
		if err := tx.GetContext(ctx, &planID, `SELECT id FROM plans WHERE case_id = $1 AND status = 'submitted' ORDER BY version DESC LIMIT 1`, caseID); err != nil {
			if isNoRows(err) {
				return narvaro.Errorf(narvaro.CodeConflict, "Det finns ingen plan som väntar på beslut.", "No plan is awaiting a decision.")
			}
			return err
		}
		if _, err := s.transition(ctx, tx, a, c, act, in.Comment); err != nil {
			return err
		}
		status := map[cases.Action]cases.PlanStatus{cases.ApprovePlan: cases.PlanApproved, cases.ReturnPlan: cases.PlanReturned, cases.RejectPlan: cases.PlanRejected}[act]
		if act == cases.ApprovePlan {
			if _, err := tx.ExecContext(ctx, `UPDATE plans SET status = 'superseded' WHERE case_id = $1 AND status = 'approved'`, caseID); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE plans SET status = $2, decided_by = $3, decider_name = $4, decider_title = $5, decided_at = $7, decision_comment = $6
			WHERE id = $1`, planID, status, a.UserID, a.Name, a.Title, strings.TrimSpace(in.Comment), s.Now())
		return err
	})
}

// RecordFollowUp records a follow-up of the approved plan: attendance since the previous
// follow-up (from the attendance records), each measure's result, an optional new wheel
// assessment and the next date.
func (s *Store) RecordFollowUp(ctx context.Context, a *narvaro.Actor, caseID int64, in cases.FollowUpInput, idemKey string) (int64, bool, error) {
	var id int64
	var replay bool
	err := s.DB.Tx(ctx, func(tx *sqlx.Tx) error {
		var err error
		id, replay, err = idempotent(ctx, tx, a, idemKey, in, func() (int64, error) { return s.recordFollowUp(ctx, tx, a, caseID, in) })
		return err
	})
	return id, replay, err
}

func (s *Store) recordFollowUp(ctx context.Context, tx *sqlx.Tx, a *narvaro.Actor, caseID int64, in cases.FollowUpInput) (int64, error) {
	c, err := loadCase(ctx, tx, a, caseID, fullAccess, true)
	if err != nil {
		return 0, err
	}
	if in.Version != c.Version {
		return 0, narvaro.Stale()
	}
	if err := cases.MayRecord(c.Status, cases.RecordFollowUp, a.Role); err != nil {
		return 0, err
	}
	plan, err := approvedPlan(ctx, tx, caseID)
	if err != nil {
		return 0, err
	}
	if err := in.Check(plan.Measures); err != nil {
		return 0, err
	}
	var assessment *wheel.Assessment
	if in.Wheel != nil {
		if assessment, err = in.Wheel.Assessment(s.Settings.Wheel, wheel.AtFollowUp); err != nil {
			return 0, err
		}
	}
	// The period runs from the previous follow-up (or the plan's approval) to this meeting.
	var period struct {
		From    narvaro.Date `db:"period_from"`
		Absence *float64     `db:"absence_percent"`
	}
	if err := tx.GetContext(ctx, &period, `WITH p AS (SELECT COALESCE((SELECT max(held_on) FROM followups WHERE case_id = $1),
			(SELECT (decided_at AT TIME ZONE 'Europe/Stockholm')::date FROM plans WHERE id = $2)) AS period_from)
		SELECT p.period_from, (`+absencePercentSQL+` WHERE student_id = $3 AND day BETWEEN p.period_from AND $4) AS absence_percent FROM p`,
		caseID, plan.ID, c.StudentID, in.HeldOn); err != nil {
		return 0, fmt.Errorf("follow-up period: %w", err)
	}
	from := period.From
	if in.HeldOn.Before(from) {
		return 0, narvaro.Invalid("held_on", "Uppföljningen kan inte ligga före föregående uppföljning eller planens beslut ("+from.String()+").",
			"The follow-up cannot be before the previous follow-up or the plan's decision ("+from.String()+").")
	}
	var wheelID *int64
	if assessment != nil {
		wid, err := insertAssessment(ctx, tx, caseID, a.UserID, assessment)
		if err != nil {
			return 0, err
		}
		wheelID = &wid
	}
	// The follow-up and its results in one statement: a measure's result is one row each.
	measureIDs, results, comments := make([]int64, len(in.Results)), make([]string, len(in.Results)), make([]string, len(in.Results))
	for i, r := range in.Results {
		measureIDs[i], results[i], comments[i] = r.MeasureID, r.Result, strings.TrimSpace(r.Comment)
	}
	var id int64
	err = tx.GetContext(ctx, &id, `WITH f AS (
			INSERT INTO followups (case_id, plan_id, held_on, period_from, period_to, absence_percent, comment, next_date, wheel_assessment_id, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id),
		r AS (INSERT INTO followup_results (followup_id, measure_id, result, comment)
			SELECT f.id, x.measure_id, x.result, x.comment FROM f, unnest($11::bigint[], $12::text[], $13::text[]) AS x(measure_id, result, comment))
		SELECT id FROM f`,
		caseID, plan.ID, in.HeldOn, from, in.HeldOn, period.Absence, strings.TrimSpace(in.Comment), in.NextDate, wheelID, a.UserID,
		pq.Int64Array(measureIDs), pq.StringArray(results), pq.StringArray(comments))
	if err != nil {
		return 0, fmt.Errorf("insert follow-up: %w", err)
	}
	return id, s.finishStep(ctx, tx, a, c, "followup", "Uppföljning "+in.HeldOn.String(), auditEntry("create", "followup", id, c))
}

// approvedPlan reads the case's approved plan with its measures in one statement.
func approvedPlan(ctx context.Context, q queryer, caseID int64) (*cases.Plan, error) {
	var row struct {
		cases.Plan
		MeasuresJSON []byte `db:"measures_json"`
	}
	if err := q.GetContext(ctx, &row, `SELECT p.*, (SELECT json_agg(m ORDER BY m.position) FROM measures m WHERE m.plan_id = p.id) AS measures_json
		FROM plans p WHERE p.case_id = $1 AND p.status = 'approved'`, caseID); err != nil {
		return nil, fmt.Errorf("load approved plan: %w", err)
	}
	row.Plan.Measures = []cases.Measure{}
	if row.MeasuresJSON != nil {
		if err := json.Unmarshal(row.MeasuresJSON, &row.Plan.Measures); err != nil {
			return nil, fmt.Errorf("approved plan's measures: %w", err)
		}
	}
	return &row.Plan, nil
}

// absencePercentSQL is the absence share of the attendance_days rows its WHERE clause picks.
const absencePercentSQL = `SELECT round(100.0 * sum(valid_absence_minutes + invalid_absence_minutes) / NULLIF(sum(offered_minutes), 0), 2)::float8
		FROM attendance_days`

// absencePercent is the student's absence (valid and invalid) as a share of offered time over
// the period; nil when there are no attendance records for it.
func absencePercent(ctx context.Context, q queryer, studentID int64, from, to narvaro.Date) (*float64, error) {
	var p *float64
	err := q.GetContext(ctx, &p, absencePercentSQL+` WHERE student_id = $1 AND day BETWEEN $2 AND $3`, studentID, from, to)
	if err != nil {
		return nil, fmt.Errorf("absence percent: %w", err)
	}
	return p, nil
}

// Escalate raises a flag. A report of concern is never gated by any approval: any user who can
// see the case records it at any time, and the rektor is informed through the timeline and tasks.
func (s *Store) Escalate(ctx context.Context, a *narvaro.Actor, caseID int64, in cases.EscalationInput, idemKey string) (int64, bool, error) {
	if err := in.Check(); err != nil {
		return 0, false, err
	}
	var id int64
	var replay bool
	err := s.DB.Tx(ctx, func(tx *sqlx.Tx) error {
		var err error
		id, replay, err = idempotent(ctx, tx, a, idemKey, in, func() (int64, error) {
			c, err := loadCase(ctx, tx, a, caseID, visibleAccess, true)
			if err != nil {
				return 0, err
			}
			if err := cases.MayRecord(c.Status, in.Activity(), a.Role); err != nil {
				return 0, err
			}
			var id int64
			if err := tx.GetContext(ctx, &id, `INSERT INTO escalations (case_id, kind, occurred_on, note, consent_child, consent_guardians, created_by)
				VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, caseID, in.Kind, in.OccurredOn, strings.TrimSpace(in.Note),
				in.ConsentChild, in.ConsentGuardians, a.UserID); err != nil {
				return 0, fmt.Errorf("insert escalation: %w", err)
			}
			if err := addEvent(ctx, tx, s.Now(), caseID, a, "escalation:"+in.Kind, nil, nil, cases.KindLabel(in.Kind).SV); err != nil {
				return 0, err
			}
			return id, writeAudit(ctx, tx, a, auditEntry("create", "escalation", id, c))
		})
		return err
	})
	return id, replay, err
}

// Close closes the case with its reason, final attendance, the child's view and the notice to
// the huvudman.
func (s *Store) Close(ctx context.Context, a *narvaro.Actor, caseID int64, in cases.CloseInput) error {
	if err := in.Check(); err != nil {
		return err
	}
	return s.step(ctx, a, caseID, in.Version, "close", func(tx *sqlx.Tx, c *caseRecord) error {
		if _, err := s.transition(ctx, tx, a, c, cases.Close, "Avslutat: "+in.Reason); err != nil {
			return err
		}
		attendance := in.AttendancePercent
		if attendance == nil {
			today := s.today()
			absence, err := absencePercent(ctx, tx, c.StudentID, today.AddDays(-28), today)
			if err != nil {
				return err
			}
			if absence != nil {
				v := 100 - *absence
				attendance = &v
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET closure_reason = $2, closure_note = $3, closure_attendance_percent = $4,
			closure_child_view = $5, closed_by = $6, closed_at = $7 WHERE id = $1`,
			caseID, in.Reason, strings.TrimSpace(in.Note), attendance, strings.TrimSpace(in.ChildView), a.UserID, s.Now()); err != nil {
			return err
		}
		var huvudman string
		if err := tx.GetContext(ctx, &huvudman, `SELECT h.name FROM huvudman h WHERE h.id = $1`, c.HuvudmanID); err != nil {
			return err
		}
		return addNotice(ctx, tx, caseID, cases.NoticeClosure, huvudman, s.today().AddDays(s.Settings.Deadlines.NoticeClosureDays))
	})
}

// Reopen reopens a closed case (or one where no investigation was needed); the history stays.
func (s *Store) Reopen(ctx context.Context, a *narvaro.Actor, caseID int64, in cases.ReopenInput) error {
	return s.step(ctx, a, caseID, in.Version, "reopen", func(tx *sqlx.Tx, c *caseRecord) error {
		if _, err := s.transition(ctx, tx, a, c, cases.Reopen, in.Reason); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE cases SET closure_reason = NULL, closed_at = NULL, closed_by = NULL, assessment = NULL WHERE id = $1`, caseID)
		return err
	})
}

// RecordContact records a contact with the guardians (mentors too).
func (s *Store) RecordContact(ctx context.Context, a *narvaro.Actor, caseID int64, in cases.ContactInput) (int64, error) {
	var id int64
	err := s.DB.Tx(ctx, func(tx *sqlx.Tx) error {
		c, err := loadCase(ctx, tx, a, caseID, visibleAccess, false)
		if err != nil {
			return err
		}
		if err := cases.MayRecord(c.Status, cases.RecordContact, a.Role); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &id, `INSERT INTO guardian_contacts (case_id, contacted_on, method, guardian, note, created_by)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, caseID, in.ContactedOn, in.Method, strings.TrimSpace(in.Guardian),
			strings.TrimSpace(in.Note), a.UserID); err != nil {
			return fmt.Errorf("insert contact: %w", err)
		}
		if err := addEvent(ctx, tx, s.Now(), caseID, a, "contact", nil, nil, "Kontakt med vårdnadshavare ("+in.Method+")"); err != nil {
			return err
		}
		return writeAudit(ctx, tx, a, auditEntry("create", "guardian_contact", id, c))
	})
	return id, err
}

// SendNotice marks a notice as sent by the rektor.
func (s *Store) SendNotice(ctx context.Context, a *narvaro.Actor, noticeID int64) error {
	return s.DB.Tx(ctx, func(tx *sqlx.Tx) error {
		var n cases.Notice
		if err := tx.GetContext(ctx, &n, `SELECT * FROM notices WHERE id = $1 FOR UPDATE`, noticeID); err != nil {
			if isNoRows(err) {
				return narvaro.NotFound("Anmälan", "The notice")
			}
			return err
		}
		c, err := loadCase(ctx, tx, a, n.CaseID, fullAccess, true)
		if err != nil {
			return err
		}
		if err := cases.MayRecord(c.Status, cases.SendNotice, a.Role); err != nil {
			return err
		}
		if n.SentAt != nil {
			return narvaro.Errorf(narvaro.CodeConflict, "Anmälan är redan skickad.", "The notice has already been sent.")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE notices SET sent_at = $3, sent_by = $2 WHERE id = $1`, noticeID, a.UserID, s.Now()); err != nil {
			return err
		}
		if err := addEvent(ctx, tx, s.Now(), n.CaseID, a, "notice_sent:"+n.Kind, nil, nil, cases.KindLabel(n.Kind).SV+" skickad"); err != nil {
			return err
		}
		return writeAudit(ctx, tx, a, auditEntry("update", "notice", noticeID, c))
	})
}

// ReceiveNotice marks a sent notice as received by the huvudman's administrator.
func (s *Store) ReceiveNotice(ctx context.Context, a *narvaro.Actor, noticeID int64) error {
	if a.Role != narvaro.RoleAdmin {
		return narvaro.Forbidden()
	}
	return s.DB.Tx(ctx, func(tx *sqlx.Tx) error {
		var n struct {
			cases.Notice
			SchoolID  int64 `db:"school_id"`
			StudentID int64 `db:"student_id"`
		}
		err := tx.GetContext(ctx, &n, `SELECT n.*, c.school_id, c.student_id FROM notices n JOIN cases c ON c.id = n.case_id WHERE n.id = $1 FOR UPDATE OF n`, noticeID)
		if isNoRows(err) || (err == nil && !a.InSchool(n.SchoolID)) {
			return narvaro.NotFound("Anmälan", "The notice")
		}
		if err != nil {
			return err
		}
		if n.SentAt == nil {
			return narvaro.Errorf(narvaro.CodeConflict, "Anmälan är inte skickad ännu.", "The notice has not been sent yet.")
		}
		if n.ReceivedAt != nil {
			return narvaro.Errorf(narvaro.CodeConflict, "Anmälan är redan mottagen.", "The notice has already been received.")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE notices SET received_at = $3, received_by = $2 WHERE id = $1`, noticeID, a.UserID, s.Now()); err != nil {
			return err
		}
		return writeAudit(ctx, tx, a, auditEntryIDs("update", "notice", noticeID, n.StudentID, n.SchoolID))
	})
}
