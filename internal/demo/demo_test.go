package demo

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/narvaro/narvaro/internal/auth"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/pgtest"
)

// asOf is a Friday in the autumn term, after höstlov, with 64 school days behind it.
var asOf = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

func count(t *testing.T, db *sqlx.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.GetContext(t.Context(), &n, query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestSeedSmallDemo(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t).DB
	ctx := t.Context()

	empty, err := IsEmpty(ctx, db)
	if err != nil || !empty {
		t.Fatalf("IsEmpty before seeding = %v, %v; want true", empty, err)
	}
	res, err := Seed(ctx, db, Options{Students: 120, Today: asOf, Seed: 7})
	if err != nil {
		t.Fatalf("Seed: %v", err)
	}
	empty, err = IsEmpty(ctx, db)
	if err != nil || empty {
		t.Fatalf("IsEmpty after seeding = %v, %v; want false", empty, err)
	}

	t.Run("result matches the database", func(t *testing.T) {
		if res.Students != 120 || count(t, db, `SELECT count(*) FROM students`) != 120 {
			t.Errorf("Result.Students = %d, want 120 in both result and database", res.Students)
		}
		want := 120 * len(schoolDays(asOf))
		if got := count(t, db, `SELECT count(*) FROM attendance_days`); got != want || res.AttendanceRows != want {
			t.Errorf("attendance rows: database %d, result %d, want %d", got, res.AttendanceRows, want)
		}
		if got := count(t, db, `SELECT count(*) FROM users`); got != len(res.Users) {
			t.Errorf("%d users in the database, %d logins returned", got, len(res.Users))
		}
	})

	t.Run("personnummer are valid, unique, test numbers and fit the grade", func(t *testing.T) {
		var rows []struct {
			PNR   string `db:"personnummer"`
			Grade int    `db:"grade"`
		}
		if err := db.SelectContext(ctx, &rows, `SELECT personnummer, grade FROM students
			UNION ALL SELECT personnummer, -1 FROM guardians`); err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, r := range rows {
			p, err := narvaro.ParsePersonnummer(r.PNR, asOf)
			if err != nil || string(p) != r.PNR {
				t.Errorf("%s does not validate: %v", r.PNR, err)
			}
			if seen[r.PNR] {
				t.Errorf("%s occurs twice", r.PNR)
			}
			seen[r.PNR] = true
			if serial, _ := strconv.Atoi(r.PNR[9:12]); serial < 980 || serial > 999 {
				t.Errorf("%s: serial %d is outside the test range 980–999", r.PNR, serial)
			}
			if r.Grade >= 0 {
				if born, _ := strconv.Atoi(r.PNR[:4]); born != 2026-6-r.Grade {
					t.Errorf("%s in grade %d: born %d, want %d", r.PNR, r.Grade, born, 2026-6-r.Grade)
				}
			}
		}
	})

	t.Run("every student has guardian 1 and at most guardian 2", func(t *testing.T) {
		if n := count(t, db, `SELECT count(*) FROM students s WHERE NOT EXISTS
			(SELECT 1 FROM guardians g WHERE g.student_id = s.id AND g.position = 1)`); n != 0 {
			t.Errorf("%d students without guardian 1", n)
		}
		if n := count(t, db, `SELECT count(*) FROM guardians WHERE phone !~ '^070-174 06 [0-9]{2}$'
			OR email NOT LIKE '%@example.se'`); n != 0 {
			t.Errorf("%d guardians with a phone or e-mail outside the fictional ranges", n)
		}
	})

	t.Run("grades and classes fit each school", func(t *testing.T) {
		grades := map[string][2]int{
			"Björkskolan F–6": {0, 6}, "Ekskolan 7–9": {7, 9}, "Lindskolan F–9": {0, 9},
			"Åsens skola 4–9": {4, 9}, "Gläntans friskola F–9": {0, 9},
		}
		var rows []struct {
			School string `db:"school"`
			Grade  int    `db:"grade"`
			Class  string `db:"class_name"`
			Form   string `db:"school_form"`
		}
		if err := db.SelectContext(ctx, &rows, `SELECT sc.name AS school, s.grade, s.class_name, s.school_form
			FROM students s JOIN schools sc ON sc.id = s.school_id`); err != nil {
			t.Fatal(err)
		}
		perSchool := map[string]int{}
		for _, r := range rows {
			perSchool[r.School]++
			span, ok := grades[r.School]
			if !ok || r.Grade < span[0] || r.Grade > span[1] {
				t.Errorf("grade %d at %s", r.Grade, r.School)
			}
			prefix := strconv.Itoa(r.Grade)
			if r.Grade == 0 {
				prefix = "F"
			}
			if len(r.Class) != len(prefix)+1 || r.Class[:len(prefix)] != prefix {
				t.Errorf("class %q for grade %d", r.Class, r.Grade)
			}
			if (r.Grade == 0) != (r.Form == "fsk") || (r.Form != "fsk" && r.Form != "gr" && r.Form != "grsar") {
				t.Errorf("school form %q in grade %d", r.Form, r.Grade)
			}
		}
		for school := range grades {
			if perSchool[school] == 0 {
				t.Errorf("%s has no students", school)
			}
		}
	})

	t.Run("each student's mentor is a mentor at the student's school", func(t *testing.T) {
		if n := count(t, db, `SELECT count(*) FROM students s WHERE NOT EXISTS (
			SELECT 1 FROM users u JOIN user_schools us ON us.user_id = u.id
			WHERE u.id = s.mentor_id AND u.role = 'mentor' AND us.school_id = s.school_id)`); n != 0 {
			t.Errorf("%d students without a mentor at their school", n)
		}
	})

	t.Run("users are scoped: schools for staff, a huvudman for admins", func(t *testing.T) {
		if n := count(t, db, `SELECT count(*) FROM users u WHERE u.role <> 'admin'
			AND NOT EXISTS (SELECT 1 FROM user_schools us WHERE us.user_id = u.id)`); n != 0 {
			t.Errorf("%d non-admin users without a school", n)
		}
		if n := count(t, db, `SELECT count(*) FROM users u WHERE u.role = 'admin'
			AND EXISTS (SELECT 1 FROM user_schools us WHERE us.user_id = u.id)`); n != 0 {
			t.Errorf("%d admins scoped by school instead of huvudman", n)
		}
	})

	t.Run("every role exists at every huvudman", func(t *testing.T) {
		var have []string
		if err := db.SelectContext(ctx, &have, `
			SELECT h.kind || '/' || u.role FROM users u JOIN user_schools us ON us.user_id = u.id
				JOIN schools s ON s.id = us.school_id JOIN huvudman h ON h.id = s.huvudman_id
			UNION SELECT h.kind || '/' || u.role FROM users u JOIN huvudman h ON h.id = u.huvudman_id`); err != nil {
			t.Fatal(err)
		}
		for _, kind := range []string{"municipal", "independent"} {
			for _, role := range narvaro.Roles {
				if !slices.Contains(have, kind+"/"+string(role)) {
					t.Errorf("no %s at the %s huvudman", role, kind)
				}
			}
		}
	})

	t.Run("the README's logins exist with their roles and the demo password", func(t *testing.T) {
		want := map[string]narvaro.Role{
			"admin": narvaro.RoleAdmin, "rektor.bjork": narvaro.RoleRektor, "eht.bjork": narvaro.RoleEHT,
			"mentor.bjork": narvaro.RoleMentor, "rektor.ek": narvaro.RoleRektor, "rektor.lind": narvaro.RoleRektor,
			"rektor.asen": narvaro.RoleRektor, "rektor.glantan": narvaro.RoleRektor, "eht.glantan": narvaro.RoleEHT,
			"mentor.glantan": narvaro.RoleMentor, "admin.glantan": narvaro.RoleAdmin,
		}
		logins := map[string]Login{}
		for _, l := range res.Users {
			logins[l.Username] = l
		}
		for user, role := range want {
			l, ok := logins[user]
			if !ok || l.Role != string(role) || l.DisplayName == "" || l.Schools == "" {
				t.Errorf("login %s = %+v, want role %s with a name and schools", user, l, role)
			}
		}
		if n := count(t, db, `SELECT count(DISTINCT password_hash) FROM users`); n != 1 {
			t.Errorf("%d distinct password hashes, want one shared hash", n)
		}
		var hash string
		if err := db.GetContext(ctx, &hash, `SELECT password_hash FROM users WHERE username = 'rektor.bjork'`); err != nil {
			t.Fatal(err)
		}
		if ok, err := auth.CheckPassword(hash, DefaultPassword); !ok || err != nil {
			t.Errorf("the demo password does not sign in rektor.bjork: %v, %v", ok, err)
		}
	})

	t.Run("attendance rows are consistent school days of the term", func(t *testing.T) {
		if n := count(t, db, `SELECT count(*) FROM attendance_days
			WHERE offered_minutes <= 0 OR valid_absence_minutes + invalid_absence_minutes > offered_minutes`); n != 0 {
			t.Errorf("%d rows with no offered time or more absence than offered", n)
		}
		var days []time.Time
		if err := db.SelectContext(ctx, &days, `SELECT DISTINCT day FROM attendance_days ORDER BY day`); err != nil {
			t.Fatal(err)
		}
		for _, d := range days {
			_, week := d.ISOWeek()
			if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday || week == 44 ||
				d.Before(day("2026-08-17")) || !d.Before(asOf) {
				t.Errorf("attendance on %s, which is no school day before %s", d.Format("2006-01-02"), asOf.Format("2006-01-02"))
			}
		}
		if n := count(t, db, `SELECT count(DISTINCT n) FROM (SELECT count(*) AS n FROM attendance_days GROUP BY student_id) x`); n != 1 {
			t.Errorf("students have %d different numbers of days, want one row per school day each", n)
		}
	})

	t.Run("absence patterns give detection a believable minority", func(t *testing.T) {
		share := recentAbsenceShare(t, db, asOf)
		if share < 0.03 || share > 0.20 {
			t.Errorf("%.1f %% of students have ≥ 15 %% absence over the last four weeks, want 3–20 %%", 100*share)
		}
		overall := overallAbsence(t, db)
		if overall < 0.02 || overall > 0.10 {
			t.Errorf("overall absence %.1f %%, want a plausible 2–10 %%", 100*overall)
		}
		if longest := longestFullDayRun(t, db); longest < 10 {
			t.Errorf("longest run of whole days absent is %d school days, want a student away ≥ 2 weeks", longest)
		}
		t.Logf("≥ 15 %% over four weeks: %.1f %% of students; overall absence %.1f %%", 100*share, 100*overall)
	})

	t.Run("the independent school has students from another home municipality", func(t *testing.T) {
		if n := count(t, db, `SELECT count(*) FROM students s JOIN schools sc ON sc.id = s.school_id
			JOIN huvudman h ON h.id = sc.huvudman_id
			WHERE h.kind = 'independent' AND s.home_municipality_code <> h.municipality_code`); n == 0 {
			t.Error("no student at the independent school lives in another municipality")
		}
	})

	t.Run("three or four students have protected identity, with no guardian address", func(t *testing.T) {
		if n := count(t, db, `SELECT count(*) FROM students WHERE protected_identity`); n < 3 || n > 4 {
			t.Errorf("%d students with protected identity, want 3–4", n)
		}
		if n := count(t, db, `SELECT count(*) FROM guardians g JOIN students s ON s.id = g.student_id
			WHERE s.protected_identity AND g.address <> ''`); n != 0 {
			t.Errorf("%d guardians of protected students have an address", n)
		}
	})

	t.Run("names use Swedish letters", func(t *testing.T) {
		if n := count(t, db, `SELECT count(*) FROM students WHERE first_name || last_name ~ '[åäöÅÄÖ]'`); n == 0 {
			t.Error("no student name with å, ä or ö survived the round trip")
		}
	})

	t.Run("manual signals wait for rising-absence students", func(t *testing.T) {
		var signals []struct {
			Source      string   `db:"source"`
			Status      string   `db:"status"`
			Explanation string   `db:"explanation"`
			Percent     *float64 `db:"absence_percent"`
			SameSchool  bool     `db:"same_school"`
			ByMentor    bool     `db:"by_mentor"`
		}
		if err := db.SelectContext(ctx, &signals, `SELECT sg.source, sg.status, sg.explanation, sg.absence_percent,
				sg.school_id = s.school_id AS same_school,
				EXISTS (SELECT 1 FROM users u JOIN user_schools us ON us.user_id = u.id
					WHERE u.id = sg.raised_by AND u.role = 'mentor' AND us.school_id = s.school_id) AS by_mentor
			FROM signals sg JOIN students s ON s.id = sg.student_id`); err != nil {
			t.Fatal(err)
		}
		if len(signals) < 2 || len(signals) > 3 {
			t.Errorf("%d signals, want 2–3", len(signals))
		}
		for _, s := range signals {
			if s.Source != "manual" || s.Status != "open" || s.Explanation == "" || !s.SameSchool || !s.ByMentor ||
				s.Percent == nil || *s.Percent < 15 {
				t.Errorf("signal %+v: want an open manual signal with an explanation, raised by a mentor at the "+
					"student's school, for a student with rising absence", s)
			}
		}
	})

	t.Run("seeding a database that has data is refused", func(t *testing.T) {
		_, err := Seed(ctx, db, Options{Students: 10, Today: asOf, Seed: 8})
		var de *narvaro.Error
		if !errors.As(err, &de) || de.Code != narvaro.CodeConflict {
			t.Fatalf("second Seed: %v, want a conflict", err)
		}
		if n := count(t, db, `SELECT count(*) FROM students`); n != 120 {
			t.Errorf("%d students after the refused seed, want the 120 from before", n)
		}
	})
}

func TestSeedIsAllOrNothing(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	tests := []struct {
		name   string
		stage  string
		cancel bool
	}{
		{"context cancelled before attendance", "attendance", true},
		{"context cancelled before signals", "signals", true},
		{"failure just before commit", "commit", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := pgtest.New(t).DB
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			opts := Options{Students: 60, Today: asOf, Seed: 1, hook: func(_ context.Context, stage string) error {
				if stage != tt.stage {
					return nil
				}
				if tt.cancel {
					cancel()
					return nil
				}
				return boom
			}}
			if _, err := Seed(ctx, db, opts); err == nil {
				t.Fatal("Seed succeeded, want the forced failure")
			}
			empty, err := IsEmpty(t.Context(), db)
			if err != nil || !empty {
				t.Errorf("IsEmpty after the failed seed = %v, %v; want true", empty, err)
			}
			for _, table := range []string{"huvudman", "schools", "users", "user_schools", "students", "guardians",
				"attendance_days", "signals"} {
				if n := count(t, db, `SELECT count(*) FROM `+table); n != 0 {
					t.Errorf("%d rows left in %s", n, table)
				}
			}
		})
	}
}

func TestSeedIsDeterministic(t *testing.T) {
	t.Parallel()
	people := func(t *testing.T, seed int64) []string {
		db := pgtest.New(t).DB
		if _, err := Seed(t.Context(), db, Options{Students: 40, Today: asOf, Seed: seed}); err != nil {
			t.Fatalf("Seed(%d): %v", seed, err)
		}
		var out []string
		if err := db.SelectContext(t.Context(), &out, `SELECT s.personnummer || ' ' || s.first_name || ' ' || s.last_name
			|| ' ' || s.class_name || ' ' || (SELECT sum(valid_absence_minutes + invalid_absence_minutes)
			FROM attendance_days a WHERE a.student_id = s.id) FROM students s ORDER BY s.id`); err != nil {
			t.Fatal(err)
		}
		return out
	}
	a, b, c := people(t, 11), people(t, 11), people(t, 12)
	if !slices.Equal(a, b) {
		t.Errorf("the same seed gave different students:\n%v\n%v", a[:3], b[:3])
	}
	if slices.Equal(a, c) {
		t.Error("different seeds gave the same students")
	}
}

func TestSeedFullSizeDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("full-size seed skipped in -short mode")
	}
	t.Parallel()
	db := pgtest.New(t).DB
	// After the autumn term: a full term of daily attendance.
	today := time.Date(2026, 12, 21, 0, 0, 0, 0, time.UTC)
	start := time.Now()
	res, err := Seed(t.Context(), db, Options{Today: today, Seed: 2026})
	if err != nil {
		t.Fatalf("Seed: %v", err)
	}
	elapsed := time.Since(start)
	if res.Students != DefaultStudents {
		t.Errorf("%d students, want the default %d", res.Students, DefaultStudents)
	}
	share := recentAbsenceShare(t, db, today)
	if share < 0.03 || share > 0.20 {
		t.Errorf("%.1f %% of students have ≥ 15 %% absence over the last four weeks, want 3–20 %%", 100*share)
	}
	t.Logf("seeded %d students, %d attendance rows, %d users in %s (target < 15 s); ≥ 15 %% over four weeks: %.1f %%",
		res.Students, res.AttendanceRows, len(res.Users), elapsed.Round(time.Millisecond), 100*share)
}

// recentAbsenceShare is the share of students whose absence over the four weeks before today is
// at least 15 %, the common detection threshold.
func recentAbsenceShare(t *testing.T, db *sqlx.DB, today time.Time) float64 {
	t.Helper()
	var share float64
	if err := db.GetContext(t.Context(), &share, `SELECT avg((pct >= 15)::int) FROM (
		SELECT 100.0 * sum(valid_absence_minutes + invalid_absence_minutes) / sum(offered_minutes) AS pct
		FROM attendance_days WHERE day >= $1::date - 28 AND day < $1::date GROUP BY student_id) x`,
		today.Format("2006-01-02")); err != nil {
		t.Fatal(err)
	}
	return share
}

func overallAbsence(t *testing.T, db *sqlx.DB) float64 {
	t.Helper()
	var share float64
	if err := db.GetContext(t.Context(), &share, `SELECT sum(valid_absence_minutes + invalid_absence_minutes)::float8
		/ sum(offered_minutes) FROM attendance_days`); err != nil {
		t.Fatal(err)
	}
	return share
}

// longestFullDayRun is the longest run of consecutive school days any student missed entirely.
func longestFullDayRun(t *testing.T, db *sqlx.DB) int {
	t.Helper()
	var rows []struct {
		Student int64 `db:"student_id"`
		Whole   bool  `db:"whole"`
	}
	if err := db.SelectContext(t.Context(), &rows, `SELECT student_id,
		valid_absence_minutes + invalid_absence_minutes = offered_minutes AS whole
		FROM attendance_days ORDER BY student_id, day`); err != nil {
		t.Fatal(err)
	}
	longest, run := 0, 0
	for i, r := range rows {
		if i > 0 && rows[i-1].Student != r.Student {
			run = 0
		}
		if r.Whole {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}

func TestSeedWorksWhateverTheDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, today string
	}{
		{"third day of the autumn term", "2026-08-19"},
		{"spring term after sportlov and before påsk", "2027-03-10"},
		{"summer holiday shows the whole spring term", "2027-07-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := pgtest.New(t).DB
			today := day(tt.today)
			res, err := Seed(t.Context(), db, Options{Students: 50, Today: today, Seed: 3})
			if err != nil {
				t.Fatalf("Seed: %v", err)
			}
			days := schoolDays(today)
			if want := 50 * len(days); res.AttendanceRows != want || count(t, db, `SELECT count(*) FROM attendance_days`) != want {
				t.Errorf("%d attendance rows, want %d", res.AttendanceRows, want)
			}
			if n := count(t, db, `SELECT count(*) FROM attendance_days WHERE day < $1::date OR day >= $2::date`,
				termStart(today).Format("2006-01-02"), tt.today); n != 0 {
				t.Errorf("%d rows outside the term before %s", n, tt.today)
			}
		})
	}
}
