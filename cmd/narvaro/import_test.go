package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/narvaro/narvaro/internal/narvaro"
)

// The command line imports as the system for the huvudman named, runs detection afterwards,
// and saves nothing on a dry run or a rejected file.
func TestCmdImportAndDetect(t *testing.T) {
	ctx, db, org := newCmdWorld(t)
	var pnr string
	if err := db.Get(&pnr, `SELECT personnummer FROM students WHERE id = $1`, org.StudentA); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("Personnummer;Datum;Schemalagd tid (min);Giltig frånvaro (min);Ogiltig frånvaro (min)\n")
	for d := 7; d <= 25; d++ {
		if wd := narvaro.NewDate(2026, 9, d).Weekday(); wd != 0 && wd != 6 {
			fmt.Fprintf(&b, "%s;2026-09-%02d;300;120;0\n", pnr, d)
		}
	}
	path := filepath.Join(t.TempDir(), "export.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	days := func() int {
		var n int
		db.Get(&n, `SELECT count(*) FROM attendance_days`)
		return n
	}

	if err := cmdImport(ctx, []string{"attendance", path, "-layout", "skola24-dag"}); narvaro.ErrorCode(err) != narvaro.CodeInvalid {
		t.Errorf("two huvudmän without -huvudman: %v", err)
	}
	if err := cmdImport(ctx, []string{"attendance", path, "-layout", "excel", "-huvudman", "212000-0001"}); narvaro.ErrorCode(err) != narvaro.CodeInvalid {
		t.Errorf("unknown layout: %v", err)
	}
	if err := cmdImport(ctx, []string{"attendance", "-huvudman", "2120000001", path, "-layout", "skola24-dag", "-dry-run"}); err != nil {
		t.Fatal(err)
	}
	if days() != 0 {
		t.Fatal("a dry run saved days")
	}
	if err := cmdImport(ctx, []string{"attendance", path, "-layout", "skola24-dag", "-huvudman", "556000-0002"}); narvaro.ErrorCode(err) != narvaro.CodeInvalid {
		t.Errorf("huvudman B has no such student: %v", err)
	}
	if err := cmdImport(ctx, []string{"attendance", path, "-layout=skola24-dag", "-huvudman", "212000-0001"}); err != nil {
		t.Fatal(err)
	}
	if days() != 15 {
		t.Fatalf("%d days imported, want 15", days())
	}
	var rec struct {
		ImportedBy *int64 `db:"imported_by"`
		Status     string `db:"status"`
		Audited    int    `db:"audited"`
		Signals    int    `db:"signals"`
	}
	if err := db.Get(&rec, `SELECT i.imported_by, i.status,
		(SELECT count(*) FROM audit_log WHERE entity = 'attendance_import' AND entity_id = i.id AND actor_name = 'system') AS audited,
		(SELECT count(*) FROM signals WHERE student_id = $1 AND source = 'detection') AS signals
		FROM attendance_imports i WHERE status = 'imported'`, org.StudentA); err != nil {
		t.Fatal(err)
	}
	if rec.ImportedBy != nil || rec.Audited != 1 || rec.Signals != 1 {
		t.Fatalf("import = %+v", rec)
	}
	if err := cmdDetect(ctx, []string{"-huvudman", "212000-0001", "-as-of", "2026-09-25"}); err != nil {
		t.Fatal(err)
	}
	if err := cmdDetect(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if err := cmdDetect(ctx, []string{"-as-of", "i morgon"}); narvaro.ErrorCode(err) != narvaro.CodeInvalid {
		t.Errorf("a bad date: %v", err)
	}
}
