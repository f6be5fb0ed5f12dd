package pdf

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/narvaro/narvaro/internal/pdf/pdftest"
)

var (
	update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")
	pdfDir = flag.String("pdfdir", "", "also write the golden documents as PDF files to this directory, to look at")
)

// sampleNotice is the shortest formal document: the notice to the huvudman.
func sampleNotice() Document {
	return Document{
		Meta: sampleMeta(),
		Blocks: []Block{
			Paragraph{Text: "Rektor anmäler härmed att en utredning av elevens frånvaro har påbörjats."},
			Fields{Rows: []Field{
				{"Elev", "Łukasz Nguễn Andersson, klass 5B"},
				{"Utredning påbörjad", "2026-03-02"},
				{"Frånvaro senaste 4 veckorna", "23 % (varav ogiltig 9 %)"},
			}},
			Heading{Text: "Skäl", Level: 2},
			Paragraph{Text: "Eleven har haft upprepad frånvaro sedan vecka 34.\nVårdnadshavarna har informerats."},
			Signature{},
		},
	}
}

// TestGoldenText compares the extracted text of whole documents with testdata/*.golden, so any
// change to what a reader sees shows up in review. Run with -update to accept a change.
func TestGoldenText(t *testing.T) {
	draft := sampleNotice()
	draft.Meta.Draft = true
	draft.Meta.Secrecy = ""
	draft.Meta.Version = 1
	docs := map[string]Document{
		"notice":       sampleNotice(),
		"notice-draft": draft,
		"report":       sampleReport(),
		"casefile":     sampleCaseFile(),
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			pdf := mustRender(t, doc)
			pdftest.QpdfCheck(t, pdf)
			if *pdfDir != "" {
				if err := os.WriteFile(filepath.Join(*pdfDir, name+".pdf"), pdf, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var b strings.Builder
			for i, page := range pdftest.PageTexts(t, pdf) {
				fmt.Fprintf(&b, "=== sida %d ===\n%s", i+1, pdftest.Normalise(page))
			}
			got := b.String()
			path := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGoldenText -update ./internal/pdf/)", err)
			}
			if got != string(want) {
				t.Errorf("text differs from %s (run with -update if intended):\n%s", path, pdftest.DiffLines(string(want), got))
			}
		})
	}
}
