package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/narvaro/narvaro/internal/pgtest"
	"github.com/narvaro/narvaro/internal/postgres"
)

// reportWorld is a small hand-made municipality for the report tests. Every row is inserted
// directly with fixed dates (noon, Swedish time), so the expected figures can be worked out by
// hand; report_test.go does the arithmetic in its comments.
//
//	Huvudman A (municipal): school A (fixture "Alfaskolan") and school A2 ("Gammaskolan").
//	  A:  StudentA, ProtectedA (protected identity), s3, s4        → 4 students
//	  A2: s5 (home municipality 1998), s6, s7                       → 3 students
//	Huvudman B (independent): school B with StudentB — never counted in A's report.
//
// Signals (created):  g1 StudentA 09-01, g2 ProtectedA 09-10, g3 s3 10-05, g4 s5 09-15,
// g5 s5 08-01 (before the period, dismissed), g6 s6 11-20 (open), g7 StudentB 09-01 (B).
//
// Cases:
//
//	c1 StudentA/A  signal g1, opened 09-02, started 09-04 (due 09-25), completed 09-22,
//	               plan approved 10-01 (m1 safe+included, m2 achieving; follow-up 10-29),
//	               follow-ups 10-27 (next 11-24) and 11-26 (next 2027-01-10); active.
//	               Notice due 09-09 sent 09-07. Concern: safe, included.
//	c2 ProtectedA/A signal g2, opened 09-11, started 09-18 (due 10-09), completed 10-14,
//	               plan approved 10-20 (m3 healthy; follow-up 11-17), no follow-up held;
//	               closed 12-01 attendance restored. Notice due 09-23 sent 09-25. Concern: healthy.
//	c3 s3/A        signal g3, opened 10-06, rektor: not needed 10-08. Concern: safe.
//	c4 s5/A2       signal g4, opened 09-16, started 09-21 (due 10-12), still investigating.
//	               Notice due 09-28 never sent; home-municipality notice sent 09-24.
//	               Concern: safe, healthy.
//	c5 s7/A2       no signal, opened 11-30, reported. Concern: active.
//	c6 s4/A        opened 06-01, started 06-03, completed 06-20, plan 06-25 (m5 nurtured,
//	               follow-up 07-20), closed 09-30 (moved).
//	c8 s6/A2       opened 05-10, started 05-12, plan approved 12-10 (m4 respected, follow-up
//	               2027-01-15); active. Notice sent 05-14.
//	c7 StudentB/B  opened 09-05, started 09-07, notice sent 09-08, report of concern 09-10.
type reportWorld struct {
	store                          *postgres.Store
	org                            *pgtest.Org
	schoolA2                       int64
	ehtA2, rektorA2                int64
	s3, s4, s5, s6, s7             int64
	c1, c2, c3, c4, c5, c6, c7, c8 int64
	n1, n2, n4, n4home, n6, n7, n8 int64 // notices (n4home: c4's notice to the home municipality)
}

// reportNow is the day the report is made: deadlines still running are judged against it.
var reportNow = time.Date(2026, 12, 20, 12, 0, 0, 0, postgres.Stockholm())

func newReportWorld(t *testing.T) *reportWorld {
	t.Helper()
	s, org := newStore(t)
	s.Now = func() time.Time { return reportNow }
	w := &reportWorld{store: s, org: org}
	ctx := context.Background()
	db := s.DB
	id := func(q string, args ...any) int64 {
		t.Helper()
		var v int64
		if err := db.GetContext(ctx, &v, q, args...); err != nil {
			t.Fatalf("fixture %q: %v", q, err)
		}
		return v
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("fixture %q: %v", q, err)
		}
	}
	at := func(d string) string { return d + " 12:00 Europe/Stockholm" }

	w.schoolA2 = id(`INSERT INTO schools (huvudman_id, name, school_unit_code, municipality_code) VALUES ($1, 'Gammaskolan', '10000003', '1999') RETURNING id`, org.HuvudmanA)
	user := func(name, role string, school int64) int64 {
		u := id(`INSERT INTO users (username, display_name, title, role) VALUES ($1, $2, $3, $4) RETURNING id`, name, "Test "+name, role, role)
		exec(`INSERT INTO user_schools (user_id, school_id) VALUES ($1, $2)`, u, school)
		return u
	}
	w.ehtA2, w.rektorA2 = user("eht.a2", "eht", w.schoolA2), user("rektor.a2", "rektor", w.schoolA2)
	student := func(n int, school int64, home string) int64 {
		return id(`INSERT INTO students (school_id, personnummer, first_name, last_name, home_municipality_code, school_form, grade)
			VALUES ($1, $2, 'Elev', $3, $4, 'gr', 7) RETURNING id`, school, pgtest.Pnr(t, fmt.Sprintf("1301%02d", n), n), fmt.Sprintf("Nummer %d", n), home)
	}
	w.s3, w.s4 = student(3, org.SchoolA, "1999"), student(4, org.SchoolA, "1999")
	w.s5, w.s6, w.s7 = student(5, w.schoolA2, "1998"), student(6, w.schoolA2, "1999"), student(7, w.schoolA2, "1999")

	signal := func(student, school int64, status, created string) int64 {
		return id(`INSERT INTO signals (student_id, school_id, source, status, explanation, created_at) VALUES ($1, $2, 'manual', $3, 'Test', $4) RETURNING id`,
			student, school, status, at(created))
	}
	g1 := signal(org.StudentA, org.SchoolA, "case_opened", "2026-09-01")
	g2 := signal(org.ProtectedA, org.SchoolA, "case_opened", "2026-09-10")
	g3 := signal(w.s3, org.SchoolA, "case_opened", "2026-10-05")
	g4 := signal(w.s5, w.schoolA2, "case_opened", "2026-09-15")
	signal(w.s5, w.schoolA2, "dismissed", "2026-08-01")
	signal(w.s6, w.schoolA2, "open", "2026-11-20")
	g7 := signal(org.StudentB, org.SchoolB, "case_opened", "2026-09-01")

	n := 0
	openCase := func(huvudman, school, student int64, signal *int64, status, opened string, domains string) int64 {
		n++
		return id(`INSERT INTO cases (case_number, huvudman_id, school_id, student_id, signal_id, status, description, concern_domains, opened_by, opened_at)
			VALUES ($1, $2, $3, $4, $5, $6, 'Frånvaro', $7, $8, $9) RETURNING id`,
			fmt.Sprintf("T %d", n), huvudman, school, student, signal, status, domains, org.A.EHT, at(opened))
	}
	start := func(c int64, started, due string) {
		exec(`UPDATE cases SET assessment = 'started', assessed_by = $2, assessed_at = $3, investigation_started_at = $3, investigation_due = $4 WHERE id = $1`,
			c, org.A.Rektor, at(started), due)
	}
	complete := func(c int64, on string) {
		exec(`UPDATE cases SET investigation_completed_at = $2 WHERE id = $1`, c, at(on))
	}
	closeCase := func(c int64, on, reason string) {
		exec(`UPDATE cases SET status = 'closed', closure_reason = $3, closed_by = $4, closed_at = $2 WHERE id = $1`, c, at(on), reason, org.A.Rektor)
	}
	notice := func(c int64, kind, due string, sent *string) int64 {
		var sentAt *string
		if sent != nil {
			v := at(*sent)
			sentAt = &v
		}
		return id(`INSERT INTO notices (case_id, kind, recipient, due_on, sent_at) VALUES ($1, $2, 'Huvudmannen', $3, $4) RETURNING id`, c, kind, due, sentAt)
	}
	str := func(s string) *string { return &s }
	plan := func(c int64, decided string, measures ...[2]string) int64 {
		p := id(`INSERT INTO plans (case_id, version, status, created_by) VALUES ($1, 1, 'draft', $2) RETURNING id`, c, org.A.EHT)
		for i, m := range measures {
			exec(`INSERT INTO measures (plan_id, position, description, domains, level, responsible, start_date, expected_effect, follow_up_date)
				VALUES ($1, $2, 'Åtgärd', $3, 'school', 'Mentor', $4, 'Bättre närvaro', $5)`, p, i+1, m[0], decided, m[1])
		}
		exec(`UPDATE plans SET status = 'approved', decided_by = $2, decided_at = $3 WHERE id = $1`, p, org.A.Rektor, at(decided))
		return p
	}
	followUp := func(c, p int64, held string, next *string) {
		exec(`INSERT INTO followups (case_id, plan_id, held_on, period_from, period_to, next_date, created_by) VALUES ($1, $2, $3, $3, $3, $4, $5)`,
			c, p, held, next, org.A.EHT)
	}
	escalate := func(c int64, kind, on string) {
		exec(`INSERT INTO escalations (case_id, kind, occurred_on, created_by) VALUES ($1, $2, $3, $4)`, c, kind, on, org.A.EHT)
	}
	wheelConcern := func(c int64, on string, ratings ...[3]string) {
		a := id(`INSERT INTO wheel_assessments (case_id, occasion, assessed_on, child_participation, created_by) VALUES ($1, 'investigation', $2, 'meeting', $3) RETURNING id`,
			c, on, org.A.EHT)
		for _, r := range ratings {
			exec(`INSERT INTO wheel_ratings (assessment_id, domain, perspective, kind, note) VALUES ($1, $2, $3, $4, 'Fritext som aldrig får synas')`, a, r[0], r[1], r[2])
		}
	}
	attend := func(student int64, d string, offered, valid, invalid int) {
		exec(`INSERT INTO attendance_days (student_id, day, offered_minutes, valid_absence_minutes, invalid_absence_minutes) VALUES ($1, $2, $3, $4, $5)`,
			student, d, offered, valid, invalid)
	}

	// c1
	w.c1 = openCase(org.HuvudmanA, org.SchoolA, org.StudentA, &g1, "active", "2026-09-02", "{safe,included}")
	start(w.c1, "2026-09-04", "2026-09-25")
	complete(w.c1, "2026-09-22")
	w.n1 = notice(w.c1, "investigation_started", "2026-09-09", str("2026-09-07"))
	p1 := plan(w.c1, "2026-10-01", [2]string{"{safe,included}", "2026-10-29"}, [2]string{"{achieving}", "2026-10-29"})
	followUp(w.c1, p1, "2026-10-27", str("2026-11-24"))
	followUp(w.c1, p1, "2026-11-26", str("2027-01-10"))
	escalate(w.c1, "report_of_concern", "2026-09-20")
	wheelConcern(w.c1, "2026-09-15", [3]string{"safe", "child", "concern"}, [3]string{"safe", "professionals", "concern"}, [3]string{"achieving", "child", "strength"})

	// c2
	w.c2 = openCase(org.HuvudmanA, org.SchoolA, org.ProtectedA, &g2, "closed", "2026-09-11", "{healthy}")
	start(w.c2, "2026-09-18", "2026-10-09")
	complete(w.c2, "2026-10-14")
	w.n2 = notice(w.c2, "investigation_started", "2026-09-23", str("2026-09-25"))
	plan(w.c2, "2026-10-20", [2]string{"{healthy}", "2026-11-17"})
	closeCase(w.c2, "2026-12-01", "attendance_restored")

	// c3
	w.c3 = openCase(org.HuvudmanA, org.SchoolA, w.s3, &g3, "not_investigated", "2026-10-06", "{safe}")
	exec(`UPDATE cases SET assessment = 'not_needed', assessed_by = $2, assessed_at = $3 WHERE id = $1`, w.c3, org.A.Rektor, at("2026-10-08"))

	// c4
	w.c4 = openCase(org.HuvudmanA, w.schoolA2, w.s5, &g4, "investigating", "2026-09-16", "{safe,healthy}")
	start(w.c4, "2026-09-21", "2026-10-12")
	w.n4 = notice(w.c4, "investigation_started", "2026-09-28", nil)
	w.n4home = notice(w.c4, "home_municipality", "2026-09-28", str("2026-09-24"))
	escalate(w.c4, "sip_requested", "2026-10-01")
	escalate(w.c4, "report_of_concern", "2026-10-02")
	wheelConcern(w.c4, "2026-09-25", [3]string{"healthy", "child", "concern"}, [3]string{"included", "guardian1", "concern"})

	// c5
	w.c5 = openCase(org.HuvudmanA, w.schoolA2, w.s7, nil, "reported", "2026-11-30", "{active}")

	// c6
	w.c6 = openCase(org.HuvudmanA, org.SchoolA, w.s4, nil, "closed", "2026-06-01", "{nurtured}")
	start(w.c6, "2026-06-03", "2026-06-24")
	complete(w.c6, "2026-06-20")
	w.n6 = notice(w.c6, "investigation_started", "2026-06-08", str("2026-06-05"))
	plan(w.c6, "2026-06-25", [2]string{"{nurtured}", "2026-07-20"})
	wheelConcern(w.c6, "2026-06-10", [3]string{"safe", "child", "concern"})
	closeCase(w.c6, "2026-09-30", "moved")

	// c8
	w.c8 = openCase(org.HuvudmanA, w.schoolA2, w.s6, nil, "active", "2026-05-10", "{respected}")
	start(w.c8, "2026-05-12", "2026-06-02")
	complete(w.c8, "2026-05-30")
	w.n8 = notice(w.c8, "investigation_started", "2026-05-17", str("2026-05-14"))
	plan(w.c8, "2026-12-10", [2]string{"{respected}", "2027-01-15"})

	// c7, another huvudman: must never show in A's figures.
	w.c7 = openCase(org.HuvudmanB, org.SchoolB, org.StudentB, &g7, "investigating", "2026-09-05", "{safe}")
	start(w.c7, "2026-09-07", "2026-09-28")
	w.n7 = notice(w.c7, "investigation_started", "2026-09-12", str("2026-09-08"))
	escalate(w.c7, "report_of_concern", "2026-09-10")

	// Attendance around the plans' approvals (4-week windows).
	// c1, approved 10-01: before = [09-03, 10-01), after = [10-01, 10-29).
	attend(org.StudentA, "2026-09-02", 300, 300, 0) // outside: the day before the window
	attend(org.StudentA, "2026-09-10", 300, 100, 50)
	attend(org.StudentA, "2026-09-17", 300, 90, 0)
	attend(org.StudentA, "2026-10-05", 300, 0, 30)
	attend(org.StudentA, "2026-10-12", 300, 0, 0)
	attend(org.StudentA, "2026-10-29", 300, 300, 0) // outside: the window has ended
	// c2, approved 10-20: before = [09-22, 10-20), after = [10-20, 11-17).
	attend(org.ProtectedA, "2026-09-21", 400, 400, 0) // outside
	attend(org.ProtectedA, "2026-09-22", 400, 300, 0)
	attend(org.ProtectedA, "2026-09-29", 400, 50, 50)
	attend(org.ProtectedA, "2026-10-20", 400, 0, 0) // the approval day counts as after
	attend(org.ProtectedA, "2026-10-27", 400, 100, 100)
	return w
}
