package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/narvaro/narvaro/internal/audit"
	"github.com/narvaro/narvaro/internal/auth"
	"github.com/narvaro/narvaro/internal/narvaro"
)

// AccessEntry is one access to a student's data: who, when, what and from where.
type AccessEntry struct {
	ID        int64     `json:"id" db:"id"`
	At        time.Time `json:"at" db:"at"`
	ActorID   *int64    `json:"actor_id,omitempty" db:"actor_id"`
	ActorName string    `json:"actor_name" db:"actor_name"`
	ActorRole string    `json:"actor_role" db:"actor_role"`
	Action    string    `json:"action" db:"action"`
	Entity    string    `json:"entity" db:"entity"`
	EntityID  *int64    `json:"entity_id,omitempty" db:"entity_id"`
	IP        string    `json:"ip" db:"ip"`
	RequestID string    `json:"request_id" db:"request_id"`
}

// AccessLogExtract is the access-log extract for one student (utdrag ur åtkomstloggen), for
// the JSON and CSV answers and the PDF document.
type AccessLogExtract struct {
	Student     StudentRef     `json:"student"`
	School      narvaro.School `json:"school"`
	From        time.Time      `json:"from"`
	To          time.Time      `json:"to"` // zero: up to the moment it was made
	GeneratedAt time.Time      `json:"generated_at"`
	GeneratedBy string         `json:"generated_by"`
	Entries     []AccessEntry  `json:"entries"`
}

// mayReadAccessLog: the huvudman's administrator or the school's rektor, for students they may
// see (a protected identity only by the rektor). The role is checked before the student is
// looked up, so a wrong role learns nothing about which ids exist.
func mayReadAccessLog(a *narvaro.Actor) error {
	if a == nil {
		return narvaro.Unauthorized()
	}
	if a.Role != narvaro.RoleAdmin && a.Role != narvaro.RoleRektor {
		return narvaro.Forbidden()
	}
	return nil
}

// AccessLog lists who read or changed a student's data between from and to (zero: unbounded),
// oldest first. Making the extract is itself recorded.
func (s *Store) AccessLog(ctx context.Context, a *narvaro.Actor, studentID int64, from, to time.Time) (*AccessLogExtract, error) {
	if err := mayReadAccessLog(a); err != nil {
		return nil, err
	}
	x := &AccessLogExtract{From: from, To: to, GeneratedAt: s.Now(), GeneratedBy: a.Name, Entries: []AccessEntry{}}
	var upTo *time.Time // unbounded: rows are stamped by the database's clock, not the store's
	if !to.IsZero() {
		upTo = &to
	}
	err := s.DB.Tx(ctx, func(tx *sqlx.Tx) error {
		subj, err := loadStudentSubject(ctx, tx, a, studentID)
		if err != nil {
			return err
		}
		if err := auth.Require(a, subj, auth.Visible, "Eleven", "The student"); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &x.Student, studentRefQuery, studentID); err != nil {
			return fmt.Errorf("access log student: %w", err)
		}
		maskStudentRef(&x.Student)
		if err := tx.GetContext(ctx, &x.School, `SELECT * FROM schools WHERE id = $1`, subj.SchoolID); err != nil {
			return fmt.Errorf("access log school: %w", err)
		}
		if err := tx.SelectContext(ctx, &x.Entries, `
			SELECT l.id, l.at, l.actor_id, l.actor_name, COALESCE(u.role, '') AS actor_role, l.action, l.entity, l.entity_id, l.ip, l.request_id
			FROM audit_log l LEFT JOIN users u ON u.id = l.actor_id
			WHERE l.student_id = $1 AND l.at >= $2 AND ($3::timestamptz IS NULL OR l.at <= $3)
			ORDER BY l.at, l.id`, studentID, from, upTo); err != nil {
			return fmt.Errorf("access log entries: %w", err)
		}
		return writeAudit(ctx, tx, a, audit.Entry{Action: audit.Export, Entity: "access_log", EntityID: studentID, StudentID: studentID,
			SchoolID: subj.SchoolID, Detail: map[string]any{"entries": len(x.Entries)}})
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}

const studentRefQuery = `SELECT id, first_name || ' ' || last_name AS name, personnummer AS personnummer_full,
	left(personnummer, 9) || '****' AS personnummer, grade, class_name, protected_identity, home_municipality_code FROM students WHERE id = $1`

// maskStudentRef hides a protected identity the same way case views do.
func maskStudentRef(r *StudentRef) {
	if r.ProtectedIdentity {
		r.Name, r.Personnummer, r.PersonnummerFull = "Skyddad identitet", "********-****", ""
	}
}

// AuditFilter narrows the administrator's audit-log query. Dates are Swedish calendar days,
// both inclusive.
type AuditFilter struct {
	ActorID   int64  `form:"actor" binding:"omitempty,gt=0"`
	StudentID int64  `form:"student_id" binding:"omitempty,gt=0"`
	Action    string `form:"action" binding:"omitempty,max=64"`
	Entity    string `form:"entity" binding:"omitempty,max=64"`
	From      string `form:"from" binding:"omitempty,datetime=2006-01-02"`
	To        string `form:"to" binding:"omitempty,datetime=2006-01-02"`
	Limit     int    `form:"limit" binding:"omitempty,min=1,max=5000"`
}

// AuditEntry is an audit row as the administrator sees it: the student masked, never named.
type AuditEntry struct {
	ID            int64           `json:"id" db:"id"`
	Seq           *int64          `json:"seq,omitempty" db:"seq"`
	At            time.Time       `json:"at" db:"at"`
	ActorID       *int64          `json:"actor_id,omitempty" db:"actor_id"`
	ActorName     string          `json:"actor_name" db:"actor_name"`
	ActorRole     string          `json:"actor_role" db:"actor_role"`
	Action        string          `json:"action" db:"action"`
	Entity        string          `json:"entity" db:"entity"`
	EntityID      *int64          `json:"entity_id,omitempty" db:"entity_id"`
	StudentID     *int64          `json:"student_id,omitempty" db:"student_id"`
	StudentMasked string          `json:"student_masked" db:"student_masked"`
	SchoolID      *int64          `json:"school_id,omitempty" db:"school_id"`
	IP            string          `json:"ip" db:"ip"`
	RequestID     string          `json:"request_id" db:"request_id"`
	Detail        json.RawMessage `json:"detail" db:"detail"`
}

const auditEntryColumns = `l.id, l.seq, l.at, l.actor_id, l.actor_name, COALESCE(u.role, '') AS actor_role, l.action, l.entity, l.entity_id,
	l.student_id, CASE WHEN st.id IS NULL THEN '' WHEN st.protected_identity THEN 'Skyddad identitet'
	                   ELSE left(st.personnummer, 9) || '****' END AS student_masked,
	l.school_id, l.ip, l.request_id, l.detail`

const auditEntryFrom = ` FROM audit_log l LEFT JOIN users u ON u.id = l.actor_id LEFT JOIN students st ON st.id = l.student_id`

// auditScope limits rows to the administrator's huvudman: rows about its schools, and rows
// about no school (sign-ins, searches) by its own users. $1 schools, $2 huvudman.
const auditScope = `(l.school_id = ANY($1) OR (l.school_id IS NULL AND l.actor_id IN (
	SELECT x.id FROM users x WHERE x.huvudman_id = $2 OR EXISTS (SELECT 1 FROM user_schools xs WHERE xs.user_id = x.id AND xs.school_id = ANY($1)))))`

// dayRange turns inclusive Swedish dates into a time range; defaults: the last 30 days.
func (s *Store) dayRange(from, to string) (time.Time, time.Time, error) {
	end := s.today()
	start := end.AddDays(-30)
	if to != "" {
		d, err := narvaro.ParseDate(to)
		if err != nil {
			return time.Time{}, time.Time{}, narvaro.Invalid("to", "Ange ett datum ÅÅÅÅ-MM-DD.", "Give a date YYYY-MM-DD.")
		}
		end = d
	}
	if from != "" {
		d, err := narvaro.ParseDate(from)
		if err != nil {
			return time.Time{}, time.Time{}, narvaro.Invalid("from", "Ange ett datum ÅÅÅÅ-MM-DD.", "Give a date YYYY-MM-DD.")
		}
		start = d
	}
	if end.Before(start) {
		return time.Time{}, time.Time{}, narvaro.Invalid("to", "Slutdatumet ligger före startdatumet.", "The end date is before the start date.")
	}
	midnight := func(d narvaro.Date) time.Time {
		return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, stockholm)
	}
	return midnight(start), midnight(end.AddDays(1)), nil
}

// QueryAudit lets an administrator search the audit log of their huvudman, newest first. The
// search itself is recorded.
func (s *Store) QueryAudit(ctx context.Context, a *narvaro.Actor, f AuditFilter) ([]AuditEntry, error) {
	if err := auth.Allow(a, auth.ViewAuditLog); err != nil {
		return nil, err
	}
	from, to, err := s.dayRange(f.From, f.To)
	if err != nil {
		return nil, err
	}
	args := []any{pq.Int64Array(a.SchoolIDs), a.HuvudmanID, from, to}
	q := `SELECT ` + auditEntryColumns + auditEntryFrom + ` WHERE ` + auditScope + ` AND l.at >= $3 AND l.at < $4`
	add := func(cond string, v any) {
		args = append(args, v)
		q += " AND " + strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args)))
	}
	if f.ActorID != 0 {
		add("l.actor_id = ?", f.ActorID)
	}
	if f.StudentID != 0 {
		add("l.student_id = ?", f.StudentID)
	}
	if f.Action != "" {
		add("l.action = ?", f.Action)
	}
	if f.Entity != "" {
		add("l.entity = ?", f.Entity)
	}
	if f.Limit == 0 {
		f.Limit = 500
	}
	args = append(args, f.Limit)
	q += fmt.Sprintf(" ORDER BY l.at DESC, l.id DESC LIMIT $%d", len(args))
	out := []AuditEntry{}
	err = s.DB.Tx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.SelectContext(ctx, &out, q, args...); err != nil {
			return fmt.Errorf("query audit log: %w", err)
		}
		return writeAudit(ctx, tx, a, audit.Entry{Action: audit.Read, Entity: "audit_log", Detail: map[string]any{
			"actor": f.ActorID, "student_id": f.StudentID, "action": f.Action, "entity": f.Entity, "from": f.From, "to": f.To, "rows": len(out)}})
	})
	return out, err
}

// ReviewQuery chooses the period and size of a periodic access review.
type ReviewQuery struct {
	From   string `form:"from" binding:"omitempty,datetime=2006-01-02"`
	To     string `form:"to" binding:"omitempty,datetime=2006-01-02"`
	Sample int    `form:"sample" binding:"omitempty,min=1,max=500"`
	// Seed makes the sample repeatable: the same seed draws the same rows.
	Seed string `form:"seed" binding:"omitempty,max=64"`
}

// AuditReview is the periodic review of accesses (loggranskning): a random sample of reads of
// case data for a reviewer to check one by one, every access outside office hours, and every
// read by somebody outside the case's team.
type AuditReview struct {
	From               time.Time    `json:"from"`
	To                 time.Time    `json:"to"`
	Seed               string       `json:"seed"`
	Reads              int64        `json:"reads"`
	Writes             int64        `json:"writes"`
	Sample             []AuditEntry `json:"sample"`
	OutsideOfficeHours []AuditEntry `json:"outside_office_hours"`
	WithoutTeam        []AuditEntry `json:"without_team"`
}

// Office hours for the review: Monday to Friday, 07:00–18:00 Swedish time.
const (
	officeOpens  = 7
	officeCloses = 18
	reviewLimit  = 1000
)

// reviewReads is an access to one student's case data (not a list or a sign-in).
const reviewReads = `l.action IN ('read', 'download', 'export') AND l.student_id IS NOT NULL`

// ReviewAudit draws the periodic review for the administrator's huvudman.
func (s *Store) ReviewAudit(ctx context.Context, a *narvaro.Actor, q ReviewQuery) (*AuditReview, error) {
	if err := auth.Allow(a, auth.ViewAuditLog); err != nil {
		return nil, err
	}
	from, to, err := s.dayRange(q.From, q.To)
	if err != nil {
		return nil, err
	}
	if q.Sample == 0 {
		q.Sample = 50
	}
	if q.Seed == "" {
		q.Seed = strconv.FormatInt(s.Now().UnixNano(), 36)
	}
	r := &AuditReview{From: from, To: to, Seed: q.Seed}
	base := `SELECT ` + auditEntryColumns + auditEntryFrom + ` WHERE ` + auditScope + ` AND l.at >= $3 AND l.at < $4`
	args := []any{pq.Int64Array(a.SchoolIDs), a.HuvudmanID, from, to}
	err = s.DB.Tx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &r.Reads, `SELECT count(*) FROM audit_log l WHERE `+auditScope+` AND l.at >= $3 AND l.at < $4 AND `+reviewReads, args...); err != nil {
			return fmt.Errorf("review counts: %w", err)
		}
		if err := tx.GetContext(ctx, &r.Writes, `SELECT count(*) FROM audit_log l WHERE `+auditScope+` AND l.at >= $3 AND l.at < $4 AND l.action NOT IN ('read', 'download', 'export', 'sign_in', 'sign_out')`, args...); err != nil {
			return fmt.Errorf("review counts: %w", err)
		}
		// md5 of id and seed orders the rows at random, but the same seed draws the same sample.
		if err := tx.SelectContext(ctx, &r.Sample, base+` AND `+reviewReads+` ORDER BY md5(l.id::text || $5), l.id LIMIT $6`,
			append(args, q.Seed, q.Sample)...); err != nil {
			return fmt.Errorf("review sample: %w", err)
		}
		local := `(l.at AT TIME ZONE 'Europe/Stockholm')`
		if err := tx.SelectContext(ctx, &r.OutsideOfficeHours, base+fmt.Sprintf(` AND l.actor_id IS NOT NULL AND (extract(isodow FROM %[1]s) >= 6
			OR extract(hour FROM %[1]s) < %[2]d OR extract(hour FROM %[1]s) >= %[3]d) ORDER BY l.at, l.id LIMIT %[4]d`, local, officeOpens, officeCloses, reviewLimit),
			args...); err != nil {
			return fmt.Errorf("review outside office hours: %w", err)
		}
		if err := tx.SelectContext(ctx, &r.WithoutTeam, base+` AND `+reviewReads+` AND COALESCE(u.role, '') <> 'rektor'
			AND NOT (l.entity = 'case' AND EXISTS (SELECT 1 FROM case_members m WHERE m.case_id = l.entity_id AND m.user_id = l.actor_id))
			AND NOT (l.entity <> 'case' AND EXISTS (SELECT 1 FROM cases c JOIN case_members m ON m.case_id = c.id
			                                         WHERE c.student_id = l.student_id AND m.user_id = l.actor_id))
			AND NOT (l.entity <> 'case' AND st.mentor_id = l.actor_id)
			ORDER BY l.at, l.id LIMIT `+strconv.Itoa(reviewLimit), args...); err != nil {
			return fmt.Errorf("review without team: %w", err)
		}
		return writeAudit(ctx, tx, a, audit.Entry{Action: audit.Read, Entity: "audit_review", Detail: map[string]any{
			"from": from.Format(time.DateOnly), "to": to.Format(time.DateOnly), "seed": q.Seed, "sample": len(r.Sample)}})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}
