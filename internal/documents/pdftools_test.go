package documents_test

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

// The tests read the PDFs back with poppler (pdftotext, pdfinfo) and check them with qpdf, as
// internal/pdf's own tests do: without the tools they skip locally but fail in CI (CI set).

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

func writeTemp(t testing.TB, pdf []byte) string {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "doc-*.pdf")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(pdf); err != nil {
		t.Fatal(err)
	}
	return filepath.Clean(f.Name())
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

// text is the document's text in reading order with all whitespace (line and page breaks
// included) collapsed to single spaces, so phrases can be found wherever lines wrap.
func text(t testing.TB, pdf []byte) string {
	t.Helper()
	return strings.Join(strings.Fields(run(t, "pdftotext", "-enc", "UTF-8", writeTemp(t, pdf), "-")), " ")
}

// pageTexts is each page's text as laid out, for golden files.
func pageTexts(t testing.TB, pdf []byte) []string {
	t.Helper()
	out := run(t, "pdftotext", "-layout", "-enc", "UTF-8", writeTemp(t, pdf), "-")
	pages := strings.Split(out, "\f")
	if len(pages) > 0 && strings.TrimSpace(pages[len(pages)-1]) == "" {
		pages = pages[:len(pages)-1]
	}
	return pages
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

func qpdfCheck(t testing.TB, pdf []byte) {
	t.Helper()
	out := run(t, "qpdf", "--check", writeTemp(t, pdf))
	if !strings.Contains(out, "No syntax or stream encoding errors") {
		t.Fatalf("qpdf --check:\n%s", out)
	}
}

// normalise collapses the spaces pdftotext puts between words and drops blank lines.
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
