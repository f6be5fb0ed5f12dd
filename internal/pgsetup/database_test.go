package pgsetup

import (
	"context"
	"sync"
	"testing"
)

func TestEnsureDatabaseSurvivesConcurrentCreators(t *testing.T) {
	server := adminURL(t)
	name := uniqueName("pgsetup_race")
	dropOnCleanup(t, server, name)

	const creators = 4
	urls := make([]string, creators)
	errs := make([]error, creators)
	var wg sync.WaitGroup
	for i := range creators {
		wg.Go(func() { urls[i], errs[i] = EnsureDatabase(context.Background(), server, name) })
	}
	wg.Wait()

	for i := range creators {
		if errs[i] != nil {
			t.Errorf("creator %d: %v", i, errs[i])
		} else if got := queryString(t, urls[i], `SELECT current_database()`); got != name {
			t.Errorf("creator %d got URL reaching %q, want %q", i, got, name)
		}
	}
	if n := queryString(t, server, `SELECT count(*)::text FROM pg_database WHERE datname = '`+name+`'`); n != "1" {
		t.Errorf("%s databases named %s, want 1", n, name)
	}
}

func TestEnsureDatabaseRejectsNamesPostgreSQLWouldTruncate(t *testing.T) {
	for _, name := range []string{"", "a234567890123456789012345678901234567890123456789012345678901234"} {
		if _, err := EnsureDatabase(context.Background(), localAdminURL, name); err == nil {
			t.Errorf("EnsureDatabase(%q) succeeded", name)
		}
	}
}

func TestWithDatabasePointsAConnectionStringAtAnotherDatabase(t *testing.T) {
	tests := []struct{ dsn, want string }{
		{"postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "postgres://postgres@127.0.0.1:5432/narvaro?sslmode=disable"},
		{"postgresql://u:p@db.example/postgres", "postgresql://u:p@db.example/narvaro"},
		{"postgres://postgres@/postgres?host=%2Fvar%2Frun%2Fpostgresql&port=5432", "postgres://postgres@/narvaro?host=%2Fvar%2Frun%2Fpostgresql&port=5432"},
		{"host=/tmp dbname=postgres", "host=/tmp dbname=postgres dbname='narvaro'"},
	}
	for _, tt := range tests {
		got, err := withDatabase(tt.dsn, "narvaro")
		if err != nil || got != tt.want {
			t.Errorf("withDatabase(%q) = %q, %v; want %q", tt.dsn, got, err, tt.want)
		}
	}
}

func TestRedactHidesPasswords(t *testing.T) {
	tests := []struct{ dsn, want string }{
		{"postgres://u:s3cret@h:5432/db", "postgres://u:xxxxx@h:5432/db"},
		{"postgres://u@h/db?password=s3cret", "postgres://u@h/db?password=xxxxx"},
		{"postgres://u:s3cret@h:bad/db", "postgres://u:xxxxx@h:bad/db"},
		{"host=h password='s3 cret' user=u", "host=h password=xxxxx user=u"},
		{"host=h password=s3cret", "host=h password=xxxxx"},
		{"postgres://u@h/db", "postgres://u@h/db"},
	}
	for _, tt := range tests {
		if got := Redact(tt.dsn); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.dsn, got, tt.want)
		}
	}
}
