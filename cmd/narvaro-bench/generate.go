package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/narvaro/narvaro/internal/loadtest"
	"github.com/narvaro/narvaro/internal/pgsetup"
)

type genFlags struct {
	db       string
	scale    string
	students int
	reuse    bool
}

func (g *genFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&g.db, "db", loadtest.DefaultDatabase, "benchmark database (dropped and recreated)")
	fs.StringVar(&g.scale, "scale", "municipal", "municipal (20,000 students) or small")
	fs.IntVar(&g.students, "students", 0, "override the number of students (schools and cases scale along)")
	fs.BoolVar(&g.reuse, "reuse", false, "keep an already generated benchmark database (faster reruns while profiling)")
}

func (g *genFlags) scaleAt(now time.Time) loadtest.Scale {
	sc := loadtest.Municipal(now)
	if g.scale == "small" {
		sc = loadtest.Small(now)
	}
	if g.students > 0 {
		f := float64(g.students) / float64(sc.Students)
		sc.Students = g.students
		sc.Schools = max(1, int(float64(sc.Schools)*f+0.5))
		sc.Cases = max(10, int(float64(sc.Cases)*f))
		sc.AuditRows = max(1000, int(float64(sc.AuditRows)*f))
	}
	return sc
}

// prepare recreates and fills the benchmark database and returns its URL and the figures of
// the generation.
func (g *genFlags) prepare(ctx context.Context, out *report) (string, error) {
	server, stop, err := loadtest.ServerURL(ctx)
	if err != nil {
		return "", err
	}
	_ = stop // a private cluster started here keeps running, like `narvaro db url`
	if g.reuse {
		if url, ok := existing(ctx, server, g.db); ok {
			fmt.Fprintf(os.Stderr, "reusing the generated database %s\n", g.db)
			return url, nil
		}
	}
	start := time.Now()
	url, err := loadtest.RecreateDatabase(ctx, server, g.db)
	if err != nil {
		return "", err
	}
	db, err := sql.Open("postgres", url)
	if err != nil {
		return "", err
	}
	defer db.Close()
	sc := g.scaleAt(time.Now())
	fmt.Fprintf(os.Stderr, "generating %d students, %d schools, %d cases, %d audit rows into %s\n",
		sc.Students, sc.Schools, sc.Cases, sc.AuditRows, g.db)
	var att int64
	err = loadtest.Generate(ctx, db, sc, func(s loadtest.Step) {
		fmt.Fprintf(os.Stderr, "  %-40s %10d rows  %6.1f s\n", s.Name, s.Rows, s.Duration.Seconds())
		if s.Rows > 0 && s.Name == "attendance: a school year of days" {
			att = s.Rows
		}
	})
	if err != nil {
		return "", err
	}
	took := time.Since(start)
	out.add(figure{Name: "generate the benchmark data", Value: took.Seconds(), Unit: "s",
		Goal: "< 120 s", Met: met(took < 2*time.Minute),
		Note: fmt.Sprintf("%d students, %d attendance rows, %d cases, %d audit rows", sc.Students, att, sc.Cases, sc.AuditRows)})
	return url, nil
}

// existing returns the URL of an already generated benchmark database.
func existing(ctx context.Context, server, name string) (string, bool) {
	url, err := pgsetup.EnsureDatabase(ctx, server, name)
	if err != nil {
		return "", false
	}
	db, err := sql.Open("postgres", url)
	if err != nil {
		return "", false
	}
	defer db.Close()
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM cases`).Scan(&n); err != nil || n == 0 {
		return "", false
	}
	return url, true
}

func cmdGenerate(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("generate", flag.ContinueOnError)
	var g genFlags
	g.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	g.reuse = false
	var out report
	if _, err := g.prepare(ctx, &out); err != nil {
		return err
	}
	out.print(os.Stdout)
	return nil
}
