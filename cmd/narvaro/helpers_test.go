package main

import (
	"context"
	"testing"

	"github.com/narvaro/narvaro/internal/pgtest"
	"github.com/narvaro/narvaro/internal/postgres"
)

// newCmdWorld gives a command test its own migrated database (in DATABASE_URL, as the commands
// find it), the shipped configuration, and the fixture organisation.
func newCmdWorld(t *testing.T) (context.Context, *postgres.DB, *pgtest.Org) {
	t.Helper()
	url := pgtest.URL(t)
	t.Setenv("DATABASE_URL", url)
	t.Setenv("NARVARO_CONFIG_DIR", "")
	ctx := context.Background()
	db, err := postgres.Open(ctx, url, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return ctx, db, pgtest.NewOrg(t, db)
}
