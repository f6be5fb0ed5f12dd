package pdf

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/jung-kurt/gofpdf"
)

// Run with: go test -bench . -benchmem -cpu 1 ./internal/pdf/
// BenchmarkPlainGofpdf10Pages is the floor: what gofpdf alone costs for a document of the same
// size with the same fonts, so the other figures can be read as overhead over it.

func BenchmarkTypicalReport(b *testing.B) {
	benchmarkRender(b, sampleReport())
}

func BenchmarkCaseFile10Pages(b *testing.B) {
	benchmarkRender(b, sampleCaseFile())
}

func benchmarkRender(b *testing.B, doc Document) {
	if _, err := loadMetrics(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := RenderTo(io.Discard, doc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPlainGofpdf10Pages(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if err := plainGofpdf(io.Discard, 10); err != nil {
			b.Fatal(err)
		}
	}
}

// plainGofpdf writes a document the way one would with gofpdf directly: same page size, fonts,
// header and footer, and about as much text as sampleCaseFile, using MultiCell for the body.
func plainGofpdf(w io.Writer, pages int) error {
	f := gofpdf.New("P", "mm", "A4", "")
	f.SetCreationDate(sampleCreated)
	f.SetModificationDate(sampleCreated)
	f.SetCatalogSort(true)
	f.SetMargins(marginL, contentTop, marginR)
	f.SetAutoPageBreak(false, 0)
	f.AddUTF8FontFromBytes(family, "", bytes.Clone(regularTTF)) // see newRenderer
	f.AddUTF8FontFromBytes(family, "B", bytes.Clone(boldTTF))
	f.AliasNbPages("")
	f.SetHeaderFunc(func() {
		f.SetFont(family, "B", 8.5)
		f.Text(marginL, 13, "Vingåkers kommun, Barn- och utbildningsnämnden")
		f.SetFont(family, "", 8.5)
		f.Text(marginL, 17.5, "Slottsskolan F–6 (skolenhetskod 12345678)")
		f.Line(marginL, 20.5, pageW-marginR, 20.5)
		f.SetY(contentTop)
	})
	f.SetFooterFunc(func() {
		f.SetFont(family, "B", 8.5)
		f.Text(90, pageH-16, "Sekretess enligt OSL 23 kap. 2 §")
		f.SetFont(family, "", 8.5)
		f.Text(marginL, pageH-10, "Sida "+strconv.Itoa(f.PageNo())+" av {nb}")
	})
	body := strings.Repeat(loremSV, 5) // about 2 200 characters a page, as in the case file
	for i := range pages {
		f.AddPage()
		f.SetFont(family, "B", 13)
		f.CellFormat(0, 7, "Avsnitt "+strconv.Itoa(i+1)+": Łukasz Nguễn", "", 1, "L", false, 0, "")
		f.SetFont(family, "", 10)
		f.MultiCell(0, 5, body, "", "L", false)
	}
	return f.Output(w)
}
