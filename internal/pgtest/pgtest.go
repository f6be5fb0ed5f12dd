// Package pgtest gives each test its own migrated PostgreSQL database, cloned from a template
// (github.com/peterldowns/pgtestdb), so tests never share state and may run in parallel.
//
// The server comes from DATABASE_URL when set (the Makefile sets it from `narvaro db url`),
// otherwise 127.0.0.1:5432 as user postgres.
package pgtest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"testing"

	_ "github.com/lib/pq" // the driver pgtestdb connects with
	"github.com/peterldowns/pgtestdb"

	"github.com/narvaro/narvaro/internal/postgres"
	"github.com/narvaro/narvaro/migrations"
)

// New returns a fresh, migrated database for the test, dropped when the test ends.
func New(t testing.TB) *postgres.DB {
	t.Helper()
	return postgres.FromSQL(pgtestdb.New(t, ServerConfig(t), migrator{}))
}

// URL returns a fresh, migrated database's connection URL, for tests that start the service.
func URL(t testing.TB) string {
	t.Helper()
	return pgtestdb.Custom(t, ServerConfig(t), migrator{}).URL()
}

// ServerConfig describes the PostgreSQL server tests run against.
func ServerConfig(t testing.TB) pgtestdb.Config {
	c := pgtestdb.Config{DriverName: "postgres", Host: "127.0.0.1", Port: "5432", User: "postgres",
		Password: "", Database: "postgres", Options: "sslmode=disable", ForceTerminateConnections: true}
	raw := os.Getenv("DATABASE_URL")
	if raw == "" {
		return c
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("DATABASE_URL is not a URL: %v", err)
	}
	c.Host, c.Port = u.Hostname(), u.Port()
	if c.Port == "" {
		c.Port = "5432"
	}
	if u.User != nil {
		c.User = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	c.Database = "postgres"
	q := u.Query()
	if q.Get("sslmode") == "" {
		q.Set("sslmode", "disable")
	}
	q.Del("dbname")
	c.Options = q.Encode()
	return c
}

// migrator provisions the template database with the service's own migrations.
type migrator struct{}

// Hash identifies the template by the migrations' contents, so a changed migration gets a
// new template.
func (migrator) Hash() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".sql") {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	return hex.EncodeToString(h.Sum(nil))[:16], err
}

func (migrator) Migrate(ctx context.Context, db *sql.DB, _ pgtestdb.Config) error {
	m, err := postgres.NewMigrator(db)
	if err != nil {
		return err
	}
	return m.Up(ctx, nil)
}
