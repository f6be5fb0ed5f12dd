package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/narvaro/narvaro/internal/attendance"
	"github.com/narvaro/narvaro/internal/audit"
	"github.com/narvaro/narvaro/internal/auth"
	"github.com/narvaro/narvaro/internal/narvaro"
)

// Attendance import: an administrator's export from the school's registration system becomes
// attendance_days rows of their own huvudman's students.
//
// The file is read once, as a stream: attendance.Reader parses it (lesson layouts are summed per
// student and day by attendance.MergeLessons, which needs the usual export order of student, then
// day; a file in another order is rejected with the lines where a student's day comes back, never
// imported as partial days), each row's personnummer is looked up among the huvudman's students,
// and the rows are COPYed (see stage: straight into attendance_days for a huvudman's first import,
// else into a temporary staging table that one merge then writes), all in one transaction. The
// parser and COPY run in two goroutines. Memory does not grow with the file: only the
// per-student bookkeeping does (measured: 19 MB of heap for a 170 MB file of 3.6 million rows).
//
// Re-importing replaces: for every student in the file, the file is the truth for the days from
// the student's first to last date in it. Days in that stretch that the file lacks are removed,
// the others inserted or updated (unchanged days are left alone), so an overlapping period never
// duplicates and a corrected export corrects.

// MaxImportProblems is how many problems an import lists; the counts are always complete.
const MaxImportProblems = 1000

// ImportProblem is one thing wrong with a file: a bad line, a student the huvudman does not
// have, or (line 0) the file as a whole.
type ImportProblem struct {
	Line    int          `json:"line"`
	Kind    string       `json:"kind"` // row, unknown_student or file
	Message narvaro.Text `json:"message"`
}

// Problem kinds.
const (
	ProblemRow            = "row"
	ProblemUnknownStudent = "unknown_student"
	ProblemFile           = "file"
)

// ImportInput describes one import. The caller looks the layout up by name (see Layouts).
type ImportInput struct {
	Layout      attendance.Layout
	FileName    string
	SkipBadRows bool
	// HuvudmanID is for the system (a nil actor, e.g. the CLI); an administrator always imports
	// for their own huvudman.
	HuvudmanID int64
	// Progress, when set, is called now and then while the file is read, and once per phase.
	Progress func(ImportProgress)
	// Detection, when set, runs the detection rules for the huvudman once the import has
	// committed (an import is how new absence arrives).
	Detection *attendance.Detection
}

// ImportProgress tells a progress bar how far an import has come.
type ImportProgress struct {
	Phase string // "read" while the file is read, "merge" while the rows are written, "detect"
	Bytes int64  // bytes of the file read so far
	Rows  int    // data lines read so far
}

// AttendanceImport is a recorded import (or rejected attempt) with what it did.
type AttendanceImport struct {
	ID              int64            `json:"id" db:"id"`
	HuvudmanID      int64            `json:"huvudman_id" db:"huvudman_id"`
	ImportedBy      *int64           `json:"imported_by,omitempty" db:"imported_by"`
	ImportedByName  string           `json:"imported_by_name" db:"imported_by_name"`
	Status          string           `json:"status" db:"status"` // imported or rejected
	FileName        string           `json:"file_name" db:"file_name"`
	FileSHA256      string           `json:"file_sha256" db:"file_sha256"`
	FileBytes       int64            `json:"file_bytes" db:"file_bytes"`
	Layout          string           `json:"layout" db:"layout"`
	SkipBadRows     bool             `json:"skip_bad_rows" db:"skip_bad_rows"`
	RowsRead        int              `json:"rows_read" db:"rows_read"`
	RowsImported    int              `json:"rows_imported" db:"rows_imported"`
	RowsRejected    int              `json:"rows_rejected" db:"rows_rejected"`
	UnknownStudents int              `json:"unknown_students" db:"unknown_students"`
	Days            int              `json:"days" db:"days"`
	DaysInserted    int              `json:"days_inserted" db:"days_inserted"`
	DaysUpdated     int              `json:"days_updated" db:"days_updated"`
	DaysRemoved     int              `json:"days_removed" db:"days_removed"`
	PeriodFrom      *narvaro.Date    `json:"period_from,omitempty" db:"period_from"`
	PeriodTo        *narvaro.Date    `json:"period_to,omitempty" db:"period_to"`
	Problems        ImportProblems   `json:"problems" db:"problems"`
	CreatedAt       time.Time        `json:"created_at" db:"created_at"`
	Detection       *DetectionResult `json:"detection,omitempty" db:"-"`
}

// ImportProblems are an import's problems, stored as jsonb.
type ImportProblems []ImportProblem

func (p *ImportProblems) Scan(v any) error {
	var b []byte
	switch x := v.(type) {
	case []byte:
		b = x
	case string:
		b = []byte(x)
	case nil:
		*p = ImportProblems{}
		return nil
	default:
		return fmt.Errorf("problems: unexpected %T", v)
	}
	out := ImportProblems{}
	if err := json.Unmarshal(b, &out); err != nil {
		return fmt.Errorf("problems: %w", err)
	}
	*p = out
	return nil
}

// ImportPreview is what a file would import, computed over the whole file without writing.
type ImportPreview struct {
	Layout          string          `json:"layout"`
	Encoding        string          `json:"encoding"`
	Separator       string          `json:"separator"`
	FileSHA256      string          `json:"file_sha256"`
	FileBytes       int64           `json:"file_bytes"`
	Rows            []PreviewRow    `json:"rows"`
	RowsRead        int             `json:"rows_read"`
	RowsRejected    int             `json:"rows_rejected"`
	UnknownStudents int             `json:"unknown_students"`
	Students        int             `json:"students"`
	Days            int             `json:"days"`
	PeriodFrom      *narvaro.Date   `json:"period_from,omitempty"`
	PeriodTo        *narvaro.Date   `json:"period_to,omitempty"`
	Problems        []ImportProblem `json:"problems"`
	// Importable says whether committing would import anything: with skip_bad_rows, whether any
	// row is good; without, whether the file has no problem at all.
	Importable bool `json:"importable"`
}

// PreviewRow is one parsed day as it would be stored.
type PreviewRow struct {
	Line           int          `json:"line"`
	Personnummer   string       `json:"personnummer_masked"`
	StudentID      int64        `json:"student_id,omitempty"`
	StudentName    string       `json:"student_name"` // empty when unknown
	Date           narvaro.Date `json:"date"`
	OfferedMinutes int          `json:"offered_minutes"`
	ValidMinutes   int          `json:"valid_minutes"`
	InvalidMinutes int          `json:"invalid_minutes"`
}

// DefaultPreviewRows is how many rows a preview shows.
const DefaultPreviewRows = 20

// Layouts lists the configured layouts, sorted by name, for a choice in the UI.
func Layouts(all map[string]attendance.Layout) []LayoutInfo {
	out := make([]LayoutInfo, 0, len(all))
	for name, l := range all {
		out = append(out, LayoutInfo{Name: name, System: l.System, Label: l.Label, Granularity: l.Granularity, Unit: l.Unit})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// LayoutInfo describes a layout for a person choosing one.
type LayoutInfo struct {
	Name        string       `json:"name"`
	System      string       `json:"system"`
	Label       narvaro.Text `json:"label"`
	Granularity string       `json:"granularity"`
	Unit        string       `json:"unit"`
}

// LookupLayout finds a layout by name, or says which names there are.
func LookupLayout(all map[string]attendance.Layout, name string) (attendance.Layout, error) {
	if l, ok := all[strings.TrimSpace(name)]; ok {
		return l, nil
	}
	names := make([]string, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	sort.Strings(names)
	list := strings.Join(names, ", ")
	if strings.TrimSpace(name) == "" {
		return attendance.Layout{}, narvaro.Invalid("layout", "Välj en layout: "+list+".", "Choose a layout: "+list+".")
	}
	return attendance.Layout{}, narvaro.Invalid("layout",
		fmt.Sprintf("Layouten %q finns inte. Välj en av: %s.", name, list),
		fmt.Sprintf("There is no layout %q. Choose one of: %s.", name, list))
}

// importHuvudman decides whose students a file is matched against: the administrator's own
// huvudman, or for the system the one named.
func (s *Store) importHuvudman(ctx context.Context, a *narvaro.Actor, huvudmanID int64) (*narvaro.Huvudman, error) {
	if a != nil {
		if err := auth.Allow(a, auth.ImportAttendance); err != nil {
			return nil, err
		}
		if huvudmanID != 0 && huvudmanID != a.HuvudmanID {
			return nil, narvaro.Forbidden()
		}
		huvudmanID = a.HuvudmanID
	}
	if huvudmanID == 0 {
		return nil, narvaro.Invalid("huvudman", "Ange huvudman.", "Name the huvudman.")
	}
	h := &narvaro.Huvudman{}
	if err := s.DB.GetContext(ctx, h, `SELECT * FROM huvudman WHERE id = $1`, huvudmanID); err != nil {
		if isNoRows(err) {
			return nil, narvaro.NotFound("Huvudmannen", "The huvudman")
		}
		return nil, translate(fmt.Errorf("load huvudman %d: %w", huvudmanID, err))
	}
	return h, nil
}

// HuvudmanByOrgNumber finds a huvudman by organisation number in any common spelling
// (NNNNNN-NNNN, ten digits, or with the 16 prefix), for the command line.
func (s *Store) HuvudmanByOrgNumber(ctx context.Context, orgNumber string) (*narvaro.Huvudman, error) {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, orgNumber)
	if len(digits) == 12 && strings.HasPrefix(digits, "16") {
		digits = digits[2:]
	}
	h := &narvaro.Huvudman{}
	err := s.DB.GetContext(ctx, h, `SELECT * FROM huvudman WHERE regexp_replace(org_number, '[^0-9]', '', 'g') = $1`, digits)
	if isNoRows(err) || len(digits) != 10 {
		return nil, narvaro.NotFound(fmt.Sprintf("Huvudmannen med organisationsnummer %q", orgNumber),
			fmt.Sprintf("The huvudman with organisation number %q", orgNumber))
	}
	if err != nil {
		return nil, translate(fmt.Errorf("find huvudman %q: %w", orgNumber, err))
	}
	return h, nil
}

// ListHuvudman lists every huvudman, for the command line.
func (s *Store) ListHuvudman(ctx context.Context) ([]narvaro.Huvudman, error) {
	out := []narvaro.Huvudman{}
	err := s.DB.SelectContext(ctx, &out, `SELECT * FROM huvudman ORDER BY org_number`)
	return out, translate(err)
}

// PreviewAttendance reads the whole file as an import would, without writing anything: the
// first rows as they would be stored, the counts, and the problems.
func (s *Store) PreviewAttendance(ctx context.Context, a *narvaro.Actor, in ImportInput, file io.Reader, rows int) (*ImportPreview, error) {
	h, err := s.importHuvudman(ctx, a, in.HuvudmanID)
	if err != nil {
		return nil, err
	}
	if rows <= 0 {
		rows = DefaultPreviewRows
	}
	students, err := loadStudentKeys(ctx, s.DB, h.ID)
	if err != nil {
		return nil, err
	}
	run := newImportRun(in, students, s.today())
	p := &ImportPreview{Layout: in.Layout.Name, Rows: []PreviewRow{}}
	src, err := run.open(file)
	if err != nil {
		if run.fileProblem(err) {
			run.finish()
			return run.preview(p), nil
		}
		return nil, err
	}
	p.Encoding, p.Separator = run.reader.Encoding(), separatorName(run.reader.Separator())
	err = run.each(src, func(id int64, r attendance.Row) error {
		if len(p.Rows) < rows {
			p.Rows = append(p.Rows, PreviewRow{Line: r.Line, Personnummer: narvaro.Personnummer(r.Personnummer).Masked(), StudentID: id,
				Date: narvaro.DateOf(r.Day), OfferedMinutes: r.OfferedMinutes, ValidMinutes: r.ValidMinutes, InvalidMinutes: r.InvalidMinutes})
		}
		return nil
	})
	if err != nil && !run.fileProblem(err) {
		return nil, err
	}
	run.finish()
	if err := s.nameRows(ctx, p.Rows); err != nil {
		return nil, err
	}
	if err := s.DB.Audit(ctx, a, audit.Entry{Action: audit.Read, Entity: "attendance_import_preview",
		Detail: map[string]any{"huvudman_id": h.ID, "file_name": in.FileName, "layout": in.Layout.Name, "rows_read": run.rowsRead}}); err != nil {
		return nil, err
	}
	return run.preview(p), nil
}

// nameRows adds the students' names to preview rows (never for a protected identity).
func (s *Store) nameRows(ctx context.Context, rows []PreviewRow) error {
	ids := make([]int64, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.StudentID)
	}
	var names []struct {
		ID   int64  `db:"id"`
		Name string `db:"name"`
	}
	if err := s.DB.SelectContext(ctx, &names, `SELECT id, CASE WHEN protected_identity THEN 'Skyddad identitet'
		ELSE first_name || ' ' || last_name END AS name FROM students WHERE id = ANY($1)`, int64s(ids)); err != nil {
		return translate(fmt.Errorf("preview names: %w", err))
	}
	byID := make(map[int64]string, len(names))
	for _, n := range names {
		byID[n.ID] = n.Name
	}
	for i := range rows {
		rows[i].StudentName = byID[rows[i].StudentID]
	}
	return nil
}

func (run *importRun) preview(p *ImportPreview) *ImportPreview {
	p.FileSHA256, p.FileBytes = run.sha256(), run.bytes()
	p.RowsRead, p.RowsRejected, p.UnknownStudents = run.rowsRead, run.rowsRejected, len(run.unknown)
	p.Students, p.Days = len(run.spans), run.days
	p.PeriodFrom, p.PeriodTo = run.period()
	p.Problems = run.problems
	p.Importable = run.days > 0 && (run.skipBadRows || len(run.problems) == 0)
	return p
}

func separatorName(r rune) string {
	if r == '\t' {
		return "tab"
	}
	return string(r)
}

// errRejected ends the import transaction of a file that is rejected whole.
var errRejected = errors.New("attendance file rejected")

// ImportAttendance imports one file in one transaction, records it, and (when in.Detection is
// set) runs detection for the huvudman afterwards. A file with problems is rejected whole unless
// in.SkipBadRows is set, in which case the good rows are imported and the problems listed; a
// rejected file writes no attendance but is recorded as a rejected attempt.
func (s *Store) ImportAttendance(ctx context.Context, a *narvaro.Actor, in ImportInput, file io.Reader) (*AttendanceImport, error) {
	h, err := s.importHuvudman(ctx, a, in.HuvudmanID)
	if err != nil {
		return nil, err
	}
	students, err := loadStudentKeys(ctx, s.DB, h.ID)
	if err != nil {
		return nil, err
	}
	run := newImportRun(in, students, s.today())
	rec := &AttendanceImport{HuvudmanID: h.ID, FileName: importFileName(in.FileName), Layout: in.Layout.Name, SkipBadRows: in.SkipBadRows}
	if a != nil {
		rec.ImportedBy, rec.ImportedByName = &a.UserID, a.Name
	} else {
		rec.ImportedByName = "system"
	}
	err = s.DB.Tx(ctx, func(tx *sqlx.Tx) error {
		src, err := run.open(file)
		if err != nil {
			if run.fileProblem(err) {
				return errRejected
			}
			return err
		}
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1, $2::int)`, lockAttendanceImport, h.ID); err != nil {
			return fmt.Errorf("lock imports of huvudman %d: %w", h.ID, err)
		}
		if err := tx.GetContext(ctx, &rec.ID, `INSERT INTO attendance_imports (huvudman_id, imported_by, file_name, file_sha256, layout, skip_bad_rows, created_at)
			VALUES ($1, $2, $3, '', $4, $5, $6) RETURNING id`, h.ID, rec.ImportedBy, rec.FileName, rec.Layout, rec.SkipBadRows, s.Now()); err != nil {
			return fmt.Errorf("record import: %w", err)
		}
		if err := run.stage(ctx, tx, src, h.ID, rec.ID); err != nil {
			if run.fileProblem(err) {
				return errRejected
			}
			return err
		}
		run.finish()
		if run.rejected() {
			return errRejected
		}
		run.progress("merge")
		if err := run.merge(ctx, tx, rec.ID); err != nil {
			return err
		}
		run.fill(rec, "imported")
		if err := updateImportRecord(ctx, tx, rec); err != nil {
			return err
		}
		return writeAudit(ctx, tx, a, audit.Entry{Action: audit.Create, Entity: "attendance_import", EntityID: rec.ID,
			Detail: importAuditDetail(rec)})
	})
	if errors.Is(err, errRejected) {
		return nil, s.recordRejected(ctx, a, run, rec)
	}
	if err != nil {
		return nil, err
	}
	if in.Detection != nil {
		run.progress("detect")
		res, err := s.RunDetection(ctx, a, *in.Detection, DetectionInput{HuvudmanID: h.ID, Wait: true})
		if err != nil {
			return rec, fmt.Errorf("the import committed, but detection failed: %w", err)
		}
		if len(res) > 0 {
			rec.Detection = &res[0]
		}
	}
	return rec, nil
}

// recordRejected keeps a rejected attempt (who tried which file and why) and returns the error
// that lists the problems.
func (s *Store) recordRejected(ctx context.Context, a *narvaro.Actor, run *importRun, rec *AttendanceImport) error {
	run.finish()
	run.fill(rec, "rejected")
	rec.RowsImported, rec.Days, rec.DaysInserted, rec.DaysUpdated, rec.DaysRemoved = 0, 0, 0, 0, 0
	err := s.DB.Tx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &rec.ID, `INSERT INTO attendance_imports (huvudman_id, imported_by, file_name, file_sha256, layout, skip_bad_rows, created_at)
			VALUES ($1, $2, $3, '', $4, $5, $6) RETURNING id`, rec.HuvudmanID, rec.ImportedBy, rec.FileName, rec.Layout, rec.SkipBadRows, s.Now()); err != nil {
			return fmt.Errorf("record rejected import: %w", err)
		}
		if err := updateImportRecord(ctx, tx, rec); err != nil {
			return err
		}
		return writeAudit(ctx, tx, a, audit.Entry{Action: audit.Create, Entity: "attendance_import", EntityID: rec.ID,
			Detail: importAuditDetail(rec)})
	})
	if err != nil {
		return err
	}
	return rejectionError(rec)
}

// rejectionError says why nothing was imported, one field per problem ("line.12").
func rejectionError(rec *AttendanceImport) error {
	bad, unknown := rec.RowsRejected, rec.UnknownStudents
	var e *narvaro.Error
	switch {
	case rec.RowsRead == 0 && len(rec.Problems) > 0 && rec.Problems[0].Kind == ProblemFile:
		e = narvaro.Errorf(narvaro.CodeInvalid, "Filen importerades inte: "+rec.Problems[0].Message.SV,
			"The file was not imported: "+rec.Problems[0].Message.EN)
	case rec.SkipBadRows:
		e = narvaro.Errorf(narvaro.CodeInvalid,
			"Filen importerades inte: ingen rad i den kunde importeras. Kontrollera att layouten och huvudmannen stämmer.",
			"The file was not imported: none of its rows could be imported. Check that the layout and the huvudman are right.")
	default:
		e = narvaro.Errorf(narvaro.CodeInvalid,
			fmt.Sprintf("Filen importerades inte (inget sparades): %d rader har fel eller gäller elever som inte finns hos huvudmannen (%d elever). Rätta filen, eller välj att hoppa över felaktiga rader.", bad, unknown),
			fmt.Sprintf("The file was not imported (nothing was saved): %d lines have errors or concern students the huvudman does not have (%d students). Correct the file, or choose to skip bad rows.", bad, unknown))
	}
	for _, p := range rec.Problems {
		if p.Kind == ProblemFile && rec.RowsRead == 0 {
			continue
		}
		e.Fields = append(e.Fields, narvaro.FieldError{Field: fmt.Sprintf("line.%d", p.Line), Message: p.Message})
	}
	return e
}

func importFileName(name string) string {
	name = strings.TrimSpace(name)
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	if name == "" {
		return "(namnlös fil)"
	}
	if len(name) > 255 {
		name = name[:255]
	}
	return name
}

func importAuditDetail(rec *AttendanceImport) map[string]any {
	return map[string]any{"huvudman_id": rec.HuvudmanID, "status": rec.Status, "file_name": rec.FileName, "file_sha256": rec.FileSHA256,
		"layout": rec.Layout, "rows_read": rec.RowsRead, "rows_imported": rec.RowsImported, "rows_rejected": rec.RowsRejected,
		"unknown_students": rec.UnknownStudents, "days_inserted": rec.DaysInserted, "days_updated": rec.DaysUpdated, "days_removed": rec.DaysRemoved}
}

func updateImportRecord(ctx context.Context, tx *sqlx.Tx, rec *AttendanceImport) error {
	problems, err := json.Marshal(rec.Problems)
	if err != nil {
		return fmt.Errorf("import problems: %w", err)
	}
	err = tx.GetContext(ctx, &rec.CreatedAt, `UPDATE attendance_imports SET status = $2, file_sha256 = $3, file_bytes = $4, rows_read = $5,
		rows_imported = $6, rows_rejected = $7, unknown_students = $8, days = $9, days_inserted = $10, days_updated = $11,
		days_removed = $12, period_from = $13, period_to = $14, problems = $15 WHERE id = $1 RETURNING created_at`,
		rec.ID, rec.Status, rec.FileSHA256, rec.FileBytes, rec.RowsRead, rec.RowsImported, rec.RowsRejected, rec.UnknownStudents,
		rec.Days, rec.DaysInserted, rec.DaysUpdated, rec.DaysRemoved, rec.PeriodFrom, rec.PeriodTo, problems)
	if err != nil {
		return fmt.Errorf("update import record: %w", err)
	}
	return nil
}

const importColumns = `i.id, i.huvudman_id, i.imported_by, COALESCE(u.display_name, 'system') AS imported_by_name, i.status, i.file_name,
	i.file_sha256, i.file_bytes, i.layout, i.skip_bad_rows, i.rows_read, i.rows_imported, i.rows_rejected, i.unknown_students, i.days,
	i.days_inserted, i.days_updated, i.days_removed, i.period_from, i.period_to, i.problems, i.created_at`

// ListImports lists the administrator's huvudman's imports, newest first. The problems are left
// out of the list (GetImport has them).
func (s *Store) ListImports(ctx context.Context, a *narvaro.Actor, limit int) ([]AttendanceImport, error) {
	if err := auth.Allow(a, auth.ImportAttendance); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	out := []AttendanceImport{}
	err := s.DB.SelectContext(ctx, &out, `SELECT `+strings.Replace(importColumns, "i.problems", "'[]'::jsonb AS problems", 1)+`
		FROM attendance_imports i LEFT JOIN users u ON u.id = i.imported_by
		WHERE i.huvudman_id = $1 ORDER BY i.created_at DESC, i.id DESC LIMIT $2`, a.HuvudmanID, limit)
	if err != nil {
		return nil, translate(fmt.Errorf("list imports: %w", err))
	}
	return out, nil
}

// GetImport reads one import of the administrator's huvudman with its problems.
func (s *Store) GetImport(ctx context.Context, a *narvaro.Actor, id int64) (*AttendanceImport, error) {
	if err := auth.Allow(a, auth.ImportAttendance); err != nil {
		return nil, err
	}
	rec := &AttendanceImport{}
	err := s.DB.GetContext(ctx, rec, `SELECT `+importColumns+` FROM attendance_imports i LEFT JOIN users u ON u.id = i.imported_by
		WHERE i.id = $1 AND i.huvudman_id = $2`, id, a.HuvudmanID)
	if isNoRows(err) {
		return nil, narvaro.NotFound("Importen", "The import")
	}
	if err != nil {
		return nil, translate(fmt.Errorf("get import %d: %w", id, err))
	}
	return rec, nil
}
