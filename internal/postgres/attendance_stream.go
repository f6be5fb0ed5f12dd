package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"sort"
	"time"

	"github.com/narvaro/narvaro/internal/attendance"
	"github.com/narvaro/narvaro/internal/narvaro"
)

// importRun is one pass over a file: the row pipeline, the counts and the problems. It holds
// per-student bookkeeping (the ids, each student's days as bits) but never the rows themselves.
type importRun struct {
	layout      attendance.Layout
	skipBadRows bool
	today       narvaro.Date
	onProgress  func(ImportProgress)
	students    map[string]int64 // personnummer → id, the huvudman's students only

	counter *countingReader
	reader  *attendance.Reader

	rowsRead, rowsRejected, days int
	firstDay, lastDay            int32
	spans                        map[int64]*daySpan
	unknown                      map[string]*unknownStudent
	rowProblems                  []ImportProblem
	problems                     []ImportProblem
	finished                     bool

	lastPnr string
	lastID  int64

	lastReport time.Time

	direct   bool             // the rows went straight into attendance_days (see stage)
	dayTexts map[int32]string // dates as COPY reads them

	// set by merge
	inserted, updated, removed int
}

type unknownStudent struct {
	firstLine, lines int
}

func newImportRun(in ImportInput, students map[string]int64, today narvaro.Date) *importRun {
	return &importRun{layout: in.Layout, skipBadRows: in.SkipBadRows, today: today, onProgress: in.Progress, students: students,
		spans: map[int64]*daySpan{}, unknown: map[string]*unknownStudent{}}
}

// loadStudentKeys maps the personnummer of a huvudman's students to their ids. It is the only
// way a file's row reaches a student, so rows about anybody else are unknown students.
func loadStudentKeys(ctx context.Context, q queryer, huvudmanID int64) (map[string]int64, error) {
	rows, err := q.QueryxContext(ctx, `SELECT st.personnummer, st.id FROM students st JOIN schools sc ON sc.id = st.school_id
		WHERE sc.huvudman_id = $1`, huvudmanID)
	if err != nil {
		return nil, translate(fmt.Errorf("load students of huvudman %d: %w", huvudmanID, err))
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var pnr string
		var id int64
		if err := rows.Scan(&pnr, &id); err != nil {
			return nil, translate(err)
		}
		out[pnr] = id
	}
	return out, translate(rows.Err())
}

// open starts reading: the header is checked here. The returned source yields day rows of known
// students; bad lines and unknown students are recorded on the way.
func (run *importRun) open(file io.Reader) (attendance.RowSource, error) {
	run.counter = &countingReader{r: file, h: sha256.New()}
	rd, err := attendance.NewReader(run.counter, run.layout, attendance.WithToday(run.today.Time))
	if err != nil {
		return nil, err
	}
	run.reader = rd
	var src attendance.RowSource = &knownRows{run: run, src: rd}
	if run.layout.Granularity == "lesson" {
		src = attendance.MergeLessons(src)
	}
	return src, nil
}

// each reads src to the end, calling fn for every good day row of a known student. In a run
// that will be rejected anyway fn is no longer called, but reading goes on so that every
// problem is found.
func (run *importRun) each(src attendance.RowSource, fn func(studentID int64, r attendance.Row) error) error {
	for n := 0; ; n++ {
		row, err := src.Next()
		if err == io.EOF {
			run.progress("read")
			return nil
		}
		var rowErr *attendance.RowError
		if errors.As(err, &rowErr) {
			// Problems the lesson merger finds (a day summed from lessons that come back later).
			run.rowProblem(rowErr)
			continue
		}
		if err != nil {
			return err
		}
		id := run.lookup(row.Personnummer)
		d := dayNumber(row.Day)
		sp := run.spans[id]
		if sp == nil {
			sp = &daySpan{}
			run.spans[id] = sp
		}
		sp.add(d)
		if run.days == 0 || d < run.firstDay {
			run.firstDay = d
		}
		if run.days == 0 || d > run.lastDay {
			run.lastDay = d
		}
		run.days++
		if n%8192 == 0 {
			run.maybeReport()
		}
		if run.doomed() {
			continue
		}
		if err := fn(id, row); err != nil {
			return err
		}
	}
}

// doomed reports whether the file is already known to be rejected (a problem without
// skip_bad_rows), so that no more rows need to be written.
func (run *importRun) doomed() bool {
	return !run.skipBadRows && (len(run.rowProblems) > 0 || len(run.unknown) > 0 || run.rowsRejected > 0)
}

func (run *importRun) lookup(pnr string) int64 {
	if pnr == run.lastPnr && run.lastID != 0 {
		return run.lastID
	}
	id := run.students[pnr]
	run.lastPnr, run.lastID = pnr, id
	return id
}

func (run *importRun) rowProblem(e *attendance.RowError) {
	run.rowsRejected++
	if len(run.rowProblems) < MaxImportProblems {
		run.rowProblems = append(run.rowProblems, ImportProblem{Line: e.Line, Kind: ProblemRow, Message: e.Text()})
	}
}

// fileProblem records an error that concerns the whole file (a missing column, an empty file, a
// header that cannot be read) and reports whether err was one. The rest of the file is read so
// that the recorded SHA-256 is the whole file's.
func (run *importRun) fileProblem(err error) bool {
	var de *narvaro.Error
	if !errors.As(err, &de) || de.Code != narvaro.CodeInvalid {
		return false
	}
	msg := de.Message
	for _, f := range de.Fields {
		msg.SV += " " + f.Message.SV
		msg.EN += " " + f.Message.EN
	}
	run.rowProblems = append([]ImportProblem{{Line: 0, Kind: ProblemFile, Message: msg}}, run.rowProblems...)
	if run.counter != nil {
		_, _ = io.Copy(io.Discard, run.counter)
	}
	return true
}

// finish puts the problems in line order: bad lines and, once per unknown student, its first line.
func (run *importRun) finish() {
	if run.finished {
		return
	}
	run.finished = true
	unknown := make([]ImportProblem, 0, min(len(run.unknown), MaxImportProblems))
	for pnr, u := range run.unknown {
		masked := narvaro.Personnummer(pnr).Masked()
		unknown = append(unknown, ImportProblem{Line: u.firstLine, Kind: ProblemUnknownStudent, Message: narvaro.Text{
			SV: fmt.Sprintf("Rad %d: eleven med personnummer %s finns inte bland huvudmannens elever (%d rader i filen). Raderna importeras inte.", u.firstLine, masked, u.lines),
			EN: fmt.Sprintf("Line %d: the student with personal identity number %s is not one of the huvudman's students (%d lines in the file). The lines are not imported.", u.firstLine, masked, u.lines),
		}})
	}
	all := append(run.rowProblems, unknown...)
	sort.SliceStable(all, func(i, j int) bool { return all[i].Line < all[j].Line })
	if len(all) > MaxImportProblems {
		all = all[:MaxImportProblems]
	}
	run.problems = all
}

// rejected reports whether the file must be rejected whole: any problem without skip_bad_rows,
// or nothing at all to import.
func (run *importRun) rejected() bool {
	return run.days == 0 || (!run.skipBadRows && len(run.problems) > 0)
}

func (run *importRun) fill(rec *AttendanceImport, status string) {
	rec.Status = status
	rec.FileSHA256, rec.FileBytes = run.sha256(), run.bytes()
	rec.RowsRead, rec.RowsRejected, rec.UnknownStudents = run.rowsRead, run.rowsRejected, len(run.unknown)
	rec.RowsImported = max(0, run.rowsRead-run.rowsRejected)
	rec.Days, rec.DaysInserted, rec.DaysUpdated, rec.DaysRemoved = run.days, run.inserted, run.updated, run.removed
	rec.PeriodFrom, rec.PeriodTo = run.period()
	rec.Problems = run.problems
	if rec.Problems == nil {
		rec.Problems = ImportProblems{}
	}
}

func (run *importRun) period() (*narvaro.Date, *narvaro.Date) {
	if run.days == 0 {
		return nil, nil
	}
	from, to := narvaro.DateOf(dayDate(run.firstDay)), narvaro.DateOf(dayDate(run.lastDay))
	return &from, &to
}

func (run *importRun) sha256() string {
	if run.counter == nil {
		return ""
	}
	return hex.EncodeToString(run.counter.h.Sum(nil))
}

func (run *importRun) bytes() int64 {
	if run.counter == nil {
		return 0
	}
	return run.counter.n
}

func (run *importRun) maybeReport() {
	if run.onProgress == nil || time.Since(run.lastReport) < 100*time.Millisecond {
		return
	}
	run.progress("read")
}

func (run *importRun) progress(phase string) {
	if run.onProgress == nil {
		return
	}
	run.lastReport = time.Now()
	run.onProgress(ImportProgress{Phase: phase, Bytes: run.bytes(), Rows: run.rowsRead})
}

// knownRows passes on the rows of the huvudman's students; bad lines and other people's rows
// are recorded and dropped before any lesson merging, so that every line is counted once.
type knownRows struct {
	run *importRun
	src attendance.RowSource
}

func (k *knownRows) Next() (attendance.Row, error) {
	run := k.run
	for {
		row, err := k.src.Next()
		var rowErr *attendance.RowError
		if errors.As(err, &rowErr) {
			run.rowsRead++
			run.rowProblem(rowErr)
			continue
		}
		if err != nil {
			return row, err
		}
		run.rowsRead++
		if run.lookup(row.Personnummer) != 0 {
			return row, nil
		}
		run.rowsRejected++
		u := run.unknown[row.Personnummer]
		if u == nil {
			u = &unknownStudent{firstLine: row.Line}
			run.unknown[row.Personnummer] = u
		}
		u.lines++
	}
}

// countingReader hashes and counts the bytes the parser reads, so the SHA-256 is computed while
// streaming and a progress bar knows how far into the file the import is.
type countingReader struct {
	r io.Reader
	h hash.Hash
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.h.Write(p[:n])
		c.n += int64(n)
	}
	return n, err
}

// Days are numbered from 2000-01-01 in the staging tables: integers are cheaper than dates to
// send and to parse, for the database and for Go.
var dayEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

const dayEpochSQL = `DATE '2000-01-01'`

// dayNumber numbers a date at UTC midnight, the form of every attendance.Row and Day.
func dayNumber(t time.Time) int32 {
	return int32((t.Unix() - dayEpoch.Unix()) / 86400)
}

func dayDate(n int32) time.Time { return dayEpoch.AddDate(0, 0, int(n)) }

// daySpan is one student's days in the file: the first and last, and which ones in between.
type daySpan struct {
	first, last int32
	base        int32 // the day of bit 0
	bits        []uint64
}

func (s *daySpan) add(d int32) {
	if s.bits == nil {
		s.base, s.first, s.last = d, d, d
		s.bits = make([]uint64, 1, 4)
	}
	if d < s.base {
		s.rebase(d - 63)
	}
	i := d - s.base
	for int(i/64) >= len(s.bits) {
		s.bits = append(s.bits, 0)
	}
	s.bits[i/64] |= 1 << (i % 64)
	s.first, s.last = min(s.first, d), max(s.last, d)
}

// rebase moves bit 0 earlier; only a file out of date order needs it.
func (s *daySpan) rebase(base int32) {
	old, oldBase := s.bits, s.base
	s.bits, s.base = make([]uint64, (oldBase-base)/64+int32(len(old))+1), base
	for w, word := range old {
		for b := 0; b < 64; b++ {
			if word&(1<<b) != 0 {
				i := oldBase + int32(w*64+b) - base
				s.bits[i/64] |= 1 << (i % 64)
			}
		}
	}
}

func (s *daySpan) has(d int32) bool {
	i := d - s.base
	return i >= 0 && int(i/64) < len(s.bits) && s.bits[i/64]&(1<<(i%64)) != 0
}

// present is the span as PostgreSQL's get_bit reads a bytea: bit j (counted from the lowest bit
// of each byte) is day first+j.
func (s *daySpan) present() []byte {
	n := int(s.last-s.first) + 1
	out := make([]byte, (n+7)/8)
	for j := 0; j < n; j++ {
		if s.has(s.first + int32(j)) {
			out[j/8] |= 1 << (j % 8)
		}
	}
	return out
}
