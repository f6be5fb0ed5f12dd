package postgres_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/narvaro/narvaro/configs"
	"github.com/narvaro/narvaro/internal/config"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/pgtest"
	"github.com/narvaro/narvaro/internal/postgres"
	"github.com/narvaro/narvaro/internal/report"
)

// benchMunicipality generates, in SQL, a municipality of 20 schools and 20,000 students with a
// school year of daily attendance (180 days: 3.6 million rows), 1,500 signals and 1,000 cases in
// every stage: investigations, notices, plans with measures, follow-ups, escalations, wheel
// assessments and closures. It returns the administrator.
func benchMunicipality(b testing.TB, db *postgres.DB) int64 {
	b.Helper()
	ctx := context.Background()
	var admin int64
	err := db.Tx(ctx, func(tx *sqlx.Tx) error {
		var h, eht int64
		steps := []struct {
			q    string
			args func() []any
		}{
			{`SELECT setseed(0.2026)`, nil},
			{`INSERT INTO schools (huvudman_id, name, school_unit_code, municipality_code)
				SELECT $1, 'Skola ' || g, (20000000 + g)::text, '1999' FROM generate_series(1, 20) g`, func() []any { return []any{h} }},
			{`INSERT INTO students (school_id, personnummer, first_name, last_name, home_municipality_code, school_form, grade, protected_identity)
				SELECT sc.id, '2010' || lpad((101 + g / 10000)::text, 4, '0') || '-' || lpad((g % 10000)::text, 4, '0'), 'Elev', 'Nr ' || g,
					CASE WHEN g % 50 = 0 THEN '1998' ELSE '1999' END, 'gr', g % 10, g % 500 = 0
				FROM generate_series(0, 19999) g
				JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS i FROM schools WHERE huvudman_id = $1) sc ON sc.i = g % 20`,
				func() []any { return []any{h} }},
			// Bulk load without the primary key, then build it once: much faster than row by row.
			{`ALTER TABLE attendance_days DROP CONSTRAINT attendance_days_pkey`, nil},
			{`INSERT INTO attendance_days (student_id, day, offered_minutes, valid_absence_minutes, invalid_absence_minutes)
				SELECT s.id, d.day, 300, CASE WHEN random() < 0.06 THEN 240 ELSE 0 END, CASE WHEN random() < 0.03 THEN 60 ELSE 0 END
				FROM students s JOIN schools sc ON sc.id = s.school_id AND sc.huvudman_id = $1
				CROSS JOIN (SELECT day::date AS day FROM generate_series('2025-08-18'::date, '2026-06-30'::date, interval '1 day') day
					WHERE extract(isodow FROM day) < 6 ORDER BY day LIMIT 180) d`, func() []any { return []any{h} }},
			{`ALTER TABLE attendance_days ADD PRIMARY KEY (student_id, day)`, nil},
			{`CREATE TEMP TABLE bench_sig ON COMMIT DROP AS
				SELECT row_number() OVER () AS n, s.id AS student_id, s.school_id,
					'2025-08-25 10:00 Europe/Stockholm'::timestamptz + (random() * 250) * interval '1 day' AS at
				FROM (SELECT st.id, st.school_id FROM students st JOIN schools sc ON sc.id = st.school_id AND sc.huvudman_id = $1
					ORDER BY random() LIMIT 1500) s`, func() []any { return []any{h} }},
			{`INSERT INTO signals (student_id, school_id, source, status, explanation, created_at)
				SELECT student_id, school_id, 'detection', CASE WHEN n <= 1000 THEN 'case_opened' ELSE 'dismissed' END, 'Frånvaro', at FROM bench_sig`, nil},
			{`INSERT INTO cases (case_number, huvudman_id, school_id, student_id, signal_id, status, description, concern_domains, opened_by, opened_at)
				SELECT 'BUN 2025/' || lpad(b.n::text, 4, '0'), $1, b.school_id, b.student_id, g.id, 'reported', 'Frånvaro',
					CASE b.n % 4 WHEN 0 THEN '{safe,healthy}'::text[] WHEN 1 THEN '{achieving}' WHEN 2 THEN '{included,respected}' ELSE '{nurtured,active,safe}' END,
					$2, b.at + interval '2 days'
				FROM bench_sig b JOIN signals g ON g.student_id = b.student_id AND g.created_at = b.at WHERE b.n <= 1000`,
				func() []any { return []any{h, eht} }},
			{`CREATE TEMP TABLE bench_case ON COMMIT DROP AS
				SELECT id, row_number() OVER (ORDER BY id) AS n, opened_at FROM cases WHERE huvudman_id = $1`, func() []any { return []any{h} }},
			{`UPDATE cases c SET status = 'not_investigated', assessment = 'not_needed', assessed_by = $1, assessed_at = b.opened_at + interval '3 days'
				FROM bench_case b WHERE b.id = c.id AND b.n % 10 = 0`, func() []any { return []any{eht} }},
			{`UPDATE cases c SET status = 'investigating', assessment = 'started', assessed_by = $1,
					assessed_at = b.opened_at + (b.n % 7) * interval '1 day', investigation_started_at = b.opened_at + (b.n % 7) * interval '1 day',
					investigation_due = (b.opened_at + (b.n % 7 + 21) * interval '1 day')::date
				FROM bench_case b WHERE b.id = c.id AND b.n % 10 <> 0`, func() []any { return []any{eht} }},
			{`UPDATE cases c SET status = 'planning', investigation_completed_at = c.investigation_started_at + (14 + b.n % 14) * interval '1 day'
				FROM bench_case b WHERE b.id = c.id AND b.n % 10 BETWEEN 1 AND 7`, nil},
			{`INSERT INTO notices (case_id, kind, recipient, due_on, sent_at)
				SELECT c.id, 'investigation_started', 'Benchkommun', (c.investigation_started_at + interval '5 days')::date,
					CASE WHEN b.n % 13 = 0 THEN NULL ELSE c.investigation_started_at + (b.n % 8) * interval '1 day' END
				FROM cases c JOIN bench_case b ON b.id = c.id WHERE c.investigation_started_at IS NOT NULL`, nil},
			{`INSERT INTO plans (case_id, version, status, created_by, created_at)
				SELECT c.id, 1, 'draft', $1, c.investigation_completed_at + interval '2 days'
				FROM cases c JOIN bench_case b ON b.id = c.id WHERE b.n % 10 BETWEEN 1 AND 6`, func() []any { return []any{eht} }},
			{`INSERT INTO measures (plan_id, position, description, domains, level, responsible, start_date, expected_effect, follow_up_date)
				SELECT p.id, k, 'Åtgärd', CASE k WHEN 1 THEN '{safe}'::text[] ELSE '{achieving,included}' END, 'school', 'Mentor',
					p.created_at::date, 'Bättre närvaro', (p.created_at + interval '31 days')::date
				FROM plans p JOIN cases c ON c.id = p.case_id AND c.huvudman_id = $1 CROSS JOIN generate_series(1, 2) k`, func() []any { return []any{h} }},
			{`UPDATE plans p SET status = 'approved', decided_by = $2, decided_at = p.created_at + interval '3 days'
				FROM cases c WHERE c.id = p.case_id AND c.huvudman_id = $1`, func() []any { return []any{h, eht} }},
			{`UPDATE cases c SET status = 'active' FROM plans p WHERE p.case_id = c.id AND c.huvudman_id = $1`, func() []any { return []any{h} }},
			{`INSERT INTO followups (case_id, plan_id, held_on, period_from, period_to, next_date, created_by)
				SELECT p.case_id, p.id, (p.decided_at + k * interval '29 days')::date, p.decided_at::date, (p.decided_at + k * interval '29 days')::date,
					(p.decided_at + (k + 1) * interval '28 days')::date, $1
				FROM plans p JOIN bench_case b ON b.id = p.case_id CROSS JOIN generate_series(1, 2) k WHERE b.n % 10 BETWEEN 1 AND 4`,
				func() []any { return []any{eht} }},
			{`UPDATE cases c SET status = 'closed', closed_by = $1, closed_at = p.decided_at + interval '70 days',
					closure_reason = (ARRAY['attendance_restored', 'moved', 'other'])[1 + b.n % 3]
				FROM plans p JOIN bench_case b ON b.id = p.case_id WHERE p.case_id = c.id AND b.n % 10 BETWEEN 1 AND 2`, func() []any { return []any{eht} }},
			{`INSERT INTO escalations (case_id, kind, occurred_on, created_by)
				SELECT b.id, (ARRAY['report_of_concern', 'sip_requested', 'home_municipality_coordination'])[1 + b.n % 3], (b.opened_at + interval '10 days')::date, $1
				FROM bench_case b WHERE b.n % 5 = 0`, func() []any { return []any{eht} }},
			{`INSERT INTO wheel_assessments (case_id, occasion, assessed_on, child_participation, created_by)
				SELECT c.id, 'investigation', (c.investigation_started_at + interval '7 days')::date, 'meeting', $1
				FROM cases c WHERE c.huvudman_id = $2 AND c.investigation_started_at IS NOT NULL`, func() []any { return []any{eht, h} }},
			{`INSERT INTO wheel_ratings (assessment_id, domain, perspective, kind)
				SELECT a.id, d, 'child', 'concern' FROM wheel_assessments a JOIN cases c ON c.id = a.case_id AND c.huvudman_id = $1,
					unnest(CASE a.id % 3 WHEN 0 THEN '{safe,healthy}'::text[] WHEN 1 THEN '{included}' ELSE '{achieving,nurtured}' END) d`,
				func() []any { return []any{h} }},
		}
		if err := tx.GetContext(ctx, &h, `INSERT INTO huvudman (name, org_number, kind, municipality_code) VALUES ('Benchkommun', '212000-0099', 'municipal', '1999') RETURNING id`); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &admin, `INSERT INTO users (username, display_name, role, huvudman_id) VALUES ('bench.admin', 'Bench Admin', 'admin', $1) RETURNING id`, h); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &eht, `INSERT INTO users (username, display_name, role) VALUES ('bench.eht', 'Bench EHT', 'eht') RETURNING id`); err != nil {
			return err
		}
		for _, st := range steps {
			var args []any
			if st.args != nil {
				args = st.args()
			}
			t0 := time.Now()
			if _, err := tx.ExecContext(ctx, st.q, args...); err != nil {
				b.Fatalf("generate: %v\n%s", err, st.q)
			}
			if d := time.Since(t0); d > 2*time.Second {
				b.Logf("%s: %.60s", d.Round(time.Millisecond), st.q)
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	// What autovacuum does after a large import: statistics, hint bits and the visibility map.
	if _, err := db.ExecContext(ctx, `VACUUM ANALYZE`); err != nil {
		b.Fatal(err)
	}
	return admin
}

// BenchmarkPeriodReport is a school year's report for the whole generated municipality, as JSON
// and as PDF (the goal is under two seconds each).
func BenchmarkPeriodReport(b *testing.B) {
	if testing.Short() {
		b.Skip("generates 3.6 million attendance rows")
	}
	cfg, err := config.LoadFS(configs.FS, "", func(string) (string, bool) { return "", false })
	if err != nil {
		b.Fatal(err)
	}
	db := pgtest.New(b)
	start := time.Now()
	adminID := benchMunicipality(b, db)
	b.Logf("generated the municipality in %s", time.Since(start).Round(time.Second))
	s := postgres.NewStore(db, postgres.Settings{Wheel: cfg.Wheel, Deadlines: cfg.Deadlines, CaseNumber: cfg.CaseNumber})
	s.Now = func() time.Time { return time.Date(2026, 6, 15, 12, 0, 0, 0, postgres.Stockholm()) }
	admin := pgtest.Actor(b, db, adminID)
	ctx := context.Background()
	year := report.Params{From: narvaro.NewDate(2025, 8, 18), To: narvaro.NewDate(2026, 6, 12)}
	doc := cfg.Legal.Document("period_report")

	r, err := s.PeriodReport(ctx, admin, year, "json")
	if err != nil {
		b.Fatal(err)
	}
	var rows int
	db.Get(&rows, `SELECT count(*) FROM attendance_days`)
	b.Logf("students %d, attendance rows %d, signals %d, cases opened %d, plans compared %d", r.Students.N, rows, r.Signals.N, r.Cases.Opened.N, r.Effect.Overall.Plans.N)

	b.Run("json", func(b *testing.B) {
		for b.Loop() {
			r, err := s.PeriodReport(ctx, admin, year, "json")
			if err != nil {
				b.Fatal(err)
			}
			r.Publish(cfg.Statistics.SuppressBelow)
			if _, err := json.Marshal(r); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
	})
	b.Run("pdf", func(b *testing.B) {
		for b.Loop() {
			r, err := s.PeriodReport(ctx, admin, year, "pdf")
			if err != nil {
				b.Fatal(err)
			}
			r.Publish(cfg.Statistics.SuppressBelow)
			if _, err := report.PDF(r, report.PDFOptions{DocType: doc.Title.SV, LegalBasis: doc.LegalBasis, Author: admin.Name}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
	})
}
