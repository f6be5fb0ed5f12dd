package postgres_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/narvaro/narvaro/internal/pgtest"
	"github.com/narvaro/narvaro/internal/postgres"
)

func TestMigrationsAreCurrentAndReversible(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := context.Background()
	m, err := postgres.NewMigrator(db.DB.DB)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := m.Current(ctx); err != nil || !ok {
		t.Fatalf("a fresh test database should be fully migrated: %v %v", ok, err)
	}
	var status bytes.Buffer
	if err := m.Status(ctx, &status); err != nil || !strings.Contains(status.String(), "00001_init.sql") {
		t.Fatalf("status = %q, %v", status.String(), err)
	}
	// Roll every migration back and apply them again: each down must undo its up.
	for i := 0; ; i++ {
		v, err := m.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v == 0 {
			break
		}
		if i > 100 {
			t.Fatal("migrations never reach version 0")
		}
		if err := m.Down(ctx); err != nil {
			t.Fatalf("down from %d: %v", v, err)
		}
	}
	var tables int
	db.Get(&tables, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'goose_db_version'")
	if tables != 0 {
		t.Fatalf("%d tables remain after rolling back every migration", tables)
	}
	if err := m.Up(ctx, nil); err != nil {
		t.Fatalf("up again: %v", err)
	}
}

func TestSwedishCollation(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	var names []string
	err := db.Select(&names, `SELECT n FROM unnest(ARRAY['Östen','Zara','Åsa','Adam','Ärla']) AS n ORDER BY n COLLATE sv_se`)
	if err != nil {
		t.Fatal(err)
	}
	want := "Adam Zara Åsa Ärla Östen"
	if got := strings.Join(names, " "); got != want {
		t.Fatalf("sorted %q, want %q (Å, Ä, Ö after Z)", got, want)
	}
}
