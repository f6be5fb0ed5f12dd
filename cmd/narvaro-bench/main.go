// Command narvaro-bench measures Närvaro at municipal scale (see docs/benchmarks.md):
//
//	narvaro-bench all       generate, load test, every Go benchmark: one line per figure (make bench)
//	narvaro-bench load      generate and load test only (make bench-load)
//	narvaro-bench generate  only (re)create the benchmark database
//	narvaro-bench gobench   only the Go benchmarks of every package
//	narvaro-bench explain   EXPLAIN (ANALYZE) of the hot queries on the benchmark database
//	narvaro-bench floor     serve the floor handler (started by load; not for people)
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

var commands = map[string]func(context.Context, []string) error{
	"all":      cmdAll,
	"load":     cmdLoad,
	"generate": cmdGenerate,
	"gobench":  cmdGoBench,
	"explain":  cmdExplain,
	"floor":    cmdFloor,
}

func main() {
	if len(os.Args) < 2 || commands[os.Args[1]] == nil {
		fmt.Fprintln(os.Stderr, "usage: narvaro-bench all|load|generate|gobench|explain [flags]  (see docs/benchmarks.md)")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := commands[os.Args[1]](ctx, os.Args[2:]); err != nil {
		fmt.Fprintln(os.Stderr, "narvaro-bench:", err)
		os.Exit(1)
	}
}
