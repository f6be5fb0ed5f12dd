package auth

import (
	"github.com/narvaro/narvaro/internal/narvaro"
)

// Subject is what the policy needs to know about the student or case an action concerns.
type Subject struct {
	SchoolID          int64
	ProtectedIdentity bool
	MentorID          *int64 // the student's mentor
	OnCaseTeam        bool   // the actor is a member of the case's own team
}

// Access is the outcome of a visibility check.
type Access int

const (
	// Hidden: the actor must not learn that the record exists (answered as "not found").
	Hidden Access = iota
	// Visible: the actor may see the record, without its secret parts.
	Visible
	// Full: the actor may see the record including its secret parts.
	Full
)

// SeeStudent decides how much of a student (and the student's cases) the actor may see.
//
//   - Nobody sees another school's students: not by id, not in lists, counts or search.
//   - A student with protected identity is seen only by the case's own team and the rektor.
//   - Mentors see their own students, without the cases' secret parts.
//   - Administrators see their huvudman's students, without the secret parts.
func SeeStudent(a *narvaro.Actor, s Subject) Access {
	if a == nil || !a.InSchool(s.SchoolID) {
		return Hidden
	}
	if s.ProtectedIdentity && a.Role != narvaro.RoleRektor && !s.OnCaseTeam {
		return Hidden
	}
	switch a.Role {
	case narvaro.RoleMentor:
		if s.MentorID == nil || *s.MentorID != a.UserID {
			return Hidden
		}
		return Visible
	case narvaro.RoleAdmin:
		return Visible
	case narvaro.RoleEHT, narvaro.RoleRektor:
		return Full
	}
	return Hidden
}

// Require returns nil when the actor sees at least the wanted access, "not found" when the
// record is hidden (so ids cannot be probed), and "forbidden" when visible but not enough.
func Require(a *narvaro.Actor, s Subject, want Access, whatSV, whatEN string) error {
	got := SeeStudent(a, s)
	switch {
	case got == Hidden:
		return narvaro.NotFound(whatSV, whatEN)
	case got < want:
		return narvaro.Forbidden()
	}
	return nil
}

// Administrative actions that are not about one student.
type AdminAction string

const (
	ManageUsers      AdminAction = "manage_users"
	ManageSchools    AdminAction = "manage_schools"
	ManageTokens     AdminAction = "manage_tokens"
	ImportAttendance AdminAction = "import_attendance"
	ViewReports      AdminAction = "view_reports"
	ViewAuditLog     AdminAction = "view_audit_log"
	ReceiveNotices   AdminAction = "receive_notices"
	RunDetection     AdminAction = "run_detection"
	RaiseSignal      AdminAction = "raise_signal"
	HandleSignal     AdminAction = "handle_signal"
	// ManageRetention plans and runs disposal (gallring) for the huvudman's schools.
	ManageRetention AdminAction = "manage_retention"
)

var adminActions = map[AdminAction][]narvaro.Role{
	ManageUsers:      {narvaro.RoleAdmin},
	ManageSchools:    {narvaro.RoleAdmin},
	ManageTokens:     {narvaro.RoleAdmin},
	ImportAttendance: {narvaro.RoleAdmin},
	ViewReports:      {narvaro.RoleAdmin},
	ViewAuditLog:     {narvaro.RoleAdmin},
	ReceiveNotices:   {narvaro.RoleAdmin},
	RunDetection:     {narvaro.RoleAdmin, narvaro.RoleEHT, narvaro.RoleRektor},
	RaiseSignal:      {narvaro.RoleMentor, narvaro.RoleEHT, narvaro.RoleRektor},
	HandleSignal:     {narvaro.RoleEHT, narvaro.RoleRektor},
	ManageRetention:  {narvaro.RoleAdmin},
}

// Allow decides a role-only action; scoping to schools is applied by the caller's query
// (SchoolIDs) or by SeeStudent.
func Allow(a *narvaro.Actor, act AdminAction) error {
	if a == nil {
		return narvaro.Unauthorized()
	}
	for _, r := range adminActions[act] {
		if r == a.Role {
			return nil
		}
	}
	return narvaro.Forbidden()
}
