package pgsetup

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lib/pq"
)

// localAdminURL is the test server of the project: 127.0.0.1:5432, user postgres, trust auth.
const localAdminURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// adminURL returns a server the tests may create databases on: the one DATABASE_URL names (so
// `make test` works with a private cluster too), else the project's local test server.
func adminURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv("DATABASE_URL")
	if u == "" {
		u = localAdminURL
	}
	if err := ping(context.Background(), u); err != nil {
		t.Fatalf("test server %s does not answer: %v", Redact(u), err)
	}
	return u
}

var nameSeq atomic.Int64

// uniqueName returns a database name no other test run uses.
func uniqueName(prefix string) string {
	return fmt.Sprintf("%s_%d_%d_%d", prefix, os.Getpid(), time.Now().UnixNano()%1e9, nameSeq.Add(1))
}

// dropOnCleanup drops the database name on the server at server when the test ends.
func dropOnCleanup(t *testing.T, server, name string) {
	t.Cleanup(func() {
		db, err := sql.Open("postgres", server)
		if err != nil {
			t.Errorf("drop %s: %v", name, err)
			return
		}
		defer db.Close()
		if _, err := db.Exec(`DROP DATABASE IF EXISTS ` + pq.QuoteIdentifier(name) + ` WITH (FORCE)`); err != nil {
			t.Errorf("drop %s: %v", name, err)
		}
	})
}

// queryString runs a one-value query on the database at dsn.
func queryString(t *testing.T, dsn, query string) string {
	t.Helper()
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var s string
	if err := db.QueryRow(query).Scan(&s); err != nil {
		t.Fatalf("%s on %s: %v", query, Redact(dsn), err)
	}
	return s
}

func execSQL(t *testing.T, dsn, stmt string) {
	t.Helper()
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(stmt); err != nil {
		t.Fatalf("%s on %s: %v", stmt, Redact(dsn), err)
	}
}

// installedBinDir returns the newest /usr/lib/postgresql/*/bin, or skips: the private cluster
// can only be tested where PostgreSQL's server programs are installed.
func installedBinDir(t *testing.T) string {
	t.Helper()
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	for _, d := range newestFirst(dirs) {
		if _, err := findBinaries([]string{d}); err == nil {
			return d
		}
	}
	t.Skip("no PostgreSQL server binaries under /usr/lib/postgresql")
	return ""
}

// reachableTempDir returns an empty directory the postgres OS user can enter. t.TempDir is
// mode 0700 below a 0700 parent, which a root test process can use but postgres cannot.
func reachableTempDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "pgsetup-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
