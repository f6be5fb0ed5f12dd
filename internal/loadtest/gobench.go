package loadtest

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// BenchResult is one line of `go test -bench` output.
type BenchResult struct {
	Pkg, Name string // Name without the -GOMAXPROCS suffix
	N         int
	Metrics   map[string]float64 // unit → value: ns/op, B/op, allocs/op and the benchmark's own
	Units     []string           // in the order printed
}

// Key names the benchmark with its package: internal/pdf.BenchmarkCaseFile10Pages.
func (b BenchResult) Key() string { return b.Pkg + "." + b.Name }

var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+(\d+)\s+(.*)$`)

// ParseBench reads `go test -bench` output; pkg: lines say which package follows.
func ParseBench(r io.Reader, echo io.Writer) ([]BenchResult, error) {
	var out []BenchResult
	pkg := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if echo != nil {
			fmt.Fprintln(echo, line)
		}
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = strings.TrimPrefix(strings.TrimSpace(p), "github.com/narvaro/narvaro/")
			continue
		}
		m := benchLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[2])
		b := BenchResult{Pkg: pkg, Name: m[1], N: n, Metrics: map[string]float64{}}
		f := strings.Fields(m[3])
		for i := 0; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			b.Metrics[f[i+1]] = v
			b.Units = append(b.Units, f[i+1])
		}
		out = append(out, b)
	}
	return out, sc.Err()
}
