package postgres_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/narvaro/narvaro/configs"
	"github.com/narvaro/narvaro/internal/attendance"
	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/pgtest"
	"github.com/narvaro/narvaro/internal/postgres"
)

func attLayouts(t testing.TB) map[string]attendance.Layout {
	t.Helper()
	sub, err := fsSub("attendance-layouts")
	if err != nil {
		t.Fatal(err)
	}
	all, err := attendance.LoadLayouts(sub)
	if err != nil {
		t.Fatal(err)
	}
	return all
}

func attLayout(t testing.TB, name string) attendance.Layout {
	t.Helper()
	l, err := postgres.LookupLayout(attLayouts(t), name)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// attStudent adds a student with the given personnummer at a school.
func attStudent(t testing.TB, db *postgres.DB, school int64, pnr string) int64 {
	t.Helper()
	var id int64
	if err := db.Get(&id, `INSERT INTO students (school_id, personnummer, first_name, last_name, home_municipality_code, school_form, grade)
		VALUES ($1, $2, 'Elev', $2, '1999', 'gr', 7) RETURNING id`, school, pnr); err != nil {
		t.Fatalf("student %s: %v", pnr, err)
	}
	return id
}

// pnrSeq makes valid, distinct personnummer born in 2012.
func pnrSeq(t testing.TB, n int) string {
	return pgtest.Pnr(t, fmt.Sprintf("12%02d%02d", 1+n/28%12, 1+n%28), n/336)
}

// dayCSV is a skola24-dag file: one line per entry "pnr;date;offered;valid;invalid".
func dayCSV(lines ...string) string {
	return "Personnummer;Datum;Schemalagd tid (min);Giltig frånvaro (min);Ogiltig frånvaro (min)\n" + strings.Join(lines, "\n") + "\n"
}

type storedDay struct {
	Day     string `db:"day"`
	Offered int    `db:"offered_minutes"`
	Valid   int    `db:"valid_absence_minutes"`
	Invalid int    `db:"invalid_absence_minutes"`
}

func storedDays(t testing.TB, db *postgres.DB, student int64) []storedDay {
	t.Helper()
	var out []storedDay
	if err := db.Select(&out, `SELECT to_char(day, 'YYYY-MM-DD') AS day, offered_minutes, valid_absence_minutes, invalid_absence_minutes
		FROM attendance_days WHERE student_id = $1 ORDER BY day`, student); err != nil {
		t.Fatal(err)
	}
	return out
}

func countRows(t testing.TB, db *postgres.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.Get(&n, q, args...); err != nil {
		t.Fatal(err)
	}
	return n
}

// Every shipped sample file imports: each of its students gets the file's days, and the import
// is recorded with the file's SHA-256 and audited.
func TestImportShippedSampleFiles(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("../attendance/testdata/*.csv")
	if len(files) < 6 {
		t.Fatalf("found %d sample files", len(files))
	}
	for _, path := range files {
		name := strings.TrimSuffix(filepath.Base(path), ".csv")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s, org := newStore(t)
			ctx := context.Background()
			layout := attLayout(t, name)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			// What the file holds, read by the parser alone.
			want := map[string][]attendance.Row{}
			days := 0
			rd, err := attendance.NewReader(bytes.NewReader(data), layout, attendance.WithToday(s.Now()))
			if err != nil {
				t.Fatal(err)
			}
			var src attendance.RowSource = rd
			if layout.Granularity == "lesson" {
				src = attendance.MergeLessons(rd)
			}
			for {
				r, err := src.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("the sample file has a bad row: %v", err)
				}
				want[r.Personnummer] = append(want[r.Personnummer], r)
				days++
			}
			ids := map[string]int64{}
			for pnr := range want {
				ids[pnr] = attStudent(t, s.DB, org.SchoolA, pnr)
			}
			admin := pgtest.Actor(t, s.DB, org.A.Admin)
			rec, err := s.ImportAttendance(ctx, admin, postgres.ImportInput{Layout: layout, FileName: "/home/x/" + name + ".csv"}, bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(data)
			if rec.Status != "imported" || rec.Days != days || rec.DaysInserted != days || rec.DaysUpdated != 0 || rec.RowsRejected != 0 ||
				rec.UnknownStudents != 0 || rec.FileSHA256 != hex.EncodeToString(sum[:]) || rec.FileBytes != int64(len(data)) ||
				rec.FileName != name+".csv" || rec.Layout != name || len(rec.Problems) != 0 {
				t.Fatalf("import record = %+v, want %d days", rec, days)
			}
			for pnr, rows := range want {
				got := storedDays(t, s.DB, ids[pnr])
				if len(got) != len(rows) {
					t.Fatalf("%s: stored %d days, want %d", pnr, len(got), len(rows))
				}
				for i, r := range rows {
					if w := (storedDay{r.Day.Format("2006-01-02"), r.OfferedMinutes, r.ValidMinutes, r.InvalidMinutes}); got[i] != w {
						t.Errorf("%s day %d = %+v, want %+v", pnr, i, got[i], w)
					}
				}
			}
			if n := countRows(t, s.DB, `SELECT count(*) FROM attendance_days WHERE import_id = $1`, rec.ID); n != days {
				t.Errorf("%d days carry the import's id, want %d", n, days)
			}
			if n := countRows(t, s.DB, `SELECT count(*) FROM audit_log WHERE entity = 'attendance_import' AND entity_id = $1 AND actor_id = $2`, rec.ID, admin.UserID); n != 1 {
				t.Errorf("%d audit rows for the import, want 1", n)
			}
			list, err := s.ListImports(ctx, admin, 0)
			if err != nil || len(list) != 1 || list[0].ID != rec.ID || list[0].ImportedByName != admin.Name || list[0].Days != days {
				t.Fatalf("history = %+v, %v", list, err)
			}
		})
	}
}

// A second file over an overlapping period replaces the first one's days for its students:
// changed days are updated, days it lacks inside a student's stretch removed, new days added,
// and days outside the stretch kept. Nothing is ever duplicated.
func TestReimportReplacesOverlappingPeriod(t *testing.T) {
	t.Parallel()
	s, org := newStore(t)
	ctx := context.Background()
	admin := pgtest.Actor(t, s.DB, org.A.Admin)
	p1, p2 := pnrSeq(t, 1), pnrSeq(t, 2)
	st1, st2 := attStudent(t, s.DB, org.SchoolA, p1), attStudent(t, s.DB, org.SchoolA, p2)
	layout := attLayout(t, "skola24-dag")
	first := dayCSV(
		p1+";2026-09-14;300;0;0", p1+";2026-09-15;300;0;0", p1+";2026-09-16;300;0;0", p1+";2026-09-17;300;0;0",
		p2+";2026-09-14;300;0;0", p2+";2026-09-15;300;0;0")
	rec, err := s.ImportAttendance(ctx, admin, postgres.ImportInput{Layout: layout, FileName: "v1.csv"}, strings.NewReader(first))
	if err != nil || rec.DaysInserted != 6 {
		t.Fatalf("first import: %+v, %v", rec, err)
	}
	// p1: 09-15 unchanged, 09-16 corrected, 09-17 gone from the export, 09-18 new; 09-14 lies
	// outside p1's stretch in this file and stays. p2 is not in the file at all.
	second := dayCSV(p1+";2026-09-15;300;0;0", p1+";2026-09-16;300;120;0", p1+";2026-09-18;300;0;300")
	rec, err = s.ImportAttendance(ctx, admin, postgres.ImportInput{Layout: layout, FileName: "v2.csv"}, strings.NewReader(second))
	if err != nil {
		t.Fatal(err)
	}
	if rec.Days != 3 || rec.DaysInserted != 1 || rec.DaysUpdated != 1 || rec.DaysRemoved != 1 {
		t.Fatalf("second import: days %d, inserted %d, updated %d, removed %d; want 3, 1, 1, 1", rec.Days, rec.DaysInserted, rec.DaysUpdated, rec.DaysRemoved)
	}
	want := []storedDay{{"2026-09-14", 300, 0, 0}, {"2026-09-15", 300, 0, 0}, {"2026-09-16", 300, 120, 0}, {"2026-09-18", 300, 0, 300}}
	if got := storedDays(t, s.DB, st1); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("after re-import: %v, want %v", got, want)
	}
	if got := storedDays(t, s.DB, st2); len(got) != 2 {
		t.Fatalf("a student not in the second file lost days: %v", got)
	}
	// The very same file again changes nothing.
	rec, err = s.ImportAttendance(ctx, admin, postgres.ImportInput{Layout: layout, FileName: "v2.csv"}, strings.NewReader(second))
	if err != nil || rec.DaysInserted != 0 || rec.DaysUpdated != 0 || rec.DaysRemoved != 0 {
		t.Fatalf("identical re-import: %+v, %v", rec, err)
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM attendance_days`); n != 6 {
		t.Fatalf("%d stored days, want 6", n)
	}
	// A rejected correction leaves the stored days as they were.
	bad := dayCSV(p1+";2026-09-15;300;0;0", p1+";2026-09-16;300;900;0", p2+";2026-09-14;300;300;0")
	if _, err := s.ImportAttendance(ctx, admin, postgres.ImportInput{Layout: layout, FileName: "v3.csv"}, strings.NewReader(bad)); narvaro.ErrorCode(err) != narvaro.CodeInvalid {
		t.Fatalf("a bad correction: %v", err)
	}
	if got := storedDays(t, s.DB, st1); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("after a rejected correction: %v, want %v", got, want)
	}
	if got := storedDays(t, s.DB, st2); got[0].Valid != 0 {
		t.Fatalf("a rejected file changed %v", got)
	}
}

// A file with bad lines is rejected whole by default: the error names every line with a
// reason in Swedish and English, no attendance is written, and the rejected attempt is kept.
func TestBadFileIsRejectedWhole(t *testing.T) {
	t.Parallel()
	s, org := newStore(t)
	ctx := context.Background()
	admin := pgtest.Actor(t, s.DB, org.A.Admin)
	p1 := pnrSeq(t, 1)
	attStudent(t, s.DB, org.SchoolA, p1)
	file := dayCSV(
		p1+";2026-09-14;300;0;0",
		p1+";2026-09-15;300;200;200", // absence beyond the offered time
		p1+";2026-13-01;300;0;0",     // no such date
		p1+";2026-09-17;-5;0;0",      // negative
		p1+";2026-09-18;300;0;0",
		p1+";2026-09-18;300;0;0", // duplicate day
	)
	_, err := s.ImportAttendance(ctx, admin, postgres.ImportInput{Layout: attLayout(t, "skola24-dag"), FileName: "fel.csv"}, strings.NewReader(file))
	e := narvaro.AsError(err)
	if e.Code != narvaro.CodeInvalid || !strings.Contains(e.Message.SV, "inget sparades") || !strings.Contains(e.Message.EN, "nothing was saved") {
		t.Fatalf("error = %v, want the file rejected", err)
	}
	lines := map[string]narvaro.Text{}
	for _, f := range e.Fields {
		lines[f.Field] = f.Message
	}
	for _, line := range []string{"line.3", "line.4", "line.5", "line.7"} {
		m, ok := lines[line]
		if !ok || !strings.HasPrefix(m.SV, "Rad ") || !strings.HasPrefix(m.EN, "Line ") {
			t.Errorf("%s: %+v, want a reason in both languages (all: %v)", line, m, lines)
		}
	}
	if len(lines) != 4 {
		t.Errorf("problems = %v, want exactly lines 3, 4, 5 and 7", lines)
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM attendance_days`); n != 0 {
		t.Fatalf("%d days written from a rejected file", n)
	}
	list, err := s.ListImports(ctx, admin, 0)
	if err != nil || len(list) != 1 || list[0].Status != "rejected" || list[0].RowsRejected != 4 || list[0].RowsImported != 0 || list[0].RowsRead != 6 {
		t.Fatalf("history = %+v, %v; want one rejected attempt with 4 bad lines", list, err)
	}
	rec, err := s.GetImport(ctx, admin, list[0].ID)
	if err != nil || len(rec.Problems) != 4 || rec.Problems[0].Line != 3 || rec.Problems[0].Kind != postgres.ProblemRow {
		t.Fatalf("recorded problems = %+v, %v", rec, err)
	}
}

// With skip_bad_rows the good lines are imported and the bad ones listed.
func TestSkipBadRowsImportsTheGoodOnes(t *testing.T) {
	t.Parallel()
	s, org := newStore(t)
	ctx := context.Background()
	admin := pgtest.Actor(t, s.DB, org.A.Admin)
	p1 := pnrSeq(t, 1)
	st := attStudent(t, s.DB, org.SchoolA, p1)
	file := dayCSV(p1+";2026-09-14;300;0;0", p1+";2026-09-15;300;200;200", p1+";2026-09-16;300;0;30", "inte-ett-personnummer;2026-09-17;300;0;0")
	rec, err := s.ImportAttendance(ctx, admin, postgres.ImportInput{Layout: attLayout(t, "skola24-dag"), FileName: "delvis.csv", SkipBadRows: true},
		strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if rec.Status != "imported" || rec.RowsRead != 4 || rec.RowsImported != 2 || rec.RowsRejected != 2 || rec.Days != 2 || len(rec.Problems) != 2 ||
		rec.Problems[0].Line != 3 || rec.Problems[1].Line != 5 || !rec.SkipBadRows {
		t.Fatalf("record = %+v", rec)
	}
	if got := storedDays(t, s.DB, st); len(got) != 2 || got[1] != (storedDay{"2026-09-16", 300, 0, 30}) {
		t.Fatalf("stored = %v", got)
	}
	if rec.PeriodFrom.String() != "2026-09-14" || rec.PeriodTo.String() != "2026-09-16" {
		t.Errorf("period %s – %s", rec.PeriodFrom, rec.PeriodTo)
	}
}

// Rows about students the huvudman does not have are reported once per student with the first
// line, never invented; another huvudman's student counts as unknown and is never touched.
func TestUnknownStudentsAreReportedNotInvented(t *testing.T) {
	t.Parallel()
	s, org := newStore(t)
	ctx := context.Background()
	admin := pgtest.Actor(t, s.DB, org.A.Admin)
	var pnrA, pnrB string
	s.DB.Get(&pnrA, `SELECT personnummer FROM students WHERE id = $1`, org.StudentA)
	s.DB.Get(&pnrB, `SELECT personnummer FROM students WHERE id = $1`, org.StudentB)
	if _, err := s.DB.Exec(`INSERT INTO attendance_days (student_id, day, offered_minutes, valid_absence_minutes) VALUES ($1, '2026-09-14', 300, 10)`, org.StudentB); err != nil {
		t.Fatal(err)
	}
	stranger := pnrSeq(t, 7)
	file := dayCSV(pnrA+";2026-09-14;300;0;0", stranger+";2026-09-14;300;0;0", pnrB+";2026-09-14;300;300;0", stranger+";2026-09-15;300;0;0", pnrA+";2026-09-15;300;0;0")
	layout := attLayout(t, "skola24-dag")

	_, err := s.ImportAttendance(ctx, admin, postgres.ImportInput{Layout: layout, FileName: "a.csv"}, strings.NewReader(file))
	e := narvaro.AsError(err)
	if e.Code != narvaro.CodeInvalid || len(e.Fields) != 2 || e.Fields[0].Field != "line.3" || e.Fields[1].Field != "line.4" ||
		!strings.Contains(e.Fields[0].Message.SV, "finns inte bland huvudmannens elever (2 rader") || strings.Contains(e.Fields[0].Message.SV, stranger) {
		t.Fatalf("strict import with unknown students: %v %+v", err, e.Fields)
	}

	rec, err := s.ImportAttendance(ctx, admin, postgres.ImportInput{Layout: layout, FileName: "a.csv", SkipBadRows: true}, strings.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	if rec.UnknownStudents != 2 || rec.RowsRejected != 3 || rec.Days != 2 || len(rec.Problems) != 2 || rec.Problems[0].Kind != postgres.ProblemUnknownStudent {
		t.Fatalf("record = %+v", rec)
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM students WHERE personnummer = $1`, stranger); n != 0 {
		t.Fatal("an unknown student was created")
	}
	if got := storedDays(t, s.DB, org.StudentB); len(got) != 1 || got[0].Valid != 10 {
		t.Fatalf("huvudman B's student was touched by A's import: %v", got)
	}
	if got := storedDays(t, s.DB, org.StudentA); len(got) != 2 {
		t.Fatalf("A's own student: %v", got)
	}
}

// Empty files and files without the layout's columns are rejected with a clear message.
func TestEmptyAndWrongFilesAreRejected(t *testing.T) {
	t.Parallel()
	s, org := newStore(t)
	ctx := context.Background()
	admin := pgtest.Actor(t, s.DB, org.A.Admin)
	layout := attLayout(t, "skola24-dag")
	for _, c := range []struct{ name, file, sv string }{
		{"empty", "", "tom"},
		{"header only", dayCSV(), "tom"},
		{"other export", "Namn;Klass\nAlva;6A\n", "saknar kolumner"},
	} {
		_, err := s.ImportAttendance(ctx, admin, postgres.ImportInput{Layout: layout, FileName: c.name}, strings.NewReader(c.file))
		if e := narvaro.AsError(err); e.Code != narvaro.CodeInvalid || !strings.Contains(e.Message.SV, c.sv) || !strings.Contains(e.Message.SV, "importerades inte") {
			t.Errorf("%s: %v, want invalid mentioning %q", c.name, err, c.sv)
		}
	}
	list, _ := s.ListImports(ctx, admin, 0)
	if len(list) != 3 || list[0].Status != "rejected" {
		t.Fatalf("history = %+v, want three rejected attempts", list)
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM attendance_days`); n != 0 {
		t.Fatalf("%d days written", n)
	}
}

// A lesson export out of student-and-day order cannot be summed while streaming; it is
// rejected with the line where a day comes back, never imported as partial days.
func TestUnsortedLessonFileIsRejected(t *testing.T) {
	t.Parallel()
	s, org := newStore(t)
	ctx := context.Background()
	admin := pgtest.Actor(t, s.DB, org.A.Admin)
	p1 := pnrSeq(t, 1)
	attStudent(t, s.DB, org.SchoolA, p1)
	file := "Personnummer;Datum;Lektionstid (min);Frånvaro (min);Frånvarotyp\n" +
		p1 + ";2026-09-14;60;0;\n" + p1 + ";2026-09-15;60;0;\n" + p1 + ";2026-09-14;60;60;Giltig\n"
	_, err := s.ImportAttendance(ctx, admin, postgres.ImportInput{Layout: attLayout(t, "skola24-lektion"), FileName: "l.csv"}, strings.NewReader(file))
	if e := narvaro.AsError(err); e.Code != narvaro.CodeInvalid || len(e.Fields) != 1 || e.Fields[0].Field != "line.4" {
		t.Fatalf("unsorted lessons: %v %+v", err, e.Fields)
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM attendance_days`); n != 0 {
		t.Fatalf("%d days written", n)
	}
}

// The preview parses the whole file and shows the first rows with the students' names, but
// writes nothing (except the audit row of the read).
func TestPreviewWritesNothing(t *testing.T) {
	t.Parallel()
	s, org := newStore(t)
	ctx := context.Background()
	admin := pgtest.Actor(t, s.DB, org.A.Admin)
	var lines []string
	for i := range 30 {
		p := pnrSeq(t, i)
		attStudent(t, s.DB, org.SchoolA, p)
		lines = append(lines, p+";2026-09-14;300;0;0", p+";2026-09-15;300;60;0")
	}
	lines = append(lines, pnrSeq(t, 99)+";2026-09-14;300;0;0", pnrSeq(t, 1)+";2026-09-16;300;400;0")
	p, err := s.PreviewAttendance(ctx, admin, postgres.ImportInput{Layout: attLayout(t, "skola24-dag"), FileName: "f.csv"}, strings.NewReader(dayCSV(lines...)), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Rows) != postgres.DefaultPreviewRows || p.Rows[0].Line != 2 || p.Rows[0].StudentName == "" || !strings.HasSuffix(p.Rows[0].Personnummer, "****") ||
		p.RowsRead != 62 || p.Days != 60 || p.Students != 30 || p.UnknownStudents != 1 || p.RowsRejected != 2 || len(p.Problems) != 2 ||
		p.Importable || p.Encoding != "utf-8" || p.Separator != ";" || p.PeriodFrom.String() != "2026-09-14" {
		t.Fatalf("preview = %+v", p)
	}
	p, err = s.PreviewAttendance(ctx, admin, postgres.ImportInput{Layout: attLayout(t, "skola24-dag"), SkipBadRows: true}, strings.NewReader(dayCSV(lines...)), 5)
	if err != nil || len(p.Rows) != 5 || !p.Importable {
		t.Fatalf("preview with skip_bad_rows: %+v, %v", p, err)
	}
	if n := countRows(t, s.DB, `SELECT (SELECT count(*) FROM attendance_days) + (SELECT count(*) FROM attendance_imports)`); n != 0 {
		t.Fatalf("the preview wrote %d rows", n)
	}
}

// Only administrators import, and only for their own huvudman; the system names the huvudman.
func TestImportPermissions(t *testing.T) {
	t.Parallel()
	s, org := newStore(t)
	ctx := context.Background()
	layout := attLayout(t, "skola24-dag")
	file := dayCSV()
	for _, c := range []struct {
		name string
		a    *narvaro.Actor
		in   postgres.ImportInput
		want narvaro.Code
	}{
		{"EHT", pgtest.Actor(t, s.DB, org.A.EHT), postgres.ImportInput{Layout: layout}, narvaro.CodeForbidden},
		{"rektor", pgtest.Actor(t, s.DB, org.A.Rektor), postgres.ImportInput{Layout: layout}, narvaro.CodeForbidden},
		{"admin B into A", pgtest.Actor(t, s.DB, org.B.Admin), postgres.ImportInput{Layout: layout, HuvudmanID: org.HuvudmanA}, narvaro.CodeForbidden},
		{"system without huvudman", nil, postgres.ImportInput{Layout: layout}, narvaro.CodeInvalid},
		{"system, no such huvudman", nil, postgres.ImportInput{Layout: layout, HuvudmanID: 999999}, narvaro.CodeNotFound},
	} {
		if _, err := s.ImportAttendance(ctx, c.a, c.in, strings.NewReader(file)); narvaro.ErrorCode(err) != c.want {
			t.Errorf("%s import: %v, want %s", c.name, err, c.want)
		}
		if _, err := s.PreviewAttendance(ctx, c.a, c.in, strings.NewReader(file), 0); narvaro.ErrorCode(err) != c.want {
			t.Errorf("%s preview: %v, want %s", c.name, err, c.want)
		}
	}
	if _, err := s.ListImports(ctx, pgtest.Actor(t, s.DB, org.A.EHT), 0); narvaro.ErrorCode(err) != narvaro.CodeForbidden {
		t.Errorf("EHT listing imports: %v", err)
	}
	// The system imports for the huvudman it names; the record says "system".
	p1 := pnrSeq(t, 1)
	attStudent(t, s.DB, org.SchoolA, p1)
	rec, err := s.ImportAttendance(ctx, nil, postgres.ImportInput{Layout: layout, HuvudmanID: org.HuvudmanA, FileName: "cli.csv"},
		strings.NewReader(dayCSV(p1+";2026-09-14;300;0;0")))
	if err != nil || rec.ImportedBy != nil || rec.ImportedByName != "system" {
		t.Fatalf("system import: %+v, %v", rec, err)
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM audit_log WHERE entity = 'attendance_import' AND actor_id IS NULL AND actor_name = 'system'`); n != 1 {
		t.Fatalf("%d system audit rows", n)
	}
	// Admin B's history does not show A's import.
	if list, _ := s.ListImports(ctx, pgtest.Actor(t, s.DB, org.B.Admin), 0); len(list) != 0 {
		t.Fatalf("B sees %d of A's imports", len(list))
	}
	if _, err := s.GetImport(ctx, pgtest.Actor(t, s.DB, org.B.Admin), rec.ID); narvaro.ErrorCode(err) != narvaro.CodeNotFound {
		t.Fatalf("B reading A's import: %v", err)
	}
}

func TestLookupLayoutNamesTheChoices(t *testing.T) {
	t.Parallel()
	_, err := postgres.LookupLayout(attLayouts(t), "excel")
	if e := narvaro.AsError(err); e.Code != narvaro.CodeInvalid || !strings.Contains(e.Fields[0].Message.SV, "skola24-dag") {
		t.Fatalf("unknown layout: %v", err)
	}
	if infos := postgres.Layouts(attLayouts(t)); len(infos) < 6 || infos[0].Label.SV == "" {
		t.Fatalf("layouts = %+v", infos)
	}
}

// The statement-level checks of migration 00002 keep the guarantees of the foreign keys they
// replace: a day must name a student and an import that exist, deleting a student deletes the
// student's days, and an import that days refer to cannot be deleted.
func TestAttendanceReferencesAreEnforced(t *testing.T) {
	t.Parallel()
	s, org := newStore(t)
	ctx := context.Background()
	_, err := s.DB.ExecContext(ctx, `INSERT INTO attendance_days (student_id, day, offered_minutes) VALUES ($1, '2026-09-14', 300), (987654, '2026-09-14', 300)`, org.StudentA)
	if err == nil || !strings.Contains(err.Error(), "attendance_days_student_id_fkey") {
		t.Fatalf("a day of a student that does not exist: %v", err)
	}
	if _, err := s.DB.ExecContext(ctx, `INSERT INTO attendance_days (student_id, day, offered_minutes, import_id) VALUES ($1, '2026-09-14', 300, 4242)`, org.StudentA); err == nil ||
		!strings.Contains(err.Error(), "attendance_days_import_id_fkey") {
		t.Fatalf("a day of an import that does not exist: %v", err)
	}
	var importID int64
	if err := s.DB.GetContext(ctx, &importID, `INSERT INTO attendance_imports (huvudman_id, file_name, file_sha256, layout) VALUES ($1, 'x', 'y', 'z') RETURNING id`, org.HuvudmanA); err != nil {
		t.Fatal(err)
	}
	id := attStudent(t, s.DB, org.SchoolA, pnrSeq(t, 3))
	if _, err := s.DB.ExecContext(ctx, `INSERT INTO attendance_days (student_id, day, offered_minutes, import_id) VALUES ($1, '2026-09-14', 300, $2), ($3, '2026-09-14', 300, $2)`,
		id, importID, org.StudentA); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.ExecContext(ctx, `UPDATE attendance_days SET student_id = 987654 WHERE student_id = $1`, id); err == nil {
		t.Fatal("a day was moved to a student that does not exist")
	}
	if _, err := s.DB.ExecContext(ctx, `DELETE FROM attendance_imports WHERE id = $1`, importID); err == nil || !strings.Contains(err.Error(), "attendance_days_import_id_fkey") {
		t.Fatalf("deleting an import days refer to: %v", err)
	}
	if _, err := s.DB.ExecContext(ctx, `TRUNCATE attendance_imports`); err == nil {
		t.Fatal("truncating imports that days refer to")
	}
	if _, err := s.DB.ExecContext(ctx, `DELETE FROM students WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM attendance_days WHERE student_id = $1`, id); n != 0 {
		t.Fatalf("deleting a student left %d days", n)
	}
	if n := countRows(t, s.DB, `SELECT count(*) FROM attendance_days WHERE student_id = $1`, org.StudentA); n != 1 {
		t.Fatalf("another student's day went too: %d left", n)
	}
	// Through the store the same violation is the domain's invalid-input error.
	err = s.DB.Tx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO attendance_days (student_id, day, offered_minutes) VALUES (987654, '2026-09-20', 300)`)
		return err
	})
	if narvaro.ErrorCode(err) != narvaro.CodeInvalid || errors.Is(err, context.Canceled) {
		t.Fatalf("translated: %v", err)
	}
}

func fsSub(dir string) (fs.FS, error) { return fs.Sub(configs.FS, dir) }

// genCSV streams a skola24-dag file of students × days without holding it.
type genCSV struct {
	pnrs    []string
	days    int
	i       int
	buf     []byte
	written int64
}

func (g *genCSV) Read(p []byte) (int, error) {
	for len(g.buf) == 0 {
		if g.i == 0 {
			g.buf = append(g.buf, "Personnummer;Datum;Schemalagd tid (min);Giltig frånvaro (min);Ogiltig frånvaro (min)\n"...)
		}
		if g.i >= len(g.pnrs)*g.days {
			return 0, io.EOF
		}
		s, d := g.i/g.days, g.i%g.days
		g.buf = fmt.Appendf(g.buf, "%s;%s;300;%d;0\n", g.pnrs[s], time.Date(2025, 8, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d).Format(time.DateOnly), d%7*10)
		g.i++
	}
	n := copy(p, g.buf)
	g.buf = g.buf[n:]
	g.written += int64(n)
	return n, nil
}

// Reading a file keeps per-student bookkeeping only: the heap does not grow with the rows.
func TestImportReadingMemoryIsFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 800,000 rows")
	}
	s, org := newStore(t)
	var pnrs []string
	for i := range 2000 {
		pnrs = append(pnrs, benchPnr(i))
	}
	if _, err := s.DB.Exec(`INSERT INTO students (school_id, personnummer, first_name, last_name, home_municipality_code, school_form, grade)
		SELECT $1, p, 'Elev', 'X', '1999', 'gr', 5 FROM unnest($2::text[]) p`, org.SchoolA, pq.StringArray(pnrs)); err != nil {
		t.Fatal(err)
	}
	g := &genCSV{pnrs: pnrs, days: 400}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	done, peaked := make(chan struct{}), make(chan uint64)
	go func() {
		var m runtime.MemStats
		var peak uint64
		for {
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
			select {
			case <-done:
				peaked <- peak
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	p, err := s.PreviewAttendance(context.Background(), pgtest.Actor(t, s.DB, org.A.Admin), postgres.ImportInput{Layout: attLayout(t, "skola24-dag")}, g, 0)
	close(done)
	peak := <-peaked
	if err != nil {
		t.Fatal(err)
	}
	if p.Days != 800000 || p.Students != 2000 {
		t.Fatalf("preview = %d days, %d students", p.Days, p.Students)
	}
	grew := int64(peak) - int64(before.HeapInuse)
	if grew > 16<<20 {
		t.Fatalf("the heap grew by %d MB reading a %d MB file", grew>>20, g.written>>20)
	}
	t.Logf("the heap grew by %.1f MB reading a %d MB file", float64(grew)/(1<<20), g.written>>20)
}
