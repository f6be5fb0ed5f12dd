package pdf

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/narvaro/narvaro/internal/pdf/pdftest"
)

func TestSameDocumentGivesSameBytes(t *testing.T) {
	for name, doc := range map[string]Document{"report": sampleReport(), "case file": sampleCaseFile()} {
		t.Run(name, func(t *testing.T) {
			first := mustRender(t, doc)
			// Several renders, because map order in gofpdf would show up only now and then.
			for range 5 {
				if again := mustRender(t, doc); !bytes.Equal(first, again) {
					t.Fatal("two renders of the same document differ")
				}
			}
		})
	}
}

// TestDirectTextMatchesGofpdf holds the direct text path to gofpdf's own output, byte for byte,
// including text with the characters PDF strings escape and runes whose UTF-16 bytes are "(",
// ")", "\\" or "\r" (U+2800, U+2900, U+5C00 are not in the font and print as U+FFFD; U+0128,
// U+0129, U+015C, U+010D are).
func TestDirectTextMatchesGofpdf(t *testing.T) {
	tricky := sampleNotice()
	// The direct path takes only lines whose runes gofpdf has seen before, hence the repeat.
	line := `Parenteser (så här) och \bakstreck\ och ĨĩŜč, (igen) ĨĩŜč \ ( ) ⠀ 㐀`
	tricky.Blocks = append(tricky.Blocks,
		Paragraph{Text: line + "\n" + line},
		Table{Columns: []Column{{Title: "(a)"}, {Title: "b\\"}}, Rows: [][]string{{"(x)", "ĩ"}, {"(x)", "ĩ"}}},
	)
	draft := sampleReport()
	draft.Meta.Draft = true
	for name, doc := range map[string]Document{"report": sampleReport(), "case file": sampleCaseFile(), "draft": draft, "escapes": tricky} {
		t.Run(name, func(t *testing.T) {
			var direct, viaGofpdf bytes.Buffer
			if err := renderTo(&direct, doc, false); err != nil {
				t.Fatal(err)
			}
			if err := renderTo(&viaGofpdf, doc, true); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(direct.Bytes(), viaGofpdf.Bytes()) {
				t.Fatal("direct text output differs from gofpdf's Text")
			}
		})
	}
}

func TestOutputDependsOnCreatedAtNotTheClock(t *testing.T) {
	doc := sampleNotice()
	a := mustRender(t, doc)
	time.Sleep(1100 * time.Millisecond) // PDF dates have one-second resolution
	if b := mustRender(t, doc); !bytes.Equal(a, b) {
		t.Fatal("rendering a second later changed the bytes")
	}
	doc.Meta.CreatedAt = doc.Meta.CreatedAt.Add(time.Hour)
	if c := mustRender(t, doc); bytes.Equal(a, c) {
		t.Fatal("a different CreatedAt gave the same bytes")
	}
	// Without CreatedAt the document date is used.
	doc.Meta.CreatedAt = time.Time{}
	if d := mustRender(t, doc); !bytes.Contains(d, []byte("/CreationDate (D:20260302000000)")) {
		t.Fatal("CreationDate does not fall back to Meta.Date")
	}
}

// TestConcurrentRendering renders 16 different documents at once (run with -race) and checks
// that each equals its serial rendering: no state leaks between documents.
func TestConcurrentRendering(t *testing.T) {
	const n = 16
	docs := make([]Document, n)
	want := make([][]byte, n)
	for i := range docs {
		switch i % 3 {
		case 0:
			docs[i] = sampleReport()
		case 1:
			docs[i] = sampleNotice()
		default:
			docs[i] = sampleCaseFile()
		}
		docs[i].Meta.CaseNumber = fmt.Sprintf("BUN 2026/%04d", i)
		docs[i].Meta.Draft = i%2 == 0
		want[i] = mustRender(t, docs[i])
	}
	got := make([][]byte, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range docs {
		wg.Go(func() {
			got[i], errs[i] = Render(docs[i])
		})
	}
	wg.Wait()
	for i := range docs {
		if errs[i] != nil {
			t.Fatalf("document %d: %v", i, errs[i])
		}
		if !bytes.Equal(got[i], want[i]) {
			t.Errorf("document %d rendered concurrently differs from its serial rendering", i)
		}
	}
	pdftest.QpdfCheck(t, got[n-1])
}
