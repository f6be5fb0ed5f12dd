package documents_test

import (
	"bytes"
	"testing"

	"github.com/narvaro/narvaro/internal/documents"
	"github.com/narvaro/narvaro/internal/postgres"
)

// Run with: go test -run '^$' -bench . -benchmem -cpu 1 ./internal/documents/
// The record is the realistic case of story() read from PostgreSQL once; the loop measures
// building and rendering the document only, which is what a first download adds to the reads.

func BenchmarkInvestigationReport(b *testing.B) { benchmarkKind(b, documents.InvestigationReport) }

func BenchmarkCaseFile(b *testing.B) { benchmarkKind(b, documents.CaseFile) }

func benchmarkKind(b *testing.B, kind string) {
	w := newWorld(b)
	s := w.story()
	src, _, err := w.store.CaseDocumentIndex(w.ctx, w.actor(w.org.B.Rektor), s.caseID)
	if err != nil {
		b.Fatal(err)
	}
	subj, err := w.b.Subject(src, kind, 0)
	if err != nil {
		b.Fatal(err)
	}
	opt := postgres.RenderOptions{Version: 1, CreatedAt: subj.At}
	out, err := w.b.Render(src, subj, opt)
	if err != nil {
		b.Fatal(err)
	}
	pages := bytes.Count(out, []byte("/Type /Page\n"))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := w.b.Render(src, subj, opt); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(pages), "pages")
}
