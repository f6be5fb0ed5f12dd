package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/narvaro/narvaro/internal/audit"
	"github.com/narvaro/narvaro/internal/auth"
	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/narvaro"
)

type caseRecord struct {
	cases.Case
	Domains pq.StringArray `db:"concern_domains"`
	subjectRow
}

func (r *caseRecord) done() *cases.Case {
	r.Case.ConcernDomains = []string(r.Domains)
	if r.Case.ConcernDomains == nil {
		r.Case.ConcernDomains = []string{}
	}
	return &r.Case
}

// The team that may see a protected identity is the team of any of the student's cases, as in
// visibleStudents and loadStudentSubject: a list never shows a case that then answers "not found".
const caseSelect = `
	SELECT c.*, s.school_id AS subject_school_id, s.protected_identity AS subject_protected, s.mentor_id AS subject_mentor_id,
	       EXISTS (SELECT 1 FROM cases tc JOIN case_members m ON m.case_id = tc.id WHERE tc.student_id = c.student_id AND m.user_id = $2) AS subject_on_team
	FROM cases c JOIN students s ON s.id = c.student_id
	WHERE c.id = $1`

// loadCase reads a case and checks the actor may see it at the wanted level.
func loadCase(ctx context.Context, q queryer, a *narvaro.Actor, id int64, want auth.Access, forUpdate bool) (*caseRecord, error) {
	query := caseSelect
	if forUpdate {
		query += " FOR UPDATE OF c"
	}
	var r caseRecord
	if err := q.GetContext(ctx, &r, query, id, a.UserID); err != nil {
		if isNoRows(err) {
			return nil, narvaro.NotFound("Ärendet", "The case")
		}
		return nil, fmt.Errorf("load case %d: %w", id, err)
	}
	if err := auth.Require(a, r.subject(), want, "Ärendet", "The case"); err != nil {
		return nil, err
	}
	r.done()
	return &r, nil
}

// step runs one change to a case: lock it, check access and the version the user based the
// change on, apply fn, bump the version, and audit — all in one transaction.
func (s *Store) step(ctx context.Context, a *narvaro.Actor, caseID int64, version int, what string, fn func(tx *sqlx.Tx, c *caseRecord) error) error {
	return s.DB.Tx(ctx, func(tx *sqlx.Tx) error {
		c, err := loadCase(ctx, tx, a, caseID, auth.Full, true)
		if err != nil {
			if narvaro.ErrorCode(err) == narvaro.CodeForbidden {
				return err
			}
			return err
		}
		if version != 0 && version != c.Version {
			return narvaro.Stale()
		}
		if err := fn(tx, c); err != nil {
			return err
		}
		return s.finishStep(ctx, tx, a, c, "", "", audit.Entry{Action: audit.Update, Entity: "case", EntityID: caseID,
			StudentID: c.StudentID, SchoolID: c.SchoolID, Detail: map[string]any{"step": what}})
	})
}

// finishStep ends a change to a case in one statement: the case's version goes up, the timeline
// gets the event (when eventKind is set) and the audit log its row. A statement per part made
// the round trips most of a step's time (docs/benchmarks.md).
func (s *Store) finishStep(ctx context.Context, tx *sqlx.Tx, a *narvaro.Actor, c *caseRecord, eventKind, summary string, e audit.Entry) error {
	logArgs, err := auditArgs(a, e)
	if err != nil {
		return err
	}
	args := append([]any{c.ID, a.UserID, eventKind, truncate(summary, 500), s.Now()}, logArgs...)
	if _, err := tx.ExecContext(ctx, finishStepSQL, args...); err != nil {
		return fmt.Errorf("finish step on case %d: %w", c.ID, err)
	}
	return nil
}

var finishStepSQL = `WITH bumped AS (UPDATE cases SET version = version + 1, updated_at = now() WHERE id = $1),
	event AS (INSERT INTO case_events (case_id, actor_id, kind, summary, at) SELECT $1, $2, $3, $4, $5 WHERE $3 <> '')
	` + auditInsert(6)

// transition moves the case through the state machine and writes the timeline event.
func (s *Store) transition(ctx context.Context, tx *sqlx.Tx, a *narvaro.Actor, c *caseRecord, act cases.Action, summary string) (cases.Status, error) {
	var hasApproved bool
	if err := tx.GetContext(ctx, &hasApproved, `SELECT EXISTS (SELECT 1 FROM plans WHERE case_id = $1 AND status = 'approved')`, c.ID); err != nil {
		return "", err
	}
	to, err := cases.Next(c.Status, act, a.Role, cases.Facts{HasApprovedPlan: hasApproved})
	if err != nil {
		return "", err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE cases SET status = $2 WHERE id = $1`, c.ID, to); err != nil {
		return "", fmt.Errorf("set status: %w", err)
	}
	from := string(c.Status)
	if err := addEvent(ctx, tx, s.Now(), c.ID, a, string(act), &from, (*string)(&to), summary); err != nil {
		return "", err
	}
	c.Status = to
	return to, nil
}

func addEvent(ctx context.Context, q queryer, at time.Time, caseID int64, a *narvaro.Actor, kind string, from, to *string, summary string) error {
	_, err := q.ExecContext(ctx, `INSERT INTO case_events (case_id, actor_id, kind, from_status, to_status, summary, at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		caseID, a.UserID, kind, from, to, truncate(summary, 500), at)
	if err != nil {
		return fmt.Errorf("add event: %w", err)
	}
	return nil
}

func truncate(s string, n int) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// OpenCase opens a case for a student (optionally from a signal) and gives it a case number.
func (s *Store) OpenCase(ctx context.Context, a *narvaro.Actor, in cases.OpenInput, idemKey string) (int64, bool, error) {
	if a.Role != narvaro.RoleEHT && a.Role != narvaro.RoleRektor {
		return 0, false, narvaro.Forbidden()
	}
	if err := in.Check(s.Settings.Wheel); err != nil {
		return 0, false, err
	}
	var id int64
	var replay bool
	err := s.DB.Tx(ctx, func(tx *sqlx.Tx) error {
		var err error
		id, replay, err = idempotent(ctx, tx, a, idemKey, in, func() (int64, error) { return s.openCase(ctx, tx, a, in) })
		return err
	})
	return id, replay, err
}

func (s *Store) openCase(ctx context.Context, tx *sqlx.Tx, a *narvaro.Actor, in cases.OpenInput) (int64, error) {
	var st struct {
		subjectRow
		HuvudmanID int64  `db:"huvudman_id"`
		Prefix     string `db:"case_number_prefix"`
	}
	err := tx.GetContext(ctx, &st, `
		SELECT s.school_id AS subject_school_id, s.protected_identity AS subject_protected, s.mentor_id AS subject_mentor_id,
		       false AS subject_on_team, sc.huvudman_id, h.case_number_prefix
		FROM students s JOIN schools sc ON sc.id = s.school_id JOIN huvudman h ON h.id = sc.huvudman_id
		WHERE s.id = $1`, in.StudentID)
	if isNoRows(err) {
		return 0, narvaro.NotFound("Eleven", "The student")
	}
	if err != nil {
		return 0, fmt.Errorf("load student: %w", err)
	}
	subj := st.subject()
	// The opener joins the case's team; for a protected identity only the rektor may start one.
	if err := auth.Require(a, subj, auth.Full, "Eleven", "The student"); err != nil {
		return 0, err
	}
	var open int
	if err := tx.GetContext(ctx, &open, `SELECT count(*) FROM cases WHERE student_id = $1 AND status NOT IN ('closed', 'not_investigated')`, in.StudentID); err != nil {
		return 0, err
	}
	if open > 0 {
		return 0, narvaro.Errorf(narvaro.CodeConflict, "Eleven har redan ett öppet ärende.", "The student already has an open case.")
	}
	if in.SignalID != nil {
		res, err := tx.ExecContext(ctx, `UPDATE signals SET status = 'case_opened', updated_at = now(), version = version + 1
			WHERE id = $1 AND student_id = $2 AND status = 'open'`, *in.SignalID, in.StudentID)
		if err != nil {
			return 0, fmt.Errorf("take signal: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return 0, narvaro.Errorf(narvaro.CodeConflict, "Signalen är inte längre öppen.", "The signal is no longer open.")
		}
	}
	number, err := s.nextCaseNumber(ctx, tx, st.HuvudmanID, st.Prefix)
	if err != nil {
		return 0, err
	}
	var id int64
	err = tx.GetContext(ctx, &id, `
		INSERT INTO cases (case_number, huvudman_id, school_id, student_id, signal_id, status, description, concern_domains, first_contacts, opened_by, opened_at)
		VALUES ($1, $2, $3, $4, $5, 'reported', $6, $7, $8, $9, $10) RETURNING id`,
		number, st.HuvudmanID, st.SubjectSchoolID, in.StudentID, in.SignalID, strings.TrimSpace(in.Description),
		pq.StringArray(in.ConcernDomains), strings.TrimSpace(in.FirstContacts), a.UserID, s.Now())
	if err != nil {
		return 0, fmt.Errorf("insert case: %w", err)
	}
	if in.SignalID != nil {
		if _, err := tx.ExecContext(ctx, `UPDATE signals SET case_id = $2 WHERE id = $1`, *in.SignalID, id); err != nil {
			return 0, err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO case_members (case_id, user_id) VALUES ($1, $2)`, id, a.UserID); err != nil {
		return 0, err
	}
	to := string(cases.Reported)
	if err := addEvent(ctx, tx, s.Now(), id, a, "opened", nil, &to, "Ärendet anmält: "+number); err != nil {
		return 0, err
	}
	return id, writeAudit(ctx, tx, a, audit.Entry{Action: audit.Create, Entity: "case", EntityID: id,
		StudentID: in.StudentID, SchoolID: st.SubjectSchoolID, Detail: map[string]any{"case_number": number}})
}

// nextCaseNumber takes the next number for the huvudman and year. The counter row is locked
// until the transaction ends, so concurrent creations get consecutive numbers, and a rolled-back
// creation gives its number back: the sequence stays gap-free.
func (s *Store) nextCaseNumber(ctx context.Context, tx *sqlx.Tx, huvudmanID int64, prefix string) (string, error) {
	year := s.today().Year()
	var n int
	err := tx.GetContext(ctx, &n, `
		INSERT INTO case_number_counters (huvudman_id, year, last_number) VALUES ($1, $2, 1)
		ON CONFLICT (huvudman_id, year) DO UPDATE SET last_number = case_number_counters.last_number + 1
		RETURNING last_number`, huvudmanID, year)
	if err != nil {
		return "", fmt.Errorf("next case number: %w", err)
	}
	return s.Settings.CaseNumber.Render(prefix, year, n), nil
}
