package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/narvaro/narvaro/internal/audit"
	"github.com/narvaro/narvaro/internal/narvaro"
)

// writeAudit records an access in the caller's transaction, so the log and the change it
// records commit or roll back together.
func writeAudit(ctx context.Context, q queryer, a *narvaro.Actor, e audit.Entry) error {
	args, err := auditArgs(a, e)
	if err != nil {
		return err
	}
	if _, err := q.ExecContext(ctx, auditInsert(1), args...); err != nil {
		return fmt.Errorf("write audit row: %w", err)
	}
	return nil
}

// auditInsert is the statement that writes one audit row, its ten values numbered from $first
// on, so that it can also stand in a WITH clause of a read (caseViewLoggedSelect).
func auditInsert(first int) string {
	p := make([]string, 10)
	for i := range p {
		p[i] = "$" + strconv.Itoa(first+i)
	}
	return `INSERT INTO audit_log (actor_id, actor_name, action, entity, entity_id, student_id, school_id, ip, request_id, detail)
		VALUES (` + strings.Join(p, ", ") + `)`
}

// auditArgs are the values of auditInsert for an entry written by a (nil: the system).
func auditArgs(a *narvaro.Actor, e audit.Entry) ([]any, error) {
	detail := []byte("{}")
	if len(e.Detail) > 0 {
		var err error
		if detail, err = json.Marshal(e.Detail); err != nil {
			return nil, fmt.Errorf("audit detail: %w", err)
		}
	}
	var actorID *int64
	name, ip, reqID := "system", "", ""
	if a != nil {
		actorID, name, ip, reqID = &a.UserID, a.Name, a.IP, a.RequestID
	}
	return []any{actorID, name, e.Action, e.Entity, nullID(e.EntityID), nullID(e.StudentID), nullID(e.SchoolID), ip, reqID, detail}, nil
}

// Audit records an access outside any other change (e.g. a download).
func (db *DB) Audit(ctx context.Context, a *narvaro.Actor, e audit.Entry) error {
	return translate(writeAudit(ctx, db, a, e))
}

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// SealAudit extends the hash chain over rows written since the last seal, in id order. Only
// one sealer runs at a time (the chain head row is locked), so several instances may call it.
func (db *DB) SealAudit(ctx context.Context, batch int) (int, error) {
	sealed := 0
	err := db.Tx(ctx, func(tx *sqlx.Tx) error {
		var head struct {
			Seq  int64  `db:"last_seq"`
			Hash string `db:"last_hash"`
		}
		if err := tx.GetContext(ctx, &head, `SELECT last_seq, last_hash FROM audit_chain_head FOR UPDATE`); err != nil {
			return fmt.Errorf("lock chain head: %w", err)
		}
		var rows []audit.Row
		if err := tx.SelectContext(ctx, &rows, `
			SELECT id, at, actor_id, actor_name, action, entity, entity_id, student_id, school_id, ip, request_id, detail::text AS detail,
			       seq, prev_hash, hash
			FROM audit_log WHERE seq IS NULL ORDER BY id LIMIT $1`, batch); err != nil {
			return fmt.Errorf("read unsealed rows: %w", err)
		}
		// One statement for the batch: a round trip per row made sealing cost as much as the
		// read it records (docs/benchmarks.md).
		ids, seqs := make([]int64, len(rows)), make([]int64, len(rows))
		prevs, hashes := make([]string, len(rows)), make([]string, len(rows))
		for i, r := range rows {
			head.Seq++
			h := audit.Hash(head.Hash, head.Seq, r)
			ids[i], seqs[i], prevs[i], hashes[i] = r.ID, head.Seq, head.Hash, h
			head.Hash = h
		}
		if len(rows) > 0 {
			res, err := tx.ExecContext(ctx, `UPDATE audit_log a SET seq = u.seq, prev_hash = u.prev, hash = u.hash
				FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS u(id, seq, prev, hash) WHERE a.id = u.id`,
				pq.Int64Array(ids), pq.Int64Array(seqs), pq.StringArray(prevs), pq.StringArray(hashes))
			if err != nil {
				return fmt.Errorf("seal audit rows %d to %d: %w", ids[0], ids[len(ids)-1], err)
			}
			if n, _ := res.RowsAffected(); n != int64(len(rows)) {
				return fmt.Errorf("seal audit rows %d to %d: %d of %d sealed", ids[0], ids[len(ids)-1], n, len(rows))
			}
		}
		sealed = len(rows)
		_, err := tx.ExecContext(ctx, `UPDATE audit_chain_head SET last_seq = $1, last_hash = $2`, head.Seq, head.Hash)
		return err
	})
	return sealed, err
}

// VerifyResult is what `narvaro audit verify` reports.
type VerifyResult struct {
	Checked  int64
	Unsealed int64
	BrokenAt *int64 // the seq where the chain first breaks
	Reason   string
}

// VerifyAudit walks the chain in seq order and recomputes every hash.
func (db *DB) VerifyAudit(ctx context.Context) (*VerifyResult, error) {
	res := &VerifyResult{}
	if err := db.GetContext(ctx, &res.Unsealed, `SELECT count(*) FROM audit_log WHERE seq IS NULL`); err != nil {
		return nil, translate(err)
	}
	rows, err := db.QueryxContext(ctx, `
		SELECT id, at, actor_id, actor_name, action, entity, entity_id, student_id, school_id, ip, request_id, detail::text AS detail,
		       seq, prev_hash, hash
		FROM audit_log WHERE seq IS NOT NULL ORDER BY seq`)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	prev, want := "", int64(0)
	for rows.Next() {
		var r audit.Row
		if err := rows.StructScan(&r); err != nil {
			return nil, translate(err)
		}
		want++
		seq := *r.Seq
		switch {
		case seq != want:
			res.BrokenAt, res.Reason = &want, fmt.Sprintf("row with seq %d is missing", want)
		case r.PrevHash == nil || *r.PrevHash != prev:
			res.BrokenAt, res.Reason = &seq, "previous-hash link does not match"
		case r.Hash == nil || *r.Hash != audit.Hash(prev, seq, r):
			res.BrokenAt, res.Reason = &seq, "row content does not match its hash"
		}
		if res.BrokenAt != nil {
			return res, nil
		}
		prev = *r.Hash
		res.Checked++
	}
	if err := rows.Err(); err != nil {
		return nil, translate(err)
	}
	var head struct {
		Seq  int64  `db:"last_seq"`
		Hash string `db:"last_hash"`
	}
	if err := db.GetContext(ctx, &head, `SELECT last_seq, last_hash FROM audit_chain_head`); err != nil {
		return nil, translate(err)
	}
	if head.Seq != res.Checked || head.Hash != prev {
		s := res.Checked
		res.BrokenAt, res.Reason = &s, "the chain head does not match the last row (rows removed at the end?)"
	}
	return res, nil
}

// RunAuditSealer seals the chain every interval until ctx ends.
func (db *DB) RunAuditSealer(ctx context.Context, every time.Duration, onErr func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			for {
				n, err := db.SealAudit(ctx, 5000)
				if err != nil && ctx.Err() == nil && onErr != nil {
					onErr(err)
				}
				if err != nil || n < 5000 {
					break
				}
			}
		}
	}
}

func auditEntry(action, entity string, id int64, c *caseRecord) audit.Entry {
	return audit.Entry{Action: action, Entity: entity, EntityID: id, StudentID: c.StudentID, SchoolID: c.SchoolID,
		Detail: map[string]any{"case_id": c.ID}}
}

func auditEntryIDs(action, entity string, id, studentID, schoolID int64) audit.Entry {
	return audit.Entry{Action: action, Entity: entity, EntityID: id, StudentID: studentID, SchoolID: schoolID}
}
