package documents_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/narvaro/narvaro/internal/pdf/pdftest"

	"github.com/narvaro/narvaro/internal/documents"
)

var (
	update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")
	pdfDir = flag.String("pdfdir", "", "also write the golden documents as PDF files to this directory, to look at")
)

// TestGoldenText compares what a reader sees in three documents of the story (on the store's
// fixed clock) with testdata/*.golden, so any change shows up in review. Run with -update to
// accept a change.
func TestGoldenText(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := w.story()
	rektor := w.actor(w.org.B.Rektor)
	for _, kind := range []string{documents.NoticeHuvudman, documents.InvestigationReport, documents.RemedyPlan} {
		t.Run(kind, func(t *testing.T) {
			d, err := w.svc.Get(w.ctx, rektor, s.caseID, kind, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			if *pdfDir != "" {
				if err := os.WriteFile(filepath.Join(*pdfDir, kind+".pdf"), d.PDF, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var b strings.Builder
			for i, page := range pdftest.PageTexts(t, d.PDF) {
				fmt.Fprintf(&b, "=== sida %d ===\n%s", i+1, pdftest.Normalise(page))
			}
			got := b.String()
			path := filepath.Join("testdata", kind+".golden")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGoldenText -update ./internal/documents/)", err)
			}
			if got != string(want) {
				t.Errorf("text differs from %s (run with -update if intended):\n%s", path, pdftest.DiffLines(string(want), got))
			}
		})
	}
}
