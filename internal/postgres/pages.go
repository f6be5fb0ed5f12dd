package postgres

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/narvaro/narvaro/internal/audit"
	"github.com/narvaro/narvaro/internal/auth"
	"github.com/narvaro/narvaro/internal/narvaro"
)

// Reads that only the web pages need. Each applies the same access policy as the rest of the
// Store and is recorded in the audit log.

// RevealPersonnummer returns a student's full personnummer. Pages show it masked; showing it in
// full is a read of its own and is logged as one.
func (s *Store) RevealPersonnummer(ctx context.Context, a *narvaro.Actor, studentID int64) (narvaro.Personnummer, error) {
	var pnr narvaro.Personnummer
	err := s.DB.Tx(ctx, func(tx *sqlx.Tx) error {
		subj, err := loadStudentSubject(ctx, tx, a, studentID)
		if err != nil {
			return err
		}
		if err := auth.Require(a, subj, auth.Visible, "Eleven", "The student"); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &pnr, `SELECT personnummer FROM students WHERE id = $1`, studentID); err != nil {
			return fmt.Errorf("read personnummer: %w", err)
		}
		return writeAudit(ctx, tx, a, audit.Entry{Action: audit.Read, Entity: "personnummer", EntityID: studentID,
			StudentID: studentID, SchoolID: subj.SchoolID})
	})
	return pnr, err
}

// SchoolCaseCount is how many cases one school has in one status.
type SchoolCaseCount struct {
	SchoolID   int64  `db:"school_id"`
	SchoolName string `db:"school_name"`
	Status     string `db:"status"`
	Count      int    `db:"count"`
}

// CaseCounts counts the cases the actor may see, per school and status; schools without cases
// are listed with no rows so a table can show them as zero.
func (s *Store) CaseCounts(ctx context.Context, a *narvaro.Actor) ([]SchoolCaseCount, error) {
	vis, args := visibleStudents("st", 1, a)
	out := []SchoolCaseCount{}
	err := s.DB.SelectContext(ctx, &out, `
		SELECT sc.id AS school_id, sc.name AS school_name, COALESCE(x.status, '') AS status, COALESCE(x.count, 0) AS count
		FROM schools sc LEFT JOIN (
			SELECT c.school_id, c.status, count(*)::int AS count
			FROM cases c JOIN students st ON st.id = c.student_id
			WHERE `+vis+`
			GROUP BY c.school_id, c.status) x ON x.school_id = sc.id
		WHERE sc.id = ANY($1)
		ORDER BY sc.name COLLATE sv_se, x.status`, args...)
	if err != nil {
		return nil, translate(fmt.Errorf("case counts: %w", err))
	}
	if err := s.DB.Audit(ctx, a, audit.Entry{Action: audit.Read, Entity: "case_counts"}); err != nil {
		return nil, err
	}
	return out, nil
}
