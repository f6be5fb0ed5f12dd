package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/narvaro/narvaro/internal/narvaro"
)

// idempotent makes a create safe to retry: with a key, the first request's result (the new
// record's id) is stored in the same transaction as the record; a retry with the same key and
// the same request gets that id back instead of creating a second record. A concurrent retry
// waits on the key's row lock until the first commits.
func idempotent(ctx context.Context, tx *sqlx.Tx, a *narvaro.Actor, key string, request any, create func() (int64, error)) (int64, bool, error) {
	if key == "" {
		id, err := create()
		return id, false, err
	}
	if len(key) > 200 {
		return 0, false, narvaro.Invalid("Idempotency-Key", "Nyckeln är för lång (högst 200 tecken).", "The key is too long (at most 200 characters).")
	}
	b, err := json.Marshal(request)
	if err != nil {
		return 0, false, fmt.Errorf("hash request: %w", err)
	}
	sum := sha256.Sum256(b)
	reqHash := hex.EncodeToString(sum[:])
	// Claim the key first: a concurrent request with the same key blocks here.
	if _, err := tx.ExecContext(ctx, `SAVEPOINT idem`); err != nil {
		return 0, false, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO idempotency_keys (user_id, key, request_hash, status, body) VALUES ($1, $2, $3, 0, '')`,
		a.UserID, key, reqHash)
	var pe *pq.Error
	if errors.As(err, &pe) && pe.Code.Name() == "unique_violation" {
		if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT idem`); err != nil {
			return 0, false, err
		}
		var stored struct {
			Hash string `db:"request_hash"`
			Body []byte `db:"body"`
		}
		if err := tx.GetContext(ctx, &stored, `SELECT request_hash, body FROM idempotency_keys WHERE user_id = $1 AND key = $2`, a.UserID, key); err != nil {
			return 0, false, err
		}
		if stored.Hash != reqHash {
			return 0, false, narvaro.Errorf(narvaro.CodeConflict,
				"Nyckeln (Idempotency-Key) har redan använts för en annan begäran.",
				"The Idempotency-Key was already used for a different request.")
		}
		var id int64
		if err := json.Unmarshal(stored.Body, &id); err != nil {
			return 0, false, fmt.Errorf("stored idempotent result: %w", err)
		}
		return id, true, nil
	}
	if err != nil {
		return 0, false, err
	}
	id, err := create()
	if err != nil {
		return 0, false, err
	}
	body, _ := json.Marshal(id)
	_, err = tx.ExecContext(ctx, `UPDATE idempotency_keys SET status = 201, body = $3 WHERE user_id = $1 AND key = $2`, a.UserID, key, body)
	return id, false, err
}
