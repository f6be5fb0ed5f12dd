package postgres

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// readGeneric runs fn in a read-only transaction in which prepared statements use their
// generic plan. The lists of the start page filter on arrays of schools and on the actor's role;
// for such statements PostgreSQL judges a plan for the actual values cheaper and so plans them
// again on every call, and planning took three times as long as running them (about 1.5 ms
// against 0.4 ms for the follow-up due list, docs/benchmarks.md). Their generic plans are the
// same index scans. Other statements keep the default: only these lists are known to be planned
// in vain.
func (db *DB) readGeneric(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := db.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return translate(fmt.Errorf("begin: %w", err))
	}
	defer tx.Rollback() //nolint:errcheck // after Commit this is a no-op
	if _, err := tx.ExecContext(ctx, `SET LOCAL plan_cache_mode = force_generic_plan`); err != nil {
		return translate(fmt.Errorf("generic plans: %w", err))
	}
	if err := fn(tx); err != nil {
		return translate(err)
	}
	return translate(tx.Commit())
}
