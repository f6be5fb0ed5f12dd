package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/lib/pq"

	"github.com/narvaro/narvaro/internal/pgtest"
	"github.com/narvaro/narvaro/internal/postgres"
)

func openCached(t *testing.T, maxOpen int) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(context.Background(), pgtest.URL(t), maxOpen, maxOpen)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// preparedOn counts the statements prepared on the connection.
func preparedOn(t *testing.T, conn *sql.Conn) int {
	t.Helper()
	var n int
	if err := conn.QueryRowContext(context.Background(), `SELECT count(*) FROM pg_prepared_statements`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestParameterisedStatementsArePreparedOncePerConnection(t *testing.T) {
	ctx := context.Background()
	db := openCached(t, 2)
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for i := range 3 {
		var got int
		if err := conn.QueryRowContext(ctx, `SELECT $1::int + 1`, i).Scan(&got); err != nil || got != i+1 {
			t.Fatalf("run %d: got %d, %v", i, got, err)
		}
	}
	if n := preparedOn(t, conn); n != 1 {
		t.Errorf("after three runs of one statement: %d prepared, want 1", n)
	}
	if _, err := conn.ExecContext(ctx, `SELECT $1::text`, "x"); err != nil {
		t.Fatal(err)
	}
	if n := preparedOn(t, conn); n != 2 {
		t.Errorf("after a second statement: %d prepared, want 2", n)
	}
	for i := range 250 {
		if _, err := conn.ExecContext(ctx, fmt.Sprintf(`SELECT $1::int + %d`, i), i); err != nil {
			t.Fatal(err)
		}
	}
	if n := preparedOn(t, conn); n > 200 {
		t.Errorf("after 252 distinct statements: %d prepared, want at most 200 (the least recently used are closed)", n)
	}
}

func TestCachedStatementsKeepTransactionsArraysAndCopy(t *testing.T) {
	ctx := context.Background()
	db := openCached(t, 2)
	if _, err := db.ExecContext(ctx, `CREATE TABLE cache_probe (id int PRIMARY KEY, tags text[], doc jsonb)`); err != nil {
		t.Fatal(err)
	}
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO cache_probe VALUES ($1, $2, $3)`, 1, pq.StringArray{"a", "b"}, []byte(`{"k": 1}`)); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := tx.GetContext(ctx, &n, `SELECT count(*) FROM cache_probe WHERE id = ANY($1)`, []int64{1, 2}); err != nil || n != 1 {
		t.Fatalf("inside the transaction: %d rows, %v", n, err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := db.GetContext(ctx, &n, `SELECT count(*) FROM cache_probe WHERE id = ANY($1)`, []int64{1, 2}); err != nil || n != 0 {
		t.Fatalf("after rollback: %d rows, %v", n, err)
	}
	tx, err = db.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := tx.PrepareContext(ctx, `COPY cache_probe (id, tags, doc) FROM STDIN`)
	if err != nil {
		t.Fatal(err)
	}
	for i := 10; i < 13; i++ {
		if _, err := st.ExecContext(ctx, i, "{x}", `{"n": 2}`); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.ExecContext(ctx); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var doc string
	if err := db.GetContext(ctx, &doc, `SELECT doc::text FROM cache_probe WHERE id = $1`, 11); err != nil || doc != `{"n": 2}` {
		t.Fatalf("copied row: %q, %v", doc, err)
	}
}

func TestAConnectionWhoseStatementsAStructureChangeInvalidatedIsReplaced(t *testing.T) {
	ctx := context.Background()
	db := openCached(t, 1)
	if _, err := db.ExecContext(ctx, `CREATE TABLE cache_shape (a int)`); err != nil {
		t.Fatal(err)
	}
	read := func() error {
		var n int
		return db.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT * FROM cache_shape WHERE a = $1) x`, 1).Scan(&n)
	}
	rows := func() error {
		r, err := db.QueryContext(ctx, `SELECT * FROM cache_shape WHERE a = $1`, 1)
		if err != nil {
			return err
		}
		return r.Close()
	}
	for _, f := range []func() error{read, rows} {
		if err := f(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.ExecContext(ctx, `ALTER TABLE cache_shape ADD COLUMN b int`); err != nil {
		t.Fatal(err)
	}
	// The server refuses the cached SELECT * once its result has another shape; that one call
	// fails, and the pool's next call runs on a fresh connection.
	_ = rows()
	if err := rows(); err != nil {
		t.Fatalf("after the change: %v", err)
	}
	if err := read(); err != nil {
		t.Fatalf("another statement after the change: %v", err)
	}
}
