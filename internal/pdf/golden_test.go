package pdf

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
			qpdfCheck(t, pdf)
			if *pdfDir != "" {
				if err := os.WriteFile(filepath.Join(*pdfDir, name+".pdf"), pdf, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var b strings.Builder
			for i, page := range pageTexts(t, pdf) {
				fmt.Fprintf(&b, "=== sida %d ===\n%s", i+1, normalise(page))
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
				t.Errorf("text differs from %s (run with -update if intended):\n%s", path, diffLines(string(want), got))
			}
		})
	}
}

// diffLines shows the first lines that differ, enough to see what changed.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 10; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want %q\n  got  %q\n", i+1, wl, gl)
			shown++
		}
	}
	return b.String()
}
