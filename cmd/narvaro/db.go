package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/narvaro/narvaro/internal/narvaro"
	"github.com/narvaro/narvaro/internal/pgsetup"
)

// cmdDB runs "narvaro db url", which prints the database URL on stdout (so that
// `export DATABASE_URL=$(narvaro db url)` works) and leaves a private cluster it started running,
// and "narvaro db stop", which stops that private cluster.
func cmdDB(ctx context.Context, args []string) error {
	usage := narvaro.Errorf(narvaro.CodeInvalid,
		"Användning: narvaro db url [-name narvaro] [-dir var/postgres] [-private] | narvaro db stop [-dir var/postgres]",
		"Usage: narvaro db url [-name narvaro] [-dir var/postgres] [-private] | narvaro db stop [-dir var/postgres]")
	if len(args) == 0 || (args[0] != "url" && args[0] != "stop") {
		return usage
	}
	fs := flag.NewFlagSet("narvaro db "+args[0], flag.ContinueOnError)
	fs.SetOutput(io.Discard) // the usage error says it in both languages
	dir := fs.String("dir", pgsetup.DefaultPrivateDir, "private cluster directory")
	name := fs.String("name", pgsetup.DefaultDatabaseName, "database name")
	private := fs.Bool("private", false, "skip a local server and use the private cluster")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, usage.Message.SV)
			fmt.Fprintln(os.Stderr, usage.Message.EN)
			return nil
		}
		return usage.Wrap(err)
	}
	if fs.NArg() > 0 {
		return usage
	}
	stopCmd := "narvaro db stop"
	if *dir != pgsetup.DefaultPrivateDir {
		stopCmd += " -dir " + *dir
	}

	if args[0] == "stop" {
		stopped, err := pgsetup.StopPrivate(ctx, pgsetup.Options{PrivateDir: *dir})
		if err != nil {
			return narvaro.Errorf(narvaro.CodeUnavailable,
				"Kunde inte stoppa den egna PostgreSQL-servern i "+*dir+".",
				"Could not stop the private PostgreSQL server in "+*dir+".").Wrap(err)
		}
		if stopped {
			fmt.Fprintf(os.Stderr, "narvaro: stoppade den egna PostgreSQL-servern i %s\nnarvaro: stopped the private PostgreSQL server in %s\n", *dir, *dir)
		} else {
			fmt.Fprintf(os.Stderr, "narvaro: ingen egen PostgreSQL-server körs i %s\nnarvaro: no private PostgreSQL server runs in %s\n", *dir, *dir)
		}
		return nil
	}

	// Only warnings reach stderr: the output is usually captured by a Makefile.
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	db, err := pgsetup.Resolve(ctx, pgsetup.Options{DatabaseName: *name, PrivateDir: *dir, SkipLocal: *private, Logger: logger})
	if err != nil {
		return err
	}
	fmt.Println(db.URL)
	if db.Started {
		fmt.Fprintf(os.Stderr, "narvaro: startade en egen PostgreSQL-server i %s; den fortsätter att köras. Stoppa den med: %s\n"+
			"narvaro: started a private PostgreSQL server in %s; it keeps running. Stop it with: %s\n", *dir, stopCmd, *dir, stopCmd)
	}
	return nil
}
