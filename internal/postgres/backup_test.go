package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/narvaro/narvaro/internal/cases"
	"github.com/narvaro/narvaro/internal/pgtest"
	"github.com/narvaro/narvaro/internal/postgres"
)

// pgTool finds a PostgreSQL client program: the newest under /usr/lib/postgresql, else PATH.
func pgTool(t *testing.T, name string) string {
	t.Helper()
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int { return versionOf(b) - versionOf(a) })
	for _, d := range dirs {
		if p := filepath.Join(d, name); fileExists(p) {
			return p
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	t.Skipf("%s not found: the backup and restore test needs the PostgreSQL client programs", name)
	return ""
}

func versionOf(dir string) int {
	var v int
	fmt.Sscanf(filepath.Base(filepath.Dir(dir)), "%d", &v)
	return v
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// The documented backup (pg_dump, custom format) restored with pg_restore into a new database
// holds every case, every document with its hash and every audit row, and the chain verifies.
func TestBackupAndRestoreKeepEverything(t *testing.T) {
	t.Parallel()
	pgDump, pgRestore := pgTool(t, "pg_dump"), pgTool(t, "pg_restore")
	u := newURLDB(t)
	ctx := context.Background()
	org := pgtest.NewOrg(t, u.db)
	s := storeOn(t, u.db)
	rektor := pgtest.Actor(t, u.db, org.A.Rektor)
	closed := driveCase(t, s, rektor, org.StudentA, cases.Closed)
	issueDocument(t, u.db, closed, "closure_decision", []byte("%PDF-1.4 avslut \x00\x01\xff binärt"))
	driveCase(t, s, pgtest.Actor(t, u.db, org.B.Rektor), org.StudentB, cases.Active)
	if _, err := u.db.SealAudit(ctx, 10000); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetCase(ctx, rektor, closed); err != nil { // one row left unsealed on purpose
		t.Fatal(err)
	}

	dump := filepath.Join(t.TempDir(), "narvaro.dump")
	if out, err := exec.CommandContext(ctx, pgDump, "--format=custom", "--file="+dump, "--dbname="+u.url).CombinedOutput(); err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, out)
	}
	restored := fmt.Sprintf("narvaro_restore_%d", time.Now().UnixNano()%1e9)
	server := strings.Replace(u.adminURL, "/"+u.name+"?", "/postgres?", 1)
	admin, err := sql.Open("postgres", server)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+pq.QuoteIdentifier(restored)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if c, err := sql.Open("postgres", server); err == nil {
			c.Exec(`DROP DATABASE IF EXISTS ` + pq.QuoteIdentifier(restored) + ` WITH (FORCE)`)
			c.Close()
		}
	})
	restoredURL := strings.Replace(u.adminURL, "/"+u.name+"?", "/"+restored+"?", 1)
	if out, err := exec.CommandContext(ctx, pgRestore, "--no-owner", "--exit-on-error", "--dbname="+restoredURL, dump).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, out)
	}
	back, err := postgres.Open(ctx, restoredURL, 4, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()

	// Row by row, the same content.
	for _, q := range []string{
		`SELECT count(*) || ':' || md5(string_agg(c::text, '|' ORDER BY id)) FROM cases c`,
		`SELECT count(*) || ':' || md5(string_agg(id || ',' || sha256 || ',' || encode(sha256(pdf), 'hex'), '|' ORDER BY id)) FROM documents`,
		`SELECT count(*) || ':' || md5(string_agg(l::text, '|' ORDER BY id)) FROM audit_log l`,
		`SELECT last_seq || ':' || last_hash FROM audit_chain_head`,
		`SELECT count(*) || ':' || md5(string_agg(i::text, '|' ORDER BY case_id)) FROM investigations i`,
		`SELECT count(*) || ':' || md5(string_agg(st::text, '|' ORDER BY id)) FROM students st`,
	} {
		var before, after string
		if err := u.db.Get(&before, q); err != nil {
			t.Fatal(err)
		}
		if err := back.Get(&after, q); err != nil {
			t.Fatalf("restored: %s: %v", q, err)
		}
		if before != after || strings.HasPrefix(before, "0:") {
			t.Errorf("%s\n  before %s\n  after  %s", q, before, after)
		}
	}
	var badHashes int
	if err := back.Get(&badHashes, `SELECT count(*) FROM documents WHERE encode(sha256(pdf), 'hex') <> sha256`); err != nil || badHashes != 0 {
		t.Fatalf("%d restored documents do not match their hash (%v)", badHashes, err)
	}
	v, err := back.VerifyAudit(ctx)
	if err != nil || v.BrokenAt != nil || v.Checked == 0 || v.Unsealed != 1 {
		t.Fatalf("restored audit chain = %+v, %v", v, err)
	}
	// The restored database is current and the append-only triggers came along.
	m, err := postgres.NewMigrator(back.DB.DB)
	if err != nil {
		t.Fatal(err)
	}
	if current, err := m.Current(ctx); err != nil || !current {
		t.Fatalf("restored database migrations current = %v, %v", current, err)
	}
	if _, err := back.ExecContext(ctx, `DELETE FROM audit_log`); pqCode(err) != "42501" {
		t.Fatalf("restored audit log accepted a DELETE: %v", err)
	}
}
