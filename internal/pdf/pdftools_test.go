package pdf

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The tests read the PDFs back with poppler (pdftotext, pdfinfo) and qpdf, as a person's PDF
// reader and search would. Without the tools the tests skip locally but fail in CI (CI set).

func requireTool(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if ci := os.Getenv("CI"); ci != "" && ci != "false" && ci != "0" {
			t.Fatalf("%s is required in CI (apt-get install -y poppler-utils qpdf): %v", name, err)
		}
		t.Skipf("%s not installed (apt-get install -y poppler-utils qpdf)", name)
	}
	return path
}

// writeTemp stores pdf in the test's temporary directory and returns its path.
func writeTemp(t testing.TB, pdf []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func run(t testing.TB, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(requireTool(t, name), args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v\n%s%s", name, args, err, out.String(), errOut.String())
	}
	return out.String()
}

// pageTexts returns the text of every page, as pdftotext extracts it.
func pageTexts(t testing.TB, pdf []byte) []string {
	t.Helper()
	out := run(t, "pdftotext", "-layout", "-enc", "UTF-8", writeTemp(t, pdf), "-")
	pages := strings.Split(out, "\f")
	if len(pages) > 0 && strings.TrimSpace(pages[len(pages)-1]) == "" {
		pages = pages[:len(pages)-1]
	}
	return pages
}

// pageText extracts one page (1-based) with pdftotext -f N -l N.
func pageText(t testing.TB, pdf []byte, n int) string {
	t.Helper()
	p := strconv.Itoa(n)
	return run(t, "pdftotext", "-layout", "-enc", "UTF-8", "-f", p, "-l", p, writeTemp(t, pdf), "-")
}

var pagesRE = regexp.MustCompile(`(?m)^Pages:\s+(\d+)$`)

func pageCount(t testing.TB, pdf []byte) int {
	t.Helper()
	m := pagesRE.FindStringSubmatch(run(t, "pdfinfo", writeTemp(t, pdf)))
	if m == nil {
		t.Fatal("pdfinfo printed no page count")
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// qpdfCheck fails the test unless qpdf finds the file structurally sound.
func qpdfCheck(t testing.TB, pdf []byte) {
	t.Helper()
	out := run(t, "qpdf", "--check", writeTemp(t, pdf))
	if !strings.Contains(out, "No syntax or stream encoding errors") {
		t.Fatalf("qpdf --check:\n%s", out)
	}
}

// normalise collapses the whitespace pdftotext puts between words and drops blank lines, so that
// comparisons do not depend on poppler's spacing heuristics.
func normalise(s string) string {
	var b strings.Builder
	for line := range strings.SplitSeq(s, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		if line == "" {
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
}

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
	run(t, "pdftoppm", "-r", strconv.Itoa(dpi), "-f", p, "-l", p, "-singlefile", writeTemp(t, pdf), filepath.Join(dir, "page"))
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
