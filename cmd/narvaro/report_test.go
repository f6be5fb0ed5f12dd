package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/narvaro/narvaro/internal/narvaro"
)

// A scheduled run writes the published report to a file, names the huvudman by organisation
// number when there are several, and is audited as the system.
func TestCmdReport(t *testing.T) {
	ctx, db, org := newCmdWorld(t)
	if _, err := db.Exec(`INSERT INTO signals (student_id, school_id, source, explanation, created_at)
		VALUES ($1, $2, 'manual', 'Test', '2026-09-10 12:00 Europe/Stockholm')`, org.StudentA, org.SchoolA); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	csvPath, pdfPath := filepath.Join(dir, "rapport.csv"), filepath.Join(dir, "rapport.pdf")

	if err := cmdReport(ctx, []string{"-from", "2026-08-17", "-to", "2026-12-18", "-format", "csv", "-out", csvPath}); narvaro.ErrorCode(err) != narvaro.CodeInvalid {
		t.Errorf("two huvudmän without -huvudman: %v, want invalid", err)
	}
	if err := cmdReport(ctx, []string{"-from", "2026-08-17", "-to", "2026-12-18", "-format", "csv", "-out", csvPath, "-huvudman", "212000-0001"}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("\xef\xbb\xbfAvsnitt;Indelning;Mått;Värde;Enhet\r\n")) ||
		!strings.Contains(string(b), "Signaler;Totalt;Flaggade elever;< 5;antal") || !strings.Contains(string(b), "Testkommun BUN") {
		t.Errorf("CSV = %s", b)
	}
	err = cmdReport(ctx, []string{"-from", "2026-08-17", "-to", "2026-12-18", "-format", "pdf", "-out", pdfPath,
		"-huvudman", "212000-0001", "-school", "999999"})
	if narvaro.ErrorCode(err) != narvaro.CodeNotFound {
		t.Errorf("an unknown school: %v, want not found", err)
	}
	if err := cmdReport(ctx, []string{"-from", "2026-08-17", "-to", "2026-12-18", "-format", "pdf", "-out", pdfPath, "-huvudman", "212000-0001"}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(pdfPath); !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Errorf("the PDF file starts %q", b[:min(len(b), 8)])
	}
	var system int
	db.Get(&system, `SELECT count(*) FROM audit_log WHERE action = 'export' AND entity = 'period_report' AND actor_id IS NULL AND actor_name = 'system'`)
	if system != 2 {
		t.Errorf("%d exports audited as the system, want 2", system)
	}
	for _, args := range [][]string{
		{"-to", "2026-12-18"},
		{"-from", "2026-08-17", "-to", "2026-12-18", "-format", "xlsx"},
		{"-from", "18/12/2026", "-to", "2026-12-18"},
	} {
		if err := cmdReport(ctx, args); narvaro.ErrorCode(err) != narvaro.CodeInvalid {
			t.Errorf("%v: %v, want invalid", args, err)
		}
	}
}
