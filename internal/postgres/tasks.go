package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/narvaro/narvaro/internal/narvaro"
)

// Task is one thing that needs the actor now.
type Task struct {
	Kind       string       `json:"kind" db:"kind"` // assess, decide, send_notice, investigation_due, followup_due, receive_notice, signal
	CaseID     *int64       `json:"case_id,omitempty" db:"case_id"`
	CaseNumber string       `json:"case_number" db:"case_number"`
	NoticeID   *int64       `json:"notice_id,omitempty" db:"notice_id"`
	SignalID   *int64       `json:"signal_id,omitempty" db:"signal_id"`
	Student    string       `json:"student" db:"student"`
	SchoolName string       `json:"school_name" db:"school_name"`
	Due        narvaro.Date `json:"due" db:"due"`
	Overdue    bool         `json:"overdue" db:"overdue"`
	Detail     string       `json:"detail" db:"detail"`
}

// Tasks computes what needs the actor now from the records: nothing here is stored twice.
// Each role sees what its part of the process asks of it, at its own schools only.
func (s *Store) Tasks(ctx context.Context, a *narvaro.Actor) ([]Task, error) {
	vis, args := visibleStudents("st", 1, a)
	if a.Role == narvaro.RoleAdmin {
		// The huvudman receives every notice of its schools; a protected identity is masked, not hidden.
		vis = `(st.school_id = ANY($1) AND $2::text IS NOT NULL AND $3::bigint IS NOT NULL)`
	}
	today := s.today()
	args = append(args, today, s.Settings.Deadlines.AssessmentDays, s.Settings.Deadlines.SignalDays)
	// $4 today, $5 assessment days, $6 signal days
	parts := map[narvaro.Role][]string{
		narvaro.RoleRektor: {qAssess, qDecide, qSendNotice, qInvestigationDue, qFollowUpDue},
		narvaro.RoleEHT:    {qSignals, qInvestigationDue, qFollowUpDue, qAssess},
		narvaro.RoleMentor: {qSignals},
		narvaro.RoleAdmin:  {qReceiveNotice, qOverdueNotice},
	}[a.Role]
	out := []Task{}
	err := s.DB.readGeneric(ctx, func(tx *sqlx.Tx) error {
		if err := tx.SelectContext(ctx, &out, taskQuery(parts, vis), args...); err != nil {
			return fmt.Errorf("tasks: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// taskQuery joins a role's task lists into one statement (one round trip, one plan), each list
// in its own order and the lists in the order given.
func taskQuery(parts []string, vis string) string {
	lists := make([]string, len(parts))
	for i, p := range parts {
		lists[i] = fmt.Sprintf(`(SELECT %d AS part, row_number() OVER () AS pos, t.* FROM (%s) t)`, i, fmt.Sprintf(p, vis))
	}
	return `SELECT kind, case_id, case_number, notice_id, signal_id, student, school_name, due, overdue, detail FROM (` +
		strings.Join(lists, " UNION ALL ") + `) u ORDER BY part, pos`
}

const studentName = `CASE WHEN st.protected_identity THEN 'Skyddad identitet' ELSE st.first_name || ' ' || st.last_name END`

// Every task query also asks for the record's own school (c.school_id, g.school_id): that is what
// the indexes cases_school_status_idx and signals_school_status_idx find directly, where the
// student's school alone makes PostgreSQL walk the records of every school of the municipality
// (docs/benchmarks.md). A record's school is its student's school when it is created, and
// students do not change school in Närvaro, so the tasks are the same.
const caseFrom = ` FROM cases c JOIN students st ON st.id = c.student_id JOIN schools sc ON sc.id = c.school_id WHERE %s AND c.school_id = ANY($1)`

var (
	qAssess = `SELECT 'assess' AS kind, c.id AS case_id, c.case_number, NULL::bigint AS notice_id, NULL::bigint AS signal_id, ` + studentName + ` AS student,
		sc.name AS school_name, (c.opened_at::date + $5::int) AS due, (c.opened_at::date + $5::int) < $4 AS overdue, '' AS detail` + caseFrom +
		` AND c.status = 'reported' AND $6::int > 0 ORDER BY due`
	qDecide = `SELECT 'decide' AS kind, c.id AS case_id, c.case_number, NULL::bigint AS notice_id, NULL::bigint AS signal_id, ` + studentName + ` AS student, sc.name AS school_name,
		p.submitted_at::date AS due, false AS overdue, 'Version ' || p.version AS detail
		FROM cases c JOIN students st ON st.id = c.student_id JOIN schools sc ON sc.id = c.school_id
		JOIN plans p ON p.case_id = c.id AND p.status = 'submitted'
		WHERE %s AND c.school_id = ANY($1) AND c.status = 'plan_submitted' AND $4::date IS NOT NULL AND $5::int > 0 AND $6::int > 0 ORDER BY due`
	qSendNotice = `SELECT 'send_notice' AS kind, c.id AS case_id, c.case_number, n.id AS notice_id, NULL::bigint AS signal_id, ` + studentName + ` AS student, sc.name AS school_name,
		n.due_on AS due, n.due_on < $4 AS overdue, n.kind AS detail` +
		` FROM notices n JOIN cases c ON c.id = n.case_id JOIN students st ON st.id = c.student_id JOIN schools sc ON sc.id = c.school_id
		WHERE %s AND c.school_id = ANY($1) AND n.sent_at IS NULL AND $5::int > 0 AND $6::int > 0 ORDER BY n.due_on`
	qInvestigationDue = `SELECT 'investigation_due' AS kind, c.id AS case_id, c.case_number, NULL::bigint AS notice_id, NULL::bigint AS signal_id, ` + studentName + ` AS student, sc.name AS school_name,
		c.investigation_due AS due, c.investigation_due < $4 AS overdue, '' AS detail` + caseFrom +
		` AND c.status = 'investigating' AND c.investigation_due <= $4::date + 7 AND $5::int > 0 AND $6::int > 0 ORDER BY due`
	qFollowUpDue = `SELECT 'followup_due' AS kind, c.id AS case_id, c.case_number, NULL::bigint AS notice_id, NULL::bigint AS signal_id, ` + studentName + ` AS student, sc.name AS school_name,
		d.due, d.due < $4 AS overdue, '' AS detail` + ` FROM cases c JOIN students st ON st.id = c.student_id JOIN schools sc ON sc.id = c.school_id
		CROSS JOIN LATERAL (SELECT COALESCE(
			(SELECT f.next_date FROM followups f WHERE f.case_id = c.id ORDER BY f.held_on DESC, f.id DESC LIMIT 1),
			(SELECT min(m.follow_up_date) FROM measures m JOIN plans p ON p.id = m.plan_id WHERE p.case_id = c.id AND p.status = 'approved')) AS due) d
		WHERE %s AND c.school_id = ANY($1) AND c.status = 'active' AND d.due IS NOT NULL AND d.due <= $4::date + 7 AND $5::int > 0 AND $6::int > 0 ORDER BY d.due`
	qSignals = `SELECT 'signal' AS kind, NULL::bigint AS case_id, '' AS case_number, NULL::bigint AS notice_id, g.id AS signal_id, ` + studentName + ` AS student, sc.name AS school_name,
		(g.created_at::date + $6::int) AS due, (g.created_at::date + $6::int) < $4 AS overdue, g.explanation AS detail
		FROM signals g JOIN students st ON st.id = g.student_id JOIN schools sc ON sc.id = g.school_id
		WHERE %s AND g.school_id = ANY($1) AND g.status = 'open' AND $5::int > 0 ORDER BY g.absence_percent DESC NULLS LAST LIMIT 100`
	qReceiveNotice = `SELECT 'receive_notice' AS kind, c.id AS case_id, c.case_number, n.id AS notice_id, NULL::bigint AS signal_id, ` + studentName + ` AS student, sc.name AS school_name,
		n.sent_at::date AS due, false AS overdue, n.kind AS detail` +
		` FROM notices n JOIN cases c ON c.id = n.case_id JOIN students st ON st.id = c.student_id JOIN schools sc ON sc.id = c.school_id
		WHERE %s AND c.school_id = ANY($1) AND n.sent_at IS NOT NULL AND n.received_at IS NULL AND $4::date IS NOT NULL AND $5::int > 0 AND $6::int > 0 ORDER BY n.sent_at`
	qOverdueNotice = `SELECT 'overdue_notice' AS kind, c.id AS case_id, c.case_number, n.id AS notice_id, NULL::bigint AS signal_id, ` + studentName + ` AS student, sc.name AS school_name,
		n.due_on AS due, true AS overdue, n.kind AS detail` +
		` FROM notices n JOIN cases c ON c.id = n.case_id JOIN students st ON st.id = c.student_id JOIN schools sc ON sc.id = c.school_id
		WHERE %s AND c.school_id = ANY($1) AND n.sent_at IS NULL AND n.due_on < $4 AND $5::int > 0 AND $6::int > 0 ORDER BY n.due_on`
)
