package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/narvaro/narvaro/internal/audit"
	"github.com/narvaro/narvaro/internal/auth"
	"github.com/narvaro/narvaro/internal/narvaro"
)

// StudentView is a student page: identity, guardians, weekly absence, signals and cases.
type StudentView struct {
	Student   narvaro.Student    `json:"student"`
	School    narvaro.School     `json:"school"`
	Masked    string             `json:"personnummer_masked"`
	Guardians []narvaro.Guardian `json:"guardians"`
	Weeks     []WeekAbsence      `json:"weeks"`
	Signals   []Signal           `json:"signals"`
	Cases     []CaseSummary      `json:"cases"`
	Secret    bool               `json:"secret_visible"`
}

// WeekAbsence is one ISO week's absence, for the chart.
type WeekAbsence struct {
	Week           string  `json:"week" db:"week"` // "2026-W38"
	Monday         string  `json:"monday" db:"monday"`
	OfferedMinutes int     `json:"offered_minutes" db:"offered"`
	ValidMinutes   int     `json:"valid_minutes" db:"valid"`
	InvalidMinutes int     `json:"invalid_minutes" db:"invalid"`
	ValidPercent   float64 `json:"valid_percent" db:"valid_percent"`
	InvalidPercent float64 `json:"invalid_percent" db:"invalid_percent"`
}

// GetStudent reads a student for the actor and records the read.
func (s *Store) GetStudent(ctx context.Context, a *narvaro.Actor, id int64) (*StudentView, error) {
	v := &StudentView{}
	err := s.DB.Tx(ctx, func(tx *sqlx.Tx) error {
		subj, err := loadStudentSubject(ctx, tx, a, id)
		if err != nil {
			return err
		}
		access := auth.SeeStudent(a, subj)
		if access == auth.Hidden {
			return narvaro.NotFound("Eleven", "The student")
		}
		v.Secret = access == auth.Full
		if err := tx.GetContext(ctx, &v.Student, `SELECT * FROM students WHERE id = $1`, id); err != nil {
			return err
		}
		v.Masked = v.Student.Personnummer.Masked()
		if err := tx.GetContext(ctx, &v.School, `SELECT * FROM schools WHERE id = $1`, v.Student.SchoolID); err != nil {
			return err
		}
		if err := tx.SelectContext(ctx, &v.Guardians, `SELECT * FROM guardians WHERE student_id = $1 ORDER BY position`, id); err != nil {
			return err
		}
		if v.Weeks, err = weeklyAbsence(ctx, tx, id); err != nil {
			return err
		}
		return writeAudit(ctx, tx, a, audit.Entry{Action: audit.Read, Entity: "student", EntityID: id, StudentID: id, SchoolID: v.Student.SchoolID})
	})
	if err != nil {
		return nil, err
	}
	if v.Signals, err = s.ListSignalsAnyStatus(ctx, a, id); err != nil {
		return nil, err
	}
	if v.Cases, err = s.ListCases(ctx, a, CaseFilter{StudentID: id}); err != nil {
		return nil, err
	}
	return v, nil
}

// ListSignalsAnyStatus lists a student's signals in every status.
func (s *Store) ListSignalsAnyStatus(ctx context.Context, a *narvaro.Actor, studentID int64) ([]Signal, error) {
	var all []Signal
	for _, st := range []string{"open", "case_opened", "dismissed"} {
		got, err := s.ListSignals(ctx, a, SignalFilter{Status: st, StudentID: studentID})
		if err != nil {
			return nil, err
		}
		all = append(all, got...)
	}
	return all, nil
}

// weeklyAbsence is the student's absence per ISO week over the data held.
func weeklyAbsence(ctx context.Context, q queryer, studentID int64) ([]WeekAbsence, error) {
	out := []WeekAbsence{}
	err := q.SelectContext(ctx, &out, `
		SELECT to_char(date_trunc('week', day), 'IYYY-"W"IW') AS week, to_char(date_trunc('week', day), 'YYYY-MM-DD') AS monday,
		       sum(offered_minutes) AS offered, sum(valid_absence_minutes) AS valid, sum(invalid_absence_minutes) AS invalid,
		       COALESCE(round(100.0 * sum(valid_absence_minutes) / NULLIF(sum(offered_minutes), 0), 1), 0)::float8 AS valid_percent,
		       COALESCE(round(100.0 * sum(invalid_absence_minutes) / NULLIF(sum(offered_minutes), 0), 1), 0)::float8 AS invalid_percent
		FROM attendance_days WHERE student_id = $1 GROUP BY 1, 2 ORDER BY 2`, studentID)
	if err != nil {
		return nil, fmt.Errorf("weekly absence: %w", err)
	}
	return out, nil
}

// StudentHit is a search result.
type StudentHit struct {
	ID         int64  `json:"id" db:"id"`
	Name       string `json:"name" db:"name"`
	ClassName  string `json:"class_name" db:"class_name"`
	SchoolName string `json:"school_name" db:"school_name"`
	Masked     string `json:"personnummer_masked" db:"masked"`
}

// SearchStudents finds students the actor may see by name, class or personnummer.
func (s *Store) SearchStudents(ctx context.Context, a *narvaro.Actor, query string, limit int) ([]StudentHit, error) {
	query = strings.TrimSpace(query)
	if limit <= 0 || limit > 100 {
		limit = 50
	}
	vis, args := visibleStudents("st", 1, a)
	args = append(args, "%"+strings.NewReplacer("%", `\%`, "_", `\_`).Replace(query)+"%", limit)
	out := []StudentHit{}
	err := s.DB.SelectContext(ctx, &out, `SELECT st.id, st.first_name || ' ' || st.last_name AS name, st.class_name, sc.name AS school_name,
		left(st.personnummer, 9) || '****' AS masked
		FROM students st JOIN schools sc ON sc.id = st.school_id
		WHERE `+vis+fmt.Sprintf(` AND NOT st.protected_identity AND (st.first_name || ' ' || st.last_name ILIKE $4 OR st.class_name ILIKE $4 OR st.personnummer LIKE $4)
		ORDER BY st.last_name COLLATE sv_se, st.first_name COLLATE sv_se LIMIT $%d`, 5), args...)
	if err != nil {
		return nil, translate(fmt.Errorf("search students: %w", err))
	}
	if query != "" {
		if err := s.DB.Audit(ctx, a, audit.Entry{Action: audit.Read, Entity: "student_search", Detail: map[string]any{"hits": len(out)}}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ListSchools lists the schools the actor is scoped to.
func (s *Store) ListSchools(ctx context.Context, a *narvaro.Actor) ([]narvaro.School, error) {
	out := []narvaro.School{}
	err := s.DB.SelectContext(ctx, &out, `SELECT * FROM schools WHERE id = ANY($1) ORDER BY name COLLATE sv_se`, int64s(a.SchoolIDs))
	return out, translate(err)
}

// SchoolInput creates a school unit.
type SchoolInput struct {
	Name             string `json:"name" form:"name" binding:"required,min=2,max=200"`
	SchoolUnitCode   string `json:"school_unit_code" form:"school_unit_code" binding:"required,len=8,numeric"`
	MunicipalityCode string `json:"municipality_code" form:"municipality_code" binding:"required,len=4,numeric"`
}

// CreateSchool adds a school unit to the administrator's huvudman.
func (s *Store) CreateSchool(ctx context.Context, a *narvaro.Actor, in SchoolInput) (int64, error) {
	if err := auth.Allow(a, auth.ManageSchools); err != nil {
		return 0, err
	}
	var id int64
	err := s.DB.Tx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &id, `INSERT INTO schools (huvudman_id, name, school_unit_code, municipality_code) VALUES ($1, $2, $3, $4) RETURNING id`,
			a.HuvudmanID, strings.TrimSpace(in.Name), in.SchoolUnitCode, in.MunicipalityCode); err != nil {
			return err
		}
		return writeAudit(ctx, tx, a, audit.Entry{Action: audit.Create, Entity: "school", EntityID: id, SchoolID: id})
	})
	if err == nil {
		a.SchoolIDs = append(a.SchoolIDs, id)
	}
	return id, err
}
