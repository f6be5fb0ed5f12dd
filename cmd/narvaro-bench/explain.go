package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/jmoiron/sqlx"

	"github.com/narvaro/narvaro/internal/config"
	"github.com/narvaro/narvaro/internal/loadtest"
)

// cmdExplain prints, for one request of each measured kind, the statements PostgreSQL ran and
// their executed plans (docs/benchmarks.md shows them).
func cmdExplain(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("explain", flag.ContinueOnError)
	var g genFlags
	g.register(fs)
	plans := fs.Bool("plans", true, "print every statement's plan, not only the counts")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var out report
	url, err := g.prepare(ctx, &out)
	if err != nil {
		return err
	}
	root, err := loadtest.ModuleRoot(ctx)
	if err != nil {
		return err
	}
	cfg, err := config.Load(root + "/configs")
	if err != nil {
		return err
	}
	db, err := sqlx.Open("postgres", url)
	if err != nil {
		return err
	}
	defer db.Close()
	world, err := loadtest.LoadWorld(ctx, db)
	if err != nil {
		return err
	}
	traces, err := loadtest.Explain(ctx, url, cfg, world)
	if err != nil {
		return err
	}
	for _, t := range traces {
		fmt.Printf("%-58s %3d statements  %7.2f ms in PostgreSQL\n", t.Name, len(t.Statements), t.ServerMS())
	}
	if !*plans {
		return nil
	}
	for _, t := range traces {
		fmt.Printf("\n## %s\n", t.Name)
		for i, s := range t.Statements {
			fmt.Printf("\n%d. %.3f ms  %s\n%s", i+1, s.MS, s.Query, s.Plan)
		}
	}
	fmt.Fprintln(os.Stderr)
	return nil
}
