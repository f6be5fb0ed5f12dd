package postgres

import (
	"fmt"

	"github.com/lib/pq"

	"github.com/narvaro/narvaro/internal/auth"
	"github.com/narvaro/narvaro/internal/narvaro"
)

// visibleStudents is the SQL form of auth.SeeStudent for lists, counts and search: it must
// agree with the policy (a test checks that it does). st is the students table's alias; n is
// the number of the first placeholder. It uses three arguments: schools, role, user id.
func visibleStudents(st string, n int, a *narvaro.Actor) (string, []any) {
	sql := fmt.Sprintf(`(%[1]s.school_id = ANY($%[2]d)
		AND (NOT %[1]s.protected_identity OR $%[3]d = 'rektor'
		     OR EXISTS (SELECT 1 FROM cases pc JOIN case_members pm ON pm.case_id = pc.id
		                WHERE pc.student_id = %[1]s.id AND pm.user_id = $%[4]d))
		AND ($%[3]d <> 'mentor' OR %[1]s.mentor_id = $%[4]d))`, st, n, n+1, n+2)
	return sql, []any{pq.Int64Array(a.SchoolIDs), string(a.Role), a.UserID}
}

// subjectRow is what a query returns for auth.SeeStudent.
type subjectRow struct {
	SubjectSchoolID   int64  `db:"subject_school_id"`
	ProtectedIdentity bool   `db:"subject_protected"`
	MentorID          *int64 `db:"subject_mentor_id"`
	OnCaseTeam        bool   `db:"subject_on_team"`
}

func (r subjectRow) subject() auth.Subject {
	return auth.Subject{SchoolID: r.SubjectSchoolID, ProtectedIdentity: r.ProtectedIdentity, MentorID: r.MentorID, OnCaseTeam: r.OnCaseTeam}
}

const (
	fullAccess    = auth.Full
	visibleAccess = auth.Visible
)
