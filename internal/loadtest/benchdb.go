package loadtest

import (
	"context"
	"database/sql"
	"fmt"
	"os"

	"github.com/lib/pq"

	"github.com/narvaro/narvaro/internal/pgsetup"
	"github.com/narvaro/narvaro/internal/postgres"
)

// DefaultDatabase is the database the benchmark recreates on every run.
const DefaultDatabase = "narvaro_bench"

// ServerURL is the PostgreSQL server to measure on: DATABASE_URL's server when set (the
// Makefile sets it), otherwise the local one that `narvaro db url` would find.
func ServerURL(ctx context.Context) (string, func(context.Context) error, error) {
	if u := os.Getenv("DATABASE_URL"); u != "" {
		return u, func(context.Context) error { return nil }, nil
	}
	d, err := pgsetup.Resolve(ctx, pgsetup.Options{DatabaseName: "postgres"})
	if err != nil {
		return "", nil, err
	}
	return d.URL, d.Stop, nil
}

// RecreateDatabase drops the database name on the server (disconnecting whoever uses it),
// creates it empty and applies every migration. It returns the database's URL.
func RecreateDatabase(ctx context.Context, serverURL, name string) (string, error) {
	admin, err := sql.Open("postgres", serverURL)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+pq.QuoteIdentifier(name)+` WITH (FORCE)`); err != nil {
		return "", fmt.Errorf("drop %s: %w", name, err)
	}
	url, err := pgsetup.EnsureDatabase(ctx, serverURL, name)
	if err != nil {
		return "", err
	}
	db, err := sql.Open("postgres", url)
	if err != nil {
		return "", err
	}
	defer db.Close()
	m, err := postgres.NewMigrator(db)
	if err != nil {
		return "", err
	}
	if err := m.Up(ctx, nil); err != nil {
		return "", err
	}
	return url, nil
}
