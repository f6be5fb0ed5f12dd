package auth_test

import (
	"testing"

	"github.com/narvaro/narvaro/internal/auth"
	"github.com/narvaro/narvaro/internal/narvaro"
)

func TestSeeStudent(t *testing.T) {
	const schoolA, schoolB = 1, 2
	mentorID := int64(10)
	other := int64(11)
	actor := func(role narvaro.Role, id int64) *narvaro.Actor {
		return &narvaro.Actor{UserID: id, Role: role, SchoolIDs: []int64{schoolA}}
	}
	tests := []struct {
		name  string
		actor *narvaro.Actor
		subj  auth.Subject
		want  auth.Access
	}{
		{"signed out", nil, auth.Subject{SchoolID: schoolA}, auth.Hidden},
		{"eht own school", actor(narvaro.RoleEHT, 1), auth.Subject{SchoolID: schoolA}, auth.Full},
		{"eht other school", actor(narvaro.RoleEHT, 1), auth.Subject{SchoolID: schoolB}, auth.Hidden},
		{"rektor own school", actor(narvaro.RoleRektor, 1), auth.Subject{SchoolID: schoolA}, auth.Full},
		{"rektor other school", actor(narvaro.RoleRektor, 1), auth.Subject{SchoolID: schoolB}, auth.Hidden},
		{"admin own huvudman", actor(narvaro.RoleAdmin, 1), auth.Subject{SchoolID: schoolA}, auth.Visible},
		{"admin other huvudman", actor(narvaro.RoleAdmin, 1), auth.Subject{SchoolID: schoolB}, auth.Hidden},
		{"mentor own student", actor(narvaro.RoleMentor, mentorID), auth.Subject{SchoolID: schoolA, MentorID: &mentorID}, auth.Visible},
		{"mentor other mentor's student", actor(narvaro.RoleMentor, mentorID), auth.Subject{SchoolID: schoolA, MentorID: &other}, auth.Hidden},
		{"mentor student without mentor", actor(narvaro.RoleMentor, mentorID), auth.Subject{SchoolID: schoolA}, auth.Hidden},
		{"protected: eht not on team", actor(narvaro.RoleEHT, 1), auth.Subject{SchoolID: schoolA, ProtectedIdentity: true}, auth.Hidden},
		{"protected: eht on team", actor(narvaro.RoleEHT, 1), auth.Subject{SchoolID: schoolA, ProtectedIdentity: true, OnCaseTeam: true}, auth.Full},
		{"protected: rektor", actor(narvaro.RoleRektor, 1), auth.Subject{SchoolID: schoolA, ProtectedIdentity: true}, auth.Full},
		{"protected: rektor other school", actor(narvaro.RoleRektor, 1), auth.Subject{SchoolID: schoolB, ProtectedIdentity: true}, auth.Hidden},
		{"protected: admin", actor(narvaro.RoleAdmin, 1), auth.Subject{SchoolID: schoolA, ProtectedIdentity: true}, auth.Hidden},
		{"protected: mentor of student", actor(narvaro.RoleMentor, mentorID), auth.Subject{SchoolID: schoolA, ProtectedIdentity: true, MentorID: &mentorID}, auth.Hidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := auth.SeeStudent(tt.actor, tt.subj); got != tt.want {
				t.Fatalf("SeeStudent = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestRequireHidesExistence(t *testing.T) {
	a := &narvaro.Actor{UserID: 1, Role: narvaro.RoleAdmin, SchoolIDs: []int64{1}}
	if err := auth.Require(a, auth.Subject{SchoolID: 2}, auth.Visible, "Ärendet", "The case"); narvaro.ErrorCode(err) != narvaro.CodeNotFound {
		t.Fatalf("other school: %v, want not found", err)
	}
	if err := auth.Require(a, auth.Subject{SchoolID: 1}, auth.Full, "Ärendet", "The case"); narvaro.ErrorCode(err) != narvaro.CodeForbidden {
		t.Fatalf("secret part for admin: %v, want forbidden", err)
	}
	if err := auth.Require(a, auth.Subject{SchoolID: 1}, auth.Visible, "Ärendet", "The case"); err != nil {
		t.Fatalf("admin own school: %v", err)
	}
}

func TestAllow(t *testing.T) {
	for _, tt := range []struct {
		role narvaro.Role
		act  auth.AdminAction
		ok   bool
	}{
		{narvaro.RoleAdmin, auth.ManageUsers, true},
		{narvaro.RoleRektor, auth.ManageUsers, false},
		{narvaro.RoleEHT, auth.ImportAttendance, false},
		{narvaro.RoleMentor, auth.RaiseSignal, true},
		{narvaro.RoleMentor, auth.HandleSignal, false},
		{narvaro.RoleAdmin, auth.HandleSignal, false},
		{narvaro.RoleEHT, auth.HandleSignal, true},
	} {
		err := auth.Allow(&narvaro.Actor{Role: tt.role}, tt.act)
		if (err == nil) != tt.ok {
			t.Errorf("%s %s: %v, want ok=%v", tt.role, tt.act, err, tt.ok)
		}
	}
	if narvaro.ErrorCode(auth.Allow(nil, auth.ViewReports)) != narvaro.CodeUnauthorized {
		t.Error("signed out must be unauthorized")
	}
}

func TestPasswords(t *testing.T) {
	h, err := auth.HashPassword("rätt häst batteri häftklammer")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := auth.CheckPassword(h, "rätt häst batteri häftklammer"); !ok || err != nil {
		t.Fatalf("the right password was refused: %v", err)
	}
	if ok, _ := auth.CheckPassword(h, "fel lösenord"); ok {
		t.Fatal("a wrong password was accepted")
	}
	if auth.CheckPasswordStrength("kort") == nil {
		t.Fatal("a short password was accepted")
	}
}
