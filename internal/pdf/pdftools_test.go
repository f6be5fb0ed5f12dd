package pdf

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/narvaro/narvaro/internal/pdf/pdftest"
)

// The tests read the PDFs back with poppler (pdftotext, pdfinfo) and qpdf, as a person's PDF
// reader and search would. Without the tools the tests skip locally but fail in CI (CI set).

func mustRender(t testing.TB, doc Document) []byte {
	t.Helper()
	pdf, err := Render(doc)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return pdf
}

// raster is one page rendered by pdftoppm, in RGB.
type raster struct {
	w, h int
	pix  []byte
}

// rasterise renders page n (1-based) at the given resolution.
func rasterise(t testing.TB, pdf []byte, n, dpi int) raster {
	t.Helper()
	dir := t.TempDir()
	p := strconv.Itoa(n)
	pdftest.Run(t, "pdftoppm", "-r", strconv.Itoa(dpi), "-f", p, "-l", p, "-singlefile", pdftest.WriteTemp(t, pdf), filepath.Join(dir, "page"))
	data, err := os.ReadFile(filepath.Join(dir, "page.ppm"))
	if err != nil {
		t.Fatal(err)
	}
	// Binary PPM: "P6\n<w> <h>\n255\n" then RGB triples.
	var r raster
	var maxVal int
	fields, rest := 0, data
	header := make([]int, 0, 3)
	rest = rest[2:]
	for fields < 3 {
		rest = bytes.TrimLeft(rest, " \n\r\t")
		end := bytes.IndexAny(rest, " \n\r\t")
		v, err := strconv.Atoi(string(rest[:end]))
		if err != nil {
			t.Fatalf("bad PPM header: %v", err)
		}
		header = append(header, v)
		rest = rest[end:]
		fields++
	}
	r.w, r.h, maxVal = header[0], header[1], header[2]
	if maxVal != 255 {
		t.Fatalf("PPM max value %d", maxVal)
	}
	r.pix = rest[1:]
	if len(r.pix) != r.w*r.h*3 {
		t.Fatalf("PPM has %d bytes, want %d", len(r.pix), r.w*r.h*3)
	}
	return r
}

// count returns how many pixels are within tol of colour c in every channel.
func (r raster) count(c rgb, tol int) int {
	n := 0
	for i := 0; i+2 < len(r.pix); i += 3 {
		if near(r.pix[i], c.r, tol) && near(r.pix[i+1], c.g, tol) && near(r.pix[i+2], c.b, tol) {
			n++
		}
	}
	return n
}

func near(a, b uint8, tol int) bool {
	d := int(a) - int(b)
	return d >= -tol && d <= tol
}
