package demo

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/narvaro/narvaro/internal/narvaro"
)

// store writes a generated world inside one transaction. The bulk tables go through COPY: a
// term of daily attendance for a thousand students is about a hundred thousand rows.
type store struct {
	tx   *sqlx.Tx
	w    *world
	hash string

	huvudmanIDs    []int64
	schoolIDs      []int64
	userIDs        []int64 // parallel to staff
	studentIDs     []int64 // parallel to w.students
	attendanceRows int
}

func (s *store) writeOrganisation(ctx context.Context) error {
	for _, h := range huvudmen {
		var id int64
		err := s.tx.GetContext(ctx, &id, `INSERT INTO huvudman (name, org_number, kind, municipality_code, case_number_prefix)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, h.name, h.orgNumber, h.kind, homeCode, h.prefix)
		if err != nil {
			return fmt.Errorf("huvudman %s: %w", h.name, err)
		}
		s.huvudmanIDs = append(s.huvudmanIDs, id)
	}
	for _, sc := range schools {
		var id int64
		err := s.tx.GetContext(ctx, &id, `INSERT INTO schools (huvudman_id, name, school_unit_code, municipality_code)
			VALUES ($1, $2, $3, $4) RETURNING id`, s.huvudmanIDs[sc.huvudman], sc.name, sc.unitCode, homeCode)
		if err != nil {
			return fmt.Errorf("school %s: %w", sc.name, err)
		}
		s.schoolIDs = append(s.schoolIDs, id)
	}
	for _, u := range staff {
		var huvudman sql.NullInt64
		if u.role == narvaro.RoleAdmin {
			huvudman = sql.NullInt64{Int64: s.huvudmanIDs[u.huvudman], Valid: true}
		}
		var id int64
		err := s.tx.GetContext(ctx, &id, `INSERT INTO users (username, display_name, title, email, role, huvudman_id, password_hash)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			u.username, u.name, u.title, u.username+"@example.se", string(u.role), huvudman, s.hash)
		if err != nil {
			return fmt.Errorf("user %s: %w", u.username, err)
		}
		s.userIDs = append(s.userIDs, id)
		for _, sc := range u.schools {
			if _, err := s.tx.ExecContext(ctx, `INSERT INTO user_schools (user_id, school_id) VALUES ($1, $2)`,
				id, s.schoolIDs[sc]); err != nil {
				return fmt.Errorf("user %s school: %w", u.username, err)
			}
		}
	}
	return nil
}

func (s *store) writeStudents(ctx context.Context) error {
	students := s.w.students
	// COPY returns no ids, so the ids are taken from the sequence first and copied in explicitly.
	if err := s.tx.SelectContext(ctx, &s.studentIDs,
		`SELECT nextval(pg_get_serial_sequence('students', 'id')) FROM generate_series(1, $1)`, len(students)); err != nil {
		return fmt.Errorf("reserve ids: %w", err)
	}
	err := copyRows(ctx, s.tx, "students", []string{"id", "school_id", "personnummer", "first_name", "last_name",
		"protected_identity", "home_municipality_code", "school_form", "grade", "class_name", "mentor_id"},
		len(students), func(i int) []any {
			st := &students[i]
			return []any{s.studentIDs[i], s.schoolIDs[st.school], st.pnr, st.first, st.last, st.protected,
				st.home, st.form, st.grade, st.class, s.userIDs[st.mentor]}
		})
	if err != nil {
		return err
	}
	type ref struct{ student, guardian int }
	var refs []ref
	for i, st := range students {
		for g := range st.guardians {
			refs = append(refs, ref{i, g})
		}
	}
	return copyRows(ctx, s.tx, "guardians", []string{"student_id", "position", "name", "personnummer", "phone", "email", "address"},
		len(refs), func(i int) []any {
			r := refs[i]
			g := students[r.student].guardians[r.guardian]
			return []any{s.studentIDs[r.student], r.guardian + 1, g.name, g.pnr, g.phone, g.email, g.address}
		})
}

func (s *store) writeAttendance(ctx context.Context) error {
	days := s.w.days
	dayText := make([]string, len(days))
	for i, d := range days {
		dayText[i] = d.Format("2006-01-02")
	}
	n := len(s.w.students) * len(days)
	err := copyRows(ctx, s.tx, "attendance_days",
		[]string{"student_id", "day", "offered_minutes", "valid_absence_minutes", "invalid_absence_minutes"},
		n, func(i int) []any {
			st, d := i/len(days), i%len(days)
			a := s.w.students[st].days[d]
			return []any{s.studentIDs[st], dayText[d], a.offered, a.valid, a.invalid}
		})
	if err != nil {
		return err
	}
	s.attendanceRows = n
	return nil
}

func (s *store) writeSignals(ctx context.Context) error {
	for _, sg := range s.w.signals {
		st := &s.w.students[sg.student]
		if _, err := s.tx.ExecContext(ctx, `INSERT INTO signals (student_id, school_id, source, status, explanation,
				absence_percent, raised_by) VALUES ($1, $2, 'manual', 'open', $3, $4, $5)`,
			s.studentIDs[sg.student], s.schoolIDs[st.school], sg.explanation,
			fmt.Sprintf("%.2f", sg.percent), s.userIDs[st.mentor]); err != nil {
			return fmt.Errorf("signal: %w", err)
		}
	}
	return nil
}

// copyRows streams n rows into table with COPY FROM STDIN inside the transaction.
func copyRows(ctx context.Context, tx *sqlx.Tx, table string, columns []string, n int, row func(i int) []any) error {
	quoted := make([]string, len(columns))
	for i, c := range columns {
		quoted[i] = pq.QuoteIdentifier(c)
	}
	stmt, err := tx.PrepareContext(ctx, "COPY "+pq.QuoteIdentifier(table)+" ("+strings.Join(quoted, ", ")+") FROM STDIN")
	if err != nil {
		return fmt.Errorf("copy %s: %w", table, err)
	}
	defer stmt.Close()
	for i := range n {
		if _, err := stmt.ExecContext(ctx, row(i)...); err != nil {
			return fmt.Errorf("copy %s row %d: %w", table, i, err)
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return fmt.Errorf("copy %s: %w", table, err)
	}
	if err := stmt.Close(); err != nil {
		return fmt.Errorf("copy %s: %w", table, err)
	}
	return nil
}

// logins lists the demo users in the order of staff, with their schools spelled out.
func (s *store) logins() []Login {
	out := make([]Login, 0, len(staff))
	for _, u := range staff {
		var where string
		if u.role == narvaro.RoleAdmin {
			where = "huvudman: " + huvudmen[u.huvudman].name
		} else {
			names := make([]string, len(u.schools))
			for i, sc := range u.schools {
				names[i] = schools[sc].name
			}
			where = strings.Join(names, ", ")
		}
		out = append(out, Login{Username: u.username, Role: string(u.role), DisplayName: u.name, Schools: where})
	}
	return out
}
