package pgsetup

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestResolveRunsAPrivateClusterAndReusesIt(t *testing.T) {
	ctx := context.Background()
	t.Setenv("DATABASE_URL", "")
	dir := filepath.Join(reachableTempDir(t), "postgres")
	opts := Options{
		DatabaseName: "narvaro_private",
		PrivateDir:   dir,
		BinDirs:      []string{installedBinDir(t)},
		SkipLocal:    true, // this machine may have a local server; test step 3 regardless
	}
	t.Cleanup(func() {
		if _, err := StopPrivate(context.Background(), opts); err != nil {
			t.Errorf("cleanup StopPrivate: %v", err)
		}
	})

	first, err := Resolve(ctx, opts)
	if err != nil {
		t.Fatalf("first Resolve: %v", err)
	}
	if first.Source != SourcePrivate || !first.Started {
		t.Fatalf("source %q started %v, want %q and started", first.Source, first.Started, SourcePrivate)
	}
	u, err := url.Parse(first.URL)
	if err != nil || u.Query().Get("host") != dir {
		t.Errorf("URL %s should reach the socket in %s", first.URL, dir)
	}
	if got := queryString(t, first.URL, `SELECT current_database()`); got != "narvaro_private" {
		t.Errorf("connected to %q, want narvaro_private", got)
	}
	if got := queryString(t, first.URL, `SHOW listen_addresses`); got != "" {
		t.Errorf("listen_addresses = %q; the private cluster must not listen on the network", got)
	}
	execSQL(t, first.URL, `CREATE TABLE survives_restart (id int)`)

	second, err := Resolve(ctx, opts)
	if err != nil {
		t.Fatalf("second Resolve: %v", err)
	}
	if second.Started || second.URL != first.URL {
		t.Errorf("second Resolve started %v URL %q; want the running cluster %q reused", second.Started, second.URL, first.URL)
	}
	if err := second.Stop(ctx); err != nil {
		t.Errorf("Stop of the reusing Resolve: %v", err)
	}
	if err := ping(ctx, first.URL); err != nil {
		t.Errorf("the reusing Resolve's Stop stopped a server it did not start: %v", err)
	}

	if err := first.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := ping(ctx, first.URL); err == nil {
		t.Error("server still answers after Stop")
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "postmaster.pid")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("postmaster.pid after Stop: %v", err)
	}
	if err := first.Stop(ctx); err != nil {
		t.Errorf("second Stop of a stopped server: %v", err)
	}

	// A stopped cluster is started again, not created again: the table is still there.
	third, err := Resolve(ctx, opts)
	if err != nil {
		t.Fatalf("third Resolve: %v", err)
	}
	if !third.Started {
		t.Error("third Resolve did not start the stopped cluster")
	}
	if got := queryString(t, third.URL, `SELECT count(*)::text FROM survives_restart`); got != "0" {
		t.Errorf("count = %q", got)
	}

	stopped, err := StopPrivate(ctx, opts)
	if err != nil || !stopped {
		t.Fatalf("StopPrivate = %v, %v; want true, nil", stopped, err)
	}
	if stopped, err := StopPrivate(ctx, opts); err != nil || stopped {
		t.Errorf("StopPrivate of a stopped cluster = %v, %v; want false, nil", stopped, err)
	}
	if err := third.Stop(ctx); err != nil {
		t.Errorf("Stop after StopPrivate: %v", err)
	}
}

func TestStopPrivateIgnoresAMissingCluster(t *testing.T) {
	stopped, err := StopPrivate(context.Background(), Options{PrivateDir: filepath.Join(t.TempDir(), "none")})
	if err != nil || stopped {
		t.Errorf("StopPrivate = %v, %v; want false, nil", stopped, err)
	}
}

func TestFindBinariesNeedsInitdbAndPgCtlTogether(t *testing.T) {
	onlyInitdb, both := t.TempDir(), t.TempDir()
	for _, f := range []string{filepath.Join(onlyInitdb, "initdb"), filepath.Join(both, "initdb"), filepath.Join(both, "pg_ctl")} {
		if err := os.WriteFile(f, []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	b, err := findBinaries([]string{onlyInitdb, both})
	if err != nil || b.pgCtl != filepath.Join(both, "pg_ctl") || b.initdb != filepath.Join(both, "initdb") {
		t.Errorf("findBinaries = %+v, %v; want the directory with both", b, err)
	}
	if _, err := findBinaries([]string{onlyInitdb}); err == nil {
		t.Error("findBinaries accepted a directory without pg_ctl")
	}
}

func TestNewestFirstOrdersVersionsNumerically(t *testing.T) {
	got := newestFirst([]string{
		"/usr/lib/postgresql/9.6/bin",
		"/usr/lib/postgresql/15/bin",
		"/usr/pgsql-10/bin",
		"/opt/homebrew/opt/postgresql@17/bin",
	})
	want := []string{
		"/opt/homebrew/opt/postgresql@17/bin",
		"/usr/lib/postgresql/15/bin",
		"/usr/pgsql-10/bin",
		"/usr/lib/postgresql/9.6/bin",
	}
	if !slices.Equal(got, want) {
		t.Errorf("newestFirst = %v, want %v", got, want)
	}
}
