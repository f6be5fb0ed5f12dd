package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/narvaro/narvaro/internal/audit"
	"github.com/narvaro/narvaro/internal/auth"
	"github.com/narvaro/narvaro/internal/narvaro"
)

// Signal is an advisory flag that a student's absence needs attention.
type Signal struct {
	ID             int64           `json:"id" db:"id"`
	StudentID      int64           `json:"student_id" db:"student_id"`
	StudentName    string          `json:"student_name" db:"student_name"`
	ClassName      string          `json:"class_name" db:"class_name"`
	SchoolID       int64           `json:"school_id" db:"school_id"`
	SchoolName     string          `json:"school_name" db:"school_name"`
	Source         string          `json:"source" db:"source"`
	Status         string          `json:"status" db:"status"`
	Rules          pq.StringArray  `json:"rules" db:"rules"`
	Explanation    string          `json:"explanation" db:"explanation"`
	Figures        json.RawMessage `json:"figures" db:"figures"`
	AbsencePercent *float64        `json:"absence_percent,omitempty" db:"absence_percent"`
	Reason         string          `json:"reason" db:"reason"`
	RaisedBy       *int64          `json:"raised_by,omitempty" db:"raised_by"`
	DismissReason  string          `json:"dismiss_reason" db:"dismiss_reason"`
	CaseID         *int64          `json:"case_id,omitempty" db:"case_id"`
	CreatedAt      time.Time       `json:"created_at" db:"created_at"`
	Version        int             `json:"version" db:"version"`
}

// SignalFilter narrows the list of signals.
type SignalFilter struct {
	Status    string `form:"status" binding:"omitempty,oneof=open dismissed case_opened"`
	StudentID int64  `form:"student_id" binding:"omitempty,gt=0"`
	Limit     int    `form:"limit" binding:"omitempty,min=1,max=1000"`
}

// ListSignals lists the signals the actor may see (open ones first by default).
func (s *Store) ListSignals(ctx context.Context, a *narvaro.Actor, f SignalFilter) ([]Signal, error) {
	vis, args := visibleStudents("st", 1, a)
	q := `SELECT g.id, g.student_id,
		CASE WHEN st.protected_identity THEN 'Skyddad identitet' ELSE st.first_name || ' ' || st.last_name END AS student_name,
		st.class_name, g.school_id, sc.name AS school_name, g.source, g.status, g.rules, g.explanation, g.figures, g.absence_percent,
		g.reason, g.raised_by, g.dismiss_reason, g.case_id, g.created_at, g.version
		FROM signals g JOIN students st ON st.id = g.student_id JOIN schools sc ON sc.id = g.school_id
		WHERE g.school_id = ANY($1) AND ` + vis // the record's school too: see caseFrom in tasks.go
	if f.Status == "" {
		f.Status = "open"
	}
	args = append(args, f.Status)
	q += fmt.Sprintf(" AND g.status = $%d", len(args))
	if f.StudentID != 0 {
		args = append(args, f.StudentID)
		q += fmt.Sprintf(" AND g.student_id = $%d", len(args))
	}
	if f.Limit == 0 {
		f.Limit = 500
	}
	args = append(args, f.Limit)
	q += fmt.Sprintf(" ORDER BY g.absence_percent DESC NULLS LAST, g.created_at DESC LIMIT $%d", len(args))
	out := []Signal{}
	err := s.DB.readGeneric(ctx, func(tx *sqlx.Tx) error { return tx.SelectContext(ctx, &out, q, args...) })
	if err != nil {
		return nil, translate(fmt.Errorf("list signals: %w", err))
	}
	return out, nil
}

// RaiseInput raises a signal by hand.
type RaiseInput struct {
	StudentID int64  `json:"student_id" form:"student_id" binding:"required,gt=0"`
	Reason    string `json:"reason" form:"reason" binding:"required,min=5,max=5000"`
}

// RaiseSignal lets a mentor or EHT member raise a signal with a reason.
func (s *Store) RaiseSignal(ctx context.Context, a *narvaro.Actor, in RaiseInput) (int64, error) {
	if err := auth.Allow(a, auth.RaiseSignal); err != nil {
		return 0, err
	}
	var id int64
	err := s.DB.Tx(ctx, func(tx *sqlx.Tx) error {
		subj, err := loadStudentSubject(ctx, tx, a, in.StudentID)
		if err != nil {
			return err
		}
		if err := auth.Require(a, subj, auth.Visible, "Eleven", "The student"); err != nil {
			return err
		}
		today := s.today()
		absence, err := absencePercent(ctx, tx, in.StudentID, today.AddDays(-28), today)
		if err != nil {
			return err
		}
		expl := "Signal från " + a.Name + ": " + strings.TrimSpace(in.Reason)
		if err := tx.GetContext(ctx, &id, `INSERT INTO signals (student_id, school_id, source, explanation, absence_percent, raised_by, reason)
			VALUES ($1, $2, 'manual', $3, $4, $5, $6) RETURNING id`, in.StudentID, subj.SchoolID, expl, absence, a.UserID, strings.TrimSpace(in.Reason)); err != nil {
			return err
		}
		return writeAudit(ctx, tx, a, audit.Entry{Action: audit.Create, Entity: "signal", EntityID: id, StudentID: in.StudentID, SchoolID: subj.SchoolID})
	})
	return id, err
}

// DismissInput dismisses a signal with a reason.
type DismissInput struct {
	Reason  string `json:"reason" form:"reason" binding:"required,min=3,max=5000"`
	Version int    `json:"version" form:"version" binding:"required,gt=0"`
}

// DismissSignal closes a signal without a case; it comes back only if absence worsens.
func (s *Store) DismissSignal(ctx context.Context, a *narvaro.Actor, id int64, in DismissInput) error {
	if err := auth.Allow(a, auth.HandleSignal); err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *sqlx.Tx) error {
		var g struct {
			StudentID int64 `db:"student_id"`
			Status    string
			Version   int
		}
		if err := tx.GetContext(ctx, &g, `SELECT student_id, status, version FROM signals WHERE id = $1 FOR UPDATE`, id); err != nil {
			if isNoRows(err) {
				return narvaro.NotFound("Signalen", "The signal")
			}
			return err
		}
		subj, err := loadStudentSubject(ctx, tx, a, g.StudentID)
		if err != nil {
			return err
		}
		if err := auth.Require(a, subj, auth.Full, "Signalen", "The signal"); err != nil {
			return err
		}
		if g.Version != in.Version {
			return narvaro.Stale()
		}
		if g.Status != "open" {
			return narvaro.Errorf(narvaro.CodeConflict, "Signalen är inte öppen.", "The signal is not open.")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE signals SET status = 'dismissed', dismissed_by = $2, dismissed_at = $3, dismiss_reason = $4,
			updated_at = $3, version = version + 1 WHERE id = $1`, id, a.UserID, s.Now(), strings.TrimSpace(in.Reason)); err != nil {
			return err
		}
		return writeAudit(ctx, tx, a, audit.Entry{Action: audit.Update, Entity: "signal", EntityID: id, StudentID: g.StudentID, SchoolID: subj.SchoolID,
			Detail: map[string]any{"dismissed": true}})
	})
}

// loadStudentSubject reads what the policy needs about a student; the actor's team membership
// is any case of the student they are a member of.
func loadStudentSubject(ctx context.Context, q queryer, a *narvaro.Actor, studentID int64) (auth.Subject, error) {
	var r subjectRow
	err := q.GetContext(ctx, &r, `SELECT s.school_id AS subject_school_id, s.protected_identity AS subject_protected, s.mentor_id AS subject_mentor_id,
		EXISTS (SELECT 1 FROM cases c JOIN case_members m ON m.case_id = c.id WHERE c.student_id = s.id AND m.user_id = $2) AS subject_on_team
		FROM students s WHERE s.id = $1`, studentID, a.UserID)
	if isNoRows(err) {
		return auth.Subject{}, narvaro.NotFound("Eleven", "The student")
	}
	if err != nil {
		return auth.Subject{}, fmt.Errorf("load student %d: %w", studentID, err)
	}
	return r.subject(), nil
}
