package pgsetup

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/user"
	"path/filepath"
	"strings"

	"github.com/narvaro/narvaro/internal/narvaro"
)

// Sources reported in Database.Source.
const (
	SourceEnv     = "DATABASE_URL"
	SourceLocal   = "local server"
	SourcePrivate = "private cluster"
)

// Defaults for Options.
const (
	DefaultDatabaseName = "narvaro"
	DefaultPrivateDir   = "var/postgres"
	DefaultPort         = 5432
)

// Options tune Resolve. The zero value gives the defaults.
type Options struct {
	// DatabaseName is the database to use on a local server or private cluster (default "narvaro").
	// DATABASE_URL is used as-is and ignores it.
	DatabaseName string
	// PrivateDir holds the private cluster (default ./var/postgres). Relative paths are resolved
	// against the working directory.
	PrivateDir string
	// Port names the private cluster's socket file. It is not a TCP port: the private cluster
	// listens on no network address, so the default (5432) never clashes with another server.
	Port int
	// BinDirs, when not empty, are the only directories searched for initdb and pg_ctl.
	// Tests use it to pin a version or to simulate a machine without PostgreSQL.
	BinDirs []string
	// SkipLocal skips step 2 (the local server), so tests can exercise the private cluster on a
	// machine that has a local server.
	SkipLocal bool
	// Logger receives progress messages; nil discards them.
	Logger *slog.Logger
}

func (o Options) withDefaults() (Options, error) {
	if o.DatabaseName == "" {
		o.DatabaseName = DefaultDatabaseName
	}
	if o.PrivateDir == "" {
		o.PrivateDir = DefaultPrivateDir
	}
	dir, err := filepath.Abs(o.PrivateDir)
	if err != nil {
		return o, fmt.Errorf("private dir %q: %w", o.PrivateDir, err)
	}
	o.PrivateDir = dir
	if o.Port == 0 {
		o.Port = DefaultPort
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o, nil
}

// Database is the server Resolve chose.
type Database struct {
	// URL connects to the target database (lib/pq and libpq syntax).
	URL string
	// Source is SourceEnv, SourceLocal or SourcePrivate.
	Source string
	// Started is true when Resolve started a private cluster that was not running.
	Started bool
	// Stop stops the private cluster if Resolve started it; otherwise it does nothing.
	Stop func(context.Context) error
}

func noStop(context.Context) error { return nil }

// Resolve finds or starts a PostgreSQL server and returns how to reach the target database.
func Resolve(ctx context.Context, opts Options) (*Database, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	log := opts.Logger

	if raw := os.Getenv("DATABASE_URL"); raw != "" {
		if err := ping(ctx, raw); err != nil {
			shown := Redact(raw)
			return nil, narvaro.Errorf(narvaro.CodeUnavailable,
				"Kan inte ansluta till databasen i DATABASE_URL ("+shown+"). Kontrollera adressen och att servern är igång, eller ta bort DATABASE_URL så letar Närvaro upp en lokal PostgreSQL.",
				"Cannot connect to the database in DATABASE_URL ("+shown+"). Check the address and that the server is running, or unset DATABASE_URL to let Närvaro find a local PostgreSQL.",
			).Wrap(scrub(err, raw))
		}
		log.Info("using DATABASE_URL", "url", Redact(raw))
		return &Database{URL: raw, Source: SourceEnv, Stop: noStop}, nil
	}

	var tried []error
	if !opts.SkipLocal {
		db, err := resolveLocal(ctx, opts)
		if db != nil || err != nil {
			return db, err
		}
		tried = append(tried, errors.New("no local server on 127.0.0.1:5432, /var/run/postgresql or /tmp"))
	}

	bins, err := findBinaries(opts.BinDirs)
	if err != nil {
		tried = append(tried, err)
		return nil, narvaro.Errorf(narvaro.CodeUnavailable,
			"Hittar ingen PostgreSQL. Närvaro behöver PostgreSQL. Installera det (Debian/Ubuntu: sudo apt-get install postgresql; macOS: brew install postgresql) eller ange en befintlig databas i miljövariabeln DATABASE_URL, till exempel DATABASE_URL=postgres://användare:lösenord@värd:5432/narvaro.",
			"No PostgreSQL found. Närvaro needs PostgreSQL. Install it (Debian/Ubuntu: sudo apt-get install postgresql; macOS: brew install postgresql) or point to an existing database with the DATABASE_URL environment variable, for example DATABASE_URL=postgres://user:password@host:5432/narvaro.",
		).Wrap(errors.Join(tried...))
	}
	db, err := resolvePrivate(ctx, opts, bins)
	if err != nil {
		return nil, narvaro.Errorf(narvaro.CodeUnavailable,
			"Kunde inte starta en egen PostgreSQL-server i "+opts.PrivateDir+". Rätta felet som anges, eller ange en befintlig databas i miljövariabeln DATABASE_URL.",
			"Could not start a private PostgreSQL server in "+opts.PrivateDir+". Fix the reported problem, or point to an existing database with the DATABASE_URL environment variable.",
		).Wrap(err)
	}
	return db, nil
}

// resolveLocal returns nil, nil when no local server answers, so that Resolve goes on to the
// private cluster; a server that answers but cannot create the database is an error, because
// silently starting a second server would hide the problem.
func resolveLocal(ctx context.Context, opts Options) (*Database, error) {
	for _, server := range localCandidates() {
		if err := ping(ctx, server); err != nil {
			opts.Logger.Debug("no local server", "url", server, "err", err)
			continue
		}
		dbURL, err := EnsureDatabase(ctx, server, opts.DatabaseName)
		if err != nil {
			return nil, narvaro.Errorf(narvaro.CodeUnavailable,
				"PostgreSQL körs lokalt ("+Redact(server)+") men databasen "+opts.DatabaseName+" kunde inte skapas. Ge användaren rätt att skapa databaser, eller ange DATABASE_URL.",
				"PostgreSQL runs locally ("+Redact(server)+") but the database "+opts.DatabaseName+" could not be created. Grant the user the right to create databases, or set DATABASE_URL.",
			).Wrap(err)
		}
		opts.Logger.Info("using local PostgreSQL server", "url", Redact(dbURL))
		return &Database{URL: dbURL, Source: SourceLocal, Stop: noStop}, nil
	}
	return nil, nil
}

// localCandidates lists the postgres database on the usual local addresses, for each plausible
// superuser: $PGUSER if set, otherwise postgres (Debian, Docker) and the OS user (Homebrew).
func localCandidates() []string {
	var users []string
	if u := os.Getenv("PGUSER"); u != "" {
		users = []string{u}
	} else {
		users = []string{"postgres"}
		if me, err := user.Current(); err == nil && me.Username != "postgres" && !strings.ContainsAny(me.Username, `\/`) {
			users = append(users, me.Username)
		}
	}
	var out []string
	for _, u := range users {
		out = append(out,
			tcpURL(u, "127.0.0.1", DefaultPort, "postgres"),
			socketURL(u, "/var/run/postgresql", DefaultPort, "postgres"),
			socketURL(u, "/tmp", DefaultPort, "postgres"),
		)
	}
	return out
}

func tcpURL(user, host string, port int, dbname string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User(user),
		Host:     fmt.Sprintf("%s:%d", host, port),
		Path:     "/" + dbname,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

func socketURL(user, dir string, port int, dbname string) string {
	q := url.Values{"host": {dir}, "port": {fmt.Sprint(port)}}
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User(user),
		Path:     "/" + dbname,
		RawQuery: q.Encode(),
	}
	return u.String()
}
