package pgtest

import (
	"context"
	"fmt"
	"testing"

	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/postgres"
)

// Org is a small world for tests: a municipal huvudman with school A and an independent one
// with school B, users of every role at each, and students (one with protected identity).
type Org struct {
	HuvudmanA, HuvudmanB int64
	SchoolA, SchoolB     int64
	// Users by role at each school; Admin is the huvudman's administrator.
	A, B Users
	// StudentA and StudentB are ordinary students; ProtectedA has a protected identity.
	StudentA, StudentB, ProtectedA int64
	// OtherHomeB attends school B but lives in another municipality.
	OtherHomeB int64
}

// Users are one user of each role.
type Users struct {
	Mentor, EHT, EHT2, Rektor, Admin int64
}

// Password is every fixture user's password.
const Password = "testlösenord-2026"

// NewOrg fills db with the fixture world.
func NewOrg(t testing.TB, db *postgres.DB) *Org {
	t.Helper()
	ctx := context.Background()
	o := &Org{}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("fixture: %v", err)
		}
	}
	get := func(dest *int64, q string, args ...any) { t.Helper(); must(db.GetContext(ctx, dest, q, args...)) }
	get(&o.HuvudmanA, `INSERT INTO huvudman (name, org_number, kind, municipality_code, case_number_prefix) VALUES ('Testkommun BUN', '212000-0001', 'municipal', '1999', 'BUN') RETURNING id`)
	get(&o.HuvudmanB, `INSERT INTO huvudman (name, org_number, kind, municipality_code, case_number_prefix) VALUES ('Friskolan Test AB', '556000-0002', 'independent', '1999', 'FRI') RETURNING id`)
	get(&o.SchoolA, `INSERT INTO schools (huvudman_id, name, school_unit_code, municipality_code) VALUES ($1, 'Alfaskolan', '10000001', '1999') RETURNING id`, o.HuvudmanA)
	get(&o.SchoolB, `INSERT INTO schools (huvudman_id, name, school_unit_code, municipality_code) VALUES ($1, 'Betaskolan', '10000002', '1999') RETURNING id`, o.HuvudmanB)
	hash := fixtureHash(t)
	user := func(name string, role narvaro.Role, school, huvudman int64) int64 {
		var id int64
		var hm *int64
		if role == narvaro.RoleAdmin {
			hm = &huvudman
		}
		get(&id, `INSERT INTO users (username, display_name, title, role, huvudman_id, password_hash) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			name, "Test "+name, string(role), role, hm, hash)
		if role != narvaro.RoleAdmin {
			_, err := db.ExecContext(ctx, `INSERT INTO user_schools (user_id, school_id) VALUES ($1, $2)`, id, school)
			must(err)
		}
		return id
	}
	for _, x := range []struct {
		suffix   string
		school   int64
		huvudman int64
		users    *Users
	}{{"a", o.SchoolA, o.HuvudmanA, &o.A}, {"b", o.SchoolB, o.HuvudmanB, &o.B}} {
		x.users.Mentor = user("mentor."+x.suffix, narvaro.RoleMentor, x.school, x.huvudman)
		x.users.EHT = user("eht."+x.suffix, narvaro.RoleEHT, x.school, x.huvudman)
		x.users.EHT2 = user("eht2."+x.suffix, narvaro.RoleEHT, x.school, x.huvudman)
		x.users.Rektor = user("rektor."+x.suffix, narvaro.RoleRektor, x.school, x.huvudman)
		x.users.Admin = user("admin."+x.suffix, narvaro.RoleAdmin, x.school, x.huvudman)
	}
	student := func(pnr, first, last string, school, mentor int64, protected bool, home string) int64 {
		var id int64
		get(&id, `INSERT INTO students (school_id, personnummer, first_name, last_name, protected_identity, home_municipality_code, school_form, grade, class_name, mentor_id)
			VALUES ($1, $2, $3, $4, $5, $6, 'gr', 8, '8A', $7) RETURNING id`, school, pnr, first, last, protected, home, mentor)
		_, err := db.ExecContext(ctx, `INSERT INTO guardians (student_id, position, name, phone) VALUES ($1, 1, $2, '070-000 00 00')`, id, "Förälder "+last)
		must(err)
		return id
	}
	o.StudentA = student(Pnr(t, "120315", 1), "Åsa", "Öberg", o.SchoolA, o.A.Mentor, false, "1999")
	o.ProtectedA = student(Pnr(t, "120412", 2), "Hemlig", "Person", o.SchoolA, o.A.Mentor, true, "1999")
	o.StudentB = student(Pnr(t, "110510", 3), "Łukasz", "Nguyễn", o.SchoolB, o.B.Mentor, false, "1999")
	o.OtherHomeB = student(Pnr(t, "110611", 4), "Zoë", "Ärlig", o.SchoolB, o.B.Mentor, false, "1998")
	return o
}

// Pnr makes a valid fictional personnummer from YYMMDD (born 20YY) and a serial.
func Pnr(t testing.TB, yymmdd string, serial int) string {
	t.Helper()
	nine := yymmdd + fmt.Sprintf("%03d", 980+serial%20)
	return "20" + yymmdd + "-" + nine[6:] + string(narvaro.LuhnDigit(nine))
}

// Actor loads a fixture user as an actor.
func Actor(t testing.TB, db *postgres.DB, userID int64) *narvaro.Actor {
	t.Helper()
	a, err := db.Actor(context.Background(), userID)
	if err != nil {
		t.Fatalf("load actor %d: %v", userID, err)
	}
	a.IP, a.RequestID = "127.0.0.1", "test"
	return a
}
