package report_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/narvaro/narvaro/internal/report"
)

// pdfText reads a PDF back with pdftotext, as a reader's search would.
func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext is required in CI (apt-get install -y poppler-utils)")
		}
		t.Skip("pdftotext not installed (apt-get install -y poppler-utils)")
	}
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	var out, stderr bytes.Buffer
	cmd := exec.Command(tool, "-layout", "-enc", "UTF-8", path, "-")
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("pdftotext: %v: %s", err, stderr.String())
	}
	return out.String()
}

// The PDF carries the headline figures, "< 5" for small counts, the sections and the same
// charts as the page (their titles and legends are text in the PDF; the bars are vector paths).
func TestPDFReadBack(t *testing.T) {
	t.Parallel()
	r := published()
	b, err := report.PDF(r, report.PDFOptions{LegalBasis: "Skollagen (2010:800) 7 kap. 19 a §", Author: "Ulla Westerlund", AuthorTitle: "Utvecklingsstrateg"})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", b[:8])
	}
	text := pdfText(t, b)
	flat := regexp.MustCompile(`\s+`).ReplaceAllString(text, " ")
	// The running text keeps "< 5" as printed; pdftotext drops the (no-break) space after a
	// one-character word in short table cells, so cells are compared without it.
	if !strings.Contains(flat, "visas som ”< 5”") || !strings.Contains(flat, "(< 5 eller ..)") {
		t.Errorf("the PDF does not explain \"< 5\": %s", flat)
	}
	cells := strings.ReplaceAll(flat, "< 5", "<5")
	for _, want := range []string{
		"Periodrapport – elevers frånvaro", "Exempelkommun", "2026-08-17 – 2026-12-18",
		"Inskrivna elever 1200", "Flaggade elever (signal i perioden) 37", "Öppnade ärenden 22", "Avslutade ärenden <5",
		"Utveckling per månad", "Öppnade ärenden", "Områden i hjulet: oro och åtgärder", "Trygg",
		"Fungerar åtgärderna?", "Samtliga planer 12 .. 31,5 18,3 -13,3", "Per skolenhet", "Åsens skola", "okt 2026",
		"Ulla Westerlund",
	} {
		if !strings.Contains(cells, want) {
			t.Errorf("the PDF's text lacks %q", want)
		}
	}
	if n := strings.Count(cells, "<5"); n < 8 {
		t.Errorf("only %d small counts shown as \"< 5\" in the PDF", n)
	}
	// Vector charts: the bars are filled rectangles, not images.
	if bytes.Contains(b, []byte("/Subtype /Image")) {
		t.Error("the PDF embeds an image; the charts must be vector graphics")
	}
}
