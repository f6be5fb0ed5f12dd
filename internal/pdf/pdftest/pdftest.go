// Package pdftest reads PDFs back for tests the way a person's PDF reader and search would:
// text with poppler (pdftotext, pdfinfo), structure with qpdf, and compares extracted text
// with golden files. Without the tools a test skips locally but fails in CI (CI set).
package pdftest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// RequireTool finds a command, skipping the test (or failing it in CI) when it is missing.
func RequireTool(t testing.TB, name string) string {
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

// WriteTemp stores pdf in a file of the test's temporary directory and returns its path.
func WriteTemp(t testing.TB, pdf []byte) string {
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

// Run runs a tool and returns its standard output, failing the test on error.
func Run(t testing.TB, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(RequireTool(t, name), args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v\n%s%s", name, args, err, out.String(), errOut.String())
	}
	return out.String()
}

// Text is the document's text in reading order with all whitespace (line and page breaks
// included) collapsed to single spaces, so phrases can be found wherever lines wrap.
func Text(t testing.TB, pdf []byte) string {
	t.Helper()
	return strings.Join(strings.Fields(Run(t, "pdftotext", "-enc", "UTF-8", WriteTemp(t, pdf), "-")), " ")
}

// PageTexts returns the text of every page as laid out, for golden files.
func PageTexts(t testing.TB, pdf []byte) []string {
	t.Helper()
	out := Run(t, "pdftotext", "-layout", "-enc", "UTF-8", WriteTemp(t, pdf), "-")
	pages := strings.Split(out, "\f")
	if len(pages) > 0 && strings.TrimSpace(pages[len(pages)-1]) == "" {
		pages = pages[:len(pages)-1]
	}
	return pages
}

// PageText extracts one page (1-based) with pdftotext -f N -l N.
func PageText(t testing.TB, pdf []byte, n int) string {
	t.Helper()
	p := strconv.Itoa(n)
	return Run(t, "pdftotext", "-layout", "-enc", "UTF-8", "-f", p, "-l", p, WriteTemp(t, pdf), "-")
}

var pagesRE = regexp.MustCompile(`(?m)^Pages:\s+(\d+)$`)

// PageCount is the number of pages pdfinfo reports.
func PageCount(t testing.TB, pdf []byte) int {
	t.Helper()
	m := pagesRE.FindStringSubmatch(Run(t, "pdfinfo", WriteTemp(t, pdf)))
	if m == nil {
		t.Fatal("pdfinfo printed no page count")
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// QpdfCheck fails the test unless qpdf --check finds the file sound.
func QpdfCheck(t testing.TB, pdf []byte) {
	t.Helper()
	out := Run(t, "qpdf", "--check", WriteTemp(t, pdf))
	if !strings.Contains(out, "No syntax or stream encoding errors") {
		t.Fatalf("qpdf --check:\n%s", out)
	}
}

// Normalise collapses the spaces pdftotext puts between words and drops blank lines.
func Normalise(s string) string {
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

// Golden compares got with the golden file, or rewrites the file when update is set.
func Golden(t testing.TB, path, got string, update bool) {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("text differs from %s (run with -update if intended):\n%s", path, DiffLines(string(want), got))
	}
}

// DiffLines shows the first lines that differ, enough to see what changed.
func DiffLines(want, got string) string {
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
