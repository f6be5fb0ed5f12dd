package main

import (
	"context"
	"flag"
	"fmt"
	"os"
)

// cmdAll is `make bench`: the load test on generated municipal data, then every Go benchmark of
// the project, then one line per figure. A goal not met is reported, not an error.
func cmdAll(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("all", flag.ContinueOnError)
	var l loadFlags
	l.register(fs)
	pkgs := fs.String("pkgs", "./...", "packages whose Go benchmarks run")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var out report
	loadErr := runLoad(ctx, l, &out)
	if loadErr != nil {
		fmt.Fprintln(os.Stderr, "load test:", loadErr)
	}
	benchErr := runGoBench(ctx, *pkgs, ".", &out)
	if benchErr != nil {
		fmt.Fprintln(os.Stderr, "go benchmarks:", benchErr)
	}
	fmt.Println()
	out.print(os.Stdout)
	if loadErr != nil {
		return loadErr
	}
	return benchErr
}
