package postgres_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/narvaro/narvaro/internal/attendance"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/pgtest"
	"github.com/narvaro/narvaro/internal/postgres"
)

// The municipality of the benchmarks: 20,000 students, a school year of 180 days.
const (
	benchStudents = 20000
	benchDays     = 180
)

// benchSchoolDays are the year's 180 weekdays from 2025-08-18.
func benchSchoolDays() []time.Time {
	var out []time.Time
	for d := time.Date(2025, 8, 18, 0, 0, 0, 0, time.UTC); len(out) < benchDays; d = d.AddDate(0, 0, 1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			out = append(out, d)
		}
	}
	return out
}

// benchAbsence is a believable year: most students are seldom away, one in ten often, one in
// twenty a lot (and more of it invalid). It is a pure function of student and day so that the
// bare COPY and the import see the same rows.
func benchAbsence(student, day int) (offered, valid, invalid int) {
	offered = 300
	if day%5 == 4 {
		offered = 270
	}
	h := uint32(student*7919+day*104729) * 2654435761
	x := h % 1000
	switch {
	case student%20 == 0 && x < 250:
		return offered, offered / 2, offered / 4
	case student%10 == 1 && x < 120:
		return offered, offered / 3, 0
	case x < 40:
		return offered, offered, 0
	}
	return offered, 0, 0
}

// benchPnr is the n-th of a series of valid personnummer.
func benchPnr(n int) string {
	born := time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n%3000)
	nine := born.Format("060102") + fmt.Sprintf("%03d", n/3000)
	return born.Format("20060102") + "-" + nine[6:] + string(narvaro.LuhnDigit(nine))
}

// benchOrg adds a huvudman with 40 schools and n students; it returns the huvudman and the
// students' ids in the order of benchPnr.
func benchOrg(b *testing.B, db *postgres.DB, n int) (int64, []int64) {
	b.Helper()
	ctx := context.Background()
	var h int64
	var ids []int64
	err := db.Tx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &h, `INSERT INTO huvudman (name, org_number, kind, municipality_code) VALUES ('Benchkommun', '212000-0099', 'municipal', '1999') RETURNING id`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schools (huvudman_id, name, school_unit_code, municipality_code)
			SELECT $1, 'Skola ' || g, (30000000 + g)::text, '1999' FROM generate_series(1, 40) g`, h); err != nil {
			return err
		}
		var schools []int64
		if err := tx.SelectContext(ctx, &schools, `SELECT id FROM schools WHERE huvudman_id = $1 ORDER BY id`, h); err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, `COPY students (school_id, personnummer, first_name, last_name, home_municipality_code, school_form, grade) FROM STDIN`)
		if err != nil {
			return err
		}
		for i := range n {
			if _, err := stmt.ExecContext(ctx, schools[i%len(schools)], benchPnr(i), "Elev", fmt.Sprint("Nr ", i), "1999", "gr", i%10); err != nil {
				return err
			}
		}
		if _, err := stmt.ExecContext(ctx); err != nil {
			return err
		}
		if err := stmt.Close(); err != nil {
			return err
		}
		byPnr := map[string]int64{}
		rows, err := tx.QueryContext(ctx, `SELECT personnummer, id FROM students`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p string
			var id int64
			if err := rows.Scan(&p, &id); err != nil {
				return err
			}
			byPnr[p] = id
		}
		for i := range n {
			ids = append(ids, byPnr[benchPnr(i)])
		}
		return rows.Err()
	})
	if err != nil {
		b.Fatal(err)
	}
	return h, ids
}

// benchExportOrder is the students in personnummer order, as exports list them; their ids
// (creation order) follow another order, as in a real database.
func benchExportOrder(n int) []int {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return benchPnr(order[a]) < benchPnr(order[b]) })
	return order
}

// writeBenchCSV writes the year as a Skola24 day export, one student after the other (the
// usual export order, by personnummer), and returns its path and size.
func writeBenchCSV(b *testing.B, students int) (string, int64) {
	b.Helper()
	path := filepath.Join(b.TempDir(), "skola24-lasar.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("\ufeffPersonnummer;Förnamn;Efternamn;Klass;Datum;Schemalagd tid (min);Giltig frånvaro (min);Ogiltig frånvaro (min)\n")
	days := benchSchoolDays()
	for _, s := range benchExportOrder(students) {
		pnr := benchPnr(s)
		for d, day := range days {
			o, v, i := benchAbsence(s, d)
			fmt.Fprintf(w, "%s;Elev;Nr %d;%dA;%s;%d;%d;%d\n", pnr, s, s%10, day.Format("2006-01-02"), o, v, i)
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	info, _ := f.Stat()
	f.Close()
	return path, info.Size()
}

// bareCopy COPYs the same rows, already parsed, into a table without index or trigger: the
// fastest the database takes them in, the yardstick of the import. With withKey the table has
// attendance_days' primary key: what maintaining that index alone costs, the import's ceiling.
func bareCopy(b *testing.B, db *postgres.DB, ids []int64, withKey bool) time.Duration {
	b.Helper()
	ctx := context.Background()
	days := benchSchoolDays()
	start := time.Now()
	err := db.Tx(ctx, func(tx *sqlx.Tx) error {
		key := ""
		if withKey {
			key = ", PRIMARY KEY (student_id, day)"
		}
		if _, err := tx.ExecContext(ctx, `CREATE TABLE bench_bare_copy (student_id bigint, day date, offered_minutes integer,
			valid_absence_minutes integer, invalid_absence_minutes integer`+key+`)`); err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, `COPY bench_bare_copy FROM STDIN`)
		if err != nil {
			return err
		}
		dayText := make([]string, len(days))
		for i, d := range days {
			dayText[i] = d.Format("2006-01-02")
		}
		for _, s := range benchExportOrder(len(ids)) {
			id := ids[s]
			for d := range days {
				o, v, i := benchAbsence(s, d)
				if _, err := stmt.ExecContext(ctx, id, dayText[d], int64(o), int64(v), int64(i)); err != nil {
					return err
				}
			}
		}
		if _, err := stmt.ExecContext(ctx); err != nil {
			return err
		}
		return stmt.Close()
	})
	if err != nil {
		b.Fatal(err)
	}
	took := time.Since(start)
	if _, err := db.Exec(`DROP TABLE bench_bare_copy`); err != nil {
		b.Fatal(err)
	}
	return took
}

// peakHeap samples the heap in use while fn runs.
func peakHeap(fn func()) uint64 {
	var peak atomic.Uint64
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	fn()
	close(stop)
	wg.Wait()
	return peak.Load()
}

// BenchmarkAttendanceImport imports a municipality's school year of daily rows (3.6 million)
// from a CSV file, next to a bare COPY of the same rows, and reports both rates, their ratio
// (the goal is at least 50 %), a re-import of the same file, and the heap's peak (which must
// not grow with the file). The figures are the metrics; ns/op is the whole run.
func BenchmarkAttendanceImport(b *testing.B) {
	if testing.Short() {
		b.Skip("imports 3.6 million attendance rows")
	}
	db := pgtest.New(b)
	ctx := context.Background()
	h, ids := benchOrg(b, db, benchStudents)
	path, size := writeBenchCSV(b, benchStudents)
	rows := float64(benchStudents * benchDays)
	s := postgres.NewStore(db, postgres.Settings{})
	layout := attLayout(b, "skola24-dag")
	imp := func() *postgres.AttendanceImport {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		rec, err := s.ImportAttendance(ctx, nil, postgres.ImportInput{Layout: layout, FileName: "skola24-lasar.csv", HuvudmanID: h}, f)
		if err != nil {
			b.Fatal(err)
		}
		return rec
	}

	// The machine is shared, so each figure is the best of a few rounds, the bare COPY and the
	// import taking turns.
	const rounds = 3
	var bare, keyed, took, retook time.Duration
	var peak uint64
	for round := range rounds {
		if _, err := db.Exec(`TRUNCATE attendance_days; DELETE FROM attendance_imports`); err != nil {
			b.Fatal(err)
		}
		d0 := bareCopy(b, db, ids, false)
		dk := bareCopy(b, db, ids, true)
		runtime.GC()
		var rec *postgres.AttendanceImport
		start := time.Now()
		heap := peakHeap(func() { rec = imp() })
		d := time.Since(start)
		if rec.DaysInserted != benchStudents*benchDays {
			b.Fatalf("imported %d days, want %d", rec.DaysInserted, benchStudents*benchDays)
		}
		again := time.Now()
		rec2 := imp()
		d2 := time.Since(again)
		if rec2.DaysInserted != 0 || rec2.DaysUpdated != 0 || rec2.DaysRemoved != 0 {
			b.Fatalf("re-import changed %d/%d/%d days", rec2.DaysInserted, rec2.DaysUpdated, rec2.DaysRemoved)
		}
		if round == 0 || d0 < bare {
			bare = d0
		}
		if round == 0 || dk < keyed {
			keyed = dk
		}
		if round == 0 || d < took {
			took = d
		}
		if round == 0 || d2 < retook {
			retook = d2
		}
		peak = max(peak, heap)
		b.Logf("round %d: bare COPY %s, COPY with the primary key %s, import %s, re-import %s", round+1, d0.Round(time.Millisecond),
			dk.Round(time.Millisecond), d.Round(time.Millisecond), d2.Round(time.Millisecond))
	}
	b.ReportMetric(took.Seconds(), "import-s")
	b.ReportMetric(rows/bare.Seconds(), "bare-copy-rows/s")
	b.ReportMetric(rows/keyed.Seconds(), "keyed-copy-rows/s")
	b.ReportMetric(100*bare.Seconds()/keyed.Seconds(), "keyed-copy-%-of-bare")
	b.ReportMetric(rows/took.Seconds(), "import-rows/s")
	b.ReportMetric(100*bare.Seconds()/took.Seconds(), "import-%-of-bare")
	b.ReportMetric(rows/retook.Seconds(), "reimport-rows/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(size)/(1<<20), "file-MB")
	b.Logf("best of %d: bare COPY %s, COPY with the primary key %s (%.0f%% of bare), import %s (%.0f%% of bare), re-import of the same file %s; peak heap %d MB for a %d MB file",
		rounds, bare.Round(time.Millisecond), keyed.Round(time.Millisecond), 100*bare.Seconds()/keyed.Seconds(), took.Round(time.Millisecond),
		100*bare.Seconds()/took.Seconds(), retook.Round(time.Millisecond), peak>>20, size>>20)
}

// benchAttendanceSQL fills attendance_days for every student of the database with the same
// year as benchAbsence, in SQL (much faster than an import for 18 million rows), day after day
// as daily imports would leave them on disk.
func benchAttendanceSQL(b *testing.B, db *postgres.DB) {
	b.Helper()
	ctx := context.Background()
	steps := []string{
		`SET LOCAL work_mem = '1GB'`,
		`ALTER TABLE attendance_days DISABLE TRIGGER attendance_days_references_insert`,
		`ALTER TABLE attendance_days DROP CONSTRAINT attendance_days_pkey`,
		`INSERT INTO attendance_days (student_id, day, offered_minutes, valid_absence_minutes, invalid_absence_minutes)
		 SELECT s.id, d.day, o.offered,
			CASE WHEN s.n % 20 = 0 AND x < 250 THEN o.offered / 2 WHEN s.n % 10 = 1 AND x < 120 THEN o.offered / 3 WHEN x < 40 THEN o.offered ELSE 0 END,
			CASE WHEN s.n % 20 = 0 AND x < 250 THEN o.offered / 4 ELSE 0 END
		 FROM (SELECT day::date AS day, row_number() OVER (ORDER BY day) - 1 AS i
		       FROM generate_series('2025-08-18'::date, '2026-06-30'::date, interval '1 day') day
		       WHERE extract(isodow FROM day) < 6 ORDER BY day LIMIT 180) d
		 CROSS JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM students) s
		 CROSS JOIN LATERAL (SELECT CASE WHEN d.i % 5 = 4 THEN 270 ELSE 300 END AS offered,
			((((s.n * 7919 + d.i * 104729) * 2654435761) % 4294967296) % 1000) AS x) o
		 ORDER BY d.day, s.id`,
		`ALTER TABLE attendance_days ADD PRIMARY KEY (student_id, day)`,
		`ALTER TABLE attendance_days ENABLE TRIGGER attendance_days_references_insert`,
	}
	err := db.Tx(ctx, func(tx *sqlx.Tx) error {
		for _, q := range steps {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("%s: %w", q[:min(len(q), 60)], err)
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `VACUUM ANALYZE attendance_days`); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkDetection evaluates every student of a municipality with a school year of daily
// rows: 20,000 students (goal under 2 s) and 100,000 (goal under 10 s), as of the end of the
// autumn term, whose window (the term so far) is the longest the default rules read. The
// whole-year variant adds a 36-week rule, so every one of the 3.6 million rows is read.
// first-run-ms creates the signals; ns/op is a later run that finds them and changes nothing.
func BenchmarkDetection(b *testing.B) {
	if testing.Short() {
		b.Skip("generates up to 18 million attendance rows")
	}
	det := detectionConfig(b)
	year := det
	year.Default.Rules = append(append([]attendance.Rule{}, det.Default.Rules...),
		attendance.Rule{ID: "lasar", Kind: attendance.RollingPercent, Percent: 12, Weeks: 36, MinSchoolDays: 20})
	autumn, spring := narvaro.NewDate(2025, 12, 19), narvaro.NewDate(2026, 4, 24)
	for _, n := range []int{benchStudents, 100000} {
		b.Run(fmt.Sprintf("students=%d", n), func(b *testing.B) {
			db := pgtest.New(b)
			h, _ := benchOrg(b, db, n)
			start := time.Now()
			benchAttendanceSQL(b, db)
			b.Logf("generated %d students' year in %s", n, time.Since(start).Round(time.Second))
			s := postgres.NewStore(db, postgres.Settings{})
			b.Run("autumn-term", func(b *testing.B) {
				benchDetect(b, s, det, postgres.DetectionInput{HuvudmanID: h, AsOf: autumn})
			})
			if n == benchStudents {
				if _, err := db.Exec(`DELETE FROM signals`); err != nil {
					b.Fatal(err)
				}
				b.Run("whole-year", func(b *testing.B) {
					benchDetect(b, s, year, postgres.DetectionInput{HuvudmanID: h, AsOf: spring})
				})
			}
		})
	}
}

func benchDetect(b *testing.B, s *postgres.Store, det attendance.Detection, in postgres.DetectionInput) {
	ctx := context.Background()
	run := func() postgres.DetectionResult {
		res, err := s.RunDetection(ctx, nil, det, in)
		if err != nil {
			b.Fatal(err)
		}
		return res[0]
	}
	start := time.Now()
	first := run()
	firstTook := time.Since(start)
	b.ResetTimer()
	var again postgres.DetectionResult
	for b.Loop() {
		again = run()
	}
	b.StopTimer()
	if again.Created != 0 || again.Unchanged != first.Created {
		b.Fatalf("a second run changed something: %+v after %+v", again, first)
	}
	b.ReportMetric(float64(firstTook.Milliseconds()), "first-run-ms")
	b.ReportMetric(float64(first.Rows), "rows-read")
	b.ReportMetric(float64(first.Created), "signals")
	b.Logf("first run %s: %d students, %d rows from %s to %s, %d hits, %d signals", firstTook.Round(time.Millisecond), first.Students, first.Rows,
		first.From, first.AsOf, first.Hits, first.Created)
}
