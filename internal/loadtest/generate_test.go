package loadtest

import (
	"context"
	"testing"
	"time"

	"github.com/narvaro/narvaro/internal/pgtest"
	"github.com/narvaro/narvaro/internal/postgres"
)

var fixedNow = time.Date(2026, 11, 23, 14, 30, 0, 0, time.UTC)

func generated(t *testing.T) *postgres.DB {
	t.Helper()
	db := pgtest.New(t)
	if err := Generate(context.Background(), db.DB.DB, Small(fixedNow), func(s Step) { t.Logf("%-40s %8d rows %v", s.Name, s.Rows, s.Duration) }); err != nil {
		t.Fatal(err)
	}
	return db
}

func count(t *testing.T, db *postgres.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.GetContext(context.Background(), &n, query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestGenerateFillsEveryPartOfTheMunicipality(t *testing.T) {
	t.Parallel()
	db := generated(t)
	sc := Small(fixedNow)
	days := len(schoolDays(fixedNow, sc.Span))
	for _, tt := range []struct {
		what, query string
		want        int
	}{
		{"schools", `SELECT count(*) FROM schools`, sc.Schools},
		{"students", `SELECT count(*) FROM students`, sc.Students},
		{"a day of attendance per student and school day", `SELECT count(*) FROM attendance_days`, sc.Students * days},
		{"cases", `SELECT count(*) FROM cases`, sc.Cases},
		{"audit rows", `SELECT count(*) FROM audit_log`, sc.AuditRows},
		{"every case status", `SELECT count(DISTINCT status) FROM cases`, 7},
		{"every role", `SELECT count(DISTINCT role) FROM users`, 4},
		{"an approved plan with measures for every active case",
			`SELECT count(*) FROM cases c WHERE c.status = 'active' AND NOT EXISTS (
				SELECT 1 FROM plans p JOIN measures m ON m.plan_id = p.id WHERE p.case_id = c.id AND p.status = 'approved')`, 0},
		{"exactly one approved plan per active case",
			`SELECT count(*) FROM cases c WHERE c.status = 'active' AND (SELECT count(*) FROM plans p WHERE p.case_id = c.id AND p.status = 'approved') <> 1`, 0},
		{"a result for every measure of every follow-up",
			`SELECT count(*) FROM followups f JOIN measures m ON m.plan_id = f.plan_id
			 WHERE NOT EXISTS (SELECT 1 FROM followup_results r WHERE r.followup_id = f.id AND r.measure_id = m.id)`, 0},
		{"no follow-up held after today", `SELECT count(*) FROM followups WHERE held_on > $1::date`, 0},
		{"an investigation for every case that started one",
			`SELECT count(*) FROM cases c WHERE c.investigation_started_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM investigations i WHERE i.case_id = c.id)`, 0},
		{"a case's student at the case's school", `SELECT count(*) FROM cases c JOIN students s ON s.id = c.student_id WHERE s.school_id <> c.school_id`, 0},
		{"at most one open case per student",
			`SELECT count(*) FROM (SELECT student_id FROM cases WHERE status NOT IN ('closed', 'not_investigated') GROUP BY 1 HAVING count(*) > 1) x`, 0},
		{"nothing dated in the future", `SELECT count(*) FROM case_events WHERE at > $1::timestamptz + interval '1 second'`, 0},
	} {
		arg := any(fixedNow.Format("2006-01-02"))
		if tt.what == "nothing dated in the future" {
			arg = fixedNow
		}
		t.Run(tt.what, func(t *testing.T) {
			var got int
			if err := db.GetContext(context.Background(), &got, tt.query, bind(tt.query, arg)...); err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
	for _, table := range []string{"escalations", "notices", "guardian_contacts", "wheel_ratings", "signals", "followups", "guardians"} {
		if count(t, db, `SELECT count(*) FROM `+table) == 0 {
			t.Errorf("no %s generated", table)
		}
	}
}

// bind passes arg only to queries that have a placeholder.
func bind(query string, arg any) []any {
	for i := 0; i+1 < len(query); i++ {
		if query[i] == '$' && query[i+1] == '1' {
			return []any{arg}
		}
	}
	return nil
}

func TestGeneratedAuditLogIsASealedValidChain(t *testing.T) {
	t.Parallel()
	db := generated(t)
	res, err := db.VerifyAudit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.BrokenAt != nil || res.Unsealed != 0 || res.Checked != int64(Small(fixedNow).AuditRows) {
		t.Fatalf("verify: %+v (%s)", res, res.Reason)
	}
	// The service continues the chain from where the generator left it.
	if _, err := db.ExecContext(context.Background(), `INSERT INTO audit_log (action, entity) VALUES ('read', 'case')`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SealAudit(context.Background(), 10); err != nil {
		t.Fatal(err)
	}
	if res, err = db.VerifyAudit(context.Background()); err != nil || res.BrokenAt != nil {
		t.Fatalf("after sealing a new row: %+v %v", res, err)
	}
}

func TestGenerateIsReproducible(t *testing.T) {
	t.Parallel()
	digest := func(db *postgres.DB) string {
		var s string
		err := db.GetContext(context.Background(), &s, `SELECT md5(string_agg(x, ',' ORDER BY x)) FROM (
			SELECT c.case_number || c.status || c.student_id || c.version || c.opened_at::text AS x FROM cases c
			UNION ALL SELECT a.student_id || a.day::text || a.valid_absence_minutes || '/' || a.invalid_absence_minutes FROM attendance_days a
			UNION ALL SELECT hash FROM audit_log) t`)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if a, b := digest(generated(t)), digest(generated(t)); a != b {
		t.Fatalf("two generations differ: %s vs %s", a, b)
	}
}
