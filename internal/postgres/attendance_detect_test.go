package postgres_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/narvaro/narvaro/configs"
	"github.com/narvaro/narvaro/internal/attendance"
	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/pgtest"
	"github.com/narvaro/narvaro/internal/postgres"
)

func detectionConfig(t testing.TB) attendance.Detection {
	t.Helper()
	d, err := attendance.LoadDetection(configs.FS, "detection.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// attWeekdays stores the same figures for every weekday from..to.
func attWeekdays(t testing.TB, db *postgres.DB, student int64, from, to string, offered, valid, invalid int) {
	t.Helper()
	if _, err := db.Exec(`INSERT INTO attendance_days (student_id, day, offered_minutes, valid_absence_minutes, invalid_absence_minutes)
		SELECT $1, d::date, $4, $5, $6 FROM generate_series($2::date, $3::date, interval '1 day') d WHERE extract(isodow FROM d) < 6
		ON CONFLICT (student_id, day) DO UPDATE SET offered_minutes = EXCLUDED.offered_minutes,
			valid_absence_minutes = EXCLUDED.valid_absence_minutes, invalid_absence_minutes = EXCLUDED.invalid_absence_minutes`,
		student, from, to, offered, valid, invalid); err != nil {
		t.Fatal(err)
	}
}

type storedSignal struct {
	ID          int64    `db:"id"`
	Status      string   `db:"status"`
	Source      string   `db:"source"`
	Rules       []string `db:"-"`
	RulesText   string   `db:"rules"`
	Explanation string   `db:"explanation"`
	Figures     string   `db:"figures"`
	Percent     *float64 `db:"absence_percent"`
	Version     int      `db:"version"`
}

func signalsOf(t testing.TB, db *postgres.DB, student int64) []storedSignal {
	t.Helper()
	var out []storedSignal
	if err := db.Select(&out, `SELECT id, status, source, array_to_string(rules, ',') AS rules, explanation, figures::text AS figures,
		absence_percent::float8 AS absence_percent, version FROM signals WHERE student_id = $1 ORDER BY id`, student); err != nil {
		t.Fatal(err)
	}
	for i := range out {
		out[i].Rules = strings.Split(out[i].RulesText, ",")
	}
	return out
}

func runDetection(t testing.TB, s *postgres.Store, a *narvaro.Actor, huvudman int64) postgres.DetectionResult {
	t.Helper()
	res, err := s.RunDetection(context.Background(), a, detectionConfig(t), postgres.DetectionInput{HuvudmanID: huvudman})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 {
		t.Fatalf("%d results, want 1", len(res))
	}
	return res[0]
}

// A student over the threshold gets one open detection signal with the rules that hit, a
// sentence in Swedish, the figures behind it and the headline absence; a student under it gets
// nothing.
func TestDetectionRaisesASignalWithItsExplanation(t *testing.T) {
	t.Parallel()
	s, org := newStore(t) // today is Monday 2026-10-05
	attWeekdays(t, s.DB, org.StudentA, "2026-08-17", "2026-09-04", 300, 0, 0)
	attWeekdays(t, s.DB, org.StudentA, "2026-09-07", "2026-10-02", 300, 45, 15) // 20 %, of which 5 invalid
	attWeekdays(t, s.DB, org.ProtectedA, "2026-08-17", "2026-10-02", 300, 6, 0) // 2 %

	res := runDetection(t, s, nil, org.HuvudmanA)
	if res.Students != 2 || res.Hits != 1 || res.Created != 1 || res.AsOf.String() != "2026-10-05" || res.From.After(narvaro.NewDate(2026, 8, 15).Time) {
		t.Fatalf("result = %+v", res)
	}
	sig := signalsOf(t, s.DB, org.StudentA)
	if len(sig) != 1 || sig[0].Status != "open" || sig[0].Source != "detection" || sig[0].Percent == nil || *sig[0].Percent != 20 {
		t.Fatalf("signals = %+v", sig)
	}
	if !strings.HasPrefix(sig[0].Explanation, "20 % frånvaro senaste 4 veckorna, varav 5 procentenheter ogiltig") {
		t.Errorf("explanation = %q", sig[0].Explanation)
	}
	if sig[0].Rules[0] != "franvaro-4-veckor" {
		t.Errorf("rules = %v", sig[0].Rules)
	}
	var fig struct {
		AsOf          string           `json:"as_of"`
		ExplanationEN string           `json:"explanation_en"`
		Hits          []attendance.Hit `json:"hits"`
	}
	if err := json.Unmarshal([]byte(sig[0].Figures), &fig); err != nil || fig.AsOf != "2026-10-05" || !strings.Contains(fig.ExplanationEN, "20% absence over the last 4 weeks") ||
		len(fig.Hits) != len(sig[0].Rules) || fig.Hits[0].Figures["percent"] != 20 {
		t.Errorf("figures = %s (%v)", sig[0].Figures, err)
	}
	if got := signalsOf(t, s.DB, org.ProtectedA); len(got) != 0 {
		t.Errorf("a student with 2 %% absence got %v", got)
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM audit_log WHERE entity = 'signal' AND action = 'create' AND student_id = $1 AND actor_name = 'system'`, org.StudentA); n != 1 {
		t.Errorf("%d audit rows for the new signal", n)
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM audit_log WHERE entity = 'detection_run'`); n != 1 {
		t.Errorf("%d audit rows for the run", n)
	}
	// The EHT sees it in the ordinary list.
	list, err := s.ListSignals(context.Background(), pgtest.Actor(t, s.DB, org.A.EHT), postgres.SignalFilter{})
	if err != nil || len(list) != 1 || list[0].StudentID != org.StudentA {
		t.Fatalf("EHT's signals = %+v, %v", list, err)
	}
}

// Running again keeps the one open signal: unchanged figures change nothing (not even the
// version a person's page holds), new figures update it in place.
func TestDetectionUpdatesTheOpenSignal(t *testing.T) {
	t.Parallel()
	s, org := newStore(t)
	attWeekdays(t, s.DB, org.StudentA, "2026-09-07", "2026-10-02", 300, 60, 0)
	runDetection(t, s, nil, org.HuvudmanA)
	first := signalsOf(t, s.DB, org.StudentA)

	res := runDetection(t, s, nil, org.HuvudmanA)
	if res.Created != 0 || res.Updated != 0 || res.Unchanged != 1 {
		t.Fatalf("second run = %+v", res)
	}
	if got := signalsOf(t, s.DB, org.StudentA); len(got) != 1 || got[0].Version != first[0].Version {
		t.Fatalf("after an unchanged run: %+v", got)
	}

	attWeekdays(t, s.DB, org.StudentA, "2026-09-28", "2026-10-02", 300, 300, 0)
	res = runDetection(t, s, nil, org.HuvudmanA)
	got := signalsOf(t, s.DB, org.StudentA)
	if res.Updated != 1 || res.Created != 0 || len(got) != 1 || got[0].ID != first[0].ID || got[0].Version != first[0].Version+1 ||
		got[0].Explanation == first[0].Explanation || *got[0].Percent <= *first[0].Percent {
		t.Fatalf("after more absence: %+v → %+v (%+v)", first, got, res)
	}
}

// A student with an open case gets no signal: the case already handles the absence.
func TestDetectionLeavesStudentsWithAnOpenCase(t *testing.T) {
	t.Parallel()
	s, org := newStore(t)
	ctx := context.Background()
	eht := pgtest.Actor(t, s.DB, org.A.EHT)
	if _, _, err := s.OpenCase(ctx, eht, cases.OpenInput{StudentID: org.StudentA, Description: "Upprepad frånvaro sedan september.",
		ConcernDomains: []string{"safe"}}, ""); err != nil {
		t.Fatal(err)
	}
	attWeekdays(t, s.DB, org.StudentA, "2026-09-07", "2026-10-02", 300, 150, 0)
	res := runDetection(t, s, nil, org.HuvudmanA)
	if res.Hits != 1 || res.Created != 0 || res.SkippedOpenCase != 1 {
		t.Fatalf("result = %+v", res)
	}
	if got := signalsOf(t, s.DB, org.StudentA); len(got) != 0 {
		t.Fatalf("signals = %+v", got)
	}
}

// An open manual signal is a person's: detection neither duplicates nor rewrites it.
func TestDetectionLeavesManualSignals(t *testing.T) {
	t.Parallel()
	s, org := newStore(t)
	ctx := context.Background()
	if _, err := s.RaiseSignal(ctx, pgtest.Actor(t, s.DB, org.A.Mentor), postgres.RaiseInput{StudentID: org.StudentA, Reason: "Verkar ledsen och kommer sent."}); err != nil {
		t.Fatal(err)
	}
	attWeekdays(t, s.DB, org.StudentA, "2026-09-07", "2026-10-02", 300, 150, 0)
	res := runDetection(t, s, nil, org.HuvudmanA)
	got := signalsOf(t, s.DB, org.StudentA)
	if res.SkippedManual != 1 || len(got) != 1 || got[0].Source != "manual" || !strings.Contains(got[0].Explanation, "Verkar ledsen") {
		t.Fatalf("result %+v, signals %+v", res, got)
	}
}

// A dismissed signal comes back only when absence has worsened by the configured points.
func TestDismissedSignalComesBackOnlyWhenWorse(t *testing.T) {
	t.Parallel()
	s, org := newStore(t)
	ctx := context.Background()
	eht := pgtest.Actor(t, s.DB, org.A.EHT)
	attWeekdays(t, s.DB, org.StudentA, "2026-09-07", "2026-10-02", 300, 60, 0) // 20 %
	runDetection(t, s, nil, org.HuvudmanA)
	sig := signalsOf(t, s.DB, org.StudentA)[0]
	if err := s.DismissSignal(ctx, eht, sig.ID, postgres.DismissInput{Reason: "Känd sjukdom, planerad operation", Version: sig.Version}); err != nil {
		t.Fatal(err)
	}

	// Slightly worse (22 %: less than 5 points): it stays dismissed.
	attWeekdays(t, s.DB, org.StudentA, "2026-09-28", "2026-09-29", 300, 90, 0)
	res := runDetection(t, s, nil, org.HuvudmanA)
	if res.Created != 0 || res.SkippedDismissed != 1 || len(signalsOf(t, s.DB, org.StudentA)) != 1 {
		t.Fatalf("slightly worse: %+v", res)
	}

	// Clearly worse (over 25 %): a new open signal.
	attWeekdays(t, s.DB, org.StudentA, "2026-09-21", "2026-10-02", 300, 120, 0)
	res = runDetection(t, s, nil, org.HuvudmanA)
	got := signalsOf(t, s.DB, org.StudentA)
	if res.Created != 1 || res.Returned != 1 || len(got) != 2 || got[0].Status != "dismissed" || got[1].Status != "open" {
		t.Fatalf("clearly worse: %+v, signals %+v", res, got)
	}
}

// Two runs for the same huvudman never overlap: a run that does not wait is told one is going on.
func TestDetectionRunsOneAtATimePerHuvudman(t *testing.T) {
	t.Parallel()
	s, org := newStore(t)
	ctx := context.Background()
	conn, err := s.DB.Connx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Hold the lock the way a running detection does.
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1, $2::int)`, 0x4e5602, org.HuvudmanA); err != nil {
		t.Fatal(err)
	}
	_, err = s.RunDetection(ctx, pgtest.Actor(t, s.DB, org.A.Admin), detectionConfig(t), postgres.DetectionInput{})
	if e := narvaro.AsError(err); e.Code != narvaro.CodeConflict || !strings.Contains(e.Message.SV, "körs redan") {
		t.Fatalf("while another run holds the lock: %v", err)
	}
	// Another huvudman is not held up.
	if _, err := s.RunDetection(ctx, pgtest.Actor(t, s.DB, org.B.Admin), detectionConfig(t), postgres.DetectionInput{}); err != nil {
		t.Fatalf("huvudman B: %v", err)
	}
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1, $2::int)`, 0x4e5602, org.HuvudmanA); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RunDetection(ctx, pgtest.Actor(t, s.DB, org.A.Admin), detectionConfig(t), postgres.DetectionInput{}); err != nil {
		t.Fatalf("after the other run: %v", err)
	}
}

// Who may run detection, and over whom: administrators over their huvudman, EHT and rektor over
// their schools, mentors not at all.
func TestDetectionScopes(t *testing.T) {
	t.Parallel()
	s, org := newStore(t)
	ctx := context.Background()
	schoolA2 := int64(0)
	if err := s.DB.Get(&schoolA2, `INSERT INTO schools (huvudman_id, name, school_unit_code, municipality_code) VALUES ($1, 'Gammaskolan', '10000003', '1999') RETURNING id`, org.HuvudmanA); err != nil {
		t.Fatal(err)
	}
	other := attStudent(t, s.DB, schoolA2, pnrSeq(t, 5))
	for _, st := range []int64{org.StudentA, other, org.StudentB} {
		attWeekdays(t, s.DB, st, "2026-09-07", "2026-10-02", 300, 150, 0)
	}
	det := detectionConfig(t)
	res, err := s.RunDetection(ctx, pgtest.Actor(t, s.DB, org.A.EHT), det, postgres.DetectionInput{})
	if err != nil || len(res) != 1 || res[0].HuvudmanID != org.HuvudmanA || res[0].Students != 1 || res[0].Created != 1 {
		t.Fatalf("EHT at school A: %+v, %v", res, err)
	}
	if len(signalsOf(t, s.DB, other)) != 0 {
		t.Fatal("the EHT's run reached another school")
	}
	if _, err := s.RunDetection(ctx, pgtest.Actor(t, s.DB, org.A.Mentor), det, postgres.DetectionInput{}); narvaro.ErrorCode(err) != narvaro.CodeForbidden {
		t.Fatalf("mentor: %v", err)
	}
	if _, err := s.RunDetection(ctx, pgtest.Actor(t, s.DB, org.B.Admin), det, postgres.DetectionInput{HuvudmanID: org.HuvudmanA}); narvaro.ErrorCode(err) != narvaro.CodeForbidden {
		t.Fatalf("admin B for huvudman A: %v", err)
	}
	res, err = s.RunDetection(ctx, pgtest.Actor(t, s.DB, org.A.Admin), det, postgres.DetectionInput{})
	if err != nil || res[0].Students != 2 || res[0].Created != 1 || res[0].Unchanged != 1 {
		t.Fatalf("admin A: %+v, %v", res, err)
	}
	if len(signalsOf(t, s.DB, org.StudentB)) != 0 {
		t.Fatal("admin A's run reached huvudman B")
	}
	// The system runs every huvudman.
	res, err = s.RunDetection(ctx, nil, det, postgres.DetectionInput{})
	if err != nil || len(res) != 2 || res[1].Created != 1 {
		t.Fatalf("system: %+v, %v", res, err)
	}
}

// An import runs detection for its huvudman once it has committed.
func TestImportRunsDetection(t *testing.T) {
	t.Parallel()
	s, org := newStore(t)
	p1 := pnrSeq(t, 1)
	st := attStudent(t, s.DB, org.SchoolA, p1)
	var lines []string
	for d := 7; d <= 30; d++ {
		day := narvaro.NewDate(2026, 9, d)
		if wd := day.Weekday(); wd == 0 || wd == 6 {
			continue
		}
		lines = append(lines, p1+";"+day.String()+";300;100;0")
	}
	det := detectionConfig(t)
	rec, err := s.ImportAttendance(context.Background(), pgtest.Actor(t, s.DB, org.A.Admin),
		postgres.ImportInput{Layout: attLayout(t, "skola24-dag"), FileName: "sept.csv", Detection: &det}, strings.NewReader(dayCSV(lines...)))
	if err != nil {
		t.Fatal(err)
	}
	if rec.Detection == nil || rec.Detection.Created != 1 || len(signalsOf(t, s.DB, st)) != 1 {
		t.Fatalf("detection after import: %+v", rec.Detection)
	}
}
