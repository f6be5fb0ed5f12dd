package narvaro

import (
	"slices"
	"time"
)

// Role is what a user does in the process (domain brief §5).
type Role string

const (
	RoleMentor Role = "mentor"
	RoleEHT    Role = "eht"
	RoleRektor Role = "rektor"
	RoleAdmin  Role = "admin"
)

// Roles in display order.
var Roles = []Role{RoleMentor, RoleEHT, RoleRektor, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Label names the role for people.
func (r Role) Label() Text {
	switch r {
	case RoleMentor:
		return Text{SV: "Mentor", EN: "Mentor"}
	case RoleEHT:
		return Text{SV: "Elevhälsoteam", EN: "Student health team"}
	case RoleRektor:
		return Text{SV: "Rektor", EN: "Principal"}
	case RoleAdmin:
		return Text{SV: "Administratör (huvudman)", EN: "Administrator (governing body)"}
	}
	return Text{SV: string(r), EN: string(r)}
}

// User is a person who signs in.
type User struct {
	ID           int64      `json:"id" db:"id"`
	Username     string     `json:"username" db:"username"`
	DisplayName  string     `json:"display_name" db:"display_name"`
	Title        string     `json:"title" db:"title"`
	Email        string     `json:"email" db:"email"`
	Role         Role       `json:"role" db:"role"`
	HuvudmanID   *int64     `json:"huvudman_id,omitempty" db:"huvudman_id"`
	PasswordHash string     `json:"-" db:"password_hash"`
	Active       bool       `json:"active" db:"active"`
	FailedLogins int        `json:"-" db:"failed_logins"`
	LockedUntil  *time.Time `json:"-" db:"locked_until"`
	CreatedAt    time.Time  `json:"created_at" db:"created_at"`
	Version      int        `json:"version" db:"version"`
	SchoolIDs    []int64    `json:"school_ids" db:"-"`
}

// Actor is the signed-in user a request acts for, with the schools they may reach resolved
// once at sign-in (for an administrator: every school of their huvudman).
type Actor struct {
	UserID     int64
	Name       string
	Title      string
	Role       Role
	HuvudmanID int64
	SchoolIDs  []int64
	IP         string
	RequestID  string
	ViaToken   bool
}

// InSchool reports whether the actor is scoped to the school.
func (a *Actor) InSchool(schoolID int64) bool {
	return a != nil && slices.Contains(a.SchoolIDs, schoolID)
}
