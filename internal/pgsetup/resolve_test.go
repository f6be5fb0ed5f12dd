package pgsetup

import (
	"context"
	"strings"
	"testing"

	"github.com/narvaro/narvaro/internal/narvaro"
)

func TestResolveUsesAWorkingDatabaseURLAsIs(t *testing.T) {
	server := adminURL(t)
	t.Setenv("DATABASE_URL", server)

	// SkipLocal and an empty BinDirs directory prove that nothing past step 1 is consulted.
	db, err := Resolve(context.Background(), Options{SkipLocal: true, BinDirs: []string{t.TempDir()}})
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	if db.URL != server || db.Source != SourceEnv || db.Started {
		t.Errorf("got URL %q source %q started %v; want DATABASE_URL unchanged, source %q, not started",
			db.URL, db.Source, db.Started, SourceEnv)
	}
	if err := db.Stop(context.Background()); err != nil {
		t.Errorf("Stop of a server we did not start: %v", err)
	}
}

func TestResolveRejectsABrokenDatabaseURLWithoutShowingThePassword(t *testing.T) {
	tests := []struct {
		name, url, shows string
	}{
		{"url, nothing listens", "postgres://postgres:s3cret@127.0.0.1:1/narvaro?sslmode=disable", "127.0.0.1:1"},
		{"key=value, nothing listens", "host=127.0.0.1 port=1 user=postgres password=s3cret dbname=narvaro sslmode=disable", "port=1"},
		{"password in query", "postgres://postgres@127.0.0.1:1/narvaro?password=s3cret&sslmode=disable", "127.0.0.1:1"},
		{"malformed url", "postgres://postgres:s3cret@127.0.0.1:notaport/narvaro", "127.0.0.1:notaport"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("DATABASE_URL", tt.url)
			_, err := Resolve(context.Background(), Options{})
			if err == nil {
				t.Fatal("Resolve succeeded with a URL nothing answers")
			}
			if got := narvaro.ErrorCode(err); got != narvaro.CodeUnavailable {
				t.Errorf("code %q, want %q", got, narvaro.CodeUnavailable)
			}
			e := narvaro.AsError(err)
			for _, msg := range []string{e.Message.SV, e.Message.EN} {
				if !strings.Contains(msg, "DATABASE_URL") || !strings.Contains(msg, tt.shows) {
					t.Errorf("message %q should name DATABASE_URL and %q", msg, tt.shows)
				}
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error shows the password: %v", err)
			}
		})
	}
}

func TestResolveCreatesTheDatabaseOnTheLocalServer(t *testing.T) {
	if err := ping(context.Background(), localAdminURL); err != nil {
		t.Skipf("no local server on 127.0.0.1:5432: %v", err)
	}
	t.Setenv("DATABASE_URL", "")
	name := uniqueName("pgsetup_local")
	dropOnCleanup(t, localAdminURL, name)

	db, err := Resolve(context.Background(), Options{DatabaseName: name, BinDirs: []string{t.TempDir()}})
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	if db.Source != SourceLocal || db.Started {
		t.Errorf("source %q started %v, want %q and not started", db.Source, db.Started, SourceLocal)
	}
	if got := queryString(t, db.URL, `SELECT current_database()`); got != name {
		t.Errorf("URL %s reaches database %q, want %q", db.URL, got, name)
	}

	// A second start finds the database already there.
	again, err := Resolve(context.Background(), Options{DatabaseName: name})
	if err != nil || again.URL != db.URL {
		t.Errorf("second Resolve = %v, %v; want the same URL %q", again, err, db.URL)
	}
}

func TestResolveExplainsHowToInstallPostgreSQLWhenNoneIsFound(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	_, err := Resolve(context.Background(), Options{
		SkipLocal:  true,
		BinDirs:    []string{t.TempDir()}, // a machine without initdb or pg_ctl
		PrivateDir: t.TempDir(),
	})
	if err == nil {
		t.Fatal("Resolve succeeded without any PostgreSQL")
	}
	if got := narvaro.ErrorCode(err); got != narvaro.CodeUnavailable {
		t.Errorf("code %q, want %q", got, narvaro.CodeUnavailable)
	}
	e := narvaro.AsError(err)
	for lang, msg := range map[string]string{"sv": e.Message.SV, "en": e.Message.EN} {
		for _, want := range []string{"apt-get install postgresql", "brew install postgresql", "DATABASE_URL"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s message %q lacks %q", lang, msg, want)
			}
		}
	}
	if !strings.Contains(e.Message.SV, "Installera") || !strings.Contains(e.Message.EN, "Install") {
		t.Errorf("messages are not in Swedish and English: %+v", e.Message)
	}
}
