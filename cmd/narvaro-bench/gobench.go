package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/narvaro/narvaro/internal/loadtest"
)

// cmdGoBench runs every Go benchmark of the project and prints one line per figure.
func cmdGoBench(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("gobench", flag.ContinueOnError)
	pkgs := fs.String("pkgs", "./...", "packages")
	bench := fs.String("bench", ".", "benchmarks to run (go test -bench)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var out report
	err := runGoBench(ctx, *pkgs, *bench, &out)
	out.print(os.Stdout)
	return err
}

// benchGoal is a goal from the issues for a benchmark, checked on one of its metrics.
type benchGoal struct {
	key    string // package.BenchmarkName (sub-benchmarks included)
	goal   string
	check  func(b loadtest.BenchResult, all map[string]loadtest.BenchResult) (ok bool, ratio string)
	prefix bool // key is a prefix
}

func nsop(b loadtest.BenchResult) time.Duration { return time.Duration(b.Metrics["ns/op"]) }

func under(d time.Duration) func(loadtest.BenchResult, map[string]loadtest.BenchResult) (bool, string) {
	return func(b loadtest.BenchResult, _ map[string]loadtest.BenchResult) (bool, string) { return nsop(b) < d, "" }
}

var benchGoals = []benchGoal{
	{key: "internal/pdf.BenchmarkCaseFile10Pages", goal: "< 25 ms, ≥ 80 % of plain gofpdf docs/s",
		check: func(b loadtest.BenchResult, all map[string]loadtest.BenchResult) (bool, string) {
			plain, ok := all["internal/pdf.BenchmarkPlainGofpdf10Pages"]
			if !ok || nsop(b) == 0 {
				return nsop(b) < 25*time.Millisecond, ""
			}
			r := float64(nsop(plain)) / float64(nsop(b))
			return nsop(b) < 25*time.Millisecond && r >= 0.80, fmt.Sprintf("%.1f %% of gofpdf", 100*r)
		}},
	{key: "internal/documents.BenchmarkCaseFile", goal: "< 25 ms", check: under(25 * time.Millisecond)},
	{key: "internal/postgres.BenchmarkAttendanceImport", goal: "≥ 50 % of bare COPY rows/s",
		check: func(b loadtest.BenchResult, _ map[string]loadtest.BenchResult) (bool, string) {
			p, ok := b.Metrics["import-%-of-bare"]
			return ok && p >= 50, fmt.Sprintf("%.1f %% of COPY", p)
		}},
	{key: "internal/postgres.BenchmarkDetection/students=20000/", prefix: true, goal: "< 2 s", check: under(2 * time.Second)},
	{key: "internal/postgres.BenchmarkDetection/students=100000/", prefix: true, goal: "< 10 s", check: under(10 * time.Second)},
	{key: "internal/postgres.BenchmarkPeriodReport/", prefix: true, goal: "< 2 s", check: under(2 * time.Second)},
}

func runGoBench(ctx context.Context, pkgs, bench string, out *report) error {
	root, err := loadtest.ModuleRoot(ctx)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", bench, "-benchmem", "-count=1", "-timeout", "60m", pkgs)
	cmd.Dir = root
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "go test -run '^$' -bench %s -benchmem %s\n", bench, pkgs)
	if err := cmd.Start(); err != nil {
		return err
	}
	results, perr := loadtest.ParseBench(stdout, os.Stderr)
	werr := cmd.Wait()
	all := map[string]loadtest.BenchResult{}
	for _, b := range results {
		all[b.Key()] = b
	}
	for _, b := range results {
		f := figure{Name: b.Key(), Value: b.Metrics["ns/op"] / 1e6, Unit: "ms/op"}
		var detail []string
		for _, u := range b.Units {
			if u != "ns/op" {
				detail = append(detail, fmt.Sprintf("%s %s", strconv.FormatFloat(b.Metrics[u], 'f', -1, 64), u))
			}
		}
		for _, g := range benchGoals {
			if b.Key() == g.key || (g.prefix && strings.HasPrefix(b.Key(), g.key)) {
				ok, ratio := g.check(b, all)
				f.Goal, f.Met, f.Ratio = g.goal, met(ok), ratio
			}
		}
		f.Note = strings.Join(detail, ", ")
		out.add(f)
	}
	if perr != nil {
		return perr
	}
	if werr != nil {
		return fmt.Errorf("go test -bench: %w", werr)
	}
	return nil
}
